from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.api.schemas import Output, PageQuery
from chalicelib.documents.schemas import ChecklistEntry


class DeadlineView(Output):
    name: str
    due_at: datetime
    started_at: datetime
    on_expiry: str = Field(description="What happens when it runs out.")
    days_left: int


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
    documents: list[DocumentView]
    checklist: list[ChecklistEntry] = Field(description="The documents the case type takes.")
    history: list[HistoryView]
    available_actions: list[str] = Field(description="What the caller may do next.")


class CaseList(Output):
    items: list[CaseSummary]
    next: str | None


class MyCasesQuery(PageQuery):
    pass
