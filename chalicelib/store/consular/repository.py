"""Reads and writes of consular appointments. Writes that must stand or fall with a case's
transition are ``Also`` writes (a seat, a guard, a day-list entry, a waiting-list entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.store.binding import bound, connection
from chalicelib.store.case_mapping import outbox_item
from chalicelib.store.cases import Also, OutboxMessage
from chalicelib.store.consular.items import (
    CalendarItem,
    DayItem,
    GuardItem,
    SeatVersionItem,
    SlotItem,
    WaitItem,
)
from chalicelib.workflow.case import Case

KEEP_AFTER = timedelta(days=400)  # seat and day items expire a while after their day


@dataclass(frozen=True)
class Seats:
    start: str  # ISO UTC
    taken: int
    hold_case: str
    hold_until: datetime | None
    round_id: str = ""  # reserved for a release round's draw (decision 56)


@dataclass(frozen=True)
class CalendarRecord:
    body: dict[str, Any]
    pending: dict[str, Any] | None  # being installed while its seats are checked
    version: int
    seat_versions: dict[str, int]


class CalendarChanged(Exception):
    """Another change of the consulate's calendar was written first."""


@dataclass(frozen=True)
class DayEntry:
    case_id: str
    reference: str
    service: str
    start: str
    name: str
    status: str
    guardian: str = ""


@dataclass(frozen=True)
class Waiting:
    key: str
    case_id: str


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ttl(moment: datetime) -> int:
    return int((moment + KEEP_AFTER).timestamp())


def slots_pk(consulate: str, service: str) -> str:
    return f"SLOTS#{consulate}#{service}"


def slot_sk(day: str, start: datetime) -> str:
    return f"{day}#{_iso(start)}"


def calendar_pk(consulate: str) -> str:
    return f"CONSULAR#CALENDAR#{consulate}"


def seats_sk(service: str) -> str:
    return f"SEATS#{service}"


def day_pk(consulate: str, day: str) -> str:
    return f"DAY#{consulate}#{day}"


def guard_pk(consulate: str, service: str, person: str) -> str:
    return f"LIVE#{consulate}#{service}#{person}"


def wait_pk(consulate: str, service: str) -> str:
    return f"WAIT#{consulate}#{service}"


# --- calendars ---------------------------------------------------------------------------


def put_calendar(consulate: str, body: dict[str, Any], by: str, at: datetime) -> None:
    """The calendar written as it is, unchecked: demo data only. Agents' changes go through
    ``write_calendar`` or ``begin_change`` and ``finish_change``."""
    bound(CalendarItem)(calendar_pk(consulate), "CALENDAR").update(
        actions=[
            CalendarItem.consulate.set(consulate),
            CalendarItem.body.set(body),
            CalendarItem.updated_at.set(at),
            CalendarItem.updated_by.set(by),
            CalendarItem.version.add(1),
            CalendarItem.pending.remove(),
        ]
    )


def calendar(consulate: str) -> dict[str, Any] | None:
    found = calendar_record(consulate)
    return None if found is None else found.body


def calendar_record(consulate: str) -> CalendarRecord | None:
    """The calendar with its version, the change being installed and the seat versions."""
    try:
        item = bound(CalendarItem).get(calendar_pk(consulate), "CALENDAR", consistent_read=True)
    except DoesNotExist:
        return None
    return CalendarRecord(
        dict(item.body),
        dict(item.pending) if item.pending else None,
        int(item.version or 0),
        {str(k): int(v) for k, v in dict(item.seat_versions or {}).items()},
    )


def _unchanged(expected: int | None) -> Any:
    if expected is None:
        return CalendarItem.pk.does_not_exist()
    if expected == 0:
        return CalendarItem.version.does_not_exist() | (CalendarItem.version == 0)
    return CalendarItem.version == expected


def _written(consulate: str, actions: list[Action], expected: int | None) -> None:
    item = bound(CalendarItem)(calendar_pk(consulate), "CALENDAR")
    try:
        item.update(actions=actions, condition=_unchanged(expected))
    except UpdateError as error:
        if _condition_failed(error):
            raise CalendarChanged(consulate) from error
        raise


def _stamped(consulate: str, by: str, at: datetime, version: int) -> list[Action]:
    return [
        CalendarItem.consulate.set(consulate),
        CalendarItem.updated_at.set(at),
        CalendarItem.updated_by.set(by),
        CalendarItem.version.set(version),
    ]


