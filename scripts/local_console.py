"""``make run``'s screen: short lines for a person on the terminal, the app's JSON in a file.

The app logs JSON lines (Powertools: document checks, notifications, requests) and prints
EMF metrics, as it does in Lambda, where CloudWatch reads them. Under ``make run`` they go
to ``.local/app.log``; the terminal keeps the stack's lines, the demo data, the tokens, and
one line per request (method, path, status, milliseconds). Both processes (the runner with
the event pump, and ``chalice local``) do the same through ``to_file``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from infra import moto_gaps

ROOT = Path(__file__).resolve().parent.parent
LOG_FILE = ROOT / ".local" / "app.log"
LOG_ENV = "KHIDMAT_LOCAL_LOG"  # set by make run for its chalice local child
APP_LOGGER = "khidmat"  # Powertools' Logger(service=...) is this standard logger


def to_file(path: Path, fresh: bool = False) -> TextIO:
    """Send the app's log lines, other libraries' logs and anything printed to ``path``;
    return the terminal's stream, for the lines meant for a person."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        path.write_text("")
    # Append mode in both processes: every write lands at the end, none over the other's.
    stream = path.open("a", encoding="utf-8", buffering=1)
    app = logging.getLogger(APP_LOGGER)
    for handler in app.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)
    app.propagate = False  # one JSON line, not also the bare message through the root logger
    warnings = logging.StreamHandler(sys.stderr)  # other libraries' warnings stay in sight
    warnings.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.handlers = [logging.StreamHandler(stream), warnings]  # chalice local's basicConfig
    root.setLevel(logging.INFO)  # then does nothing
    terminal = sys.stdout
    sys.stdout = stream  # EMF metrics are printed, not logged
    return terminal


class ClosedGaps(logging.Filter):
    """Drops moto's "No Moto CloudFormation support for X" when ``infra/moto_gaps.py``
    creates X through the API; a gap nobody closes is still shown."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != "No Moto CloudFormation support for %s":
            return True
        kind = record.args[0] if isinstance(record.args, tuple) and record.args else None
        return kind not in moto_gaps.CLOSED_TYPES


def quiet_closed_gaps() -> None:
    logging.getLogger("moto").addFilter(ClosedGaps())


def request_line(method: str, path: str, status: int, ms: float) -> str:
    """``GET /health 200 12 ms``: the path without its query, which may carry personal data."""
    return f"{method} {path.split('?', 1)[0]} {status} {ms:.0f} ms"
