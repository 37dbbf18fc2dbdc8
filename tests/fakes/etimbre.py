"""eTimbre's adapters in memory (``chalicelib.services.etimbre.ports``): the stamps with
their numbers, the Treasury's aggregates and anomalies, the callbacks' replay guards, the
refund requests' queues, each stamp's audit chain and the notices queued (``InMemoryStamps``,
one object for the store's five Protocols); the card gateway (``InMemoryGateway``); the
settlement files (``InMemorySettlements``).

Each move is the DynamoDB module's conditional write: the state it leaves and the audit
head it links to (a stale copy is a ``LostRace`` naming ``stamp``, and nothing of the move
is written), a number never taken twice, a flag raised once. A use is an ``in_memory``
``Also`` named ``stamp`` (``tests/fakes/cases.py``), checked and applied by
``InMemoryCases`` in an appointment's transition, or by ``write_alone`` on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.refusals import LostRace
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.gateway import GatewayUnavailable, Session
from chalicelib.store.cases import Also
from chalicelib.store.etimbre.chain import GATEWAY, TIMER, By
from chalicelib.store.etimbre.items import AggregateItem, AnomalyItem
from chalicelib.store.etimbre.moves import Message
from chalicelib.store.etimbre.moves import event as noted
from tests.fakes.cases import InMemoryWrite, in_memory


@dataclass(frozen=True)
class Record:
    """One record of a stamp's audit chain: its place, what happened, by whom, why."""

    stamp_id: str
    seq: int
    event: str
    by: By
    reason: str = ""


