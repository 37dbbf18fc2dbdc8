"""Reads and writes of consular appointments. Writes that must stand or fall with a case's
transition are ``Also`` writes (a seat, a guard, a day-list entry, a waiting-list entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.store.binding import bound
from chalicelib.store.case_mapping import outbox_item
from chalicelib.store.cases import Also, OutboxMessage
from chalicelib.store.consular.items import (
    CalendarItem,
    DayItem,
    GuardItem,
    SlotItem,
    WaitItem,
)
from chalicelib.workflow.case import Case

KEEP_AFTER = timedelta(days=400)  # seat and day items expire a while after their day


@dataclass(frozen=True)
class Seats:
    start: str  # ISO UTC, the item's sort key
    capacity: int
    taken: int
    hold_case: str
    hold_until: datetime | None


@dataclass(frozen=True)
class DayEntry:
    case_id: str
    reference: str
    service: str
    start: str
    name: str
    status: str


@dataclass(frozen=True)
class Waiting:
    key: str
    case_id: str


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ttl(moment: datetime) -> int:
    return int((moment + KEEP_AFTER).timestamp())


def slots_pk(consulate: str, service: str, day: str) -> str:
    return f"SLOTS#{consulate}#{service}#{day}"


def day_pk(consulate: str, day: str) -> str:
    return f"DAY#{consulate}#{day}"


def guard_pk(consulate: str, service: str, owner: str) -> str:
    return f"LIVE#{consulate}#{service}#{owner}"


def wait_pk(consulate: str, service: str) -> str:
    return f"WAIT#{consulate}#{service}"


# --- calendars ---------------------------------------------------------------------------


def put_calendar(consulate: str, body: dict[str, Any], by: str, at: datetime) -> None:
    bound(CalendarItem)(
        f"CONSULAR#CALENDAR#{consulate}",
        consulate=consulate,
        body=body,
        updated_at=at,
        updated_by=by,
    ).save()


def calendar(consulate: str) -> dict[str, Any] | None:
    try:
        item = bound(CalendarItem).get(f"CONSULAR#CALENDAR#{consulate}", "CALENDAR")
    except DoesNotExist:
        return None
    return dict(item.body)


# --- seats -------------------------------------------------------------------------------


def seats_of_day(consulate: str, service: str, day: str) -> dict[str, Seats]:
    """The seats already touched on a day (one Query); a slot absent here has none taken."""
    found = {}
    for item in bound(SlotItem).query(slots_pk(consulate, service, day)):
        until = datetime.fromisoformat(item.hold_until) if item.hold_until else None
        found[item.sk] = Seats(
            item.sk, int(item.capacity), int(item.taken), item.hold_case or "", until
        )
    return found


def take_seat(
    consulate: str,
    service: str,
    day: str,
    start: datetime,
    capacity: int,
    case_id: str,
    now: datetime,
    holder: bool = False,
) -> Also:
    """One seat of a slot, if one is free: the slot item is created on its first booking.
    A seat held for another case's offer stays held; ``holder`` takes the held seat."""
    starts = _iso(start)

    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service, day), starts)
        free = SlotItem.taken.does_not_exist() | (SlotItem.taken < SlotItem.capacity)
        not_held = (
            SlotItem.hold_until.does_not_exist()
            | (SlotItem.hold_until < _iso(now))
            | (SlotItem.hold_case == case_id)
            | (SlotItem.taken < SlotItem.open_below)
        )
        actions: list[Action] = [
            SlotItem.taken.add(1),
            SlotItem.capacity.set(SlotItem.capacity | capacity),
            SlotItem.open_below.set(SlotItem.open_below | capacity - 1),
            SlotItem.expires_at.set(_ttl(start)),
        ]
        if holder:
            actions += [SlotItem.hold_case.remove(), SlotItem.hold_until.remove()]
        transaction.update(item, actions=actions, condition=free & not_held)

    return Also("slot", add)


def give_back_seat(consulate: str, service: str, day: str, start: datetime) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service, day), _iso(start))
        transaction.update(item, actions=[SlotItem.taken.add(-1)], condition=SlotItem.taken > 0)

    return Also("slot_given_back", add)


def hold_seat(
    consulate: str,
    service: str,
    day: str,
    start: datetime,
    case_id: str,
    until: datetime,
    now: datetime,
    replacing: str = "",
) -> Also:
    """Keep a free seat for an offer: only if one is free and no other hold is running (but
    the hold of ``replacing``, whose offer just ran out, may be taken over)."""

    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service, day), _iso(start))
        over = SlotItem.hold_until.does_not_exist() | (SlotItem.hold_until < _iso(now))
        if replacing:
            over = over | (SlotItem.hold_case == replacing)
        condition = (SlotItem.taken < SlotItem.capacity) & over
        actions: list[Action] = [
            SlotItem.hold_case.set(case_id),
            SlotItem.hold_until.set(_iso(until)),
        ]
        transaction.update(item, actions=actions, condition=condition)

    return Also("slot_hold", add)


