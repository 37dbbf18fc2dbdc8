"""What counts, and when: pure rules of the published processing times.

- **Submission** is the case's first transition out of its machine's initial state.
- **Decision** is its first arrival in a decision state. By default the decision states of a
  case type are its terminal states except those whose name says the administration did not
  decide on the merits: a withdrawal, a file closed or cancelled for want of a reply, an
  abandoned one (``NOT_DECISIONS``). A case type can name them itself with ``configure``.
- **Days** are calendar days in Africa/Casablanca between the two dates, pauses included:
  what the applicant lived through.
- **Within the legal time**: the case's own legal clock decides when the case item carries
  one (``chalicelib/workflow/clocks.py``): the decision came by its ``due_at``, which
  already counts pauses, extensions and working days; an ``expired`` clock (silence was
  consent, or the time ran out) is late; a clock stopped while paused never ran out. The
  legal clock of a case type is its first clock that is not an appeal window and that a
  decision stops (or its expiry fires). Without one, the decision must come at most
  ``legal_days`` (60: law 55.19) calendar days after the submission.
- A decision is counted in the month (Africa/Casablanca) it was taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.workflow.clocks import DONE, EXPIRED, PAUSED
from chalicelib.workflow.machine import Machine, StateKind

ZONE = ZoneInfo("Africa/Casablanca")
LEGAL_DAYS = 60  # law 55.19: the administration answers within 60 days at most
NOT_DECISIONS = ("withdraw", "closed", "cancel", "abandon")
LEGAL_CLOCK = "decision"  # the clock read when a case type declares none that fits
WINDOW_MONTHS_BACK = 3  # 90 days, widened to whole months: the current one and three before


@dataclass(frozen=True)
class StatsConfig:
    decisions: frozenset[str]
    legal_days: int = LEGAL_DAYS
    legal_clock: str = LEGAL_CLOCK  # the case clock holding the administration's deadline


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


_OVERRIDES: dict[str, StatsConfig] = {}


def configure(case_type: str, config: StatsConfig) -> None:
    """A case type's own rule, for when the default one (see above) does not fit."""
    _OVERRIDES[case_type] = config


def config_for(machine: Machine) -> StatsConfig:
    override = _OVERRIDES.get(machine.case_type)
    if override is not None:
        return override
    decisions = frozenset(
        s.name
        for s in machine.states
        if s.kind is StateKind.TERMINAL and not any(w in s.name for w in NOT_DECISIONS)
    )
    return StatsConfig(decisions, legal_clock=_legal_clock(machine, decisions))


def _legal_clock(machine: Machine, decisions: frozenset[str]) -> str:
    deciding = {t.name for t in machine.transitions if t.target in decisions}
    for clock in machine.clocks:
        if not clock.appeal and {*clock.stop, clock.on_expiry} & deciding:
            return clock.name
    return LEGAL_CLOCK


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
    clocks: Mapping[str, Any],
    submitted_at: datetime,
    decided_at: datetime,
) -> bool:
    verdict = _clock_verdict(clocks.get(config.legal_clock), decided_at)
    if verdict is not None:
        return verdict
    return days_between(submitted_at, decided_at) <= config.legal_days


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
