"""Loading the school map (``POST /enrollment/schools/import``, ``make schools``): every
line checked (``school_map``), each good school written in its own transaction (all of its
items or none), the bad lines named by line, field and why. The catalogue is reached through
``ports.py`` (DynamoDB's by default; an in-memory fake in unit tests)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalicelib.observability import logger
from chalicelib.services.enrollment import ports, school_map
from chalicelib.store.enrollment.catalogue import SchoolNotSaved

MAX_ERRORS = 500  # listed in the answer (the total is given too): it stays well under 400 KB


def load(text: str, demo: str | None = None) -> dict[str, Any]:
    """The report of loading ``text``: lines read, schools loaded (their codes), and each
    bad line's problems; a school whose write failed is reported on its line too."""
    parsed = school_map.parse(text)
    loaded: list[str] = []
    errors = list(parsed.errors)
    catalogue = ports.catalogue()
    for line, school in parsed.schools:
        try:
            catalogue.save_school(school, demo)
        except SchoolNotSaved as error:  # nothing of it was written: say so, go on
            logger.warning("school map: a school not written", extra={"error": error.why})
            why = f"not written ({error.why}); nothing of it changed, load it again"
            errors.append(school_map.LineError(line, "line", why))
            continue
        loaded.append(school["code"])
    errors.sort(key=lambda e: e.line)
    return {
        "read": parsed.read,
        "loaded": len(loaded),
        "schools": loaded,
        "rejected_lines": len({e.line for e in errors}),
        "errors": [asdict(e) for e in errors[:MAX_ERRORS]],
        "errors_total": len(errors),
    }
