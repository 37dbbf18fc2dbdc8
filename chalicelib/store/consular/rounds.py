"""Release rounds in the ``slots`` table (decisions 56 to 59), one partition per round:

- ``ROUND#<id>`` / ``ROUND``: the round (consulate, service, slots, when entries close and
  when the draw runs, the commitment, the encrypted secret, and its state: ``open`` ->
  ``closed`` -> ``drawn`` -> ``done``). Every move of the state is conditioned on the one
  it leaves: the draw runs once, and an entry is written only while the round is ``open``
  and before its close (the same attribute both conditions read).
- ``ROUND#<id>`` / ``ENTRY#<person>``: one entry per person (decision 39's person: the
  account's holder, or the minor filed for), written with the case's transition.
- ``ROUND#<id>`` / ``DRAWN#<n>``: the published draw, in chunks of CHUNK entries in draw
  order (an item holds 400 KB; a round may have tens of thousands of entries).

The round's timer request is written in the cases table with the round (the cases stream
starts its Step Functions execution, as for every timer)."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.binding import bound, connection
from chalicelib.store.case_items import TimerItem
from chalicelib.store.cases import Also
from chalicelib.store.consular.items import SlotItem
from chalicelib.store.consular.repository import _iso, _ttl, slot_sk, slots_pk

DRAW_TIMER = "consular-draw"  # the timer callback recognises rounds by this deadline name
CHUNK = 1000  # published entries per item (about 120 bytes each)
OPEN, CLOSED, DRAWN, DONE = "open", "closed", "drawn", "done"


class _Slots:
    table_name = "slots"
    settings_key = "slots_table"


class RoundItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # ROUND#<id>
    sk = UnicodeAttribute(range_key=True, default="ROUND")
    consulate = UnicodeAttribute()
    service = UnicodeAttribute()
    slots = ListAttribute(of=UnicodeAttribute)  # ISO UTC starts
    days = JSONAttribute()  # ISO start -> local day (the slot items' sort keys)
    closes_at = UnicodeAttribute()  # ISO UTC: compared as text by the entries' condition
    draw_at = UTCDateTimeAttribute()
    commitment = UnicodeAttribute()
    secret = UnicodeAttribute()  # base64 of the KMS ciphertext of the round's secret
    state = UnicodeAttribute(default=OPEN)
    seed = UnicodeAttribute(null=True)  # hex, published once drawn
    entries = NumberAttribute(null=True)
    seats = JSONAttribute(null=True)  # ISO start -> seats the calendar gave it at the draw
    chunks = NumberAttribute(null=True)
    drawn_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()


class EntryItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # ROUND#<id>
    sk = UnicodeAttribute(range_key=True)  # ENTRY#<person>
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    choices = ListAttribute(of=UnicodeAttribute)
    entered_at = UTCDateTimeAttribute()


class DrawnItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # ROUND#<id>
    sk = UnicodeAttribute(range_key=True)  # DRAWN#<chunk, 6 digits>
    entries = JSONAttribute()  # [{"reference", "choices", "slot"}] in draw order


@dataclass(frozen=True)
class Round:
    round_id: str
    consulate: str
    service: str
    slots: list[str]
    days: dict[str, str]
    closes_at: datetime
    draw_at: datetime
    commitment: str
    secret: bytes  # ciphertext
    state: str
    seed: str
    entries: int
    seats: dict[str, int]
    chunks: int
    drawn_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Entry:
    person: str
    case_id: str
    reference: str
    choices: list[str]


class RoundTaken(Exception):
    """A slot of the round has a seat taken or held, or belongs to another round."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(", ".join(failed))
        self.failed = failed


class StateChanged(Exception):
    """The round was not in the state the write expected (another run moved it first)."""


def round_pk(round_id: str) -> str:
    return f"ROUND#{round_id}"


def _round(item: RoundItem) -> Round:
    return Round(
        item.pk.split("#", 1)[1],
        item.consulate,
        item.service,
        [str(s) for s in item.slots],
        dict(item.days),
        datetime.fromisoformat(item.closes_at.replace("Z", "+00:00")),
        item.draw_at,
        item.commitment,
        base64.b64decode(item.secret),
        item.state,
        item.seed or "",
        int(item.entries or 0),
        {str(k): int(v) for k, v in dict(item.seats or {}).items()},
        int(item.chunks or 0),
        item.drawn_at,
        item.created_at,
    )


def create(
    round_id: str,
    consulate: str,
    service: str,
    days: dict[str, str],
    closes_at: datetime,
    draw_at: datetime,
    commitment: str,
    secret_blob: bytes,
    by: str,
    now: datetime,
) -> None:
    """The round, its draw's timer request and the reservation of its slots, in one
    transaction: each slot must have no seat taken, no hold running and no other round.
    Raises RoundTaken naming the slots that failed."""
    transaction = TransactWrite(connection=connection())
    starts = sorted(days)
    transaction.save(
        bound(RoundItem)(
            round_pk(round_id),
            "ROUND",
            consulate=consulate,
            service=service,
            slots=starts,
            days=days,
            closes_at=_iso(closes_at),
            draw_at=draw_at,
            commitment=commitment,
            secret=base64.b64encode(secret_blob).decode(),
            state=OPEN,
            created_at=now,
            created_by=by,
        ),
        condition=RoundItem.pk.does_not_exist(),
    )
    transaction.save(
        bound(TimerItem)(
            round_pk(round_id),
            f"TIMER#{DRAW_TIMER}#000001",
            case_id=round_id,
            name=DRAW_TIMER,
            action="start",
            due_at=draw_at,
            on_expiry="draw",
            execution_name=f"round-{round_id}-draw",
            created_at=now,
        ),
        condition=TimerItem.pk.does_not_exist(),
    )
    for start in starts:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
        item = bound(SlotItem)(slots_pk(consulate, service), slot_sk(days[start], moment))
        empty = (SlotItem.taken.does_not_exist() | (SlotItem.taken == 0)) & (
            SlotItem.round_id.does_not_exist()
            & (SlotItem.hold_until.does_not_exist() | (SlotItem.hold_until < _iso(now)))
        )
        transaction.update(
            item,
            actions=[SlotItem.round_id.set(round_id), SlotItem.expires_at.set(_ttl(moment))],
            condition=empty,
        )
    try:
        with transaction:
            pass
    except TransactWriteError as error:
        reasons = list(error.cancellation_reasons or [])
        failed = [
            starts[n - 2]
            for n, r in enumerate(reasons)
            if n >= 2 and r is not None and r.code == "ConditionalCheckFailed"
        ]
        if failed:
            raise RoundTaken(failed) from error
        raise


