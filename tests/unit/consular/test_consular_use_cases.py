"""Consular appointments' use cases (``service.py``) against the in-memory fakes of
``tests/fakes/`` (decision §68): the rules tests/e2e/consular asserts through HTTP and
DynamoDB, here in milliseconds and with AWS out of reach (any AWS call fails the test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib import clock, consulates
from chalicelib import ports as kernel_ports
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.consular import booking, checklists, day, ports, service, waiting
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.workflow import lifecycle, repository
from chalicelib.workflow.case import Case, Contact, Document
from chalicelib.workflow.engine import Actor
from chalicelib.workflow.reactions import Happened
from tests.fakes.cases import InMemoryCases
from tests.fakes.consular import (
    FakeFee,
    InMemoryAppointments,
    InMemoryFeePayments,
    InMemoryOwnCases,
    InMemoryQuotas,
    Stamp,
    iso,
)

PAR = "FR-PAR"
CALENDAR = {  # as tests/e2e/consular/test_consular_journeys.py: weekdays 09:00-10:00, Paris
    "hours": {str(d): [{"start": "09:00", "end": "10:00"}] for d in range(5)},
    "counters": {"passport": 1, "legalisation": 2},
    "closed": [],
}
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Paris, six days on
MONDAY_915 = MONDAY_9 + timedelta(minutes=15)
AGENT = Principal("staff:agent-par", "staff", frozenset({"consular_agent"}), PAR)
MADRID = Principal("staff:agent-mad", "staff", frozenset({"consular_agent"}), "ES-MAD")


@dataclass
class World:
    cases: InMemoryCases
    appointments: InMemoryAppointments
    quotas: InMemoryQuotas
    fees: InMemoryFeePayments
    moment: list[datetime]

    def at(self, moment: datetime) -> None:
        self.moment[0] = moment


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    moment = [TUESDAY]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    cases = InMemoryCases()
    fakes = World(cases, InMemoryAppointments(), InMemoryQuotas(), InMemoryFeePayments(), moment)
    fakes.appointments.put(PAR, CALENDAR)
    monkeypatch.setattr(kernel_ports, "_FEE_PAYMENTS", [lambda: fakes.fees])
    in_use = ports.Ports(fakes.appointments, InMemoryOwnCases(cases), fakes.quotas)
    with repository.using(cases), ports.using(in_use):
        yield fakes


def citizen(name: str) -> Principal:
    return Principal(
        f"citizen:{name}", "citizen", frozenset({"citizen"}), acr="cnie", cnie=f"CN{name}"
    )


def refusal_of(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args)
    return refused.value


def file(
    name: str,
    consulate: str = PAR,
    stamp: str = "",
    person: dict[str, Any] | None = None,
    family: str = "",
) -> Case:
    where = consulates.consulate(consulate)
    svc = consulates.service("passport")
    assert where is not None and svc is not None
    contact = Contact(f"{name}@demo.invalid", "", "fr", name.title())
    return service.create_request(citizen(name), where, svc, contact, stamp, person, family)


def with_checklist(case: Case) -> Case:
    """Every required document of the checklist uploaded and checked (the pipeline's part)."""
    documents = tuple(
        Document(f"doc-{k}", k, "application/pdf", 10, "verified", case.owner, "citizen",
                 clock.now(), f"key-{k}")
        for k in checklists.missing(case)
    )  # fmt: skip
    return lifecycle.record(case, "document_checked", Actor.system("checks"), {}, documents)


def validated(name: str, **more: Any) -> Case:
    case = with_checklist(file(name, **more))
    return service.act(AGENT, case.id, "validate", "", "corr")


def book(name: str, case: Case, start: datetime = MONDAY_9) -> Case:
    return service.book(citizen(name), case.id, start, "corr")


def minor(given: str, years: int) -> dict[str, Any]:
    born = date(TUESDAY.year - years, 3, 1)
    return {
        "given_name": given,
        "family_name": "El Alaoui",
        "birth_date": born.isoformat(),
        "relation": "child",
    }


# --- a request: its family, its person, the open-request limit -----------------------------


def test_a_request_opens_submitted_in_a_family_of_its_own(world: World) -> None:
    case = file("amina")
    assert case.state == "submitted" and case.office == PAR
    assert case.payload["service"] == "passport" and len(case.payload["family"]) == 32
    assert world.cases.writes == 1


def test_a_guardian_files_for_a_minor_in_her_family_but_never_for_an_adult(world: World) -> None:
    own = file("mother")
    family = own.payload["family"]
    child = file("mother", person=minor("Yasmine", 10), family=family)
    assert child.payload["family"] == family and child.payload["person"]["key"]
    kinds = {r.kind for r in checklists.case_documents(child)}
    assert "birth_certificate" in kinds  # the tie is proven like any other document
    adult = refusal_of(file, "mother", PAR, "", minor("Yasmine", 19), family)
    assert adult.slug == "consular-rule-violated"
    assert adult.errors[0].field == "body.person.birth_date"
    stranger = refusal_of(file, "stranger", PAR, "", None, family)
    assert stranger.errors[0].field == "body.family"
    assert world.cases.writes == 2


def test_an_account_holds_a_few_open_requests_at_one_consulate(world: World) -> None:
    opened = [file("many") for _ in range(6)]
    refused = refusal_of(file, "many")
    assert refused.slug == "consular-too-many-open-requests"
    assert set(refused.extra["open"]) == {c.reference for c in opened}
    assert file("many", "ES-MAD").state == "submitted"  # another consulate's queue


def test_a_request_names_only_its_filer_s_own_paid_stamp(world: World) -> None:
    world.fees.stamps["S-1"] = Stamp("citizen:other", "passport", PAR)
    refused = refusal_of(file, "amina", PAR, "S-1")
    assert refused.slug == "consular-stamp-refused" and refused.errors[0].field == "body.stamp"
    world.fees.stamps["S-2"] = Stamp("citizen:amina", "passport", PAR)
    assert file("amina", stamp="S-2").payload["stamp"] == "S-2"


# --- validation: the checklist gate -------------------------------------------------------


def test_no_validation_while_a_required_document_is_missing(world: World) -> None:
    case = file("amina")
    refused = refusal_of(service.act, AGENT, case.id, "validate", "", "corr")
    assert refused.slug == "consular-documents-missing"
    assert refused.extra["missing"] == checklists.missing(case) != []
    assert refusal_of(service.act, MADRID, case.id, "validate", "", "corr").slug == "not-found"
    with_checklist(case)
    assert service.act(AGENT, case.id, "validate", "", "corr").state == "validated"


def test_the_queue_and_a_rejection(world: World) -> None:
    case = file("rej")
    assert [c.id for c in service.queue(PAR, "submitted", 10, None).cases] == [case.id]
    rejected = service.act(AGENT, case.id, "reject", "passeport valide", "corr")
    assert rejected.state == "rejected"
    refused = refusal_of(book, "rej", rejected)
    assert refused.slug == "conflict" and refused.extra["refusal"] == "wrong_state"


# --- booking: seats never sold twice, one live appointment per person ---------------------


def test_a_booking_takes_its_seat_the_guard_and_a_line_on_the_day_s_list(world: World) -> None:
    case = validated("amina")
    booked = book("amina", case)
    assert booked.state == "booked" and booked.payload["slot"] == MONDAY_9.isoformat()
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9).taken == 1
    assert world.appointments.live_guard(PAR, "passport", "citizen:amina") == case.id
    listed = world.appointments.day(PAR, "2026-12-07")
    assert [(e.case_id, e.status) for e in listed] == [(case.id, "booked")]
    assert [m.template for _, m in world.appointments.sent] == ["consular_booked"]
    assert {t.name for _, t in world.cases.timers} >= {"reminder", "attendance"}


