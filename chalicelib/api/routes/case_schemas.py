from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.api.routes.document_schemas import ChecklistEntry
from chalicelib.api.schemas import Input, Output, PageQuery


class DeadlineView(Output):
    name: str
    due_at: datetime
    started_at: datetime
    on_expiry: str = Field(description="What happens when it runs out.")
    days_left: int


class PauseView(Output):
    paused_at: datetime
    resumed_at: datetime | None = Field(description="None while the clock is still paused.")


class ClockView(Output):
    name: str
    legal_basis: dict[str, str] = Field(description="The law that sets it, in ar, fr and en.")
    source: str = Field(
        description="Where its length comes from: a source text and article, or 'unverified'."
    )
    unit: str = Field(description="working_days, calendar_days (or seconds, in tests).")
    length: int = Field(description="How long it runs, in its unit, without extension.")
    extended_by: int = Field(description="Added once (an expertise ordered), in its unit.")
    silence_is_consent: bool = Field(description="Running out grants the request.")
    state: str = Field(description="running, paused, done or expired.")
    started_at: datetime
    paused: list[PauseView]
    paused_since: datetime | None = Field(
        default=None, description="While paused (the applicant owes something): since when."
    )
    days_used: int = Field(
        description="How much of its time has run, in its unit (pauses do not count)."
    )
    due_at: datetime | None = Field(description="None while paused (it moves on resuming).")
    days_left: int | None = Field(description="In its unit; None once done.")
    ended_at: datetime | None = None


class HistoryView(Output):
    seq: int
    event: str
    from_state: str
    to_state: str
    role: str
    at: datetime
    reason: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class DocumentView(Output):
    id: str
    kind: str
    content_type: str
    size: int
    status: str
    file_name: str = ""
    reason: str = ""
    sha256: str = ""
    uploaded_role: str
    created_at: datetime


class CaseSummary(Output):
    id: str
    reference: str
    case_type: str
    title: str
    state: str
    office: str
    created_at: datetime
    updated_at: datetime


class CaseView(CaseSummary):
    version: int
    state_kind: str
    state_description: str
    payload: dict[str, Any]
    deadlines: list[DeadlineView]
    clocks: list[ClockView] = Field(
        default_factory=list, description="The legal clocks this case has started."
    )
    documents: list[DocumentView]
    checklist: list[ChecklistEntry] = Field(description="The documents the case type takes.")
    history: list[HistoryView]
    available_actions: list[str] = Field(description="What the caller may do next.")


class CaseList(Output):
    items: list[CaseSummary]
    next: str | None


class MyCasesQuery(PageQuery):
    pass


class OwedIn(Input):
    """The office's request for a document (``reason``: which and why, read by the
    applicant), or the applicant's answer (``reason``: an optional note)."""

    reason: str = Field(default="", max_length=2000)
