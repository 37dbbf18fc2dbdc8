"""The waiting list of a consulate and service. A seat given back is offered to the first
in line still waiting and held for them (``offered_until``, the hold timer's moment too);
when the hold runs out, the ``offer_expired`` transition's reaction offers it to the next,
and so on down the line."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock, consulates
from chalicelib.consulates import Consulate, Service
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace
from chalicelib.services.consular import domain, machines
from chalicelib.services.consular.calendars import read_calendar
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.consular.ports import appointments
from chalicelib.services.consular.request_cases import (
    parts,
    visible_request,
)
from chalicelib.workflow import access, engine, lifecycle
from chalicelib.workflow.case import Case
from chalicelib.workflow.reactions import Happened


def join_waiting_list(principal: Principal, case_id: str, correlation_id: str) -> Case:
    case = visible_request(principal, case_id, "booking", correlation_id)
    consulate, svc, _ = parts(case)
    key = domain.waiting_key(domain.NORMAL, clock.now(), case.id)
    also = [appointments().join_waiting(consulate.code, svc.code, key, case.id)]
    return lifecycle.act(
        APPOINTMENT,
        case,
        "join_waiting_list",
        access.actor_of(principal),
        {"set": {"waiting_key": key}},
        also=also,
    ).case


def offer_next(
    consulate: Consulate, svc: Service, start: datetime, now: datetime, replacing: str = ""
) -> str | None:
    """Offer a free seat of the slot at ``start`` to the first in line still waiting; the
    seat is held for them (a timer ends the hold). ``replacing`` names the case whose hold
    just ran out (its hold may be taken over). Returns the case it was offered to."""
    zone = ZoneInfo(consulate.time_zone)
    if not domain.bookable(start, now):
        return None
    read = read_calendar(consulate.code)
    slot = (
        None if read is None else domain.find_slot(read[0], zone, svc.code, svc.slot_minutes, start)
    )
    if read is None or slot is None:
        return None  # the calendar no longer has the slot
    version = read[1].get(svc.code, 0)
    day = domain.local_day(start, zone).isoformat()
    until = now + timedelta(seconds=machines.OFFER_HOLD_SECONDS)
    for waiting in appointments().first_waiting(consulate.code, svc.code):
        case = lifecycle.find(waiting.case_id)
        if case is None or case.state != "waiting":
            appointments().drop_waiting(consulate.code, svc.code, waiting.key)
            continue
        also = [
            appointments().seat_version_check(consulate.code, svc.code, version),
            appointments().hold_seat(
                consulate.code, svc.code, day, start, slot.capacity, case.id, until, now, replacing
            ),
            appointments().leave_waiting(consulate.code, svc.code, waiting.key),
        ]
        payload = {
            "set": {
                "offered_slot": domain.iso(start),
                "waiting_key": None,
                "offered_until": until.isoformat(),  # the hold timer falls due then
            }
        }
        try:
            lifecycle.act(
                APPOINTMENT, case, "offer", engine.Actor.system("waiting_list"), payload, also=also
            )
        except LostRace as error:
            if error.failed & {"slot_hold", "calendar"}:
                return None  # the seat went (or is held, or the calendar changed) meanwhile
            continue
        return case.id
    return None


def after_offer_expired(case: Case, happened: Happened) -> None:
    """Reaction to ``offer_expired``: the seat held for ``case`` goes to the next in line.
    Delivered twice, the second finds the seat held for the next one (or taken): nothing."""
    slot = case.payload.get("offered_slot")
    consulate = consulates.consulate(case.office)
    svc = consulates.service(str(case.payload.get("service", "")))
    if not slot or consulate is None or svc is None:
        return
    start = datetime.fromisoformat(str(slot).replace("Z", "+00:00"))
    offer_next(consulate, svc, start, clock.now(), replacing=case.id)
