"""The rules of consular appointments, pure: calendars, slots in the consulate's own time
zone (daylight-saving changes included), cut-offs, reminders, the waiting list's order."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MAX_LISTING_DAYS = 31  # a slot listing covers a month at most
HORIZON_DAYS = 120  # how far ahead a slot may be booked
MIN_LEAD = timedelta(hours=1)  # a slot starting sooner is no longer offered
REMINDER_BEFORE = timedelta(hours=24)
FIRST, NORMAL = "0", "1"  # waiting-list priorities: a closed day's victims come first


@dataclass(frozen=True)
class Opening:
    start: time
    end: time


@dataclass(frozen=True)
class Calendar:
    """Opening hours per weekday (0 = Monday), counters per service, closed days.

    ``ceiling``: the calendar being installed while a change that lowers seats is checked
    against the seats taken (decision 36): meanwhile a slot is offered only if both have it,
    with the fewer seats, so that what is booked then holds under either outcome."""

    hours: Mapping[int, tuple[Opening, ...]]
    counters: Mapping[str, int]
    closed: frozenset[date] = field(default_factory=frozenset)
    ceiling: Calendar | None = None


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    capacity: int


def calendar_problems(
    calendar: Calendar, offered: Sequence[str], slot_minutes: Mapping[str, int]
) -> list[tuple[str, str]]:
    """(field, message) for each thing wrong with a calendar a consulate puts."""
    problems: list[tuple[str, str]] = []
    for weekday, openings in calendar.hours.items():
        if weekday not in range(7):
            problems.append((f"hours.{weekday}", "weekday must be 0 (Monday) to 6 (Sunday)"))
        ordered = sorted(openings, key=lambda o: o.start)
        for n, opening in enumerate(ordered):
            if opening.end <= opening.start:
                problems.append((f"hours.{weekday}", "an opening must end after it starts"))
            if n and opening.start < ordered[n - 1].end:
                problems.append((f"hours.{weekday}", "openings overlap"))
    for service, counters in calendar.counters.items():
        if service not in offered:
            problems.append((f"counters.{service}", "this consulate does not offer the service"))
        elif counters < 0 or counters > 50:
            problems.append((f"counters.{service}", "counters must be between 0 and 50"))
        elif service not in slot_minutes:
            problems.append((f"counters.{service}", "unknown service"))
    return problems


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """``at`` on ``day`` in ``zone`` as UTC; None for a wall time the zone skips (the hour
    lost when clocks go forward). An hour lived twice (clocks back) counts once, the first."""
    local = datetime.combine(day, at, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def slots_of_day(
    calendar: Calendar, zone: ZoneInfo, service: str, minutes: int, day: date
) -> list[Slot]:
    """The slots of ``service`` on the local ``day``: each opening cut into ``minutes``-long
    slots, each with as many seats as the service has counters. Times are walked in UTC, so
    an opening across a clock change keeps its real length."""
    own = _slots_of_day(calendar, zone, service, minutes, day)
    if calendar.ceiling is None:
        return own
    other = {s.start: s for s in _slots_of_day(calendar.ceiling, zone, service, minutes, day)}
    both = []
    for slot in own:
        match = other.get(slot.start)
        if match is not None and match.end == slot.end:
            both.append(Slot(slot.start, slot.end, min(slot.capacity, match.capacity)))
    return [s for s in both if s.capacity > 0]


def _slots_of_day(
    calendar: Calendar, zone: ZoneInfo, service: str, minutes: int, day: date
) -> list[Slot]:
    capacity = calendar.counters.get(service, 0)
    if capacity <= 0 or day in calendar.closed:
        return []
    slots = []
    for opening in calendar.hours.get(day.weekday(), ()):
        start, end = local_moment(day, opening.start, zone), local_moment(day, opening.end, zone)
        if start is None or end is None:
            continue
        step = timedelta(minutes=minutes)
        while start + step <= end:
            slots.append(Slot(start, start + step, capacity))
            start += step
    return slots


def lowered_services(before: Calendar, after: Calendar) -> list[str]:
    """The services of which ``after`` may offer fewer seats than ``before`` in some slot: a
    counter lowered, an opening changed or removed, a day closed. Raising a counter or
    adding an opening lowers nothing. A change still being installed counts as lowering all."""
    offered = sorted(s for s, n in before.counters.items() if n > 0)
    if before.ceiling is not None:
        ceiling = before.ceiling.counters
        return sorted({*offered, *(s for s, n in ceiling.items() if n > 0)})
    hours_kept = all(
        set(openings) <= set(after.hours.get(day, ())) for day, openings in before.hours.items()
    )
    if not hours_kept or after.closed - before.closed:
        return offered
    return [s for s in offered if after.counters.get(s, 0) < before.counters[s]]


@dataclass(frozen=True)
class Overbooked:
    """A slot whose seats taken (booked, or held for an offer) exceed what a calendar gives."""

    start: datetime
    taken: int
    capacity: int


def overbooked(
    taken: Iterable[tuple[datetime, int]],
    calendar: Calendar,
    zone: ZoneInfo,
    service: str,
    minutes: int,
    now: datetime,
) -> list[Overbooked]:
    """The slots, still to come, where ``calendar`` leaves fewer seats than are taken (a slot
    it no longer has leaves none), in order of time. Closed days are not counted: their
    appointments are cancelled, each citizen put first in line."""
    found = []
    for start, count in sorted(taken):
        day = local_day(start, zone)
        if count <= 0 or start < now or day in calendar.closed:
            continue
        slot = find_slot(calendar, zone, service, minutes, start)
        capacity = slot.capacity if slot else 0
        if count > capacity:
            found.append(Overbooked(start, count, capacity))
    return found


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def bookable(slot_start: datetime, now: datetime) -> bool:
    return now + MIN_LEAD <= slot_start <= now + timedelta(days=HORIZON_DAYS)


def find_slot(
    calendar: Calendar, zone: ZoneInfo, service: str, minutes: int, start: datetime
) -> Slot | None:
    """The calendar's slot starting at ``start`` (UTC), if there is one."""
    day = local_day(start, zone)
    return next(
        (s for s in slots_of_day(calendar, zone, service, minutes, day) if s.start == start), None
    )