def write_calendar(
    consulate: str, body: dict[str, Any], by: str, at: datetime, expected: int | None
) -> None:
    """A change that lowers no seat, written if the calendar is still at ``expected`` (None:
    there was none); raises CalendarChanged otherwise."""
    actions = [*_stamped(consulate, by, at, (expected or 0) + 1), CalendarItem.body.set(body)]
    _written(consulate, [*actions, CalendarItem.pending.remove()], expected)


def begin_change(
    consulate: str,
    pending: dict[str, Any],
    services: Sequence[str],
    record: CalendarRecord,
    by: str,
    at: datetime,
) -> int:
    """The first step of a change that may lower seats: the new calendar is written as
    pending (bookings meanwhile get the fewer seats of the two) and the seat version of each
    of ``services`` is bumped, so that a booking which read the calendar before can no
    longer take a seat. One transaction; returns the calendar's new version."""
    versions = {**record.seat_versions, **{s: record.seat_versions.get(s, 0) + 1 for s in services}}
    version = record.version + 1
    transaction = TransactWrite(connection=connection())
    try:
        with transaction:
            transaction.update(
                bound(CalendarItem)(calendar_pk(consulate), "CALENDAR"),
                actions=[
                    *_stamped(consulate, by, at, version),
                    CalendarItem.pending.set(pending),
                    CalendarItem.seat_versions.set(versions),
                ],
                condition=_unchanged(record.version),
            )
            for service in services:
                transaction.save(
                    bound(SeatVersionItem)(
                        calendar_pk(consulate), seats_sk(service), version=versions[service]
                    )
                )
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        lost = ("ConditionalCheckFailed", "TransactionConflict")  # a race, lost cleanly
        if any(r is not None and r.code in lost for r in reasons):
            raise CalendarChanged(consulate) from error
        raise
    return version


def finish_change(
    consulate: str, body: dict[str, Any] | None, by: str, at: datetime, expected: int
) -> None:
    """The second step: the pending calendar installed (``body``), or dropped (None: the
    calendar stays as it was). Raises CalendarChanged if another change came between."""
    actions = [*_stamped(consulate, by, at, expected + 1), CalendarItem.pending.remove()]
    if body is not None:
        actions.append(CalendarItem.body.set(body))
    _written(consulate, actions, expected)


def seat_version_check(consulate: str, service: str, version: int) -> Also:
    """The booking's calendar is still the one to count seats by: no change that may lower
    the service's seats began since it was read."""

    def add(transaction: TransactWrite) -> None:
        same = SeatVersionItem.version == version
        if version == 0:
            same = same | SeatVersionItem.pk.does_not_exist()
        transaction.condition_check(
            bound(SeatVersionItem), calendar_pk(consulate), seats_sk(service), condition=same
        )

    return Also("calendar", add)


# --- seats -------------------------------------------------------------------------------


def _seats(item: SlotItem) -> Seats:
    until = datetime.fromisoformat(item.hold_until) if item.hold_until else None
    start = item.sk.split("#", 1)[1]
    return Seats(start, int(item.taken or 0), item.hold_case or "", until, item.round_id or "")


def seats_of_day(consulate: str, service: str, day: str) -> dict[str, Seats]:
    """The seats already touched on a local day (one Query); a slot absent here has none
    taken."""
    items = bound(SlotItem).query(
        slots_pk(consulate, service), SlotItem.sk.startswith(f"{day}#"), consistent_read=True
    )
    return {seats.start: seats for seats in map(_seats, items)}


def seats_from(consulate: str, service: str, day: str) -> list[Seats]:
    """Every slot touched from the local ``day`` on (one Query, paged past 1 MB)."""
    items = bound(SlotItem).query(
        slots_pk(consulate, service), SlotItem.sk >= f"{day}#", consistent_read=True
    )
    return [_seats(item) for item in items]


