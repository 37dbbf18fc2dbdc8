"""The pure credential building (chalicelib/credentials): disclosures and their digests as
RFC 9901 computes them, what a verifier refuses, the Key Binding JWT, and the status list's
bit order, checked against hand computations and PyJWT, with a local P-256 key."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.credentials import sdjwt, statuslist

KEY = ec.generate_private_key(ec.SECP256R1())
JWK: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(KEY.public_key()))


def signer(message: bytes) -> bytes:
    return KEY.sign(message, ec.ECDSA(hashes.SHA256()))  # DER, as KMS answers


def issue(**disclosable: Any) -> str:
    clear = {"iss": "https://issuer.example", "vct": "https://issuer.example/t", "session": 2026}
    return sdjwt.issue({"alg": "ES256", "kid": "k1"}, clear, disclosable, signer)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_rfc_9901_example_disclosure_digest() -> None:
    # RFC 9901 section 4.2.1: ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]
    example = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    assert sdjwt.digest_of(example) == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    made = sdjwt.disclosure("family_name", "Möbius", "_26bc4LT-ac6q2KI6cBW5es")
    assert json.loads(base64.urlsafe_b64decode(made.encoded + "==")) == [
        "_26bc4LT-ac6q2KI6cBW5es",
        "family_name",
        "Möbius",
    ]


def test_the_payload_holds_sorted_digests_and_pyjwt_checks_the_signature() -> None:
    credential = issue(names={"fr": "Salma"}, cnie="AB123")
    issuer_jwt, *disclosures, last = credential.split("~")
    assert last == "" and len(disclosures) == 2
    payload = jwt.decode(issuer_jwt, KEY.public_key(), algorithms=["ES256"])
    assert payload["_sd"] == sorted(payload["_sd"]) and payload["_sd_alg"] == "sha-256"
    expected = {b64(hashlib.sha256(d.encode()).digest()) for d in disclosures}
    assert set(payload["_sd"]) == expected
    assert jwt.get_unverified_header(issuer_jwt)["typ"] == "dc+sd-jwt"
    assert "cnie" not in payload and "names" not in payload


def test_a_presentation_shows_what_was_chosen_and_no_more() -> None:
    credential = issue(names={"fr": "Salma"}, cnie="AB123", average="14.15")
    shown = sdjwt.present(credential, ["names"])
    verified = sdjwt.verify(shown, lambda header: JWK, int(time.time()))
    assert verified.disclosed == {"names": {"fr": "Salma"}}
    assert verified.claims["session"] == 2026 and not verified.key_bound


@pytest.mark.parametrize(
    "how, message",
    [
        ("tampered", "not one the issuer signed"),
        ("twice", "presented twice"),
        ("foreign", "not one the issuer signed"),
        ("resigned", "does not check"),
    ],
)
def test_what_a_verifier_refuses(how: str, message: str) -> None:
    credential = issue(names={"fr": "Salma"}, average="14.15")
    issuer_jwt, first, second, _ = credential.split("~")
    if how == "tampered":
        salt, name, _value = json.loads(base64.urlsafe_b64decode(second + "=="))
        forged = b64(json.dumps([salt, name, "19.99"]).encode())
        presentation = sdjwt.combine(issuer_jwt, [first, forged])
    elif how == "twice":
        presentation = sdjwt.combine(issuer_jwt, [first, first])
    elif how == "foreign":
        presentation = sdjwt.combine(issuer_jwt, [sdjwt.disclosure("cnie", "ZZ1").encoded])
    else:
        other = ec.generate_private_key(ec.SECP256R1())
        header, payload, _sig = issuer_jwt.split(".")
        der = other.sign(f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
        raw = jwt.utils.der_to_raw_signature(der, ec.SECP256R1())
        presentation = sdjwt.combine(f"{header}.{payload}.{b64(raw)}", [first])
    with pytest.raises(ValueError, match=message):
        sdjwt.verify(presentation, lambda header: JWK, int(time.time()))


def test_a_key_binding_jwt_is_bound_to_its_presentation() -> None:
    holder = ec.generate_private_key(ec.SECP256R1())
    holder_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(holder.public_key()))
    clear = {"iss": "https://issuer.example", "cnf": {"jwk": holder_jwk}}
    credential = sdjwt.issue({"alg": "ES256"}, clear, {"names": "S", "cnie": "AB1"}, signer)
    shown = sdjwt.present(credential, ["names"])
    now = int(time.time())

    def kb(over: str, **claims: Any) -> str:
        body = {"iat": now, "aud": "v", "nonce": "n", "sd_hash": sdjwt.digest_of(over), **claims}
        return jwt.encode(body, holder, algorithm="ES256", headers={"typ": "kb+jwt"})

    verified = sdjwt.verify(shown + kb(shown), lambda h: JWK, now, "v", "n")
    assert verified.key_bound and verified.disclosed == {"names": "S"}
    other = sdjwt.present(credential, ["names", "cnie"])
    with pytest.raises(ValueError, match="sd_hash"):
        sdjwt.verify(other + kb(shown), lambda h: JWK, now, "v", "n")
    with pytest.raises(ValueError, match="not fresh"):
        sdjwt.verify(shown + kb(shown, iat=now - 3600), lambda h: JWK, now, "v", "n")
    with pytest.raises(ValueError, match="nonce"):
        sdjwt.verify(shown + kb(shown), lambda h: JWK, now, "v", "other")


def test_the_status_list_bit_order_and_compression() -> None:
    lst = statuslist.encode({0, 9, 16_383})
    bits = zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))
    assert len(bits) == 2048 and bits[0] == 0b0000_0001 and bits[1] == 0b0000_0010
    assert bits[2047] == 0b1000_0000
    assert [statuslist.status_at(lst, i) for i in (0, 1, 9, 10, 16_383)] == [1, 0, 1, 0, 1]
    with pytest.raises(ValueError):
        statuslist.encode({16_384})


def test_positions_never_repeat_and_spread_over_lists() -> None:
    seen = {statuslist.position(3, n) for n in range(1, 40_000)}
    assert len(seen) == 39_999
    assert statuslist.position(3, 1) == statuslist.Reference("3-0", 0)
    assert statuslist.position(3, 16_385) == statuslist.Reference("3-1", 0)
    assert statuslist.is_list_id("7-12") and not statuslist.is_list_id("8-0")
    assert not statuslist.is_list_id("01-0") and not statuslist.is_list_id("x")
