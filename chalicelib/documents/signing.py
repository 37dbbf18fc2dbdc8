"""The KMS signing key (ECC P-256): signatures for certificates, credentials, receipts and
audit digests, and its public half as a JWK so that anyone can verify them.

The key in service is the one the stage's alias (``alias/khidmat-<stage>-signing``) names:
``make rotate-signing-key`` creates a new key, records the old one's public half as retired
(store/credentials.py) and moves the alias. A warm container follows within
``CURRENT_KEY_SECONDS``; what it signed meanwhile still verifies, as retired keys stay
published (``published_keys``)."""

from __future__ import annotations

import base64
import time
from functools import lru_cache
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


def _b64url(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


CURRENT_KEY_SECONDS = 300
_current: dict[str, tuple[float, str]] = {}


def alias() -> str:
    return f"alias/khidmat-{get_settings().stage}-signing"


def current_key_id() -> str:
    """The KMS key id the alias names now, looked up at most every ``CURRENT_KEY_SECONDS``
    (one DescribeKey); without the alias (a stage that predates it), the configured key."""
    name = alias()
    cached = _current.get(name)
    if cached is not None and time.monotonic() - cached[0] < CURRENT_KEY_SECONDS:
        return cached[1]
    kms = client("kms")
    try:
        key = str(kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"])
    except kms.exceptions.NotFoundException:
        key = get_settings().signing_key_id
    _current[name] = (time.monotonic(), key)
    return key


def forget_current_key() -> None:
    """Look the alias and the retired keys up again (after a rotation, in tests)."""
    _current.clear()
    _retired_cache.clear()


def public_jwk() -> dict[str, Any]:
    """The public half of the key in service."""
    return jwk_of(current_key_id())


def published_keys() -> list[dict[str, Any]]:
    """What ``/.well-known/jwks.json`` lists: the key in service, then every retired key
    still needed to verify what it signed (one Query), each with its ``kid``."""
    current = public_jwk()
    retired = [k for k in _retired() if k.get("kid") != current["kid"]]
    return [current, *retired]


_retired_cache: list[tuple[float, list[dict[str, Any]]]] = []


def _retired() -> list[dict[str, Any]]:
    """The retired keys, read at most every ``CURRENT_KEY_SECONDS`` (they change only when a
    key is rotated, and a rotation publishes the old key before the alias moves)."""
    from chalicelib.store import credentials

    if _retired_cache and time.monotonic() - _retired_cache[0][0] < CURRENT_KEY_SECONDS:
        return _retired_cache[0][1]
    keys = credentials.retired_keys()
    _retired_cache[:] = [(time.monotonic(), keys)]
    return keys


@lru_cache(maxsize=8)
def jwk_of(key_id: str) -> dict[str, Any]:
    """A KMS key's public half as a JWK, fetched once per cold start."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    answer = client("kms").get_public_key(KeyId=key_id)
    public = load_der_public_key(answer["PublicKey"])
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise ValueError("the signing key is not an elliptic-curve key")
    numbers = public.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x),
        "y": _b64url(numbers.y),
        "use": "sig",
        "alg": "ES256",
        "kid": answer["KeyId"].rsplit("/", 1)[-1],
    }


def key_state() -> str:
    return str(client("kms").describe_key(KeyId=current_key_id())["KeyMetadata"]["KeyState"])


def key_id() -> str:
    """The signing key's id as verifiers see it: the ``kid`` of its JWK."""
    return str(public_jwk()["kid"])


def sign(message: bytes, key_id: str | None = None) -> bytes:
    """A DER-encoded ECDSA P-256 / SHA-256 signature of ``message`` (at most 4096 bytes) by the
    KMS key (``key_id``, or the one in service): the private half never leaves KMS. Anyone
    verifies it with that key's JWK. Name the key when a header already names its ``kid``."""
    answer = client("kms").sign(
        KeyId=key_id or current_key_id(),
        Message=message,
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )
    return bytes(answer["Signature"])