def test_a_full_slot_answers_the_next_free_ones(world: World) -> None:
    book("first", validated("first"))
    second = validated("second")
    refused = refusal_of(book, "second", second)
    assert refused.extra["refusal"] == "slot_taken"
    assert refused.extra["next_free"][0]["slot"] == iso(MONDAY_915)
    assert lifecycle.find(second.id).state == "validated"  # type: ignore[union-attr]


def test_a_seat_lost_in_the_race_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the slot free; the transaction's seat condition decides, all or nothing."""
    book("first", validated("first"))
    second = validated("second")
    monkeypatch.setattr(booking, "full", lambda *args: False)
    refused = refusal_of(book, "second", second)
    assert refused.extra["refusal"] == "slot_taken"
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9).taken == 1
    assert world.appointments.live_guard(PAR, "passport", "citizen:second") is None
    assert len(world.appointments.day(PAR, "2026-12-07")) == 1


def test_a_slot_not_in_the_calendar_is_refused_naming_the_field(world: World) -> None:
    case = validated("amina")
    refused = refusal_of(book, "amina", case, MONDAY_9 + timedelta(minutes=7))
    assert refused.slug == "consular-rule-violated" and refused.errors[0].field == "body.slot"


def test_one_live_appointment_per_person_not_per_account(world: World) -> None:
    world.appointments.put(PAR, {**CALENDAR, "counters": {"passport": 3}})
    own = validated("mother")
    family = own.payload["family"]
    children = [validated("mother", person=minor(n, 10 + i), family=family)
                for i, n in enumerate(("Yasmine", "Adam"))]  # fmt: skip
    for case in (own, *children):  # the three of them in the same slot, three seats
        assert book("mother", case).state == "booked"
    again = validated("mother", family=family)
    twice = refusal_of(book, "mother", again, MONDAY_915)
    assert twice.extra["refusal"] == "live_appointment"
    same_child = {**minor("yasmine", 10), "family_name": "EL-ALAOUI"}
    fathers = validated("father", person=same_child)
    assert refusal_of(book, "father", fathers, MONDAY_915).extra["refusal"] == "live_appointment"
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_915).taken is None


