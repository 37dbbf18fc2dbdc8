from __future__ import annotations

from datetime import date

from pydantic import Field

from chalicelib.api.schemas import Output, QueryInput
from chalicelib.stats.histogram import MAX_DAYS


class ProcessingTimesQuery(QueryInput):
    service: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The service: a case type, as in a case's `case_type`.",
    )
    office: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="An office (school, consulate, ministry ...); omitted: all offices.",
    )


class StatsWindow(Output):
    start: date = Field(description="First day counted: the 1st of the month 3 months back.")
    end: date = Field(description="Today, in Africa/Casablanca.")
    months: list[str] = Field(description="The whole months counted (YYYY-MM), oldest first.")


class ProcessingTimes(Output):
    service: str
    office: str | None = Field(description="The office, or null for all offices.")
    window: StatsWindow = Field(
        description="The last 90 days, widened to whole months: decisions taken from the "
        "first of the month three months back until today."
    )
    decided: int = Field(ge=0, description="Files decided in the window.")
    median_days: int | None = Field(
        description="Median of the calendar days from submission to decision (nearest rank); "
        f"{MAX_DAYS + 1} means more than {MAX_DAYS}; null when nothing was decided."
    )
    p90_days: int | None = Field(
        description="90th percentile of the same days (nearest rank); "
        f"{MAX_DAYS + 1} means more than {MAX_DAYS}."
    )
    within_legal_time: int = Field(ge=0, description="Files decided within the legal time.")
    within_legal_time_share: float | None = Field(
        ge=0, le=1, description="within_legal_time / decided, to 4 decimals; null if none."
    )
    legal_days: int | None = Field(
        description="The length of the service's decision clock (law 55.19's 60 calendar "
        "days where no text gives one); null for a service that decides nothing "
        "administrative. Each case is measured against its own clock: pauses and an "
        "extension move its due date."
    )
