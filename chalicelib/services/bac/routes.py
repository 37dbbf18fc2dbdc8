"""The HTTP routes of this service: thin, they parse, authorise, call one function, shape.

Every citizen route requires the electronic ID card sign-in (acr=cnie): the candidate is
whoever the CNIe number in the token names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api import negotiation
from chalicelib.api.principal import CITIZEN, PUBLIC, allow
from chalicelib.api.problems import Problem
from chalicelib.api.routing import JSON, Call, Reply, route
from chalicelib.jobs import register
from chalicelib.services.bac import problems as _problems  # noqa: F401  (registers slugs)

if TYPE_CHECKING:
    from chalicelib.jobs.runner import Job
    from chalicelib.services.bac.schemas import (
        ActionIn,
        CandidateView,
        ComplaintIn,
        GrantIn,
        ImportIn,
        PublishIn,
        QueueQuery,
        ResultsView,
        ShareIn,
        ShareList,
        VerificationIn,
    )
    from chalicelib.workflow.schemas import CaseList, CaseView

bac = Blueprint(__name__)
TAGS = ("baccalaureate",)
S = "chalicelib.services.bac.schemas:"
CANDIDATE = allow(CITIZEN, cnie=True)
OFFICER = allow("exam_officer")
PDF = "application/pdf"
VARY = {"Vary": "Accept"}


# Both run as background jobs (bac/jobs.py), imported only when one runs.
register("bac.candidates_import", "chalicelib.services.bac.jobs:run_import")
register("bac.results_publish", "chalicelib.services.bac.jobs:run_publish")


def _queued(job: Job) -> Reply:
    from chalicelib.services.bac import jobs

    view = jobs.view(job)
    return Reply(view, status=202, headers={"Location": view["status"]})


@route(
    bac,
    "POST",
    "/bac/sessions/{year}/results/import",
    summary="Queue the import of the academy's candidate list (with marks once they exist)",
    access=OFFICER,
    tags=TAGS,
    body=S + "ImportIn",
    response=S + "JobView",
    path_model=S + "SessionPath",
    status=202,
    idempotent=True,
    errors=(409, 413, 422),
)
def import_candidates(call: Call, year: str) -> Reply:
    """The list is checked when the job runs (every row, bad rows reported by line in the
    job's report); here only that it is there and not too large."""
    from chalicelib.services.bac import service

    body: ImportIn = call.body
    start = body.exam_start.isoformat() if body.exam_start else ""
    return _queued(service.request_import(call.user, int(year), body.key, start))


@route(
    bac,
    "POST",
    "/bac/sessions/{year}/publish",
    summary="Queue the publication: when the academy's results become visible",
    access=OFFICER,
    tags=TAGS,
    body=S + "PublishIn",
    response=S + "JobView",
    path_model=S + "SessionPath",
    status=202,
    idempotent=True,
    errors=(409, 422),
)
def publish(call: Call, year: str) -> Reply:
    """The moment (as soon as possible when absent) leaves the job time to reach every
    result item before it: see docs/bac.md, results day."""
    from chalicelib.services.bac import service

    body: PublishIn = call.body
    return _queued(
        service.request_publish(call.user, int(year), body.visible_from, body.complaint_days)
    )


@route(
    bac,
    "GET",
    "/bac/sessions/{year}/jobs/{job_id}",
    summary="An import or publication job of the academy: queued, running, done or failed",
    access=OFFICER,
    tags=TAGS,
    response=S + "JobView",
    path_model=S + "JobPath",
)
def session_job(call: Call, year: str, job_id: str) -> Reply:
    from chalicelib.services.bac import jobs, service

    found = service.job(call.user, int(year), job_id)
    # A running job changes: never cached.
    return Reply(jobs.view(found), headers={"Cache-Control": "no-store"})


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
    summary="My results, from the moment they are published (one GetItem)",
    access=CANDIDATE,
    tags=TAGS,
    response=S + "ResultsView",
    errors=(409,),
)
def my_results(call: Call) -> ResultsView:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    result, visible = service.results(call.user)
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
    case = service.complain(call.user, body.subject, body.error, body.description)
    return Reply(views.case_out(case), 201)


