"""eTimbre's e2e fixtures: the app through chalice's test client, the stand-in gateway over
real HTTP (its callbacks delivered to the app's webhook through the same client), tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

import app as app_module
import chalicelib.clock
from scripts.local_events import Pump
from scripts.standins.payment_gateway import StandInGateway, use_standin

WEBHOOK = "/etimbre/payments/webhook"


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(app_module.app, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def gateway(http: Any) -> StandInGateway:
    def deliver(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        answer = http.post(WEBHOOK, body=body, headers=headers)
        return answer.status_code, json.loads(answer.body or b"null")

    return use_standin(deliver)


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the app's "now" (the route handlers run in this process)."""
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(chalicelib.clock, "now", lambda: moment[0])

    def set_to(at: datetime) -> None:
        moment[0] = at

    return set_to
