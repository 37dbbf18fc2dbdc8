"""The baccalaureate's use cases: one function per route, rules from ``domain``, storage from
``store.bac``, cases through the case engine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.api.principal import Principal
from chalicelib.api.problems import FieldError, Problem
from chalicelib.jobs import JobFailed
from chalicelib.services.bac import certificates, domain
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.bac.domain import Candidate
from chalicelib.services.bac.machines import COMPLAINT, CORRECTION, GRANT
from chalicelib.store import cases as case_store
from chalicelib.store.bac import repository as store
from chalicelib.store.bac.repository import Certificate, Session, Share, StoredResult
from chalicelib.workflow import access, actions, registry
from chalicelib.workflow import service as cases
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.machine import Machine

if TYPE_CHECKING:
    from chalicelib.store.jobs import Job


def now() -> datetime:
    """The clock (tests move it)."""
    return datetime.now(UTC)


# ------------------------------------------------------------------ staff: import, publish
# Both run as background jobs (chalicelib.jobs; bac/jobs.py): the request is checked and
# queued (202), the work below runs in the jobs queue's handler. One job at a time per
# session and academy: an import and a publication never interleave.


def job_scope(year: int, academy: str) -> str:
    return f"bac.session#{year}#{academy}"


def request_import(officer: Principal, year: int, key: str, exam_start: str) -> Job:
    from chalicelib.services.bac import imports
    from chalicelib.services.bac.jobs import IMPORT

    imports.check_csv(key)
    params = {"year": year, "academy": officer.office, "key": key, "exam_start": exam_start}
    return _submit(IMPORT, officer, year, params)


def request_publish(officer: Principal, year: int, visible_from: datetime | None, days: int) -> Job:
    """Checks the moment against the rules of ``domain.publication`` now (422 or 409), and
    queues the job that writes it into every result item, then into the session."""
    from chalicelib.services.bac.jobs import PUBLISH

    session = store.load_session(year, officer.office)
    if session is None:
        # 409: the session exists in the calendar; it has no candidates here to publish yet.
        detail = f"Import the candidates of session {year} for {officer.office} first."
        raise Problem("conflict", detail)
    requested = visible_from.astimezone(UTC) if visible_from else None
    decided = domain.publication(requested, session.visible_from, session.candidates, now())
    if decided.conflict:
        raise Problem("conflict", decided.conflict)
    if decided.moment is None:
        raise Problem(
            "validation-failed", errors=[FieldError("body.visible_from", decided.field_error)]
        )
    moment = decided.moment
    params = {
        "year": year,
        "academy": officer.office,
        "visible_from": moment.isoformat(),
        "complaint_until": (moment + timedelta(days=days)).isoformat(),
    }
    return _submit(PUBLISH, officer, year, params)


def _submit(kind: str, officer: Principal, year: int, params: dict[str, Any]) -> Job:
    from chalicelib.jobs import runner
    from chalicelib.services.bac.jobs import status_path

    try:
        return runner.submit(kind, job_scope(year, officer.office), params, officer.subject)
    except runner.Busy as error:
        raise Problem(
            "conflict",
            "Another import or publication of this session is queued or running: wait for it.",
            extra={"job_id": error.job_id, "status": status_path(year, error.job_id)},
        ) from error


def job(officer: Principal, year: int, job_id: str) -> Job:
    """A job of the officer's academy for session ``year``; anyone else's is not found."""
    from chalicelib.jobs import runner

    found = runner.get(job_id)
    if found is None or found.scope != job_scope(year, officer.office):
        raise Problem("not-found")
    return found


@dataclass(frozen=True)
class Imported:
    candidates: int
    with_results: int
    results_written: int


def import_candidates(academy: str, year: int, key: str, exam_start: str) -> Imported:
    """The job's work: ``academy``'s candidates of session ``year`` from a CSV in the
    documents bucket: every row checked first (nothing is written if one is wrong:
    JobFailed with the rows by line), then written over what an earlier
    import wrote, so running it twice changes nothing."""
    from chalicelib.services.bac import imports

    text = imports.read_csv(key)
    parsed, errors = domain.parse_candidates(text, year, academy)
    if errors:
        rows = [{"line": e.line, "column": e.column, "message": e.message} for e in errors]
        report = {"candidates": 0, "errors": rows, "errors_total": len(rows)}
        raise JobFailed(f"{len(errors)} problem(s) in the list; nothing was imported.", report)
    at = now()
    before = store.load_session(year, academy)
    session = Session(
        year,
        academy,
        exam_start or (before.exam_start if before else ""),
        before.visible_from if before else None,
        before.complaint_until if before else None,
        max(len(parsed), before.candidates if before else 0),
    )
    store.save_session(session, at)
    imports.write_candidates(parsed, at)
    written = imports.write_results(parsed, session)
    return Imported(len(parsed), sum(1 for c in parsed if c.has_results), written)


def publish_results(
    academy: str, year: int, visible_from: datetime, complaint_until: datetime
) -> tuple[Session, int]:
    """The job's work: the moment into every result item first, then into the session
    (complaints and certificates follow the session): safe to run again."""
    from chalicelib.services.bac import imports

    session = store.load_session(year, academy)
    if session is None:
        raise Problem("conflict", f"The session {year} of {academy} is gone.")
    session = replace(session, visible_from=visible_from, complaint_until=complaint_until)
    written = imports.write_results(store.candidates_of(year, academy), session)
    store.save_session(session, now())
    return session, written


# ------------------------------------------------------------------ the candidate


def me(citizen: Principal) -> Candidate:
    """The caller's candidate record, found by the CNIe number in the token: one Query."""
    candidate = store.candidate_of_cnie(citizen.cnie)
    if candidate is None:
        raise Problem(
            "bac-not-a-candidate",
            "No candidate list of your academy carries your CNIe number; your school or "
            "the exam office of your academy can check it.",
        )
    return candidate


