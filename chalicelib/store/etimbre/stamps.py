"""The stamps repository: every change of a stamp is one conditional write on the state it
leaves, in the same transaction as the move of its Treasury aggregate (and, for a sale or a
payment, its expiry timer request), so a stamp is paid, used or refunded once and the
day's totals never drift from the stamps. Each move also writes the next record of the
stamp's own chain in the audit trail (``CASE#<stamp id>``, ``T#<n>``, as a case's) and, for a
payment or a refund, the buyer's notices in the outbox: in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.observability import logger
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.settings import get_settings
from chalicelib.store import audit, outbox
from chalicelib.store.audit import AuditRecord
from chalicelib.store.binding import bound
from chalicelib.store.case_items import OutboxItem, TimerItem
from chalicelib.store.cases import Also, Conflict
from chalicelib.store.etimbre.items import (
    AggregateItem,
    AnomalyItem,
    NumberItem,
    StampItem,
    WebhookItem,
)

SYSTEM = "system"  # the role of automatic actors, as the case engine names it
EXPIRY_TIMER = "etimbre:expiry"  # the timer callback recognises stamps by this deadline name


def _key(stamp_id: str) -> str:
    return f"STAMP#{stamp_id}"


@lru_cache(maxsize=1)
def _connection() -> Connection:
    return Connection(region=get_settings().region)


def _transaction() -> TransactWrite:
    for model in (StampItem, NumberItem, AggregateItem, TimerItem, OutboxItem, AnomalyItem):
        bound(model)
    return TransactWrite(connection=_connection(), return_consumed_capacity="TOTAL")


def execution_name(stamp_id: str) -> str:
    return f"stamp-{stamp_id}-expiry"


# --- reading ----------------------------------------------------------------------------


def get(stamp_id: str) -> Stamp | None:
    try:
        return to_stamp(bound(StampItem).get(_key(stamp_id), "STAMP"))
    except StampItem.DoesNotExist:
        return None


def stamp_id_of(number: str) -> str | None:
    try:
        return str(bound(NumberItem).get(f"NUMBER#{number}", "NUMBER").stamp_id)
    except NumberItem.DoesNotExist:
        return None


def by_number(number: str) -> Stamp | None:
    stamp_id = stamp_id_of(number)
    return get(stamp_id) if stamp_id else None


def many(stamp_ids: Iterable[str]) -> dict[str, Stamp]:
    """BatchGet, 100 keys a call (PynamoDB pages it)."""
    keys = [(_key(s), "STAMP") for s in dict.fromkeys(stamp_ids)]
    return {i.stamp_id: to_stamp(i) for i in bound(StampItem).batch_get(keys)}


def paid_on(day: str) -> list[Stamp]:
    """The stamps paid on a day: one Query (paged) on the sparse by_day index."""
    return [to_stamp(i) for i in bound(StampItem).by_day.query(f"PAID#{day}")]


def aggregates(day: str, consulate: str | None) -> list[AggregateItem]:
    condition = AggregateItem.sk.startswith(f"{consulate}#") if consulate else None
    return list(bound(AggregateItem).query(f"AGG#{day}", condition))


def anomalies(day: str) -> list[AnomalyItem]:
    return list(bound(AnomalyItem).query(f"ANOMALY#{day}"))


def to_stamp(i: StampItem) -> Stamp:
    return Stamp(
        stamp_id=i.stamp_id,
        state=i.state,
        service=i.service,
        consulate=i.consulate,
        channel=i.channel,
        amount=Decimal(i.amount),
        currency=i.currency,
        owner=i.owner,
        fee_reference=i.fee_reference,
        created_at=i.created_at,
        payment_deadline=i.payment_deadline,
        day=i.day,
        number=i.number or "",
        pay_url=i.pay_url,
        session_id=i.session_id,
        terminal_reference=i.terminal_reference,
        language=i.language,
        email=i.email or "",
        phone=i.phone or "",
        payment_id=i.payment_id or "",
        paid_at=i.paid_at,
        used_at=i.used_at,
        used_consulate=i.used_consulate or "",
        used_by=i.used_by or "",
        used_case_id=i.used_case_id or "",
        refund_reason=i.refund_reason or "",
        refunded_at=i.refunded_at,
        expired_at=i.expired_at,
        events=tuple(dict(e) for e in (i.events or [])),
        audit_head=i.audit_head or "",
        audit_seq=int(i.audit_seq or 0),
    )


# --- the Treasury's aggregates ------------------------------------------------------------


def _aggregate(stamp: Stamp) -> AggregateItem:
    return bound(AggregateItem)(
        f"AGG#{stamp.day}", f"{stamp.consulate}#{stamp.service}#{stamp.channel}"
    )


def _move(stamp: Stamp, from_state: str | None, to_state: str) -> list[Action]:
    """The counter changes of one stamp moving between states (kept on write)."""
    cents = domain.cents(stamp.amount)
    actions: list[Action] = []
    if from_state:
        actions += [
            getattr(AggregateItem, f"{from_state}_count").add(-1),
            getattr(AggregateItem, f"{from_state}_cents").add(-cents),
        ]
    actions += [
        getattr(AggregateItem, f"{to_state}_count").add(1),
        getattr(AggregateItem, f"{to_state}_cents").add(cents),
    ]
    return actions


def _event(at: datetime, event: str, **data: str) -> dict[str, str]:
    return {"at": at.isoformat(), "event": event, **data}


def _timer(stamp_id: str, action: str, seq: int, at: datetime, due: datetime | None) -> TimerItem:
    return TimerItem(
        _key(stamp_id),
        f"TIMER#{EXPIRY_TIMER}#{seq:06d}",
        case_id=stamp_id,
        name=EXPIRY_TIMER,
        action=action,
        due_at=due,
        on_expiry="expire",
        execution_name=execution_name(stamp_id),
        created_at=at,
    )


def _write(transaction: TransactWrite, what: str) -> None:
    try:
        transaction._commit()
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise Conflict(f"stamp {what}: refused", frozenset({"stamp"})) from error
        raise


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class By:
    """Who moved a stamp, as its record in the audit trail names them."""

    actor: str
    role: str
    office: str = ""


GATEWAY = By("system:gateway", SYSTEM)  # the payment gateway's callback
TIMER = By("system:timer", SYSTEM)  # the expiry timer


@dataclass(frozen=True)
class Message:
    """A notification written with the move that causes it (the outbox of the cases table,
    under the stamp's id: the cases stream sends it like any case's)."""

    key: str  # unique within the stamp: writing it twice would send once
    channel: str  # email or sms
    template: str
    recipient: str
    language: str
    data: dict[str, Any]


def _audited(
    transaction: TransactWrite, stamp: Stamp, event: str, by: By, at: datetime, reason: str = ""
) -> AuditRecord:
    """The move's record, next in the stamp's chain, put in the move's own transaction."""
    record = audit.subject_transition(
        stamp.stamp_id,
        stamp.audit_seq + 1,
        at,
        by.actor,
        by.role,
        by.office,
        event,
        reason,
        stamp.audit_head,
        logger.get_correlation_id() or "",
    )
    transaction.save(record, condition=audit.AuditRecord.pk.does_not_exist())
    return record


