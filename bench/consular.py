"""Consular appointments: booking latency (median, p95), DynamoDB calls per booking and per
slot listing, and the booking storm (200 attempts for 20 seats; oversold must be 0).
Measured at the service layer in in-process moto, as the tests build the stack."""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from bench.calls import Sample as BenchSample
from bench.calls import _local_stack

Figures = dict[str, Any]
BOOKINGS = 30


def _dynamodb(calls: list[Any]) -> tuple[int, str]:
    ops = [c for c in calls if c.service == "dynamodb"]
    return len(ops), ", ".join(
        f"{o} x{n}" for o, n in sorted(Counter(c.operation for c in ops).items())
    )


def measure() -> Figures:
    with _local_stack():
        from chalicelib import consulates
        from chalicelib.identity import Principal
        from chalicelib.services.consular import service as use
        from chalicelib.services.consular.machines import APPOINTMENT
        from chalicelib.workflow import lifecycle
        from chalicelib.workflow.case import Contact
        from chalicelib.workflow.engine import Actor
        from tests.integration.consular.test_consular_storm import SEATS, storm
        from tests.support.aws_calls import RECORDER
        from tests.support.consular_documents import checked_checklist

        place, svc = consulates.consulate("BE-BRU"), consulates.service("passport")
        assert place is not None and svc is not None
        agent = Principal("bench-agent", "staff", frozenset({"consular_agent"}), place.code)
        calendar = {
            "hours": {str(d): [{"start": "08:00", "end": "18:00"}] for d in range(7)},
            "counters": {"passport": 2},
            "closed": [],
        }
        use.put_calendar(agent, place, calendar, "")
        first = date.today() + timedelta(days=10)
        free = use.free_slots(place, svc, first, first + timedelta(days=6), datetime.now(UTC))
        latencies, per_booking = [], 0
        for n in range(BOOKINGS):
            owner = f"bench-rdv-{n}"
            actor = Actor(owner, frozenset({"citizen"}))
            case = lifecycle.open_case(
                APPOINTMENT,
                owner,
                place.code,
                Contact(email="b@demo.invalid"),
                {"consulate": place.code, "service": "passport"},
                actor,
            )
            case = checked_checklist(case)
            lifecycle.act(
                APPOINTMENT, case, "validate", Actor(agent.subject, agent.roles, place.code), {}
            )
            citizen = Principal(owner, "citizen", frozenset({"citizen"}))
            RECORDER.clear()
            started = time.perf_counter()
            use.book(citizen, case.id, free[n].slot.start, "")
            latencies.append((time.perf_counter() - started) * 1000)
            per_booking = _dynamodb(RECORDER.calls)[0]
        booking_ops = _dynamodb(RECORDER.calls)[1]
        RECORDER.clear()
        use.free_slots(place, svc, first, first + timedelta(days=6), datetime.now(UTC))
        listing = _dynamodb(RECORDER.calls)
        result = storm(None, "DE-DUS")
        statuses = result["statuses"]
        taken = sum(s.taken for s in result["seats"].values())
        capacity = SEATS * len(result["seats"])  # the storm's calendar: SEATS per slot
    return {
        "consular.booking.median_ms": round(statistics.median(latencies), 1),
        "consular.booking.p95_ms": round(statistics.quantiles(latencies, n=20)[18], 1),
        "consular.booking.dynamodb_calls": per_booking,
        "consular.booking.operations": booking_ops,
        "consular.slots_7_days.dynamodb_calls": listing[0],
        "consular.slots_7_days.operations": listing[1],
        "consular.storm.attempts": len(statuses),
        "consular.storm.successes": statuses.count(200),
        "consular.storm.conflicts": statuses.count(409),
        "consular.storm.oversold": max(0, taken - capacity),
    }


def report(figures: dict[str, object]) -> list[str]:
    f = figures
    return [
        "## Consular appointments",
        "",
        f"- booking: median {f['consular.booking.median_ms']} ms, "
        f"p95 {f['consular.booking.p95_ms']} ms; DynamoDB calls per booking "
        f"{f['consular.booking.dynamodb_calls']} ({f['consular.booking.operations']})",
        f"- slot listing (7 days): {f['consular.slots_7_days.dynamodb_calls']} DynamoDB calls "
        f"({f['consular.slots_7_days.operations']})",
        f"- storm: {f['consular.storm.attempts']} attempts, {f['consular.storm.successes']} "
        f"successes, {f['consular.storm.conflicts']} conflicts, "
        f"oversold {f['consular.storm.oversold']}",
    ]