@dataclass(frozen=True)
class Verification:
    data_status: str
    case: Case | None = None
    upload: Any = None  # (Document, PresignedPost) of the supporting document


def verify(citizen: Principal, action: str, fields: dict[str, str], document: Any) -> Verification:
    candidate = me(citizen)
    if action == "confirm":
        try:
            store.confirm_data(candidate)
        except store.Conflict as error:
            raise Problem("conflict", domain.correction_refusal(candidate, {})) from error
        return Verification(domain.DataStatus.CONFIRMED)
    if candidate.data_status == domain.DataStatus.CORRECTION_REQUESTED:
        raise Problem("conflict", domain.correction_refusal(candidate, fields))
    why_not = domain.correction_refusal(candidate, fields)
    if why_not:
        raise Problem(
            "validation-failed", why_not, errors=[FieldError("body.corrections", why_not)]
        )
    if document is None:
        required = FieldError("body.document", "a correction needs a supporting document")
        raise Problem("validation-failed", errors=[required])
    payload = {"corrections": fields, "current": {k: _field(candidate, k) for k in fields}}
    try:
        case = _open(CORRECTION, citizen, candidate, payload, [store.correction_opened(candidate)])
    except case_store.Conflict as error:
        raise Problem("conflict", "A correction is already being examined.") from error
    from chalicelib.documents import uploads

    upload = uploads.attach(
        CORRECTION,
        case,
        access.actor_of(citizen),
        "supporting_document",
        document.content_type,
        document.size,
        document.file_name,
    )
    return Verification(domain.DataStatus.CORRECTION_REQUESTED, cases.load(case.id), upload)


def _field(candidate: Candidate, name: str) -> str:
    value = getattr(candidate, name)
    return value.isoformat() if name == "birth_date" else str(value)


def convocation(citizen: Principal) -> tuple[Candidate, Session | None]:
    candidate = me(citizen)
    why_not = domain.convocation_refusal(candidate)
    if why_not:
        raise Problem("bac-data-not-confirmed", why_not, extra={"missing_step": "data_check"})
    return candidate, store.load_session(candidate.year, candidate.academy)


def apply_for_grant(citizen: Principal, application: dict[str, Any]) -> Case:
    candidate = me(citizen)
    guard = store.guard(f"grant#{candidate.year}#{candidate.cnie}")
    try:
        return _open(GRANT, citizen, candidate, application, [guard])
    except case_store.Conflict as error:
        raise Problem("conflict", "You have already applied for a grant this session.") from error


def results(citizen: Principal) -> tuple[StoredResult, bool]:
    """(the result, whether it may be shown): one GetItem keyed by the token's CNIe."""
    result = store.result_of_cnie(citizen.cnie)
    if result is None:
        raise Problem("bac-not-a-candidate", "No results are held for your CNIe number.")
    return result, bool(result.marks) and domain.published(result.visible_from, now())


def complain(citizen: Principal, subject: str, error: str, description: str) -> Case:
    candidate = me(citizen)
    session = store.load_session(candidate.year, candidate.academy)
    why_not = domain.complaint_refusal(
        session.visible_from if session else None,
        session.complaint_until if session else None,
        now(),
    )
    if why_not:
        raise Problem("bac-complaints-closed", why_not)
    if subject not in domain.STREAMS[candidate.stream]:
        raise Problem(
            "validation-failed",
            errors=[
                FieldError("body.subject", f"one of {', '.join(domain.STREAMS[candidate.stream])}")
            ],
        )
    payload = {"subject": subject, "error": error, "description": description}
    return _open(COMPLAINT, citizen, candidate, payload, [])


def _open(
    machine: Machine,
    citizen: Principal,
    candidate: Candidate,
    payload: dict[str, Any],
    also: list[case_store.Also],
) -> Case:
    """A case of ``machine`` for the exam office of the candidate's academy, with the
    ``also`` writes in its transaction; messages go where the token says."""
    name = f"{candidate.first_name_fr} {candidate.last_name_fr}"
    contact = Contact(citizen.email, citizen.phone, citizen.locale or "fr", name)
    record = {"year": candidate.year, "candidate_number": candidate.candidate_number}
    return cases.open_case(
        machine,
        citizen.subject,
        candidate.academy,
        contact,
        {**payload, "candidate": record},
        access.actor_of(citizen),
        also=also,
    )


