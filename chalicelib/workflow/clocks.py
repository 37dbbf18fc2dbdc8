"""Legal clocks: the time a law gives (the administration to decide, the applicant to ask for
review), counted in calendar or working days, paused while the applicant owes something.

Pure: dates in, dates out. A clock's state is JSON on the case (``case.clocks[name]``); its
due time is always recomputed from that state, so pausing, resuming and extending are just
records, and the due date moves by the paused days counted in the clock's own kind of days.
A clock with an ``on_expiry`` transition is also the deadline ``clock:<name>``, which the
timer mechanism turns into a Step Functions execution.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from chalicelib.workflow.machine import Clock, Machine

ZONE = ZoneInfo("Africa/Casablanca")  # deadlines fall due at the end of a Moroccan day
RUNNING, PAUSED, DONE, EXPIRED = "running", "paused", "done", "expired"
PREFIX = "clock:"
SLACK = timedelta(seconds=1)  # timers are armed to the second (engine.due_timer allows as much)


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Morocco, in UTC (the zone's offset changes in Ramadan)."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), ZONE)
    return (midnight - timedelta(seconds=1)).astimezone(UTC)


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def elapsed(start: datetime, end: datetime, working: bool, holidays: Collection[date]) -> int:
    """Days of the kind in (start's day, end's day]: the day a clock starts does not count."""
    first, last = local_day(start), local_day(end)
    if not working:
        return max(0, (last - first).days)
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(1 for day in days if is_working_day(day, holidays))


def add_days(start: datetime, n: int, working: bool, holidays: Collection[date]) -> datetime:
    """When ``n`` days of the kind after ``start`` run out: the end of the n-th such day."""
    day = local_day(start)
    if not working:
        return end_of_day(day + timedelta(days=n))
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return end_of_day(day)


@dataclass(frozen=True)
class ClockState:
    """A clock on a case, as kept in ``case.clocks[name]``."""

    started_at: datetime
    due_at: datetime | None  # None while paused: it is not known until the clock resumes
    state: str = RUNNING
    paused: tuple[tuple[datetime, datetime | None], ...] = ()
    extended_days: int = 0
    ended_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "paused": [[a.isoformat(), b.isoformat() if b else None] for a, b in self.paused],
            "extended_days": self.extended_days,
            "due_at": _iso(self.due_at),
            "state": self.state,
            "ended_at": _iso(self.ended_at),
        }

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ClockState:
        return cls(
            started_at=datetime.fromisoformat(data["started_at"]),
            due_at=_moment(data.get("due_at")),
            state=str(data.get("state", RUNNING)),
            paused=tuple(
                (datetime.fromisoformat(a), _moment(b)) for a, b in data.get("paused", [])
            ),
            extended_days=int(data.get("extended_days", 0)),
            ended_at=_moment(data.get("ended_at")),
        )

    @property
    def live(self) -> bool:
        return self.state in (RUNNING, PAUSED)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# The clock's own units: days of its kind, or seconds for clocks that tests run for real.
def _count(clock: Clock, a: datetime, b: datetime, holidays: Collection[date]) -> int:
    if clock.seconds:
        return max(0, int((b - a).total_seconds()))
    return elapsed(a, b, clock.working_days, holidays)


def _add(clock: Clock, a: datetime, n: int, holidays: Collection[date]) -> datetime:
    if clock.seconds:
        return a + timedelta(seconds=n)
    return add_days(a, n, clock.working_days, holidays)


def allowed(clock: Clock, s: ClockState) -> int:
    """The clock's length, with its extension: in its units."""
    return (clock.seconds or clock.days) + s.extended_days


def due(clock: Clock, s: ClockState, holidays: Collection[date]) -> datetime:
    """Start + allowed time + every closed pause, counted in the clock's units."""
    paused = sum(_count(clock, a, b, holidays) for a, b in s.paused if b is not None)
    return _add(clock, s.started_at, allowed(clock, s) + paused, holidays)


def used(clock: Clock, s: ClockState, at: datetime, holidays: Collection[date]) -> int:
    """How much of the allowed time has run by ``at`` (pauses do not count)."""
    at = min(at, s.ended_at) if s.ended_at else at
    paused = sum(_count(clock, a, b or at, holidays) for a, b in s.paused)
    return _count(clock, s.started_at, at, holidays) - paused


def paused_since(s: ClockState) -> datetime | None:
    """When the running pause began, if the clock is paused now."""
    if s.state != PAUSED or not s.paused or s.paused[-1][1] is not None:
        return None
    return s.paused[-1][0]


def days_left(clock: Clock, s: ClockState, at: datetime, holidays: Collection[date]) -> int | None:
    if s.state == DONE:
        return None
    if s.state == EXPIRED:
        return 0  # even if its timer called back a little early (timers are to the second)
    return max(0, allowed(clock, s) - used(clock, s, at, holidays))


def shown_state(s: ClockState, at: datetime) -> str:
    """A clock that fires nothing stays running in the record: past its due date it is over."""
    return EXPIRED if s.state == RUNNING and s.due_at is not None and at > s.due_at else s.state


class Tick(NamedTuple):
    """A transition, as the clocks see it."""

    event: str
    now: datetime
    terminal: bool = False  # it leads into a terminal state: every live clock ends
    timer: str = ""  # the deadline whose timer fired it, when the system clock did
    payload: Mapping[str, Any] = {}  # the transition's data (a clock's ``start_at`` date)


