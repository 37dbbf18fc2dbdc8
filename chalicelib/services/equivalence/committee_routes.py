"""The HTTP routes of the equivalence committees (decree 2.13.165, arts. 4, 8 and 9): their
composition and members, and their sittings with agenda and minutes. Thin: the rules are in
``committees``, the use cases and who sees what in ``sittings``."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.refusals import Refusal

equivalence_committees = Blueprint(__name__)
TAGS = ("equivalence",)
SCHEMAS = "chalicelib.services.equivalence.committee_schemas"
PDF = "application/pdf"
OFFICER, MEMBER = "equivalence_officer", "committee_member"
SITTINGS = "/equivalence/committees/{code}/sittings"
SITTING = f"{SITTINGS}/{{sitting_id}}"


@route(
    equivalence_committees,
    "GET",
    "/equivalence/committees",
    summary="The committees a staff member may see: seats per article and members",
    access=allow(OFFICER, MEMBER, "admin"),
    tags=TAGS,
    response=f"{SCHEMAS}:Committees",
)
def list_committees(call: Call) -> Reply:
    from chalicelib.services.equivalence import sittings

    return Reply({"items": sittings.composition(call.user)}, headers={"Cache-Control": "no-store"})


@route(
    equivalence_committees,
    "PUT",
    "/equivalence/committees/{code}/members",
    summary="Set a committee's members, each in a seat of its article (admin)",
    access=allow("admin"),
    tags=TAGS,
    body=f"{SCHEMAS}:MembersIn",
    response=f"{SCHEMAS}:MembersView",
)
def put_members(call: Call, code: str) -> Reply:
    from chalicelib.services.equivalence import sittings

    members = [m.model_dump() for m in call.body.members]
    kept = sittings.set_members(code, members, clock.now())
    return Reply({"committee": code, "members": kept})


@route(
    equivalence_committees,
    "POST",
    SITTINGS,
    summary="Open a sitting of a committee with an agenda of the files it holds",
    access=allow(OFFICER, MEMBER),
    tags=TAGS,
    body=f"{SCHEMAS}:SittingIn",
    response=f"{SCHEMAS}:SittingView",
    status=201,
    idempotent=True,
    errors=(422,),
)
def open_sitting(call: Call, code: str) -> Reply:
    from chalicelib.services.equivalence import sittings

    body = call.body
    opened = sittings.open_sitting(
        call.user, code, body.held_on.isoformat(), body.agenda, call.correlation_id
    )
    view = sittings.view(opened)
    return Reply(view, status=201, headers={"Location": view["links"]["self"]})


@route(
    equivalence_committees,
    "GET",
    SITTING,
    summary="A sitting: its agenda, then its attendance, chair, rapporteur and minutes",
    access=allow(OFFICER, MEMBER),
    tags=TAGS,
    response=f"{SCHEMAS}:SittingView",
)
def get_sitting(call: Call, code: str, sitting_id: str) -> Reply:
    from chalicelib.services.equivalence import sittings

    found = sittings.get_sitting(call.user, code, sitting_id)
    return Reply(sittings.view(found), headers={"Cache-Control": "no-store"})


@route(
    equivalence_committees,
    "POST",
    f"{SITTING}/close",
    summary="Close a sitting: attendance, chair (art. 4), rapporteur, and the minutes",
    access=allow(OFFICER, MEMBER),
    tags=TAGS,
    body=f"{SCHEMAS}:CloseIn",
    response=f"{SCHEMAS}:SittingView",
    errors=(409, 422),
)
def close_sitting(call: Call, code: str, sitting_id: str) -> Reply:
    from chalicelib.services.equivalence import sittings

    record = call.body.model_dump(mode="json")
    closed = sittings.close_sitting(call.user, code, sitting_id, record, call.correlation_id)
    return Reply(sittings.view(closed))


@route(
    equivalence_committees,
    "GET",
    f"{SITTING}/minutes",
    summary="The minutes of a closed sitting (PDF, Arabic and French)",
    access=allow(OFFICER, MEMBER),
    tags=TAGS,
    media_type=PDF,
    errors=(409,),
)
def get_minutes(call: Call, code: str, sitting_id: str) -> Reply:
    from chalicelib.services.equivalence import sittings

    found = sittings.get_sitting(call.user, code, sitting_id)
    if found.state != "closed":
        raise Refusal("not-yet-available", "The minutes are written when the sitting closes.")
    from chalicelib.services.equivalence import minutes_pdf  # deferred: fpdf2

    content = minutes_pdf.render(found.record)
    disposition = f'inline; filename="minutes-{code}-{sitting_id}.pdf"'
    return Reply(content, headers={"Content-Disposition": disposition}, media_type=PDF)
