"""What consular appointments need of the world outside their rules: the calendars, seats,
live-appointment guards, day lists and waiting lists (``Appointments``), the citizen's own
cases and a consulate's queue (``OwnCases``), the per-booking change quotas (``Quotas``),
and for release rounds (``releases.py``) the rounds with their entries and draw
(``Rounds``) and the rounds' secrets (``DrawSecrets``, KMS). Protocols, so that the use
cases run against AWS (the modules ``chalicelib.store.consular.repository``,
``chalicelib.store.cases``, ``chalicelib.api.quotas``, ``chalicelib.store.consular.rounds``
and ``chalicelib.store.consular.draw_secret``, the default) or, in unit tests, against the
in-memory fakes of ``tests/fakes/consular.py`` and ``tests/fakes/consular_rounds.py``, in
milliseconds (decisions §68 and §72). The fee of a check-in goes through the kernel's own
port (``chalicelib.ports.fee_payments``).

The writes that stand or fall with a transition stay ``Also`` values (a name and what it adds
to the transaction): the case repository in use is the one that understands them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.store.cases import Also, OutboxMessage, Page
    from chalicelib.store.consular.repository import CalendarRecord, DayEntry, Seats, Waiting
    from chalicelib.store.consular.rounds import Entry, Round
    from chalicelib.workflow.case import Case


class Appointments(Protocol):
    """The consulate's calendar, its seats and lists; ``Also`` writes join a transition."""

    def calendar_record(self, consulate: str) -> CalendarRecord | None: ...

    def write_calendar(
        self, consulate: str, body: dict[str, Any], by: str, at: datetime, expected: int | None
    ) -> None: ...

    def begin_change(
        self,
        consulate: str,
        pending: dict[str, Any],
        services: Sequence[str],
        record: CalendarRecord,
        by: str,
        at: datetime,
    ) -> int: ...

    def finish_change(
        self, consulate: str, body: dict[str, Any] | None, by: str, at: datetime, expected: int
    ) -> None: ...

    def seat_version_check(self, consulate: str, service: str, version: int) -> Also: ...

    def seats_of_day(self, consulate: str, service: str, day: str) -> dict[str, Seats]: ...

    def seats_from(self, consulate: str, service: str, day: str) -> list[Seats]: ...

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
    ) -> Also: ...

    def give_back_seat(self, consulate: str, service: str, day: str, start: datetime) -> Also: ...

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
    ) -> Also: ...

    def claim_live(
        self,
        consulate: str,
        service: str,
        person: str,
        case_id: str,
        until: datetime,
        now: datetime,
    ) -> Also: ...

    def release_live(self, consulate: str, service: str, person: str, case_id: str) -> Also: ...

    def release_live_now(self, consulate: str, service: str, person: str, case_id: str) -> None: ...

    def list_day(
        self,
        consulate: str,
        case: Case,
        service: str,
        day: str,
        start: datetime,
        who: tuple[str, str],
    ) -> Also: ...

    def unlist_day(self, consulate: str, case_id: str, day: str, start: datetime) -> Also: ...

    def mark_day(
        self, consulate: str, case_id: str, day: str, start: datetime, status: str
    ) -> Also: ...

    def mark_day_now(
        self, consulate: str, case_id: str, day: str, start: datetime, status: str
    ) -> None: ...

    def day(self, consulate: str, local_day: str) -> list[DayEntry]: ...

    def join_waiting(self, consulate: str, service: str, key: str, case_id: str) -> Also: ...

    def leave_waiting(self, consulate: str, service: str, key: str) -> Also: ...

    def first_waiting(self, consulate: str, service: str, limit: int = 10) -> list[Waiting]: ...

    def drop_waiting(self, consulate: str, service: str, key: str) -> None: ...

    def messages(
        self, case: Case, messages: Sequence[OutboxMessage], now: datetime
    ) -> list[Also]: ...


class OwnCases(Protocol):
    """A citizen's cases (the open-request limit, the family, the slots shown, no-shows) and
    a consulate's queue: the case store's index reads."""

    def of_owner(self, owner: str, limit: int, start_after: dict[str, Any] | None) -> Page: ...

    def queue(
        self,
        case_type: str,
        office: str,
        state: str,
        limit: int,
        start_after: dict[str, Any] | None,
    ) -> Page: ...


class Quotas(Protocol):
    """The quotas of one object (a booking's moves and cancellations)."""

    def check_object(self, object_id: str, *names: str) -> None: ...

    def record_object(self, object_id: str, *names: str) -> None: ...


class Rounds(Protocol):
    """Release rounds: the round with its draw's timer and its slots' reservation (one
    write, ``RoundTaken`` naming the slots not free), the entries (``Also`` writes of the
    case's transition, the round still open), and the draw's moves, each from the state it
    leaves (``StateChanged`` when another run moved it first)."""

    def create(
        self,
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
    ) -> None: ...

    def get(self, round_id: str) -> Round | None: ...

    def enter(self, round_id: str, person: str, entry: Entry, now: datetime) -> list[Also]: ...

    def leave(self, round_id: str, person: str, case_id: str, now: datetime) -> list[Also]: ...

    def entries(self, round_id: str) -> list[Entry]: ...

    def close(self, round_id: str) -> None: ...

    def publish(self, round_id: str, drawn: Sequence[dict[str, Any]]) -> int: ...

    def mark_drawn(
        self,
        round_id: str,
        seed: str,
        count: int,
        seats: dict[str, int],
        chunks: int,
        now: datetime,
    ) -> None: ...

    def mark_done(self, round_id: str) -> None: ...

    def published(self, round_id: str) -> list[dict[str, Any]]: ...

    def release_slots(self, r: Round) -> None: ...


class DrawSecrets(Protocol):
    """A round's secret (seed and reference key, ``draw_secret``'s layout): drawn and
    sealed when the round opens, opened again to name entries and to draw."""

    def new_secret(self) -> tuple[bytes, bytes]: ...

    def open_secret(self, blob: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    appointments: Appointments | None = None
    own_cases: OwnCases | None = None
    quotas: Quotas | None = None
    rounds: Rounds | None = None
    draw_secrets: DrawSecrets | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def appointments() -> Appointments:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store.consular import repository as dynamodb

    return _in_use("appointments", dynamodb)


def own_cases() -> OwnCases:
    from chalicelib.store import cases as dynamodb

    return _in_use("own_cases", dynamodb)


def quotas() -> Quotas:
    from chalicelib.api import quotas as counted

    return _in_use("quotas", counted)


def rounds() -> Rounds:
    from chalicelib.store.consular import rounds as dynamodb

    return _in_use("rounds", dynamodb)


def draw_secrets() -> DrawSecrets:
    from chalicelib.store.consular import draw_secret as kms

    return _in_use("draw_secrets", kms)
