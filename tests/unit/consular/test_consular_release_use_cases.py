"""Release rounds' use cases (``releases.py``) against the in-memory fakes of ``tests/fakes/``
(decision §72): the rules tests/e2e/consular/test_consular_release_draw.py and
tests/integration/consular/test_consular_release_rounds.py assert through HTTP, DynamoDB and
KMS, here in milliseconds and with AWS out of reach (any AWS call fails the test)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from botocore.client import BaseClient

from chalicelib import clock, consulates
from chalicelib.services.consular import booking, domain, draws, ports, releases, service
from chalicelib.store.cases import TimerRequest
from chalicelib.store.consular.rounds import CLOSED, DONE, DRAWN, Round, StateChanged
from chalicelib.workflow import callbacks, lifecycle, repository
from chalicelib.workflow.case import Case, Contact
from tests.fakes.cases import InMemoryCases
from tests.fakes.consular import InMemoryAppointments, InMemoryOwnCases, InMemoryQuotas, iso
from tests.fakes.consular_rounds import InMemoryDrawSecrets, InMemoryRounds
from tests.unit.consular.test_consular_use_cases import (
    AGENT,
    PAR,
    TUESDAY,
    book,
    citizen,
    minor,
    refusal_of,
    with_checklist,
)

CALENDAR = {  # as the e2e journey's: mornings and afternoons, one seat a slot
    "hours": {
        str(d): [{"start": "09:00", "end": "10:00"}, {"start": "14:00", "end": "15:00"}]
        for d in range(7)
    },
    "counters": {"passport": 1},
    "closed": [],
}
DAY, NEXT = date(2026, 12, 14), date(2026, 12, 15)
SLOTS = [  # 09:00 and 14:00 in Paris, then 09:00 the next day: three half-days
    datetime(2026, 12, 14, 8, 0, tzinfo=UTC),
    datetime(2026, 12, 14, 13, 0, tzinfo=UTC),
    datetime(2026, 12, 15, 8, 0, tzinfo=UTC),
]
CHOICES = [DAY.isoformat(), f"{NEXT.isoformat()}/am"]  # a day counts two half-days
DRAW_AT = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # entries close on the 2nd at 10:00


@dataclass
class World:
    cases: InMemoryCases
    appointments: InMemoryAppointments
    rounds: InMemoryRounds
    secrets: InMemoryDrawSecrets
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
    cases, appointments = InMemoryCases(), InMemoryAppointments()
    appointments.put(PAR, CALENDAR)
    fakes = World(cases, appointments, InMemoryRounds(appointments), InMemoryDrawSecrets(), moment)
    in_use = ports.Ports(
        appointments, InMemoryOwnCases(cases), InMemoryQuotas(), fakes.rounds, fakes.secrets
    )
    with repository.using(cases), ports.using(in_use):
        yield fakes


def opened(slots: list[datetime] = SLOTS, draw_at: datetime = DRAW_AT, hours: int = 24) -> Round:
    where = consulates.consulate(PAR)
    assert where is not None
    body = {"service": "passport", "slots": slots, "draw_at": draw_at, "entries_hours": hours}
    return releases.open_round(AGENT, where, body)


def validated(name: str, language: str = "fr", **more: Any) -> Case:
    """A request of ``name``'s, its checklist checked and validated by the consulate."""
    where, svc = consulates.consulate(PAR), consulates.service("passport")
    assert where is not None and svc is not None
    contact = Contact(f"{name}@demo.invalid", "", language, name.title())
    case = with_checklist(service.create_request(citizen(name), where, svc, contact, "", **more))
    return service.act(AGENT, case.id, "validate", "", "corr")


def enter(name: str, case: Case, r: Round, choices: list[str] = CHOICES) -> Case:
    return releases.enter(citizen(name), case.id, r.round_id, choices, "corr")


def now_state(case: Case) -> str:
    found = lifecycle.find(case.id)
    assert found is not None
    return found.state


def seats(world: World, start: datetime) -> tuple[int | None, str]:
    item = world.appointments.slot(PAR, "passport", start.date().isoformat(), start)
    return item.taken, item.round_id


def drawn_by_timer(r: Round) -> str:
    message = {"case_id": r.round_id, "deadline": "consular-draw", "due_at": iso(r.draw_at)}
    return callbacks.timer_fired(message)


# --- the agent opens a round --------------------------------------------------------------


