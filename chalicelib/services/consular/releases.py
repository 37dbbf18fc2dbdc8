"""Release rounds (decisions 56 to 60): a consulate releases scarce slots by a draw that
anyone can check, so that speed buys nothing.

- ``open_round``: the agent names the service, the slots, the moment of the draw and how
  long entries stay open; the slots are reserved for the draw (no booking nor offer takes
  them) and the commitment (SHA-256 of a seed from KMS GenerateRandom) is public at once.
- ``enter`` / ``leave``: a validated request enters with its acceptable days or half-days,
  one entry per person (decision 39's person) while the round is open; withdrawn likewise.
- ``draw_due``: the round's durable timer fell due; ``run_draw`` closes the round (the
  entries' condition turns false), orders the entries by the published permutation
  (``draws``), publishes it with the seed (the single conditional write that makes the
  draw) and applies it: each winner booked in the seat model, the others on the waiting
  list in draw order, everyone told in their language. Run again (a redelivered callback,
  a restart midway), it resumes from the round's state and does nothing twice.

The rounds, the seats and the secret are reached through ``ports`` (``rounds``,
``appointments``, ``draw_secrets``): DynamoDB and KMS by default, the in-memory fakes in unit
tests (decision 72).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import clock, consulates
from chalicelib.consulates import Consulate, Service
from chalicelib.identity import Principal
from chalicelib.observability import logger
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.services.consular import booking, domain, draws
from chalicelib.services.consular.calendars import read_calendar
from chalicelib.services.consular.domain import Slot
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.consular.ports import appointments, draw_secrets, rounds
from chalicelib.services.consular.request_cases import (
    parts,
    service_or_422,
    visible_request,
    wrong_state,
)
from chalicelib.store.consular.draw_secret import reference_key_of, seed_of
from chalicelib.store.consular.rounds import (
    CLOSED,
    DONE,
    DRAWN,
    OPEN,
    Entry,
    Round,
    RoundTaken,
    StateChanged,
)
from chalicelib.workflow import access, engine, lifecycle
from chalicelib.workflow.case import Case

ATTEMPTS = 3  # a drawn request that moved meanwhile is read again, this many times
ALGORITHM = (
    "order = entry references sorted by HMAC-SHA256(key=bytes.fromhex(seed), "
    "msg=reference as ASCII) in hex, ascending; commitment = SHA-256(bytes.fromhex(seed)); "
    "then each entry in order gets the earliest slot among its choices with a seat left"
)


def _closed(r: Round) -> Refusal:
    return Refusal(
        "conflict",
        f"The round's entries closed at {domain.iso(r.closes_at)}.",
        extra={"refusal": "round_closed", "round": r.round_id},
    )


# --- the agent opens a round ---------------------------------------------------------------


def open_round(principal: Principal, consulate: Consulate, body: Mapping[str, Any]) -> Round:
    """Check the slots against the calendar and the moments, draw the secret, then write the
    round, its timer and the slots' reservation in one transaction (409 naming the slots
    with a seat already taken or held, or in another round)."""
    svc = service_or_422(str(body["service"]), "body.service", consulate)
    now = clock.now()
    zone = ZoneInfo(consulate.time_zone)
    starts: list[datetime] = sorted(set(body["slots"]))
    read = read_calendar(consulate.code)
    errors = []
    days: dict[str, str] = {}
    for n, start in enumerate(starts):
        slot = (
            None
            if read is None
            else domain.find_slot(read[0], zone, svc.code, svc.slot_minutes, start)
        )
        if slot is None:
            errors.append(FieldError(f"body.slots.{n}", "not a slot of this consulate's calendar"))
        elif not domain.bookable(start, now):
            errors.append(FieldError(f"body.slots.{n}", "this slot can no longer be booked"))
        else:
            days[domain.iso(start)] = domain.local_day(start, zone).isoformat()
    if len(starts) > draws.MAX_ROUND_SLOTS:
        errors.append(FieldError("body.slots", f"{draws.MAX_ROUND_SLOTS} slots at most"))
    draw_at: datetime = body["draw_at"]
    closes_at = now + timedelta(hours=int(body["entries_hours"]))
    if closes_at > draw_at:
        errors.append(
            FieldError("body.draw_at", "the draw comes after the entries close (entries_hours)")
        )
    if starts and draw_at + domain.MIN_LEAD > starts[0]:
        errors.append(FieldError("body.draw_at", "the draw comes before the first slot"))
    if errors:
        raise Refusal("consular-rule-violated", errors=errors)
    secret, blob = draw_secrets().new_secret()
    round_id = uuid.uuid4().hex
    commitment = draws.commitment(seed_of(secret))
    try:
        rounds().create(
            round_id,
            consulate.code,
            svc.code,
            days,
            closes_at,
            draw_at,
            commitment,
            blob,
            principal.subject,
            now,
        )
    except RoundTaken as taken:
        raise Refusal(
            "conflict",
            "Some slots already have a seat taken or held, or belong to another round.",
            extra={"refusal": "slots_not_free", "slots": taken.failed},
        ) from taken
    return Round(
        round_id,
        consulate.code,
        svc.code,
        sorted(days),
        days,
        closes_at,
        draw_at,
        commitment,
        blob,
        OPEN,
        "",
        0,
        {},
        0,
        None,
        now,
    )


# --- a citizen enters, or withdraws the entry ---------------------------------------------


def enter(
    principal: Principal,
    case_id: str,
    round_id: str,
    choices: Sequence[str],
    correlation_id: str,
) -> Case:
    """The request's entry in the round: validated, same consulate and service, the round
    open, the choices acceptable, no entry yet for this person (decision 39)."""
    case = visible_request(principal, case_id, "round entry", correlation_id)
    consulate, svc, zone = parts(case)
    r = rounds().get(round_id) if round_id.isalnum() else None
    if r is None or r.consulate != consulate.code or r.service != svc.code:
        raise Refusal(
            "consular-rule-violated",
            errors=[FieldError("body.round", "no round of this request's consulate and service")],
        )
    if case.state != "validated":
        raise wrong_state(case, "entered in a round")
    now = clock.now()
    if r.state != OPEN or now >= r.closes_at:
        raise _closed(r)
    starts = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in r.slots]
    accepted, problems = draws.choice_problems(choices, starts, zone)
    if problems:
        raise Refusal(
            "consular-rule-violated", errors=[FieldError("body.choices", p) for p in problems]
        )
    secret = draw_secrets().open_secret(r.secret)
    reference = draws.entry_reference(reference_key_of(secret), case.id)
    person = domain.person_of(case.payload, case.owner)
    shown = [str(c) for c in accepted]
    entry = Entry(person, case.id, reference, shown)
    payload = {
        "set": {
            "round": {
                "id": r.round_id,
                "entry": reference,
                "choices": shown,
                "closes_at": domain.iso(r.closes_at),
                "draw_at": domain.iso(r.draw_at),
                "public": f"/public/consular/releases/{r.round_id}",
            }
        }
    }
    try:
        return lifecycle.act(
            APPOINTMENT,
            case,
            "enter_round",
            access.actor_of(principal),
            payload,
            also=rounds().enter(r.round_id, person, entry, now),
        ).case
    except LostRace as error:
        if "round_open" in error.failed:
            raise _closed(r) from error
        if "round_entry" in error.failed:
            raise Refusal(
                "conflict",
                "This person already has an entry in this round (one per person).",
                extra={"refusal": "already_entered"},
            ) from error
        raise


def leave(principal: Principal, case_id: str, entry: str, correlation_id: str) -> Case:
    """The entry withdrawn while the round is open: the request is validated again."""
    case = visible_request(principal, case_id, "round entry", correlation_id)
    mine = dict(case.payload.get("round") or {})
    r = rounds().get(str(mine["id"])) if mine.get("id") else None
    if case.state != "entered" or mine.get("entry") != entry or r is None:
        raise Refusal(
            "conflict",
            "This request has no such entry in a release round.",
            extra={"refusal": "no_entry"},
        )
    now = clock.now()
    person = domain.person_of(case.payload, case.owner)
    try:
        return lifecycle.act(
            APPOINTMENT,
            case,
            "leave_round",
            access.actor_of(principal),
            {"set": {"round": None}},
            also=rounds().leave(r.round_id, person, case.id, now),
        ).case
    except LostRace as error:
        if "round_open" in error.failed:
            raise _closed(r) from error
        raise


# --- what anyone may read -------------------------------------------------------------------


def public_view(round_id: str) -> dict[str, Any]:
    """The commitment from the start; once drawn, the seed, the entries (reference, choices,
    slot won) and the order. No case id, no name: references are keyed hashes."""
    r = rounds().get(round_id) if round_id.isalnum() and len(round_id) <= 64 else None
    if r is None:
        raise Refusal("not-found")
    return view_of(r)


def view_of(r: Round) -> dict[str, Any]:
    consulate = consulates.consulate(r.consulate)
    view: dict[str, Any] = {
        "id": r.round_id,
        "consulate": r.consulate,
        "time_zone": consulate.time_zone if consulate else "UTC",
        "service": r.service,
        "state": r.state,
        "slots": r.slots,
        "closes_at": domain.iso(r.closes_at),
        "draw_at": domain.iso(r.draw_at),
        "commitment": r.commitment,
        "algorithm": ALGORITHM,
        "seed": None,
        "seats": None,
        "drawn_at": None,
        "entries": [],
        "order": [],
    }
    if r.state in (DRAWN, DONE):
        drawn = rounds().published(r.round_id)
        view |= {
            "seed": r.seed,
            "seats": r.seats,
            "drawn_at": domain.iso(r.drawn_at) if r.drawn_at else None,
            "entries": drawn,
            "order": [e["reference"] for e in drawn],
        }
    return view


# --- the draw ---------------------------------------------------------------------------------


def draw_due(message: Mapping[str, Any]) -> str:
    """The round's timer fell due (a Step Functions execution, then the timer queue)."""
    r = rounds().get(str(message.get("case_id", "")))
    if r is None:
        return "unknown round"
    if clock.now() < r.draw_at:
        return "stale"  # not due yet
    return run_draw(r.round_id)


