"""Outbox items after they are written: read, claimed by one sender, marked sent or failed.

Every change is a conditional UpdateItem on ``status = pending``, so a sent message is never
marked (or sent) again. ``claimed_until`` is a lease: while it runs, no other worker sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.store.binding import bound
from chalicelib.store.case_items import OutboxItem


class OutboxRecord(OutboxItem):
    """An outbox item as the sender sees it (its ``claimed_until`` lease is only ever set by
    the sender)."""


def get(pk: str, sk: str) -> OutboxRecord | None:
    try:
        return bound(OutboxRecord).get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return None


def of_case(case_id: str) -> list[OutboxRecord]:
    """The outbox of a case, oldest first (one Query)."""
    model = bound(OutboxRecord)
    return list(model.query(f"CASE#{case_id}", model.sk.startswith("OUTBOX#")))


def claim(pk: str, sk: str, now: datetime, lease: timedelta) -> OutboxRecord | None:
    """Take the lease and count an attempt; None if the item is not pending or leased."""
    free = OutboxRecord.claimed_until.does_not_exist() | (OutboxRecord.claimed_until < now)
    actions = [OutboxRecord.attempts.add(1), OutboxRecord.claimed_until.set(now + lease)]
    return _update(pk, sk, actions, _pending() & free)


def mark_sent(pk: str, sk: str, provider_id: str, at: datetime) -> bool:
    actions = [
        OutboxRecord.status.set("sent"),
        OutboxRecord.provider_id.set(provider_id),
        OutboxRecord.sent_at.set(at),
        OutboxRecord.claimed_until.remove(),
    ]
    return _update(pk, sk, actions) is not None


def release(pk: str, sk: str, error: str) -> bool:
    """After a failed try that will be retried: keep the error, give the lease back."""
    actions = [OutboxRecord.last_error.set(error), OutboxRecord.claimed_until.remove()]
    return _update(pk, sk, actions) is not None


def mark_failed(pk: str, sk: str, error: str) -> bool:
    actions = [
        OutboxRecord.status.set("failed"),
        OutboxRecord.last_error.set(error),
        OutboxRecord.claimed_until.remove(),
    ]
    return _update(pk, sk, actions) is not None


def reopen(pk: str, sk: str) -> bool:
    """A failed item made pending again with fresh attempts (an operator's redrive)."""
    actions = [OutboxRecord.status.set("pending"), OutboxRecord.attempts.set(0)]
    return _update(pk, sk, actions, OutboxRecord.status == "failed") is not None


def _pending() -> Condition:
    return OutboxRecord.status == "pending"


def _update(
    pk: str, sk: str, actions: Sequence[Action], condition: Condition | None = None
) -> OutboxRecord | None:
    """The updated item, or None when the condition (by default: still pending) fails."""
    item = bound(OutboxRecord)(pk, sk)
    # pk.exists(): an update must never create an item that was not there
    guard = OutboxRecord.pk.exists() & (condition if condition is not None else _pending())
    try:
        item.update(actions=list(actions), condition=guard)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def enqueue(
    case_id: str,
    reference: str,
    key: str,
    channel: str,
    template: str,
    recipient: str,
    language: str,
    data: dict[str, object],
    now: datetime,
    owner: str | None = None,
) -> None:
    """A message that no transition carries (a read by someone outside the case's office).
    ``key`` names it within the case; writing the same key twice sends once."""
    item = message(
        case_id, reference, key, channel, template, recipient, language, data, now, owner
    )
    try:
        item.save(condition=OutboxItem.sk.does_not_exist())
    except PutError as error:
        if not _condition_failed(error):
            raise


def message(
    case_id: str,
    reference: str,
    key: str,
    channel: str,
    template: str,
    recipient: str,
    language: str,
    data: dict[str, object],
    now: datetime,
    owner: str | None = None,
) -> OutboxItem:
    """The outbox item ``enqueue`` writes, for a caller that writes it in its own transaction
    (with ``condition=OutboxItem.sk.does_not_exist()``): an eTimbre stamp's notices."""
    return bound(OutboxItem)(
        f"CASE#{case_id}",
        f"OUTBOX#{key}",
        case_id=case_id,
        reference=reference,
        channel=channel,
        template=template,
        recipient=recipient,
        language=language,
        data=data,
        created_at=now,
        owner=owner,
    )


def _condition_failed(error: PutError) -> bool:
    cause = getattr(error, "cause_response_code", "")
    return cause == "ConditionalCheckFailedException"
