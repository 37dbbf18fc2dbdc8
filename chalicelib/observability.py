"""Logger, metrics and tracer, wired once for every route and event handler.

Personal data never reaches the logs: the formatter masks every field whose name says it is
personal (names, CNIe, birth data, contacts, addresses, Massar codes), and in every other
value the patterns of national ID numbers, phone numbers, e-mail addresses, Massar codes,
dates and date-times, stack traces included.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.settings import get_settings

SERVICE = "khidmat"

MASK = "[redacted]"
_PERSONAL = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"(?<![\w-])\+?\d(?:[ .-]?\d){8,}(?!\w)"),  # phone numbers, long digit runs
    re.compile(r"\b[A-Za-z]\d{9}\b"),  # Massar pupil codes: a letter and nine digits
    re.compile(r"\b[A-Za-z]{1,2}\d{4,7}\b"),  # CNIe numbers, in either case
    # Dates and date-times (a birth date may come either way); the line's own timestamp
    # field is kept by the formatter.
    re.compile(
        r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    ),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b"),  # dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy
]
# A field whose name says it holds personal data is masked whole, whatever its value looks
# like (a name, an address and a free text match no pattern). Names are compared in lower
# snake case: "birthDate", "Birth-Date" and "birth date" are "birth_date".
_PERSONAL_WORDS = (
    "cnie|cin|national_id|id_number|phone|tel|mobile|msisdn|email|mail|birth|born|dob|"
    "name|names|first_name|last_name|given_name|family_name|address|residence|massar|"
    "pupil_code|iban|card|pan|password|token|secret|father|mother|guardian|child|sibling"
)
_PERSONAL_FIELD = re.compile(rf"(?:^|_)(?:{_PERSONAL_WORDS})(?:_|$)")
# Powertools' own keys, never personal although "function_name" has a "name" in it.
_POWERTOOLS_KEYS = frozenset(
    {
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "sampling_rate",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
        "exception",
        "exception_name",
        "stack_trace",
    }
)


def field_key(name: str) -> str:
    """A field name in lower snake case."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def is_personal_field(name: str) -> bool:
    return name not in _POWERTOOLS_KEYS and bool(_PERSONAL_FIELD.search(field_key(name)))


def redact(text: str) -> str:
    for pattern in _PERSONAL:
        text = pattern.sub(MASK, text)
    return text


def _redact_values(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            k: MASK if is_personal_field(str(k)) else _redact_values(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_values(v) for v in value]
    if value is None or isinstance(value, int | float | bool):
        return value
    return redact(str(value))  # exceptions and other objects are logged by their text


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Masks personal data in every field of a log line but its timestamp."""

    def serialize(self, log: Any) -> str:
        return super().serialize(
            {
                k: v if k == "timestamp" else MASK if is_personal_field(k) else _redact_values(v)
                for k, v in log.items()
            }
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
