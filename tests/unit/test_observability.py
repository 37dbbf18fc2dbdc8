from __future__ import annotations

import json
import logging

import pytest

from chalicelib.observability import RedactingFormatter, redact


@pytest.mark.parametrize(
    "secret",
    [
        "AB123456",
        "+212 6 12 34 56 78",
        "0612345678",
        "amina.benali@example.ma",
        "2019-03-04",
    ],
)
def test_personal_data_is_masked(secret: str) -> None:
    assert secret not in redact(f"value {secret} end")


def test_timestamps_and_ids_stay_readable() -> None:
    line = "at 2026-11-26T04:00:00Z case EQ-2026-000123 route /cases/{id}"
    assert redact(line) == line


def test_stack_traces_are_masked_too() -> None:
    formatter = RedactingFormatter()
    try:
        raise ValueError("bad CNIe AB123456 for +212612345678")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = formatter.format(record)
    assert "AB123456" not in line and "212612345678" not in line
    assert "ValueError" in json.loads(line)["exception"]
