"""Free slots: the calendar's (pure, in the consulate's zone) less the seats taken or held
(one Query a day); the slot a booking names, checked; the 409 that offers the next free ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.consulates import Consulate, Service
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.consular import domain
from chalicelib.services.consular.calendars import calendar_of, read_calendar
from chalicelib.services.consular.domain import Slot
from chalicelib.services.consular.machines import CASE_TYPE
from chalicelib.services.consular.ports import appointments, own_cases


@dataclass(frozen=True)
class FreeSlot:
    slot: Slot
    free: int


def free_slots(
    consulate: Consulate, svc: Service, first: date, last: date, now: datetime, for_case: str = ""
) -> list[FreeSlot]:
    """Slots with a free seat: the calendar's (pure) and the seats taken (one Query a day)."""
    calendar = calendar_of(consulate.code)
    if calendar is None:
        return []
    zone = ZoneInfo(consulate.time_zone)
    found = []
    for day in domain.days_between(first, last):
        slots = [
            s
            for s in domain.slots_of_day(calendar, zone, svc.code, svc.slot_minutes, day)
            if domain.bookable(s.start, now)
        ]
        if not slots:
            continue
        seats = appointments().seats_of_day(consulate.code, svc.code, day.isoformat())
        for slot in slots:
            taken = seats.get(domain.iso(slot.start))
            if taken and taken.round_id:
                continue  # its seats go by a release round's draw (decision 56)
            free = (
                domain.free_seats(
                    slot.capacity, taken.taken, taken.hold_case, taken.hold_until, now, for_case
                )
                if taken
                else slot.capacity
            )
            if free > 0:
                found.append(FreeSlot(slot, free))
    return found


def slots_for_citizen(
    principal: Principal, consulate: Consulate, svc: Service, first: date, last: date
) -> list[FreeSlot]:
    """Only a citizen whose request to this consulate for this service was validated sees
    its slots (one Query on their cases)."""
    mine = [
        c
        for c in own_cases().of_owner(principal.subject, 100, None).cases
        if c.case_type == CASE_TYPE
        and c.office == consulate.code
        and c.payload.get("service") == svc.code
        and c.state in ("validated", "waiting", "offered", "booked")
    ]
    if not mine:
        raise Refusal(
            "conflict",
            "Slots are shown once the consulate has validated your request for this service.",
            extra={"refusal": "no_validated_request"},
        )
    return free_slots(consulate, svc, first, last, clock.now(), mine[0].id)


def slot_or_problem(
    consulate: Consulate, svc: Service, start: datetime, now: datetime
) -> tuple[Slot, int]:
    """The calendar's slot starting at ``start``, still bookable, or a 422 naming the field;
    with the service's seat version the booking checks (decision 36)."""
    read = read_calendar(consulate.code)
    calendar, versions = (None, {}) if read is None else read
    zone = ZoneInfo(consulate.time_zone)
    slot = (
        None
        if calendar is None
        else domain.find_slot(calendar, zone, svc.code, svc.slot_minutes, start)
    )
    if slot is None:
        raise Refusal(
            "consular-rule-violated",
            errors=[FieldError("body.slot", "not a slot of this consulate and service")],
        )
    if not domain.bookable(slot.start, now):
        raise Refusal(
            "consular-rule-violated",
            errors=[FieldError("body.slot", "this slot can no longer be booked")],
        )
    return slot, versions.get(svc.code, 0)


def full(consulate: Consulate, svc: Service, slot: Slot, case_id: str, now: datetime) -> bool:
    """Whether the slot is already full for this case: a doomed transaction is not tried (the
    transaction's own condition still decides any race)."""
    day = domain.local_day(slot.start, ZoneInfo(consulate.time_zone)).isoformat()
    seats = appointments().seats_of_day(consulate.code, svc.code, day).get(domain.iso(slot.start))
    if seats is None:
        return False
    if seats.round_id:
        return True  # reserved for a release round's draw
    free = domain.free_seats(
        slot.capacity, seats.taken, seats.hold_case, seats.hold_until, now, case_id
    )
    return free == 0


def slot_taken(
    consulate: Consulate, svc: Service, slot: Slot, now: datetime, case_id: str
) -> Refusal:
    """409 with the next free slots of the following week."""
    day = domain.local_day(slot.start, ZoneInfo(consulate.time_zone))
    nearby = free_slots(consulate, svc, day, day + timedelta(days=6), now, case_id)
    following = [f for f in sorted(nearby, key=lambda f: f.slot.start) if f.slot.start > slot.start]
    return Refusal(
        "conflict",
        "This slot was taken meanwhile; here are the next free ones.",
        extra={
            "refusal": "slot_taken",
            "next_free": [
                {"slot": domain.iso(f.slot.start), "free": f.free} for f in following[:5]
            ],
        },
    )