# ------------------------------------------------------------------ staff: decisions


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
        candidate = store.load_candidate(
            int(record["year"]), case.office, str(record["candidate_number"])
        )
        if candidate is None:
            raise Problem("conflict", "The candidate record is gone.")
        if machine is CORRECTION:
            if action == "accept":
                _supporting_document_verified(case)
            fields = dict(case.payload["corrections"]) if action == "accept" else {}
            also = [store.correction_answered(candidate, fields)]
        elif action == "accept":
            also, payload = _corrected(candidate, corrections)
    return actions.perform(
        machine, officer, case.id, action, payload, reason, correlation_id, also=also
    )


def _supporting_document_verified(case: Case) -> None:
    """A correction is accepted on evidence: its supporting document verified first."""
    from chalicelib.documents.checklist import checklist

    statuses = {item.kind: item.status for item in checklist(CORRECTION, case, now())}
    why_not = domain.correction_acceptance_refusal(statuses.get("supporting_document", "missing"))
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
    marks, why_not = domain.corrected_marks(candidate.stream, candidate.marks, corrections)
    if why_not:
        raise Problem(
            "validation-failed", why_not, errors=[FieldError("body.corrections", why_not)]
        )
    session = store.load_session(candidate.year, candidate.academy)
    if session is None:
        raise Problem("conflict", "The session is gone.")
    after = replace(candidate, marks=marks)
    at = now()
    new = None
    if candidate.certificate_id and domain.result_of(after.stream, marks).outcome == "admitted":
        new = certificates.issue(after, at)
    payload = {
        "corrections": {k: str(v) for k, v in corrections.items()},
        "certificate_reissued": bool(new),
    }
    return store.marks_corrected(candidate, marks, session, new, at), payload


# ------------------------------------------------------------------ the certificate


def certificate(citizen: Principal) -> tuple[Candidate, Certificate]:
    """The caller's certificate, issued on first request (signed by KMS)."""
    candidate = store.candidate_of_cnie(citizen.cnie)
    visible = False
    if candidate is not None and candidate.cnie:
        session = store.load_session(candidate.year, candidate.academy)
        visible = session is not None and domain.published(session.visible_from, now())
    slug, why_not = domain.certificate_refusal(candidate, visible)
    if slug:
        raise Problem(slug, why_not)
    assert candidate is not None
    if candidate.certificate_id:
        found = store.load_certificate(candidate.certificate_id)
        if found is not None and found.status == "valid":
            return candidate, found
    issued = certificates.issue(candidate, now())
    try:
        store.run(store.certificate_issued(candidate, issued, now()))
    except store.Conflict as error:
        raise Problem("conflict", "Your certificate was just issued; ask again.") from error
    return replace(candidate, certificate_id=issued.certificate_id), issued


def create_share(citizen: Principal, recipient: str, days: int) -> Share:
    _, current = certificate(citizen)
    why_not = domain.share_refusal(days)
    if why_not:
        raise Problem("validation-failed", errors=[FieldError("body.days", why_not)])
    code = certificates.new_share_code()
    at = now()
    share = Share(
        certificates.share_id(code),
        code,
        citizen.subject,
        current.certificate_id,
        recipient,
        at,
        domain.share_expiry(at, days),
        None,
        0,
        [],
    )
    store.save_share(share)
    return share


def shares(citizen: Principal) -> list[tuple[Share, str]]:
    """The caller's shares with their status, newest first."""
    at = now()
    return [
        (s, domain.share_status(s.revoked_at is not None, s.expires_at, False, at))
        for s in store.shares_of(citizen.subject)
    ]


def revoke_share(citizen: Principal, share_id: str) -> None:
    share = store.load_share(share_id) if len(share_id) == 32 else None
    if share is None or share.owner != citizen.subject:
        raise Problem("not-found")
    try:
        store.revoke_share(share_id, citizen.subject, now())
    except store.Conflict as error:
        raise Problem("not-found") from error


def verify_code(code: str) -> tuple[str, Certificate | None]:
    """What a verification link says: (valid | expired | revoked | unknown, the certificate
    when valid). A verified share counts the verification."""
    at = now()
    if certificates.is_certificate_code(code):
        found = store.load_certificate(code)
        if found is None:
            return "unknown", None
        return ("valid", found) if found.status == "valid" else ("revoked", None)
    share = (
        store.load_share(certificates.share_id(code)) if certificates.is_share_code(code) else None
    )
    if share is None or share.code != code:
        return "unknown", None
    found = store.load_certificate(share.certificate_id)
    status = domain.share_status(
        share.revoked_at is not None, share.expires_at, found is None or found.status != "valid", at
    )
    if status != "valid":
        return status, None
    store.count_verification(share.share_id, at)
    return status, found
