"""Cases of every type: the citizen's list and one case with its history and deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.routing import Call, route
from chalicelib.identity import CASE_STAFF_ROLES, CITIZEN
from chalicelib.store.secrets import cursor_key

if TYPE_CHECKING:
    from chalicelib.api.routes.access_log import AccessLog
    from chalicelib.api.routes.case_schemas import CaseList, CaseView, MyCasesQuery

# Models are named, and they and the case engine are imported on a route's first call:
# neither pydantic nor the engine is part of a cold start.
SCHEMAS = "chalicelib.api.routes.case_schemas"
ACCESS_LOG = "chalicelib.api.routes.access_log"

cases = Blueprint(__name__)
TAGS = ("cases",)


@route(
    cases,
    "GET",
    "/me/cases",
    summary="My cases of every service, newest first",
    access=allow(CITIZEN),
    tags=TAGS,
    query=f"{SCHEMAS}:MyCasesQuery",
    response=f"{SCHEMAS}:CaseList",
)
def my_cases(call: Call) -> CaseList:
    from chalicelib.api.routes import case_views
    from chalicelib.api.routes.case_schemas import CaseList
    from chalicelib.store import cases as store
    from chalicelib.workflow import access, registry

    query: MyCasesQuery = call.query
    scope = f"me:{call.user.subject}"
    page = store.of_owner(
        call.user.subject,
        clamp_limit(query.limit),
        decode_cursor(cursor_key(), scope, query.cursor),
    )
    # A case whose type requires the CNIe sign-in is left out of a list made for a sign-in
    # without it (a page may then be shorter than its limit; ``next`` still goes on).
    shown = [c for c in page.cases if not access.cnie_withheld(call.user, c)]
    return CaseList(
        items=[case_views.summary(registry.machine_for(c.case_type), c) for c in shown],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )


@route(
    cases,
    "GET",
    "/cases/{case_id}",
    summary="A case with its history and deadlines",
    access=allow(CITIZEN, *CASE_STAFF_ROLES),
    tags=TAGS,
    response=f"{SCHEMAS}:CaseView",
)
def get_case(call: Call, case_id: str) -> CaseView:
    from chalicelib.api.routes import case_views
    from chalicelib.workflow import access, lifecycle, registry

    found, history = lifecycle.find_with_history(case_id)
    case = access.checked(call.user, found, "GET /cases/{id}", call.correlation_id)
    machine = registry.machine_for(case.case_type)
    return case_views.full(machine, case, history, call.user, clock.now())


@route(
    cases,
    "GET",
    "/cases/{case_id}/access-log",
    summary="Who read or changed my case, newest first",
    access=allow(CITIZEN),
    tags=TAGS,
    query=f"{SCHEMAS}:MyCasesQuery",
    response=f"{ACCESS_LOG}:AccessLog",
)
def get_access_log(call: Call, case_id: str) -> AccessLog:
    from chalicelib.api.routes import access_log
    from chalicelib.store import audit
    from chalicelib.workflow import access

    case = access.visible_case(
        call.user, case_id, "GET /cases/{id}/access-log", call.correlation_id
    )
    query: MyCasesQuery = call.query
    scope = f"access-log:{case.id}"
    page = audit.records_of_case(
        case.id, clamp_limit(query.limit), decode_cursor(cursor_key(), scope, query.cursor)
    )
    return access_log.AccessLog(
        items=[access_log.entry(r, case.owner, cursor_key()) for r in page.records],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )
