"""Release rounds' conditional writes (decisions 56 to 59), on moto: the draw runs once
however many runs race it; an entry that read the round open before the close is refused
by the same condition; a run stopped midway is resumed by the next one, nothing twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib import clock, consulates
from chalicelib.api.problems import status_of
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.consular import draws, releases
from chalicelib.services.consular import service as use
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.store.consular import repository as repo
from chalicelib.store.consular import rounds
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from tests.support.consular_documents import checked_checklist

CONSULATE = "IT-MIL"  # no other test books here
AGENT = Principal("agent-mil", "staff", frozenset({"consular_agent"}), CONSULATE)
CALENDAR = {
    "hours": {str(d): [{"start": "09:00", "end": "10:00"}] for d in range(7)},
    "counters": {"passport": 2},
    "closed": [],
}
_DAYS = iter(range(20, 100, 3))


def validated(owner: str) -> tuple[Principal, str]:
    case = lifecycle.open_case(
        APPOINTMENT,
        owner,
        CONSULATE,
        Contact(email="mil@demo.invalid"),
        {"consulate": CONSULATE, "service": "passport"},
        Actor(owner, frozenset({"citizen"})),
    )
    case = checked_checklist(case)
    lifecycle.act(APPOINTMENT, case, "validate", Actor(AGENT.subject, AGENT.roles, CONSULATE), {})
    return Principal(owner, "citizen", frozenset({"citizen"})), case.id


def opened(slots: int = 2) -> tuple[rounds.Round, str]:
    """A round of ``slots`` slots (two seats each) on a fresh morning; its day."""
    place = consulates.consulate(CONSULATE)
    assert place is not None
    use.put_calendar(AGENT, place, CALENDAR, "")
    day = date.today() + timedelta(days=next(_DAYS))
    first = datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(place.time_zone)).astimezone(UTC)
    body = {
        "service": "passport",
        "slots": [first + timedelta(minutes=15 * n) for n in range(slots)],
        "draw_at": first - timedelta(days=2),
        "entries_hours": 24,
    }
    return releases.open_round(AGENT, place, body), day.isoformat()


def due(r: rounds.Round, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's clock at the round's draw."""
    monkeypatch.setattr(clock, "now", lambda: r.draw_at + timedelta(seconds=1))


def test_concurrent_runs_draw_once_and_sell_each_seat_once(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, day = opened(slots=2)  # four seats
    entrants = [validated(f"mil-race-{n}") for n in range(7)]
    for who, case_id in entrants:
        releases.enter(who, case_id, r.round_id, [day], "")
    due(r, monkeypatch)
    barrier = threading.Barrier(4)

    def run(_: int) -> str:
        barrier.wait()
        return releases.run_draw(r.round_id)

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(run, range(4)))
    assert any(o.startswith("drawn:") for o in outcomes), outcomes
    drawn = rounds.get(r.round_id)
    assert drawn is not None and drawn.state == rounds.DONE
    states = [lifecycle.load(c).state for _, c in entrants]
    assert sorted(states) == ["booked"] * 4 + ["waiting"] * 3
    taken = repo.seats_of_day(CONSULATE, "passport", day)
    assert sum(s.taken for s in taken.values()) == 4 and all(s.taken == 2 for s in taken.values())
    # The published order is the documented function of the seed and the entries.
    public = releases.public_view(r.round_id)
    assert public["order"] == draws.recompute(public)
    assert len(public["order"]) == 7
    # A late run, or a redelivered timer, changes nothing.
    assert releases.run_draw(r.round_id) == "already drawn"
    with pytest.raises(rounds.StateChanged):
        rounds.mark_drawn(r.round_id, "00", 0, {}, 0, datetime.now(UTC))
    with pytest.raises(rounds.StateChanged):
        rounds.close(r.round_id)


def test_an_entry_that_read_the_round_open_is_refused_once_it_closed(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, day = opened()
    who, case_id = validated("mil-late")
    stale = rounds.get(r.round_id)
    rounds.close(r.round_id)  # the draw's first write lands between the read and the entry
    monkeypatch.setattr(rounds, "get", lambda round_id: stale)
    with pytest.raises(Refusal) as refused:
        releases.enter(who, case_id, r.round_id, [day], "")
    assert status_of(refused.value) == 409 and refused.value.extra["refusal"] == "round_closed"
    monkeypatch.undo()
    assert lifecycle.load(case_id).state == "validated"
    assert rounds.entries(r.round_id) == []


def test_one_entry_per_person_and_a_withdrawn_entry_frees_the_person(stack: Any) -> None:
    r, day = opened()
    who, first = validated("mil-twice")
    _, second = validated("mil-twice")  # the same person asked twice
    entered = releases.enter(who, first, r.round_id, [day], "")
    with pytest.raises(Refusal) as twice:
        releases.enter(who, second, r.round_id, [day], "")
    assert twice.value.extra["refusal"] == "already_entered"
    assert lifecycle.load(second).state == "validated"
    releases.leave(who, first, entered.payload["round"]["entry"], "")
    releases.enter(who, second, r.round_id, [day], "")
    [entry] = rounds.entries(r.round_id)
    assert entry.case_id == second


def test_a_run_stopped_midway_is_resumed_without_doing_anything_twice(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, day = opened(slots=1)  # two seats
    entrants = [validated(f"mil-resume-{n}") for n in range(4)]
    for who, case_id in entrants:
        releases.enter(who, case_id, r.round_id, [day], "")
    due(r, monkeypatch)
    real_book, calls = releases._book, list[int]()

    def stopped_after_one(*args: Any) -> bool:
        if calls:
            raise RuntimeError("the Lambda stopped")
        calls.append(1)
        return real_book(*args)

    monkeypatch.setattr(releases, "_book", stopped_after_one)
    with pytest.raises(RuntimeError):
        releases.run_draw(r.round_id)
    midway = rounds.get(r.round_id)
    assert midway is not None and midway.state == rounds.DRAWN and midway.seed
    monkeypatch.setattr(releases, "_book", real_book)
    assert releases.run_draw(r.round_id) == "drawn: 1 booked, 2 waiting"  # the rest of it
    states = sorted(lifecycle.load(c).state for _, c in entrants)
    assert states == ["booked", "booked", "waiting", "waiting"]
    assert sum(s.taken for s in repo.seats_of_day(CONSULATE, "passport", day).values()) == 2
    mine = {c for _, c in entrants}  # earlier rounds' losers wait here too, before them
    waiting = [w.case_id for w in repo.first_waiting(CONSULATE, "passport") if w.case_id in mine]
    order = releases.public_view(r.round_id)["order"]
    cases = {e.reference: e.case_id for e in rounds.entries(r.round_id)}
    assert waiting == [cases[ref] for ref in order[2:]]  # the waiting list in draw order
