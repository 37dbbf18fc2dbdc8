"""What the baccalaureate routes take and give."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, JsonValue, WithJsonSchema, field_validator

from chalicelib.api.schemas import Input, Output, PageQuery, QueryInput
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain.certificate import MAX_SHARE_DAYS
from chalicelib.services.bac.domain.results_day import DEFAULT_COMPLAINT_DAYS

CorrectableField = Literal[
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "birth_date",
    "birth_place_ar",
    "birth_place_fr",
]
CaseType = Literal["bac_correction", "bac_grant", "bac_complaint"]


class SessionPath(Input):
    year: int = Field(ge=2000, le=2100)


class JobPath(SessionPath):
    job_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class ImportIn(Input):
    key: str = Field(
        pattern=r"^imports/bac/[A-Za-z0-9/_.-]{1,200}\.csv$",
        description="The CSV's key in the documents bucket (header: see docs/bac.md).",
    )
    exam_start: date | None = Field(default=None, description="First day of the written exams.")


class RowProblem(Output):
    line: int
    column: str
    message: str


class JobView(Output):
    """An import or publication job (chalicelib.jobs)."""

    job_id: str
    kind: Literal["bac.candidates_import", "bac.results_publish"]
    state: Literal["queued", "running", "done", "failed"]
    created_at: str
    started_at: str | None
    finished_at: str | None
    status: str = Field(description="Where to follow the job: GET it until done or failed.")
    params: dict[str, object] = Field(description="What was asked (the moment once decided).")
    report: dict[str, object] | None = Field(
        description="Once ended: the counts (candidates, results written, the moment) and, "
        "for a list with bad rows, the rows by line (nothing is imported then)."
    )
    failure: str | None = Field(description="Once failed: why.")


class PublishIn(Input):
    visible_from: datetime | None = Field(
        default=None, description="When results become visible (UTC); now if absent."
    )
    complaint_days: int = Field(default=DEFAULT_COMPLAINT_DAYS, ge=1, le=30)

    @field_validator("visible_from")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (Z for UTC)")
        return value


class Names(Output):
    ar: str
    fr: str


class CandidateView(Output):
    session: int
    candidate_number: str
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    birth_date: date
    birth_place_ar: str
    birth_place_fr: str
    cnie: str
    academy: str
    school: str
    stream: str
    exam_centre: str
    data_status: str = Field(description="unchecked, confirmed or correction_requested")
    correctable: list[str] = Field(default_factory=lambda: list(domain.CORRECTABLE))


class CorrectionIn(Input):
    # A birth date is proposed as a real day (0000-00-00 is no day); the other fields are
    # free text.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"field": {"const": "birth_date"}}},
            "then": {
                "properties": {
                    "proposed": {"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
                }
            },
        }
    )

    field: CorrectableField
    proposed: str = Field(min_length=1, max_length=60)


class DocumentIn(Input):
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: int = Field(ge=1, le=10 * 1024 * 1024)
    file_name: str = Field(default="", max_length=120)


class VerificationIn(Input):
    # A correction names at least one field and brings its supporting document.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"action": {"const": "correct"}}},
            "then": {
                "properties": {"corrections": {"minItems": 1}, "document": {"type": "object"}},
                "required": ["corrections", "document"],
            },
        }
    )

    action: Literal["confirm", "correct"]
    corrections: list[CorrectionIn] = Field(default_factory=list, max_length=7)
    document: DocumentIn | None = Field(
        default=None, description="The supporting document of a correction (required then)."
    )


class Upload(Output):
    document_id: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


class CaseRef(Output):
    id: str
    reference: str
    state: str


class VerificationOut(Output):
    data_status: str
    case: CaseRef | None = None
    upload: Upload | None = None


class GrantIn(Input):
    household_size: int = Field(ge=1, le=30)
    income_bracket: Literal["none", "under_2000", "2000_4000", "4000_6000", "over_6000"]
    children: int = Field(ge=1, le=20, description="Children in the household.")
    father_job: str = Field(default="", max_length=80)
    mother_job: str = Field(default="", max_length=80)
    region: str = Field(pattern=r"^[A-Z0-9-]{2,20}$")


class CaseOut(Output):
    case: CaseRef
    documents: str = Field(description="How to attach the documents the case needs.")


class ComplaintIn(Input):
    subject: str = Field(min_length=2, max_length=30, description="The exam (subject) concerned.")
    error: Literal["addition", "transcription", "missing_mark", "other"]
    description: str = Field(min_length=10, max_length=2000)
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="The session; the newest if absent."
    )


class SessionQuery(QueryInput):
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="The session; the newest if absent."
    )


class MarkView(Output):
    subject: str
    coefficient: int
    mark: Decimal


class ComponentView(Output):
    component: str = Field(description="continuous_assessment, regional_exam or national_exam")
    weight: int = Field(description="Its weight in the general average, percent.")
    average: Decimal


class GradingRuleView(Output):
    """The session's rule the average follows, and where it comes from."""

    applies_from_session: int
    weights: dict[str, int] = Field(description="Component -> weight (percent) for the stream.")
    pass_mark: Decimal
    resit_from: Decimal
    source: str = Field(description='The text it comes from, or "unverified".')
    note: str


