"""The verification code of a published decision: a compact JWS (ES256) whose claims say
what the decision grants, signed by the KMS key. A third party scans the QR code and checks
the signature with the public key of ``GET /.well-known/jwks.json``; no personal data other
than the holder's name (published in the Official Bulletin anyway) is in it."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from chalicelib.documents import signing
from chalicelib.workflow.case import Case

TYPE = "khidmat-equivalence-decision+jws"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims(case: Case, decision: Mapping[str, Any]) -> dict[str, Any]:
    diploma = case.payload.get("diploma", {})
    return {
        "ref": case.reference,
        "number": decision.get("number"),
        "holder": case.contact.name,
        "diploma": diploma.get("title", ""),
        "institution": diploma.get("institution", ""),
        "country": diploma.get("institution_country", ""),
        "outcome": decision.get("outcome"),
        "national_diploma": decision.get("national_diploma", ""),
        "conditions": [c["kind"] for c in decision.get("conditions") or []],
        "order": decision.get("order", {}),
        "bo": decision.get("bo", {}),
        "revoke_from": decision.get("revoke_from"),
    }


def sign_decision(case: Case, decision: Mapping[str, Any]) -> str:
    """header.claims.signature, the signature as JWS wants it (r || s, 64 bytes)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    header = {"alg": "ES256", "typ": TYPE, "kid": signing.key_id()}
    body = json.dumps(claims(case, decision), separators=(",", ":"), ensure_ascii=False)
    signed = f"{_b64(json.dumps(header).encode())}.{_b64(body.encode())}"
    r, s = decode_dss_signature(signing.sign(signed.encode()))
    return f"{signed}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def verify(code: str, jwk: Mapping[str, str]) -> dict[str, Any]:
    """The claims of ``code`` if ``jwk`` signed it; raises ValueError otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        header, body, signature = code.split(".")
        raw = unb64(signature)
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(unb64(jwk["x"]), "big"),
            int.from_bytes(unb64(jwk["y"]), "big"),
            ec.SECP256R1(),
        )
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        numbers.public_key().verify(der, f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except (ValueError, KeyError, InvalidSignature) as error:
        raise ValueError("not a decision code this key signed") from error
    decoded: dict[str, Any] = json.loads(unb64(body))
    return decoded
