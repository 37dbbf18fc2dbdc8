"""The timer callback picks its handler by the deadline's name: a stamp's expiry goes to
eTimbre's handler (registered by the package), any other deadline to its case. Through
``app.timer_callbacks`` and the real timer: ``tests/e2e/etimbre/test_etimbre_use_api.py``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.services.etimbre import domain, payment
from chalicelib.services.etimbre.purchase import purchase
from chalicelib.store.etimbre import reads, stamps
from chalicelib.workflow import timers
from chalicelib.workflow.callbacks import timer_fired
from tests.integration.etimbre.test_etimbre_store import BUYER


def message(case_id: str, deadline: str) -> dict[str, str]:
    return {"case_id": case_id, "deadline": deadline, "due_at": "2026-01-01T00:00:00Z"}


def test_the_package_registers_its_expiry_handler_by_prefix(stack: Any) -> None:
    handler = timers.handler_for(stamps.EXPIRY_TIMER)
    assert handler is payment.stamp_timer_fired  # imported on first use
    assert timers.handler_for("complement_due") is None
    assert timers.handler_for("clock:decision") is None


def test_both_kinds_of_deadline_reach_their_handler(stack: Any, monkeypatch: Any) -> None:
    assert timer_fired(message("0" * 32, stamps.EXPIRY_TIMER)) == "unknown stamp"
    assert timer_fired(message("no-such-case", "complement_due")) == "unknown case"
    stamp = purchase(BUYER, "passport", "NL-AMS", "online", "", "fr")
    later = datetime.now(UTC) + domain.PAYMENT_WINDOW + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert timer_fired(message(stamp.stamp_id, stamps.EXPIRY_TIMER)) == "expired"
    expired = reads.get(stamp.stamp_id)
    assert expired is not None and expired.state == domain.EXPIRED


def test_a_registered_prefix_wins_and_the_longest_one_first(stack: Any) -> None:
    seen: list[str] = []

    def handler(name: str) -> timers.TimerHandler:
        def handle(message: dict[str, Any]) -> str:
            seen.append(name)
            return name

        return handle

    timers.register_timer_handler("test-dispatch:", handler("short"))
    timers.register_timer_handler("test-dispatch:long", handler("long"))
    try:
        assert timer_fired(message("x", "test-dispatch:long:1")) == "long"
        assert timer_fired(message("x", "test-dispatch:other")) == "short"
        assert seen == ["long", "short"]
    finally:
        timers._HANDLERS.pop("test-dispatch:", None)
        timers._HANDLERS.pop("test-dispatch:long", None)
