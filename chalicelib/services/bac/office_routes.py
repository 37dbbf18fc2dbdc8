"""The exam office's HTTP routes: the session's background jobs (the candidate list
imported, the publication moment set) and how they stand, and the academy's cases
(corrections, grants, complaints): the queue and the decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.jobs import register
from chalicelib.services.bac.routes import TAGS, S

if TYPE_CHECKING:
    from chalicelib.api.routes.case_schemas import CaseList, CaseView
    from chalicelib.jobs.runner import Job
    from chalicelib.services.bac.schemas import ActionIn, ImportIn, PublishIn, QueueQuery

bac_office = Blueprint(__name__)
OFFICER = allow("exam_officer")


# Both run as background jobs (bac/jobs.py), imported only when one runs.
register("bac.candidates_import", "chalicelib.services.bac.jobs:run_import")
register("bac.results_publish", "chalicelib.services.bac.jobs:run_publish")


def _queued(job: Job) -> Reply:
    from chalicelib.services.bac import jobs

    view = jobs.view(job)
    return Reply(view, status=202, headers={"Location": view["status"]})


@route(
    bac_office,
    "POST",
    "/bac/sessions/{year}/results/import",
    summary="Queue the import of the academy's candidate list (with marks once they exist)",
    access=OFFICER,
    tags=TAGS,
    body=S + "ImportIn",
    response=S + "JobView",
    path_model=S + "SessionPath",
    status=202,
    idempotent=True,
    errors=(409, 413, 422),
)
def import_candidates(call: Call, year: str) -> Reply:
    """The list is checked when the job runs (every row, bad rows reported by line in the
    job's report); here only that it is there and not too large."""
    from chalicelib.services.bac import jobs

    body: ImportIn = call.body
    start = body.exam_start.isoformat() if body.exam_start else ""
    return _queued(jobs.request_import(call.user, int(year), body.key, start))


@route(
    bac_office,
    "POST",
    "/bac/sessions/{year}/publish",
    summary="Queue the publication: when the academy's results become visible",
    access=OFFICER,
    tags=TAGS,
    body=S + "PublishIn",
    response=S + "JobView",
    path_model=S + "SessionPath",
    status=202,
    idempotent=True,
    errors=(409, 422),
)
def publish(call: Call, year: str) -> Reply:
    """The moment (as soon as possible when absent) leaves the job time to reach every
    result item before it: see docs/bac.md, results day."""
    from chalicelib.services.bac import jobs

    body: PublishIn = call.body
    return _queued(
        jobs.request_publish(call.user, int(year), body.visible_from, body.complaint_days)
    )


@route(
    bac_office,
    "GET",
    "/bac/sessions/{year}/jobs/{job_id}",
    summary="An import or publication job of the academy: queued, running, done or failed",
    access=OFFICER,
    tags=TAGS,
    response=S + "JobView",
    path_model=S + "JobPath",
)
def session_job(call: Call, year: str, job_id: str) -> Reply:
    from chalicelib.services.bac import jobs

    found = jobs.job(call.user, int(year), job_id)
    # A running job changes: never cached.
    return Reply(jobs.view(found), headers={"Cache-Control": "no-store"})


@route(
    bac_office,
    "GET",
    "/bac/queue",
    summary="The academy's baccalaureate cases of a type and state, oldest first",
    access=OFFICER,
    tags=TAGS,
    query=S + "QueueQuery",
    response="chalicelib.api.routes.case_schemas:CaseList",
)
def queue(call: Call) -> CaseList:
    from chalicelib.services.bac import views  # deferred: pydantic

    query: QueueQuery = call.query
    return views.queue(call, query.type, query.state, query.limit, query.cursor)


@route(
    bac_office,
    "POST",
    "/bac/cases/{case_id}/actions/{action}",
    summary="Answer a correction, a grant application or a complaint of the academy",
    access=OFFICER,
    tags=TAGS,
    body=S + "ActionIn",
    response="chalicelib.api.routes.case_schemas:CaseView",
    errors=(409, 422),
)
def act(call: Call, case_id: str, action: str) -> CaseView:
    from chalicelib.services.bac import (
        decisions,
        views,  # deferred: pydantic
    )

    body: ActionIn = call.body
    case = decisions.decide(
        call.user, case_id, action, body.reason, body.corrections, call.correlation_id
    )
    return views.case_view(case, call)