@dataclass
class InMemoryStamps:
    """``stamps[id]`` as stored; ``numbers[number]`` its stamp id; ``totals[(day, consulate
    #service#channel)][state]`` (count, cents) kept on write; ``flags[(day, id#kind)]``;
    ``answers[signature]`` what a callback was answered ("" while none); ``asks[consulate]
    [asked_at#id]`` the refund queue; ``audit`` every stamp's chain; ``outbox`` the notices
    queued with a move, as (stamp id, message); ``timers`` (stamp id, start or stop, due)."""

    stamps: dict[str, Stamp] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    totals: dict[tuple[str, str], dict[str, tuple[int, int]]] = field(default_factory=dict)
    flags: dict[tuple[str, str], AnomalyItem] = field(default_factory=dict)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    asks: dict[str, dict[str, str]] = field(default_factory=dict)
    audit: list[Record] = field(default_factory=list)
    outbox: list[tuple[str, Message]] = field(default_factory=list)
    timers: list[tuple[str, str, datetime | None]] = field(default_factory=list)

    # --- Reads ----------------------------------------------------------------------------

    def get(self, stamp_id: str) -> Stamp | None:
        return self.stamps.get(stamp_id)

    def by_number(self, number: str) -> Stamp | None:
        stamp_id = self.numbers.get(number)
        return self.stamps.get(stamp_id) if stamp_id else None

    def many(self, stamp_ids: Iterable[str]) -> dict[str, Stamp]:
        return {s: self.stamps[s] for s in dict.fromkeys(stamp_ids) if s in self.stamps}

    def of_owner(
        self, owner: str, limit: int, start_after: dict[str, Any] | None
    ) -> tuple[list[Stamp], dict[str, Any] | None]:
        """Newest first, as the owner index's sort key (sale time, then id) reads backwards;
        ``start_after`` is the last key of the page before."""
        before = (start_after or {}).get("before")
        ordered = sorted(
            (s for s in self.stamps.values() if s.owner == owner),
            key=lambda s: f"{s.created_at.isoformat()}#{s.stamp_id}",
            reverse=True,
        )
        rest = [
            s
            for s in ordered
            if before is None or f"{s.created_at.isoformat()}#{s.stamp_id}" < before
        ]
        if len(rest) <= limit:
            return rest, None
        last = rest[limit - 1]
        return rest[:limit], {"before": f"{last.created_at.isoformat()}#{last.stamp_id}"}

    def paid_on(self, day: str) -> list[Stamp]:
        """The sparse index's order: consulate, then stamp id."""
        paid = [
            s
            for s in self.stamps.values()
            if s.paid_at is not None and s.paid_at.date().isoformat() == day
        ]
        return sorted(paid, key=lambda s: f"{s.consulate}#{s.stamp_id}")

    def aggregates(self, day: str, consulate: str | None) -> list[AggregateItem]:
        rows = []
        for (on, sk), counts in sorted(self.totals.items()):
            if on != day or (consulate and not sk.startswith(f"{consulate}#")):
                continue
            row = AggregateItem(f"AGG#{day}", sk)
            for state, (count, cents) in counts.items():
                setattr(row, f"{state}_count", count)
                setattr(row, f"{state}_cents", cents)
            rows.append(row)
        return rows

    def anomalies(self, day: str) -> list[AnomalyItem]:
        return [item for (on, _), item in sorted(self.flags.items()) if on == day]

    # --- the moves' common part -----------------------------------------------------------

    def _move(
        self,
        stamp: Stamp,
        name: str,
        by: By,
        at: datetime,
        holds: Callable[[Stamp], bool],
        change: dict[str, Any],
        reason: str = "",
        counted: tuple[str | None, str] | None = None,
        messages: Sequence[Message] = (),
    ) -> Stamp:
        """One conditional write of ``stamp`` (as the caller read it): the condition on the
        stored stamp and its audit head, then the change, the next record of its chain, the
        aggregate's move and the notices, all or nothing."""
        stored = self.stamps.get(stamp.stamp_id)
        if stored is None or stored.audit_head != stamp.audit_head or not holds(stored):
            raise LostRace(f"stamp {name}: refused", frozenset({"stamp"}))
        seq = stored.audit_seq + 1
        self.audit.append(Record(stamp.stamp_id, seq, name, by, reason))
        change = dict(change)
        happened = (change.pop("_event"),) if "_event" in change else ()
        moved = replace(
            stored,
            **change,
            events=(*stored.events, *happened),
            audit_head=f"{stamp.stamp_id}#{seq}",
            audit_seq=seq,
        )
        self.stamps[stamp.stamp_id] = moved
        if counted:
            self._count(stored, *counted)
        self.outbox += [(stamp.stamp_id, m) for m in messages]
        return moved

    def _count(self, stamp: Stamp, from_state: str | None, to_state: str) -> None:
        row = self.totals.setdefault(
            (stamp.day, f"{stamp.consulate}#{stamp.service}#{stamp.channel}"), {}
        )
        cents = domain.cents(stamp.amount)
        if from_state:
            count, total = row.get(from_state, (0, 0))
            row[from_state] = (count - 1, total - cents)
        count, total = row.get(to_state, (0, 0))
        row[to_state] = (count + 1, total + cents)

    # --- Sales ----------------------------------------------------------------------------

    def create(self, stamp: Stamp, by: By | None = None) -> Stamp:
        if stamp.stamp_id in self.stamps:
            raise LostRace("stamp sale: refused", frozenset({"stamp"}))
        by = by or By(stamp.owner, "citizen")
        sold = replace(
            stamp,
            state=domain.PENDING,
            events=(noted(stamp.created_at, "sold", channel=stamp.channel),),
            audit_head=f"{stamp.stamp_id}#1",
            audit_seq=1,
        )
        self.stamps[stamp.stamp_id] = sold
        self.audit.append(Record(stamp.stamp_id, 1, "sold", by, stamp.channel))
        self._count(sold, None, domain.PENDING)
        self.timers.append((stamp.stamp_id, "start", stamp.payment_deadline))
        return replace(stamp, audit_head=sold.audit_head, audit_seq=1)

    def mark_paid(
        self,
        stamp: Stamp,
        number: str,
        payment_id: str,
        at: datetime,
        messages: Sequence[Message] = (),
    ) -> Stamp:
        if number in self.numbers:
            raise LostRace("stamp payment: refused", frozenset({"stamp"}))
        paid = self._move(
            stamp,
            "paid",
            GATEWAY,
            at,
            lambda s: s.state == domain.PENDING,
            {
                "state": domain.PAID,
                "number": number,
                "payment_id": payment_id,
                "paid_at": at,
                "_event": noted(at, "paid", payment_id=payment_id),
            },
            counted=(domain.PENDING, domain.PAID),
            messages=messages,
        )
        self.numbers[number] = stamp.stamp_id
        self.timers.append((stamp.stamp_id, "stop", None))
        return paid

    def expire(self, stamp: Stamp, at: datetime) -> None:
        self._move(
            stamp,
            "expired",
            TIMER,
            at,
            lambda s: s.state == domain.PENDING and s.payment_deadline <= at,
            {"state": domain.EXPIRED, "expired_at": at, "_event": noted(at, "expired")},
            counted=(domain.PENDING, domain.EXPIRED),
        )

    # --- Callbacks ------------------------------------------------------------------------

    def sighting(self, signature: str, at: datetime) -> tuple[str, str] | None:
        if signature in self.answers:
            return self.answers[signature]
        self.answers[signature] = ("", "")
        return None

    def record_answer(self, signature: str, outcome: str, number: str) -> None:
        self.answers[signature] = (outcome, number)

    def note(self, stamp_id: str, at: datetime, event: str, **data: str) -> None:
        stored = self.stamps[stamp_id]
        self.stamps[stamp_id] = replace(stored, events=(*stored.events, noted(at, event, **data)))

    def flag(self, stamp: Stamp, kind: str, at: datetime, details: dict[str, Any]) -> bool:
        """Once per stamp, kind and day (False after that); a stale copy: a LostRace."""
        key = (at.date().isoformat(), f"{stamp.stamp_id}#{kind}")
        if key in self.flags:
            return False
        self._move(stamp, "flagged", GATEWAY, at, lambda s: True, {}, reason=kind)
        self.flags[key] = AnomalyItem(
            f"ANOMALY#{key[0]}", key[1], stamp_id=stamp.stamp_id, kind=kind, details=details, at=at
        )
        return True

    # --- Exits ----------------------------------------------------------------------------

    def consumption(
        self, stamp: Stamp, *, service: str, consulate: str, agent: str, case_id: str, at: datetime
    ) -> Also:
        """Paid, for that service at that consulate, and unchanged since read."""

        def holds() -> bool:
            stored = self.stamps.get(stamp.stamp_id)
            return (
                stored is not None
                and stored.audit_head == stamp.audit_head
                and (stored.state, stored.service, stored.consulate)
                == (domain.PAID, service, consulate)
            )

        def apply() -> None:
            self._move(
                stamp,
                "used",
                By(agent, "consular_agent", consulate),
                at,
                lambda s: True,
                {
                    "state": domain.USED,
                    "used_at": at,
                    "used_consulate": consulate,
                    "used_by": agent,
                    "used_case_id": case_id,
                    "_event": noted(at, "used", consulate=consulate, agent=agent, case=case_id),
                },
                reason=f"case {case_id}",
                counted=(domain.PAID, domain.USED),
            )

        return in_memory("stamp", apply, holds)

    def write_alone(self, also: Also) -> None:
        write = also.add
        assert isinstance(write, InMemoryWrite), "a fake writes only in-memory writes"
        if not write.holds():
            raise LostRace(f"stamp {also.name}: refused", frozenset({"stamp"}))
        write.apply()

    def hold_for_refund(self, stamp: Stamp, reason: str, by: By, at: datetime) -> None:
        self._move(
            stamp,
            "refund_requested",
            by,
            at,
            lambda s: s.state == domain.PAID,
            {
                "state": domain.REFUND_PENDING,
                "refund_reason": reason,
                "_event": noted(at, "refund_requested", agent=by.actor),
            },
            reason=reason,
        )

    def mark_refunded(
        self,
        stamp: Stamp,
        refund_id: str,
        by: By,
        at: datetime,
        messages: Sequence[Message] = (),
    ) -> None:
        self._move(
            stamp,
            "refunded",
            by,
            at,
            lambda s: s.state == domain.REFUND_PENDING,
            {
                "state": domain.REFUNDED,
                "refunded_at": at,
                "_event": noted(at, "refunded", refund_id=refund_id),
            },
            counted=(domain.PAID, domain.REFUNDED),
            messages=messages,
        )

    # --- RefundAsks -----------------------------------------------------------------------

    def ask(self, stamp: Stamp, reason: str, by: By, at: datetime) -> None:
        self._move(
            stamp,
            "refund_asked",
            by,
            at,
            lambda s: s.state == domain.PAID and s.refund_asked_at is None,
            {
                "refund_asked_at": at,
                "refund_asked_reason": reason,
                "refund_refused_reason": "",
                "_event": noted(at, "refund_asked"),
            },
            reason=reason,
        )
        self.asks.setdefault(stamp.consulate, {})[f"{at.isoformat()}#{stamp.stamp_id}"] = (
            stamp.stamp_id
        )

    def refuse(
        self, stamp: Stamp, reason: str, by: By, at: datetime, messages: Sequence[Message] = ()
    ) -> None:
        asked = stamp.refund_asked_at
        assert asked is not None
        self._move(
            stamp,
            "refund_refused",
            by,
            at,
            lambda s: s.state == domain.PAID and s.refund_asked_at == asked,
            {
                "refund_asked_at": None,
                "refund_refused_reason": reason,
                "_event": noted(at, "refund_refused", agent=by.actor),
            },
            reason=reason,
            messages=messages,
        )
        self.asks.get(stamp.consulate, {}).pop(f"{asked.isoformat()}#{stamp.stamp_id}", None)

    def forget(self, stamp: Stamp) -> None:
        if stamp.refund_asked_at is None:
            return
        key = f"{stamp.refund_asked_at.isoformat()}#{stamp.stamp_id}"
        self.asks.get(stamp.consulate, {}).pop(key, None)

    def waiting(
        self, consulate: str, limit: int, start: dict[str, Any] | None
    ) -> tuple[list[str], dict[str, Any] | None]:
        """Oldest first, ``limit`` a page; the next page starts after the last key."""
        after = (start or {}).get("after", "")
        keys = [k for k in sorted(self.asks.get(consulate, {})) if k > after]
        page = keys[:limit]
        last = {"after": page[-1]} if len(keys) > limit else None
        return [self.asks[consulate][k] for k in page], last


