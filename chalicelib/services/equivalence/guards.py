"""The guards of an equivalence file's transitions: pure checks of the case and the
transition's payload, answering None (it may happen) or why not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib import clock
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


def _joined(errors: domain.Errors) -> str | None:
    return "; ".join(f"{f}: {m}" for f, m in errors) or None


def proposal_valid(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "proposal_input" not in payload:
        return None  # asked what the caller may do next: the proposal is checked when made
    data = payload["proposal_input"]
    reason = str(data.get("reason", ""))
    today = clock.now().date()
    return _joined(domain.proposal_errors(case.state, case.payload, data, reason, today))


def national_diploma_named(case: Case, payload: Mapping[str, Any]) -> str | None:
    named = str((payload.get("set") or {}).get("decided", {}).get("national_diploma") or "")
    return None if named or "set" not in payload else "name the national diploma it matches"


def expertise_ready(case: Case, payload: Mapping[str, Any]) -> str | None:
    verified = any(d.kind == "expertise_report" and d.status == "verified" for d in case.documents)
    return domain.expertise_ready(case.payload, verified)


def consultation_valid(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "consultation" not in payload:
        return None
    return _joined(domain.consultation_errors(payload["consultation"]))


def order_possible(case: Case, payload: Mapping[str, Any]) -> str | None:
    """Art. 10: an order grants, imposes conditions, revokes, or (after a conditional one)
    states that the conditions were met."""
    if case.state == "conditional":
        pending = domain.pending_conditions(case.payload)
        if pending or not case.payload.get("conditions"):
            return f"art. 10: the final order states the conditions met; pending: {pending}"
        return None
    proposal = case.payload.get("proposal") or {}
    if proposal.get("stands") is not None or proposal.get("outcome") not in domain.ORDERS:
        return f"the proposal ({proposal.get('outcome')!r}) is not an order"
    return None


def outcome_proposed(outcome: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        proposed = (case.payload.get("proposal") or {}).get("outcome")
        return None if proposed == outcome else f"the proposed outcome is {proposed!r}"

    return guard


def stands(*outcomes: str) -> Guard:
    """The proposal leaves the current decision standing, and it is one of ``outcomes``."""

    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        proposal = case.payload.get("proposal") or {}
        if proposal.get("stands") is None or proposal.get("outcome") not in outcomes:
            return "the proposal does not leave such a decision standing"
        return None

    return guard


def remedy_allowed(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "condition" not in payload:
        return None if domain.pending_conditions(case.payload) else "no pending condition"
    kind, remedy = str(payload["condition"]), str(payload.get("remedy", ""))
    return _joined(domain.remedy_errors(case.payload, kind, remedy))


def nothing_decided(case: Case, payload: Mapping[str, Any]) -> str | None:
    return domain.closing_refusal(case.payload)


def reexamination_ground(case: Case, payload: Mapping[str, Any]) -> str | None:
    if "ground" not in payload:
        return None  # asked what the caller may do next: the ground is checked when given
    return domain.reexamination_refusal(payload["ground"])


def outcome_is(outcome: str) -> Guard:
    def guard(case: Case, payload: Mapping[str, Any]) -> str | None:
        decided = case.payload.get("decided", {}).get("outcome")
        return None if decided == outcome else f"the decided outcome is {decided!r}"

    return guard


def review_window_open(case: Case, payload: Mapping[str, Any]) -> str | None:
    text = payload.get("requested_at")
    at = datetime.fromisoformat(str(text)) if text else clock.now()
    refused = domain.review_refusal(case.clocks, case.payload, at)
    return refused[1] if refused else None


def receipt_not_recorded(case: Case, payload: Mapping[str, Any]) -> str | None:
    decision = domain.current_decision(case.payload) or {}
    if case.payload.get("notified_decision") == decision.get("number"):
        return "the notification of this decision is already recorded"
    return None


def condition_pending(case: Case, payload: Mapping[str, Any]) -> str | None:
    pending = domain.pending_conditions(case.payload)
    kind = payload.get("condition", pending[0] if pending else None)
    if kind not in pending:
        return f"no pending condition {kind!r}: pending are {pending}"
    return None