def run_draw(round_id: str) -> str:
    """Close, draw once, apply: each step resumes where a stopped run left off."""
    store = rounds()
    r = store.get(round_id)
    if r is None:
        return "unknown round"
    if r.state == OPEN:
        with contextlib.suppress(StateChanged):  # another run closed it
            store.close(round_id)
        r = store.get(round_id) or r
    if r.state == CLOSED:
        _draw(r)
        r = store.get(round_id) or r
    if r.state == DRAWN:
        won, waiting = _apply(r)
        store.release_slots(r)
        store.mark_done(round_id)
        logger.info("round drawn", extra={"round_id": round_id, "booked": won, "waiting": waiting})
        return f"drawn: {won} booked, {waiting} waiting"
    return "already drawn"


def seats_at_draw(r: Round) -> dict[str, int]:
    """Each slot's seats as the calendar gives them now (a slot it no longer has: none)."""
    consulate, svc = consulates.consulate(r.consulate), consulates.service(r.service)
    read = read_calendar(r.consulate)
    seats = {}
    for start in r.slots:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
        slot = None
        if consulate is not None and svc is not None and read is not None:
            zone = ZoneInfo(consulate.time_zone)
            slot = domain.find_slot(read[0], zone, svc.code, svc.slot_minutes, moment)
        seats[start] = slot.capacity if slot else 0
    return seats


