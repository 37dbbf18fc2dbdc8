"""Booking, moving and cancelling: each is one DynamoDB transaction, the case's transition
(conditioned on its version) with the seat, the one-live-appointment guard, the day's list,
the waiting list and the confirmation messages (``Also`` writes). The timers (the reminder 24
hours before, the end-of-day attendance deadline) fall due at moments the booking sets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.consulates import Consulate, Service
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.consular import domain, notices
from chalicelib.services.consular.domain import Slot
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.consular.ports import appointments, quotas
from chalicelib.services.consular.request_cases import (
    parts,
    visible_request,
    wrong_state,
)
from chalicelib.services.consular.slots import full, slot_or_problem, slot_taken
from chalicelib.services.consular.waiting import offer_next
from chalicelib.store.cases import Also, OutboxMessage
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case

BOOKABLE = ("validated", "waiting", "offered")
# A booking is moved or cancelled a few times a day at most, and rests after each change:
# seats are not juggled by a script. Only changes that happened count.
CHANGE_QUOTAS = ("consular-booking-cooldown", "consular-booking-change")


def book(principal: Principal, case_id: str, start: datetime, correlation_id: str) -> Case:
    case = visible_request(principal, case_id, "booking", correlation_id)
    consulate, svc, zone = parts(case)
    now = clock.now()
    if case.state not in BOOKABLE:
        raise wrong_state(case, "booked")
    slot, version = slot_or_problem(consulate, svc, start, now)
    if full(consulate, svc, slot, case.id, now):
        raise slot_taken(consulate, svc, slot, now, case.id)
    also = _seat_writes(case, consulate, svc, zone, slot, version, now)
    waiting_key = case.payload.get("waiting_key")
    if waiting_key:
        also.append(appointments().leave_waiting(consulate.code, svc.code, str(waiting_key)))
    also += appointments().messages(case, _notice(case, consulate, svc, slot), now)
    payload = _booked_payload(case, consulate, svc, zone, slot, now)
    return _fire(principal, case, "book", payload, also, consulate, svc, slot, now)


def move_or_cancel(
    principal: Principal, case_id: str, new_start: datetime | None, correlation_id: str
) -> Case:
    """Cancel the booking (``new_start`` None) or move it to another slot, the old seat given
    back in the same transaction; a given-back seat is then offered to the first in line."""
    case = visible_request(principal, case_id, "booking", correlation_id)
    consulate, svc, zone = parts(case)
    now = clock.now()
    if case.state != "booked":
        raise Refusal(
            "conflict", "There is no booking to cancel.", extra={"refusal": "wrong_state"}
        )
    old_start = datetime.fromisoformat(case.payload["slot"])
    if not domain.may_cancel(old_start, now, svc.cancellation_cutoff_hours):
        raise Refusal(
            "conflict",
            f"Too late: bookings are changed up to {svc.cancellation_cutoff_hours} hours before.",
            extra={"refusal": "cutoff"},
        )
    quotas().check_object(case.id, *CHANGE_QUOTAS)
    old_day = domain.local_day(old_start, zone).isoformat()
    back = [
        appointments().give_back_seat(case.office, svc.code, old_day, old_start),
        appointments().unlist_day(case.office, case.id, old_day, old_start),
    ]
    if new_start is None:
        also = [
            *back,
            appointments().release_live(consulate.code, svc.code, _person(case), case.id),
        ]
        length = timedelta(minutes=svc.slot_minutes)
        ends = case.payload.get("slot_end")
        old = Slot(old_start, datetime.fromisoformat(ends) if ends else old_start + length, 0)
        also += appointments().messages(
            case, _notice(case, consulate, svc, old, cancelled=True), now
        )
        payload: dict[str, Any] = {"set": {"slot": None, "reminder_at": None}}
        done = _fire(principal, case, "cancel", payload, also, consulate, svc, None, now)
    else:
        slot, version = slot_or_problem(consulate, svc, new_start, now)
        if slot.start == old_start:
            raise Refusal(
                "consular-rule-violated",
                errors=[FieldError("query.slot", "this is the slot already booked")],
            )
        also = [*back, *_seat_writes(case, consulate, svc, zone, slot, version, now)]
        also += appointments().messages(case, _notice(case, consulate, svc, slot), now)
        payload = _booked_payload(case, consulate, svc, zone, slot, now)
        done = _fire(principal, case, "rebook", payload, also, consulate, svc, slot, now)
    quotas().record_object(case.id, *CHANGE_QUOTAS)
    offer_next(consulate, svc, old_start, now)
    return done


def _seat_writes(
    case: Case,
    consulate: Consulate,
    svc: Service,
    zone: ZoneInfo,
    slot: Slot,
    version: int,
    now: datetime,
) -> list[Also]:
    """The seat (counted against the calendar's capacity as read, the calendar still the one
    to count by), the live-appointment guard and the day's list."""
    day = domain.local_day(slot.start, zone).isoformat()
    holder = case.state == "offered" and case.payload.get("offered_slot") == domain.iso(slot.start)
    return [
        appointments().seat_version_check(consulate.code, svc.code, version),
        appointments().take_seat(
            consulate.code, svc.code, day, slot.start, slot.capacity, case.id, now, holder
        ),
        appointments().claim_live(
            consulate.code,
            svc.code,
            _person(case),
            case.id,
            domain.end_of_day(slot.start, zone),
            now,
        ),
        appointments().list_day(
            consulate.code,
            case,
            svc.code,
            day,
            slot.start,
            domain.attendee(case.payload, case.contact.name),
        ),
    ]


