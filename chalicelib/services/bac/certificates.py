"""The certificate as a compact JWS (RFC 7515) signed ES256 by the KMS signing key: anyone
checks it with the key published at /.well-known/jwks.json, offline."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import datetime

from chalicelib.documents import signing
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.repository import Certificate

SHARE_PREFIX = "S"  # a share code; a certificate's own code is its id (32 hex digits)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def compact_jws(claims: dict[str, object]) -> str:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    header = {"alg": "ES256", "typ": "JWT", "kid": signing.key_id()}
    signing_input = f"{_b64(_json(header))}.{_b64(_json(claims))}"
    # KMS gives DER; JWS wants r and s, 32 bytes each (RFC 7518, section 3.4).
    r, s = decode_dss_signature(signing.sign(signing_input.encode()))
    return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def issue(candidate: Candidate, now: datetime) -> Certificate:
    """A new signed certificate (not yet stored). Its id is 128 random bits: it is also
    the code of the verification link printed on the PDF."""
    certificate_id = uuid.uuid4().hex
    claims = domain.certificate_claims(candidate, certificate_id, now)
    return Certificate(certificate_id, compact_jws(claims), claims, "valid", now, None)


def new_share_code() -> str:
    """192 random bits: a link nobody finds by trying."""
    return SHARE_PREFIX + secrets.token_urlsafe(24)


def share_id(code: str) -> str:
    """The share's id: a digest of its code, so the id (in the owner's list and DELETE URLs)
    never reveals the code."""
    import hashlib

    return hashlib.sha256(code.encode()).hexdigest()[:32]


def is_certificate_code(code: str) -> bool:
    return len(code) == 32 and all(c in "0123456789abcdef" for c in code)


def is_share_code(code: str) -> bool:
    return code.startswith(SHARE_PREFIX) and 20 <= len(code) <= 64