# --- one live appointment per citizen, service and consulate ------------------------------


def claim_live(
    consulate: str, service: str, owner: str, case_id: str, until: datetime, now: datetime
) -> Also:
    """The guard is free, or already this case's (a rebooking), or its appointment is over."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(
            guard_pk(consulate, service, owner),
            case_id=case_id,
            until=_iso(until),
            expires_at=_ttl(until),
        )
        condition = (
            GuardItem.pk.does_not_exist()
            | (GuardItem.case_id == case_id)
            | (GuardItem.until < _iso(now))
        )
        transaction.save(item, condition=condition)

    return Also("live_appointment", add)


def release_live(consulate: str, service: str, owner: str, case_id: str) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(guard_pk(consulate, service, owner))
        transaction.delete(item, condition=GuardItem.case_id == case_id)

    return Also("live_released", add)


# --- the day's appointments --------------------------------------------------------------


def list_day(consulate: str, case: Case, service: str, day: str, start: datetime) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(DayItem)(
            day_pk(consulate, day),
            f"{_iso(start)}#{case.id}",
            case_id=case.id,
            reference=case.reference,
            service=service,
            start=_iso(start),
            name=case.contact.name,
            expires_at=_ttl(start),
        )
        transaction.save(item)

    return Also("day_list", add)


def unlist_day(consulate: str, case_id: str, day: str, start: datetime) -> Also:
    def add(transaction: TransactWrite) -> None:
        transaction.delete(bound(DayItem)(day_pk(consulate, day), f"{_iso(start)}#{case_id}"))

    return Also("day_unlisted", add)


def mark_day(consulate: str, case_id: str, day: str, start: datetime, status: str) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(DayItem)(day_pk(consulate, day), f"{_iso(start)}#{case_id}")
        transaction.update(
            item, actions=[DayItem.status.set(status)], condition=DayItem.pk.exists()
        )

    return Also("day_marked", add)


def mark_day_now(consulate: str, case_id: str, day: str, start: datetime, status: str) -> None:
    """The day list's status, set on its own (a no-show found by the attendance timer)."""
    item = bound(DayItem)(day_pk(consulate, day), f"{_iso(start)}#{case_id}")
    try:
        item.update(actions=[DayItem.status.set(status)], condition=DayItem.pk.exists())
    except UpdateError as error:
        if not _condition_failed(error):
            raise


def release_live_now(consulate: str, service: str, owner: str, case_id: str) -> None:
    """The live-appointment guard released on its own, if it is still this case's."""
    item = bound(GuardItem)(guard_pk(consulate, service, owner))
    try:
        item.delete(condition=GuardItem.case_id == case_id)
    except DeleteError as error:
        if not _condition_failed(error):
            raise


def _condition_failed(error: UpdateError | DeleteError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


def live_guard(consulate: str, service: str, owner: str) -> str | None:
    """The case holding the guard, if any."""
    try:
        return str(bound(GuardItem).get(guard_pk(consulate, service, owner), "LIVE").case_id)
    except DoesNotExist:
        return None


def day(consulate: str, local_day: str) -> list[DayEntry]:
    """A day's appointments, in order of time: one Query."""
    return [
        DayEntry(i.case_id, i.reference, i.service, i.start, i.name, i.status)
        for i in bound(DayItem).query(day_pk(consulate, local_day))
    ]


# --- waiting lists -----------------------------------------------------------------------


def join_waiting(consulate: str, service: str, key: str, case_id: str) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(WaitItem)(wait_pk(consulate, service), key, case_id=case_id)
        transaction.save(item, condition=WaitItem.pk.does_not_exist())

    return Also("waiting_list", add)


def leave_waiting(consulate: str, service: str, key: str) -> Also:
    def add(transaction: TransactWrite) -> None:
        transaction.delete(bound(WaitItem)(wait_pk(consulate, service), key))

    return Also("waiting_left", add)


def first_waiting(consulate: str, service: str, limit: int = 10) -> list[Waiting]:
    """The head of the line, in order (one Query)."""
    items = bound(WaitItem).query(wait_pk(consulate, service), limit=limit)
    return [Waiting(i.sk, i.case_id) for i in items]


def drop_waiting(consulate: str, service: str, key: str) -> None:
    """Forget an entry whose case left the line some other way (withdrawn, booked)."""
    bound(WaitItem)(wait_pk(consulate, service), key).delete()


# --- messages with the appointment's own data ---------------------------------------------


def messages(case: Case, messages: Sequence[OutboxMessage], now: datetime) -> list[Also]:
    """Outbox messages written with the transition (seq = the transition's history entry),
    numbered after the ones the machine's own Notify effects may write."""

    def one(n: int, message: OutboxMessage) -> Also:
        def add(transaction: TransactWrite) -> None:
            item = outbox_item(case, case.history_length + 1, 10 + n, message, now)
            transaction.save(item)

        return Also(f"message_{n}", add)

    return [one(n, m) for n, m in enumerate(messages)]
