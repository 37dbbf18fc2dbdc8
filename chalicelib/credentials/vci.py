"""OpenID for Verifiable Credential Issuance 1.0, pre-authorised code flow (decision 53).

The signed-in citizen asks ``GET /me/credential-offers``: each offer is a fresh
pre-authorised code (128 bits, ten minutes, single use) in an ``openid-credential-offer://``
URI and its QR code, and a six-digit transaction code shown beside it (never in the QR), so
a photo of the screen's QR alone redeems nothing. The wallet trades code and transaction
code at ``POST /vci/token`` for an access token (five minutes, single use), and that token
with a proof of possession of its key (an ``openid4vci-proof+jwt`` signed by the key it
carries, for this issuer, fresh) at ``POST /vci/credential`` for the SD-JWT VC bound to
that key (``cnf.jwk``), with the status bit of the certificate or order it states."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalicelib.credentials import issuance, jose, types

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
OFFER_SECONDS = 600
TOKEN_SECONDS = 300
PROOF_MAX_AGE = 300
TX_CODE_LENGTH = 6


class GrantError(ValueError):
    """An OAuth error (RFC 6749 5.2, OpenID4VCI 8.3.1): ``code`` is its ``error``."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code


@dataclass(frozen=True)
class Grant:
    """What an offer, then its access token, issues: the configuration (``kind``), to whom,
    the source's reference of the credential, the digest of the transaction code (offers
    only) and the end of its life (epoch seconds)."""

    kind: str
    owner: str
    subject_ref: str
    tx_code: str
    expires_at: int


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:40]


def new_secret() -> str:
    return jose.b64(secrets.token_bytes(16))


def new_tx_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))


def offer_uri(code: str, configuration: str) -> tuple[str, dict[str, Any]]:
    """The credential offer (OpenID4VCI 4.1.1) by value, and the URI a wallet opens."""
    offer = {
        "credential_issuer": issuance.issuer(),
        "credential_configuration_ids": [configuration],
        "grants": {
            PRE_AUTHORIZED: {
                "pre-authorized_code": code,
                "tx_code": {
                    "length": TX_CODE_LENGTH,
                    "input_mode": "numeric",
                    "description": "Le code à 6 chiffres affiché par Khidmat / الرمز المعروض",
                },
            }
        },
    }
    text = json.dumps(offer, separators=(",", ":"), ensure_ascii=False)
    return f"openid-credential-offer://?credential_offer={quote(text, safe='')}", offer


def qr_svg(uri: str) -> str:
    """The offer URI as a QR code, an SVG data URI a page shows as an image."""
    import segno  # deferred: only an offer needs it

    return str(segno.make(uri, error="m", micro=False).svg_data_uri(scale=4))


def tx_code_matches(stored_digest: str, given: str) -> bool:
    return bool(stored_digest) and hmac.compare_digest(stored_digest, digest(given))


def holder_key(proof: str, now: int) -> dict[str, Any]:
    """The wallet's public key from its proof JWT (OpenID4VCI appendix F.1): typ, ES256, the
    key in the header that signed it, this issuer as ``aud``, a fresh ``iat``. GrantError
    ``invalid_proof`` otherwise."""
    try:
        header = jose.header_of(proof)
        jwk = header.get("jwk")
        if header.get("typ") != PROOF_TYP:
            raise ValueError(f"typ is not {PROOF_TYP}")
        if not isinstance(jwk, Mapping) or "d" in jwk:
            raise ValueError("the header carries no public jwk")
        if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise ValueError("the key is not EC P-256")
        claims = jose.verify_compact(proof, jwk)
    except ValueError as error:
        raise GrantError("invalid_proof", str(error)) from error
    if claims.get("aud") != issuance.issuer():
        raise GrantError("invalid_proof", "aud is not this credential issuer")
    iat = claims.get("iat")
    if not isinstance(iat, int) or not now - PROOF_MAX_AGE <= iat <= now + 60:
        raise GrantError("invalid_proof", "iat is not fresh")
    return {k: str(jwk[k]) for k in ("kty", "crv", "x", "y")}


def proof_of(body: Mapping[str, Any]) -> str:
    """The proof JWT of a credential request: 1.0's ``proofs.jwt[0]`` or the drafts'
    ``proof.jwt``."""
    proofs = body.get("proofs")
    if isinstance(proofs, Mapping) and isinstance(proofs.get("jwt"), list) and proofs["jwt"]:
        return str(proofs["jwt"][0])
    proof = body.get("proof")
    if isinstance(proof, Mapping) and proof.get("proof_type") == "jwt" and proof.get("jwt"):
        return str(proof["jwt"])
    raise GrantError("invalid_proof", "a proof of possession (proofs.jwt) is required")


def issuer_metadata() -> dict[str, Any]:
    """``/.well-known/openid-credential-issuer`` (OpenID4VCI 12.2)."""
    from chalicelib import links

    def configuration(kind: types.CredentialType) -> dict[str, Any]:
        meta = types.type_metadata(kind, issuance.vct(kind))
        return {
            "format": "dc+sd-jwt",
            "vct": issuance.vct(kind),
            "scope": kind.key,
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["ES256"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
            "credential_metadata": {"display": meta["display"], "claims": meta["claims"]},
        }

    return {
        "credential_issuer": issuance.issuer(),
        "credential_endpoint": links.url("/vci/credential"),
        "token_endpoint": links.url("/vci/token"),  # also in the OAuth metadata
        "display": [
            {"name": "وزارة التربية الوطنية", "locale": "ar"},
            {"name": "Ministère de l'Éducation nationale", "locale": "fr"},
            {"name": "Ministry of National Education", "locale": "en"},
        ],
        "credential_configurations_supported": {
            kind.key: configuration(kind) for kind in types.TYPES.values()
        },
    }


def authorization_server_metadata() -> dict[str, Any]:
    """RFC 8414 metadata of the issuer as its own authorisation server (pre-authorised code
    only: no authorisation endpoint)."""
    from chalicelib import links

    return {
        "issuer": issuance.issuer(),
        "token_endpoint": links.url("/vci/token"),
        "grant_types_supported": [PRE_AUTHORIZED],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