def drawn_entries(
    seed: bytes, entries: Sequence[Entry], seats: Mapping[str, int], zone: ZoneInfo
) -> list[dict[str, Any]]:
    """The published draw: every entry in order, with its choices and the slot it won."""
    ordered = draws.order(seed, [e.reference for e in entries])
    choices = {
        e.reference: [c for c in map(draws.parse_choice, e.choices) if c is not None]
        for e in entries
    }
    offered = [
        draws.Seat(datetime.fromisoformat(s.replace("Z", "+00:00")), n) for s, n in seats.items()
    ]
    outcome = draws.allocate(ordered, choices, offered, zone)
    by_reference = {e.reference: e for e in entries}
    return [
        {
            "reference": ref,
            "choices": by_reference[ref].choices,
            "slot": domain.iso(outcome.won[ref]) if ref in outcome.won else None,
        }
        for ref in ordered
    ]


def _draw(r: Round) -> None:
    consulate = consulates.consulate(r.consulate)
    zone = ZoneInfo(consulate.time_zone if consulate else "UTC")
    seed = seed_of(draw_secrets().open_secret(r.secret))
    entries = rounds().entries(r.round_id)  # the round is closed: this set is final
    seats = seats_at_draw(r)
    drawn = drawn_entries(seed, entries, seats, zone)
    chunks = rounds().publish(r.round_id, drawn)
    try:
        rounds().mark_drawn(r.round_id, seed.hex(), len(drawn), seats, chunks, clock.now())
    except StateChanged:
        logger.info("round drawn by another run", extra={"round_id": r.round_id})