def test_a_round_opens_committed_timed_and_its_slots_reserved(world: World) -> None:
    r = opened()
    public = releases.public_view(r.round_id)
    assert public["state"] == "open" and public["seed"] is None and public["entries"] == []
    seed = world.secrets.sealed[r.secret][: draws.SEED_BYTES]  # KMS's, sealed in the round
    assert public["commitment"] == hashlib.sha256(seed).hexdigest()
    assert public["closes_at"] == iso(TUESDAY + timedelta(hours=24))
    execution = f"round-{r.round_id}-draw"
    timer = TimerRequest("consular-draw", "start", execution, DRAW_AT, "draw")
    assert world.rounds.timers == [(r.round_id, timer)]  # the cases stream starts it
    assert [seats(world, s) for s in SLOTS] == [(None, r.round_id)] * 3
    assert refusal_of(releases.public_view, "0" * 32).slug == "not-found"
    assert refusal_of(releases.public_view, "../x").slug == "not-found"


def test_the_slots_and_the_moments_of_a_round_are_checked(world: World) -> None:
    odd = refusal_of(opened, [SLOTS[0] + timedelta(minutes=7)])
    assert [e.field for e in odd.errors] == ["body.slots.0"]
    late = refusal_of(opened, SLOTS, DRAW_AT, 72)
    assert [e.field for e in late.errors] == ["body.draw_at"]  # entries close after the draw
    after = refusal_of(opened, SLOTS, SLOTS[0] - timedelta(minutes=30))
    assert [e.field for e in after.errors] == ["body.draw_at"]  # the draw after the first slot
    assert world.rounds.rounds == {} and world.secrets.sealed == {}


def test_slots_already_used_open_no_round_and_name_themselves(world: World) -> None:
    first = opened(SLOTS[:1])
    book("amina", validated("amina"), SLOTS[1])  # a seat taken on the second
    refused = refusal_of(opened)
    assert refused.slug == "conflict" and refused.extra["refusal"] == "slots_not_free"
    assert refused.extra["slots"] == [iso(SLOTS[0]), iso(SLOTS[1])]
    assert list(world.rounds.rounds) == [first.round_id] and len(world.rounds.timers) == 1
    assert seats(world, SLOTS[2]) == (None, "")  # the free one was not reserved either


