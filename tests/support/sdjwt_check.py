"""Checking our credentials with code nobody here wrote: the IETF SD-JWT reference
implementation (pypi ``sd-jwt``, on jwcrypto) for the SD-JWT, PyJWT for the Status List
Token, and the draft's bit order computed here by hand (zlib, then bit ``i % 8`` of byte
``i // 8``)."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import Any

import jwt
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from sd_jwt.verifier import SDJWTVerifier  # type: ignore[import-untyped]


def reference_verify(
    sd_jwt: str, jwks: dict[str, Any], audience: str | None = None, nonce: str | None = None
) -> dict[str, Any]:
    """The claims the reference verifier accepts: the issuer's signature with the published
    key the ``kid`` names, each presented disclosure matched to a digest, the KB-JWT when
    ``audience`` and ``nonce`` are given. Raises if the signature does not check."""

    def issuer_key(issuer: str, header: dict[str, Any]) -> JWK:
        key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
        return JWK.from_json(json.dumps(key))

    verifier = SDJWTVerifier(sd_jwt, issuer_key, audience, nonce, serialization_format="compact")
    claims: dict[str, Any] = verifier.get_verified_payload()
    return claims


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def disclosures(sd_jwt: str) -> list[list[Any]]:
    return [json.loads(unb64(d)) for d in sd_jwt.split("~")[1:-1] if d]


def digest(encoded: str) -> str:
    raw = hashlib.sha256(encoded.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def tamper(sd_jwt: str, name: str, value: Any) -> str:
    """The SD-JWT with the disclosure of ``name`` swapped for one stating ``value`` (same
    salt): its digest is no longer in the signed payload."""
    parts = sd_jwt.split("~")
    for i, encoded in enumerate(parts[1:-1], start=1):
        salt, claim, _ = json.loads(unb64(encoded))
        if claim == name:
            forged = json.dumps([salt, claim, value]).encode()
            parts[i] = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    return "~".join(parts)


def status_bit(token: str, jwks: dict[str, Any], index: int) -> int:
    """The bit at ``index`` of a Status List Token, its signature checked by PyJWT."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid)
    claims = jwt.decode(token, key.key, algorithms=["ES256"], options={"verify_sub": False})
    bits = zlib.decompress(unb64(claims["status_list"]["lst"]))
    return (bits[index // 8] >> (index % 8)) & 1