def _person(case: Case) -> str:
    return domain.person_of(case.payload, case.owner)


def _booked_payload(
    case: Case, consulate: Consulate, svc: Service, zone: ZoneInfo, slot: Slot, now: datetime
) -> dict[str, Any]:
    """What the case keeps of its booking, with the moments its timers fall due at: the
    reminder 24 hours before (none for a slot sooner), the attendance deadline at midnight
    after the appointment's day in the consulate's zone (not checked in by then: a no-show)."""
    reminder = domain.reminder_at(slot.start, now)
    return {
        "set": {
            "slot": slot.start.isoformat(),
            "slot_end": slot.end.isoformat(),
            "offered_slot": None,
            "offered_until": None,
            "waiting_key": None,
            "reminder_at": reminder.isoformat() if reminder else None,
            "attendance_until": domain.end_of_day(slot.start, zone).isoformat(),
            "notice": notices.notice(slot.start, consulate, svc, case.contact.language),
        }
    }


def _notice(
    case: Case,
    consulate: Consulate,
    svc: Service,
    slot: Slot,
    cancelled: bool = False,
    template: str = "",
) -> list[OutboxMessage]:
    """The e-mail carries the appointment as an iCalendar event (rendered when sent), or its
    cancellation, which removes it from the citizen's calendar; the SMS, the same words
    without it. ``template``: another wording of a booking (a release round's draw)."""
    template = template or ("consular_cancelled" if cancelled else "consular_booked")
    contact = case.contact
    shown = notices.notice(slot.start, consulate, svc, contact.language)
    data = {"reference": case.reference, "name": contact.name, "fields": shown}
    messages = []
    if contact.email:
        event = notices.calendar_attachment(
            case.id,
            case.reference,
            slot.start,
            slot.end,
            consulate,
            svc,
            contact.language,
            cancelled=cancelled,
        )
        email_data = {**data, "attachments": [event]}
        messages.append(
            OutboxMessage("email", template, contact.email, contact.language, email_data)
        )
    if contact.phone:
        messages.append(OutboxMessage("sms", template, contact.phone, contact.language, data))
    return messages


def _fire(
    principal: Principal,
    case: Case,
    action: str,
    payload: dict[str, Any],
    also: Sequence[Also],
    consulate: Consulate,
    svc: Service,
    slot: Slot | None,
    now: datetime,
) -> Case:
    try:
        return lifecycle.act(
            APPOINTMENT, case, action, access.actor_of(principal), payload, also=also
        ).case
    except LostRace as error:
        if "slot" in error.failed and slot is not None:
            raise slot_taken(consulate, svc, slot, now, case.id) from error
        if "calendar" in error.failed:
            raise Refusal(
                "conflict",
                "The consulate changed its calendar meanwhile: list the slots again.",
                extra={"refusal": "calendar_changed"},
            ) from error
        if "live_appointment" in error.failed:
            raise Refusal(
                "conflict",
                "An appointment for this service here is already booked for this person.",
                extra={"refusal": "live_appointment"},
            ) from error
        raise
