"""Base models for what the API takes and gives."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_day(value: Any) -> Any:
    """A calendar day written YYYY-MM-DD (pydantic alone also takes 0 or 1700000000 as a
    Unix time, which the schema's ``format: date`` does not)."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.match(value)):
        return value
    raise ValueError("a date written YYYY-MM-DD")


# A day on the wire: ISO 8601, YYYY-MM-DD, and nothing else.
Day = Annotated[date, BeforeValidator(_iso_day), Field(json_schema_extra={"format": "date"})]


class Input(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class QueryInput(BaseModel):
    """Query parameters: unknown ones are ignored, as caches and proxies may add some."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class PageQuery(QueryInput):
    limit: int | None = Field(default=None, ge=1, le=100, description="Items per page (20).")
    cursor: str | None = Field(
        default=None, max_length=2048, description="The 'next' value of the previous page."
    )


class Output(BaseModel):
    model_config = ConfigDict(extra="ignore")
