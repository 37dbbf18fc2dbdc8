"""Base models for what the API takes and gives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
