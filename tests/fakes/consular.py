"""Consular appointments' adapters in memory (``chalicelib.services.consular.ports``): the
calendars with their versions, the seats of each slot (taken and held), the one-live-
appointment guards, the day lists, the waiting lists, the citizen's own cases, a booking's
change quotas, and (for the kernel's ``chalicelib.ports.FeePayments``) eTimbre stamps.

Each condition is the one ``chalicelib.store.consular.repository`` gives DynamoDB, compared
the same way (ISO strings for moments, a missing attribute failing a comparison); the writes
that join a transition are ``in_memory`` ``Also`` values, so ``InMemoryCases`` checks every
condition of the transition before it applies any (all or nothing, a failed one a
``LostRace`` naming it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import clock
from chalicelib.api.quotas import QUOTAS
from chalicelib.refusals import Refusal
from chalicelib.store.cases import Also, OutboxMessage, Page
from chalicelib.store.consular.repository import (
    CalendarChanged,
    CalendarRecord,
    DayEntry,
    Seats,
    Waiting,
)
from chalicelib.workflow.case import Case
from tests.fakes.cases import InMemoryCases, in_memory


def iso(moment: datetime) -> str:
    """A moment as the store writes it (``repository._iso``): compared as a string."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SlotSeats:
    """One slot item: ``taken`` None until its first booking (as the attribute is absent)."""

    taken: int | None = None
    hold_case: str = ""
    hold_until: str = ""
    round_id: str = ""


