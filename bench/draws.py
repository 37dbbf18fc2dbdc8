"""Consular release rounds (decision 61): does speed buy anything, and what a draw costs.

Fairness, simulated with the draw's own pure functions (``draws.order``, ``draws.allocate``):
a round of 10,000 entries for 1,000 seats (20 slots of 50 seats over 5 days), of which 10 %
come from scripted clients that enter at the first millisecond and retry; the others enter
at random moments of the day the entries stay open. Every entrant accepts 3 to 6 half-days
drawn the same way, so that only speed tells the two groups apart. The entry stage keeps
the store's rule (one entry per person: a retry is refused), and the draw orders what was
entered. Over ROUNDS seeds, the scripted clients' share of seats is printed beside their
share of entries, with the sampling error of one round (two standard deviations of the
hypergeometric count).

Cost, measured on in-process moto: the same 10,000 entries written as entry items, then the
draw's first part (close, read the entries, order, publish, the conditional write) timed and
its DynamoDB calls and request units counted; applying an outcome (one case transition each)
is measured on a small round of real requests and multiplied out, said as such.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

Figures = dict[str, Any]
ENTRIES, SEATS, SCRIPTED_SHARE, ROUNDS = 10_000, 1_000, 0.10, 20
DAYS, SLOTS_PER_HALF, SEATS_PER_SLOT = 5, 2, 50  # 5 days x am/pm x 2 slots x 50 = 1,000
RETRIES = 5  # each scripted client tries again this many times in its first second
APPLY_SAMPLE = 5  # real requests whose outcome is applied (4 seats): one application
UTC_ZONE = ZoneInfo("UTC")


def _choices(rng: random.Random, halves: list[str]) -> list[str]:
    return rng.sample(halves, rng.randint(3, 6))


def simulate(seed: bytes, rng: random.Random) -> dict[str, Any]:
    """One round: entries (humans at random moments, scripts at once and retrying, each
    refused after its first by the one-entry-per-person rule), then the draw."""
    from chalicelib.services.consular import draws

    first = date(2030, 1, 7)
    halves = [f"{first + timedelta(days=d)}/{h}" for d in range(DAYS) for h in ("am", "pm")]
    seats = [
        draws.Seat(
            datetime.combine(first + timedelta(days=d), dtime(hour, 15 * n), UTC), SEATS_PER_SLOT
        )
        for d in range(DAYS)
        for hour in (9, 14)
        for n in range(SLOTS_PER_HALF)
    ]
    scripted = int(ENTRIES * SCRIPTED_SHARE)
    attempts: list[tuple[float, str]] = []
    for n in range(ENTRIES):
        person = f"p{n}"
        if n < scripted:
            attempts += [(0.001 + k * 0.2, person) for k in range(RETRIES + 1)]
        else:
            attempts.append((rng.uniform(0, 86_400), person))
    attempts.sort()
    key = os.urandom(32)
    entered: dict[str, str] = {}  # person -> reference: the store's conditional put
    refused = 0
    for _, person in attempts:
        if person in entered:
            refused += 1
            continue
        entered[person] = draws.entry_reference(key, person)
    choices = {ref: _choices(rng, halves) for ref in entered.values()}
    parsed = {r: [c for c in map(draws.parse_choice, cs) if c] for r, cs in choices.items()}
    ordered = draws.order(seed, entered.values())
    outcome = draws.allocate(ordered, parsed, seats, UTC_ZONE)
    scripted_refs = {entered[f"p{n}"] for n in range(scripted)}
    won = len(outcome.won)
    # The same entrants served in order of arrival, as first-come-first-served booking does.
    arrival = list(entered.values())  # dicts keep insertion order: the first attempt's
    first_come = draws.allocate(arrival, parsed, seats, UTC_ZONE)
    return {
        "entries": len(entered),
        "refused_retries": refused,
        "seats_won": won,
        "scripted_won": sum(1 for r in outcome.won if r in scripted_refs),
        "scripted_won_first_come": sum(1 for r in first_come.won if r in scripted_refs)
        / max(1, len(first_come.won)),
    }


def _hypergeometric_sd(population: int, marked: int, drawn: int) -> float:
    p = marked / population
    return float((drawn * p * (1 - p) * (population - drawn) / (population - 1)) ** 0.5)


def fairness() -> Figures:
    rng = random.Random(20261205)
    started = time.perf_counter()
    runs = [simulate(os.urandom(32), rng) for _ in range(ROUNDS)]
    elapsed = time.perf_counter() - started
    shares = [r["scripted_won"] / r["seats_won"] for r in runs]
    within = sum(
        1
        for r, share in zip(runs, shares, strict=True)
        if abs(share - SCRIPTED_SHARE)
        <= 2
        * _hypergeometric_sd(ENTRIES, int(ENTRIES * SCRIPTED_SHARE), r["seats_won"])
        / r["seats_won"]
    )
    won = statistics.mean(r["seats_won"] for r in runs)
    scripted = int(ENTRIES * SCRIPTED_SHARE)
    sd = _hypergeometric_sd(ENTRIES, scripted, round(won)) / won
    return {
        "draws.fairness.rounds": ROUNDS,
        "draws.fairness.entries": runs[0]["entries"],
        "draws.fairness.seats_won": round(won, 1),
        "draws.fairness.refused_retries": runs[0]["refused_retries"],
        "draws.fairness.scripted_share_of_entries": SCRIPTED_SHARE,
        "draws.fairness.scripted_share_of_seats_mean": round(statistics.mean(shares), 4),
        "draws.fairness.scripted_share_of_seats_min": round(min(shares), 4),
        "draws.fairness.scripted_share_of_seats_max": round(max(shares), 4),
        "draws.fairness.one_round_2sd": round(2 * sd, 4),
        "draws.fairness.rounds_within_2sd": within,
        "draws.fairness.mean_2sd": round(2 * sd / ROUNDS**0.5, 4),
        "draws.fairness.simulation_s": round(elapsed, 1),
        "draws.fairness.scripted_share_first_come": round(
            statistics.mean(r["scripted_won_first_come"] for r in runs), 4
        ),
    }


def _dynamodb(calls: list[Any]) -> tuple[int, str]:
    ops = [c for c in calls if c.service == "dynamodb"]
    return len(ops), ", ".join(
        f"{o} x{n}" for o, n in sorted(Counter(c.operation for c in ops).items())
    )


def cost() -> Figures:
    from bench import cost as prices
    from bench.calls import _local_stack

    begun = time.perf_counter()
    with _local_stack():
        from chalicelib import consulates
        from chalicelib.identity import Principal
        from chalicelib.services.consular import draws, releases
        from chalicelib.services.consular import service as use
        from chalicelib.services.consular.machines import APPOINTMENT
        from chalicelib.store.binding import bound
        from chalicelib.store.consular import draw_secret, rounds
        from chalicelib.workflow import lifecycle
        from chalicelib.workflow.case import Contact
        from chalicelib.workflow.engine import Actor
        from tests.support.aws_calls import RECORDER
        from tests.support.consular_documents import checked_checklist

        place, svc = consulates.consulate("US-NYC"), consulates.service("passport")
        assert place is not None and svc is not None
        zone = ZoneInfo(place.time_zone)
        agent = Principal("bench-agent", "staff", frozenset({"consular_agent"}), place.code)
        calendar = {
            "hours": {
                str(d): [{"start": "09:00", "end": "09:30"}, {"start": "14:00", "end": "14:30"}]
                for d in range(7)
            },
            "counters": {"passport": SEATS_PER_SLOT},
            "closed": [],
        }
        use.put_calendar(agent, place, calendar, "")

        def round_at(
            days_ahead: int, slots_days: int, place: Any = place
        ) -> tuple[rounds.Round, list[str]]:
            first = date.today() + timedelta(days=days_ahead)
            starts = [
                datetime.combine(first + timedelta(days=d), dtime(h, 15 * n), zone).astimezone(UTC)
                for d in range(slots_days)
                for h in (9, 14)
                for n in range(SLOTS_PER_HALF)
            ]
            body = {
                "service": "passport",
                "slots": starts,
                "draw_at": starts[0] - timedelta(days=2),
                "entries_hours": 24,
            }
            r = releases.open_round(agent, place, body)
            days = [(first + timedelta(days=d)).isoformat() for d in range(slots_days)]
            return r, days

        # The big round: 10,000 entry items (written in bulk: the entries route's own cost
        # is in the calls-per-route table), then the draw's first part, measured.
        stack_s = time.perf_counter() - begun
        big, days = round_at(30, DAYS)
        rng = random.Random(5)
        halves = [f"{d}/{h}" for d in days for h in ("am", "pm")]
        key = draw_secret.reference_key_of(draw_secret.open_secret(big.secret))
        with bound(rounds.EntryItem).batch_write() as batch:
            for n in range(ENTRIES):
                case_id = f"{n:032x}"
                batch.save(
                    bound(rounds.EntryItem)(
                        rounds.round_pk(big.round_id),
                        f"ENTRY#person-{n}",
                        case_id=case_id,
                        reference=draws.entry_reference(key, case_id),
                        choices=_choices(rng, halves),
                        entered_at=datetime.now(UTC),
                    )
                )
        entries_s = time.perf_counter() - begun - stack_s
        RECORDER.clear()
        prices.METER.clear()
        started = time.perf_counter()
        rounds.close(big.round_id)
        closed = rounds.get(big.round_id)
        assert closed is not None
        releases._draw(closed)
        draw_s = time.perf_counter() - started
        draw_calls = _dynamodb(RECORDER.calls)
        draw_units = prices.METER.total
        drawn = rounds.get(big.round_id)
        assert drawn is not None and drawn.state == rounds.DRAWN
        published = releases.public_view(big.round_id)
        won = sum(1 for e in published["entries"] if e["slot"])

        # One outcome applied: a small round of real requests (one seat a slot, four slots,
        # five requests: four booked, one waiting), drawn and applied whole.
        place = consulates.consulate("CA-MTL")
        assert place is not None
        zone = ZoneInfo(place.time_zone)
        agent = Principal("bench-agent", "staff", frozenset({"consular_agent"}), place.code)
        use.put_calendar(agent, place, {**calendar, "counters": {"passport": 1}}, "")
        small, small_days = round_at(60, 1, place)
        for n in range(APPLY_SAMPLE):
            owner = f"bench-draw-{n}"
            case = lifecycle.open_case(
                APPOINTMENT,
                owner,
                place.code,
                Contact(email="d@demo.invalid", language=("ar", "fr", "en")[n % 3]),
                {"consulate": place.code, "service": "passport"},
                Actor(owner, frozenset({"citizen"})),
            )
            case = checked_checklist(case)
            lifecycle.act(
                APPOINTMENT, case, "validate", Actor(agent.subject, agent.roles, place.code), {}
            )
            citizen = Principal(owner, "citizen", frozenset({"citizen"}))
            releases.enter(citizen, case.id, small.round_id, [small_days[0]], "")
        rounds.close(small.round_id)
        closed_small = rounds.get(small.round_id)
        assert closed_small is not None
        releases._draw(closed_small)
        applying = rounds.get(small.round_id)
        assert applying is not None
        RECORDER.clear()
        prices.METER.clear()
        started = time.perf_counter()
        booked, waiting = releases._apply(applying)
        apply_s = (time.perf_counter() - started) / APPLY_SAMPLE
        apply_calls = _dynamodb(RECORDER.calls)
        apply_units = prices.METER.total
    per_entry_calls = apply_calls[0] / APPLY_SAMPLE
    return {
        "draws.cost.run_s": round(time.perf_counter() - begun, 1),
        "draws.cost.stack_s": round(stack_s, 1),
        "draws.cost.entries_written_s": round(entries_s, 1),
        "draws.draw.entries": ENTRIES,
        "draws.draw.seats": SEATS,
        "draws.draw.seats_won": won,
        "draws.draw.first_part_s": round(draw_s, 2),
        "draws.draw.first_part_dynamodb_calls": draw_calls[0],
        "draws.draw.first_part_operations": draw_calls[1],
        "draws.draw.first_part_read_units": round(draw_units.read, 1),
        "draws.draw.first_part_write_units": round(draw_units.write, 1),
        "draws.apply.sample": APPLY_SAMPLE,
        "draws.apply.sample_booked": booked,
        "draws.apply.sample_waiting": waiting,
        "draws.apply.per_entry_ms": round(apply_s * 1000, 1),
        "draws.apply.per_entry_dynamodb_calls": round(per_entry_calls, 1),
        "draws.apply.operations": apply_calls[1],
        "draws.apply.per_entry_read_units": round(apply_units.read / APPLY_SAMPLE, 1),
        "draws.apply.per_entry_write_units": round(apply_units.write / APPLY_SAMPLE, 1),
        "draws.total_10k.dynamodb_calls_estimated": round(
            draw_calls[0] + per_entry_calls * ENTRIES
        ),
        "draws.total_10k.usd_estimated": round(
            (draw_units.read + apply_units.read / APPLY_SAMPLE * ENTRIES)
            * prices.USD_PER_MILLION_READ_UNITS
            / 1e6
            + (draw_units.write + apply_units.write / APPLY_SAMPLE * ENTRIES)
            * prices.USD_PER_MILLION_WRITE_UNITS
            / 1e6,
            4,
        ),
    }


def measure() -> Figures:
    return {**fairness(), **cost()}


def report(figures: dict[str, object]) -> list[str]:
    f = figures
    share = float(str(f["draws.fairness.scripted_share_of_seats_mean"]))
    return [
        "## Consular release rounds (the draw)",
        "",
        f"- fairness, {f['draws.fairness.rounds']} simulated rounds of "
        f"{f['draws.fairness.entries']} entries for {SEATS} seats "
        f"({f['draws.fairness.seats_won']} won on average: some entrants' half-days fill "
        f"first); scripted clients entered at the first millisecond and retried "
        f"({f['draws.fairness.refused_retries']} retries refused, one entry per person)",
        f"- scripted clients: {SCRIPTED_SHARE:.1%} of entries, {share:.2%} of seats on "
        f"average (rounds from {float(str(f['draws.fairness.scripted_share_of_seats_min'])):.2%}"
        f" to {float(str(f['draws.fairness.scripted_share_of_seats_max'])):.2%}); sampling "
        f"error (2 sd) of one round ±{float(str(f['draws.fairness.one_round_2sd'])):.2%} "
        f"({f['draws.fairness.rounds_within_2sd']} of {f['draws.fairness.rounds']} rounds "
        f"within it; about 95 % expected), of the mean "
        f"±{float(str(f['draws.fairness.mean_2sd'])):.2%}; served first come, first served, "
        f"the same entrants would give them "
        f"{float(str(f['draws.fairness.scripted_share_first_come'])):.2%} of seats",
        f"- the draw of {f['draws.draw.entries']} entries on moto (close, read the entries, "
        f"order, publish, the conditional write): {f['draws.draw.first_part_s']} s, "
        f"{f['draws.draw.first_part_dynamodb_calls']} DynamoDB calls "
        f"({f['draws.draw.first_part_operations']}), "
        f"{f['draws.draw.first_part_read_units']} read and "
        f"{f['draws.draw.first_part_write_units']} write units; {f['draws.draw.seats_won']} "
        "seats won (moto's Query of the 10,000 entries is most of the time: DynamoDB reads "
        "the 1.5 MB in two pages)",
        f"- suite on moto: {f['draws.cost.run_s']} s, of which {f['draws.cost.stack_s']} s "
        f"building the stack and {f['draws.cost.entries_written_s']} s writing the entries; "
        f"the fairness simulation {f['draws.fairness.simulation_s']} s",
        f"- applying one outcome (measured on {f['draws.apply.sample']} real requests: "
        f"{f['draws.apply.sample_booked']} booked, {f['draws.apply.sample_waiting']} waiting): "
        f"{f['draws.apply.per_entry_dynamodb_calls']} DynamoDB calls "
        f"({f['draws.apply.operations']}), {f['draws.apply.per_entry_read_units']} read and "
        f"{f['draws.apply.per_entry_write_units']} write units, "
        f"{f['draws.apply.per_entry_ms']} ms on moto",
        f"- a whole round of {ENTRIES} entries, estimated from the two: "
        f"{f['draws.total_10k.dynamodb_calls_estimated']} DynamoDB calls, "
        f"{f['draws.total_10k.usd_estimated']} USD of DynamoDB on-demand",
    ]


if __name__ == "__main__":
    for line in report(measure()):
        print(line)
