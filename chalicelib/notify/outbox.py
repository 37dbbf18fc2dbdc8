"""Delivering outbox items: render, send once, record; retry with backoff; never drop.

Exactly once, as far as it can be: a sent item is never sent again (every write is
conditioned on ``status = pending``), and a lease (``claimed_until``, taken with a
conditional update that also counts the attempt) keeps a second worker from sending while
the first one is at it. One window stays open, and only one: a worker that dies after the
provider accepted the message but before ``mark_sent`` leaves a pending item whose lease
runs out, and the retry sends it again. That is at-least-once for that crash only; SES and
SNS take no idempotency key that would close it. A send is bounded (botocore: 3 s connect,
10 s read, 3 tries) well inside the 60 s lease, so a slow send does not open it too.

A failed send goes to the retry queue with a growing delay; after ``MAX_ATTEMPTS`` (or at
once, if no retry can help) the item is marked ``failed`` and its keys go to the dead-letter
queue, where they stay until an operator redrives them (``scripts/outbox.py --redrive``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib import clock, links
from chalicelib.aws import client
from chalicelib.notify import senders, sms_budget
from chalicelib.notify.render import render_email, render_sms
from chalicelib.notify.senders import SendFailure
from chalicelib.observability import logger, metrics
from chalicelib.settings import get_settings
from chalicelib.store import outbox as store
from chalicelib.store.outbox import OutboxRecord

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
BASE_DELAY, MAX_DELAY = 5, 900  # seconds; SQS allows DelaySeconds up to 900


class DeliveryError(Exception):
    """Some records could not be handled: the batch is given back to be tried again."""


def backoff(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` tries: 10, 20, 40 ... at most 900."""
    return int(min(MAX_DELAY, BASE_DELAY * 2 ** max(attempts, 0)))


def deliver(pk: str, sk: str, now: datetime | None = None) -> str:
    """Deliver one outbox item; returns what happened: ``sent``, ``done`` (nothing to do),
    ``busy`` (another worker holds it: checked again later), ``retry``, ``failed``,
    ``missing``."""
    now = now or clock.now()
    item = store.get(pk, sk)
    if item is None:
        logger.warning("outbox item not found", extra={"outbox": sk})
        return "missing"
    if item.status != "pending":
        return "done"
    claimed = store.claim(pk, sk, now, LEASE)
    if claimed is None:
        return _busy(pk, sk, now)
    try:
        provider_id = _send(claimed)
    except SendFailure as failure:
        return _failed(claimed, failure)
    if not store.mark_sent(pk, sk, provider_id, clock.now()):
        logger.warning("outbox item changed while it was sent", extra=_about(claimed))
    metrics.add_metric(name="NotificationSent", unit=MetricUnit.Count, value=1)
    logger.info("notification sent", extra=_about(claimed))
    return "sent"


