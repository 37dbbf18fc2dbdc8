"""The equivalence order as an SD-JWT VC through HTTP, checked by the IETF reference
verifier: only an order in force is issued; one replaced by a re-examination has its status
bit set in the transition's own transaction."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jwt

from tests.e2e.equivalence.eq_support import ASSESSMENT, Journey, headers
from tests.support import sdjwt_check

SD_JWT = "application/dc+sd-jwt"


def _credential(journey: Journey) -> Any:
    path = f"/equivalence/applications/{journey.case_id}/decision"
    return journey.http.get(path, headers=headers(journey.citizen, Accept=SD_JWT))


def _jwks(journey: Journey) -> dict[str, Any]:
    return dict(journey.http.get("/.well-known/jwks.json").json_body)


def _bit(journey: Journey, credential: str) -> int:
    status = jwt.decode(credential.split("~")[0], options={"verify_signature": False})["status"][
        "status_list"
    ]
    token = journey.http.get(urlsplit(status["uri"]).path).body
    token = token.decode() if isinstance(token, bytes) else token
    return sdjwt_check.status_bit(token, _jwks(journey), int(status["idx"]))


def test_a_granted_order_is_a_credential_until_a_new_order_replaces_it(
    journey: Journey,
) -> None:
    journey.granted()
    answer = _credential(journey)
    assert answer.status_code == 200, answer.body
    assert answer.headers["Content-Type"] == SD_JWT
    credential = answer.body.decode()
    claims = sdjwt_check.reference_verify(credential, _jwks(journey))
    assert claims["vct"].endswith("/credentials/types/equivalence-order")
    assert claims["outcome"] == "equivalence" and claims["track"] == "higher"
    assert claims["national_diploma"] == "Licence fondamentale en droit privé"
    assert claims["order"] == {"number": "1234.25", "date": "2026-03-02"}
    assert claims["decision_date"] == "2026-03-02" and claims["file_reference"]
    signed = jwt.decode(credential.split("~")[0], options={"verify_signature": False})
    assert set(signed) == {
        "iss",
        "iat",
        "vct",
        "status",
        "decision_date",
        "track",
        "_sd",
        "_sd_alg",
    }
    assert _bit(journey, credential) == 0
    # asked again: the same status bit (one per order)
    again = _credential(journey).body.decode()
    assert sdjwt_check.reference_verify(again, _jwks(journey))["status"] == claims["status"]
    forged = sdjwt_check.tamper(credential, "outcome", "final")
    assert "outcome" not in sdjwt_check.reference_verify(forged, _jwks(journey))
    pdf = journey.pdf("decision")
    assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")
    path = f"/equivalence/applications/{journey.case_id}/decision"
    officer = journey.http.get(path, headers=headers(journey.officer, Accept=SD_JWT))
    assert officer.status_code == 403  # the officer reads the copy; the holder holds it
    assert journey.pdf("decision", journey.officer).status_code == 200

    journey.ok(
        journey.officer, "reopen", ground="reference_diploma_changed", reason="nouvelle licence"
    )
    journey.ok(
        journey.committee("law"),
        "propose",
        outcome="equivalence",
        national_diploma="Licence d'études fondamentales en droit (nouveau régime)",
        assessment=ASSESSMENT,
    )
    journey.decide_and_publish(number="5005.26", bo_number="7600")
    assert _bit(journey, credential) == 1  # the replaced order: set with the publication
    new = _credential(journey).body.decode()
    assert _bit(journey, new) == 0
    assert sdjwt_check.reference_verify(new, _jwks(journey))["order"]["number"] == "5005.26"


def test_a_refusal_is_no_credential(journey: Journey) -> None:
    journey.refused()
    answer = _credential(journey)
    assert answer.status_code == 409, answer.body
    stranger = journey.token("citizen", sub="someone-else")
    path = f"/equivalence/applications/{journey.case_id}/decision"
    assert journey.http.get(path, headers=headers(stranger, Accept=SD_JWT)).status_code == 404


def test_a_revoked_order_s_credential_is_refused_by_its_status(journey: Journey) -> None:
    """Art. 11 revocation: the order's bit is set with the revocation's publication; the
    signature still checks, the status refuses it; no new credential is issued."""
    from datetime import UTC, datetime

    from chalicelib.credentials import issuance

    journey.granted()
    credential = _credential(journey).body.decode()
    journey.ok(journey.officer, "reopen", ground="not_authentic", reason="diplôme non authentique")
    found = datetime.now(UTC).date().isoformat()
    journey.ok(
        journey.committee("law"),
        "propose",
        outcome="revocation",
        reason="L'authentification du diplôme est infirmée",
        established_on=found,
    )
    assert journey.decide_and_publish(number="3003.26", bo_number="7550")["state"] == "revoked"
    assert _bit(journey, credential) == 1
    assert sdjwt_check.reference_verify(credential, _jwks(journey))["outcome"] == "equivalence"
    iat = jwt.decode(credential.split("~")[0], options={"verify_signature": False})["iat"]
    assert issuance.verify(credential, int(iat))[1] == "revoked"
    assert _credential(journey).status_code == 409


def test_a_wallet_takes_the_order_of_a_file_of_its_holder(journey: Journey) -> None:
    import json as json_
    from urllib.parse import urlencode

    from tests.support.wallet import Wallet, offered_code

    journey.granted()
    stranger = journey.token("citizen", sub="eq-someone-else")
    path = f"/me/credential-offers?case={journey.case_id}"
    assert journey.http.get(path, headers=headers(stranger)).status_code == 404
    [offer] = journey.get(path).json_body["items"]
    assert offer["credential_configuration_id"] == "equivalence-order"
    code, by_value = offered_code(offer["credential_offer_uri"])
    form = urlencode(
        {
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": code,
            "tx_code": offer["tx_code"],
        }
    )
    token = journey.http.post(
        "/vci/token", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=form
    ).json_body["access_token"]
    wallet = Wallet()
    issued = journey.http.post(
        "/vci/credential",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json_.dumps({"proofs": {"jwt": [wallet.proof(by_value["credential_issuer"])]}}),
    )
    assert issued.status_code == 200, issued.body
    credential = issued.json_body["credentials"][0]["credential"]
    claims = sdjwt_check.reference_verify(credential, _jwks(journey))
    assert claims["cnf"]["jwk"]["y"] == wallet.jwk["y"] and claims["outcome"] == "equivalence"
    assert _bit(journey, credential) == 0


def test_a_share_of_the_order_shows_only_what_it_names(journey: Journey) -> None:
    import json as json_

    journey.granted()
    shares = f"/equivalence/applications/{journey.case_id}/decision/shares"
    body = {"recipient": "Employeur", "days": 10, "claims": ["holder", "national_diploma"]}
    stranger = journey.token("citizen", sub="eq-not-the-holder")
    key = {"Idempotency-Key": "order-share-1"}
    refused = journey.http.post(shares, headers=headers(stranger, **key), body=json_.dumps(body))
    assert refused.status_code == 404
    bad = journey.http.post(
        shares,
        headers=headers(journey.citizen, **{"Idempotency-Key": "order-share-0"}),
        body=json_.dumps({**body, "claims": ["status"]}),
    )
    assert bad.status_code == 422 and "body.claims" in bad.body.decode()
    made = journey.http.post(
        shares, headers=headers(journey.citizen, **key), body=json_.dumps(body)
    )
    assert made.status_code == 201, made.body
    share = made.json_body
    public = f"/public/equivalence-orders/{share['code']}"
    seen = journey.http.get(public, headers={"Accept": "application/json"}).json_body
    assert (seen["status"], seen["verified"]) == ("valid", True)
    assert seen["disclosed"] == ["holder", "national_diploma"]
    assert set(seen["claims"]) == {"holder", "national_diploma", "decision_date", "track"}
    assert journey.reference not in json_.dumps(seen)  # the file's reference is not named
    claims = sdjwt_check.reference_verify(seen["presentation"], _jwks(journey))
    assert "diploma" not in claims and "order" not in claims and "file_reference" not in claims
    html = journey.http.get(public, headers={"Accept": "text/html"}).body.decode()
    assert "Licence fondamentale en droit privé" in html and "1234.25" not in html

    delete = f"{shares}/{share['id']}"
    assert journey.http.delete(delete, headers=headers(stranger)).status_code == 404
    assert journey.http.delete(delete, headers=headers(journey.citizen)).status_code == 204
    gone = journey.http.get(public, headers={"Accept": "application/json"}).json_body
    assert (gone["status"], gone["claims"]) == ("revoked", None)
