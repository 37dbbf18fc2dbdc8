"""What the committees' routes take and give (pydantic; imported on a route's first call)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from chalicelib.api.schemas import Input, Output
from chalicelib.services.equivalence.committees import HEC_SEATS, SECTOR_SEATS

_SEATS = [s.code for s in (*SECTOR_SEATS, *HEC_SEATS)]


def _seat(value: str) -> str:
    if value not in _SEATS:
        raise ValueError(f"one of {', '.join(_SEATS)}")
    return value


SeatCode = Annotated[str, AfterValidator(_seat), WithJsonSchema({"type": "string", "enum": _SEATS})]


class MemberIn(Input):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$", description="Stable within the committee.")
    name: str = Field(min_length=1, max_length=200)
    seat: SeatCode = Field(
        description="A seat of the committee's article (GET /equivalence/committees)."
    )
    institution: str = Field(default="", max_length=200)
    subject: str = Field(default="", max_length=200, description="Their sign-in subject, if any.")


class MembersIn(Input):
    members: list[MemberIn] = Field(max_length=60)


class Seat(BaseModel):
    code: str
    titles: dict[str, str]
    article: str
    count: int | None
    optional: bool
    may_chair: bool
    chairs: bool
    substitutable: bool


class Member(BaseModel):
    id: str
    name: str
    seat: str
    institution: str = ""
    subject: str = ""


class CommitteeView(BaseModel):
    code: str
    kind: Literal["sector", "higher"]
    titles: dict[str, str]
    article: str
    holds: list[str]
    seats: list[Seat]
    members: list[Member]


class Committees(Output):
    items: list[CommitteeView]


class MembersView(Output):
    committee: str
    members: list[Member]


class SittingIn(Input):
    held_on: date = Field(description="The day of the sitting.")
    agenda: list[str] = Field(
        min_length=1, max_length=100, description="Ids of the files the committee holds."
    )


class Substitute(Input):
    name: str = Field(min_length=1, max_length=200)
    capacity: Literal["vice_dean", "deputy_director", "professor"] = Field(
        description="Art. 4: the vice-dean, the deputy director or a professor of the same "
        "institution replaces an absent head of institution."
    )


class Attendance(Input):
    member: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    present: bool = True
    substitute: Substitute | None = None


class CloseIn(Input):
    attendance: list[Attendance] = Field(min_length=1, max_length=60)
    chair: str = Field(description="The member chosen by his peers to chair (art. 4).")
    rapporteur: str | None = Field(
        default=None, description="The member the chair appoints (art. 4)."
    )


class AgendaItem(BaseModel):
    case_id: str
    reference: str
    diploma: str
    institution: str
    country: str
    state: str


class SittingView(Output):
    sitting_id: str
    committee: str
    state: Literal["open", "closed"]
    held_on: str
    agenda: list[AgendaItem]
    opened_at: str
    attendance: list[dict[str, Any]] | None
    chair: str | None
    rapporteur: str | None
    minutes: list[dict[str, Any]] | None = Field(
        description="Once closed: for each file, the proposal made at the sitting, or null."
    )
    closed_at: str | None
    links: dict[str, str | None]
