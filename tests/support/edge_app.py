"""A small app used only by tests: routes that exercise the API edge (bodies, idempotency,
unexpected errors) with the same route() declarations the services use."""

from __future__ import annotations

import threading
import time
import uuid

import boto3
from chalice import Blueprint, Chalice  # type: ignore[attr-defined]
from pydantic import Field

from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.http_app import assemble
from chalicelib.api.routing import Call, route
from chalicelib.api.schemas import Input, Output
from chalicelib.settings import get_settings

edge = Blueprint(__name__)
EXECUTIONS: list[str] = []
_lock = threading.Lock()


class ThingIn(Input):
    name: str = Field(min_length=1, max_length=50)
    count: int = Field(ge=0, le=1000)
    slow: bool = False


class ThingOut(Output):
    id: str
    name: str
    count: int


@route(
    edge,
    "POST",
    "/things",
    summary="Create a thing",
    access=allow("citizen"),
    body=ThingIn,
    response=ThingOut,
    status=201,
    idempotent=True,
)
def create_thing(call: Call) -> ThingOut:
    body: ThingIn = call.body
    thing_id = uuid.uuid4().hex
    if body.slow:
        time.sleep(0.5)
    boto3.client("dynamodb").put_item(
        TableName=get_settings().reference_table,
        Item={
            "pk": {"S": f"THING#{thing_id}"},
            "sk": {"S": "THING"},
            "owner": {"S": call.user.subject},
        },
    )
    with _lock:
        EXECUTIONS.append(thing_id)
    return ThingOut(id=thing_id, name=body.name, count=body.count)


@route(edge, "GET", "/boom", summary="Fails unexpectedly", access=PUBLIC)
def boom(call: Call) -> None:
    raise RuntimeError("database said no for CNIe AB123456 and phone +212612345678")


edge_app = assemble(Chalice(app_name="edge-test", configure_logs=False), edge)
