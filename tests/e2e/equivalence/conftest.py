"""The fixtures of the equivalence journeys: the app's HTTP client, a movable clock (the
engine's ``now``) and a journey with a fresh applicant and a MESRSI officer."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

import app as app_module
import chalicelib.clock
from scripts.local_events import Pump
from tests.e2e.equivalence.eq_support import Journey


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(app_module.app, stage_name="local") as client:
        yield client.http


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment_ = [datetime.now(UTC).replace(hour=11, minute=0)]
    monkeypatch.setattr(chalicelib.clock, "now", lambda: moment_[0])

    def set_to(at: datetime) -> None:
        moment_[0] = at

    return set_to


@pytest.fixture
def journey(http: Any, token: Any, stack: Any) -> Journey:
    citizen = token("citizen", sub=f"eq-{uuid.uuid4().hex[:10]}")
    officer = token("equivalence_officer", office="MESRSI")
    return Journey(http, Pump(app_module, stack.env), citizen, officer, token)
