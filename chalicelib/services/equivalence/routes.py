"""The HTTP routes of an equivalence file: thin, they parse, authorise, call one function of
``service`` and shape the answer. Models are named as strings (pydantic stays out of the cold
start); the PDFs load fpdf2 only when one is asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN, Principal
from chalicelib.refusals import Refusal
from chalicelib.services.equivalence import domain
from chalicelib.store.secrets import cursor_key

if TYPE_CHECKING:
    from chalicelib.services.equivalence.schemas import ApplicationView, QueuePage
    from chalicelib.workflow.case import Case, HistoryEntry

equivalence = Blueprint(__name__)
TAGS = ("equivalence",)
SCHEMAS = "chalicelib.services.equivalence.schemas"
PDF = "application/pdf"
SD_JWT = "application/dc+sd-jwt"  # an order in force as an SD-JWT VC (docs/credentials.md)
OFFICER, COMMITTEE = "equivalence_officer", "committee_member"
APPLICATION = "/equivalence/applications/{case_id}"


def _view(
    case: Case, principal: Principal, history: list[HistoryEntry] | None = None
) -> ApplicationView:
    from chalicelib.api.routes import case_views
    from chalicelib.services.equivalence import service
    from chalicelib.services.equivalence.library.precedents import precedents
    from chalicelib.services.equivalence.schemas import Acknowledgement, ApplicationView

    machine = service.machine_of(case)
    full = case_views.full(machine, case, history or [], principal, clock.now())
    diploma = case.payload.get("diploma", {})
    filed = case.state != "draft"
    return ApplicationView(
        **full.model_dump(),
        admissibility=case.payload.get("admissibility"),
        # while filing, the applicant sees what was decided for the same diploma
        precedents=[] if filed else precedents(diploma["institution"], diploma["title"]),
        acknowledgement=Acknowledgement(
            reference=case.reference,
            receipt=f"/cases/{case.id}/receipt",
            filed_at=case.updated_at.isoformat(),
        )
        if case.state == "submitted"
        else None,
    )


@route(
    equivalence,
    "POST",
    "/equivalence/applications",
    summary="Open a draft equivalence file (track school or higher)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:ApplicationIn",
    response=f"{SCHEMAS}:ApplicationView",
    status=201,
    idempotent=True,
)
def open_application(call: Call) -> Reply:
    from chalicelib.services.equivalence import service

    body = call.body
    user = call.user
    chosen = body.contact
    diploma = body.diploma.model_dump(mode="json")
    case = service.open_application(
        user, body.track, diploma, chosen.email, chosen.phone, chosen.language
    )
    return Reply(_view(case, user).model_dump(mode="json"), 201)


@route(
    equivalence,
    "POST",
    f"{APPLICATION}/submit",
    summary="Submit the file: checklist verified, admissibility (art. 2) checked",
    access=allow(CITIZEN),
    tags=TAGS,
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def submit_application(call: Call, case_id: str) -> ApplicationView:
    from chalicelib.services.equivalence import service

    case = service.submit(call.user, case_id, call.correlation_id)
    return _view(case, call.user)


@route(
    equivalence,
    "POST",
    f"{APPLICATION}/complement",
    summary="Answer a request for a complementary file",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:ComplementIn",
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def answer_complement(call: Call, case_id: str) -> ApplicationView:
    from chalicelib.services.equivalence import service

    case = service.complement(call.user, case_id, call.body.message, call.correlation_id)
    return _view(case, call.user)


@route(
    equivalence,
    "POST",
    f"{APPLICATION}/review-request",
    summary="Ask the Higher Equivalence Committee for a review (60 days from notification)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:ReviewIn",
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def review_request(call: Call, case_id: str) -> ApplicationView:
    from chalicelib.services.equivalence import service

    case = service.request_review(call.user, case_id, call.body.reasons, call.correlation_id)
    return _view(case, call.user)


@route(
    equivalence,
    "GET",
    f"{APPLICATION}/letter",
    summary="The file's letter: acceptance or non-acceptance, or a reasoned refusal (PDF)",
    access=allow(CITIZEN, OFFICER),
    tags=TAGS,
    media_type=PDF,
    errors=(409,),
)
def intake_letter(call: Call, case_id: str) -> Reply:
    from chalicelib.services.equivalence import service
    from chalicelib.workflow import access, lifecycle

    found, history = lifecycle.find_with_history(case_id)
    case = access.checked(call.user, found, "GET letter", call.correlation_id)
    service.machine_of(case)
    from chalicelib.services.equivalence import letters

    content = letters.letter(case, history)
    if content is None:
        raise Refusal("not-yet-available", "The ministry has not yet ruled on the request.")
    disposition = f'inline; filename="letter-{case.reference}.pdf"'
    return Reply(content, headers={"Content-Disposition": disposition}, media_type=PDF)


@route(
    equivalence,
    "GET",
    f"{APPLICATION}/decision",
    summary="The copy of the decision once published in the BO (PDF, signed QR code); a "
    "granted or conditional order in force also as an SD-JWT VC (Accept: "
    "application/dc+sd-jwt)",
    access=allow(CITIZEN, OFFICER),
    tags=TAGS,
    media_type=PDF,
    alternates=(SD_JWT,),
    errors=(403, 406, 409),
)
def decision_copy(call: Call, case_id: str) -> Reply:
    from chalicelib.api import negotiation
    from chalicelib.services.equivalence import service
    from chalicelib.workflow import access

    media_type = negotiation.choose(call.header("accept"), (PDF, SD_JWT))
    if media_type is None:
        raise Refusal("not-acceptable", "The decision is served as a PDF or as an SD-JWT VC.")
    case = access.visible_case(call.user, case_id, "GET decision", call.correlation_id)
    service.machine_of(case)
    decision = domain.current_decision(case.payload)
    if decision is None:
        raise Refusal("not-yet-available", "No decision has been published in the BO yet.")
    if media_type == SD_JWT:
        from chalicelib.services.equivalence import credential

        body = credential.held(call.user, case, decision)
        return Reply(body, headers={"Vary": "Accept"}, media_type=SD_JWT)
    from chalicelib.services.equivalence import letters

    content = letters.decision_copy(case, decision)
    disposition = f'inline; filename="decision-{case.reference}.pdf"'
    return Reply(content, headers={"Content-Disposition": disposition}, media_type=PDF)


@route(
    equivalence,
    "GET",
    "/equivalence/queue",
    summary="The files to work: officers by ministry, committee members by field",
    access=allow(OFFICER, COMMITTEE),
    tags=TAGS,
    query=f"{SCHEMAS}:QueueQuery",
    response=f"{SCHEMAS}:QueuePage",
)
def work_queue(call: Call) -> QueuePage:
    from chalicelib.api.routes import case_views
    from chalicelib.services.equivalence import service
    from chalicelib.services.equivalence.schemas import QueueItem, QueuePage
    from chalicelib.workflow import access

    query = call.query
    scope = service.queue_scope(call.user, query.state, query.field, query.track)
    key = f"eq-queue:{scope.case_type}:{scope.office}:{scope.state}:{scope.field}"
    files, last = service.queue_page(
        scope, clamp_limit(query.limit), decode_cursor(cursor_key(), key, query.cursor)
    )
    purpose = f"GET /equivalence/queue state={scope.state} field={scope.field}"
    access.listed(call.user, purpose, [c.id for c in files], call.correlation_id)
    items = []
    for case in files:
        diploma = case.payload.get("diploma", {})
        items.append(
            QueueItem(
                **case_views.summary(service.machine_of(case), case).model_dump(),
                track=str(case.payload.get("track", "")),
                field=domain.field_of(case.payload),
                diploma_title=str(diploma.get("title", "")),
                institution=str(diploma.get("institution", "")),
                institution_country=str(diploma.get("institution_country", "")),
                flags=list(case.payload.get("admissibility", {}).get("flags", [])),
                committee=domain.committee_of(case.state, case.payload),
                payload=case.payload,
            )
        )
    return QueuePage(items=items, next=encode_cursor(cursor_key(), key, last))


@route(
    equivalence,
    "POST",
    f"{APPLICATION}/actions/{{action}}",
    summary="Act on a file: intake, complement, refer, propose, decide, publish, review ...",
    access=allow(OFFICER, COMMITTEE),
    tags=TAGS,
    body=f"{SCHEMAS}:ActionIn",
    response=f"{SCHEMAS}:ApplicationView",
    errors=(409,),
)
def act(call: Call, case_id: str, action: str) -> ApplicationView:
    from chalicelib.services.equivalence import service

    data = call.body.model_dump(mode="json", exclude_none=True)
    case = service.perform(call.user, case_id, action, data, call.correlation_id)
    return _view(case, call.user)
