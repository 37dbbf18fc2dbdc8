"""Cases shaped for the API: pure functions from the domain to the schemas.

The schemas (pydantic) are imported by the functions that build them, not at import:
``import app`` stays free of pydantic (cold start)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.identity import Principal
from chalicelib.workflow import clocks, engine
from chalicelib.workflow import holidays as calendar
from chalicelib.workflow.case import Case, HistoryEntry
from chalicelib.workflow.machine import Clock, Machine

if TYPE_CHECKING:
    from chalicelib.api.routes.case_schemas import CaseSummary, CaseView, ClockView


def summary(machine: Machine, case: Case) -> CaseSummary:
    from chalicelib.api.routes.case_schemas import CaseSummary

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
        except engine.TransitionRefused:
            continue
        names.append(transition.name)
    return names


def full(
    machine: Machine, case: Case, history: list[HistoryEntry], principal: Principal, now: datetime
) -> CaseView:
    from chalicelib.api.routes.case_schemas import CaseView, DeadlineView, DocumentView, HistoryView
    from chalicelib.api.routes.document_schemas import ChecklistEntry
    from chalicelib.documents.checklist import checklist

    state = machine.state(case.state)
    return CaseView(
        **summary(machine, case).model_dump(),
        version=case.version,
        state_kind=state.kind.value,
        state_description=state.description,
        payload=for_audience(machine, case.payload, principal),
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
        clocks=[
            clock_view(c, clocks.ClockState.of(case.clocks[c.name]), now, calendar.moroccan())
            for c in machine.clocks
            if c.name in case.clocks
        ],
        checklist=[ChecklistEntry.of(item) for item in checklist(machine, case, now)],
        documents=[
            DocumentView(**{k: getattr(d, k) for k in DocumentView.model_fields})
            for d in case.documents
        ],
        history=[
            HistoryView(
                **{
                    k: for_audience(machine, e.data, principal) if k == "data" else getattr(e, k)
                    for k in HistoryView.model_fields
                }
            )
            for e in history
        ],
        available_actions=allowed_actions(machine, case, principal),
    )


def for_audience(machine: Machine, data: Mapping[str, Any], principal: Principal) -> dict[str, Any]:
    """``data`` (a payload, a history entry's data) as ``principal`` may read it: a citizen
    never reads the keys the case type keeps internal."""
    if not principal.is_citizen or not machine.internal:
        return dict(data)
    kept = {k: v for k, v in data.items() if k not in machine.internal}
    if isinstance(kept.get("set"), Mapping):  # what a transition wrote into the payload
        kept["set"] = {k: v for k, v in kept["set"].items() if k not in machine.internal}
    return kept


def clock_view(
    clock: Clock, state: clocks.ClockState, now: datetime, holidays: Collection[date]
) -> ClockView:
    from chalicelib.api.routes.case_schemas import ClockView, PauseView

    unit = "working_days" if clock.working_days else "calendar_days"
    return ClockView(
        name=clock.name,
        legal_basis=dict(clock.legal_basis),
        source=clock.source,
        unit="seconds" if clock.seconds else unit,
        length=clock.seconds or clock.days,
        extended_by=state.extended_days,
        silence_is_consent=clock.silence_is_consent,
        state=clocks.shown_state(state, now),
        started_at=state.started_at,
        paused=[PauseView(paused_at=a, resumed_at=b) for a, b in state.paused],
        paused_since=clocks.paused_since(state),
        days_used=clocks.used(clock, state, now, holidays),
        due_at=state.due_at,
        days_left=clocks.days_left(clock, state, now, holidays),
        ended_at=state.ended_at,
    )