# ``make bench``'s calls per route (bench/calls.py) for the consular routes: each call has a
# citizen of its own (a citizen holds one live request per consulate and service) at a
# consulate open every day with room to spare, so that every write reaches its success.
ROUTE_CONSULATE = "AE-DXB"  # no clock change
ROUTE_CALENDAR: dict[str, Any] = {
    "hours": {str(d): [{"start": "08:00", "end": "18:00"}] for d in range(7)},
    "counters": {"passport": 50},
    "closed": [],
}
_citizens = itertools.count()


def _agent() -> Any:
    from chalicelib.identity import Principal

    return Principal("bench-agent", "staff", frozenset({"consular_agent"}), ROUTE_CONSULATE)


def _citizen(sub: str) -> Any:
    from chalicelib.identity import Principal, identity

    return Principal(identity("citizen", sub), "citizen", frozenset({"citizen"}))


def _slot(days_ahead: int) -> datetime:
    """09:00 at ROUTE_CONSULATE, ``days_ahead`` days after its today."""
    from chalicelib import consulates
    from chalicelib.services.consular import domain

    place = consulates.consulate(ROUTE_CONSULATE)
    assert place is not None
    zone = ZoneInfo(place.time_zone)
    day = domain.local_day(datetime.now(UTC), zone) + timedelta(days=days_ahead)
    moment = domain.local_moment(day, dtime(9, 0), zone)
    assert moment is not None  # Dubai keeps no summer time
    return moment


def _calendar_set() -> dict[str, str]:
    from chalicelib import consulates
    from chalicelib.services.consular import service as use

    place = consulates.consulate(ROUTE_CONSULATE)
    assert place is not None
    use.put_calendar(_agent(), place, ROUTE_CALENDAR, "bench")
    return {}


def _new_citizen() -> dict[str, str]:
    return {"sub": f"bench-rdv-{next(_citizens)}"}


def _opened() -> dict[str, str]:
    """A request of a new citizen for a passport at ROUTE_CONSULATE; the citizen calls."""
    from chalicelib import consulates
    from chalicelib.services.consular import service as use
    from chalicelib.workflow.case import Contact

    place, svc = consulates.consulate(ROUTE_CONSULATE), consulates.service("passport")
    assert place is not None and svc is not None
    _calendar_set()
    sub = _new_citizen()["sub"]
    contact = Contact(f"{sub}@demo.invalid", "+971500000000", "fr", sub)
    return {"case_id": use.create_request(_citizen(sub), place, svc, contact, "").id, "sub": sub}


def _ready() -> dict[str, str]:
    """Opened, and its checklist's documents uploaded and checked: what a validation needs."""
    from chalicelib.workflow import lifecycle
    from tests.support.consular_documents import checked_checklist

    values = _opened()
    case = lifecycle.load(values["case_id"])
    assert case is not None
    checked_checklist(case)
    return values


def _with_a_stamp() -> dict[str, str]:
    """Opened, and a paid stamp of the same citizen for it: what attaching one needs."""
    from chalicelib.identity import identity
    from tests.support.route_samples.etimbre import paid_stamp

    values = _opened()
    number = paid_stamp(identity("citizen", values["sub"]), ROUTE_CONSULATE)
    return {**values, "body": json.dumps({"stamp": number})}


def _acted(action: str) -> dict[str, str]:
    from chalicelib.services.consular import service as use

    values = _ready() if action == "validate" else _opened()
    use.act(_agent(), values["case_id"], action, "bench" if action != "validate" else "", "bench")
    return values


def _validated() -> dict[str, str]:
    return _acted("validate")


def _to_book() -> dict[str, str]:
    from chalicelib.services.consular import domain

    return {**_validated(), "body": json.dumps({"slot": domain.iso(_slot(2))})}


def _booked() -> dict[str, str]:
    """Booked for tomorrow 09:00; the app's clock ten minutes before (for the check-in)."""
    from chalicelib.services.consular import service as use

    values, start = _validated(), _slot(1)
    use.book(_citizen(values["sub"]), values["case_id"], start, "bench")
    return {**values, "now": (start - timedelta(minutes=10)).isoformat()}


def _booked_now_real() -> dict[str, str]:
    values = _booked()
    del values["now"]
    return values