def get(round_id: str) -> Round | None:
    try:
        item = bound(RoundItem).get(round_pk(round_id), "ROUND", consistent_read=True)
    except DoesNotExist:
        return None
    return _round(item)


# --- entries ------------------------------------------------------------------------------


def _still_open(round_id: str, now: datetime) -> Any:
    return (RoundItem.state == OPEN) & (RoundItem.closes_at > _iso(now))


def enter(round_id: str, person: str, entry: Entry, now: datetime) -> list[Also]:
    """With the case's ``enter_round`` transition: the round is still open (the condition the
    draw's close turns false) and the person has no entry yet."""

    def check(transaction: TransactWrite) -> None:
        transaction.condition_check(
            bound(RoundItem), round_pk(round_id), "ROUND", condition=_still_open(round_id, now)
        )

    def save(transaction: TransactWrite) -> None:
        item = bound(EntryItem)(
            round_pk(round_id),
            f"ENTRY#{person}",
            case_id=entry.case_id,
            reference=entry.reference,
            choices=entry.choices,
            entered_at=now,
        )
        transaction.save(item, condition=EntryItem.pk.does_not_exist())

    return [Also("round_open", check), Also("round_entry", save)]


def leave(round_id: str, person: str, case_id: str, now: datetime) -> list[Also]:
    """With the case's ``leave_round`` transition, while the round is open."""

    def check(transaction: TransactWrite) -> None:
        transaction.condition_check(
            bound(RoundItem), round_pk(round_id), "ROUND", condition=_still_open(round_id, now)
        )

    def delete(transaction: TransactWrite) -> None:
        item = bound(EntryItem)(round_pk(round_id), f"ENTRY#{person}")
        transaction.delete(item, condition=EntryItem.case_id == case_id)

    return [Also("round_open", check), Also("round_entry_left", delete)]


def entries(round_id: str) -> list[Entry]:
    """Every entry of the round (one Query, paged past 1 MB), strongly consistent."""
    items = bound(EntryItem).query(
        round_pk(round_id), EntryItem.sk.startswith("ENTRY#"), consistent_read=True
    )
    return [
        Entry(i.sk.split("#", 1)[1], i.case_id, i.reference, [str(c) for c in i.choices or []])
        for i in items
    ]


# --- the draw ------------------------------------------------------------------------------


def _move(round_id: str, before: str, actions: list[Any]) -> None:
    item = bound(RoundItem)(round_pk(round_id), "ROUND")
    try:
        item.update(actions=actions, condition=RoundItem.state == before)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise StateChanged(round_id) from error
        raise


def close(round_id: str) -> None:
    """open -> closed, once: from this write on, every entry's condition fails. Raises
    StateChanged if the round was no longer open."""
    _move(round_id, OPEN, [RoundItem.state.set(CLOSED)])


def publish(round_id: str, drawn: Sequence[dict[str, Any]]) -> int:
    """The draw's chunks (same content on a second run: the draw is a function of the seed
    and the closed set of entries). Returns how many chunks."""
    chunks = [drawn[n : n + CHUNK] for n in range(0, len(drawn), CHUNK)]
    with bound(DrawnItem).batch_write() as batch:
        for n, chunk in enumerate(chunks):
            batch.save(bound(DrawnItem)(round_pk(round_id), f"DRAWN#{n:06d}", entries=list(chunk)))
    return len(chunks)


def mark_drawn(
    round_id: str, seed: str, count: int, seats: dict[str, int], chunks: int, now: datetime
) -> None:
    """closed -> drawn, once, publishing the seed: the single write that makes the draw."""
    _move(
        round_id,
        CLOSED,
        [
            RoundItem.state.set(DRAWN),
            RoundItem.seed.set(seed),
            RoundItem.entries.set(count),
            RoundItem.seats.set(seats),
            RoundItem.chunks.set(chunks),
            RoundItem.drawn_at.set(now),
        ],
    )


def mark_done(round_id: str) -> None:
    """drawn -> done: every entry's outcome applied, the slots released."""
    with contextlib.suppress(StateChanged):  # a second run finished first
        _move(round_id, DRAWN, [RoundItem.state.set(DONE)])


def published(round_id: str) -> list[dict[str, Any]]:
    """The draw's entries in order (one Query)."""
    items = bound(DrawnItem).query(round_pk(round_id), DrawnItem.sk.startswith("DRAWN#"))
    return [dict(e) for item in items for e in item.entries]


def release_slots(r: Round) -> None:
    """The round's slots book as any other from now on (their seats left, and those a
    winner gives back, go to the waiting list as today)."""
    for start in r.slots:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
        item = bound(SlotItem)(slots_pk(r.consulate, r.service), slot_sk(r.days[start], moment))
        try:
            item.update(
                actions=[SlotItem.round_id.remove()], condition=SlotItem.round_id == r.round_id
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
