"""What the consular routes take and give (pydantic, at the edge)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, field_validator

from chalicelib import consulates
from chalicelib.api.routes.case_schemas import CaseSummary, CaseView
from chalicelib.api.routes.contact_schemas import ContactChoice
from chalicelib.api.schemas import Day, Input, Output, PageQuery, QueryInput

_CONSULATES = tuple(c.code for c in consulates.CONSULATES)
_SERVICES = tuple(s.code for s in consulates.SERVICES)


def _consulate(code: str) -> str:
    if code not in _CONSULATES:
        raise ValueError("unknown consulate")
    return code


def _service(code: str) -> str:
    if code not in _SERVICES:
        raise ValueError("unknown service")
    return code


# The catalogue's codes, listed in /openapi.json so that a client (or a fuzzer) knows them.
ConsulateCode = Annotated[
    str, AfterValidator(_consulate), WithJsonSchema({"type": "string", "enum": list(_CONSULATES)})
]
ServiceCode = Annotated[
    str, AfterValidator(_service), WithJsonSchema({"type": "string", "enum": list(_SERVICES)})
]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class ConsulateView(Output):
    code: str
    names: dict[str, str]
    country: str
    city: str
    time_zone: str
    address: str
    services: list[str]


class ConsulateList(Output):
    items: list[ConsulateView]


class DocumentRuleView(Output):
    kind: str
    required: bool
    titles: dict[str, str]


class FeeView(Output):
    amount: Decimal
    currency: str
    legal_reference: str = ""


class ServiceView(Output):
    code: str
    names: dict[str, str]
    slot_minutes: int
    cancellation_cutoff_hours: int
    documents: list[DocumentRuleView]
    fee: FeeView | None = Field(description="The eTimbre fee; null when it is not known.")


class ServiceList(Output):
    items: list[ServiceView]


class OpeningIn(Input):
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)


Weekday = Annotated[int, Field(ge=0, le=6)]


def _not_a_boolean(value: Any) -> Any:
    """JSON's true is no count of counters (pydantic would read it as 1); 17.0 is one."""
    if isinstance(value, bool):
        raise ValueError("a whole number of counters")
    return value


Counters = Annotated[int, Field(ge=0, le=100), BeforeValidator(_not_a_boolean)]


class CalendarIn(Input):
    # JSON object keys are strings: propertyNames tells clients which ones are taken.
    hours: dict[Weekday, list[OpeningIn]] = Field(
        description="Openings per weekday, 0 = Monday, local time of the consulate.",
        json_schema_extra={"propertyNames": {"pattern": "^[0-6]$"}},
    )
    counters: dict[ServiceCode, Counters] = Field(
        description="Counters (seats per slot) per service.",
        json_schema_extra={"propertyNames": {"enum": list(_SERVICES)}},
    )
    closed: list[Day] = Field(default_factory=list, max_length=400)


class CalendarView(Output):
    consulate: str
    hours: dict[int, list[dict[str, str]]]
    counters: dict[str, int]
    closed: list[date]
    cancelled: list[str] = Field(description="Appointments cancelled by newly closed days.")


class ContactIn(ContactChoice):
    language: str = Field(default="fr", pattern="^(ar|fr|en)$")


class ConsulatePath(Input):
    code: ConsulateCode


class PersonIn(Input):
    """The minor a guardian files for (decision 39); the guardian owns the request."""

    given_name: str = Field(min_length=1, max_length=80)
    family_name: str = Field(min_length=1, max_length=80)
    birth_date: date
    relation: Literal["child", "ward"] = Field(
        description="child: the guardian's son or daughter; ward: under their kafala or "
        "guardianship (tutelle)."
    )

    @field_validator("given_name", "family_name")
    @classmethod
    def named(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("a name")
        return value


class RequestIn(Input):
    consulate: ConsulateCode
    service: ServiceCode
    # Among the citizen's verified contacts; empty fields: the first verified ones.
    contact: ContactIn = Field(default_factory=ContactIn)
    stamp: str = Field(default="", max_length=40, pattern=r"^[A-Z0-9-]*$")
    person: PersonIn | None = Field(
        default=None, description="A minor filed for by their guardian; none: the citizen."
    )
    family: str = Field(
        default="",
        pattern=r"^([0-9a-f]{32})?$",
        description="The family of one of the citizen's requests at this consulate, to file "
        "with it; none: a new family (its id is in the answer's payload).",
    )


class StampIn(Input):
    stamp: str = Field(min_length=1, max_length=40, pattern=r"^[A-Z0-9-]+$")


class ReasonIn(Input):
    reason: str = Field(default="", max_length=2000)


class DocumentsAskIn(Input):
    reason: str = Field(default="", max_length=2000, description="Why, read by the citizen.")
    kinds: list[Annotated[str, Field(pattern=r"^[a-z_]{2,40}$")]] = Field(
        default_factory=list,
        max_length=12,
        description="Kinds of the request's checklist; none: the required ones still missing.",
    )


class SlotIn(Input):
    slot: datetime = Field(description="The slot's start, ISO 8601 UTC.")

    @field_validator("slot")
    @classmethod
    def aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time zone (Z for UTC)")
        return value.astimezone(UTC)


class MoveQuery(QueryInput):
    slot: datetime | None = Field(default=None, description="A new slot: move instead of cancel.")

    @field_validator("slot")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time zone (Z for UTC)")
        return None if value is None else value.astimezone(UTC)


class SlotsQuery(QueryInput):
    service: ServiceCode
    from_: Day = Field(alias="from")
    to: Day


class SlotView(Output):
    slot: datetime
    end: datetime
    local: str = Field(description="Start in the consulate's time zone, with its offset.")
    free: int


class SlotList(Output):
    consulate: str
    service: str
    time_zone: str
    items: list[SlotView]


class QueueQuery(PageQuery):
    state: str = Field(default="submitted", pattern=r"^[a-z_]{3,30}$")


class RequestList(Output):
    items: list[CaseSummary]
    next: str | None = None


class DayQuery(QueryInput):
    date: Day


class AppointmentView(Output):
    case_id: str
    reference: str
    service: str
    slot: datetime
    local: str
    name: str = Field(description="Who comes.")
    guardian: str = Field(default="", description="Who accompanies a minor (the account's).")
    status: str


class DayList(Output):
    consulate: str
    date: date
    items: list[AppointmentView]


class RequestView(CaseView):
    no_shows: int = Field(default=0, description="Appointments the citizen did not come to.")
