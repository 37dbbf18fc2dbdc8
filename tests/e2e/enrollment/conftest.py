"""Fixtures of the pre-registration journeys: a fresh school of the test stack, the event
pump (streams and queues delivered in-process), and the clock the service reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import app as app_module
from chalicelib import clock
from scripts.local_events import Pump
from tests.support.route_samples.enrollment import seed_school


@pytest.fixture
def school(stack: Any) -> str:
    code = f"E2E-{uuid.uuid4().hex[:6].upper()}"
    seed_school(code)
    return code


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Sets the moment the service takes for now (filing day, transitions)."""
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return lambda at: moment.__setitem__(0, at)
