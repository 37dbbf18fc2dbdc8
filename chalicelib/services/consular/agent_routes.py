"""The consular agent's HTTP routes: the consulate's calendar (opening hours, counters,
closed days), the queue of requests and the decisions on them, the day's appointments and
the check-in that uses the stamp paying for one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import allow
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.routing import Call, route
from chalicelib.services.consular.routes import AGENT, REQUEST, TAGS, S, request_view

if TYPE_CHECKING:
    from chalicelib.services.consular.schemas import (
        CalendarView,
        DayList,
        RequestList,
        RequestView,
    )

consular_agent = Blueprint(__name__)


@route(
    consular_agent,
    "PUT",
    "/consular/consulates/{code}/calendar",
    summary="Set the consulate's opening hours, counters and closed days",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    body=S + "CalendarIn",
    response=S + "CalendarView",
    path_model=S + "ConsulatePath",
    errors=(409,),
)
def put_calendar(call: Call, code: str) -> CalendarView:
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import CalendarView

    consulate = use.consulate_or_422(code)
    body = call.body.model_dump(mode="json")
    _, cancelled = use.put_calendar(call.user, consulate, body, call.correlation_id)
    return CalendarView(
        consulate=code,
        hours=body["hours"],
        counters=body["counters"],
        closed=body["closed"],
        cancelled=cancelled,
    )


@route(
    consular_agent,
    "GET",
    "/consular/consulates/{code}/requests",
    summary="The consulate's queue of requests, oldest first",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    query=S + "QueueQuery",
    response=S + "RequestList",
    path_model=S + "ConsulatePath",
)
def request_queue(call: Call, code: str) -> RequestList:
    from chalicelib.api.routes import case_views
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.services.consular.schemas import RequestList
    from chalicelib.store.secrets import cursor_key
    from chalicelib.workflow import access

    scope = f"consular:{code}:{call.query.state}"
    page = use.queue(
        code,
        call.query.state,
        clamp_limit(call.query.limit),
        decode_cursor(cursor_key(), scope, call.query.cursor),
    )
    purpose = f"GET /consular/consulates/{code}/requests state={call.query.state}"
    access.listed(call.user, purpose, [c.id for c in page.cases], call.correlation_id)
    return RequestList(
        items=[case_views.summary(APPOINTMENT, c) for c in page.cases],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )


def _agent_action(action: str, summary: str, path: str) -> None:
    @route(
        consular_agent,
        "POST",
        f"{REQUEST}/{path}",
        summary=summary,
        access=allow(AGENT),
        tags=TAGS,
        body=S + "ReasonIn",
        response=S + "RequestView",
        errors=(409,),  # the request's state, or (validate) a required document missing
    )
    def view(call: Call, case_id: str) -> RequestView:
        from chalicelib.services.consular import service as use

        return request_view(
            call, use.act(call.user, case_id, action, call.body.reason, call.correlation_id)
        )

    view.__name__ = f"consular_{action}"


_agent_action("validate", "Validate a request: every required document checked", "validate")
_agent_action("reject", "Reject a request, with a reason", "reject")


@route(
    consular_agent,
    "POST",
    f"{REQUEST}/request-documents",
    summary="Ask the citizen for documents of the request's checklist, naming their kinds",
    access=allow(AGENT),
    tags=TAGS,
    body=S + "DocumentsAskIn",
    response=S + "RequestView",
    errors=(409, 422),
)
def consular_request_documents(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    body = call.body
    case = use.request_documents(call.user, case_id, body.kinds, body.reason, call.correlation_id)
    return request_view(call, case)


@route(
    consular_agent,
    "GET",
    "/consular/consulates/{code}/appointments",
    summary="The day's appointments",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    query=S + "DayQuery",
    response=S + "DayList",
    path_model=S + "ConsulatePath",
)
def day_list(call: Call, code: str) -> DayList:
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import AppointmentView, DayList
    from chalicelib.workflow import access

    consulate = use.consulate_or_422(code)
    zone = ZoneInfo(consulate.time_zone)
    entries = use.day_list(consulate, call.query.date)
    purpose = f"GET /consular/consulates/{code}/appointments date={call.query.date}"
    access.listed(call.user, purpose, [e.case_id for e, _ in entries], call.correlation_id)
    items = []
    for entry, status in entries:
        start = datetime.fromisoformat(entry.start.replace("Z", "+00:00"))
        items.append(
            AppointmentView(
                case_id=entry.case_id,
                reference=entry.reference,
                service=entry.service,
                slot=start,
                local=start.astimezone(zone).isoformat(),
                name=entry.name,
                guardian=entry.guardian,
                status=status,
            )
        )
    return DayList(consulate=code, date=call.query.date, items=items)


@route(
    consular_agent,
    "POST",
    f"{REQUEST}/check-in",
    summary="Mark the citizen's arrival",
    access=allow(AGENT),
    tags=TAGS,
    response=S + "RequestView",
    errors=(409,),
)
def check_in(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    return request_view(call, use.check_in(call.user, case_id, call.correlation_id))
