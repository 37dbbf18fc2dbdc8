"""A calendar change that may lower seats, against bookings racing it (decision 36): the
change is first written as pending; a booking that read the calendar before fails its seat
version check instead of taking a seat the new calendar lacks, and one made meanwhile gets
the fewer seats of the two calendars, which hold whatever the change's outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock, consulates
from chalicelib.api.problems import status_of
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.consular import calendars, domain, slots
from chalicelib.services.consular import service as use
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from tests.support.consular_documents import checked_checklist

CONSULATE = "CI-ABJ"  # no other test books here
AGENT = Principal("agent-abj", "staff", frozenset({"consular_agent"}), CONSULATE)
CALENDAR = {
    "hours": {str(d): [{"start": "09:00", "end": "09:30"}] for d in range(7)},
    "counters": {"passport": 2},
    "closed": [],
}


def validated(owner: str) -> tuple[Principal, str]:
    case = lifecycle.open_case(
        APPOINTMENT,
        owner,
        CONSULATE,
        Contact(email="abj@demo.invalid"),
        {"consulate": CONSULATE, "service": "passport"},
        Actor(owner, frozenset({"citizen"})),
    )
    case = checked_checklist(case)
    agent = Actor(AGENT.subject, AGENT.roles, CONSULATE)
    lifecycle.act(APPOINTMENT, case, "validate", agent, {})
    return Principal(owner, "citizen", frozenset({"citizen"})), case.id


def test_a_booking_that_read_the_calendar_before_a_lowering_takes_no_seat(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    place, svc = consulates.consulate(CONSULATE), consulates.service("passport")
    assert place is not None and svc is not None
    use.put_calendar(AGENT, place, CALENDAR, "")
    first = date.today() + timedelta(days=20)
    slot = use.free_slots(place, svc, first, first, datetime.now(UTC))[0].slot
    late, fresh = validated("abj-late"), validated("abj-fresh")
    stale = calendars.read_calendar(CONSULATE)

    # The agent's change to one counter has begun: written as pending, the seats not yet
    # checked. A booking that read the calendar before it must not count two seats.
    record = repo.calendar_record(CONSULATE)
    assert record is not None
    one = {**CALENDAR, "counters": {"passport": 1}}
    version = repo.begin_change(CONSULATE, one, ["passport"], record, AGENT.subject, clock.now())
    with monkeypatch.context() as patched:
        patched.setattr(slots, "read_calendar", lambda code: stale)
        with pytest.raises(Refusal) as refused:
            use.book(late[0], late[1], slot.start, "")
    assert status_of(refused.value) == 409 and refused.value.extra["refusal"] == "calendar_changed"
    assert lifecycle.load(late[1]).state == "validated"

    # Meanwhile the slot offers the fewer seats of the two calendars: one.
    pending = use.free_slots(place, svc, first, first, datetime.now(UTC))
    assert (pending[0].slot.start, pending[0].free) == (slot.start, 1)
    use.book(fresh[0], fresh[1], slot.start, "")
    with pytest.raises(Refusal) as full:
        use.book(late[0], late[1], slot.start, "")
    assert full.value.extra["refusal"] == "slot_taken"

    # The change installed: one seat, taken; the seats and the calendar agree.
    repo.finish_change(CONSULATE, one, AGENT.subject, clock.now(), version)
    day = slot.start.date().isoformat()
    assert repo.seats_of_day(CONSULATE, "passport", day)[domain.iso(slot.start)].taken == 1
    assert use.free_slots(place, svc, first, first, datetime.now(UTC))[0].slot != slot
