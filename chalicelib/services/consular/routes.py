"""The citizen's HTTP routes: an appointment request asked for and followed, the slots a
validated request may book, the booking made, moved or cancelled, the waiting list. Thin:
they parse, authorise, call one function, shape. The agent's routes are in
``agent_routes``, the public catalogue's in ``catalogue_routes``; the names all three share
are here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from chalice import Blueprint  # type: ignore[attr-defined]

import chalicelib.services.consular.problems  # noqa: F401  (registers this service's problems)
from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN
from chalicelib.refusals import FieldError, Refusal

if TYPE_CHECKING:
    from chalicelib.services.consular.schemas import RequestView, SlotList
    from chalicelib.workflow.case import Case

consular = Blueprint(__name__)
AGENT = "consular_agent"
TAGS = ("consular",)
S = "chalicelib.services.consular.schemas:"
REQUEST = "/consular/appointment-requests/{case_id}"


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
    errors=(409,),
)
def create_request(call: Call) -> Reply:
    from chalicelib import consulates
    from chalicelib.notify import contacts
    from chalicelib.services.consular import service as use

    body = call.body
    consulate = consulates.consulate(body.consulate)
    if consulate is None:
        raise Refusal(
            "validation-failed", errors=[FieldError("body.consulate", "unknown consulate")]
        )
    svc = use.service_or_422(body.service, "body.service", consulate)
    chosen = body.contact
    contact = contacts.reach(
        call.user, email=chosen.email, phone=chosen.phone, language=chosen.language
    )
    if not contact.email and not contact.phone:
        raise Refusal(
            "consular-contact-missing",
            errors=[
                FieldError(
                    "body.contact",
                    "no verified e-mail or phone: confirm one first (POST /me/contacts)",
                )
            ],
        )
    person = None if body.person is None else body.person.model_dump(mode="json")
    case = use.create_request(call.user, consulate, svc, contact, body.stamp, person, body.family)
    return Reply(request_view(call, case).model_dump(mode="json"), 201)


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
        raise Refusal("not-found")
    return request_view(call, case)


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

    return request_view(
        call, use.act(call.user, case_id, "complete", call.body.reason, call.correlation_id)
    )


@route(
    consular,
    "POST",
    f"{REQUEST}/withdraw",
    summary="Withdraw my request (a booked one: cancel the booking first)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=S + "ReasonIn",
    response=S + "RequestView",
)
def withdraw(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    return request_view(
        call, use.act(call.user, case_id, "withdraw", call.body.reason, call.correlation_id)
    )


@route(
    consular,
    "PUT",
    f"{REQUEST}/stamp",
    summary="Attach the eTimbre stamp that pays for the request (another one before the visit)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=S + "StampIn",
    response=S + "RequestView",
    errors=(409, 422),
)
def attach_stamp(call: Call, case_id: str) -> RequestView:
    from chalicelib.services.consular import service as use

    case = use.attach_stamp(call.user, case_id, call.body.stamp, call.correlation_id)
    return request_view(call, case)


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
    from chalicelib import consulates
    from chalicelib.api import quotas
    from chalicelib.services.consular import domain
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import SlotList, SlotView

    quotas.charge(call.user, "consular-slots")
    query = call.query
    consulate = consulates.consulate(code)
    if consulate is None:
        raise Refusal("not-found")
    svc = use.service_or_422(query.service, "query.service", consulate)
    if query.to < query.from_ or query.to - query.from_ > timedelta(days=domain.MAX_LISTING_DAYS):
        raise Refusal(
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

    return request_view(call, use.book(call.user, case_id, call.body.slot, call.correlation_id))


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
    return request_view(call, case)


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

    return request_view(call, use.join_waiting_list(call.user, case_id, call.correlation_id))


def request_view(call: Call, case: Case) -> RequestView:
    """The request as its citizen and the agents see it, with the citizen's no-shows."""
    from chalicelib.api.routes import case_views
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.services.consular.schemas import RequestView

    full: Any = case_views.full(APPOINTMENT, case, [], call.user, clock.now())
    return RequestView(**full.model_dump(), no_shows=use.no_shows(case.owner))
