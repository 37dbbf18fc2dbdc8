"""What the pre-registration API takes and gives. The schema states every rule a JSON
Schema can (scripts, formats, lengths, the guardian's contacts, words for "other"), so
that what it calls valid is accepted; rules that need dates, the school catalogue or the
phone plan are in ``validation.py`` and ``domain.py`` and answer ``rule-violated``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from chalicelib.api.schemas import Day, Input, Output, PageQuery, QueryInput
from chalicelib.services.enrollment.names import ARABIC_NAME, LATIN_NAME

ArabicName = Annotated[str, Field(pattern=ARABIC_NAME, description="In Arabic script.")]
LatinName = Annotated[str, Field(pattern=LATIN_NAME, description="In Latin script.")]
Text = Field(pattern=r"\S")  # some words (spaces alone are stripped to nothing)
# The national ID card: one or two letters, then up to six digits.
CNIE = r"^[A-Za-z]{1,2} ?[0-9]{1,6}$"
# Moroccan numbers in E.164: +212, then 5 (fixed), 6 or 7 (mobile), 8 (VoIP), 8 digits.
# phonenumbers still decides whether the number is in the numbering plan (rule-violated).
PHONE = r"^\+212[5-8][0-9]{8}$"
EMAIL = r"^[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,3}\.[A-Za-z]{2,24}$"
# A Hijri date YYYY-MM-DD between 1343 and 1500 AH (hijridate's range); that it is a real
# day and the Gregorian birth date's is checked by the service.
HIJRI = r"^1(?:34[3-9]|3[5-9][0-9]|4[0-9]{2}|500)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|30)$"
Level = Literal["preschool", "primary"]
State = Literal[
    "submitted",
    "documents_requested",
    "approved",
    "registered",
    "rejected",
    "withdrawn",
    "massar_refused",
]
Capacity = Literal["father", "mother", "guardian"]
CONTACTS = ("cnie", "job", "address", "phone", "email")


class NamesIn(Input):
    first_name_ar: ArabicName
    last_name_ar: ArabicName
    first_name_latin: LatinName
    last_name_latin: LatinName


class AddressIn(Input):
    line: str = Field(max_length=200, pattern=r"\S", description="Street, number, building.")
    commune: str = Field(max_length=80, pattern=r"\S", description="Commune, as the school map.")
    district: str = Field(max_length=80, pattern=r"\S", description="District (quartier).")


class PersonIn(NamesIn):
    cnie: str | None = Field(default=None, max_length=12, pattern=CNIE, description="CNIe.")
    job: str | None = Field(default=None, max_length=80, pattern=r"\S")
    address: AddressIn | None = None
    phone: str | None = Field(
        default=None, max_length=13, pattern=PHONE, examples=["+212612345678"]
    )
    email: str | None = Field(default=None, max_length=120, pattern=EMAIL)


class ParentIn(PersonIn):
    """A parent by their civil-status name: "X son (daughter) of Y"; Y is ``father_name``."""

    father_name_ar: ArabicName
    father_name_latin: LatinName


class ChildIn(NamesIn):
    birth_date: Day
    birth_date_hijri: str = Field(pattern=HIJRI, description="YYYY-MM-DD, Hijri calendar.")
    birth_place: str = Field(max_length=80, pattern=r"\S")
    birth_certificate_number: str = Field(
        pattern=r"^[0-9A-Za-z/-](?:[0-9A-Za-z/ -]{0,18}[0-9A-Za-z/-])?$"
    )
    birth_certificate_date: Day
    sex: Literal["F", "M"]


class SiblingIn(NamesIn):
    birth_date: Day
    sex: Literal["F", "M"] | None = None


def _reachable(capacity: str) -> dict[str, Any]:
    """JSON Schema: unless ``capacity`` is someone else, that person gives every contact."""
    person = {
        "type": "object",
        "required": list(CONTACTS),
        "properties": {
            "cnie": {"type": "string"},
            "job": {"type": "string"},
            "address": {"type": "object"},
            "phone": {"type": "string"},
            "email": {"type": "string"},
        },
    }
    others = [c for c in ("father", "mother", "guardian") if c != capacity]
    return {
        "anyOf": [
            {"properties": {"guardian_capacity": {"enum": others}}},
            {"required": [capacity], "properties": {capacity: person}},
        ]
    }


class ApplicationIn(Input):
    """A pre-registration. The child's guardian (``guardian_capacity``: the father, the
    mother, or another person given as ``guardian``) gives every contact: CNIe, job,
    address, phone and e-mail."""

    model_config = ConfigDict(
        json_schema_extra={"allOf": [_reachable(c) for c in ("father", "mother", "guardian")]}
    )

    child: ChildIn
    father: ParentIn
    mother: ParentIn
    siblings: list[SiblingIn] = Field(default_factory=list, max_length=12)
    guardian_capacity: Capacity
    guardian: PersonIn | None = Field(default=None, description="When not a parent.")
    school: str = Field(pattern=r"^[A-Z0-9-]{2,20}$", description="The chosen school's code.")
    level: Level = "primary"
    language: Literal["ar", "fr", "en"] | None = Field(
        default=None, description="Of the notifications (default: the request's)."
    )

    @model_validator(mode="after")
    def _guardian_is_reachable(self) -> ApplicationIn:
        where = self.guardian_capacity
        person = getattr(self, where)
        missing: list[tuple[str, ...]] = [(where,)]
        if person is not None:
            missing = [(where, name) for name in CONTACTS if getattr(person, name) is None]
        if missing:
            raise ValidationError.from_exception_data(
                "ApplicationIn",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("required", "required for the child's guardian"),
                        loc=loc,
                        input=None,
                    )
                    for loc in missing
                ],
            )
        return self


class RejectIn(Input):
    """Why the director rejects: a ground, and words (required for ``other``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"reason": {"enum": ["under_age", "outside_sector"]}}},
                {"required": ["details"], "properties": {"details": {"pattern": r"\S"}}},
            ]
        }
    )

    reason: Literal["under_age", "outside_sector", "other"]
    details: str = Field(
        default="", max_length=1000, validate_default=True, description="Required for 'other'."
    )

    @field_validator("details")
    @classmethod
    def _other_in_words(cls, details: str, info: Any) -> str:
        if info.data.get("reason") == "other" and not details:
            raise ValueError("another reason must be given in words")
        return details


