"""The guards of an equivalence file's transitions: pure checks of the case and the
transition's payload, answering None (it may happen) or why not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.services.equivalence import domain
from chalicelib.services.equivalence.checklists import case_documents
from chalicelib.workflow.case import Case
from chalicelib.workflow.guards import missing_documents
from chalicelib.workflow.machine import Guard


def documents_verified(case: Case, payload: Mapping[str, Any]) -> str | None:
    missing = missing_documents(case, case_documents(case))
    return f"required documents not yet verified: {', '.join(missing)}" if missing else None


def admissible(case: Case, payload: Mapping[str, Any]) -> str | None:
    check = case.payload.get("admissibility", {})
    if check.get("admissible", True):
        return None
    return domain.not_admissible_reason(check)


def at_step(*steps: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        if domain.is_resumed_at(case.state, case.payload, *steps):
            return None
        return f"the file is not at step {' or '.join(steps)}"

    return guard


def proposal_valid(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "proposal_input" not in payload:
        return None  # asked what the caller may do next: the proposal is checked when made
    data = payload["proposal_input"]
    errors = domain.proposal_errors(case.state, case.payload, data, str(data.get("reason", "")))
    return "; ".join(f"{f}: {m}" for f, m in errors) or None


def outcome_is(outcome: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        decided = case.payload.get("decided", {}).get("outcome")
        return None if decided == outcome else f"the decided outcome is {decided!r}"

    return guard


def review_window_open(case: Case, payload: Mapping[str, Any]) -> str | None:
    from chalicelib.workflow import service  # the clock the routes run on (tests move it)

    text = payload.get("requested_at")
    at = datetime.fromisoformat(str(text)) if text else service.now()
    refused = domain.review_refusal(case.clocks, case.payload, at)
    return refused[1] if refused else None


def receipt_not_recorded(case: Case, payload: Mapping[str, Any]) -> str | None:
    decision = domain.current_decision(case.payload) or {}
    if case.payload.get("notified_decision") == decision.get("number"):
        return "the notification of this decision is already recorded"
    return None


def condition_pending(last: bool) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        pending = domain.pending_conditions(case.payload)
        kind = payload.get("condition", pending[0] if pending else None)
        if kind not in pending:
            return f"no pending condition {kind!r}: pending are {pending}"
        if last != (len(pending) == 1):
            return "other conditions are still pending" if last else "it is the last condition"
        return None

    return guard