# --- moving and cancelling ----------------------------------------------------------------


def test_a_move_gives_the_old_seat_back_in_the_same_step(world: World) -> None:
    case = book("amina", validated("amina"))
    moved = service.move_or_cancel(citizen("amina"), case.id, MONDAY_915, "corr")
    assert moved.state == "booked" and moved.payload["slot"] == MONDAY_915.isoformat()
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9).taken == 0
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_915).taken == 1
    assert [e.start for e in world.appointments.day(PAR, "2026-12-07")] == [iso(MONDAY_915)]


def test_a_move_to_the_same_slot_the_cut_off_and_the_rest_after_a_change(world: World) -> None:
    case = book("amina", validated("amina"))
    same = refusal_of(service.move_or_cancel, citizen("amina"), case.id, MONDAY_9, "corr")
    assert same.errors[0].field == "query.slot"
    service.move_or_cancel(citizen("amina"), case.id, MONDAY_915, "corr")
    rest = refusal_of(service.move_or_cancel, citizen("amina"), case.id, MONDAY_9, "corr")
    assert rest.slug == "too-many-requests"  # the booking rests five minutes after a change
    world.at(MONDAY_9 - timedelta(hours=23))
    late = refusal_of(service.move_or_cancel, citizen("amina"), case.id, None, "corr")
    assert late.extra["refusal"] == "cutoff"


