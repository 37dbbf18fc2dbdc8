"""Consulates' calendars: opening hours per weekday, counters per service, closed days. A day
closed after bookings exist cancels its appointments: each seat given back, each citizen told
and put first on the waiting list, each in one transaction with the case's transition."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.api.principal import Principal
from chalicelib.api.problems import FieldError, Problem
from chalicelib.services.consular import catalogue, domain
from chalicelib.services.consular.catalogue import Consulate
from chalicelib.services.consular.domain import Calendar, Opening
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.store.cases import Conflict
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import access, engine, service


def calendar_of(consulate: str) -> Calendar | None:
    body = repo.calendar(consulate)
    return None if body is None else calendar_from(body)


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
    minutes = {s.code: s.slot_minutes for s in catalogue.SERVICES}
    problems = domain.calendar_problems(calendar, consulate.services, minutes)
    if problems:
        raise Problem(
            "consular-rule-violated", errors=[FieldError(f"body.{f}", m) for f, m in problems]
        )
    before = calendar_of(consulate.code)
    now = service.now()
    repo.put_calendar(consulate.code, body, principal.subject, now)
    newly_closed = calendar.closed - (before.closed if before else frozenset())
    today = domain.local_day(now, ZoneInfo(consulate.time_zone))
    cancelled: list[str] = []
    for day in sorted(d for d in newly_closed if d >= today):
        for entry in repo.day(consulate.code, day.isoformat()):
            if entry.status == "booked" and _close_one(principal, entry.case_id, day, now):
                cancelled.append(entry.case_id)
    return calendar, cancelled


def _close_one(principal: Principal, case_id: str, day: date, now: datetime) -> bool:
    case = service.find(case_id)
    if case is None or case.state != "booked":
        return False
    start = datetime.fromisoformat(case.payload["slot"])
    consulate, code = case.office, case.payload["service"]
    key = domain.waiting_key(domain.FIRST, now, case.id)
    also = [
        repo.give_back_seat(consulate, code, day.isoformat(), start),
        repo.release_live(consulate, code, case.owner, case.id),
        repo.unlist_day(consulate, case.id, day.isoformat(), start),
        repo.join_waiting(consulate, code, key, case.id),
    ]
    payload = {"set": {"waiting_key": key, "slot": None}, "closed_day": day.isoformat()}
    try:
        service.act(
            APPOINTMENT,
            case,
            "day_closed",
            access.actor_of(principal),
            payload,
            reason=f"the consulate is closed on {day.isoformat()}",
            also=also,
        )
    except (Conflict, engine.Refusal):
        return False
    return True