@dataclass
class Ticked:
    """What a transition did to the case's clocks: their new JSON, the deadlines to arm
    (name -> (due, on_expiry)) and to disarm, and notes for the history entry."""

    clocks: dict[str, Any]
    arm: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    disarm: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def deadline_name(clock: Clock) -> str:
    return PREFIX + clock.name


def clock_of(machine: Machine, deadline: str) -> Clock | None:
    """The clock a deadline belongs to, if it is one."""
    return next((c for c in machine.clocks if deadline_name(c) == deadline), None)


def advance(
    machine: Machine, clocks: Mapping[str, Any], tick: Tick, holidays: Collection[date]
) -> Ticked:
    """The case's clocks after the transition ``tick``."""
    ticked = Ticked(dict(clocks))
    for clock in machine.clocks:
        before = ClockState.of(clocks[clock.name]) if clock.name in clocks else None
        after, note = _step(clock, before, tick, holidays)
        if after is None or after == before:
            continue
        ticked.clocks[clock.name] = after.to_json()
        ticked.notes.append({"clock": clock.name, **note})
        if clock.on_expiry and after.state == RUNNING and after.due_at is not None:
            ticked.arm[deadline_name(clock)] = (after.due_at, clock.on_expiry)
        elif clock.on_expiry:
            ticked.disarm.append(deadline_name(clock))
    return ticked


def _ran_out(clock: Clock, s: ClockState, tick: Tick) -> bool:
    """Its timer fired ``on_expiry`` (timers may call back a second early), or it is due."""
    if tick.event != clock.on_expiry or s.state != RUNNING or s.due_at is None:
        return False
    return tick.timer == deadline_name(clock) or tick.now >= s.due_at - SLACK


def _step(
    clock: Clock, s: ClockState | None, tick: Tick, holidays: Collection[date]
) -> tuple[ClockState | None, dict[str, Any]]:
    """One clock's new state and the note saying what happened to it."""
    event, now = tick.event, tick.now
    if event in clock.start:
        s = ClockState(_origin(clock, tick), None)
        s = replace(s, due_at=due(clock, s, holidays))
        return s, {"started": s.started_at.isoformat(), "due_at": _iso(s.due_at)}
    if s is None or not s.live:
        return s, {}
    if _ran_out(clock, s, tick):
        note = {"expired": _iso(s.due_at), "silence_is_consent": clock.silence_is_consent}
        return replace(s, state=EXPIRED, ended_at=now), note
    if event in clock.stop or tick.terminal:
        return replace(s, state=DONE, ended_at=now, paused=_closed(s, now)), {
            "stopped": now.isoformat()
        }
    if event in clock.pause and s.state == RUNNING:
        paused = (*s.paused, (now, None))
        return replace(s, state=PAUSED, due_at=None, paused=paused), {"paused": now.isoformat()}
    if event in clock.resume and s.state == PAUSED:
        s = replace(s, state=RUNNING, paused=_closed(s, now))
        s = replace(s, due_at=due(clock, s, holidays))
        return s, {"resumed": now.isoformat(), "due_at": _iso(s.due_at)}
    if clock.extension and event == clock.extension.by and not s.extended_days:
        s = replace(s, extended_days=clock.extension.days)
        s = replace(s, due_at=due(clock, s, holidays) if s.state == RUNNING else None)
        return s, {"extended_by": clock.extension.days, "due_at": _iso(s.due_at)}
    return s, {}


def _origin(clock: Clock, tick: Tick) -> datetime:
    """When a starting clock counts from: the recorded day its ``start_at`` names (noon in
    Morocco: that day itself does not count), else the transition's moment."""
    day = str(tick.payload.get(clock.start_at) or "") if clock.start_at else ""
    if not day:
        return tick.now
    return datetime.combine(date.fromisoformat(day[:10]), time(12), ZONE).astimezone(UTC)


def _closed(s: ClockState, now: datetime) -> tuple[tuple[datetime, datetime | None], ...]:
    return tuple((a, b or now) for a, b in s.paused)


def extension_refused(machine: Machine, clocks: Mapping[str, Any], event: str) -> str | None:
    """Why ``event`` may not extend a clock now: each clock is extended once at most."""
    for clock in machine.clocks:
        if clock.extension is None or clock.extension.by != event or clock.name not in clocks:
            continue
        if ClockState.of(clocks[clock.name]).extended_days:
            return f"the {clock.name} deadline was already extended once"
    return None


def appeal_until(machine: Machine, clocks: Mapping[str, Any], event: str) -> str | None:
    """When the window to contest a decision closes, if ``event`` opened one."""
    for clock in machine.clocks:
        if clock.appeal and event in clock.start and clock.name in clocks:
            return _iso(ClockState.of(clocks[clock.name]).due_at)
    return None


def expiry_reason(clock: Clock) -> str:
    """The history's reason when a clock runs out and fires its transition."""
    length = f"{clock.days} {'working' if clock.working_days else 'calendar'} days"
    if clock.silence_is_consent:
        return (
            f"The legal deadline for {clock.name} ({length}) passed without an answer: "
            "the request is granted, silence is consent."
        )
    return f"The legal deadline for {clock.name} ({length}) passed."