def _chained(stamp: Stamp, record: AuditRecord) -> tuple[list[Action], Condition]:
    """What the stamp's update sets (the new head) and checks (the head it links to): a move
    made on a stale copy is a conflict, never a fork of the chain."""
    actions: list[Action] = [
        StampItem.audit_head.set(record.hash),
        StampItem.audit_seq.set(int(record.seq)),
    ]
    unchanged: Condition = StampItem.audit_head == stamp.audit_head
    if stamp.audit_head:
        return actions, unchanged
    before_chains: Condition = StampItem.audit_head.does_not_exist() | unchanged
    return actions, before_chains


def _send(
    transaction: TransactWrite, stamp: Stamp, number: str, messages: Sequence[Message], at: datetime
) -> None:
    for message in messages:
        transaction.save(
            outbox.message(
                stamp.stamp_id,
                number,
                message.key,
                message.channel,
                message.template,
                message.recipient,
                message.language,
                message.data,
                at,
            ),
            condition=OutboxItem.sk.does_not_exist(),
        )


def create(stamp: Stamp, by: By | None = None) -> Stamp:
    """A pending stamp, its aggregate, its expiry timer (started by the cases stream, which
    carries out every timer request) and the first record of its audit chain: together or
    not at all. ``by`` defaults to its owner, as a citizen. Returns the stamp as written."""
    by = by or By(stamp.owner, "citizen")
    transaction = _transaction()
    record = _audited(transaction, stamp, "sold", by, stamp.created_at, stamp.channel)
    item = bound(StampItem)(
        _key(stamp.stamp_id),
        "STAMP",
        stamp_id=stamp.stamp_id,
        owner=stamp.owner,
        service=stamp.service,
        consulate=stamp.consulate,
        channel=stamp.channel,
        amount=str(stamp.amount),
        currency=stamp.currency,
        fee_reference=stamp.fee_reference,
        state=domain.PENDING,
        day=stamp.day,
        created_at=stamp.created_at,
        payment_deadline=stamp.payment_deadline,
        session_id=stamp.session_id,
        pay_url=stamp.pay_url,
        terminal_reference=stamp.terminal_reference,
        language=stamp.language,
        email=stamp.email,
        phone=stamp.phone,
        events=[_event(stamp.created_at, "sold", channel=stamp.channel)],
        audit_head=record.hash,
        audit_seq=record.seq,
    )
    transaction.save(item, condition=StampItem.pk.does_not_exist())
    transaction.update(_aggregate(stamp), actions=_move(stamp, None, domain.PENDING))
    transaction.save(
        _timer(stamp.stamp_id, "start", 1, stamp.created_at, stamp.payment_deadline),
        condition=TimerItem.pk.does_not_exist(),
    )
    _write(transaction, "sale")
    return replace(stamp, audit_head=record.hash, audit_seq=int(record.seq))