@route(
    bac,
    "GET",
    "/bac/me/certificate",
    summary="My signed baccalaureate certificate: JSON (compact JWS), or PDF with Accept",
    access=CANDIDATE,
    tags=TAGS,
    response=S + "CertificateView",
    alternates=(PDF,),
    errors=(406, 409),
)
def my_certificate(call: Call) -> Reply:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    media_type = negotiation.choose(call.header("accept"), (JSON, PDF))
    if media_type is None:
        raise Problem("not-acceptable", "The certificate is served as JSON or as a PDF.")
    candidate, certificate = service.certificate(call.user)
    link = views.verification_link(call, certificate.certificate_id)
    if media_type == PDF:
        from chalicelib.services.bac import documents_pdf  # deferred: fpdf2 and HarfBuzz

        name = f'inline; filename="baccalaureat-{candidate.year}.pdf"'
        pdf = documents_pdf.certificate(candidate, certificate, link)
        return Reply(pdf, headers={**VARY, "Content-Disposition": name}, media_type=PDF)
    shares = views.shares(call, service.shares(call.user))
    return Reply(views.certificate(certificate, link, shares), headers=dict(VARY))


@route(
    bac,
    "GET",
    "/bac/me/certificate/shares",
    summary="My certificate's shares, with how often and when each was verified",
    access=CANDIDATE,
    tags=TAGS,
    response=S + "ShareList",
)
def my_shares(call: Call) -> ShareList:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )
    from chalicelib.services.bac.schemas import ShareList

    return ShareList(items=views.shares(call, service.shares(call.user)))


@route(
    bac,
    "POST",
    "/bac/me/certificate/shares",
    summary="Share my certificate: an unguessable link, for up to 90 days",
    access=CANDIDATE,
    tags=TAGS,
    body=S + "ShareIn",
    response=S + "ShareView",
    status=201,
    idempotent=True,
    errors=(409,),
)
def share_certificate(call: Call) -> Reply:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    body: ShareIn = call.body
    share = service.create_share(call.user, body.recipient, body.days)
    view = views.share(call, share, "valid")
    return Reply(view.model_dump(mode="json"), 201)


@route(
    bac,
    "DELETE",
    "/bac/me/certificate/shares/{share_id}",
    summary="Revoke a share of my certificate",
    access=CANDIDATE,
    tags=TAGS,
    status=204,
)
def revoke_share(call: Call, share_id: str) -> Reply:
    from chalicelib.services.bac import service

    service.revoke_share(call.user, share_id)
    return Reply(None, 204)


@route(
    bac,
    "GET",
    "/public/certificates/{code}",
    summary="Verify a baccalaureate certificate: HTML for a browser, JSON for a program",
    access=PUBLIC,
    tags=TAGS,
    response=S + "PublicCertificate",
    alternates=("text/html",),
    errors=(429,),
)
def verify_certificate(call: Call, code: str) -> Reply:
    from chalicelib.api import public_page, ratelimit
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    ratelimit.limit(call, "bac-certificate", per_minute=30)
    status, certificate = service.verify_code(code[:80])
    if public_page.wants_html(call):
        return public_page.reply(views.public_page(status, certificate))
    # 200 whatever the status: the verification itself succeeded; an unknown code is an
    # answer ("unknown"), not a missing route.
    return Reply(views.public(status, certificate), headers=dict(VARY))


@route(
    bac,
    "GET",
    "/bac/queue",
    summary="The academy's baccalaureate cases of a type and state, oldest first",
    access=OFFICER,
    tags=TAGS,
    query=S + "QueueQuery",
    response="chalicelib.workflow.schemas:CaseList",
)
def queue(call: Call) -> CaseList:
    from chalicelib.services.bac import views  # deferred: pydantic

    query: QueueQuery = call.query
    return views.queue(call, query.type, query.state, query.limit, query.cursor)


@route(
    bac,
    "POST",
    "/bac/cases/{case_id}/actions/{action}",
    summary="Answer a correction, a grant application or a complaint of the academy",
    access=OFFICER,
    tags=TAGS,
    body=S + "ActionIn",
    response="chalicelib.workflow.schemas:CaseView",
    errors=(409, 422),
)
def act(call: Call, case_id: str, action: str) -> CaseView:
    from chalicelib.services.bac import (
        service,
        views,  # deferred: pydantic
    )

    body: ActionIn = call.body
    case = service.decide(
        call.user, case_id, action, body.reason, body.corrections, call.correlation_id
    )
    return views.case_view(case, call)
