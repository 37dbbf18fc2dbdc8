"""The baccalaureate's background jobs (``chalicelib.jobs``): a candidate list imported and a
publication moment written into every result item, both too long for an HTTP request. The
routes queue them (202) and register these handlers; the exam officer follows a job at
``GET /bac/sessions/{year}/jobs/{job_id}``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.api.problems import Problem
from chalicelib.jobs import JobFailed
from chalicelib.jobs.runner import Job, describe
from chalicelib.observability import logger
from chalicelib.services.bac import service

IMPORT = "bac.candidates_import"
PUBLISH = "bac.results_publish"


def run_import(job: Job) -> dict[str, Any]:
    p = job.params
    try:
        done = service.import_candidates(
            str(p["academy"]), int(p["year"]), str(p["key"]), str(p["exam_start"])
        )
    except Problem as problem:  # the file itself: gone, too large, not UTF-8
        raise JobFailed(_reason(problem)) from problem
    return {
        "session": int(p["year"]),
        "academy": p["academy"],
        "candidates": done.candidates,
        "with_results": done.with_results,
        "results_written": done.results_written,
        "errors": [],
        "errors_total": 0,
    }


def run_publish(job: Job) -> dict[str, Any]:
    p = job.params
    moment = datetime.fromisoformat(str(p["visible_from"]))
    try:
        session, written = service.publish_results(
            str(p["academy"]),
            int(p["year"]),
            moment,
            datetime.fromisoformat(str(p["complaint_until"])),
        )
    except Problem as problem:
        raise JobFailed(_reason(problem)) from problem
    # The request left the job its lead (domain.publication); a job that still ran past the
    # moment (retried, throttled) made some candidates wait, never see results early.
    on_time = service.now() <= moment
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


def _reason(problem: Problem) -> str:
    details = [f"{e.field}: {e.message}" for e in problem.errors]
    return "; ".join(details) or problem.detail or problem.slug


def view(job: Job) -> dict[str, Any]:
    year = int(job.params.get("year", 0))
    return {**describe(job, status_path(year, job.job_id)), "params": job.params}


def status_path(year: int, job_id: str) -> str:
    return f"/bac/sessions/{year}/jobs/{job_id}"
