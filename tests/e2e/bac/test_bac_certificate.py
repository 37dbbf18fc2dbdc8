"""The digital certificate through HTTP: signed with the published key (checked here by PyJWT,
not the project's signing code), shared, verified by anyone, revoked, and read in a browser."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jwt
import pytest
import requests

import app as app_module
from chalicelib import clock
from chalicelib.settings import get_settings
from tests.e2e.bac.conftest import YEAR, Academy, Http
from tests.support.browser import needs_chromium, page_text
from tests.support.local_server import serving

JSON_ONLY = {"Accept": "application/json"}


def published(http: Http, academy: Academy) -> None:
    assert academy.import_list(http).json_body["state"] == "done"
    academy.publish(http)


def test_the_signature_checks_with_the_published_key_alone(http: Http, academy: Academy) -> None:
    published(http, academy)
    certificate = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    jwks = http.client.http.get("/.well-known/jwks.json").json_body

    kid = jwt.get_unverified_header(certificate["jws"])["kid"]
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid)
    claims = jwt.decode(certificate["jws"], key.key, algorithms=["ES256"])
    assert claims == certificate["claims"]
    assert (claims["cnie"], claims["session"], claims["average"], claims["mention"]) == (
        academy.cnie,
        YEAR,
        "14.15",
        "bien",
    )
    assert claims["names"] == {"ar": "سلمى العلوي", "fr": "Salma Alaoui"}
    tampered = certificate["jws"].split(".")
    tampered[1] = jwt.utils.base64url_encode(
        json.dumps({**claims, "average": "19.99"}).encode()
    ).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(".".join(tampered), key.key, algorithms=["ES256"])

    pdf = http.call("GET", "/bac/me/certificate", academy.citizen, Accept="application/pdf")
    assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")
    again = http.call("GET", "/bac/me/certificate", academy.citizen).json_body
    assert again["certificate_id"] == certificate["certificate_id"]  # issued once


def test_a_share_is_verified_then_revoked(
    http: Http, academy: Academy, token: Callable[..., str], clock: Callable[[datetime], None]
) -> None:
    published(http, academy)
    too_long = {"recipient": "Université Mohammed V", "days": 91}
    assert (
        http.call("POST", "/bac/me/certificate/shares", academy.citizen, too_long).status_code
        == 422
    )
    share = http.call(
        "POST",
        "/bac/me/certificate/shares",
        academy.citizen,
        {"recipient": "Université Mohammed V", "days": 30},
        Host="forged.example",  # the link comes from the configured base URL, never the Host
    ).json_body
    assert len(share["code"]) >= 32
    assert share["link"] == f"{get_settings().public_base_url}/public/certificates/{share['code']}"
    assert share["id"] not in share["code"]

    public = f"/public/certificates/{share['code']}"
    for _ in range(2):
        valid = http.client.http.get(public, headers=JSON_ONLY)
        assert valid.status_code == 200
        assert valid.json_body["status"] == "valid"
        assert valid.json_body["certificate"]["cnie"] == academy.cnie
    listed = http.call("GET", "/bac/me/certificate/shares", academy.citizen).json_body["items"]
    mine = next(s for s in listed if s["id"] == share["id"])
    assert mine["verified_count"] == 2 and len(mine["verified_at"]) == 2

    stranger = token("citizen", acr="cnie", cnie=academy.cnie, sub="someone-else")
    path = f"/bac/me/certificate/shares/{share['id']}"
    assert http.call("DELETE", path, stranger).status_code == 404
    assert http.call("DELETE", path, academy.citizen).status_code == 204
    revoked = http.client.http.get(public, headers=JSON_ONLY)
    assert (revoked.status_code, revoked.json_body["status"]) == (200, "revoked")
    assert revoked.json_body["certificate"] is None

    other = http.call(
        "POST", "/bac/me/certificate/shares", academy.citizen, {"recipient": "Bourse", "days": 1}
    ).json_body
    clock(datetime.now(UTC) + timedelta(days=1, seconds=1))
    expired = http.client.http.get(f"/public/certificates/{other['code']}", headers=JSON_ONLY)
    assert expired.json_body["status"] == "expired"
    unknown = http.client.http.get("/public/certificates/S" + "x" * 32, headers=JSON_ONLY)
    assert (unknown.status_code, unknown.json_body["status"]) == (200, "unknown")


def test_verification_is_rate_limited_per_client(
    http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        clock, "now", lambda: datetime.fromtimestamp(4_000_000_000.0, UTC)
    )  # a minute of its own
    answers = [
        http.client.http.get("/public/certificates/S" + "y" * 32, headers=JSON_ONLY)
        for _ in range(31)
    ]
    assert {a.json_body["status"] for a in answers[:30]} == {"unknown"}
    assert answers[30].status_code == 429 and "Retry-After" in answers[30].headers


@needs_chromium
def test_a_browser_reads_the_verification_page_in_arabic_and_french(
    http: Http, academy: Academy
) -> None:
    published(http, academy)
    with serving(app_module.app) as base:
        headers = {"Authorization": f"Bearer {academy.citizen}"}
        share = requests.post(
            f"{base}/bac/me/certificate/shares",
            json={"recipient": "École", "days": 10},
            headers=headers,
            timeout=30,
        ).json()
        # The link names the public base URL; this server listens elsewhere, on the same paths.
        assert share["link"].startswith(get_settings().public_base_url + "/public/")
        page = base + urlsplit(share["link"]).path
        text = page_text(page)
        as_program = requests.get(page, timeout=30)
    assert "شهادة صالحة" in text and "Certificat valide" in text
    assert "Salma Alaoui" in text and "سلمى العلوي" in text and academy.cnie in text
    assert 'dir="rtl"' in text
    assert as_program.headers["Content-Type"].startswith("application/json")
    assert as_program.json()["status"] == "valid"


def test_certificate_shares_have_a_daily_quota(
    http: Http, academy: Academy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import quotas

    monkeypatch.setitem(quotas.QUOTAS, "bac-certificate-share", quotas.Quota(2, quotas.DAY, "t"))
    published(http, academy)
    body = {"recipient": "Université Mohammed V", "days": 30}
    for _ in range(2):
        made = http.call("POST", "/bac/me/certificate/shares", academy.citizen, body)
        assert made.status_code == 201
    refused = http.call("POST", "/bac/me/certificate/shares", academy.citizen, body)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
