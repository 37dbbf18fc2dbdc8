"""Shares that name what they disclose, checked as a verifier would; a new verification code
for the certificate; a presentation with a key binding JWT accepted by the verification
endpoint."""

from __future__ import annotations

from typing import Any

import jwt

from chalicelib import clock
from tests.e2e.bac.conftest import YEAR, Academy, Http
from tests.support import sdjwt_check

JSON_ONLY = {"Accept": "application/json"}


def published(http: Http, academy: Academy) -> None:
    assert academy.import_list(http).json_body["state"] == "done"
    academy.publish(http)


def _jwks(http: Http) -> dict[str, Any]:
    return dict(http.client.http.get("/.well-known/jwks.json").json_body)


def test_a_share_shows_only_the_claims_it_names(http: Http, academy: Academy) -> None:
    published(http, academy)
    mine = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    unknown = http.call(
        "POST",
        "/bac/me/certificate/shares",
        academy.citizen,
        {"recipient": "ENSA", "days": 10, "claims": ["names", "jti"]},
    )
    assert unknown.status_code == 422 and "body.claims" in unknown.body.decode()
    share = http.call(
        "POST",
        "/bac/me/certificate/shares",
        academy.citizen,
        {"recipient": "ENSA", "days": 10, "claims": ["names", "outcome"]},
    )
    assert share.status_code == 201, share.body
    assert share.json_body["claims"] == ["names", "outcome"]
    code = share.json_body["code"]

    seen = http.client.http.get(f"/public/certificates/{code}", headers=JSON_ONLY).json_body
    assert (seen["status"], seen["verified"]) == ("valid", True)
    assert seen["disclosed"] == ["names", "outcome"]
    assert seen["certificate"] == {
        "session": YEAR,
        "names": {"ar": "سلمى العلوي", "fr": "Salma Alaoui"},
        "outcome": "admitted",
    }
    assert seen["jws"] is None and seen["issuer"]
    text = http.client.http.get(f"/public/certificates/{code}").body.decode()
    assert mine["certificate_id"] not in text and academy.cnie not in text
    assert "Salma Alaoui" in text and "14.15" not in text

    # the presentation it hands out: the reference verifier sees those claims and no others
    presentation = seen["presentation"]
    assert mine["certificate_id"] not in presentation
    claims = sdjwt_check.reference_verify(presentation, _jwks(http))
    assert "cnie" not in claims and "marks" not in claims and "average" not in claims
    assert claims["names"]["fr"] == "Salma Alaoui" and claims["session"] == YEAR
    other = http.call(
        "POST", "/bac/me/certificate/shares", academy.citizen, {"recipient": "B", "days": 5}
    ).json_body
    assert other["code"] not in text and other["id"] not in str(seen)


def test_a_new_code_replaces_the_old_and_ends_its_shares(http: Http, academy: Academy) -> None:
    published(http, academy)
    first = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    share = http.call(
        "POST", "/bac/me/certificate/shares", academy.citizen, {"recipient": "X", "days": 5}
    ).json_body
    rotated = http.call(
        "POST", "/bac/me/certificate/code", academy.citizen, {}, **{"Idempotency-Key": "rot-1"}
    )
    assert rotated.status_code == 201, rotated.body
    new_id = rotated.json_body["certificate_id"]
    assert new_id != first["certificate_id"]
    assert rotated.json_body["claims"]["cnie"] == academy.cnie
    old = http.client.http.get(
        f"/public/certificates/{first['certificate_id']}", headers=JSON_ONLY
    ).json_body
    assert (old["status"], old["certificate"]) == ("replaced", None)
    assert new_id not in str(old)
    shared = http.client.http.get(f"/public/certificates/{share['code']}", headers=JSON_ONLY)
    assert shared.json_body["status"] == "revoked"
    new = http.client.http.get(f"/public/certificates/{new_id}", headers=JSON_ONLY).json_body
    assert new["status"] == "valid"
    assert (
        http.call("GET", "/bac/me/certificate", academy.citizen).json_body["certificate_id"]
        == new_id
    )


def test_the_verification_endpoint_checks_a_key_bound_presentation(
    http: Http, academy: Academy
) -> None:
    """A credential bound to a wallet key (cnf), presented with a KB-JWT over exactly the
    disclosures shown: accepted; the same KB-JWT over other disclosures, refused."""
    import time

    from cryptography.hazmat.primitives.asymmetric import ec

    from chalicelib.credentials import issuance, sdjwt, types
    from chalicelib.services.bac import domain
    from chalicelib.store.bac import candidates

    published(http, academy)
    candidate = candidates.candidate_of_cnie(academy.cnie, YEAR)
    assert candidate is not None
    wallet = ec.generate_private_key(ec.SECP256R1())
    holder = jwt.algorithms.ECAlgorithm.to_jwk(wallet.public_key(), as_dict=True)
    clear, disclosable = types.bac_claims(candidate, domain.result_for(candidate))
    bound = issuance.issue(
        types.BAC, clear, disclosable, issuance.allocate(), clock.now(), holder_jwk=holder
    )
    shown = sdjwt.present(bound, ["names"])
    kb = jwt.encode(
        {
            "iat": int(time.time()),
            "aud": "https://verifier.example",
            "nonce": "n-123",
            "sd_hash": sdjwt.digest_of(shown),
        },
        wallet,
        algorithm="ES256",
        headers={"typ": "kb+jwt"},
    )
    body = {"presentation": shown + kb, "audience": "https://verifier.example", "nonce": "n-123"}
    answer = http.client.http.post(
        "/public/credentials/verify",
        headers={"Content-Type": "application/json"},
        body=__import__("json").dumps(body),
    ).json_body
    assert (answer["verified"], answer["status"], answer["key_bound"]) == (True, "valid", True)
    assert answer["claims"]["names"]["fr"] == "Salma Alaoui" and "cnie" not in answer["claims"]
    # the reference library checks the same key binding
    claims = sdjwt_check.reference_verify(
        shown + kb, _jwks(http), "https://verifier.example", "n-123"
    )
    assert claims["names"]["fr"] == "Salma Alaoui"

    other = sdjwt.present(bound, ["names", "cnie"]) + kb  # the KB-JWT is of another choice
    refused = http.client.http.post(
        "/public/credentials/verify",
        headers={"Content-Type": "application/json"},
        body=__import__("json").dumps({**body, "presentation": other}),
    ).json_body
    assert refused["verified"] is False and "sd_hash" in refused["reason"]