def handle_stream_records(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The cases stream (Lambda records): delivers each new OUTBOX# item, ignores the rest."""
    keys = [k for k in (_stream_keys(r) for r in records) if k is not None]
    return _deliver_all(keys)


def handle_retry_messages(bodies: Iterable[str | Mapping[str, Any]]) -> dict[str, int]:
    """Messages of the retry queue (JSON text or already parsed): ``{"pk": ..., "sk": ...}``."""
    keys: list[tuple[str, str] | None] = [_body_keys(b) for b in bodies]
    return _deliver_all(keys)


def redrive(pk: str, sk: str) -> str:
    """An operator's second chance for a failed item: fresh attempts, delivered now."""
    store.reopen(pk, sk)
    return deliver(pk, sk)


def _deliver_all(keys: Iterable[tuple[str, str] | None]) -> dict[str, int]:
    """Every item is tried; if any raised (DynamoDB or SQS unavailable, a malformed message),
    the batch fails as a whole so that Lambda gives it back; items already handled are
    no-ops the second time."""
    counts: dict[str, int] = {}
    for key in keys:
        try:
            if key is None:
                raise DeliveryError("not an outbox message")
            outcome = deliver(*key)
        except Exception:
            logger.exception("outbox delivery raised", extra={"outbox": key[1] if key else ""})
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    if metrics.metric_set:  # one record of a batch may have sent nothing: nothing to publish
        metrics.flush_metrics()
    if counts.get("error"):
        raise DeliveryError(f"{counts['error']} outbox deliveries raised; see the log")
    return counts


def _send(item: OutboxRecord) -> str:
    data = {**(item.data or {}), "reference": (item.data or {}).get("reference", item.reference)}
    data = _linked(data)
    if item.channel == "email":
        email = render_email(item.template, item.language, data)
        return senders.send_email(item.recipient, email, _attachments(data))
    if item.channel == "sms":
        text = render_sms(item.template, item.language, data).text
        try:
            sms_budget.spend(item.case_id, item.recipient, owner=item.owner)
        except sms_budget.OverBudget as spent:
            raise SendFailure(f"not sent: {spent}", permanent=True) from spent
        return senders.send_sms(item.recipient, text)
    raise SendFailure(f"unknown channel {item.channel!r}", permanent=True)


def _linked(data: dict[str, Any]) -> dict[str, Any]:
    """The message's links made absolute. Without a usable public base URL (a deployment
    error) the message fails for good and loudly, never sent with a broken link: an
    operator fixes PUBLIC_BASE_URL, then redrives it."""
    try:
        return links.resolve(data)
    except (links.NotConfigured, links.LinkError) as error:
        raise SendFailure(f"link: {error}", permanent=True) from error


def _attachments(data: Mapping[str, Any]) -> list[Any]:
    """Files made from the message's data (an appointment's iCalendar event); one that
    cannot be made fails the message for good: no retry would mend its data."""
    if not data.get("attachments"):
        return []
    from chalicelib.notify.attachments import AttachmentError, render_all

    try:
        return render_all(data["attachments"])
    except AttachmentError as error:
        raise SendFailure(f"attachment: {error}", permanent=True) from error


def _failed(item: OutboxRecord, failure: SendFailure) -> str:
    attempts, error = int(item.attempts), str(failure)
    if failure.permanent or attempts >= MAX_ATTEMPTS:
        # The dead-letter copy first: if marking fails after it, a retry finds the item
        # still pending and tries again, rather than a failed item no queue knows about.
        body = {"pk": item.pk, "sk": item.sk, "attempts": attempts, "error": error}
        _enqueue(get_settings().outbox_dlq_url, body, 0)
        store.mark_failed(item.pk, item.sk, error)
        metrics.add_metric(name="NotificationFailed", unit=MetricUnit.Count, value=1)
        logger.error("notification failed for good", extra={**_about(item), "error": error})
        return "failed"
    store.release(item.pk, item.sk, error)
    _enqueue(get_settings().outbox_retry_queue_url, _keys(item.pk, item.sk), backoff(attempts))
    metrics.add_metric(name="NotificationRetried", unit=MetricUnit.Count, value=1)
    logger.warning("notification will be retried", extra={**_about(item), "error": error})
    return "retry"


def _busy(pk: str, sk: str, now: datetime) -> str:
    """Another worker holds the lease. If it dies, nobody would retry: look again once the
    lease has run out (the look finds the item sent, in the normal case)."""
    current = store.get(pk, sk)
    if current is None or current.status != "pending":
        return "done"
    until = current.claimed_until or now
    delay = min(MAX_DELAY, max(1, math.ceil((until - now).total_seconds()) + 1))
    _enqueue(get_settings().outbox_retry_queue_url, _keys(pk, sk), delay)
    return "busy"


def _enqueue(queue_url: str, body: Mapping[str, Any], delay: int) -> None:
    client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps(body), DelaySeconds=delay)


def _keys(pk: str, sk: str) -> dict[str, str]:
    return {"pk": pk, "sk": sk}


def _about(item: OutboxRecord) -> dict[str, Any]:
    """What the log may say about an item: never its recipient or its data."""
    return {
        "case_id": item.case_id,
        "outbox": item.sk,
        "channel": item.channel,
        "template": item.template,
        "attempts": int(item.attempts),
    }


def _stream_keys(record: Mapping[str, Any]) -> tuple[str, str] | None:
    if record.get("eventName") != "INSERT":
        return None  # our own updates (claim, sent) come back as MODIFY: not new messages
    change = record.get("dynamodb") or {}
    image = change.get("Keys") or change.get("NewImage") or {}
    pk, sk = image.get("pk", {}).get("S", ""), image.get("sk", {}).get("S", "")
    return (pk, sk) if pk.startswith("CASE#") and sk.startswith("OUTBOX#") else None


def _body_keys(body: str | Mapping[str, Any]) -> tuple[str, str] | None:
    try:
        parsed = json.loads(body) if isinstance(body, str) else body
        pk, sk = str(parsed["pk"]), str(parsed["sk"])
    except (ValueError, KeyError, TypeError):
        return None
    return (pk, sk) if pk.startswith("CASE#") and sk.startswith("OUTBOX#") else None
