"""The credentials' public routes: the issuer's metadata (with its keys), each type's
metadata at its ``vct`` URL, and the status lists. Everything here is public, signed or
plain facts, and cacheable by a CDN."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.credentials import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.identity import CITIZEN
from chalicelib.refusals import Refusal

credentials = Blueprint(__name__)
TAGS = ("credentials",)
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}
CITIZEN_ONLY = allow(CITIZEN)


@route(
    credentials,
    "GET",
    "/.well-known/jwt-vc-issuer",
    summary="The SD-JWT VC issuer's metadata: its identifier and its keys (current and retired)",
    access=PUBLIC,
    tags=TAGS,
)
def jwt_vc_issuer(call: Call) -> Reply:
    from chalicelib.credentials import issuance

    return Reply(issuance.issuer_metadata(), headers=dict(PUBLIC_CACHE))


@route(
    credentials,
    "GET",
    "/credentials/types/{type_name}",
    summary="A credential type's metadata (the document its vct names): display names in "
    "Arabic, French and English, and which claims are selectively disclosable",
    access=PUBLIC,
    tags=TAGS,
)
def type_metadata(call: Call, type_name: str) -> Reply:
    from chalicelib.credentials import issuance, types

    kind = types.TYPES.get(type_name)
    if kind is None:
        raise Refusal("not-found", f"no credential type {type_name[:60]!r}")
    return Reply(types.type_metadata(kind, issuance.vct(kind)), headers=dict(PUBLIC_CACHE))


@route(
    credentials,
    "GET",
    "/public/status-lists/{list_id}",
    summary="A Token Status List, as a signed JWT (application/statuslist+jwt): bit idx of "
    "lst is 1 when the credential naming it is revoked or replaced",
    access=PUBLIC,
    tags=TAGS,
    media_type="application/statuslist+jwt",
)
def status_list(call: Call, list_id: str) -> Reply:
    from chalicelib.credentials import issuance, statuslist

    if not statuslist.is_list_id(list_id):
        raise Refusal("not-found", "no status list has this id")
    token = issuance.status_list_token(list_id, clock.now())
    # CDNs keep it for the list's ttl: a revocation shows everywhere within five minutes.
    cache = {"Cache-Control": f"public, max-age={statuslist.TTL_SECONDS}"}
    return Reply(token, headers=cache, media_type=issuance.STATUS_LIST_MEDIA_TYPE)


@route(
    credentials,
    "POST",
    "/public/credentials/verify",
    summary="Verify an SD-JWT VC presentation of ours (with its key binding JWT if it has "
    "one): what it proves and its status",
    access=PUBLIC,
    tags=TAGS,
    body="chalicelib.credentials.schemas:VerifyIn",
    response="chalicelib.credentials.schemas:VerifyOut",
    errors=(429,),
)
def verify_presentation(call: Call) -> Reply:
    from chalicelib.api import ratelimit
    from chalicelib.credentials import issuance
    from chalicelib.credentials.schemas import VerifyIn, VerifyOut

    ratelimit.limit(call, "credential-verify", per_minute=30)
    body: VerifyIn = call.body
    at = int(clock.now().timestamp())
    try:
        proved, status = issuance.verify(body.presentation, at, body.audience, body.nonce)
    except ValueError as error:
        out = VerifyOut(verified=False, status="invalid", reason=str(error))
        return Reply(out.model_dump(mode="json"))
    claims = {k: v for k, v in proved.claims.items() if k != "cnf"}
    out = VerifyOut(
        verified=status == "valid",
        status=status,
        reason="" if status == "valid" else "the issuer revoked or replaced it (status list)",
        issuer=str(proved.payload.get("iss", "")),
        vct=str(proved.payload.get("vct", "")),
        key_bound=proved.key_bound,
        claims=claims,
    )
    return Reply(out.model_dump(mode="json"))


# ---------------------------------------------------------------- OpenID4VCI (decision 53)

SCHEMAS = "chalicelib.credentials.schemas"
NO_STORE = {"Cache-Control": "no-store"}


@route(
    credentials,
    "GET",
    "/.well-known/openid-credential-issuer",
    summary="OpenID4VCI credential issuer metadata: the credential configurations "
    "(dc+sd-jwt), the credential and token endpoints, display in ar, fr, en",
    access=PUBLIC,
    tags=TAGS,
)
def openid_credential_issuer(call: Call) -> Reply:
    from chalicelib.credentials import vci

    return Reply(vci.issuer_metadata(), headers=dict(PUBLIC_CACHE))


@route(
    credentials,
    "GET",
    "/.well-known/oauth-authorization-server",
    summary="The credential issuer as its own OAuth authorisation server (RFC 8414): the "
    "token endpoint of the pre-authorised code flow",
    access=PUBLIC,
    tags=TAGS,
)
def oauth_authorization_server(call: Call) -> Reply:
    from chalicelib.credentials import vci

    return Reply(vci.authorization_server_metadata(), headers=dict(PUBLIC_CACHE))


@route(
    credentials,
    "GET",
    "/me/credential-offers",
    summary="Fresh credential offers for my wallet (pre-authorised code, ten minutes, single "
    "use): a URI, its QR code and the transaction code to type in",
    access=CITIZEN_ONLY,
    tags=TAGS,
    query=f"{SCHEMAS}:OffersQuery",
    response=f"{SCHEMAS}:OfferList",
    errors=(404, 409),
)
def my_credential_offers(call: Call) -> Reply:
    from datetime import UTC, datetime

    from chalicelib.credentials import offers
    from chalicelib.credentials.schemas import OfferList, OffersQuery, OfferView

    query: OffersQuery = call.query
    made = offers.offers(call.user, query.case, call.correlation_id)
    items = [
        OfferView(
            credential_configuration_id=o.configuration,
            credential_offer_uri=o.uri,
            credential_offer=o.offer,
            qr_code=o.qr,
            tx_code=o.tx_code,
            expires_at=datetime.fromtimestamp(o.expires_at, UTC),
        )
        for o in made
    ]
    return Reply(OfferList(items=items).model_dump(mode="json"), headers=dict(NO_STORE))


def _oauth_problem(error: Exception) -> Refusal:
    from chalicelib.credentials import problems
    from chalicelib.credentials.vci import GrantError

    code = error.code if isinstance(error, GrantError) else "invalid_request"
    # OAuth clients read `error`; everyone else reads the problem's own members.
    extra = {"error": code, "error_description": str(error)}
    return Refusal(problems.slug_of(code), str(error), extra=extra)


@route(
    credentials,
    "POST",
    "/vci/token",
    summary="OAuth token endpoint of the pre-authorised code flow: the offer's code and its "
    "transaction code (a form, or JSON) for an access token, once",
    access=PUBLIC,
    tags=TAGS,
    body=f"{SCHEMAS}:TokenRequest",
    errors=(400, 429),
    form=True,
)
def vci_token(call: Call) -> Reply:
    from chalicelib.api import ratelimit
    from chalicelib.credentials import offers
    from chalicelib.credentials.schemas import TokenRequest
    from chalicelib.credentials.vci import GrantError

    ratelimit.limit(call, "vci-token", per_minute=30)
    body: TokenRequest = call.body
    try:
        return Reply(offers.token(body.model_dump(by_alias=True)), headers=dict(NO_STORE))
    except GrantError as error:
        raise _oauth_problem(error) from error


@route(
    credentials,
    "POST",
    "/vci/credential",
    summary="OpenID4VCI credential endpoint: with the access token (Authorization: Bearer) "
    "and a proof of the wallet's key, the SD-JWT VC bound to that key (cnf)",
    access=PUBLIC,
    tags=TAGS,
    body=f"{SCHEMAS}:CredentialRequest",
    errors=(400, 401),
)
def vci_credential(call: Call) -> Reply:
    from chalicelib.credentials import offers
    from chalicelib.credentials.schemas import CredentialRequest
    from chalicelib.credentials.vci import GrantError

    body: CredentialRequest = call.body
    try:
        answer = offers.credential(call.header("authorization"), body.model_dump())
    except GrantError as error:
        raise _oauth_problem(error) from error
    return Reply(answer, headers=dict(NO_STORE))
