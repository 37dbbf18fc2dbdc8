"""The case repository: the only code that reads and writes cases in DynamoDB.

A transition is one TransactWriteItems: the case (conditioned on its version), its history
entry (never overwritten), its outbox messages and its timer requests. A lost race is a
``LostRace`` (``chalicelib.refusals``), never a silent overwrite. How each part becomes an
item: ``case_mapping.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.observability import logger
from chalicelib.refusals import LostRace
from chalicelib.store import audit
from chalicelib.store.binding import bound, connection
from chalicelib.store.case_items import (
    CaseItem,
    CounterItem,
    DocumentItem,
    ExportItem,
    HistoryItem,
    OutboxItem,
    ReferenceItem,
    TimerItem,
)
from chalicelib.store.case_mapping import (
    OutboxMessage,
    TimerRequest,
    case_pk,
    document_item,
    document_of,
    entry_of,
    export_item,
    from_item,
    history_item,
    outbox_item,
    timer_item,
    to_item,
)
from chalicelib.workflow.case import Case, Document, HistoryEntry

# The case repository (workflow/repository.py's CaseRepository, and the staff queues), with
# the message and timer requests a transition takes (case_mapping.py).
__all__ = [
    "Also",
    "OutboxMessage",
    "Page",
    "TimerRequest",
    "history",
    "load",
    "load_by_reference",
    "load_with_history",
    "new_case_id",
    "next_reference",
    "of_owner",
    "queue",
    "save_transition",
]


class Also(NamedTuple):
    """A write to another item that stands or falls with the transition: a seat taken, a
    one-live-request guard, a stamp consumed. ``add`` puts its operations (save, update,
    delete or condition_check) into the transaction; if a condition of one of them fails,
    the transition's ``LostRace`` names it (each operation is labelled with the name)."""

    name: str
    add: Callable[[TransactWrite], None]


