"""A pending stamp's moves: sold (with its expiry timer), paid once (its number taken, the
timer stopped, the buyer's notices queued) or expired once its payment window has closed.

Every change of a stamp is one conditional write on the state it leaves, in the same
transaction as the move of its Treasury aggregate and the next record of its audit chain,
so a stamp is paid once and the day's totals never drift from the stamps. Reads are in
``reads``, a paid stamp's use and refund in ``use_and_refund``, what the gateway's callbacks
leave besides a payment in ``webhooks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from pynamodb.expressions.condition import Condition

from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.binding import bound
from chalicelib.store.case_items import TimerItem
from chalicelib.store.etimbre import moves
from chalicelib.store.etimbre.chain import GATEWAY, TIMER, By, audited, chained
from chalicelib.store.etimbre.items import NumberItem, StampItem
from chalicelib.store.etimbre.moves import Message, aggregate, counters, event, stamp_item
from chalicelib.store.etimbre.reads import key

EXPIRY_TIMER = "etimbre:expiry"  # the timer callback recognises stamps by this deadline name


def execution_name(stamp_id: str) -> str:
    return f"stamp-{stamp_id}-expiry"


def _timer(stamp_id: str, action: str, seq: int, at: datetime, due: datetime | None) -> TimerItem:
    return TimerItem(
        key(stamp_id),
        f"TIMER#{EXPIRY_TIMER}#{seq:06d}",
        case_id=stamp_id,
        name=EXPIRY_TIMER,
        action=action,
        due_at=due,
        on_expiry="expire",
        execution_name=execution_name(stamp_id),
        created_at=at,
    )


def create(stamp: Stamp, by: By | None = None) -> Stamp:
    """A pending stamp, its aggregate, its expiry timer (started by the cases stream, which
    carries out every timer request) and the first record of its audit chain: together or
    not at all. ``by`` defaults to its owner, as a citizen. Returns the stamp as written."""
    by = by or By(stamp.owner, "citizen")
    transaction = moves.transaction()
    record = audited(transaction, stamp, "sold", by, stamp.created_at, stamp.channel)
    item = bound(StampItem)(
        key(stamp.stamp_id),
        "STAMP",
        stamp_id=stamp.stamp_id,
        owner=stamp.owner,
        owner_pk=f"OWNER#{stamp.owner}",
        owner_sk=f"{stamp.created_at.isoformat()}#{stamp.stamp_id}",
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
        events=[event(stamp.created_at, "sold", channel=stamp.channel)],
        audit_head=record.hash,
        audit_seq=record.seq,
    )
    transaction.save(item, condition=StampItem.pk.does_not_exist())
    transaction.update(aggregate(stamp), actions=counters(stamp, None, domain.PENDING))
    transaction.save(
        _timer(stamp.stamp_id, "start", 1, stamp.created_at, stamp.payment_deadline),
        condition=TimerItem.pk.does_not_exist(),
    )
    moves.commit(transaction, "sale")
    return replace(stamp, audit_head=record.hash, audit_seq=int(record.seq))


def mark_paid(
    stamp: Stamp, number: str, payment_id: str, at: datetime, messages: Sequence[Message] = ()
) -> Stamp:
    """Pending -> paid once: the number is taken (unique), the expiry timer stopped and the
    buyer's notices queued in the same transaction. A second success callback fails the
    state condition."""
    transaction = moves.transaction()
    record = audited(transaction, stamp, "paid", GATEWAY, at)
    chain, same_head = chained(stamp, record)
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.PAID),
            StampItem.number.set(number),
            StampItem.payment_id.set(payment_id),
            StampItem.paid_at.set(at),
            StampItem.day_pk.set(f"PAID#{at.date().isoformat()}"),
            StampItem.day_sk.set(f"{stamp.consulate}#{stamp.stamp_id}"),
            StampItem.events.set(
                StampItem.events.append([event(at, "paid", payment_id=payment_id)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.PENDING) & same_head,
    )
    transaction.save(
        bound(NumberItem)(f"NUMBER#{number}", "NUMBER", stamp_id=stamp.stamp_id),
        condition=NumberItem.pk.does_not_exist(),
    )
    transaction.update(aggregate(stamp), actions=counters(stamp, domain.PENDING, domain.PAID))
    transaction.save(_timer(stamp.stamp_id, "stop", 2, at, None))
    moves.send(transaction, stamp, number, messages, at)
    moves.commit(transaction, "payment")
    return replace(
        stamp,
        state=domain.PAID,
        number=number,
        payment_id=payment_id,
        paid_at=at,
        audit_head=record.hash,
        audit_seq=int(record.seq),
    )


def expire(stamp: Stamp, at: datetime) -> None:
    """Pending -> expired, only once its payment window has closed."""
    transaction = moves.transaction()
    chain, same_head = chained(stamp, audited(transaction, stamp, "expired", TIMER, at))
    due: Condition = (StampItem.state == domain.PENDING) & (StampItem.payment_deadline <= at)
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.EXPIRED),
            StampItem.expired_at.set(at),
            StampItem.events.set(StampItem.events.append([event(at, "expired")])),
            *chain,
        ],
        condition=due & same_head,
    )
    transaction.update(aggregate(stamp), actions=counters(stamp, domain.PENDING, domain.EXPIRED))
    moves.commit(transaction, "expiry")
