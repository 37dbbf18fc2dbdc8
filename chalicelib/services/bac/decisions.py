"""The exam office's answers to the cases of its academy: a data correction (accepted only
once its supporting document is verified: the record changes, the candidate confirms
again), a grant application, and a complaint (an accepted one corrects the marks, and any
certificate issued before is revoked and, if still admitted, issued again)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from chalicelib.api.principal import Principal
from chalicelib.api.problems import FieldError, Problem
from chalicelib.services.bac import certificates, domain, service
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.bac.domain import Candidate, data_check, results_day
from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.store import cases as case_store
from chalicelib.store.bac import candidates as candidate_store
from chalicelib.store.bac import sessions as session_store
from chalicelib.workflow import access, actions, registry
from chalicelib.workflow.case import Case


def decide(
    officer: Principal,
    case_id: str,
    action: str,
    reason: str,
    corrections: dict[str, Decimal],
    correlation_id: str,
) -> Case:
    """An exam officer answers a correction, a grant or a complaint of their academy."""
    case = access.visible_case(officer, case_id, f"action {action}", correlation_id, read=False)
    machine = registry.machine_for(case.case_type)
    if machine not in (CORRECTION, GRANT, COMPLAINT):
        raise Problem("not-found")
    also: list[case_store.Also] = []
    payload: dict[str, Any] = {}
    if action in ("accept", "refuse") and machine in (CORRECTION, COMPLAINT):
        record = case.payload["candidate"]
        candidate = candidate_store.load_candidate(
            int(record["year"]), case.office, str(record["candidate_number"])
        )
        if candidate is None:
            raise Problem("conflict", "The candidate record is gone.")
        if machine is CORRECTION:
            if action == "accept":
                _supporting_document_verified(case)
            fields = dict(case.payload["corrections"]) if action == "accept" else {}
            also = [candidate_store.correction_answered(candidate, fields)]
        elif action == "accept":
            also, payload = _corrected(candidate, corrections)
    return actions.perform(
        machine, officer, case.id, action, payload, reason, correlation_id, also=also
    )


def answered(
    candidate: Principal, case_id: str, action: str, note: str, correlation_id: str
) -> Case:
    """The candidate says the document the office asked for is attached."""
    case = access.visible_case(candidate, case_id, f"action {action}", correlation_id, read=False)
    machine = registry.machine_for(case.case_type)
    if machine not in (CORRECTION, GRANT, COMPLAINT):
        raise Problem("not-found")
    payload = {"note": note} if note else {}
    return actions.perform(machine, candidate, case.id, action, payload, "", correlation_id)


def _supporting_document_verified(case: Case) -> None:
    """A correction is accepted on evidence: its supporting document verified first."""
    from chalicelib.documents.checklist import checklist

    statuses = {item.kind: item.status for item in checklist(CORRECTION, case, service.now())}
    why_not = data_check.correction_acceptance_refusal(
        statuses.get("supporting_document", "missing")
    )
    if why_not:
        raise Problem(
            "bac-document-not-verified", why_not, extra={"missing_step": "document_verification"}
        )


def _corrected(
    candidate: Candidate, corrections: dict[str, Decimal]
) -> tuple[list[case_store.Also], dict[str, Any]]:
    """An accepted complaint's writes: marks and result corrected; a certificate issued
    before is revoked and, if the candidate is still admitted, a new one issued."""
    if not corrections:
        raise Problem(
            "validation-failed", errors=[FieldError("body.corrections", "give the corrected marks")]
        )
    marks, why_not = results_day.corrected_marks(candidate.stream, candidate.marks, corrections)
    if why_not:
        raise Problem(
            "validation-failed", why_not, errors=[FieldError("body.corrections", why_not)]
        )
    session = session_store.load_session(candidate.year, candidate.academy)
    if session is None:
        raise Problem("conflict", "The session is gone.")
    after = replace(candidate, marks=marks)
    at = service.now()
    new = None
    if candidate.certificate_id and domain.result_of(after.stream, marks).outcome == "admitted":
        new = certificates.issue(after, at)
    payload = {
        "corrections": {k: str(v) for k, v in corrections.items()},
        "certificate_reissued": bool(new),
    }
    return session_store.marks_corrected(candidate, marks, session, new, at), payload