class _Labelled(TransactWrite):
    """A transaction that remembers whose each operation is, in the order DynamoDB sees them
    (pynamodb sends condition checks, then deletes, puts and updates), so that a
    cancellation reason can be traced back to the write that caused it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = "case"
        self.labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def condition_check(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.labels["check"].append(self.label)
        super().condition_check(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.labels["delete"].append(self.label)
        super().delete(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.labels["put"].append(self.label)
        super().save(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.labels["update"].append(self.label)
        super().update(*args, **kwargs)

    def ordered(self) -> list[str]:
        return [
            label for kind in ("check", "delete", "put", "update") for label in self.labels[kind]
        ]


class TransactionCancelled(Exception):
    """DynamoDB cancelled a transition's transaction and no condition of it failed (nothing
    was written): it met another transaction without saying so, or it was throttled. The
    same write may pass if tried again; a failed condition is a ``LostRace`` instead."""


class Page(NamedTuple):
    cases: list[Case]
    last_key: dict[str, Any] | None


def new_case_id() -> str:
    return uuid.uuid4().hex


def next_reference(prefix: str, year: int) -> str:
    """``EQ-2026-000123``: an atomic counter per type and year, so no two cases share one."""
    counter = bound(CounterItem)(f"COUNTER#{prefix}#{year}", "COUNTER")
    counter.update(actions=[CounterItem.value.add(1)])
    return f"{prefix}-{year}-{int(counter.value):06d}"


def save_transition(
    before: Case,
    after: Case,
    entry: HistoryEntry,
    outbox: Iterable[OutboxMessage] = (),
    timers: Iterable[TimerRequest] = (),
    now: datetime | None = None,
    documents: Iterable[Document] = (),
    exports: Iterable[str] = (),
    also: Sequence[Also] = (),
) -> None:
    """Write a transition (or, with ``before.version == 0``, a new case) in one transaction,
    with the ``also`` writes of other items that must happen with it or not at all. A failed
    condition is a ``LostRace``; a cancellation without one, ``TransactionCancelled``."""
    stamp = now or after.updated_at
    item = to_item(after)
    # The transition's audit record links to the case's audit head and becomes the new head.
    head = audit.HEADS.before(before)
    trail = audit.transition(after.id, entry, head, logger.get_correlation_id() or "")
    item.audit_head = trail.hash
    if before.version:
        item.version = before.version  # PynamoDB conditions on it and writes it + 1
    for model in (CaseItem, HistoryItem, OutboxItem, TimerItem, ReferenceItem, DocumentItem):
        bound(model)
    bound(ExportItem)
    transaction = _Labelled(connection=connection(), return_consumed_capacity="TOTAL")
    try:
        with transaction:
            for extra in also:
                transaction.label = extra.name
                extra.add(transaction)
            transaction.label = "case"
            transaction.save(item, condition=_head_is(before, head))
            transaction.save(
                history_item(after.id, entry), condition=HistoryItem.pk.does_not_exist()
            )
            if before.version == 0:
                transaction.save(
                    ReferenceItem(f"REF#{after.reference}", "REF", case_id=after.id),
                    condition=ReferenceItem.pk.does_not_exist(),
                )
            for side in _side_items(after, entry.seq, outbox, timers, documents, exports, stamp):
                transaction.save(side)
            # The audit trail gets the transition in the same transaction: none without it.
            transaction.save(trail, condition=audit.AuditRecord.pk.does_not_exist())
        audit.HEADS.written(after.id, before.version + 1, trail.hash)
    except TransactWriteError as error:
        failed = _failed(error, transaction.ordered())
        if failed:
            raise LostRace(failed=failed) from error
        raise TransactionCancelled(str(error)) from error


def _side_items(
    case: Case,
    seq: int,
    outbox: Iterable[OutboxMessage],
    timers: Iterable[TimerRequest],
    documents: Iterable[Document],
    exports: Iterable[str],
    now: datetime,
) -> list[OutboxItem | TimerItem | DocumentItem | ExportItem]:
    """What a transition asks for besides itself: messages, timers, documents, exports."""
    return [
        *(outbox_item(case, seq, n, message, now) for n, message in enumerate(outbox)),
        *(timer_item(case, seq, timer, now) for timer in timers),
        *(document_item(case.id, document) for document in documents),
        *(export_item(case, seq, target, now) for target in exports),
    ]


def _failed(error: TransactWriteError, labels: list[str]) -> frozenset[str]:
    """Whose conditions failed; without per-item reasons, the case's. A transaction that
    lost a race with another one on a shared item (DynamoDB's TransactionConflict: two
    bookings checking one calendar record) lost cleanly too: "busy", to be tried again."""
    reasons = error.cancellation_reasons or []
    failed = {
        labels[n] if n < len(labels) else "case"
        for n, r in enumerate(reasons)
        if r is not None and r.code == "ConditionalCheckFailed"
    }
    if any(r is not None and r.code == "TransactionConflict" for r in reasons):
        failed.add("busy")
    return frozenset(failed)


def _head_is(before: Case, head: str) -> Condition | None:
    """The stored audit head must be the one the new record links to: a transition fired on
    a stale copy is a conflict, never a fork of the chain. (A case written before the chains
    has no head.)"""
    if before.version == 0:
        return None
    unchanged: Condition = CaseItem.audit_head == head
    return unchanged if head else CaseItem.audit_head.does_not_exist() | unchanged


def load(case_id: str) -> Case | None:
    """The case with its documents: one Query (the case item sorts before its DOC# items)."""
    case, _ = _read(case_id, until="DOC#\uffff")
    return case


def load_with_history(case_id: str) -> tuple[Case | None, list[HistoryEntry]]:
    """The case, its documents and its whole history: one Query (more only past 1 MB)."""
    return _read(case_id, until="HIST#\uffff")


def _read(case_id: str, until: str) -> tuple[Case | None, list[HistoryEntry]]:
    connection = bound(CaseItem)._get_connection()
    item, documents, entries = None, [], []
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            case_pk(case_id), range_key_condition=CaseItem.sk <= until, exclusive_start_key=start
        )
        for raw in page.get("Items", []):
            sort_key = raw["sk"]["S"]
            if sort_key == "CASE":
                item = CaseItem.from_raw_data(raw)
            elif sort_key.startswith("DOC#"):
                documents.append(document_of(DocumentItem.from_raw_data(raw)))
            elif sort_key.startswith("HIST#"):
                entries.append(entry_of(HistoryItem.from_raw_data(raw)))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if item is None:
        return None, []
    case = from_item(item)
    return replace(case, documents=tuple(documents)), entries


def load_by_reference(reference: str) -> Case | None:
    try:
        pointer = bound(ReferenceItem).get(f"REF#{reference}", "REF")
    except ReferenceItem.DoesNotExist:
        return None
    return load(pointer.case_id)


def history(case_id: str) -> list[HistoryEntry]:
    items = bound(HistoryItem).query(case_pk(case_id), HistoryItem.sk.startswith("HIST#"))
    return [entry_of(i) for i in items]


def of_owner(owner: str, limit: int, start_after: dict[str, Any] | None) -> Page:
    """A citizen's cases of every type, newest first: one Query on the owner index."""
    result = bound(CaseItem).by_owner.query(
        f"OWNER#{owner}",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_after,
    )
    cases = [from_item(i) for i in result]
    return Page(cases, result.last_evaluated_key)


def queue(
    case_type: str, office: str, state: str, limit: int, start_after: dict[str, Any] | None
) -> Page:
    """A staff queue, oldest first: one Query on the queue index."""
    result = bound(CaseItem).by_queue.query(
        f"QUEUE#{case_type}#{office}#{state}",
        limit=limit,
        last_evaluated_key=start_after,
    )
    cases = [from_item(i) for i in result]
    return Page(cases, result.last_evaluated_key)
