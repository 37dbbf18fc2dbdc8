"""What the equivalence file routes take and give (pydantic: imported on first call only)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from chalicelib.api.routes.case_schemas import CaseSummary, CaseView
from chalicelib.api.routes.contact_schemas import ContactChoice
from chalicelib.api.schemas import Input, Output, PageQuery
from chalicelib.services.equivalence.codes import FieldOrSame, Level, State, Training

Country = str  # ISO 3166-1 alpha-2
COUNTRY = r"^[A-Z]{2}$"


class ContactIn(ContactChoice):
    language: Literal["ar", "fr", "en"] = "ar"


class DiplomaIn(Input):
    title: str = Field(min_length=2, max_length=300, description="As written on the diploma.")
    level: Level = Field(description="A level of GET /equivalence/procedures.")
    training: Training = Field(description="A kind of training (checklist).")
    field: FieldOrSame = Field(
        default="", description="The sector committee's field; the training's when empty."
    )
    speciality: str = Field(default="", max_length=200)
    institution: str = Field(min_length=2, max_length=300)
    institution_country: Country = Field(pattern=COUNTRY)
    study_country: Country = Field(pattern=COUNTRY, description="Where it was prepared.")
    institution_recognised: bool | None = Field(
        default=None, description="Recognised by the authorities of its country (declared)."
    )
    mode: Literal["in_person", "distance", "correspondence"]
    study_years: int = Field(ge=1, le=15, description="Years of study the diploma took.")
    year_obtained: int = Field(ge=1950, le=2100)
    national_diploma_sought: str = Field(min_length=2, max_length=300)


class ApplicationIn(Input):
    """Whether the track, level, training and field go together is checked by the route
    (domain.diploma_refusal): a problem ``equivalence-not-offered`` names the field."""

    track: Literal["school", "higher"]
    contact: ContactIn = Field(default_factory=ContactIn)
    diploma: DiplomaIn


class ComplementIn(Input):
    message: str = Field(min_length=1, max_length=4000, description="What the answer brings.")


class ReviewIn(Input):
    reasons: str = Field(min_length=10, max_length=8000)


class ConditionIn(Input):
    kind: str = Field(max_length=40, description="An article 7 condition of the file's field.")
    detail: str = Field(default="", max_length=1000)


class CriterionIn(Input):
    rating: Literal["meets", "partly_meets", "does_not_meet"]
    note: str = Field(default="", max_length=2000)


class ActionIn(Input):
    """One body for every staff action; each action names the fields it needs."""

    reason: str = Field(default="", max_length=8000)
    outcome: (
        Literal["equivalence", "conditional", "refusal", "revocation", "confirmation"] | None
    ) = Field(
        default=None,
        description="A proposal's: revocation and confirmation on re-examination only (art. 11).",
    )
    national_diploma: str | None = Field(default=None, max_length=300)
    conditions: list[ConditionIn] | None = Field(default=None, max_length=3)
    assessment: dict[str, CriterionIn] | None = Field(default=None, max_length=5)
    verdict: Literal["confirm", "change", "refuse"] | None = None
    established_on: date | None = Field(
        default=None,
        description="A revocation's: the day the committee established the non-conforming "
        "training or the diploma's inauthenticity; the revocation takes effect from it (art. 11).",
    )
    order_number: str | None = Field(default=None, max_length=60, description="Orders only.")
    order_date: date | None = None
    registered_letter: str | None = Field(
        default=None,
        max_length=60,
        description="A refusal's: the registered letter with acknowledgement of receipt (art. 6).",
    )
    decision_date: date | None = Field(default=None, description="A refusal's date.")
    notified_by: Literal["acknowledgement_of_receipt", "first_presentation"] | None = Field(
        default=None,
        description="record_receipt: the acknowledgement's day, or when none came back, the "
        "day the post first presented the letter.",
    )
    bo_number: str | None = Field(default=None, max_length=20, pattern=r"^[0-9A-Za-z-]+$")
    bo_date: date | None = None
    bo_page: int | None = Field(default=None, ge=1, le=100000)
    received_on: date | None = Field(
        default=None, description="The notification's day (art. 6): not future, not before."
    )
    proof: str | None = Field(default=None, max_length=300)
    condition: str | None = Field(default=None, max_length=40)
    met_on: date | None = None
    failed_on: date | None = None
    remedy: Literal["clinical_internship", "complementary_training"] | None = Field(
        default=None, description="After a failed health evaluation exam (art. 7 (1) (b))."
    )
    evidence: str | None = Field(default=None, max_length=1000)
    kind: Literal["special_committee", "expert"] | None = Field(
        default=None, description="consult: whom the committee adds (art. 6)."
    )
    guest: str | None = Field(
        default=None, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", description="Their code."
    )
    chair: str | None = Field(default=None, max_length=200, description="The chair who asked.")
    ground: (
        Literal[
            "reference_diploma_changed",
            "training_no_longer_matching",
            "not_authentic",
            "material_error",
        ]
        | None
    ) = None


class QueueQuery(PageQuery):
    state: State | None = Field(
        default=None, description="Officers: submitted when absent; committees: see below."
    )
    field: Training | None = Field(default=None, description="A sector committee's field.")
    track: Literal["school", "higher"] | None = Field(
        default=None, description="Committees: the track (officers: their ministry's)."
    )


class Acknowledgement(Output):
    reference: str
    receipt: str = Field(description="The filing receipt: JSON, or a PDF with Accept.")
    filed_at: str


class ApplicationView(CaseView):
    admissibility: dict[str, Any] | None = Field(
        default=None, description="Article 2, checked on submission: reasons named."
    )
    precedents: list[dict[str, Any]] = Field(
        default_factory=list, description="Decisions already taken for this institution."
    )
    acknowledgement: Acknowledgement | None = None


class QueueItem(CaseSummary):
    track: str
    field: str
    diploma_title: str
    institution: str
    institution_country: str
    flags: list[str]
    committee: str | None
    payload: dict[str, Any]


class QueuePage(Output):
    items: list[QueueItem]
    next: str | None
