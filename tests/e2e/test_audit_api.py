"""The audit trail through HTTP with real tokens: the public signed digest, the admin reader
paging both chains newest first, and ``make audit-verify`` finding a tampered record with
nothing but the public key the API serves."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
from chalice import Chalice  # type: ignore[attr-defined]
from chalice.test import Client

import app as app_module
from chalicelib import clock
from chalicelib.api.http_app import assemble
from chalicelib.audit import digest, statement
from chalicelib.audit.routes import audit_trail
from scripts import audit_verify
from tests.support.aws_calls import RECORDER
from tests.support.demo_app import demo_app
from tests.support.local_server import serving

DIGEST_PATH = "/public/audit-digests/{date}"


@pytest.fixture
def public(client: Any) -> Iterator[Any]:
    """The app's HTTP client; until app.py registers the digests blueprint, the app's
    blueprints plus that one."""
    if any(r == DIGEST_PATH for r in app_module.app.routes):
        yield client.http
        return
    with_digests = assemble(
        Chalice(app_name="audit-digests-test", configure_logs=False),
        *app_module.BLUEPRINTS,
        audit_trail,
    )
    with Client(with_digests, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(demo_app, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Any:
    """on_day(day): from now on, the app's clock (transitions and staff reads) ticks a minute
    per reading on ``day``."""

    def set_day(day: date) -> None:
        minutes = itertools.count()
        start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)

        def tick() -> datetime:
            return start + timedelta(minutes=next(minutes))

        monkeypatch.setattr(clock, "now", tick)

    return set_day


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def a_working_day(http: Any, token: Any, owner: str) -> str:
    """Filed, read by the office, submitted, read, asked for a complement: 5 records."""
    citizen = headers(token("citizen", sub=owner))
    officer = headers(token("equivalence_officer", office="MEN", sub=f"officer-of-{owner}"))
    body = json.dumps({"office": "MEN", "summary": "my file", "email": "a@demo.invalid"})
    case_id = str(http.post("/demo/cases", headers=citizen, body=body).json_body["id"])
    steps = [
        ("GET", f"/cases/{case_id}", officer, None),
        ("POST", f"/demo/cases/{case_id}/actions/submit", citizen, "{}"),
        ("GET", f"/cases/{case_id}", officer, None),
        ("POST", f"/demo/cases/{case_id}/actions/request_complement", officer,
         json.dumps({"reason": "the diploma, authenticated"})),
    ]  # fmt: skip
    for method, path, who, payload in steps:
        answer = http.request(method, path, headers=who, body=payload)
        assert answer.status_code == 200, answer.body
    return case_id


def published_next_morning(day: date) -> dict[str, Any]:
    """What the daily schedule does at 00:05 after ``day`` (the test's clock stays on ``day``)."""
    morning = datetime.combine(day + timedelta(days=1), time(0, 5), UTC)
    with mock.patch.object(clock, "now", lambda: morning):
        return digest.publish_digest(day)


def test_the_public_digest_is_signed_and_needs_no_token(
    public: Any, http: Any, token: Any, on_day: Any
) -> None:
    day = date(2026, 4, 1)
    on_day(day)
    a_working_day(http, token, "citizen-digest")
    published = published_next_morning(day)  # what the daily schedule does for yesterday
    answer = public.get(f"/public/audit-digests/{day}")
    assert answer.status_code == 200, answer.body
    assert answer.json_body == published and published["count"] == 5
    assert "immutable" in answer.headers["Cache-Control"]
    assert "citizen-digest" not in answer.body.decode()  # counts and hashes only
    jwks = public.get("/.well-known/jwks.json").json_body["keys"]
    key = next(k for k in jwks if k["kid"] == published["key_id"])
    assert statement.signature_valid(answer.json_body, statement.public_key(key))


def test_a_day_without_a_digest_is_404_and_a_malformed_date_422(public: Any) -> None:
    missing = public.get("/public/audit-digests/1999-01-01", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    for bad in ("2026-02-30", "20260401", "yesterday", "2026-4-1"):
        answer = public.get(f"/public/audit-digests/{bad}")
        assert answer.status_code == 422, bad
        assert answer.json_body["errors"][0]["field"] == "path.date"


def test_the_admin_reader_pages_both_chains_newest_first(http: Any, token: Any) -> None:
    case_id = a_working_day(http, token, "citizen-pages")
    admin = headers(token("admin"))
    seen, url = [], f"/audit?case={case_id}&limit=2"
    while url:
        page = http.get(url, headers=admin).json_body
        seen += [(item["action"], item["at"]) for item in page["items"]]
        url = f"/audit?case={case_id}&limit=2&cursor={page['next']}" if page["next"] else ""
    assert [action for action, _ in seen] == [
        "transition:request_complement",
        "read",
        "transition:submit",
        "read",
        "transition:created",
    ]
    assert [at for _, at in seen] == sorted((at for _, at in seen), reverse=True)


def test_audit_verify_names_a_tampered_record_with_the_apis_public_key(
    http: Any, token: Any, on_day: Any, stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    day = date(2026, 4, 2)
    on_day(day)
    case_id = a_working_day(http, token, "citizen-verified")
    published_next_morning(day)
    with serving(app_module.app) as base:
        command = ["--date", str(day), "--here", "--jwks", f"{base}/.well-known/jwks.json"]
        RECORDER.clear()
        assert audit_verify.main(command) == 0, capsys.readouterr().out
        boto3.client("dynamodb").update_item(
            TableName=stack.env["AUDIT_TABLE"],
            Key={"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": "R#000002"}},
            UpdateExpression="SET reason = :other",
            ExpressionAttributeValues={":other": {"S": "nothing to see"}},
        )
        capsys.readouterr()
        assert audit_verify.main(command) == 1
    assert f"MISMATCH at CASE#{case_id} R#000002: hash:" in capsys.readouterr().out
    assert not [c for c in RECORDER.of("kms") if c.operation in ("Verify", "Sign")]
