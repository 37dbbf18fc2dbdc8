"""The HTTP routes of this service: thin, they parse, authorise, call one function, shape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

import chalicelib.services.enrollment.problems  # noqa: F401  (registers this service's problems)
from chalicelib import clock
from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.routes import owed
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN
from chalicelib.store.secrets import cursor_key

if TYPE_CHECKING:
    from chalicelib.services.enrollment.schemas import (
        ApplicationPage,
        ApplicationView,
        FollowUpView,
        SchoolList,
        SchoolsImportReport,
    )

enrollment = Blueprint(__name__)
TAGS = ("pre-registration",)
SCHEMAS = "chalicelib.services.enrollment.schemas"
DIRECTOR = "school_director"


@route(
    enrollment,
    "GET",
    "/enrollment/schools",
    summary="Schools of a commune, or those serving an address (commune and district)",
    access=PUBLIC,
    tags=TAGS,
    query=f"{SCHEMAS}:SchoolsQuery",
    response=f"{SCHEMAS}:SchoolList",
)
def list_schools(call: Call) -> SchoolList:
    from chalicelib.services.enrollment import schools
    from chalicelib.services.enrollment.schemas import SchoolList
    from chalicelib.services.enrollment.views import school_view

    query = call.query
    found = schools.search(query.commune, query.district, query.level)
    return SchoolList(items=[school_view(s) for s in found])


@route(
    enrollment,
    "POST",
    "/enrollment/schools/import",
    summary="Load the school map from CSV: schools, levels, the districts they serve (admin)",
    access=allow("admin"),
    tags=TAGS,
    body=f"{SCHEMAS}:SchoolsImportIn",
    response=f"{SCHEMAS}:SchoolsImportReport",
    idempotent=True,
    errors=(413,),
)
def import_schools(call: Call) -> SchoolsImportReport:
    """Good lines are loaded, each school in its own transaction; bad lines are named (line,
    field, why) and change nothing. Loading the same map again changes nothing."""
    from chalicelib.services.enrollment import school_import
    from chalicelib.services.enrollment.schemas import SchoolsImportReport

    return SchoolsImportReport.model_validate(school_import.load(call.body.csv))


@route(
    enrollment,
    "POST",
    "/enrollment/applications",
    summary="Pre-register a child in a school (the guardian, signed in with the CNIe)",
    access=allow(CITIZEN, cnie=True),
    tags=TAGS,
    body=f"{SCHEMAS}:ApplicationIn",
    response=f"{SCHEMAS}:ApplicationView",
    status=201,
    idempotent=True,
    errors=(409, 422),
)
def file_application(call: Call) -> Reply:
    from chalicelib.services.enrollment import service
    from chalicelib.services.enrollment.schools import of_request
    from chalicelib.services.enrollment.views import application_view

    case = service.file(call.user, call.body.model_dump(), call.language)
    view = application_view(case, of_request(case), call.language)
    return Reply(view.model_dump(mode="json"), 201)


@route(
    enrollment,
    "GET",
    "/enrollment/schools/{code}/applications",
    summary="The school's requests (its director): by state, names in either script, birth dates",
    access=allow(DIRECTOR, office_param="code"),
    tags=TAGS,
    query=f"{SCHEMAS}:ApplicationsQuery",
    response=f"{SCHEMAS}:ApplicationPage",
)
def school_applications(call: Call, code: str) -> ApplicationPage:
    from chalicelib.services.enrollment import service
    from chalicelib.services.enrollment.schemas import ApplicationPage
    from chalicelib.services.enrollment.views import application_view
    from chalicelib.workflow import access

    query = call.query
    scope = f"enrollment:{code}:{query.state}:{query.q}:{query.born_from}:{query.born_to}"
    school, page = service.school_queue(
        code,
        query.state,
        query.q,
        (query.born_from, query.born_to),
        clamp_limit(query.limit),
        decode_cursor(cursor_key(), scope, query.cursor),
    )
    # the searched name is not copied into the trail; the cases it found are
    searched = " q=(given)" if query.q else ""
    purpose = f"GET /enrollment/schools/{code}/applications state={query.state}{searched}"
    access.listed(call.user, purpose, [c.id for c in page.cases], call.correlation_id)
    return ApplicationPage(
        items=[application_view(c, school, call.language, listed=True) for c in page.cases],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )


def _decided(call: Call, case_id: str, action: str) -> ApplicationView:
    from chalicelib.services.enrollment import service
    from chalicelib.services.enrollment.schools import of_request
    from chalicelib.services.enrollment.views import application_view

    user, correlation = call.user, call.correlation_id
    if action == "approve":
        case = service.approve(user, case_id, correlation)
    elif action == "reject":
        body = call.body
        case = service.reject(user, case_id, body.reason, body.details, correlation, call.language)
    else:
        case = service.withdraw(user, case_id, correlation)
    return application_view(case, of_request(case), call.language)


@route(
    enrollment,
    "POST",
    "/enrollment/applications/{application_id}/approve",
    summary="Approve a request: the pupil is registered in Massar (the school's director)",
    access=allow(DIRECTOR),
    tags=TAGS,
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def approve(call: Call, application_id: str) -> ApplicationView:
    return _decided(call, application_id, "approve")


@route(
    enrollment,
    "POST",
    "/enrollment/applications/{application_id}/reject",
    summary="Reject a request with a reason (the school's director)",
    access=allow(DIRECTOR),
    tags=TAGS,
    body=f"{SCHEMAS}:RejectIn",
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409, 422),
)
def reject(call: Call, application_id: str) -> ApplicationView:
    return _decided(call, application_id, "reject")


@route(
    enrollment,
    "POST",
    "/enrollment/applications/{application_id}/withdraw",
    summary="Withdraw my request while it is not decided (the guardian)",
    access=allow(CITIZEN),
    tags=TAGS,
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def withdraw(call: Call, application_id: str) -> ApplicationView:
    return _decided(call, application_id, "withdraw")


def _owed(call: Call, case_id: str, action: str, reason: str) -> ApplicationView:
    from chalicelib.services.enrollment import service
    from chalicelib.services.enrollment.schools import of_request
    from chalicelib.services.enrollment.views import application_view

    user, correlation = call.user, call.correlation_id
    if action == "request_documents":
        case = service.request_documents(user, case_id, reason, correlation)
    else:
        case = service.documents_provided(user, case_id, reason, correlation)
    return application_view(case, of_request(case), call.language)


# The director asks for a document (the decision clock pauses); the guardian, having
# attached it, says so (it runs again).
owed.register(
    enrollment,
    "/enrollment/applications/{application_id}",
    name="enrollment",
    tags=TAGS,
    response=f"{SCHEMAS}:ApplicationView",
    perform=_owed,
    asked_by=allow(DIRECTOR),
)


@route(
    enrollment,
    "GET",
    "/enrollment/follow-up",
    summary="Requests by state and siblings' school-entry forecast, per school, province, region",
    access=allow(DIRECTOR, "exam_officer", "admin"),
    tags=TAGS,
    query=f"{SCHEMAS}:FollowUpQuery",
    response=f"{SCHEMAS}:FollowUpView",
    errors=(404,),  # a director asking for another school's figures
)
def follow_up(call: Call) -> FollowUpView:
    from chalicelib.services.enrollment.followup import follow_up

    return follow_up(call.user, call.query, clock.now().date())