@dataclass
class InMemoryGateway:
    """The card gateway: a session and a refund once per reference (a retry gets the same
    answer); ``down`` makes every call fail as a gateway that does not answer."""

    shared_secret: str = "unit-test-gateway-secret"
    sessions: dict[str, Session] = field(default_factory=dict)
    refunds: dict[str, tuple[str, Decimal, str]] = field(default_factory=dict)
    refund_calls: int = 0
    down: bool = False

    def secret(self) -> str:
        return self.shared_secret

    def open_session(
        self, reference: str, amount: Decimal, currency: str, channel: str, terminal_reference: str
    ) -> Session:
        if self.down:
            raise GatewayUnavailable("/sessions: down")
        found = self.sessions.setdefault(
            reference, Session(f"sess-{reference}", f"https://pay.invalid/{reference}")
        )
        return found

    def refund(self, reference: str, payment_id: str, amount: Decimal, currency: str) -> str:
        self.refund_calls += 1
        if self.down:
            raise GatewayUnavailable("/refunds: down")
        self.refunds.setdefault(reference, (payment_id, amount, currency))
        return f"refund-{reference}"


@dataclass
class InMemorySettlements:
    """The gateway's settlement files dropped, by key."""

    files: dict[str, str] = field(default_factory=dict)

    def read(self, key: str) -> str | None:
        return self.files.get(key)