def test_a_cancellation_frees_the_seat_for_the_waiting_list_and_holds_it(world: World) -> None:
    first = book("first", validated("first"))
    second = validated("second")
    assert refusal_of(book, "second", second).extra["refusal"] == "slot_taken"
    in_line = service.join_waiting_list(citizen("second"), second.id, "corr")
    assert in_line.state == "waiting" and in_line.payload["waiting_key"].startswith("1#")

    cancelled = service.move_or_cancel(citizen("first"), first.id, None, "corr")
    assert cancelled.state == "validated" and cancelled.payload["slot"] is None
    assert world.appointments.live_guard(PAR, "passport", "citizen:first") is None
    offered = lifecycle.find(second.id)
    assert offered is not None and offered.state == "offered"
    assert offered.payload["offered_slot"] == iso(MONDAY_9)
    assert world.appointments.waiting[(PAR, "passport")] == {}
    seats = world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9)
    assert (seats.taken, seats.hold_case) == (0, second.id)
    # The held seat is not sold to anyone else meanwhile; its holder takes it.
    world.at(TUESDAY + timedelta(minutes=6))  # after the first one's rest
    assert refusal_of(book, "first", cancelled).extra["refusal"] == "slot_taken"
    assert book("second", offered).state == "booked"
    seats = world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9)
    assert (seats.taken, seats.hold_case) == (1, "")


def test_a_hold_run_out_goes_to_the_next_in_line(world: World) -> None:
    first = book("first", validated("first"))
    line = [validated(n) for n in ("second", "third")]
    for n, case in zip(("second", "third"), line, strict=True):
        world.at(world.moment[0] + timedelta(seconds=1))
        service.join_waiting_list(citizen(n), case.id, "corr")
    service.move_or_cancel(citizen("first"), first.id, None, "corr")
    second = lifecycle.find(line[0].id)
    assert second is not None and second.state == "offered"
    world.at(TUESDAY + timedelta(minutes=20))  # the 15-minute hold ran out
    expired = lifecycle.act(APPOINTMENT, second, "offer_expired", Actor.system("timer"), {}).case
    waiting.after_offer_expired(expired, Happened(expired.id, "offer_expired", 0, expired.state))
    third = lifecycle.find(line[1].id)
    assert third is not None and third.state == "offered"
    assert third.payload["offered_slot"] == iso(MONDAY_9)
    seats = world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9)
    assert seats.hold_case == line[1].id


# --- the day: check-in spends the fee ------------------------------------------------------


def stamped(name: str) -> Case:
    world_stamp = f"ST-{name}"
    return book(name, validated(name, stamp=world_stamp))


def test_check_in_on_the_day_spends_the_stamp_and_frees_the_guard(world: World) -> None:
    world.fees.stamps["ST-amina"] = Stamp("citizen:amina", "passport", PAR)
    world.fees.fees["passport"] = FakeFee(Decimal("550"), "EUR", "unverified")
    case = stamped("amina")
    early = refusal_of(service.check_in, AGENT, case.id, "corr")
    assert early.extra["refusal"] == "not_today"
    world.at(MONDAY_9 - timedelta(minutes=10))
    assert refusal_of(service.check_in, MADRID, case.id, "corr").slug == "not-found"
    done = service.check_in(AGENT, case.id, "corr")
    assert done.state == "checked_in"
    assert world.fees.stamps["ST-amina"].status == "used"
    assert [e.status for e in world.appointments.day(PAR, "2026-12-07")] == ["checked_in"]
    assert world.appointments.live_guard(PAR, "passport", "citizen:amina") is None


def test_a_stamp_spent_meanwhile_leaves_the_check_in_undone(world: World) -> None:
    world.fees.stamps["ST-amina"] = Stamp("citizen:amina", "passport", PAR)
    case = stamped("amina")
    world.at(MONDAY_9 - timedelta(minutes=10))
    world.cases.refuse = {"stamp"}  # another counter used it in between
    refused = refusal_of(service.check_in, AGENT, case.id, "corr")
    assert refused.extra["refusal"] == "stamp"
    assert lifecycle.find(case.id).state == "booked"  # type: ignore[union-attr]
    assert [e.status for e in world.appointments.day(PAR, "2026-12-07")] == ["booked"]
    assert world.fees.stamps["ST-amina"].status == "paid"


# --- the calendar ---------------------------------------------------------------------------


