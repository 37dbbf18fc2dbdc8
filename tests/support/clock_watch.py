"""What a citizen sees of a case's decision clock (law 55.19) through HTTP, checked the same
way for every service: ``GET /cases/{id}`` and ``GET /cases/{id}/receipt`` as the clock
starts at the filing, pauses while a document is owed, resumes and stops at the decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from chalicelib.workflow import clocks, legal

DAYS = legal.LAW_55_19_DAYS


def noon_days_ago(days: int) -> datetime:
    """Noon in Morocco ``days`` days ago: hours later the same day there, whatever the offset."""
    today = clocks.local_day(datetime.now(UTC)) - timedelta(days=days)
    return datetime.combine(today, time(12), clocks.ZONE).astimezone(UTC)


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@dataclass
class ClockWatch:
    """One case's decision clock, as its owner reads it."""

    client: Any
    owner: str  # the owner's token
    case_id: str
    filed_at: datetime

    def _get(self, path: str) -> Any:
        answer = self.client.http.get(path, headers={"Authorization": f"Bearer {self.owner}"})
        assert answer.status_code == 200, answer.body
        return answer.json_body

    def view(self) -> dict[str, Any]:
        case = self._get(f"/cases/{self.case_id}")
        [clock] = [c for c in case["clocks"] if c["name"] == legal.DECISION_CLOCK]
        return {**clock, "history": case["history"]}

    def receipt(self) -> dict[str, Any]:
        receipt = self._get(f"/cases/{self.case_id}/receipt")
        assert moment(receipt["filed_at"]) == self.filed_at  # born filed: at its creation
        return dict(receipt["deadlines"][0])

    def due(self, paused_days: int = 0) -> datetime:
        """The law's 60 calendar days from the filing, plus the days it was paused."""
        return clocks.add_days(self.filed_at, DAYS + paused_days, False, ())

    def running(self, paused_days: int = 0) -> None:
        shown, receipt = self.view(), self.receipt()
        assert (shown["state"], shown["unit"], shown["length"]) == ("running", "calendar_days", 60)
        assert shown["source"] == legal.LAW_55_19_SOURCE and not shown["silence_is_consent"]
        assert moment(shown["started_at"]) == self.filed_at and shown["paused_since"] is None
        assert moment(shown["due_at"]) == self.due(paused_days)
        assert (receipt["name"], receipt["state"], receipt["source"]) == (
            "decision",
            "running",
            legal.LAW_55_19_SOURCE,
        )
        assert moment(receipt["due_at"]) == self.due(paused_days)
        assert receipt["paused_since"] is None and receipt["days_used"] is None
        created = shown["history"][0]
        assert created["event"] == legal.CREATED and created["data"]["clocks"][0]["started"]

    def paused(self, since: datetime, used: int) -> None:
        shown, receipt = self.view(), self.receipt()
        assert (shown["state"], shown["due_at"]) == ("paused", None)
        assert (moment(shown["paused_since"]), shown["days_used"]) == (since, used)
        assert shown["days_left"] == DAYS - used
        assert (receipt["state"], receipt["due_at"], receipt["due_date"]) == ("paused", None, None)
        assert (moment(receipt["paused_since"]), receipt["days_used"]) == (since, used)

    def stopped(self, at: datetime, used: int, by: str) -> None:
        shown, receipt = self.view(), self.receipt()
        assert (shown["state"], moment(shown["ended_at"]), shown["days_left"]) == ("done", at, None)
        assert shown["days_used"] == used
        assert (receipt["state"], receipt["days_used"]) == ("done", used)
        notes = {h["event"]: h["data"].get("clocks") for h in shown["history"]}
        assert notes[by] == [{"clock": "decision", "stopped": at.isoformat()}]


def journey(
    watch: Callable[[datetime], ClockWatch],
    set_now: Callable[[datetime], None],
    ask: Callable[[], Any],
    answer: Callable[[], Any],
    decide: Callable[[], Any],
    decided_by: str,
) -> ClockWatch:
    """Filed 14 days ago; 3 days later a document is asked for; it comes 10 days after
    that; the decision a day later. ``watch`` files the case at the moment it is given."""
    filed = noon_days_ago(14)
    set_now(filed)
    case = watch(filed)
    case.running()

    asked = filed + timedelta(days=3)
    set_now(asked)
    assert ask().status_code == 200
    notes = {h["event"]: h["data"].get("clocks") for h in case.view()["history"]}
    assert notes["request_documents"] == [{"clock": "decision", "paused": asked.isoformat()}]
    set_now(asked + timedelta(days=5))  # still paused: the days used do not grow
    case.paused(since=asked, used=3)

    answered = asked + timedelta(days=10)
    set_now(answered)
    assert answer().status_code == 200
    case.running(paused_days=10)  # the due date moved by the ten days paused
    set_now(answered + timedelta(hours=2))
    assert case.view()["days_used"] == 3

    decided = answered + timedelta(days=1)
    set_now(decided)
    assert decide().status_code == 200
    case.stopped(decided, used=4, by=decided_by)
    return case
