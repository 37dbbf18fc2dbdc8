"""A buyer's refund request and the agent's refusal, each one transaction: the stamp's
conditional update with its audit record, and its place in the consulate's queue. An agent
grants a request by refunding the stamp (``use_and_refund``), which ends it too."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DeleteError

from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.binding import bound
from chalicelib.store.etimbre import moves
from chalicelib.store.etimbre.chain import By, audited, chained
from chalicelib.store.etimbre.items import RefundAskItem, StampItem
from chalicelib.store.etimbre.moves import Message, event, stamp_item


def _queue_item(consulate: str, asked_at: datetime, stamp_id: str) -> RefundAskItem:
    return bound(RefundAskItem)(f"REFUNDASK#{consulate}", f"{asked_at.isoformat()}#{stamp_id}")


def ask(stamp: Stamp, reason: str, by: By, at: datetime) -> None:
    """The buyer asks: the stamp stays paid (usable) and waits in its consulate's queue."""
    transaction = moves.transaction()
    bound(RefundAskItem)
    chain, same_head = chained(stamp, audited(transaction, stamp, "refund_asked", by, at, reason))
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.refund_asked_at.set(at),
            StampItem.refund_asked_reason.set(reason),
            StampItem.refund_refused_reason.remove(),
            StampItem.events.set(StampItem.events.append([event(at, "refund_asked")])),
            *chain,
        ],
        condition=(StampItem.state == domain.PAID)
        & StampItem.refund_asked_at.does_not_exist()
        & same_head,
    )
    item = _queue_item(stamp.consulate, at, stamp.stamp_id)
    item.stamp_id, item.number, item.reason, item.asked_at = (
        stamp.stamp_id,
        stamp.number,
        reason,
        at,
    )
    transaction.save(item)
    moves.commit(transaction, "refund request")


def refuse(
    stamp: Stamp, reason: str, by: By, at: datetime, messages: Sequence[Message] = ()
) -> None:
    """The agent refuses the request, with a reason the buyer is told: the stamp stays paid."""
    assert stamp.refund_asked_at is not None
    transaction = moves.transaction()
    bound(RefundAskItem)
    chain, same_head = chained(stamp, audited(transaction, stamp, "refund_refused", by, at, reason))
    transaction.update(
        stamp_item(stamp.stamp_id),
        actions=[
            StampItem.refund_asked_at.remove(),
            StampItem.refund_refused_reason.set(reason),
            StampItem.events.set(
                StampItem.events.append([event(at, "refund_refused", agent=by.actor)])
            ),
            *chain,
        ],
        condition=(StampItem.state == domain.PAID)
        & (StampItem.refund_asked_at == stamp.refund_asked_at)
        & same_head,
    )
    transaction.delete(_queue_item(stamp.consulate, stamp.refund_asked_at, stamp.stamp_id))
    moves.send(transaction, stamp, stamp.number, messages, at)
    moves.commit(transaction, "refund refusal")


def forget(stamp: Stamp) -> None:
    """A request answered by the refund itself (or made moot by a use) leaves the queue."""
    if stamp.refund_asked_at is None:
        return
    try:
        _queue_item(stamp.consulate, stamp.refund_asked_at, stamp.stamp_id).delete()
    except DeleteError:  # already gone: nothing to forget
        return


def waiting(
    consulate: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[str], dict[str, Any] | None]:
    """The stamp ids asked for refund at ``consulate``, oldest first (one Query)."""
    result = bound(RefundAskItem).query(
        f"REFUNDASK#{consulate}", limit=limit, last_evaluated_key=start
    )
    return [i.stamp_id for i in result], result.last_evaluated_key