class ResultsView(Output):
    session: int
    published: bool
    visible_from: datetime | None = None
    candidate_number: str | None = None
    stream: str | None = None
    marks: list[MarkView] = Field(
        default_factory=list, description="The national exam's marks and their coefficients."
    )
    components: list[ComponentView] = Field(
        default_factory=list, description="What the general average weighs, by the rule."
    )
    rule: GradingRuleView | None = None
    average: Decimal | None = Field(default=None, description="The general average.")
    mention: str | None = None
    outcome: str | None = Field(default=None, description="admitted, resit or not_admitted")
    complaint_until: datetime | None = None


class ShareView(Output):
    id: str
    label: str
    code: str
    link: str
    created_at: datetime
    expires_at: datetime
    status: str = Field(description="valid, expired or revoked")
    verified_count: int
    verified_at: list[datetime]
    claims: list[str] | None = Field(
        default=None, description="The claims the share discloses (absent: every claim)."
    )


class CertificateView(Output):
    certificate_id: str
    status: str
    issued_at: datetime
    jws: str = Field(description="Compact JWS (ES256); key at /.well-known/jwks.json.")
    claims: dict[str, object]
    verification_link: str
    shares: list[ShareView]


DisclosableClaim = Literal[
    "names",
    "birth_date",
    "birth_place",
    "cnie",
    "candidate_number",
    "stream",
    "academy",
    "marks",
    "average",
    "mention",
    "outcome",
]


class ShareIn(Input):
    recipient: str = Field(min_length=1, max_length=80, description="Who it is for.")
    days: int = Field(ge=1, le=MAX_SHARE_DAYS)
    claims: list[DisclosableClaim] | None = Field(
        default=None,
        min_length=1,
        max_length=11,
        description="The claims the verifier sees (the session, the issuer and the status "
        "always); absent: every claim. The CNIe number and the marks are shown only if named.",
    )
    year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        description="The session of the certificate shared; as GET /bac/me/certificate if absent.",
    )


class SessionIn(Input):
    year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        description="The session of the certificate; as GET /bac/me/certificate if absent.",
    )


class ShareList(Output):
    items: list[ShareView]


class PublicCertificate(Output):
    status: str = Field(
        description="valid, expired, revoked, replaced (a new certificate was issued in its "
        "place: corrected data or marks) or unknown"
    )
    checked_at: datetime
    certificate: dict[str, object] | None = None
    jws: str | None = None
    verified: bool | None = Field(
        default=None,
        description="A share: its SD-JWT presentation checked (signature, disclosures, status).",
    )
    issuer: str | None = None
    disclosed: list[str] | None = Field(
        default=None, description="A share: the claims it discloses; nothing else is shown."
    )
    presentation: str | None = Field(
        default=None,
        description="A share: the SD-JWT VC presentation (application/dc+sd-jwt) of exactly "
        "those claims, to verify offline with /.well-known/jwt-vc-issuer.",
    )


class QueueQuery(PageQuery):
    type: CaseType
    state: str = Field(default="", max_length=30)


def _mark(value: Any) -> Any:
    """A JSON number is a binary float: 12.57 may arrive as 12.570000000000002. Within a
    rounding error of a mark with two decimals it is that mark; anything else is left to the
    Decimal check (a third decimal is refused, not rounded)."""
    if isinstance(value, float) and not isinstance(value, bool):
        exact = Decimal(repr(value))
        rounded = exact.quantize(Decimal("0.01"))
        return rounded if abs(exact - rounded) < Decimal("1e-9") else exact
    return value


# A mark from 0 to 20 with at most two decimals, as a JSON number or a decimal string.
Mark = Annotated[
    Decimal,
    BeforeValidator(_mark),
    Field(ge=0, le=20, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 20, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^(20(\.00?)?|1?[0-9](\.[0-9]{1,2})?)$"},
            ]
        }
    ),
]
SUBJECTS = sorted({s for subjects in domain.STREAMS.values() for s in subjects})
_SUBJECT_NAMES: list[JsonValue] = list(SUBJECTS)


class ActionIn(Input):
    reason: str = Field(default="", max_length=2000)
    corrections: dict[str, Mark] = Field(
        default_factory=dict,
        max_length=len(SUBJECTS),
        description="Complaint accepted: subject -> corrected mark (subjects of the "
        "candidate's stream).",
        json_schema_extra={"propertyNames": {"enum": _SUBJECT_NAMES}},
    )

    @field_validator("corrections")
    @classmethod
    def _known_subjects(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(value) - set(SUBJECTS))
        if unknown:
            raise ValueError(f"no subject {', '.join(unknown)}: one of {', '.join(SUBJECTS)}")
        return value
