"""The baccalaureate's background jobs (``chalicelib.jobs``): a candidate list imported and a
publication moment written into every result item, both too long for an HTTP request.
A request is checked what it can be now, then queued (202); the jobs queue's handler runs
the work (``run_import``, ``run_publish``, registered by the routes); the exam officer
follows a job at ``GET /bac/sessions/{year}/jobs/{job_id}``. One job at a time per
session and academy: an import and a publication never interleave."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.jobs import JobFailed
from chalicelib.jobs.runner import Busy, Job, describe
from chalicelib.observability import logger
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.bac import imports, ports
from chalicelib.services.bac.domain import candidate_list, results_day
from chalicelib.store.bac.sessions import Session

IMPORT = "bac.candidates_import"
PUBLISH = "bac.results_publish"


def job_scope(year: int, academy: str) -> str:
    return f"bac.session#{year}#{academy}"


# ------------------------------------------------------------------ requested


def request_import(officer: Principal, year: int, key: str, exam_start: str) -> Job:
    imports.check_csv(key)
    params = {"year": year, "academy": officer.office, "key": key, "exam_start": exam_start}
    return _submit(IMPORT, officer, year, params)


def request_publish(officer: Principal, year: int, visible_from: datetime | None, days: int) -> Job:
    """Checks the moment against the rules of ``results_day.publication`` now (422 or 409), and
    queues the job that writes it into every result item, then into the session."""
    session = ports.sessions().load_session(year, officer.office)
    if session is None:
        # 409: the session exists in the calendar; it has no candidates here to publish yet.
        detail = f"Import the candidates of session {year} for {officer.office} first."
        raise Refusal("conflict", detail)
    requested = visible_from.astimezone(UTC) if visible_from else None
    decided = results_day.publication(
        requested, session.visible_from, session.candidates, clock.now()
    )
    if decided.conflict:
        raise Refusal("conflict", decided.conflict)
    if decided.moment is None:
        raise Refusal(
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
    try:
        return ports.jobs().submit(kind, job_scope(year, officer.office), params, officer.subject)
    except Busy as error:
        raise Refusal(
            "conflict",
            "Another import or publication of this session is queued or running: wait for it.",
            extra={"job_id": error.job_id, "status": status_path(year, error.job_id)},
        ) from error


def job(officer: Principal, year: int, job_id: str) -> Job:
    """A job of the officer's academy for session ``year``; anyone else's is not found."""
    found = ports.jobs().get(job_id)
    if found is None or found.scope != job_scope(year, officer.office):
        raise Refusal("not-found")
    return found


# ------------------------------------------------------------------ done


@dataclass(frozen=True)
class Imported:
    candidates: int
    with_results: int
    results_written: int
    # rows not written: their CNIe number is another candidate's this session (line, column,
    # message), as the list's own errors are reported
    refused: tuple[dict[str, Any], ...] = ()


def import_candidates(academy: str, year: int, key: str, exam_start: str) -> Imported:
    """The job's work: ``academy``'s candidates of session ``year`` from a CSV in the
    documents bucket: every row checked first (nothing is written if one is wrong:
    JobFailed with the rows by line), then written over what an earlier
    import wrote, so running it twice changes nothing."""
    text = imports.read_csv(key)
    parsed, errors = candidate_list.parse_candidates(text, year, academy)
    if errors:
        rows = [{"line": e.line, "column": e.column, "message": e.message} for e in errors]
        report = {"candidates": 0, "errors": rows, "errors_total": len(rows)}
        raise JobFailed(f"{len(errors)} problem(s) in the list; nothing was imported.", report)
    at = clock.now()
    sessions = ports.sessions()
    before = sessions.load_session(year, academy)
    session = Session(
        year,
        academy,
        exam_start or (before.exam_start if before else ""),
        before.visible_from if before else None,
        before.complaint_until if before else None,
        max(len(parsed), before.candidates if before else 0),
    )
    sessions.save_session(session, at)
    refused = imports.write_candidates(parsed, at)
    # Every row parsed (no errors): the candidate at index i is the list's line i + 2.
    lines = {c.candidate_number: n for n, c in enumerate(parsed, start=2)}
    refusals = tuple(
        {
            "line": lines[c.candidate_number],
            "column": "cnie",
            "message": candidate_list.cnie_held(c.cnie, year, held.academy, academy),
        }
        for c, held in refused
    )
    kept = {c.candidate_number for c, _ in refused}
    written_rows = [c for c in parsed if c.candidate_number not in kept]
    written = imports.write_results(written_rows, session)
    return Imported(
        len(written_rows), sum(1 for c in written_rows if c.has_results), written, refusals
    )


def publish_results(
    academy: str, year: int, visible_from: datetime, complaint_until: datetime
) -> tuple[Session, int]:
    """The job's work: the moment into every result item first, then into the session
    (complaints and certificates follow the session): safe to run again."""
    sessions = ports.sessions()
    session = sessions.load_session(year, academy)
    if session is None:
        raise Refusal("conflict", f"The session {year} of {academy} is gone.")
    session = replace(session, visible_from=visible_from, complaint_until=complaint_until)
    written = imports.write_results(ports.candidates().candidates_of(year, academy), session)
    sessions.save_session(session, clock.now())
    return session, written


# ------------------------------------------------------------------ run by the jobs queue


def run_import(job: Job) -> dict[str, Any]:
    p = job.params
    try:
        done = import_candidates(
            str(p["academy"]), int(p["year"]), str(p["key"]), str(p["exam_start"])
        )
    except Refusal as problem:  # the file itself: gone, too large, not UTF-8
        raise JobFailed(_reason(problem)) from problem
    return {
        "session": int(p["year"]),
        "academy": p["academy"],
        "candidates": done.candidates,
        "with_results": done.with_results,
        "results_written": done.results_written,
        "errors": [],
        "errors_total": 0,
        "refused": list(done.refused),
        "refused_total": len(done.refused),
    }


def run_publish(job: Job) -> dict[str, Any]:
    p = job.params
    moment = datetime.fromisoformat(str(p["visible_from"]))
    try:
        session, written = publish_results(
            str(p["academy"]),
            int(p["year"]),
            moment,
            datetime.fromisoformat(str(p["complaint_until"])),
        )
    except Refusal as problem:
        raise JobFailed(_reason(problem)) from problem
    # The request left the job its lead (results_day.publication); a job that still ran past the
    # moment (retried, throttled) made some candidates wait, never see results early.
    on_time = clock.now() <= moment
    if not on_time:
        logger.warning("publication finished after its moment", extra={"job_id": job.job_id})
    return {
        "session": session.year,
        "academy": session.academy,
        "visible_from": moment.isoformat(),
        "complaint_until": p["complaint_until"],
        "results_written": written,
        "finished_before_the_moment": on_time,
    }


def _reason(problem: Refusal) -> str:
    details = [f"{e.field}: {e.message}" for e in problem.errors]
    return "; ".join(details) or problem.detail or problem.slug


def view(job: Job) -> dict[str, Any]:
    year = int(job.params.get("year", 0))
    return {**describe(job, status_path(year, job.job_id)), "params": job.params}


def status_path(year: int, job_id: str) -> str:
    return f"/bac/sessions/{year}/jobs/{job_id}"
