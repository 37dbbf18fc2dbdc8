"""The HTTP routes of this service: thin, they parse, authorise, call one function, shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from chalice import Blueprint  # type: ignore[attr-defined]

import chalicelib.services.consular.problems  # noqa: F401  (registers this service's problems)
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.principal import CITIZEN, PUBLIC, allow
from chalicelib.api.problems import FieldError, Problem
from chalicelib.api.routing import Call, Reply, route

if TYPE_CHECKING:
    from chalicelib.services.consular.schemas import (
        CalendarView,
        ConsulateList,
        DayList,
        RequestList,
        RequestView,
        ServiceList,
        SlotList,
    )
    from chalicelib.workflow.case import Case

consular = Blueprint(__name__)
AGENT = "consular_agent"
TAGS = ("consular",)
S = "chalicelib.services.consular.schemas:"
REQUEST = "/consular/appointment-requests/{case_id}"


@route(
    consular,
    "GET",
    "/consular/consulates",
    summary="Consulates and the services they offer",
    access=PUBLIC,
    tags=TAGS,
    response=S + "ConsulateList",
)
def list_consulates(call: Call) -> ConsulateList:
    from chalicelib.services.consular import catalogue
    from chalicelib.services.consular.schemas import ConsulateList, ConsulateView

    return ConsulateList(
        items=[
            ConsulateView(
                code=c.code,
                names=dict(c.names),
                country=c.country,
                city=c.city,
                time_zone=c.time_zone,
                address=c.address,
                services=list(c.services),
            )
            for c in catalogue.CONSULATES
        ]
    )


@route(
    consular,
    "GET",
    "/consular/services",
    summary="Consular services: slot length, documents, eTimbre fee",
    access=PUBLIC,
    tags=TAGS,
    response=S + "ServiceList",
)
def list_services(call: Call) -> ServiceList:
    from chalicelib.services.consular import catalogue
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import (
        DocumentRuleView,
        FeeView,
        ServiceList,
        ServiceView,
    )
    from chalicelib.workflow.service import now

    items = []
    for s in catalogue.SERVICES:
        fee = use.fee_of(s.code, now())
        items.append(
            ServiceView(
                code=s.code,
                names=dict(s.names),
                slot_minutes=s.slot_minutes,
                cancellation_cutoff_hours=s.cancellation_cutoff_hours,
                documents=[
                    DocumentRuleView(kind=r.kind, required=r.required, titles=dict(r.titles))
                    for r in s.documents
                ],
                fee=None
                if fee is None
                else FeeView(
                    amount=fee.amount,
                    currency=fee.currency,
                    legal_reference=str(fee.legal_reference),
                ),
            )
        )
    return ServiceList(items=items)


@route(
    consular,
    "PUT",
    "/consular/consulates/{code}/calendar",
    summary="Set the consulate's opening hours, counters and closed days",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    body=S + "CalendarIn",
    response=S + "CalendarView",
    path_model=S + "ConsulatePath",
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
    consular,
    "POST",
    "/consular/appointment-requests",
    summary="Ask a consulate for an appointment",
    access=allow(CITIZEN),
    tags=TAGS,
    body=S + "RequestIn",
    response=S + "RequestView",
    status=201,
    idempotent=True,
)
def create_request(call: Call) -> Reply:
    from chalicelib.services.consular import catalogue
    from chalicelib.services.consular import service as use
    from chalicelib.workflow.case import Contact

    body = call.body
    consulate = catalogue.consulate(body.consulate)
    if consulate is None:
        raise Problem(
            "validation-failed", errors=[FieldError("body.consulate", "unknown consulate")]
        )
    svc = use.service_or_422(body.service, "body.service", consulate)
    user = call.user
    name = body.contact.name or " ".join(p for p in (user.given_name, user.family_name) if p)
    email, phone = body.contact.email or user.email, body.contact.phone or user.phone
    if not email and not phone:
        raise Problem(
            "consular-contact-missing",
            errors=[FieldError("body.contact", "give an e-mail address or a phone number")],
        )
    contact = Contact(email, phone, body.contact.language, name)
    case = use.create_request(call.user, consulate, svc, contact, body.stamp)
    return Reply(_view(call, case).model_dump(mode="json"), 201)


@route(
    consular,
    "GET",
    REQUEST,
    summary="An appointment request, with the citizen's no-shows",
    access=allow(CITIZEN, AGENT),
    tags=TAGS,
    response=S + "RequestView",
)
def get_request(call: Call, case_id: str) -> RequestView:
    from chalicelib.workflow import access

    case = access.visible_case(call.user, case_id, "appointment request", call.correlation_id)
    if case.case_type != "consular_appointment":
        raise Problem("not-found")
    return _view(call, case)


@route(
    consular,
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
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.services.consular.schemas import RequestList
    from chalicelib.store.secrets import cursor_key
    from chalicelib.workflow import access, views

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
        items=[views.summary(APPOINTMENT, c) for c in page.cases],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )


def _agent_action(action: str, summary: str, path: str) -> None:
    @route(
        consular,
        "POST",
        f"{REQUEST}/{path}",
        summary=summary,
        access=allow(AGENT),
        tags=TAGS,
        body=S + "ReasonIn",
        response=S + "RequestView",
    )
    def view(call: Call, case_id: str) -> RequestView:
        from chalicelib.services.consular import service as use

        return _view(
            call, use.act(call.user, case_id, action, call.body.reason, call.correlation_id)
        )

    view.__name__ = f"consular_{action}"


_agent_action("validate", "Validate a request: the citizen may book", "validate")
_agent_action("request_documents", "Ask the citizen for missing documents", "request-documents")
_agent_action("reject", "Reject a request, with a reason", "reject")


@route(
    consular,
    "POST",
    f"{REQUEST}/complete",
    summary="Say the documents asked for are attached",
    access=allow(CITIZEN, AGENT),
    tags=TAGS,
    body=S + "ReasonIn",
    response=S + "RequestView",
)
def complete(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    return _view(
        call, use.act(call.user, case_id, "complete", call.body.reason, call.correlation_id)
    )


@route(
    consular,
    "GET",
    "/consular/consulates/{code}/slots",
    summary="Free slots of a service, for a citizen with a validated request",
    access=allow(CITIZEN),
    tags=TAGS,
    query=S + "SlotsQuery",
    response=S + "SlotList",
    path_model=S + "ConsulatePath",
    errors=(409, 422),
)
def list_slots(call: Call, code: str) -> SlotList:
    from chalicelib.services.consular import catalogue, domain
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import SlotList, SlotView

    query = call.query
    consulate = catalogue.consulate(code)
    if consulate is None:
        raise Problem("not-found")
    svc = use.service_or_422(query.service, "query.service", consulate)
    if query.to < query.from_ or query.to - query.from_ > timedelta(days=domain.MAX_LISTING_DAYS):
        raise Problem(
            "consular-period-invalid",
            errors=[FieldError("query.to", f"from <= to, {domain.MAX_LISTING_DAYS} days at most")],
        )
    zone = ZoneInfo(consulate.time_zone)
    found = use.slots_for_citizen(call.user, consulate, svc, query.from_, query.to)
    return SlotList(
        consulate=code,
        service=svc.code,
        time_zone=consulate.time_zone,
        items=[
            SlotView(
                slot=f.slot.start,
                end=f.slot.end,
                local=f.slot.start.astimezone(zone).isoformat(),
                free=f.free,
            )
            for f in found
        ],
    )


@route(
    consular,
    "POST",
    f"{REQUEST}/booking",
    summary="Book a slot of a validated request",
    access=allow(CITIZEN),
    tags=TAGS,
    body=S + "SlotIn",
    response=S + "RequestView",
    errors=(409,),
)
def book(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    return _view(call, use.book(call.user, case_id, call.body.slot, call.correlation_id))


@route(
    consular,
    "DELETE",
    f"{REQUEST}/booking",
    summary="Cancel the booking, or move it with ?slot=",
    access=allow(CITIZEN),
    tags=TAGS,
    query=S + "MoveQuery",
    response=S + "RequestView",
    errors=(409,),
)
def cancel(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    case = use.move_or_cancel(call.user, case_id, call.query.slot, call.correlation_id)
    return _view(call, case)


@route(
    consular,
    "POST",
    f"{REQUEST}/waiting-list",
    summary="Join the waiting list when no slot is free",
    access=allow(CITIZEN),
    tags=TAGS,
    response=S + "RequestView",
    errors=(409,),
)
def join_waiting_list(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    return _view(call, use.join_waiting_list(call.user, case_id, call.correlation_id))


@route(
    consular,
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
                status=status,
            )
        )
    return DayList(consulate=code, date=call.query.date, items=items)


@route(
    consular,
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

    return _view(call, use.check_in(call.user, case_id, call.correlation_id))


def _view(call: Call, case: Case) -> RequestView:
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.services.consular.schemas import RequestView
    from chalicelib.workflow import views
    from chalicelib.workflow.service import now

    full: Any = views.full(APPOINTMENT, case, [], call.user, now())
    return RequestView(**full.model_dump(), no_shows=use.no_shows(case.owner))