def _apply(r: Round) -> tuple[int, int]:
    """Each entry's outcome, in draw order; an entry whose case is no longer ``entered``
    was applied by an earlier run and is skipped. Returns (booked, waiting)."""
    consulate, svc = consulates.consulate(r.consulate), consulates.service(r.service)
    if consulate is None or svc is None:
        return 0, 0
    zone = ZoneInfo(consulate.time_zone)
    read = read_calendar(consulate.code)
    version = 0 if read is None else read[1].get(svc.code, 0)
    cases = {e.reference: e.case_id for e in rounds().entries(r.round_id)}
    drawn_at = r.drawn_at or datetime.now(UTC)
    won = waiting = 0
    for rank, entry in enumerate(rounds().published(r.round_id)):
        for _ in range(ATTEMPTS):
            case = lifecycle.find(cases.get(str(entry["reference"]), ""))
            if case is None or case.state != "entered":
                break  # applied by another run (or withdrawn before the close)
            try:
                start = entry.get("slot")
                if start and _book(r, case, consulate, svc, zone, str(start), version):
                    won += 1
                    break
                stamp = drawn_at.astimezone(UTC).isoformat()
                _wait(case, consulate, svc, f"{domain.NORMAL}#{stamp}#{rank:06d}#{case.id}")
                waiting += 1
                break
            except LostRace:
                continue  # the case moved meanwhile (another run?): look again
        else:
            raise LostRace("a drawn request kept changing; the callback will be retried")
    return won, waiting


def _book(
    r: Round,
    case: Case,
    consulate: Consulate,
    svc: Service,
    zone: ZoneInfo,
    start_text: str,
    version: int,
) -> bool:
    """The winner booked: the seat of the round's slot, the live-appointment guard, the
    day's list and the notice (with its calendar event), in the transition's transaction.
    False when the seat or the guard is refused (the entry then waits)."""
    start = datetime.fromisoformat(start_text.replace("Z", "+00:00"))
    length = timedelta(minutes=svc.slot_minutes)
    capacity = int(r.seats.get(start_text, 0))
    slot = Slot(start, start + length, capacity)
    now = clock.now()
    day = r.days.get(start_text) or domain.local_day(start, zone).isoformat()
    person = domain.person_of(case.payload, case.owner)
    store = appointments()
    also = [
        store.seat_version_check(consulate.code, svc.code, version),
        store.take_seat(
            consulate.code, svc.code, day, start, capacity, case.id, now, round_id=r.round_id
        ),
        store.claim_live(
            consulate.code, svc.code, person, case.id, domain.end_of_day(start, zone), now
        ),
        store.list_day(
            consulate.code,
            case,
            svc.code,
            day,
            start,
            domain.attendee(case.payload, case.contact.name),
        ),
        *store.messages(
            case, booking._notice(case, consulate, svc, slot, template="consular_draw_won"), now
        ),
    ]
    payload = booking._booked_payload(case, consulate, svc, zone, slot, now)
    payload["set"]["round"] = {**dict(case.payload.get("round") or {}), "outcome": "booked"}
    try:
        lifecycle.act(
            APPOINTMENT, case, "draw_won", engine.Actor.system("draw"), payload, also=also
        )
    except LostRace as error:
        if "case" in error.failed:
            raise  # the request moved meanwhile: read again by the caller
        logger.warning(
            "drawn seat refused", extra={"case_id": case.id, "why": sorted(error.failed)}
        )
        return False
    return True


def _wait(case: Case, consulate: Consulate, svc: Service, key: str) -> None:
    payload = {
        "set": {
            "waiting_key": key,
            "round": {**dict(case.payload.get("round") or {}), "outcome": "waiting"},
        }
    }
    also = [appointments().join_waiting(consulate.code, svc.code, key, case.id)]
    lifecycle.act(APPOINTMENT, case, "draw_lost", engine.Actor.system("draw"), payload, also=also)
