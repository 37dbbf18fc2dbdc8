"""The candidate's HTTP routes: thin, they parse, authorise, call one function, shape.
Every citizen route requires the electronic ID card sign-in (acr=cnie): the candidate is
whoever the CNIe number in the token names. The exam office's routes are in
``office_routes``, the certificate's in ``certificate_routes``; the names all three share
are here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import allow
from chalicelib.api.routes import owed
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)

if TYPE_CHECKING:
    from chalicelib.api.routes.case_schemas import CaseView
    from chalicelib.services.bac.schemas import (
        CandidateView,
        ComplaintIn,
        GrantIn,
        ResultsView,
        SessionQuery,
        VerificationIn,
    )

bac = Blueprint(__name__)
TAGS = ("baccalaureate",)
S = "chalicelib.services.bac.schemas:"
CANDIDATE = allow(CITIZEN, cnie=True)
PDF = "application/pdf"


@route(
    bac,
    "GET",
    "/bac/me",
    summary="The personal data held on me as a candidate",
    access=CANDIDATE,
    tags=TAGS,
    response=S + "CandidateView",
    errors=(409,),
)
def my_record(call: Call) -> CandidateView:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    return views.candidate(service.me(call.user))


@route(
    bac,
    "POST",
    "/bac/me/verification",
    summary="Confirm my data, or ask for corrections with a supporting document",
    access=CANDIDATE,
    tags=TAGS,
    body=S + "VerificationIn",
    response=S + "VerificationOut",
    idempotent=True,
    errors=(409, 422),
)
def verification(call: Call) -> dict[str, object]:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    body: VerificationIn = call.body
    fields: dict[str, str] = {c.field: c.proposed for c in body.corrections}
    done = service.verify(call.user, body.action, fields, body.document)
    return views.verification(done)


@route(
    bac,
    "GET",
    "/bac/me/convocation",
    summary="My exam convocation (PDF, Arabic and French), once my data is confirmed",
    access=CANDIDATE,
    tags=TAGS,
    media_type=PDF,
    errors=(409,),
)
def convocation(call: Call) -> Reply:
    from chalicelib.services.bac import service

    candidate, session = service.convocation(call.user)
    from chalicelib.services.bac import documents_pdf  # deferred: fpdf2 and HarfBuzz

    disposition = (
        f'inline; filename="convocation-{candidate.year}-{candidate.candidate_number}.pdf"'
    )
    pdf = documents_pdf.convocation(candidate, session)
    return Reply(pdf, headers={"Content-Disposition": disposition}, media_type=PDF)


@route(
    bac,
    "POST",
    "/bac/grants",
    summary="Apply for a post-baccalaureate grant",
    access=CANDIDATE,
    tags=TAGS,
    body=S + "GrantIn",
    response=S + "CaseOut",
    status=201,
    idempotent=True,
    errors=(409,),
)
def apply_for_grant(call: Call) -> Reply:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    body: GrantIn = call.body
    case = service.apply_for_grant(call.user, body.model_dump(mode="json"))
    return Reply(views.case_out(case), 201)


@route(
    bac,
    "GET",
    "/bac/me/results",
    summary="My results of a session (the newest by default), once published",
    access=CANDIDATE,
    tags=TAGS,
    query=S + "SessionQuery",
    response=S + "ResultsView",
    errors=(409,),
)
def my_results(call: Call) -> ResultsView:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    query: SessionQuery = call.query
    result, visible = service.results(call.user, query.year)
    return views.results(result, visible)


@route(
    bac,
    "POST",
    "/bac/complaints",
    summary="Complain about a material error in my marks (during the complaint window)",
    access=CANDIDATE,
    tags=TAGS,
    body=S + "ComplaintIn",
    response=S + "CaseOut",
    status=201,
    idempotent=True,
    errors=(409,),
)
def complain(call: Call) -> Reply:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    body: ComplaintIn = call.body
    case = service.complain(call.user, body.subject, body.error, body.description, body.year)
    return Reply(views.case_out(case), 201)


def _provided(call: Call, case_id: str, action: str, note: str) -> CaseView:
    from chalicelib.services.bac import (
        decisions,
        views,  # deferred: pydantic
    )

    return views.case_view(
        decisions.answered(call.user, case_id, action, note, call.correlation_id), call
    )


# The exam office asks for a document through its actions route (``request_documents``);
# the candidate, having attached it, says so here and the decision clock runs again.
owed.register(
    bac,
    "/bac/cases/{case_id}",
    name="bac",
    tags=TAGS,
    response="chalicelib.api.routes.case_schemas:CaseView",
    perform=_provided,
    answered_by=CANDIDATE,
)
