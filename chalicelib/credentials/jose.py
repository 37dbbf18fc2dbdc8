"""Compact JWS (RFC 7515) pieces shared by the credentials: base64url, canonical JSON, the
ES256 signature as JWS wants it, and its check with a public JWK. Pure: the signing itself
is a function handed in (the KMS key, through ``documents/signing.py``)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any

# A DER signature of the message by the key named: what ``documents.signing.sign`` returns.
Signer = Callable[[bytes], bytes]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def to_json(value: object) -> bytes:
    """Compact UTF-8 JSON: Arabic stays readable in a decoded payload."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], signer: Signer) -> str:
    """header.payload.signature, the ES256 signature as r || s (RFC 7518, section 3.4): KMS
    answers DER."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    signing_input = f"{b64(to_json(dict(header)))}.{b64(to_json(dict(payload)))}"
    r, s = decode_dss_signature(signer(signing_input.encode()))
    return f"{signing_input}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def header_of(token: str) -> dict[str, Any]:
    """The unverified header (to pick the key by ``kid``); ValueError if not a JWS."""
    try:
        decoded = json.loads(unb64(token.split(".")[0]))
    except (ValueError, IndexError) as error:
        raise ValueError("not a compact JWS") from error
    if not isinstance(decoded, dict):
        raise ValueError("not a compact JWS")
    return decoded


def verify_compact(token: str, jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of ``token`` if the EC P-256 ``jwk`` signed it (ES256); ValueError if not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        header, body, signature = token.split(".")
        if header_of(token).get("alg") != "ES256":
            raise ValueError("only ES256 is accepted")
        raw = unb64(signature)
        if len(raw) != 64:
            raise ValueError("an ES256 signature is 64 bytes")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(unb64(str(jwk["x"])), "big"),
            int.from_bytes(unb64(str(jwk["y"])), "big"),
            ec.SECP256R1(),
        )
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        numbers.public_key().verify(der, f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        payload = json.loads(unb64(body))
    except (ValueError, KeyError, TypeError, InvalidSignature) as error:
        raise ValueError("the signature does not check with this key") from error
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    return payload
