"""Consular appointments: booking latency (median, p95), DynamoDB calls per booking and per
slot listing, and the booking storm (200 attempts for 20 seats; oversold must be 0).
Measured at the service layer in in-process moto, as the tests build the stack."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

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
        from chalicelib.api.principal import Principal
        from chalicelib.services.consular import catalogue
        from chalicelib.services.consular import service as use
        from chalicelib.services.consular.machines import APPOINTMENT
        from chalicelib.workflow import service
        from chalicelib.workflow.case import Contact
        from chalicelib.workflow.engine import Actor
        from tests.integration.consular.test_consular_storm import SEATS, storm
        from tests.support.aws_calls import RECORDER
        from tests.support.consular_documents import checked_checklist

        place, svc = catalogue.consulate("BE-BRU"), catalogue.service("passport")
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
            case = service.open_case(
                APPOINTMENT,
                owner,
                place.code,
                Contact(email="b@demo.invalid"),
                {"consulate": place.code, "service": "passport"},
                actor,
            )
            case = checked_checklist(case)
            service.act(
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


if __name__ == "__main__":
    print("\n".join(report(measure())))
