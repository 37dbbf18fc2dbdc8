"""What every move of a stamp is written with: one transaction (a refused condition in it is
a LostRace naming ``stamp``), the move of its Treasury aggregate's counters, the event kept
on the stamp, and, for a payment or a refund, the buyer's notices in the outbox. The audit
record each move also writes is in ``chain``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.refusals import LostRace
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store import outbox
from chalicelib.store.binding import bound, connection
from chalicelib.store.case_items import OutboxItem, TimerItem
from chalicelib.store.etimbre.items import AggregateItem, AnomalyItem, NumberItem, StampItem
from chalicelib.store.etimbre.reads import key


def transaction() -> TransactWrite:
    for model in (StampItem, NumberItem, AggregateItem, TimerItem, OutboxItem, AnomalyItem):
        bound(model)
    return TransactWrite(connection=connection(), return_consumed_capacity="TOTAL")


def commit(transaction: TransactWrite, what: str) -> None:
    try:
        transaction._commit()
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise LostRace(f"stamp {what}: refused", frozenset({"stamp"})) from error
        raise


def stamp_item(stamp_id: str) -> StampItem:
    """The stamp's item by its key alone: an update written without reading it first."""
    return bound(StampItem)(key(stamp_id), "STAMP")


def event(at: datetime, event: str, **data: str) -> dict[str, str]:
    return {"at": at.isoformat(), "event": event, **data}


# --- the Treasury's aggregates ------------------------------------------------------------


def aggregate(stamp: Stamp) -> AggregateItem:
    return bound(AggregateItem)(
        f"AGG#{stamp.day}", f"{stamp.consulate}#{stamp.service}#{stamp.channel}"
    )


def counters(stamp: Stamp, from_state: str | None, to_state: str) -> list[Action]:
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


# --- the buyer's notices ------------------------------------------------------------------


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


def send(
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
                owner=stamp.owner,  # the buyer's text messages spend the buyer's budget
            ),
            condition=OutboxItem.sk.does_not_exist(),
        )
