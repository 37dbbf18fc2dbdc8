"""What the eTimbre use cases need of the world outside their rules: the stamps' reads
(``Reads``), a pending stamp's moves (``Sales``), what the gateway's callbacks leave
(``Callbacks``), a paid stamp's ways out (``Exits``), the buyers' refund requests
(``RefundAsks``), the card payment gateway (``Gateway``), the buyer's verified contacts
(``Contacts``) and the gateway's settlement files (``Settlements``). Protocols, so that
``purchase``, ``payment``, ``lookup``, ``counter``, ``refund_asks``, ``reconciliation`` and
``fee_payments`` run against AWS (``chalicelib.store.etimbre``'s modules, ``gateway``,
``chalicelib.notify.contacts`` and ``settlement_file``, the default) or, in unit tests,
against the in-memory fakes of ``tests/fakes/etimbre.py``, in milliseconds (decision §71).

A stamp's use stays an ``Also`` (a name and what it adds to the transaction), so that an
appointment's check-in writes it in its own transaction: the case repository in use is the
one that understands it, and ``Exits.write_alone`` writes one on its own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.identity import Principal
    from chalicelib.services.etimbre.domain import Stamp
    from chalicelib.services.etimbre.gateway import Session
    from chalicelib.store.cases import Also
    from chalicelib.store.etimbre.chain import By
    from chalicelib.store.etimbre.items import AggregateItem, AnomalyItem
    from chalicelib.store.etimbre.moves import Message
    from chalicelib.workflow.case import Contact


class Reads(Protocol):
    """A stamp by its id or its number, many at once, a buyer's (newest first, a page), those
    paid on a day; the Treasury's
    rows of a day (the aggregates kept on write, the anomalies flagged)."""

    def get(self, stamp_id: str) -> Stamp | None: ...

    def by_number(self, number: str) -> Stamp | None: ...

    def many(self, stamp_ids: Iterable[str]) -> dict[str, Stamp]: ...

    def of_owner(
        self, owner: str, limit: int, start_after: dict[str, Any] | None
    ) -> tuple[list[Stamp], dict[str, Any] | None]: ...

    def paid_on(self, day: str) -> list[Stamp]: ...

    def aggregates(self, day: str, consulate: str | None) -> list[AggregateItem]: ...

    def anomalies(self, day: str) -> list[AnomalyItem]: ...


class Sales(Protocol):
    """Sold, paid once (its number unique), expired once its window closed: each a
    conditional write on the state it leaves, a lost condition a ``LostRace``."""

    def create(self, stamp: Stamp, by: By | None = None) -> Stamp: ...

    def mark_paid(
        self,
        stamp: Stamp,
        number: str,
        payment_id: str,
        at: datetime,
        messages: Sequence[Message] = (),
    ) -> Stamp: ...

    def expire(self, stamp: Stamp, at: datetime) -> None: ...


class Callbacks(Protocol):
    """The replay guard of each signed callback, a note, a flag for the Treasury."""

    def sighting(self, signature: str, at: datetime) -> tuple[str, str] | None: ...

    def record_answer(self, signature: str, outcome: str, number: str) -> None: ...

    def note(self, stamp_id: str, at: datetime, event: str, **data: str) -> None: ...

    def flag(self, stamp: Stamp, kind: str, at: datetime, details: dict[str, Any]) -> bool: ...


class Exits(Protocol):
    """A paid stamp used (an ``Also`` named ``stamp``) or held, then refunded."""

    def consumption(
        self, stamp: Stamp, *, service: str, consulate: str, agent: str, case_id: str, at: datetime
    ) -> Also: ...

    def write_alone(self, also: Also) -> None: ...

    def hold_for_refund(self, stamp: Stamp, reason: str, by: By, at: datetime) -> None: ...

    def mark_refunded(
        self,
        stamp: Stamp,
        refund_id: str,
        by: By,
        at: datetime,
        messages: Sequence[Message] = (),
    ) -> None: ...


class RefundAsks(Protocol):
    """A buyer's refund request, its refusal, and the consulate's queue of them."""

    def ask(self, stamp: Stamp, reason: str, by: By, at: datetime) -> None: ...

    def refuse(
        self, stamp: Stamp, reason: str, by: By, at: datetime, messages: Sequence[Message] = ()
    ) -> None: ...

    def forget(self, stamp: Stamp) -> None: ...

    def waiting(
        self, consulate: str, limit: int, start: dict[str, Any] | None
    ) -> tuple[list[str], dict[str, Any] | None]: ...


class Gateway(Protocol):
    """The card gateway: its shared secret, a payment session, a refund (idempotent on the
    reference); ``GatewayUnavailable`` when it does not answer."""

    def secret(self) -> str: ...

    def open_session(
        self, reference: str, amount: Decimal, currency: str, channel: str, terminal_reference: str
    ) -> Session: ...

    def refund(self, reference: str, payment_id: str, amount: Decimal, currency: str) -> str: ...


class Contacts(Protocol):
    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact: ...


class Settlements(Protocol):
    """The gateway's settlement file at ``key`` (None: not dropped yet)."""

    def read(self, key: str) -> str | None: ...


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    reads: Reads | None = None
    sales: Sales | None = None
    callbacks: Callbacks | None = None
    exits: Exits | None = None
    refund_asks: RefundAsks | None = None
    gateway: Gateway | None = None
    contacts: Contacts | None = None
    settlements: Settlements | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def reads() -> Reads:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store.etimbre import reads as dynamodb

    return _in_use("reads", dynamodb)


def sales() -> Sales:
    from chalicelib.store.etimbre import stamps as dynamodb

    return _in_use("sales", dynamodb)


def callbacks() -> Callbacks:
    from chalicelib.store.etimbre import webhooks as dynamodb

    return _in_use("callbacks", dynamodb)


def exits() -> Exits:
    from chalicelib.store.etimbre import exits as dynamodb

    return _in_use("exits", dynamodb)


def refund_asks() -> RefundAsks:
    from chalicelib.store.etimbre import refund_asks as dynamodb

    return _in_use("refund_asks", dynamodb)


def gateway() -> Gateway:
    from chalicelib.services.etimbre import gateway as http

    return _in_use("gateway", http)


def contacts() -> Contacts:
    from chalicelib.notify import contacts as verified

    return _in_use("contacts", verified)


def settlements() -> Settlements:
    from chalicelib.services.etimbre import settlement_file as s3

    return _in_use("settlements", s3)
