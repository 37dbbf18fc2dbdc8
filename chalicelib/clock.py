"""The app's one clock. Every rule that depends on the time asks ``clock.now()``; tests move
time by replacing ``chalicelib.clock.now`` (``monkeypatch.setattr(clock, "now", ...)``), and the
whole app, from the case engine to the rate limiter, follows."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def timestamp() -> float:
    """The current moment in seconds since the epoch (rate-limit windows, budgets, TTLs)."""
    return now().timestamp()