@dataclass
class InMemoryAppointments:
    calendars: dict[str, CalendarRecord] = field(default_factory=dict)
    seat_items: dict[tuple[str, str], int] = field(default_factory=dict)  # (consulate, service)
    slots: dict[tuple[str, str, str, str], SlotSeats] = field(default_factory=dict)
    guards: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)
    days: dict[tuple[str, str], dict[str, DayEntry]] = field(default_factory=dict)
    waiting: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    sent: list[tuple[str, OutboxMessage]] = field(default_factory=list)

    # --- calendars -----------------------------------------------------------------------

    def put(self, consulate: str, body: dict[str, Any]) -> None:
        """A calendar as the demo data writes it (unchecked)."""
        found = self.calendars.get(consulate)
        version = (found.version if found else 0) + 1
        versions = found.seat_versions if found else {}
        self.calendars[consulate] = CalendarRecord(dict(body), None, version, dict(versions))

    def calendar_record(self, consulate: str) -> CalendarRecord | None:
        return self.calendars.get(consulate)

    def _unchanged(self, consulate: str, expected: int | None) -> None:
        found = self.calendars.get(consulate)
        if expected is None:
            same = found is None
        elif expected == 0:
            same = found is None or found.version == 0
        else:
            same = found is not None and found.version == expected
        if not same:
            raise CalendarChanged(consulate)

    def write_calendar(
        self, consulate: str, body: dict[str, Any], by: str, at: datetime, expected: int | None
    ) -> None:
        self._unchanged(consulate, expected)
        found = self.calendars.get(consulate)
        versions = dict(found.seat_versions) if found else {}
        self.calendars[consulate] = CalendarRecord(dict(body), None, (expected or 0) + 1, versions)

    def begin_change(
        self,
        consulate: str,
        pending: dict[str, Any],
        services: Sequence[str],
        record: CalendarRecord,
        by: str,
        at: datetime,
    ) -> int:
        self._unchanged(consulate, record.version)
        bumped = {s: record.seat_versions.get(s, 0) + 1 for s in services}
        versions = {**record.seat_versions, **bumped}
        found = self.calendars[consulate]
        self.calendars[consulate] = CalendarRecord(
            found.body, dict(pending), record.version + 1, versions
        )
        for service in services:
            self.seat_items[(consulate, service)] = versions[service]
        return record.version + 1

    def finish_change(
        self, consulate: str, body: dict[str, Any] | None, by: str, at: datetime, expected: int
    ) -> None:
        self._unchanged(consulate, expected)
        found = self.calendars[consulate]
        kept = found.body if body is None else dict(body)
        self.calendars[consulate] = replace(found, body=kept, pending=None, version=expected + 1)

    def seat_version_check(self, consulate: str, service: str, version: int) -> Also:
        def holds() -> bool:
            found = self.seat_items.get((consulate, service))
            return found == version or (version == 0 and found is None)

        return in_memory("calendar", lambda: None, holds)

    # --- seats ---------------------------------------------------------------------------

    def _seats(self, start: str, item: SlotSeats) -> Seats:
        until = datetime.fromisoformat(item.hold_until) if item.hold_until else None
        return Seats(start, item.taken or 0, item.hold_case, until, item.round_id)

    def seats_of_day(self, consulate: str, service: str, day: str) -> dict[str, Seats]:
        return {
            start: self._seats(start, item)
            for (c, s, d, start), item in sorted(self.slots.items())
            if (c, s, d) == (consulate, service, day)
        }

    def seats_from(self, consulate: str, service: str, day: str) -> list[Seats]:
        return [
            self._seats(start, item)
            for (c, s, d, start), item in sorted(self.slots.items())
            if (c, s) == (consulate, service) and d >= day
        ]

    def slot(self, consulate: str, service: str, day: str, start: datetime) -> SlotSeats:
        return self.slots.get((consulate, service, day, iso(start)), SlotSeats())

    def _slot_key(
        self, consulate: str, service: str, day: str, start: datetime
    ) -> tuple[str, str, str, str]:
        return (consulate, service, day, iso(start))

    def take_seat(
        self,
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
        key = self._slot_key(consulate, service, day, start)

        def holds() -> bool:
            item = self.slots.get(key, SlotSeats())
            free = item.taken is None or item.taken < capacity
            free = free and (item.round_id == round_id if round_id else not item.round_id)
            not_held = (
                not item.hold_until
                or item.hold_until < iso(now)
                or item.hold_case == case_id
                or (item.taken is not None and item.taken < capacity - 1)
            )
            return free and not_held

        def apply() -> None:
            item = self.slots.setdefault(key, SlotSeats())
            item.taken = (item.taken or 0) + 1
            if holder:
                item.hold_case, item.hold_until = "", ""

        return in_memory("slot", apply, holds)

    def give_back_seat(self, consulate: str, service: str, day: str, start: datetime) -> Also:
        key = self._slot_key(consulate, service, day, start)

        def holds() -> bool:
            taken = self.slots.get(key, SlotSeats()).taken
            return taken is not None and taken > 0

        def apply() -> None:
            item = self.slots[key]
            item.taken = (item.taken or 0) - 1

        return in_memory("slot_given_back", apply, holds)

    def hold_seat(
        self,
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
        key = self._slot_key(consulate, service, day, start)

        def holds() -> bool:
            item = self.slots.get(key, SlotSeats())
            over = not item.hold_until or item.hold_until < iso(now)
            over = over or bool(replacing and item.hold_case == replacing)
            free = (item.taken is None or item.taken < capacity) and not item.round_id
            return free and over

        def apply() -> None:
            item = self.slots.setdefault(key, SlotSeats())
            item.hold_case, item.hold_until = case_id, iso(until)

        return in_memory("slot_hold", apply, holds)

    # --- one live appointment per person, service and consulate ----------------------------

    def claim_live(
        self,
        consulate: str,
        service: str,
        person: str,
        case_id: str,
        until: datetime,
        now: datetime,
    ) -> Also:
        key = (consulate, service, person)

        def holds() -> bool:
            found = self.guards.get(key)
            return found is None or found[0] == case_id or found[1] < iso(now)

        return in_memory(
            "live_appointment", lambda: self.guards.__setitem__(key, (case_id, iso(until))), holds
        )

    def release_live(self, consulate: str, service: str, person: str, case_id: str) -> Also:
        key = (consulate, service, person)
        return in_memory(
            "live_released",
            lambda: self.guards.__delitem__(key),
            lambda: self.guards.get(key, ("", ""))[0] == case_id,
        )

    def release_live_now(self, consulate: str, service: str, person: str, case_id: str) -> None:
        key = (consulate, service, person)
        if self.guards.get(key, ("", ""))[0] == case_id:
            del self.guards[key]

    def live_guard(self, consulate: str, service: str, person: str) -> str | None:
        found = self.guards.get((consulate, service, person))
        return found[0] if found else None

    # --- the day's appointments ------------------------------------------------------------

    def list_day(
        self,
        consulate: str,
        case: Case,
        service: str,
        day: str,
        start: datetime,
        who: tuple[str, str],
    ) -> Also:
        entry = DayEntry(case.id, case.reference, service, iso(start), who[0], "booked", who[1])

        def apply() -> None:
            self.days.setdefault((consulate, day), {})[f"{iso(start)}#{case.id}"] = entry

        return in_memory("day_list", apply)

    def unlist_day(self, consulate: str, case_id: str, day: str, start: datetime) -> Also:
        def apply() -> None:
            self.days.get((consulate, day), {}).pop(f"{iso(start)}#{case_id}", None)

        return in_memory("day_unlisted", apply)

    def _entry_key(self, consulate: str, case_id: str, day: str, start: datetime) -> str:
        return f"{iso(start)}#{case_id}"

    def mark_day(
        self, consulate: str, case_id: str, day: str, start: datetime, status: str
    ) -> Also:
        sk = self._entry_key(consulate, case_id, day, start)
        listed = self.days.setdefault((consulate, day), {})

        def apply() -> None:
            listed[sk] = replace(listed[sk], status=status)

        return in_memory("day_marked", apply, lambda: sk in listed)

    def mark_day_now(
        self, consulate: str, case_id: str, day: str, start: datetime, status: str
    ) -> None:
        sk = self._entry_key(consulate, case_id, day, start)
        listed = self.days.get((consulate, day), {})
        if sk in listed:
            listed[sk] = replace(listed[sk], status=status)

    def day(self, consulate: str, local_day: str) -> list[DayEntry]:
        listed = self.days.get((consulate, local_day), {})
        return [listed[sk] for sk in sorted(listed)]

    # --- waiting lists ---------------------------------------------------------------------

    def join_waiting(self, consulate: str, service: str, key: str, case_id: str) -> Also:
        line = self.waiting.setdefault((consulate, service), {})
        return in_memory(
            "waiting_list", lambda: line.__setitem__(key, case_id), lambda: key not in line
        )

    def leave_waiting(self, consulate: str, service: str, key: str) -> Also:
        line = self.waiting.setdefault((consulate, service), {})

        def apply() -> None:
            line.pop(key, None)

        return in_memory("waiting_left", apply)

    def first_waiting(self, consulate: str, service: str, limit: int = 10) -> list[Waiting]:
        line = self.waiting.get((consulate, service), {})
        return [Waiting(key, line[key]) for key in sorted(line)[:limit]]

    def drop_waiting(self, consulate: str, service: str, key: str) -> None:
        self.waiting.get((consulate, service), {}).pop(key, None)

    # --- messages --------------------------------------------------------------------------

    def messages(self, case: Case, messages: Sequence[OutboxMessage], now: datetime) -> list[Also]:
        def one(n: int, message: OutboxMessage) -> Also:
            return in_memory(f"message_{n}", lambda: self.sent.append((case.id, message)))

        return [one(n, m) for n, m in enumerate(messages)]


@dataclass
class InMemoryOwnCases:
    """The case store's index reads, from the in-memory cases: a citizen's newest first
    (the owner index's ``created_at#id``), a queue oldest first (``updated_at#id``)."""

    cases: InMemoryCases

    def of_owner(self, owner: str, limit: int, start_after: dict[str, Any] | None) -> Page:
        mine = sorted(
            (c for c in self.cases.cases.values() if c.owner == owner),
            key=lambda c: f"{c.created_at.isoformat()}#{c.id}",
            reverse=True,
        )
        return Page(mine[:limit], None)

    def queue(
        self,
        case_type: str,
        office: str,
        state: str,
        limit: int,
        start_after: dict[str, Any] | None,
    ) -> Page:
        waiting = sorted(
            (
                c
                for c in self.cases.cases.values()
                if (c.case_type, c.office, c.state) == (case_type, office, state)
            ),
            key=lambda c: f"{c.updated_at.isoformat()}#{c.id}",
        )
        return Page(waiting[:limit], None)


@dataclass
class InMemoryQuotas:
    """An object's successful changes with their moments; a quota is spent when ``allowed``
    of them fall in its window (a sliding window: the store's are fixed windows, so the
    fake is never laxer within one)."""

    used: dict[tuple[str, str], list[datetime]] = field(default_factory=dict)

    def check_object(self, object_id: str, *names: str) -> None:
        now = clock.now()
        for name in names:
            quota = QUOTAS[name]
            since = now - timedelta(seconds=quota.window_seconds)
            spent = [m for m in self.used.get((object_id, name), []) if m > since]
            if len(spent) >= quota.allowed:
                raise Refusal("too-many-requests", f"At most {quota.allowed} {name}.")

    def record_object(self, object_id: str, *names: str) -> None:
        for name in names:
            self.used.setdefault((object_id, name), []).append(clock.now())


@dataclass(frozen=True)
class FakeFee:
    amount: Decimal
    currency: str
    legal_reference: str


@dataclass
class Stamp:
    owner: str
    service: str
    office: str
    status: str = "paid"  # paid, used, refunded
    used_by: str = ""


@dataclass
class InMemoryFeePayments:
    """``chalicelib.ports.FeePayments``: stamps by number, each paid for one service at one
    consulate by one citizen; using one is a write of the check-in's own transaction."""

    stamps: dict[str, Stamp] = field(default_factory=dict)
    fees: dict[str, FakeFee] = field(default_factory=dict)

    def fee(self, service: str, at: datetime, office: str = "") -> FakeFee | None:
        return self.fees.get(service)

    def why_not_payable(self, payment: str, *, owner: str, service: str, office: str) -> str | None:
        stamp = self.stamps.get(payment)
        if stamp is None or stamp.owner != owner:
            return "unknown stamp"
        if stamp.status != "paid":
            return f"stamp {stamp.status}"
        if (stamp.service, stamp.office) != (service, office):
            return "stamp paid for another service or consulate"
        return None

    def used_with(
        self, payment: str, *, service: str, office: str, agent: str, case_id: str, owner: str
    ) -> Also:
        why = self.why_not_payable(payment, owner=owner, service=service, office=office)
        if why:
            raise Refusal("conflict", why, extra={"refusal": "stamp"})

        def apply() -> None:
            self.stamps[payment].status, self.stamps[payment].used_by = "used", case_id

        return in_memory("stamp", apply, lambda: self.stamps[payment].status == "paid")
