"""The KMS signing key (ECC P-256): signatures for certificates, receipts and audit digests,
and its public half as a JWK so that anyone can verify them."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


def _b64url(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


@lru_cache(maxsize=1)
def public_jwk() -> dict[str, Any]:
    """The signing key's public half, fetched once per cold start."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key_id = get_settings().signing_key_id
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
    return str(
        client("kms").describe_key(KeyId=get_settings().signing_key_id)["KeyMetadata"]["KeyState"]
    )


def key_id() -> str:
    """The signing key's id as verifiers see it: the ``kid`` of its JWK."""
    return str(public_jwk()["kid"])


def sign(message: bytes) -> bytes:
    """A DER-encoded ECDSA P-256 / SHA-256 signature of ``message`` (at most 4096 bytes) by the
    KMS key: the private half never leaves KMS. Anyone verifies it with ``public_jwk()``."""
    answer = client("kms").sign(
        KeyId=get_settings().signing_key_id,
        Message=message,
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )
    return bytes(answer["Signature"])
