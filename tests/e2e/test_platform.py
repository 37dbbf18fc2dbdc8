"""Health, keys, the API description and the audit reader, through HTTP with real tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from openapi_spec_validator import validate

from app import app
from chalicelib.api.routing import specs_of
from chalicelib.store.audit import AuditRecord
from chalicelib.store.binding import bound


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def test_health_reports_every_dependency(client: Any) -> None:
    answer = client.http.get("/health")
    assert answer.status_code == 200
    report = answer.json_body
    assert report["status"] == "ok" and report["stage"] == "local"
    names = {c["name"] for c in report["checks"]}
    assert {"dynamodb:cases", "dynamodb:audit", "s3:documents", "kms:signing-key"} <= names
    assert all(c["status"] == "ok" for c in report["checks"])


def test_jwks_publishes_the_key_that_signs(client: Any, stack: Any) -> None:
    jwk = client.http.get("/.well-known/jwks.json").json_body["keys"][0]
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and jwk["alg"] == "ES256"
    message = b"a certificate to verify"
    signature = boto3.client("kms").sign(
        KeyId=stack.env["SIGNING_KEY_ID"],
        Message=message,
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )["Signature"]
    public = ECAlgorithm.from_jwk(json.dumps(jwk))
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, message, ec.ECDSA(hashes.SHA256()))  # raises if it does not match


def test_openapi_is_valid_3_1_and_describes_every_route(client: Any) -> None:
    answer = client.http.get("/openapi.json")
    assert answer.status_code == 200
    document = answer.json_body
    assert document["openapi"] == "3.1.0"
    validate(document)
    described = {(m.upper(), p) for p, item in document["paths"].items() for m in item}
    assert described == {(s.method, s.path) for s in specs_of(app)}
    audit = document["paths"]["/audit"]["get"]
    assert {p["name"] for p in audit["parameters"]} >= {"case", "limit", "cursor"}
    assert audit["security"] == [{"bearer": []}]
    assert "application/problem+json" in json.dumps(document["components"]["responses"])


def test_docs_page_renders_the_spec_with_its_own_assets(client: Any) -> None:
    answer = client.http.get("/docs")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    page = answer.body.decode()
    assert "openapi.json" in page
    assert "<script src=" not in page and "<link" not in page  # nothing from a CDN


def _write_audit(case_id: str, count: int) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with bound(AuditRecord).batch_write() as batch:
        for n in range(count):
            at = (start + timedelta(minutes=n)).isoformat()
            batch.save(
                AuditRecord(
                    f"CASE#{case_id}",
                    f"{'TR'[n % 2]}#{n // 2 + 1:06d}",  # both chains, interleaved in time
                    case_id=case_id,
                    at=at,
                    actor=f"agent-{n}",
                    role="consular_agent",
                    office="PAR",
                    action="read",
                    correlation_id=f"c{n}",
                )
            )


def test_audit_pages_newest_first_with_cursors(client: Any, token: Any) -> None:
    _write_audit("CASE-PAGES", 25)
    admin = bearer(token("admin"))
    seen: list[str] = []
    url = "/audit?case=CASE-PAGES&limit=10"
    pages = 0
    while url:
        answer = client.http.get(url, headers=admin)
        assert answer.status_code == 200, answer.body
        pages += 1
        seen += [item["at"] for item in answer.json_body["items"]]
        cursor = answer.json_body["next"]
        url = f"/audit?case=CASE-PAGES&limit=10&cursor={cursor}" if cursor else ""
    assert pages == 3
    assert len(seen) == len(set(seen)) == 25
    assert seen == sorted(seen, reverse=True)


def test_a_cursor_is_bound_to_its_list_and_tamper_evident(client: Any, token: Any) -> None:
    _write_audit("CASE-A", 3)
    admin = bearer(token("admin"), **{"Accept-Language": "en"})
    cursor = client.http.get("/audit?case=CASE-A&limit=1", headers=admin).json_body["next"]
    for url in (
        f"/audit?case=CASE-B&cursor={cursor}",
        f"/audit?case=CASE-A&cursor={cursor}x",
        "/audit?case=CASE-A&cursor=eyJwayI6IngifQ.AAAA",
    ):
        answer = client.http.get(url, headers=admin)
        assert answer.status_code == 400
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json_body["errors"][0]["field"] == "cursor"


def test_audit_needs_the_case_parameter(client: Any, token: Any) -> None:
    answer = client.http.get("/audit", headers=bearer(token("admin")))
    assert answer.status_code == 422
    assert answer.json_body["errors"][0]["field"] == "query.case"


def test_titles_follow_accept_language(client: Any) -> None:
    titles = {}
    for language in ("ar", "fr", "en"):
        answer = client.http.get("/audit?case=X", headers={"Accept-Language": language})
        assert answer.status_code == 401
        assert answer.headers["Content-Language"] == language
        titles[language] = answer.json_body["title"]
    assert titles == {
        "ar": "يلزم تسجيل الدخول",
        "fr": "Authentification requise",
        "en": "Authentication required",
    }


def test_chalice_errors_become_problems(client: Any) -> None:
    answer = client.http.delete("/health", headers={"Accept-Language": "fr"})
    assert answer.status_code == 405
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json_body["title"] == "Méthode non autorisée"
    assert answer.headers["Allow"] == "GET"


def test_correlation_id_is_echoed_or_made(client: Any) -> None:
    given = client.http.get("/openapi.json", headers={"X-Correlation-Id": "trace-1234567"})
    assert given.headers["X-Correlation-Id"] == "trace-1234567"
    made = client.http.get("/openapi.json", headers={"X-Correlation-Id": "bad id!"})
    assert made.headers["X-Correlation-Id"] not in ("", "bad id!")