def test_a_round_s_slots_are_not_bookable_outside_the_draw(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = opened()
    case = validated("amina")
    where, svc = consulates.consulate(PAR), consulates.service("passport")
    assert where is not None and svc is not None
    shown = service.slots_for_citizen(citizen("amina"), where, svc, DAY, NEXT)
    assert shown and not {f.slot.start for f in shown} & set(SLOTS)
    assert refusal_of(book, "amina", case, SLOTS[0]).extra["refusal"] == "slot_taken"
    monkeypatch.setattr(booking, "full", lambda *args: False)  # the seat's condition decides
    assert refusal_of(book, "amina", case, SLOTS[0]).extra["refusal"] == "slot_taken"
    assert seats(world, SLOTS[0]) == (None, r.round_id)
    assert now_state(case) == "validated"


# --- entries ------------------------------------------------------------------------------


def test_an_entry_accepts_three_half_days_or_all_the_round_has(world: World) -> None:
    r = opened()
    case = validated("amina")
    few = refusal_of(enter, "amina", case, r, [f"{DAY.isoformat()}/am", f"{DAY.isoformat()}/pm"])
    assert few.slug == "consular-rule-violated" and few.errors[0].field == "body.choices"
    assert "at least 3 half-days" in few.errors[0].message
    nowhere = refusal_of(enter, "amina", case, r, [*CHOICES, "2026-12-16"])
    assert "no slot of this round" in nowhere.errors[0].message
    entered = enter("amina", case, r)
    mine = entered.payload["round"]
    assert entered.state == "entered" and mine["id"] == r.round_id
    key = world.secrets.sealed[r.secret][draws.SEED_BYTES :]
    assert mine["entry"] == draws.entry_reference(key, case.id) != case.id
    [entry] = world.rounds.entries(r.round_id)
    assert (entry.case_id, entry.reference, entry.choices) == (case.id, mine["entry"], CHOICES)
    small = opened([datetime(2026, 12, 16, 8, 0, tzinfo=UTC)])  # one half-day: it is enough
    assert enter("omar", validated("omar"), small, ["2026-12-16/am"]).state == "entered"


def test_an_entry_needs_a_validated_request_and_a_round_of_its_own(world: World) -> None:
    r = opened()
    case = validated("amina")
    where, svc = consulates.consulate(PAR), consulates.service("passport")
    assert where is not None and svc is not None
    contact = Contact("amina@demo.invalid", "", "fr", "Amina")
    submitted = service.create_request(citizen("amina"), where, svc, contact, "")
    assert refusal_of(enter, "amina", submitted, r).extra["refusal"] == "wrong_state"
    unknown = refusal_of(releases.enter, citizen("amina"), case.id, "f" * 32, CHOICES, "c")
    assert unknown.errors[0].field == "body.round"
    stranger = refusal_of(releases.enter, citizen("omar"), case.id, r.round_id, CHOICES, "c")
    assert stranger.slug == "not-found"
    enter("amina", case, r)
    assert refusal_of(enter, "amina", case, r).extra["refusal"] == "wrong_state"  # entered
    assert [e.case_id for e in world.rounds.entries(r.round_id)] == [case.id]


def test_one_entry_per_person_the_same_child_written_another_way(world: World) -> None:
    r = opened()
    mother = validated("mother", "en")
    yasmine = minor("Yasmine", 9)
    daughter = validated("mother", "en", person=yasmine, family=mother.payload["family"])
    assert enter("mother", mother, r).state == enter("mother", daughter, r).state == "entered"
    fathers = validated("father", person={**yasmine, "given_name": "YASMINE"})
    twice = refusal_of(enter, "father", fathers, r)
    assert twice.slug == "conflict" and twice.extra["refusal"] == "already_entered"
    assert now_state(fathers) == "validated"
    assert sorted(e.case_id for e in world.rounds.entries(r.round_id)) == sorted(
        [mother.id, daughter.id]
    )


def test_a_withdrawal_validates_the_request_again_and_frees_the_person(world: World) -> None:
    r = opened()
    first, second = validated("karim"), validated("karim")  # the same person asked twice
    entry = enter("karim", first, r).payload["round"]["entry"]
    assert refusal_of(enter, "karim", second, r).extra["refusal"] == "already_entered"
    wrong = refusal_of(releases.leave, citizen("karim"), first.id, "0" * 64, "c")
    assert wrong.extra["refusal"] == "no_entry"
    assert refusal_of(releases.leave, citizen("omar"), first.id, entry, "c").slug == "not-found"
    left = releases.leave(citizen("karim"), first.id, entry, "c")
    assert left.state == "validated" and left.payload.get("round") is None
    enter("karim", second, r)
    assert [e.case_id for e in world.rounds.entries(r.round_id)] == [second.id]


def test_a_late_entry_or_withdrawal_is_refused_round_closed(world: World) -> None:
    r = opened()
    inside = validated("inside")
    entry = enter("inside", inside, r).payload["round"]["entry"]
    late = validated("late")
    world.at(r.closes_at)
    refused = refusal_of(enter, "late", late, r)
    assert refused.slug == "conflict" and refused.extra["refusal"] == "round_closed"
    gone = refusal_of(releases.leave, citizen("inside"), inside.id, entry, "c")
    assert gone.extra["refusal"] == "round_closed"
    assert (now_state(late), now_state(inside)) == ("validated", "entered")


def test_an_entry_that_read_the_round_open_is_refused_once_it_closed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draw's close lands between the entry's read and its write: the same condition."""
    r = opened()
    case = validated("racer")
    world.rounds.close(r.round_id)
    monkeypatch.setattr(world.rounds, "get", lambda round_id: r)  # the read before the close
    refused = refusal_of(enter, "racer", case, r)
    assert refused.extra["refusal"] == "round_closed"
    assert now_state(case) == "validated" and world.rounds.entries(r.round_id) == []


# --- the draw -------------------------------------------------------------------------------


def entrants(r: Round) -> dict[str, Case]:
    """Four entries for three seats, in three languages (the mother's and her daughter's
    each their own): the requests as entered, each naming its entry."""
    mother = validated("mother", "en")
    family = mother.payload["family"]
    daughter = validated("mother", "en", person=minor("Yasmine", 9), family=family)
    return {
        "amina": enter("amina", validated("amina"), r),
        "mother": enter("mother", mother, r),
        "daughter": enter("mother", daughter, r),
        "omar": enter("omar", validated("omar", "ar"), r),
    }


def test_the_draw_orders_by_hmac_books_the_earliest_seats_and_waits_the_rest(
    world: World,
) -> None:
    r = opened()
    cases = entrants(r)
    assert drawn_by_timer(r) == "stale"  # not due yet
    world.at(DRAW_AT + timedelta(seconds=1))
    assert drawn_by_timer(r) == "drawn: 3 booked, 1 waiting"

    public = releases.public_view(r.round_id)
    seed = bytes.fromhex(public["seed"])
    assert public["state"] == DONE and hashlib.sha256(seed).hexdigest() == public["commitment"]
    references = {c.id: c.payload["round"]["entry"] for c in cases.values()}
    by_hmac = sorted(
        references.values(), key=lambda ref: hmac.new(seed, ref.encode(), "sha256").hexdigest()
    )
    assert public["order"] == by_hmac == draws.recompute(public)
    assert set(public["seats"]) == {iso(s) for s in SLOTS}
    assert [e["slot"] for e in public["entries"]] == [*map(iso, SLOTS), None]  # earliest first

    case_of = {ref: case_id for case_id, ref in references.items()}
    won = [case_of[e["reference"]] for e in public["entries"][:3]]
    [lost] = [case_of[e["reference"]] for e in public["entries"][3:]]
    for case_id, start in zip(won, SLOTS, strict=True):
        case = lifecycle.find(case_id)
        assert case is not None and case.state == "booked"
        assert case.payload["slot"] == start.isoformat()
        assert case.payload["round"]["outcome"] == "booked"
        person = domain.person_of(case.payload, case.owner)
        assert world.appointments.live_guard(PAR, "passport", person) == case_id
    loser = lifecycle.find(lost)
    assert loser is not None and loser.state == "waiting"
    assert loser.payload["round"]["outcome"] == "waiting"
    assert [w.case_id for w in world.appointments.first_waiting(PAR, "passport")] == [lost]

    # Everyone told, each in their language; the winners' notice carries the booking.
    told = {(case_id, m.template, m.language) for case_id, m in world.appointments.sent}
    told |= {(case_id, m.template, m.language) for case_id, m in world.cases.outbox}
    for case in cases.values():
        outcome = "won" if case.id in won else "lost"
        assert (case.id, f"consular_draw_{outcome}", case.contact.language) in told
    # Each seat taken once, by the draw; the slots book as any other from now on.
    assert [seats(world, s) for s in SLOTS] == [(1, "")] * 3
    listed = [e for d in (DAY, NEXT) for e in world.appointments.day(PAR, d.isoformat())]
    assert sorted(e.case_id for e in listed) == sorted(won)


def test_each_entry_gets_its_earliest_acceptable_slot_with_a_seat_left(world: World) -> None:
    """Entries accepting different half-days: walked in draw order, each gets the first of
    its own slots still free, or waits (the rule restated here, not ``draws.allocate``)."""
    four = [*SLOTS, datetime(2026, 12, 15, 13, 0, tzinfo=UTC)]  # four half-days
    r = opened(four)
    wishes = {  # three half-days each, of four
        "early": [DAY.isoformat(), f"{NEXT.isoformat()}/am"],
        "late": [f"{DAY.isoformat()}/pm", NEXT.isoformat()],
        "mornings": [f"{DAY.isoformat()}/am", NEXT.isoformat()],
        "any": [DAY.isoformat(), NEXT.isoformat()],
        "more": [f"{DAY.isoformat()}/pm", NEXT.isoformat()],
        "last": [DAY.isoformat(), f"{NEXT.isoformat()}/pm"],
    }
    for name, choices in wishes.items():
        enter(name, validated(name), r, choices)
    world.at(DRAW_AT + timedelta(seconds=1))
    releases.run_draw(r.round_id)
    zone = ZoneInfo("Europe/Paris")
    left = set(four)
    for e in releases.public_view(r.round_id)["entries"]:
        chosen = [c for c in map(draws.parse_choice, e["choices"]) if c is not None]
        mine = sorted(s for s in left if any(c.covers(s.astimezone(zone)) for c in chosen))
        assert e["slot"] == (iso(mine[0]) if mine else None), e
        left -= set(mine[:1])
    assert left == set()  # six entries, four seats: every seat went


def test_a_winner_who_has_an_appointment_already_waits_instead(world: World) -> None:
    """The draw books in the seat model: the one-live-appointment guard still holds."""
    r = opened()
    kept = validated("amina")
    book("amina", kept, SLOTS[0] + timedelta(days=2))
    entered = enter("amina", validated("amina"), r)
    world.at(DRAW_AT + timedelta(seconds=1))
    assert releases.run_draw(r.round_id) == "drawn: 0 booked, 1 waiting"
    assert now_state(entered) == "waiting"
    assert seats(world, SLOTS[0]) == (None, "")  # the seat it would have had stays free
    assert world.appointments.live_guard(PAR, "passport", "citizen:amina") == kept.id


# --- the draw runs once, and resumes --------------------------------------------------------


def outcomes(world: World, cases: dict[str, Case]) -> list[str]:
    return sorted(now_state(c) for c in cases.values())


def test_a_second_run_or_a_redelivered_timer_changes_nothing(world: World) -> None:
    r = opened()
    cases = entrants(r)
    world.at(DRAW_AT + timedelta(seconds=1))
    assert releases.run_draw(r.round_id) == "drawn: 3 booked, 1 waiting"
    before = (releases.public_view(r.round_id), list(world.appointments.sent))
    assert releases.run_draw(r.round_id) == "already drawn"
    assert drawn_by_timer(r) == "already drawn"
    assert (releases.public_view(r.round_id), world.appointments.sent) == before
    assert world.rounds.moves == [(r.round_id, s) for s in (CLOSED, DRAWN, DONE)]
    with pytest.raises(StateChanged):
        world.rounds.mark_drawn(r.round_id, "00", 0, {}, 0, clock.now())
    with pytest.raises(StateChanged):
        world.rounds.close(r.round_id)
    assert outcomes(world, cases) == ["booked"] * 3 + ["waiting"]
    assert releases.run_draw("f" * 32) == "unknown round"


DRAWN_HERE, NOTHING_LEFT = "drawn: 3 booked, 1 waiting", "drawn: 0 booked, 0 waiting"


@pytest.mark.parametrize(
    ("move", "this_run", "other_run"),
    [
        ("close", "already drawn", DRAWN_HERE),
        ("mark_drawn", "already drawn", DRAWN_HERE),
        ("mark_done", DRAWN_HERE, NOTHING_LEFT),
    ],
    ids=["close", "mark_drawn", "mark_done"],
)
def test_a_run_racing_another_loses_cleanly(
    world: World, move: str, this_run: str, other_run: str
) -> None:
    """Another run slips in just before this run's ``move``: the round's state decides, each
    seat is sold once, each outcome applied once, each move made once."""
    r = opened()
    cases = entrants(r)
    world.at(DRAW_AT + timedelta(seconds=1))
    other: list[str] = []
    world.rounds.meanwhile[move] = lambda: other.append(releases.run_draw(r.round_id))
    assert releases.run_draw(r.round_id) == this_run
    assert other == [other_run]
    assert world.rounds.moves == [(r.round_id, s) for s in (CLOSED, DRAWN, DONE)]
    assert outcomes(world, cases) == ["booked"] * 3 + ["waiting"]
    assert [seats(world, s) for s in SLOTS] == [(1, "")] * 3
    assert len(world.appointments.first_waiting(PAR, "passport")) == 1
    public = releases.public_view(r.round_id)
    assert public["order"] == draws.recompute(public) and len(public["entries"]) == 4


def test_a_run_stopped_midway_is_resumed_without_doing_anything_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.appointments.put(PAR, {**CALENDAR, "counters": {"passport": 2}})
    r = opened(SLOTS[:1])  # one slot, two seats: one half-day is all the round has
    cases = {n: validated(n) for n in ("a", "b", "c", "d")}
    for name, case in cases.items():
        enter(name, case, r, [DAY.isoformat()])
    world.at(DRAW_AT + timedelta(seconds=1))
    real_book, calls = releases._book, list[int]()

    def stopped_after_one(*args: Any) -> bool:
        if calls:
            raise RuntimeError("the Lambda stopped")
        calls.append(1)
        return real_book(*args)

    monkeypatch.setattr(releases, "_book", stopped_after_one)
    with pytest.raises(RuntimeError):
        releases.run_draw(r.round_id)
    midway = world.rounds.get(r.round_id)
    assert midway is not None and midway.state == DRAWN and midway.seed
    assert seats(world, SLOTS[0]) == (1, r.round_id)  # still reserved: not done
    monkeypatch.setattr(releases, "_book", real_book)
    assert releases.run_draw(r.round_id) == "drawn: 1 booked, 2 waiting"  # the rest of it
    assert outcomes(world, cases) == ["booked", "booked", "waiting", "waiting"]
    assert seats(world, SLOTS[0]) == (2, "")
    order = releases.public_view(r.round_id)["order"]
    case_of = {e.reference: e.case_id for e in world.rounds.entries(r.round_id)}
    waiting = [w.case_id for w in world.appointments.first_waiting(PAR, "passport")]
    assert waiting == [case_of[ref] for ref in order[2:]]  # the waiting list in draw order
