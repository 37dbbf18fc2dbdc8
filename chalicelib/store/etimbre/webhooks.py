"""What the gateway's callbacks write besides a payment: the replay guard of each signed
request (``WEBHOOK#<hash>``, deleted by the table's TTL once a replay would be too old), a
note kept on the stamp (a refused card) and a flag for the Treasury (an amount mismatch, a
payment after expiry) with its record in the stamp's audit chain."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError

from chalicelib.refusals import LostRace
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.binding import bound
from chalicelib.store.etimbre import moves
from chalicelib.store.etimbre.chain import GATEWAY, audited, chained
from chalicelib.store.etimbre.items import AnomalyItem, StampItem, WebhookItem
from chalicelib.store.etimbre.moves import stamp_item


def sighting(signature: str, at: datetime) -> tuple[str, str] | None:
    """None the first time a signed callback is seen (it is recorded); after that, the
    answer given to it, as (outcome, number), or ("", "") while none is recorded yet."""
    key = _key(signature)
    try:
        bound(WebhookItem)(
            key,
            "WEBHOOK",
            seen_at=at,
            expires_at=int(domain.replay_guard_until(at).timestamp()),
        ).save(condition=WebhookItem.pk.does_not_exist())
    except PutError as error:
        if not _condition_failed(error):
            raise
        seen = bound(WebhookItem).get(key, "WEBHOOK", consistent_read=True)
        return (seen.outcome or "", seen.number or "")
    return None


def record_answer(signature: str, outcome: str, number: str) -> None:
    """What the callback was answered, for the gateway's retries of the same request."""
    bound(WebhookItem)(_key(signature), "WEBHOOK").update(
        actions=[WebhookItem.outcome.set(outcome), WebhookItem.number.set(number)]
    )


def _key(signature: str) -> str:
    return f"WEBHOOK#{hashlib.sha256(signature.encode()).hexdigest()}"


def _condition_failed(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def note(stamp_id: str, at: datetime, event: str, **data: str) -> None:
    """An event that changes no state (a refused card), kept on the stamp."""
    noted = moves.event(at, event, **data)
    stamp_item(stamp_id).update(actions=[StampItem.events.set(StampItem.events.append([noted]))])


def flag(stamp: Stamp, kind: str, at: datetime, details: dict[str, Any]) -> bool:
    """Something the Treasury must look at, with its record in the stamp's audit chain, once:
    False if it was flagged already (a duplicate callback). A LostRace: the stamp moved
    meanwhile (read it again and retry)."""
    transaction = moves.transaction()
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
    chain, same_head = chained(stamp, audited(transaction, stamp, "flagged", GATEWAY, at, kind))
    transaction.update(stamp_item(stamp.stamp_id), actions=chain, condition=same_head)
    try:
        transaction._commit()
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise LostRace("stamp flag: moved meanwhile", frozenset({"stamp"})) from error
        raise
    return True