def test_a_closed_day_cancels_its_appointments_first_in_line(world: World) -> None:
    case = book("closed", validated("closed"))
    where = consulates.consulate(PAR)
    assert where is not None
    _, cancelled = service.put_calendar(AGENT, where, {**CALENDAR, "closed": ["2026-12-07"]}, "c")
    assert cancelled == [case.id]
    after = lifecycle.find(case.id)
    assert after is not None and after.state == "waiting"
    assert after.payload["waiting_key"].startswith("0#")
    assert world.appointments.slot(PAR, "passport", "2026-12-07", MONDAY_9).taken == 0
    svc = consulates.service("passport")
    assert svc is not None
    free = service.free_slots(where, svc, date(2026, 12, 7), date(2026, 12, 7), clock.now())
    assert free == []


def test_a_calendar_change_never_oversells_a_seat(world: World) -> None:
    world.appointments.put(PAR, {**CALENDAR, "counters": {"passport": 2, "legalisation": 2}})
    book("a", validated("a"))
    book("b", validated("b"))
    where = consulates.consulate(PAR)
    assert where is not None
    refused = refusal_of(service.put_calendar, AGENT, where, CALENDAR, "c")
    assert refused.slug == "consular-seats-taken"
    assert refused.errors[0].field == "body.counters.passport"
    record = world.appointments.calendar_record(PAR)
    assert record is not None and record.body["counters"]["passport"] == 2
    assert record.pending is None


# --- what a citizen sees, documents asked for, the no-show ---------------------------------


def test_slots_are_shown_once_a_request_is_validated_and_less_the_seats_taken(
    world: World,
) -> None:
    where, svc = consulates.consulate(PAR), consulates.service("passport")
    assert where is not None and svc is not None
    monday = date(2026, 12, 7)
    file("early")
    refused = refusal_of(service.slots_for_citizen, citizen("early"), where, svc, monday, monday)
    assert refused.extra["refusal"] == "no_validated_request"
    case = validated("early")
    shown = service.slots_for_citizen(citizen("early"), where, svc, monday, monday)
    assert [f.slot.start for f in shown] == [MONDAY_9 + timedelta(minutes=15 * n) for n in range(4)]
    book("early", case)
    left = service.free_slots(where, svc, monday, monday, clock.now())
    assert MONDAY_9 not in [f.slot.start for f in left] and len(left) == 3


def test_documents_asked_for_by_kind_then_the_request_completed(world: World) -> None:
    case = file("docs")
    unknown = refusal_of(service.request_documents, AGENT, case.id, ["visa"], "r", "corr")
    assert unknown.errors[0].field == "body.kinds"
    asked = service.request_documents(AGENT, case.id, [], "photo manquante", "corr")
    assert asked.state == "documents_requested"
    assert asked.payload["owed_kinds"] == checklists.missing(case)
    with_checklist(asked)
    done = service.act(citizen("docs"), case.id, "complete", "", "corr")
    assert done.state == "submitted" and done.payload.get("owed_kinds") is None
    assert service.act(AGENT, case.id, "validate", "", "corr").state == "validated"


def test_a_no_show_is_marked_on_the_day_frees_the_guard_and_counts(world: World) -> None:
    case = book("absent", validated("absent"))
    assert world.appointments.live_guard(PAR, "passport", "citizen:absent") == case.id
    attendance = datetime.fromisoformat(case.payload["attendance_until"])
    assert attendance == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # midnight in Paris
    world.at(attendance + timedelta(minutes=1))
    gone = lifecycle.act(APPOINTMENT, case, "no_show", Actor.system("timer"), {}).case
    day.after_no_show(gone, Happened(gone.id, "no_show", 0, "no_show"))
    assert [e.status for e in world.appointments.day(PAR, "2026-12-07")] == ["no_show"]
    assert world.appointments.live_guard(PAR, "passport", "citizen:absent") is None
    assert service.no_shows("citizen:absent") == 1
    where = consulates.consulate(PAR)
    assert where is not None
    assert [s for _, s in service.day_list(where, date(2026, 12, 7))] == ["no_show"]