def _update(stamp_id: str) -> StampItem:
    return bound(StampItem)(_key(stamp_id), "STAMP")


def mark_paid(
    stamp: Stamp, number: str, payment_id: str, at: datetime, messages: Sequence[Message] = ()
) -> Stamp:
    """Pending -> paid once: the number is taken (unique), the expiry timer stopped and the
    buyer's notices queued in the same transaction. A second success callback fails the
    state condition."""
    transaction = _transaction()
    record = _audited(transaction, stamp, "paid", GATEWAY, at)
    chain, same_head = _chained(stamp, record)
    transaction.update(
        _update(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.PAID),
            StampItem.number.set(number),
            StampItem.payment_id.set(payment_id),
            StampItem.paid_at.set(at),
            StampItem.day_pk.set(f"PAID#{at.date().isoformat()}"),
            StampItem.day_sk.set(f"{stamp.consulate}#{stamp.stamp_id}"),
            StampItem.events.set(
                StampItem.events.append([_event(at, "paid", payment_id=payment_id)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.PENDING) & same_head,
    )
    transaction.save(
        bound(NumberItem)(f"NUMBER#{number}", "NUMBER", stamp_id=stamp.stamp_id),
        condition=NumberItem.pk.does_not_exist(),
    )
    transaction.update(_aggregate(stamp), actions=_move(stamp, domain.PENDING, domain.PAID))
    transaction.save(_timer(stamp.stamp_id, "stop", 2, at, None))
    _send(transaction, stamp, number, messages, at)
    _write(transaction, "payment")
    return replace(
        stamp,
        state=domain.PAID,
        number=number,
        payment_id=payment_id,
        paid_at=at,
        audit_head=record.hash,
        audit_seq=int(record.seq),
    )


def consumption(
    stamp: Stamp, *, service: str, consulate: str, agent: str, case_id: str, at: datetime
) -> Also:
    """Paid -> used, for ``service`` at ``consulate`` only, recording by whom and for which
    appointment case.

    The Also adds three operations: the stamp's conditional update, its aggregate's
    unconditional move and the next record of its audit chain (which fails only if the
    stamp's own condition does too). All must stand or fall with the caller's transition,
    or the Treasury's day would drift; a refusal names "stamp"."""

    def add(transaction: TransactWrite) -> None:
        bound(StampItem)
        by = By(agent, "consular_agent", consulate)
        record = _audited(transaction, stamp, "used", by, at, f"case {case_id}")
        chain, same_head = _chained(stamp, record)
        transaction.update(
            _update(stamp.stamp_id),
            actions=[
                StampItem.state.set(domain.USED),
                StampItem.used_at.set(at),
                StampItem.used_consulate.set(consulate),
                StampItem.used_by.set(agent),
                StampItem.used_case_id.set(case_id),
                StampItem.events.set(
                    StampItem.events.append(
                        [_event(at, "used", consulate=consulate, agent=agent, case=case_id)]
                    )
                ),
                *chain,
            ],
            condition=_consumable(service, consulate) & same_head,
        )
        transaction.update(_aggregate(stamp), actions=_move(stamp, domain.PAID, domain.USED))

    return Also("stamp", add)


def _consumable(service: str, consulate: str) -> Condition:
    paid: Condition = StampItem.state == domain.PAID
    for_service: Condition = StampItem.service == service
    there: Condition = StampItem.consulate == consulate
    condition: Condition = paid & for_service & there
    return condition


def write_alone(also: Also) -> None:
    """An Also written on its own (a use at the counter, without an appointment case)."""
    transaction = _transaction()
    also.add(transaction)
    _write(transaction, also.name)


def hold_for_refund(stamp: Stamp, reason: str, by: By, at: datetime) -> None:
    """Paid -> refund_pending: from here no use can race the refund."""
    transaction = _transaction()
    chain, same_head = _chained(
        stamp, _audited(transaction, stamp, "refund_requested", by, at, reason)
    )
    transaction.update(
        _update(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.REFUND_PENDING),
            StampItem.refund_reason.set(reason),
            StampItem.refunded_by.set(by.actor),
            StampItem.events.set(
                StampItem.events.append([_event(at, "refund_requested", agent=by.actor)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.PAID) & same_head,
    )
    _write(transaction, "refund")


def mark_refunded(
    stamp: Stamp, refund_id: str, by: By, at: datetime, messages: Sequence[Message] = ()
) -> None:
    """Refund_pending -> refunded, with the buyer's notices. ``stamp`` is as held."""
    transaction = _transaction()
    chain, same_head = _chained(stamp, _audited(transaction, stamp, "refunded", by, at))
    transaction.update(
        _update(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.REFUNDED),
            StampItem.refund_id.set(refund_id),
            StampItem.refunded_at.set(at),
            StampItem.events.set(
                StampItem.events.append([_event(at, "refunded", refund_id=refund_id)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.REFUND_PENDING) & same_head,
    )
    transaction.update(_aggregate(stamp), actions=_move(stamp, domain.PAID, domain.REFUNDED))
    _send(transaction, stamp, stamp.number, messages, at)
    _write(transaction, "refund")


def expire(stamp: Stamp, at: datetime) -> None:
    """Pending -> expired, only once its payment window has closed."""
    transaction = _transaction()
    chain, same_head = _chained(stamp, _audited(transaction, stamp, "expired", TIMER, at))
    due: Condition = (StampItem.state == domain.PENDING) & (StampItem.payment_deadline <= at)
    transaction.update(
        _update(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.EXPIRED),
            StampItem.expired_at.set(at),
            StampItem.events.set(StampItem.events.append([_event(at, "expired")])),
            *chain,
        ],
        condition=due & same_head,
    )
    transaction.update(_aggregate(stamp), actions=_move(stamp, domain.PENDING, domain.EXPIRED))
    _write(transaction, "expiry")


def note(stamp_id: str, at: datetime, event: str, **data: str) -> None:
    """An event that changes no state (a refused card), kept on the stamp."""
    _update(stamp_id).update(
        actions=[StampItem.events.set(StampItem.events.append([_event(at, event, **data)]))]
    )


def flag(stamp: Stamp, kind: str, at: datetime, details: dict[str, Any]) -> bool:
    """Something the Treasury must look at, with its record in the stamp's audit chain, once:
    False if it was flagged already (a duplicate callback). A Conflict: the stamp moved
    meanwhile (read it again and retry)."""
    transaction = _transaction()
    bound(AnomalyItem)
    transaction.save(
        AnomalyItem(
            f"ANOMALY#{at.date().isoformat()}",
            f"{stamp.stamp_id}#{kind}",
            stamp_id=stamp.stamp_id,
            kind=kind,
            details=details,
            at=at,
        ),
        condition=AnomalyItem.pk.does_not_exist(),
    )  # the first put: the first cancellation reason, as DynamoDB answers in request order
    chain, same_head = _chained(stamp, _audited(transaction, stamp, "flagged", GATEWAY, at, kind))
    transaction.update(_update(stamp.stamp_id), actions=chain, condition=same_head)
    try:
        transaction._commit()
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise Conflict("stamp flag: moved meanwhile", frozenset({"stamp"})) from error
        raise
    return True


def first_sight(signature: str, at: datetime) -> bool:
    """True the first time a signed callback is seen; False for a replay of it."""
    digest = hashlib.sha256(signature.encode()).hexdigest()
    try:
        bound(WebhookItem)(
            f"WEBHOOK#{digest}",
            "WEBHOOK",
            seen_at=at,
            expires_at=int(domain.replay_guard_until(at).timestamp()),
        ).save(condition=WebhookItem.pk.does_not_exist())
    except PutError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def _condition_failed(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"
