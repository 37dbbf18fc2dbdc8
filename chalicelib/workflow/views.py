"""Cases shaped for the API: pure functions from the domain to the schemas."""

from __future__ import annotations

from datetime import datetime

from chalicelib.api.principal import Principal
from chalicelib.documents.checklist import checklist
from chalicelib.documents.schemas import ChecklistEntry
from chalicelib.workflow import engine
from chalicelib.workflow.case import Case, HistoryEntry
from chalicelib.workflow.machine import Machine
from chalicelib.workflow.schemas import (
    CaseSummary,
    CaseView,
    DeadlineView,
    DocumentView,
    HistoryView,
)


def summary(machine: Machine, case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        case_type=case.case_type,
        title=machine.title,
        state=case.state,
        office=case.office,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


def allowed_actions(machine: Machine, case: Case, principal: Principal) -> list[str]:
    actor = engine.Actor(principal.subject, principal.roles, principal.office)
    names = []
    for transition in machine.available(case.state):
        try:
            engine.check(machine, case, transition.name, actor, {}, reason="(any)")
        except engine.Refusal:
            continue
        names.append(transition.name)
    return names


def full(
    machine: Machine, case: Case, history: list[HistoryEntry], principal: Principal, now: datetime
) -> CaseView:
    state = machine.state(case.state)
    return CaseView(
        **summary(machine, case).model_dump(),
        version=case.version,
        state_kind=state.kind.value,
        state_description=state.description,
        payload=case.payload,
        deadlines=[
            DeadlineView(
                name=d.name,
                due_at=d.due_at,
                started_at=d.started_at,
                on_expiry=d.on_expiry,
                days_left=max(0, (d.due_at - now).days),
            )
            for d in case.deadlines.values()
        ],
        checklist=[ChecklistEntry.of(item) for item in checklist(machine, case, now)],
        documents=[
            DocumentView(**{k: getattr(d, k) for k in DocumentView.model_fields})
            for d in case.documents
        ],
        history=[
            HistoryView(**{k: getattr(e, k) for k in HistoryView.model_fields}) for e in history
        ],
        available_actions=allowed_actions(machine, case, principal),
    )
