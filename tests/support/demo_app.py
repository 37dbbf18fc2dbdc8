"""The real app's blueprints plus routes for the demo case type, for end-to-end tests of the
case engine through HTTP."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Chalice  # type: ignore[attr-defined]
from pydantic import Field

from app import BLUEPRINTS
from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.http_app import assemble
from chalicelib.api.routes import case_views
from chalicelib.api.routes.case_schemas import CaseView
from chalicelib.api.routing import Call, Reply, route
from chalicelib.api.schemas import Input
from chalicelib.identity import CITIZEN, STAFF_ROLES
from chalicelib.workflow import access, actions, lifecycle, registry
from chalicelib.workflow.case import Contact
from tests.support.demo_case import DEMO

registry.register(DEMO)
demo = Blueprint(__name__)


class DemoCaseIn(Input):
    office: str = Field(pattern=r"^[A-Z0-9-]{2,20}$")
    summary: str = Field(default="", max_length=200)
    email: str = ""
    phone: str = ""
    language: str = Field(default="fr", pattern="^(ar|fr|en)$")


class ActionIn(Input):
    reason: str = Field(default="", max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict)


@route(
    demo,
    "POST",
    "/demo/cases",
    summary="Open a demo case",
    access=allow(CITIZEN),
    body=DemoCaseIn,
    response=CaseView,
    status=201,
    idempotent=True,
)
def open_demo(call: Call) -> Reply:
    body: DemoCaseIn = call.body
    contact = Contact(body.email, body.phone, body.language, call.user.given_name)
    case = lifecycle.open_case(
        registry.machine_for("demo"),
        call.user.subject,
        body.office,
        contact,
        {"summary": body.summary},
        access.actor_of(call.user),
    )
    view = case_views.full(registry.machine_for("demo"), case, [], call.user, clock.now())
    return Reply(view.model_dump(mode="json"), 201)


@route(
    demo,
    "POST",
    "/demo/cases/{case_id}/actions/{action}",
    summary="Act on a demo case",
    access=allow(CITIZEN, *STAFF_ROLES),
    body=ActionIn,
    response=CaseView,
)
def act_demo(call: Call, case_id: str, action: str) -> CaseView:
    body: ActionIn = call.body
    case = actions.perform(
        registry.machine_for("demo"),
        call.user,
        case_id,
        action,
        body.data,
        body.reason,
        call.correlation_id,
    )
    return case_views.full(registry.machine_for("demo"), case, [], call.user, clock.now())


demo_app = assemble(Chalice(app_name="demo-test", configure_logs=False), *BLUEPRINTS, demo)
