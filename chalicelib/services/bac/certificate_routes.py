"""The certificate's HTTP routes: the candidate's signed certificate (JSON or PDF), its
shares, and the public verification of a code (HTML for a browser, JSON for a program)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api import negotiation
from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import JSON, Call, Reply, route
from chalicelib.refusals import Refusal
from chalicelib.services.bac.routes import CANDIDATE, PDF, TAGS, S

if TYPE_CHECKING:
    from chalicelib.services.bac.schemas import SessionIn, SessionQuery, ShareIn, ShareList

bac_certificate = Blueprint(__name__)
VARY = {"Vary": "Accept"}
SD_JWT = "application/dc+sd-jwt"  # the certificate as an SD-JWT VC (docs/credentials.md)


@route(
    bac_certificate,
    "GET",
    "/bac/me/certificate",
    summary="My signed baccalaureate certificate of a session (the newest that gives one): "
    "JSON (compact JWS), or PDF, or an SD-JWT VC (application/dc+sd-jwt) with Accept",
    access=CANDIDATE,
    tags=TAGS,
    query=S + "SessionQuery",
    response=S + "CertificateView",
    alternates=(PDF, SD_JWT),
    errors=(406, 409),
)
def my_certificate(call: Call) -> Reply:
    from chalicelib.services.bac import (
        certificates,
        views,  # deferred: pydantic
    )

    media_type = negotiation.choose(call.header("accept"), (JSON, PDF, SD_JWT))
    if media_type is None:
        raise Refusal(
            "not-acceptable", "The certificate is served as JSON, as a PDF or as an SD-JWT VC."
        )
    query: SessionQuery = call.query
    if media_type == SD_JWT:
        credential = certificates.credential(call.user, query.year)
        return Reply(credential, headers=dict(VARY), media_type=SD_JWT)
    candidate, certificate = certificates.certificate(call.user, query.year)
    link = views.verification_link(certificate.certificate_id)
    if media_type == PDF:
        from chalicelib.services.bac import documents_pdf  # deferred: fpdf2 and HarfBuzz

        name = f'inline; filename="baccalaureat-{candidate.year}.pdf"'
        pdf = documents_pdf.certificate(candidate, certificate, link)
        return Reply(pdf, headers={**VARY, "Content-Disposition": name}, media_type=PDF)
    shares = views.shares(certificates.shares(call.user))
    return Reply(views.certificate(certificate, link, shares), headers=dict(VARY))


@route(
    bac_certificate,
    "GET",
    "/bac/me/certificate/shares",
    summary="My certificate's shares, with how often and when each was verified",
    access=CANDIDATE,
    tags=TAGS,
    response=S + "ShareList",
)
def my_shares(call: Call) -> ShareList:
    from chalicelib.services.bac import (
        certificates,
        views,  # deferred: pydantic
    )
    from chalicelib.services.bac.schemas import ShareList

    return ShareList(items=views.shares(certificates.shares(call.user)))


@route(
    bac_certificate,
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
    from chalicelib.api import quotas
    from chalicelib.services.bac import (
        certificates,
        views,  # deferred: pydantic
    )

    quotas.charge(call.user, "bac-certificate-share")
    body: ShareIn = call.body
    claims = [str(c) for c in body.claims] if body.claims is not None else None
    share = certificates.create_share(call.user, body.recipient, body.days, body.year, claims)
    view = views.share(share, "valid")
    return Reply(view.model_dump(mode="json"), 201)


@route(
    bac_certificate,
    "DELETE",
    "/bac/me/certificate/shares/{share_id}",
    summary="Revoke a share of my certificate",
    access=CANDIDATE,
    tags=TAGS,
    status=204,
)
def revoke_share(call: Call, share_id: str) -> Reply:
    from chalicelib.services.bac import certificates

    certificates.revoke_share(call.user, share_id)
    return Reply(None, 204)


@route(
    bac_certificate,
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
        certificates,
        views,  # deferred: pydantic
    )

    ratelimit.limit(call, "bac-certificate", per_minute=30)
    status, certificate, share = certificates.verify_code(code[:80])
    if public_page.wants_html(call):
        return public_page.reply(views.public_page(status, certificate, share))
    # 200 whatever the status: the verification itself succeeded; an unknown code is an
    # answer ("unknown"), not a missing route.
    return Reply(views.public(status, certificate, share), headers=dict(VARY))


@route(
    bac_certificate,
    "POST",
    "/bac/me/certificate/code",
    summary="Give my certificate a new verification code: the old code then answers "
    "replaced, its shares revoked, its SD-JWT VC's status bit is set",
    access=CANDIDATE,
    tags=TAGS,
    body=S + "SessionIn",
    response=S + "CertificateView",
    status=201,
    idempotent=True,
    errors=(409,),
)
def rotate_code(call: Call) -> Reply:
    from chalicelib.services.bac import (
        certificates,
        views,  # deferred: pydantic
    )

    body: SessionIn = call.body
    new = certificates.rotate_code(call.user, body.year)
    link = views.verification_link(new.certificate_id)
    return Reply(views.certificate(new, link, []), 201)
