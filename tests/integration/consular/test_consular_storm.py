"""Never oversell: 200 concurrent booking attempts for 20 seats.

60 validated requests of 50 citizens (10 of them asked twice) make the 200 attempts, each
request trying several times at once. (moto copies every table on each transaction, so the
requests are kept few; the attempts are what races.)"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib import consulates
from chalicelib.api.problems import status_of
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.consular import service as use
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from tests.support.consular_documents import checked_checklist

AGENT = Actor("agent-storm", frozenset({"consular_agent"}), "NL-AMS")
SEATS, ATTEMPTS, CITIZENS, REQUESTS = 20, 200, 50, 60


def storm(stack: Any, consulate: str = "NL-AMS") -> dict[str, Any]:
    """Open and validate the requests, then book them all at once; returns the figures."""
    place = consulates.consulate(consulate)
    assert place is not None
    calendar = {
        "hours": {str(d): [{"start": "10:00", "end": "10:15"}] for d in range(7)},
        "counters": {"passport": SEATS},
        "closed": [],
    }
    principal = Principal(AGENT.subject, "staff", AGENT.roles, consulate)
    use.put_calendar(principal, place, calendar, "")
    svc = consulates.service("passport")
    assert svc is not None
    first = date.today() + timedelta(days=30)
    slot = use.free_slots(place, svc, first, first, datetime.now(UTC))[0].slot
    requests = []
    for n in range(REQUESTS):
        owner = f"storm-{consulate}-{n % CITIZENS}"  # 10 citizens have two requests
        actor = Actor(owner, frozenset({"citizen"}))
        case = lifecycle.open_case(
            APPOINTMENT,
            owner,
            consulate,
            Contact(email="s@demo.invalid"),
            {"consulate": consulate, "service": "passport"},
            actor,
        )
        case = checked_checklist(case)
        lifecycle.act(
            APPOINTMENT, case, "validate", Actor(AGENT.subject, AGENT.roles, consulate), {}
        )
        requests.append((Principal(owner, "citizen", frozenset({"citizen"})), case.id))
    barrier = threading.Barrier(20)

    def attempt(request: tuple[Principal, str]) -> int:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        try:
            use.book(request[0], request[1], slot.start, "")
        except Refusal as problem:
            return status_of(problem)
        return 200

    attempts = [requests[n % REQUESTS] for n in range(ATTEMPTS)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, attempts))
    day = slot.start.date().isoformat()
    seats = repo.seats_of_day(consulate, "passport", day)
    booked = [lifecycle.load(c) for _, c in requests]
    return {"statuses": statuses, "slot": slot, "seats": seats, "booked": booked}


def test_two_hundred_attempts_for_twenty_seats_never_oversell(stack: Any) -> None:
    figures = storm(stack)
    statuses, seats, cases = figures["statuses"], figures["seats"], figures["booked"]
    assert statuses.count(200) == SEATS
    assert statuses.count(409) == ATTEMPTS - SEATS
    live = [c for c in cases if c.state == "booked"]
    taken = next(iter(seats.values())).taken
    assert len(live) == taken == SEATS
    owners = [c.owner for c in live]
    assert len(owners) == len(set(owners))  # nobody holds two live appointments
