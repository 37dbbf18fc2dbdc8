"""Consulates' calendars: opening hours per weekday, counters per service, closed days. A day
closed after bookings exist cancels its appointments: each seat given back, each citizen told
and put first on the waiting list, each in one transaction with the case's transition.

Seats are the calendar's: a slot item only counts those taken (decision 36). A change that
may lower a service's seats is installed in two steps: written as pending (bookings meanwhile
get the fewer seats of both, and those that read the calendar before fail their seat-version
check), then checked against the seats taken and installed, or dropped with a 409 that names
the service and the first slot it would overbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import clock, consulates
from chalicelib.consulates import Consulate
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.consular import domain
from chalicelib.services.consular.domain import Calendar, Opening
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.consular.ports import appointments
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import access, engine, lifecycle


def calendar_of(consulate: str) -> Calendar | None:
    """The calendar bookings and listings count seats by (with the change being installed
    as its ceiling, if any)."""
    found = read_calendar(consulate)
    return None if found is None else found[0]


def read_calendar(consulate: str) -> tuple[Calendar, dict[str, int]] | None:
    """The calendar and each service's seat version, which a booking checks (one read)."""
    record = appointments().calendar_record(consulate)
    if record is None:
        return None
    return _effective(record), record.seat_versions


def _effective(record: repo.CalendarRecord) -> Calendar:
    calendar = calendar_from(record.body)
    if record.pending is None:
        return calendar
    return replace(calendar, ceiling=calendar_from(record.pending))


def calendar_from(body: Mapping[str, Any]) -> Calendar:
    hours = {
        int(day): tuple(
            Opening(time.fromisoformat(o["start"]), time.fromisoformat(o["end"])) for o in openings
        )
        for day, openings in dict(body.get("hours", {})).items()
    }
    closed = frozenset(date.fromisoformat(d) for d in body.get("closed", []))
    return Calendar(hours, dict(body.get("counters", {})), closed)


def put_calendar(
    principal: Principal, consulate: Consulate, body: dict[str, Any], correlation_id: str
) -> tuple[Calendar, list[str]]:
    """Save the calendar; a day newly closed cancels its appointments (each citizen told and
    put first on the waiting list). Returns the calendar and the cases cancelled."""
    calendar = calendar_from(body)
    minutes = {s.code: s.slot_minutes for s in consulates.SERVICES}
    problems = domain.calendar_problems(calendar, consulate.services, minutes)
    if problems:
        raise Refusal(
            "consular-rule-violated", errors=[FieldError(f"body.{f}", m) for f, m in problems]
        )
    record = appointments().calendar_record(consulate.code)
    before = None if record is None else _effective(record)
    now = clock.now()
    try:
        _install(consulate, body, calendar, record, before, principal.subject, now)
    except repo.CalendarChanged as error:
        raise Refusal(
            "conflict",
            "The calendar was changed meanwhile: reload it and try again.",
            extra={"refusal": "calendar_changed"},
        ) from error
    newly_closed = calendar.closed - (before.closed if before else frozenset())
    today = domain.local_day(now, ZoneInfo(consulate.time_zone))
    cancelled: list[str] = []
    for day in sorted(d for d in newly_closed if d >= today):
        for entry in appointments().day(consulate.code, day.isoformat()):
            if entry.status == "booked" and _close_one(principal, entry.case_id, day, now):
                cancelled.append(entry.case_id)
    return calendar, cancelled


def _install(
    consulate: Consulate,
    body: dict[str, Any],
    calendar: Calendar,
    record: repo.CalendarRecord | None,
    before: Calendar | None,
    by: str,
    now: datetime,
) -> None:
    """Write the calendar; if it may lower seats, check them in between (see the module)."""
    lowered = [] if before is None else domain.lowered_services(before, calendar)
    if record is None or not lowered:
        expected = None if record is None else record.version
        appointments().write_calendar(consulate.code, body, by, now, expected)
        return
    version = appointments().begin_change(consulate.code, body, lowered, record, by, now)
    found = _overbooked(consulate, calendar, lowered, now)
    if found:
        appointments().finish_change(consulate.code, None, by, now, version)
        raise _overbooking(consulate, found)
    appointments().finish_change(consulate.code, body, by, now, version)


def _overbooked(
    consulate: Consulate, calendar: Calendar, services: list[str], now: datetime
) -> list[tuple[str, domain.Overbooked]]:
    """(service, slot) for each slot to come whose seats taken (booked, or held for an
    offer) the new calendar would not have: one Query per service."""
    zone = ZoneInfo(consulate.time_zone)
    today = domain.local_day(now, zone).isoformat()
    found = []
    for code in services:
        svc = consulates.service(code)
        if svc is None:
            continue
        taken = [
            (
                datetime.fromisoformat(s.start.replace("Z", "+00:00")),
                s.taken + (1 if s.hold_case and s.hold_until and s.hold_until > now else 0),
            )
            for s in appointments().seats_from(consulate.code, code, today)
        ]
        over = domain.overbooked(taken, calendar, zone, code, svc.slot_minutes, now)
        found += [(code, o) for o in over]
    return found


def _overbooking(consulate: Consulate, found: list[tuple[str, domain.Overbooked]]) -> Refusal:
    """409 naming, per service, the first slot the change would overbook."""
    zone = ZoneInfo(consulate.time_zone)
    firsts: dict[str, domain.Overbooked] = {}
    for code, slot in found:
        firsts.setdefault(code, slot)
    code, first = min(firsts.items(), key=lambda p: p[1].start)
    local = first.start.astimezone(zone)
    return Refusal(
        "consular-seats-taken",
        f"{code}: the slot of {local.strftime('%Y-%m-%d %H:%M')} ({consulate.time_zone}) has "
        f"{first.taken} seat(s) taken; the new calendar gives it {first.capacity}. Nothing "
        "was changed.",
        errors=[
            FieldError(
                f"body.counters.{c}",
                f"{o.taken} seat(s) taken at {domain.iso(o.start)}, {o.capacity} left by this "
                "calendar",
                "seats_taken",
            )
            for c, o in sorted(firsts.items(), key=lambda p: p[1].start)
        ],
        extra={
            "refusal": "seats_taken",
            "service": code,
            "slot": domain.iso(first.start),
            "taken": first.taken,
            "capacity": first.capacity,
        },
    )


def _close_one(principal: Principal, case_id: str, day: date, now: datetime) -> bool:
    case = lifecycle.find(case_id)
    if case is None or case.state != "booked":
        return False
    start = datetime.fromisoformat(case.payload["slot"])
    consulate, code = case.office, case.payload["service"]
    key = domain.waiting_key(domain.FIRST, now, case.id)
    also = [
        appointments().give_back_seat(consulate, code, day.isoformat(), start),
        appointments().release_live(
            consulate, code, domain.person_of(case.payload, case.owner), case.id
        ),
        appointments().unlist_day(consulate, case.id, day.isoformat(), start),
        appointments().join_waiting(consulate, code, key, case.id),
    ]
    payload = {"set": {"waiting_key": key, "slot": None}, "closed_day": day.isoformat()}
    try:
        lifecycle.act(
            APPOINTMENT,
            case,
            "day_closed",
            access.actor_of(principal),
            payload,
            reason=f"the consulate is closed on {day.isoformat()}",
            also=also,
        )
    except (LostRace, engine.TransitionRefused):
        return False
    return True