def take_seat(
    consulate: str,
    service: str,
    day: str,
    start: datetime,
    capacity: int,
    case_id: str,
    now: datetime,
    holder: bool = False,
    round_id: str = "",
) -> Also:
    """One seat of a slot of ``capacity`` seats (the calendar's, as the booking read it), if
    one is free: the slot item is created on its first booking. A seat held for another
    case's offer stays held; ``holder`` takes the held seat. A slot reserved for a release
    round is taken only by that round's draw (``round_id``)."""

    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service), slot_sk(day, start))
        free = SlotItem.taken.does_not_exist() | (SlotItem.taken < capacity)
        if round_id:
            free = free & (SlotItem.round_id == round_id)
        else:
            free = free & SlotItem.round_id.does_not_exist()
        not_held = (
            SlotItem.hold_until.does_not_exist()
            | (SlotItem.hold_until < _iso(now))
            | (SlotItem.hold_case == case_id)
            | (SlotItem.taken < capacity - 1)
        )
        actions: list[Action] = [SlotItem.taken.add(1), SlotItem.expires_at.set(_ttl(start))]
        if holder:
            actions += [SlotItem.hold_case.remove(), SlotItem.hold_until.remove()]
        transaction.update(item, actions=actions, condition=free & not_held)

    return Also("slot", add)


def give_back_seat(consulate: str, service: str, day: str, start: datetime) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service), slot_sk(day, start))
        transaction.update(item, actions=[SlotItem.taken.add(-1)], condition=SlotItem.taken > 0)

    return Also("slot_given_back", add)


def hold_seat(
    consulate: str,
    service: str,
    day: str,
    start: datetime,
    capacity: int,
    case_id: str,
    until: datetime,
    now: datetime,
    replacing: str = "",
) -> Also:
    """Keep a free seat for an offer: only if one is free and no other hold is running (but
    the hold of ``replacing``, whose offer just ran out, may be taken over)."""

    def add(transaction: TransactWrite) -> None:
        item = bound(SlotItem)(slots_pk(consulate, service), slot_sk(day, start))
        over = SlotItem.hold_until.does_not_exist() | (SlotItem.hold_until < _iso(now))
        if replacing:
            over = over | (SlotItem.hold_case == replacing)
        free = (SlotItem.taken.does_not_exist() | (SlotItem.taken < capacity)) & (
            SlotItem.round_id.does_not_exist()  # a round's seats are the draw's
        )
        actions: list[Action] = [
            SlotItem.hold_case.set(case_id),
            SlotItem.hold_until.set(_iso(until)),
            SlotItem.expires_at.set(_ttl(start)),
        ]
        transaction.update(item, actions=actions, condition=free & over)

    return Also("slot_hold", add)


# --- one live appointment per person, service and consulate -------------------------------
# ``person``: the account's holder, or the minor a guardian filed for (decision 39).


def claim_live(
    consulate: str, service: str, person: str, case_id: str, until: datetime, now: datetime
) -> Also:
    """The guard is free, or already this case's (a rebooking), or its appointment is over."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(
            guard_pk(consulate, service, person),
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


def release_live(consulate: str, service: str, person: str, case_id: str) -> Also:
    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(guard_pk(consulate, service, person))
        transaction.delete(item, condition=GuardItem.case_id == case_id)

    return Also("live_released", add)


# --- the day's appointments --------------------------------------------------------------


def list_day(
    consulate: str, case: Case, service: str, day: str, start: datetime, who: tuple[str, str]
) -> Also:
    """The appointment on the day's list: ``who`` is (who comes, who accompanies them)."""

    def add(transaction: TransactWrite) -> None:
        item = bound(DayItem)(
            day_pk(consulate, day),
            f"{_iso(start)}#{case.id}",
            case_id=case.id,
            reference=case.reference,
            service=service,
            start=_iso(start),
            name=who[0],
            guardian=who[1],
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


def release_live_now(consulate: str, service: str, person: str, case_id: str) -> None:
    """The live-appointment guard released on its own, if it is still this case's."""
    item = bound(GuardItem)(guard_pk(consulate, service, person))
    try:
        item.delete(condition=GuardItem.case_id == case_id)
    except DeleteError as error:
        if not _condition_failed(error):
            raise


def _condition_failed(error: UpdateError | DeleteError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


def live_guard(consulate: str, service: str, person: str) -> str | None:
    """The case holding the guard, if any."""
    try:
        return str(bound(GuardItem).get(guard_pk(consulate, service, person), "LIVE").case_id)
    except DoesNotExist:
        return None


def day(consulate: str, local_day: str) -> list[DayEntry]:
    """A day's appointments, in order of time: one Query."""
    return [
        DayEntry(i.case_id, i.reference, i.service, i.start, i.name, i.status, i.guardian or "")
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
