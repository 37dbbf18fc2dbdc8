"""The certificate into a wallet (OpenID4VCI 1.0, pre-authorised code) through HTTP: an
offer with its QR code and transaction code, the token once, the credential bound to the
wallet's key, presented with a key binding JWT; an expired offer refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt

from tests.e2e.bac.conftest import Academy, Http
from tests.support import sdjwt_check
from tests.support.wallet import Wallet, offered_code

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def published(http: Http, academy: Academy) -> None:
    assert academy.import_list(http).json_body["state"] == "done"
    academy.publish(http)


def _token(http: Http, code: str, tx_code: str) -> Any:
    form = urlencode({"grant_type": GRANT, "pre-authorized_code": code, "tx_code": tx_code})
    return http.client.http.post("/vci/token", headers=FORM, body=form)


def _credential(http: Http, access_token: str, body: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
    return http.client.http.post("/vci/credential", headers=headers, body=json.dumps(body))


def test_a_wallet_takes_the_certificate_bound_to_its_key(http: Http, academy: Academy) -> None:
    published(http, academy)
    meta = http.client.http.get("/.well-known/openid-credential-issuer").json_body
    issuer = meta["credential_issuer"]
    config = meta["credential_configurations_supported"]["baccalaureate-certificate"]
    assert config["format"] == "dc+sd-jwt" and config["vct"].endswith("baccalaureate-certificate")
    assert urlsplit(meta["credential_endpoint"]).path == "/vci/credential"
    oauth = http.client.http.get("/.well-known/oauth-authorization-server").json_body
    assert urlsplit(oauth["token_endpoint"]).path == "/vci/token"

    offers = http.call("GET", "/me/credential-offers", academy.citizen)
    assert offers.status_code == 200, offers.body
    [offer] = offers.json_body["items"]
    assert offer["qr_code"].startswith("data:image/svg+xml")
    assert len(offer["tx_code"]) == 6 and offer["tx_code"].isdigit()
    code, by_value = offered_code(offer["credential_offer_uri"])
    assert by_value == offer["credential_offer"] and by_value["credential_issuer"] == issuer
    assert offer["tx_code"] not in offer["credential_offer_uri"]

    wrong = _token(http, code, "000000" if offer["tx_code"] != "000000" else "111111")
    assert wrong.status_code == 400 and wrong.json_body["error"] == "invalid_grant"
    granted = _token(http, code, offer["tx_code"])
    assert granted.status_code == 200, granted.body
    assert granted.headers["Cache-Control"] == "no-store"
    access_token = granted.json_body["access_token"]
    again = _token(http, code, offer["tx_code"])
    assert again.status_code == 400 and again.json_body["error"] == "invalid_grant"

    wallet = Wallet()
    unproved = _credential(http, access_token, {"credential_configuration_id": config["scope"]})
    assert unproved.status_code == 400 and unproved.json_body["error"] == "invalid_proof"
    stale = {"proofs": {"jwt": [wallet.proof(issuer, iat=1_000_000_000)]}}
    assert _credential(http, access_token, stale).json_body["error"] == "invalid_proof"
    body = {
        "credential_configuration_id": "baccalaureate-certificate",
        "proofs": {"jwt": [wallet.proof(issuer)]},
    }
    issued = _credential(http, access_token, body)
    assert issued.status_code == 200, issued.body
    credential = issued.json_body["credentials"][0]["credential"]
    jwks = http.client.http.get("/.well-known/jwks.json").json_body
    claims = sdjwt_check.reference_verify(credential, jwks)
    assert claims["cnf"]["jwk"]["x"] == wallet.jwk["x"] and claims["cnie"] == academy.cnie
    # its status is the certificate's own bit: revoking the certificate revokes it
    sd_jwt = http.call(
        "GET", "/bac/me/certificate", academy.citizen, Accept="application/dc+sd-jwt"
    ).body.decode()
    own = jwt.decode(sd_jwt.split("~")[0], options={"verify_signature": False})["status"]
    assert claims["status"] == own
    reused = _credential(http, access_token, body)
    assert reused.status_code == 401 and reused.json_body["error"] == "invalid_token"

    # presented with only the names, bound to the wallet's key: both verifiers accept it
    shown = (
        "~".join(
            [credential.split("~")[0]]
            + [
                d
                for d in credential.split("~")[1:-1]
                if sdjwt_check.disclosures(f"x~{d}~")[0][1] == "names"
            ]
        )
        + "~"
    )
    kb = wallet.key_binding(shown, "https://employer.example", "n-42")
    assert sdjwt_check.reference_verify(shown + kb, jwks, "https://employer.example", "n-42")
    answer = http.client.http.post(
        "/public/credentials/verify",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {"presentation": shown + kb, "audience": "https://employer.example", "nonce": "n-42"}
        ),
    ).json_body
    assert (answer["verified"], answer["key_bound"]) == (True, True)
    assert set(answer["claims"]) == {"iss", "iat", "vct", "status", "session", "names"}
    replay = http.client.http.post(
        "/public/credentials/verify",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {"presentation": shown + kb, "audience": "https://other.example", "nonce": "n-42"}
        ),
    ).json_body
    assert replay["verified"] is False and "aud" in replay["reason"]


def test_an_offer_expires(http: Http, academy: Academy, clock: Callable[[datetime], None]) -> None:
    published(http, academy)
    [offer] = http.call("GET", "/me/credential-offers", academy.citizen).json_body["items"]
    code, _ = offered_code(offer["credential_offer_uri"])
    clock(datetime.now(UTC) + timedelta(minutes=11))
    late = _token(http, code, offer["tx_code"])
    assert late.status_code == 400 and late.json_body["error"] == "invalid_grant"
    bare = http.client.http.post("/vci/token", headers=FORM, body="grant_type=password")
    assert bare.status_code == 422 and "body.grant_type" in bare.body.decode()
    # staff have no wallet offers
    staff = http.client.http.get(
        "/me/credential-offers", headers={"Authorization": f"Bearer {academy.officer}"}
    )
    assert staff.status_code == 403