def may_cancel(slot_start: datetime, now: datetime, cutoff_hours: int) -> bool:
    """A booking may be cancelled or moved until ``cutoff_hours`` before it."""
    return now <= slot_start - timedelta(hours=cutoff_hours)


def reminder_at(slot_start: datetime, now: datetime) -> datetime | None:
    """When the reminder falls due: 24 hours before; none for a slot sooner than that."""
    due = slot_start - REMINDER_BEFORE
    return due if due > now else None


def end_of_day(slot_start: datetime, zone: ZoneInfo) -> datetime:
    """Midnight after the appointment's local day, in UTC: not checked in by then, a no-show."""
    day = local_day(slot_start, zone) + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def waiting_key(priority: str, joined_at: datetime, case_id: str) -> str:
    """The waiting list's sort key: priority first, then who joined first."""
    return f"{priority}#{joined_at.astimezone(UTC).isoformat()}#{case_id}"


def day_status(status: str, slot_start: datetime, zone: ZoneInfo, now: datetime) -> str:
    """An appointment not checked in by the end of its day is a no-show."""
    if status == "booked" and now >= end_of_day(slot_start, zone):
        return "no_show"
    return status


def free_seats(
    capacity: int,
    taken: int,
    held_by: str,
    held_until: datetime | None,
    now: datetime,
    for_case: str = "",
) -> int:
    """Seats a citizen may still take: a seat held for someone else's offer is not free."""
    held = 1 if held_by and held_by != for_case and held_until and held_until > now else 0
    return max(0, capacity - taken - held)


def next_free(
    slots: Iterable[tuple[Slot, int]], after: datetime, limit: int = 5
) -> list[tuple[Slot, int]]:
    """The first ``limit`` slots with a free seat starting after ``after``."""
    return [
        (s, free)
        for s, free in sorted(slots, key=lambda p: p[0].start)
        if free > 0 and s.start > after
    ][:limit]


def age_on(birth: date, day: date) -> int:
    """Whole years lived on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person_problems(birth: date, today: date, majority: int) -> list[tuple[str, str]]:
    """(field, message) for a person a guardian may not file for: not born yet, or of age
    (an adult files their own request)."""
    if birth > today:
        return [("birth_date", "a birth date in the future")]
    if age_on(birth, today) >= majority:
        return [("birth_date", f"{majority} or older: an adult files their own request")]
    return []


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().replace("-", " ").split())


def person_key(given_name: str, family_name: str, birth: date) -> str:
    """Who a request is for, when a guardian files it: the same child named by either parent
    (accents, case and spaces aside) is the same person, so one live appointment holds for
    them whoever booked it. Names and birth date only: a minor often has no ID number."""
    seen = f"{_plain(family_name)}|{_plain(given_name)}|{birth.isoformat()}"
    return "person:" + hashlib.sha256(seen.encode()).hexdigest()[:32]


def person_of(payload: Mapping[str, Any], owner: str) -> str:
    """Whom the one-live-appointment rule counts a request for: the person filed for, or the
    account's own holder."""
    person = payload.get("person") or {}
    return str(person.get("key") or owner)


def attendee(payload: Mapping[str, Any], holder: str) -> tuple[str, str]:
    """(who comes, who accompanies them): a minor with their guardian, or the holder alone."""
    person = payload.get("person") or {}
    if not person:
        return holder, ""
    return f"{person.get('given_name', '')} {person.get('family_name', '')}".strip(), holder


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