class SchoolsImportIn(Input):
    """The school map as CSV text: a header, then one line per school (see
    ``school_map.py``: code, name_ar, name_fr, levels, commune, province, region, address,
    sector)."""

    csv: str = Field(min_length=1, max_length=1_000_000, description="The CSV file's text.")


class SchoolsQuery(QueryInput):
    commune: str = Field(max_length=80, pattern=r"\S")
    level: Level | None = None
    district: str | None = Field(
        default=None, max_length=80, description="With commune: the schools serving it."
    )


class ApplicationsQuery(PageQuery):
    state: State = "submitted"
    q: str | None = Field(default=None, max_length=100, description="Names, either script.")
    born_from: Day | None = None
    born_to: Day | None = None


class FollowUpQuery(QueryInput):
    school: str | None = Field(default=None, max_length=20)
    province: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=40)
    year: int | None = Field(default=None, ge=2000, le=2100, description="Start of the year.")


class SectorView(Output):
    commune: str
    district: str


class SchoolView(Output):
    code: str
    name_ar: str
    name_fr: str
    levels: list[str]
    commune: str
    province: str
    region: str
    address: str
    sector: list[SectorView]


class SchoolList(Output):
    items: list[SchoolView]


class ChecksView(Output):
    of_age: bool
    age_on_reference_date: int
    rule: str
    in_sector: bool


class MassarRefusalView(Output):
    status: int = Field(description="Massar's HTTP status.")
    reason: str = Field(description="Massar's words.")
    at: datetime


class ApplicationView(Output):
    id: str
    reference: str
    state: str
    school: str
    level: str
    school_year: str
    filed_at: datetime
    updated_at: datetime
    child: dict[str, str]
    guardian: dict[str, object]
    residence: dict[str, str]
    checks: ChecksView
    photo: str | None = Field(
        description="missing, awaiting_upload, verified or rejected; null in lists (the "
        "documents are read with one request: GET /cases/{id})"
    )
    massar_code: str | None = None
    massar_refusal: MassarRefusalView | None = Field(
        default=None, description="Why Massar refused the pupil, when it did (massar_refused)."
    )


class ApplicationPage(Output):
    items: list[ApplicationView]
    next: str | None = None


class SchoolFigures(Output):
    code: str
    name_fr: str
    province: str
    region: str
    counts: dict[str, int]
    siblings_forecast: dict[str, int]


class FollowUpView(Output):
    school_year: str
    scope: dict[str, str]
    counts: dict[str, int]
    siblings_forecast: dict[str, int]
    schools: list[SchoolFigures]


class LineErrorView(Output):
    line: int = Field(description="Line of the file (the header is line 1).")
    field: str = Field(description="The column, or 'line' / 'header' for the whole line.")
    message: str


class SchoolsImportReport(Output):
    read: int = Field(description="Lines of schools read.")
    loaded: int = Field(description="Schools written (each with its sector, all or nothing).")
    schools: list[str] = Field(description="The codes of the schools written.")
    rejected_lines: int
    errors: list[LineErrorView] = Field(description="The first 500 problems, by line.")
    errors_total: int
