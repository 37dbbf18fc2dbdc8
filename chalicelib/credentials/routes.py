"""The credentials' public routes: the issuer's metadata (with its keys), each type's
metadata at its ``vct`` URL, and the status lists. Everything here is public, signed or
plain facts, and cacheable by a CDN."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.principal import PUBLIC
from chalicelib.api.problems import Problem
from chalicelib.api.routing import Call, Reply, route

credentials = Blueprint(__name__)
TAGS = ("credentials",)
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


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
        raise Problem("not-found", f"no credential type {type_name[:60]!r}")
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
    from chalicelib.workflow.service import now

    if not statuslist.is_list_id(list_id):
        raise Problem("not-found", "no status list has this id")
    token = issuance.status_list_token(list_id, now())
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
    from chalicelib.workflow.service import now

    ratelimit.limit(call, "credential-verify", per_minute=30)
    body: VerifyIn = call.body
    at = int(now().timestamp())
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
