"""What the reference-library routes take and give (pydantic; imported on first call)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.schemas import Input, Output, PageQuery, QueryInput
from chalicelib.services.equivalence.codes import Country, DecisionLevel, Level, Training


class Titles(BaseModel):
    ar: str
    fr: str
    en: str | None = None


class ArFr(BaseModel):
    """A text in Arabic and French (a Hijri date as the source writes it, a purpose)."""

    ar: str
    fr: str


class BulletinRef(BaseModel):
    number: str
    date: str = Field(description="Gregorian, ISO 8601.")
    date_hijri: ArFr | None = None
    page: int | None = None


Source = Literal["seed 000", "seed 002", "unverified"]


class ReferenceView(Output):
    code: str
    kind: Literal["decree", "law", "order"]
    status: Literal["in_force", "repealed", "announced"]
    number: str | None = Field(description="None: no source document gives it.")
    date: str | None = Field(description="Gregorian, ISO 8601; None when unverified.")
    date_hijri: ArFr | None
    bo: BulletinRef | None = Field(description="The Bulletin officiel; None when unverified.")
    source: Source = Field(description="The source document that gives these facts.")
    cited_in: str = Field(description="Where in the source.")
    unverified: list[str] = Field(description="The facts no source document gives (left null).")
    notes: list[str]
    tracks: list[str]
    titles: Titles
    amends: str | None = None
    download: str | None = Field(
        description="A link to the text's PDF, valid one hour; None for an announced order."
    )


class References(Output):
    items: list[ReferenceView]


class Contact(BaseModel):
    kind: Literal["platform", "phone", "email"]
    value: str
    purpose: ArFr = Field(description="What the channel is for, in Arabic and French.")
    source: Source


class ProceduresQuery(QueryInput):
    track: Literal["school", "higher"]
    level: Level
    training: Training = "general"


class Step(BaseModel):
    number: int
    code: str
    titles: Titles


class DocumentView(BaseModel):
    kind: str
    required: bool
    max_bytes: int
    content_types: list[str]
    titles: Titles


class Procedure(Output):
    track: str
    level: str
    training: str
    office: str
    conditional_equivalence_possible: bool
    steps: list[Step]
    documents: list[DocumentView]
    contacts: list[Contact] = Field(
        description="The ministry's channels as the source documents give them (none for "
        "the higher track: no source gives them)."
    )


class DecisionsQuery(PageQuery):
    q: str | None = Field(default=None, max_length=200, description="Words in Arabic or French.")
    country: Country | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 (FR, EG), or ISO 3166-3 for a former country "
        "(SUHH, YUCS, CSHH, DDDE; the old SU, YU, DD are read as those).",
    )
    institution: str | None = Field(default=None, max_length=200)
    year: int | None = Field(default=None, ge=1967, le=2100, description="Year of the decision.")
    level: DecisionLevel | None = Field(
        default=None, description="Today's levels and the former ones (dea, dess, maitrise ...)."
    )
    field: Training | None = None


class CountryName(BaseModel):
    fr: str
    ar: str


class DecisionView(BaseModel):
    number: str
    diploma: str
    institution: str
    country: str
    country_name: CountryName
    country_former: bool = Field(default=False, description="A country that no longer exists.")
    level: str
    field: str
    outcome: Literal["granted", "conditional", "refused"]
    equivalent: str
    conditions: str
    reasons: str
    year: int
    decision_date: str
    bo_number: str
    bo_date: str
    bo_page: int | None
    diploma_year: int | None
    demo: bool
    score: float | None = None


class DecisionsPage(Output):
    items: list[DecisionView]
    next: str | None
    index_version: str | None
    decisions_in_index: int


# Mirrors importer.kind_of: a key whose extension does not say the format needs "format".
_KNOWN_EXTENSION = r"\.([Cc][Ss][Vv]|[Jj][Ss][Oo][Nn][Ll]|[Nn][Dd][Jj][Ss][Oo][Nn])$"


class ImportIn(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["format"], "properties": {"format": {"enum": ["csv", "jsonl"]}}},
                {"properties": {"key": {"pattern": _KNOWN_EXTENSION}}},
            ]
        }
    )

    key: str = Field(
        pattern=r"^imports/equivalence/[A-Za-z0-9._/-]{1,200}$",
        description="Object key of the file in the documents bucket, under imports/equivalence/.",
    )
    format: Literal["csv", "jsonl"] | None = Field(
        default=None, description="From the key's extension when absent."
    )
    replace: bool = Field(
        default=False, description="Replace the whole catalogue instead of merging."
    )


class RowErrorView(BaseModel):
    line: int
    field: str
    message: str


class ImportReportView(BaseModel):
    read: int
    imported: int
    rejected_rows: int
    errors: list[RowErrorView]
    errors_total: int
    rebuilt: bool
    decisions_in_index: int
    index_version: str | None
    index_bytes: int
    seconds: float


class ImportJobView(Output):
    job_id: str
    state: Literal["queued", "running", "done", "failed"]
    key: str
    format: Literal["csv", "jsonl"]
    replace: bool
    created_at: str
    started_at: str | None
    finished_at: str | None
    status: str = Field(description="Where to follow the job: GET it until done or failed.")
    report: ImportReportView | None = Field(
        description="Once done: the counts and the bad rows with their line numbers."
    )
    failure: str | None = Field(description="Once failed: why.")


def as_dict(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
