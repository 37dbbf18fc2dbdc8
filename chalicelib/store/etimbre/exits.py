"""A paid stamp's two ways out, each once: used (for one service at one consulate, alone at
the counter or in an appointment's check-in transaction), or refunded (held first, so that
no use can race the gateway's refund, then marked refunded with the buyer's notices)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.binding import bound
from chalicelib.store.cases import Also
from chalicelib.store.etimbre import moves
from chalicelib.store.etimbre.chain import By, audited, chained
from chalicelib.store.etimbre.items import StampItem
from chalicelib.store.etimbre.moves import Message, aggregate, counters, event, stamp_item


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
        record = audited(transaction, stamp, "used", by, at, f"case {case_id}")
        chain, same_head = chained(stamp, record)
        transaction.update(
            stamp_item(stamp.stamp_id),
            actions=[
                StampItem.state.set(domain.USED),
                StampItem.used_at.set(at),
                StampItem.used_consulate.set(consulate),
                StampItem.used_by.set(agent),
                StampItem.used_case_id.set(case_id),
                StampItem.events.set(
                    StampItem.events.append(
                        [event(at, "used", consulate=consulate, agent=agent, case=case_id)]
                    )
                ),
                *chain,
            ],
            condition=_consumable(service, consulate) & same_head,
        )
        transaction.update(aggregate(stamp), actions=counters(stamp, domain.PAID, domain.USED))

    return Also("stamp", add)


def _consumable(service: str, consulate: str) -> Condition:
    paid: Condition = StampItem.state == domain.PAID
    for_service: Condition = StampItem.service == service
    there: Condition = StampItem.consulate == consulate
    condition: Condition = paid & for_service & there
    return condition


def write_alone(also: Also) -> None:
    """An Also written on its own (a use at the counter, without an appointment case)."""
    transaction = moves.transaction()
    also.add(transaction)
    moves.commit(transaction, also.name)


def hold_for_refund(stamp: Stamp, reason: str, by: By, at: datetime) -> None:
    """Paid -> refund_pending: from here no use can race the refund."""
    transaction = moves.transaction()
    chain, same_head = chained(
        stamp, audited(transaction, stamp, "refund_requested", by, at, reason)
    )
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.REFUND_PENDING),
            StampItem.refund_reason.set(reason),
            StampItem.refunded_by.set(by.actor),
            StampItem.events.set(
                StampItem.events.append([event(at, "refund_requested", agent=by.actor)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.PAID) & same_head,
    )
    moves.commit(transaction, "refund")


def mark_refunded(
    stamp: Stamp, refund_id: str, by: By, at: datetime, messages: Sequence[Message] = ()
) -> None:
    """Refund_pending -> refunded, with the buyer's notices. ``stamp`` is as held."""
    transaction = moves.transaction()
    chain, same_head = chained(stamp, audited(transaction, stamp, "refunded", by, at))
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.state.set(domain.REFUNDED),
            StampItem.refund_id.set(refund_id),
            StampItem.refunded_at.set(at),
            StampItem.events.set(
                StampItem.events.append([event(at, "refunded", refund_id=refund_id)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.REFUND_PENDING) & same_head,
    )
    transaction.update(aggregate(stamp), actions=counters(stamp, domain.PAID, domain.REFUNDED))
    moves.send(transaction, stamp, stamp.number, messages, at)
    moves.commit(transaction, "refund")
