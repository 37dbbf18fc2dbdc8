"""The per-client rate limit of public endpoints, against the real table under moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice import Blueprint, Chalice  # type: ignore[attr-defined]
from chalice.local import LambdaEventConverter
from chalice.test import Client

from chalicelib import clock
from chalicelib.api import ratelimit
from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.http_app import assemble
from chalicelib.api.routing import Call, route
from chalicelib.settings import get_settings
from chalicelib.store import ratelimit as counter_store
from infra import policy as iam
from tests.integration.test_least_privilege import allowed, requests_of
from tests.support.aws_calls import RECORDER, ApiCall

limited = Blueprint(__name__)


@route(limited, "GET", "/limited", summary="A limited public route", access=PUBLIC)
def limited_view(call: Call) -> dict[str, bool]:
    ratelimit.limit(call, "foundation-test", per_minute=60)
    return {"ok": True}


@route(limited, "GET", "/mine", summary="A signed-in route", access=allow("citizen"))
def signed_in_view(call: Call) -> dict[str, bool]:
    return {"ok": True}


limited_app = assemble(Chalice(app_name="ratelimit-test", configure_logs=False), limited)
# 20 s into a minute: 40 s of it are left, whatever the wall clock says.
FROZEN = 1_900_000_040.0  # 1_900_000_020 is a whole minute


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    moment = [FROZEN]
    monkeypatch.setattr(clock, "now", lambda: datetime.fromtimestamp(moment[0], UTC))
    yield moment


def _get(test_client: Any, monkeypatch: pytest.MonkeyPatch, ip: str) -> Any:
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", ip)
    return test_client.http.get("/limited", headers={"Accept-Language": "fr"})


def test_the_61st_call_in_a_minute_is_a_429_and_another_client_is_not_affected(
    stack: Any, frozen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Client(limited_app, stage_name="local") as test_client:
        for _ in range(60):
            assert _get(test_client, monkeypatch, "203.0.113.9").status_code == 200

        refused = _get(test_client, monkeypatch, "203.0.113.9")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "40"
        problem = json.loads(refused.body)
        assert problem["type"] == "urn:khidmat:problem:too-many-requests"
        assert problem["title"] == "Trop de requêtes"

        assert _get(test_client, monkeypatch, "198.51.100.4").status_code == 200

        frozen_clock[0] = FROZEN + 40  # the next minute: a fresh window
        assert _get(test_client, monkeypatch, "203.0.113.9").status_code == 200


def test_counters_expire_and_never_hold_the_address(
    stack: Any, frozen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    with Client(limited_app, stage_name="local") as test_client:
        assert _get(test_client, monkeypatch, "192.0.2.77").status_code == 200
    table = boto3.resource("dynamodb").Table(get_settings().idempotency_table)
    key = ratelimit.client_key("192.0.2.77")
    window = int(FROZEN // 60) * 60
    item = table.get_item(Key={"id": f"{counter_store.PREFIX}foundation-test#{window}#{key}"})[
        "Item"
    ]
    assert item["calls"] == 1
    assert item["expiration"] > FROZEN + 40  # the table's TTL attribute
    assert "192.0.2.77" not in json.dumps(item, default=str)


def test_a_public_route_fails_closed_when_its_counter_does_not_answer(
    stack: Any, frozen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unlimited public route is what a scraper waits for: 503, never a free pass."""
    with Client(limited_app, stage_name="local") as test_client:
        assert _get(test_client, monkeypatch, "203.0.113.50").status_code == 200
        _counters_down(monkeypatch)
        refused = _get(test_client, monkeypatch, "203.0.113.50")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"


def test_a_signed_in_identity_has_its_allowance_of_the_minute(
    stack: Any, frozen_clock: list[float], token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api.routing import IDENTITY_CALLS_PER_MINUTE

    monkeypatch.setitem(IDENTITY_CALLS_PER_MINUTE, "citizen", 5)
    scripted = {"Authorization": f"Bearer {token('citizen', sub='scripted')}"}
    honest = {"Authorization": f"Bearer {token('citizen', sub='honest')}"}
    with Client(limited_app, stage_name="local") as test_client:
        for _ in range(5):
            assert test_client.http.get("/mine", headers=scripted).status_code == 200
        refused = test_client.http.get("/mine", headers={**scripted, "Accept-Language": "ar"})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "40"
        assert json.loads(refused.body)["title"] == "طلبات كثيرة جدا"
        assert test_client.http.get("/mine", headers=honest).status_code == 200
        frozen_clock[0] = FROZEN + 40
        assert test_client.http.get("/mine", headers=scripted).status_code == 200
        _counters_down(monkeypatch)  # a signed-in caller is accountable: the call goes on
        assert test_client.http.get("/mine", headers=honest).status_code == 200


def _counters_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB stops answering the counters' writes (the store says so in its own words)."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    inner = BaseClient._make_api_call

    def unavailable(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        counter = str(params.get("Key", {}).get("id", {}).get("S", ""))
        if operation == "UpdateItem" and counter.startswith(counter_store.PREFIX):
            error = {"Error": {"Code": "ServiceUnavailable", "Message": "down"}}
            raise ClientError(error, operation)
        return inner(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", unavailable)


def test_a_key_that_cannot_be_read_fails_closed_in_public_and_open_for_signed_in_callers(
    stack: Any, frozen_clock: list[float], token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counters' ids are hashed under the app's secret: a cold start that cannot read it
    is a counter that does not answer, with the same answers."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    from chalicelib.store import secrets

    inner = BaseClient._make_api_call

    def no_secret(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "GetSecretValue":
            error = {"Error": {"Code": "InternalServiceError", "Message": "down"}}
            raise ClientError(error, operation)
        return inner(client, operation, params)

    secrets.cursor_key.cache_clear()
    monkeypatch.setattr(BaseClient, "_make_api_call", no_secret)
    signed_in = {"Authorization": f"Bearer {token('citizen', sub='keyless')}"}
    with Client(limited_app, stage_name="local") as test_client:
        refused = _get(test_client, monkeypatch, "203.0.113.51")
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        assert test_client.http.get("/mine", headers=signed_in).status_code == 200


def test_buckets_are_counted_apart(stack: Any, frozen_clock: list[float]) -> None:
    from chalicelib.store import ratelimit as counters

    window = int(FROZEN // 60) * 60
    assert counters.take("a", "k", window, window + 60, 1)
    assert not counters.take("a", "k", window, window + 60, 1)
    assert counters.take("b", "k", window, window + 60, 1)


def test_the_dev_policy_allows_the_counter_calls_that_pass_and_fail(
    stack: Any, frozen_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    failed: list[Any] = []
    inner = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        try:
            return inner(client, operation, params)
        except ClientError:
            failed.append((client.meta.service_model.service_name, operation, params))
            raise

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    RECORDER.clear()
    with Client(limited_app, stage_name="local") as test_client:
        for _ in range(61):
            _get(test_client, monkeypatch, "203.0.113.200")
    assert [op for _, op, _ in failed] == ["UpdateItem"]  # the refused 61st call
    calls = [*RECORDER.calls, *(ApiCall(s, o, dict(p)) for s, o, p in failed)]
    document = iam.policy("dev")
    requests = [r for call in calls for r in requests_of(call)]
    assert "dynamodb:UpdateItem" in {action for action, _, _ in requests}
    assert all(allowed(document, r) for r in requests), requests
