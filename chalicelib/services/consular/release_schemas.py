"""What the release-round routes take and give (decisions 56 to 60)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field, field_validator

from chalicelib.api.schemas import Input, Output
from chalicelib.services.consular.schemas import ServiceCode

HEX_ID = r"^[0-9a-f]{32}$"


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("give the time zone (Z for UTC)")
    return value.astimezone(UTC)


class ReleaseIn(Input):
    service: ServiceCode
    slots: list[datetime] = Field(
        min_length=1, max_length=90, description="The slots' starts (ISO 8601 UTC) the draw gives."
    )
    draw_at: datetime = Field(description="When the draw runs (after the entries close).")
    entries_hours: int = Field(
        ge=1, le=720, description="How long entries stay open, from now, in hours."
    )

    @field_validator("draw_at")
    @classmethod
    def aware(cls, value: datetime) -> datetime:
        return _aware(value)

    @field_validator("slots")
    @classmethod
    def aware_slots(cls, value: list[datetime]) -> list[datetime]:
        return [_aware(v) for v in value]


class ReleasePath(Input):
    id: str = Field(pattern=HEX_ID)


class DrawnEntry(Output):
    reference: str = Field(description="HMAC-SHA256 of the case id under the round's secret key.")
    choices: list[str] = Field(description="The days (YYYY-MM-DD) or half-days (/am, /pm).")
    slot: str | None = Field(description="The slot won, or null: on the waiting list.")


class ReleaseView(Output):
    id: str
    consulate: str
    time_zone: str = Field(description="The consulate's zone: half-days split at local noon.")
    service: str
    state: str = Field(description="open, closed, drawn (being applied) or done.")
    slots: list[str]
    closes_at: str
    draw_at: str
    commitment: str = Field(description="SHA-256 of the seed, hex: published before entries.")
    algorithm: str
    seed: str | None = Field(description="The seed, hex, once drawn.")
    seats: dict[str, int] | None = Field(description="Seats per slot at the draw.")
    drawn_at: str | None
    entries: list[DrawnEntry] = Field(description="In draw order, once drawn.")
    order: list[str] = Field(description="The references in draw order, once drawn.")


class EntryIn(Input):
    round: str = Field(pattern=HEX_ID, description="The release round's id.")
    choices: list[str] = Field(
        min_length=1,
        max_length=62,
        description="Acceptable days (YYYY-MM-DD) or half-days (YYYY-MM-DD/am, /pm), local.",
    )
