"""Release rounds' HTTP routes (decisions 56 to 60): the agent opens a round, the citizen
enters a validated request (or withdraws the entry), anyone reads the round's commitment and,
once drawn, its seed, entries and order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN
from chalicelib.services.consular.routes import AGENT, REQUEST, TAGS, S, request_view

if TYPE_CHECKING:
    from chalicelib.services.consular.schemas import RequestView

consular_releases = Blueprint(__name__)
R = "chalicelib.services.consular.release_schemas:"


@route(
    consular_releases,
    "POST",
    "/consular/consulates/{code}/releases",
    summary="Open a release round: slots given by a verifiable draw, not to the fastest",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    body=R + "ReleaseIn",
    response=R + "ReleaseView",
    path_model=S + "ConsulatePath",
    status=201,
    idempotent=True,
    errors=(409,),
)
def open_release(call: Call, code: str) -> Reply:
    from chalicelib.services.consular import releases
    from chalicelib.services.consular.request_cases import consulate_or_422

    consulate = consulate_or_422(code)
    r = releases.open_round(call.user, consulate, call.body.model_dump())
    return Reply(releases.view_of(r), 201)


@route(
    consular_releases,
    "POST",
    f"{REQUEST}/entries",
    summary="Enter a validated request in a release round, with its acceptable days",
    access=allow(CITIZEN),
    tags=TAGS,
    body=R + "EntryIn",
    response=S + "RequestView",
    status=201,
    idempotent=True,
    errors=(409,),
)
def enter_release(call: Call, case_id: str) -> Reply:
    from chalicelib.services.consular import releases

    body = call.body
    case = releases.enter(call.user, case_id, body.round, body.choices, call.correlation_id)
    return Reply(request_view(call, case).model_dump(mode="json"), 201)


@route(
    consular_releases,
    "DELETE",
    f"{REQUEST}/entries/{{entry}}",
    summary="Withdraw the request's entry from a release round while it is open",
    access=allow(CITIZEN),
    tags=TAGS,
    response=S + "RequestView",
    errors=(409,),
)
def leave_release(call: Call, case_id: str, entry: str) -> RequestView:
    from chalicelib.services.consular import releases

    return request_view(call, releases.leave(call.user, case_id, entry, call.correlation_id))


@route(
    consular_releases,
    "GET",
    "/public/consular/releases/{id}",
    summary="A release round: its commitment, then its seed, entries and order (checkable)",
    access=PUBLIC,
    tags=TAGS,
    response=R + "ReleaseView",
    path_model=R + "ReleasePath",
    errors=(429,),
)
def public_release(call: Call, id: str) -> Any:
    from chalicelib.api import ratelimit
    from chalicelib.services.consular import releases

    ratelimit.limit(call, "consular-release", per_minute=60)
    return releases.public_view(id)
