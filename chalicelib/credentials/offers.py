"""The wallet flow's use cases (OpenID4VCI, ``vci``): the citizen's offers, the token, the
credential. Each credential states what the service's own routes would give its holder: the
certificate of the CNIe holder, the order in force of a file they may read. The offers and
tokens are the ``Grants`` port's (``ports.py``): DynamoDB's, or a unit test's in memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import clock
from chalicelib.credentials import ports, sources, vci
from chalicelib.credentials.vci import Grant, GrantError
from chalicelib.identity import Principal


@dataclass(frozen=True)
class Offer:
    configuration: str
    uri: str
    offer: dict[str, Any]
    qr: str
    tx_code: str
    expires_at: int


def _now() -> int:
    return int(clock.now().timestamp())


def _make(owner: str, configuration: str, subject_ref: str) -> Offer:
    code, tx_code = vci.new_secret(), vci.new_tx_code()
    expires = _now() + vci.OFFER_SECONDS
    grant = Grant(configuration, owner, subject_ref, vci.digest(tx_code), expires)
    ports.grants().save_offer(vci.digest(code), grant)
    uri, offer = vci.offer_uri(code, configuration)
    return Offer(configuration, uri, offer, vci.qr_svg(uri), tx_code, expires)


def offers(citizen: Principal, case_id: str | None, correlation_id: str) -> list[Offer]:
    """Fresh offers, one per credential the citizen holds: for a file named (``case_id``),
    its sources for a file (the order in force: 409 if none, someone else's file 404);
    otherwise the citizen's own (the certificate, with a CNIe sign-in)."""
    made: list[Offer] = []
    for kind in sources.kinds():
        source = sources.source_of(kind)
        if source.takes_case != bool(case_id):
            continue
        subject_ref = source.subject_of(citizen, case_id, correlation_id)
        if subject_ref:
            made.append(_make(citizen.subject, kind, subject_ref))
    return made


def token(form: dict[str, str]) -> dict[str, Any]:
    """The token endpoint: a pre-authorised code and its transaction code for an access
    token. GrantError with the OAuth error otherwise."""
    if form.get("grant_type") != vci.PRE_AUTHORIZED:
        raise GrantError("unsupported_grant_type", f"grant_type must be {vci.PRE_AUTHORIZED}")
    code = form.get("pre-authorized_code", "")
    if not 10 <= len(code) <= 100:
        raise GrantError("invalid_request", "pre-authorized_code is required")
    grants = ports.grants()
    offered = grants.load_offer(vci.digest(code))
    if offered is None or not vci.tx_code_matches(offered.tx_code, form.get("tx_code", "")):
        raise GrantError("invalid_grant", "unknown code, or wrong transaction code")
    access_token = vci.new_secret()
    now = _now()
    redeemed = grants.redeem_offer(
        vci.digest(code), now, vci.digest(access_token), now + vci.TOKEN_SECONDS
    )
    if redeemed is None:
        raise GrantError("invalid_grant", "the offer was used already or has expired")
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": vci.TOKEN_SECONDS,
    }


def credential(authorization: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """The credential endpoint: the access token (once), a proof of the wallet's key, the
    configuration offered; the SD-JWT VC bound to that key."""
    scheme, _, access_token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not access_token.strip():
        raise GrantError("invalid_token", "Authorization: Bearer <access token> is required")
    now = _now()
    token_digest = vci.digest(access_token.strip())
    grants = ports.grants()
    if grants.live_token(token_digest, now) is None:
        raise GrantError("invalid_token", "unknown, used or expired access token")
    holder = vci.holder_key(vci.proof_of(body), now)  # checked before the token is spent
    grant = grants.redeem_token(token_digest, now)
    if grant is None:
        raise GrantError("invalid_token", "unknown, used or expired access token")
    asked = body.get("credential_configuration_id") or grant.kind
    if asked != grant.kind:
        raise GrantError("invalid_credential_request", f"this token is for {grant.kind}")
    sd_jwt = _issue(grant, holder)
    return {"credentials": [{"credential": sd_jwt}]}


def _issue(grant: Grant, holder: dict[str, Any]) -> str:
    return sources.source_of(grant.kind).issue(grant.subject_ref, holder)
