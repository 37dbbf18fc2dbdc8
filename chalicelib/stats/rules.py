"""What counts, and when: pure rules of the published processing times.

- **Submission** is the case's first transition out of its machine's initial state; for a
  case born filed (its decision clock starts at its creation: ``workflow.legal.born_filed``)
  it is the creation.
- **Decision** is its first arrival in a decision state: a state the machine marks
  ``decision=True`` (granted, conditional, refused, approved, rejected ...), terminal or not.
  A state reached after a decision (an approved pupil registered in Massar) is not counted
  again; a withdrawal or a file closed for want of a reply is not a decision.
- **Days** are calendar days in Africa/Casablanca between the two dates, pauses included:
  what the applicant lived through.
- **Within the legal time**: the machine's ``decision`` clock (``workflow.legal``) as the
  engine kept it on the case: the decision came by its ``due_at``, which already counts
  pauses, extensions and working days; an ``expired`` clock (silence was consent, or the
  time ran out) is late; a clock stopped while paused never ran out. A case filed before its
  type declared the clock carries none: it is measured against the clock's length from the
  submission. A type without a decision clock decides nothing administrative.
- A decision is counted in the month (Africa/Casablanca) it was taken.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.workflow import clocks, legal
from chalicelib.workflow.clocks import DONE, EXPIRED, PAUSED
from chalicelib.workflow.machine import Clock, Machine

ZONE = ZoneInfo("Africa/Casablanca")
WINDOW_MONTHS_BACK = 3  # 90 days, widened to whole months: the current one and three before


@dataclass(frozen=True)
class StatsConfig:
    decisions: frozenset[str]
    clock: Clock | None = None  # the administration's decision clock (workflow.legal)

    @property
    def legal_days(self) -> int | None:
        return self.clock.days if self.clock else None


@dataclass(frozen=True)
class Decision:
    """One decided case, as the aggregates count it."""

    case_id: str
    service: str
    office: str
    month: str  # YYYY-MM of the decision
    days: int
    within_legal_time: bool
    version: int
    event_id: str


@dataclass(frozen=True)
class Month:
    """One month of one office (or of all offices) as stored: counts and histogram."""

    month: str
    decided: int
    within: int
    histogram: dict[int, int]


@dataclass(frozen=True)
class Window:
    start: date  # the first day of the month WINDOW_MONTHS_BACK months back
    end: date  # today
    months: tuple[str, ...]  # YYYY-MM, oldest first


def config_for(machine: Machine) -> StatsConfig:
    return StatsConfig(legal.decision_states(machine), legal.decision_clock_of(machine))


def is_decision(config: StatsConfig, old_state: str, new_state: str) -> bool:
    return new_state in config.decisions and old_state not in config.decisions


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def month_of(moment: datetime) -> str:
    return f"{local_day(moment):%Y-%m}"


def days_between(submitted_at: datetime, decided_at: datetime) -> int:
    return max(0, (local_day(decided_at) - local_day(submitted_at)).days)


def within_legal_time(
    config: StatsConfig,
    case_clocks: Mapping[str, Any],
    submitted_at: datetime,
    decided_at: datetime,
    holidays: Collection[date] = (),
) -> bool:
    if config.clock is None:
        return False  # no legal time declared: nothing to be within
    verdict = _clock_verdict(case_clocks.get(config.clock.name), decided_at)
    if verdict is not None:
        return verdict
    clock = config.clock
    return decided_at <= clocks.add_days(submitted_at, clock.days, clock.working_days, holidays)


def _clock_verdict(clock: Any, decided_at: datetime) -> bool | None:
    """What the case's own clock says, or None if it says nothing usable."""
    if not isinstance(clock, Mapping):
        return None
    state, due = clock.get("state"), clock.get("due_at")
    if state == EXPIRED:
        return False
    if isinstance(due, str):
        try:
            due_at = datetime.fromisoformat(due.replace("Z", "+00:00"))
        except ValueError:
            return None
        return decided_at <= due_at if due_at.tzinfo is not None else None
    # No due date: the clock was paused (the applicant's turn) when the decision came.
    return True if state in (DONE, PAUSED) else None


def window(today: date) -> Window:
    """The months overlapping the last 90 days, whole: from the first of the month three
    months back to today (from 1 February on 15 May)."""
    year, month = today.year, today.month - WINDOW_MONTHS_BACK
    if month < 1:
        year, month = year - 1, month + 12
    months = []
    for _ in range(WINDOW_MONTHS_BACK + 1):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Window(date.fromisoformat(f"{months[0]}-01"), today, tuple(months))
