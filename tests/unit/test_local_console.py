"""make run's screen: moto's warnings for the gaps the project closes are hidden, the others
shown; a request is one short line without its query."""

from __future__ import annotations

import logging

from infra import moto_gaps
from scripts.local_console import ClosedGaps, request_line


def _warning(kind: str) -> logging.LogRecord:
    return logging.LogRecord(
        "moto", logging.WARNING, "parsing.py", 278, "No Moto CloudFormation support for %s",
        (kind,), None,
    )  # fmt: skip


def test_only_the_closed_gaps_are_hidden() -> None:
    gaps = ClosedGaps()
    assert {"AWS::SecretsManager::Secret", "AWS::SES::EmailIdentity"} == moto_gaps.CLOSED_TYPES
    for kind in moto_gaps.CLOSED_TYPES:
        assert not gaps.filter(_warning(kind))
    assert gaps.filter(_warning("AWS::SQS::QueuePolicy"))  # nobody closes it: still shown
    other = logging.LogRecord("moto", logging.WARNING, "x.py", 1, "something else", (), None)
    assert gaps.filter(other)


def test_a_request_line_is_method_path_status_and_milliseconds() -> None:
    assert request_line("GET", "/health", 200, 12.4) == "GET /health 200 12 ms"
    line = request_line("GET", "/equivalence/decisions?q=Amina", 200, 80)
    assert line == "GET /equivalence/decisions 200 80 ms"
