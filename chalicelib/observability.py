"""Logger, metrics and tracer, wired once for every route and event handler.

Personal data never reaches the logs: the formatter masks national ID numbers, phone
numbers, e-mail addresses and dates of birth in every line, stack traces included.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.settings import get_settings

SERVICE = "khidmat"

_PERSONAL = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"(?<![\w-])\+?\d(?:[ .-]?\d){8,}(?!\w)"),  # phone numbers, long digit runs
    re.compile(r"\b[A-Z]{1,2}\d{4,7}\b"),  # CNIe numbers
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?![\dT])"),  # bare dates (birth dates); timestamps stay
]


def redact(text: str) -> str:
    for pattern in _PERSONAL:
        text = pattern.sub("[redacted]", text)
    return text


def _redact_values(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_values(v) for v in value]
    if value is None or isinstance(value, int | float | bool):
        return value
    return redact(str(value))  # exceptions and other objects are logged by their text


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Masks personal data in every field of a log line but its timestamp."""

    def serialize(self, log: Any) -> str:
        return super().serialize(
            {k: v if k == "timestamp" else _redact_values(v) for k, v in log.items()}
        )


logger = Logger(service=SERVICE, logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="Khidmat", service=SERVICE)


@lru_cache(maxsize=1)
def tracer() -> Any | None:
    """The X-Ray tracer, or None. Creating one imports the X-Ray SDK (~170 ms), so only
    when tracing is on."""
    if not get_settings().tracing_enabled:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)