_TOMORROW = (datetime.now(ZoneInfo("Asia/Dubai")).date() + timedelta(days=1)).isoformat()
_REQUESTS = "/consular/appointment-requests"
_REQUEST = _REQUESTS + "/{case_id}"
_AT = {"code": ROUTE_CONSULATE}
_TRANSITION = "rate counter, the request (one Query), the transition (one TransactWriteItems)"
# Every answer about a request carries its citizen's no-shows (routes.request_view).
_NO_SHOWS = (
    "the answer counts the citizen's no-shows, a Query over all their cases (a count kept "
    "with the live marker the transactions already write would save it)"
)
_LIST = (
    "rate counter, the list (one Query), the reader's audit chain: its head (Query) and "
    "the new record"
)
BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", "/consular/consulates"): BenchSample(floor=0, why="the catalogue is code"),
    ("GET", "/consular/services"): BenchSample(floor=0, why="the catalogue is code"),
    ("POST", _REQUESTS): BenchSample(
        setup=_new_citizen,
        role="citizen",
        body={
            "consulate": ROUTE_CONSULATE,
            "service": "passport",
            "contact": {"email": "citizen@demo.invalid"},
        },
        floor=4,
        why="rate counter, the citizen's open requests (the limit), the reference counter, "
        "one transaction (the case and its live marker)",
    ),
    ("GET", _REQUEST): BenchSample(
        setup=_opened,
        role="citizen",
        floor=2,
        why="rate counter, the request (one Query)",
        over=_NO_SHOWS,
    ),
    ("POST", _REQUEST + "/validate"): BenchSample(
        setup=_ready, office=ROUTE_CONSULATE, body={}, floor=3, why=_TRANSITION, over=_NO_SHOWS
    ),
    ("POST", _REQUEST + "/reject"): BenchSample(
        setup=_opened,
        office=ROUTE_CONSULATE,
        body={"reason": "documents missing"},
        floor=3,
        why=_TRANSITION + "; the live marker released in it",
        over=_NO_SHOWS,
    ),
    ("POST", _REQUEST + "/request-documents"): BenchSample(
        setup=_opened,
        office=ROUTE_CONSULATE,
        body={"reason": "photo missing"},
        floor=3,
        why=_TRANSITION,
        over=_NO_SHOWS,
    ),
    ("POST", _REQUEST + "/complete"): BenchSample(
        setup=lambda: _acted("request_documents"),
        role="citizen",
        body={},
        floor=3,
        why=_TRANSITION,
        over=_NO_SHOWS,
    ),
    ("PUT", _REQUEST + "/stamp"): BenchSample(
        setup=_with_a_stamp,
        role="citizen",
        floor=4,
        why="rate counter, the request, the stamp (by number, then its item); the "
        "attachment is one transition",
        over=_NO_SHOWS,
    ),
    ("POST", _REQUEST + "/withdraw"): BenchSample(
        setup=_opened, role="citizen", body={}, floor=3, why=_TRANSITION, over=_NO_SHOWS
    ),
    ("GET", "/consular/consulates/{code}/slots"): BenchSample(
        setup=_validated,  # slots are shown to a citizen whose request was validated
        path=_AT,
        query={"service": "passport", "from": _TOMORROW, "to": _TOMORROW},
        role="citizen",
        floor=4,
        why="rate counter, the citizen's requests (one validated for the service), the "
        "calendar, the seats taken (one Query a day: one day here)",
    ),
    ("POST", _REQUEST + "/booking"): BenchSample(
        setup=_to_book,
        role="citizen",
        floor=4,
        why="rate counter, the request, the calendar (is the slot offered), one transaction "
        "(the seat taken under its condition, the case booked)",
        over="the day's seats are read before the transaction (a counter's seat chosen); "
        "and " + _NO_SHOWS,
    ),
    ("DELETE", _REQUEST + "/booking"): BenchSample(
        setup=_booked_now_real,
        role="citizen",
        floor=5,
        why="rate counter, the request, the citizen's change limits, one transaction (the "
        "seat given back, the case), the waiting list the seat is offered to",
        over="the two change limits (cool-down, changes a day) are read before and counted "
        "after: four calls where one conditional UpdateItem each, or both in one item, would "
        "do; and " + _NO_SHOWS,
    ),
    ("POST", _REQUEST + "/waiting-list"): BenchSample(
        setup=_validated,
        role="citizen",
        floor=3,
        why="rate counter, the request, one transaction (the list entry and the case)",
        over=_NO_SHOWS,
    ),
    ("GET", "/consular/consulates/{code}/appointments"): BenchSample(
        setup=_booked_now_real,
        path=_AT,
        query={"date": _TOMORROW},
        floor=4,
        why=_LIST,
    ),
    ("POST", _REQUEST + "/check-in"): BenchSample(
        setup=_booked,
        office=ROUTE_CONSULATE,
        floor=3,
        why=_TRANSITION + " (the day's mark and the live marker in it)",
        over=_NO_SHOWS,
    ),
    ("PUT", "/consular/consulates/{code}/calendar"): BenchSample(
        path=_AT,
        body=ROUTE_CALENDAR,
        floor=3,
        why="rate counter, the calendar before (which days newly close), the calendar",
    ),
    ("GET", "/consular/consulates/{code}/requests"): BenchSample(path=_AT, floor=4, why=_LIST),
}


if __name__ == "__main__":
    print("\n".join(report(measure())))
