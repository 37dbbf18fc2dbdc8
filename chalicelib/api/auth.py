"""Bearer tokens: verified against the configured issuers, then checked against a route.

Tokens are RS256 or ES256 JWTs from the citizen identity provider (OpenID Connect) or the
staff directory. Keys come from each issuer's JWKS, a URL in the cloud, a file locally.
PyJWT is imported on first use: public routes never pay for it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.api.access import Access
from chalicelib.identity import CITIZEN, STAFF_ROLES, Principal, identity
from chalicelib.refusals import Refusal
from chalicelib.settings import Issuer, get_settings

ALGORITHMS = ["RS256", "ES256"]
LEEWAY_SECONDS = 30
# RFC 9068: an access token says so in its header; an OpenID Connect ID token (typ "JWT" or
# none) proves a sign-in to a client and must never open the API.
ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")
# The longest a token may live, from its iat to its exp, per issuer: a leaked token is
# worth at most a working day.
MAX_LIFETIME_SECONDS = {"citizen": 12 * 3600, "staff": 12 * 3600}
LOCAL_STAGE = "local"
DEVELOPMENT_ISSUER_PREFIX = "urn:khidmat:local:"  # scripts/devtokens.py's issuers


def unauthenticated(detail: str) -> Refusal:
    return Refusal("unauthenticated", detail)  # the edge adds the Bearer challenge


def authenticate(authorization: str | None) -> Principal:
    """The principal of a ``Bearer`` token, or a 401 problem saying what is wrong."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("Send 'Authorization: Bearer <token>'.")
    return _verify(token.strip())


def authorize(principal: Principal, access: Access, path_params: dict[str, str]) -> None:
    """Raise 403 for a wrong role or a missing CNIe sign-in, 404 for another office's object."""
    if not principal.has_any(access.roles):
        raise Refusal("forbidden", "Your role may not use this route.")
    if access.cnie and not principal.signed_in_with_cnie:
        raise Refusal(
            "cnie-required",
            "Sign in with your electronic national ID card (CNIe) to use this service.",
        )
    other_office = path_params.get(access.office_param) != principal.office
    if access.office_param and other_office and "admin" not in principal.roles:
        raise Refusal("not-found")


def _verify(token: str) -> Principal:
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise unauthenticated("The token is not a well-formed JWT.") from error
    if header.get("alg") not in ALGORITHMS:
        raise unauthenticated("The token's algorithm is not accepted.")
    if str(header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
        raise unauthenticated("Send an access token (typ at+jwt), not an ID token.")
    issuer = _issuer(str(unverified.get("iss", "")))
    if issuer is None:
        raise unauthenticated("The token's issuer is not trusted.")
    try:
        key = _key_set(issuer)[str(header.get("kid", ""))]
    except KeyError as error:
        raise unauthenticated("The token's signing key is unknown.") from error
    if header["alg"] != key.algorithm_name:
        # Checked before any use of the key: an RS256 header on an EC key must not reach
        # the RSA code with an EC key (a 500 before this check).
        raise unauthenticated("The token's algorithm does not match its signing key.")
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[key.algorithm_name],
            audience=issuer.audience,
            issuer=issuer.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise unauthenticated("The token has expired.") from error
    except jwt.PyJWTError as error:
        raise unauthenticated("The token could not be verified.") from error
    _check_lifetime(issuer, claims)
    return _principal(issuer, claims)


def _check_lifetime(issuer: Issuer, claims: dict[str, Any]) -> None:
    """A token issued for longer than its issuer's maximum lifetime is refused."""
    try:
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (TypeError, ValueError) as error:
        raise unauthenticated("The token's iat and exp must be numbers.") from error
    longest = MAX_LIFETIME_SECONDS.get(issuer.name, min(MAX_LIFETIME_SECONDS.values()))
    if lifetime > longest:
        hours = longest // 3600
        raise unauthenticated(f"The token lives longer than {hours} hours; sign in again.")


def _principal(issuer: Issuer, claims: dict[str, Any]) -> Principal:
    citizen = issuer.name == "citizen"
    return Principal(
        subject=identity(issuer.name, str(claims["sub"])),
        issuer_kind=issuer.name,
        roles=(
            frozenset({CITIZEN})
            if citizen
            else frozenset(r for r in claims.get("roles", []) if r in STAFF_ROLES)
        ),
        office="" if citizen else str(claims.get("office", "")),
        acr=str(claims.get("acr", "")) if citizen else "",
        cnie=str(claims.get("cnie", "")) if citizen else "",
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
        email=str(claims.get("email", "")),
        phone=str(claims.get("phone_number", "")),
        locale=str(claims.get("locale", "")),
        # Only a citizen's addresses are ever written to, and only those vouched for.
        email_verified=citizen and claims.get("email_verified") is True,
        phone_verified=citizen and claims.get("phone_number_verified") is True,
    )


def _issuer(iss: str) -> Issuer | None:
    settings = get_settings()
    found = next((i for i in settings.issuers if i.issuer == iss), None)
    if found is not None and settings.stage != LOCAL_STAGE and is_development(found):
        return None  # a stage configured by mistake with the local keys trusts no token
    return found


def is_development(issuer: Issuer) -> bool:
    """The local issuers of ``make token``: their private keys sit in the working tree."""
    return issuer.issuer.startswith(DEVELOPMENT_ISSUER_PREFIX) or bool(issuer.jwks_file)


@lru_cache(maxsize=8)
def _key_set(issuer: Issuer) -> dict[str, Any]:
    """kid -> PyJWK. A URL is fetched once per cold start; a file is read once."""
    import jwt

    if issuer.jwks_file:
        document = json.loads(Path(issuer.jwks_file).read_text())
        return {str(k.key_id): k for k in jwt.PyJWKSet.from_dict(document).keys}
    client = jwt.PyJWKClient(issuer.jwks_url, cache_keys=True, timeout=5)
    return {str(k.key_id): k for k in client.get_signing_keys()}
