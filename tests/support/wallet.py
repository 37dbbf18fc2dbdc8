"""A wallet, as far as the tests need one: a P-256 key, the OpenID4VCI proof JWT and the
Key Binding JWT, made with PyJWT and cryptography (not the project's code)."""

from __future__ import annotations

import hashlib
import json
import time
from base64 import urlsafe_b64encode
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec


class Wallet:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.jwk: dict[str, Any] = json.loads(
            jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key())
        )

    def proof(self, issuer: str, iat: int | None = None) -> str:
        return jwt.encode(
            {"aud": issuer, "iat": iat or int(time.time())},
            self.key,
            algorithm="ES256",
            headers={"typ": "openid4vci-proof+jwt", "jwk": self.jwk},
        )

    def key_binding(self, presentation: str, audience: str, nonce: str) -> str:
        sd_hash = urlsafe_b64encode(hashlib.sha256(presentation.encode()).digest())
        return jwt.encode(
            {
                "iat": int(time.time()),
                "aud": audience,
                "nonce": nonce,
                "sd_hash": sd_hash.rstrip(b"=").decode(),
            },
            self.key,
            algorithm="ES256",
            headers={"typ": "kb+jwt"},
        )


def offered_code(uri: str) -> tuple[str, dict[str, Any]]:
    """The pre-authorised code of an ``openid-credential-offer://`` URI, and the offer."""
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    offer = json.loads(parse_qs(urlsplit(uri).query)["credential_offer"][0])
    grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    return str(grant["pre-authorized_code"]), offer
