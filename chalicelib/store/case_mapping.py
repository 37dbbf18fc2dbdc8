"""Cases and their parts as DynamoDB items, and back: the case item, its history entries,
documents, outbox messages, timer requests and exports, all under the case's partition
``CASE#<id>`` (the case item sorts first, then ``DOC#``, ``HIST#``, ``OUTBOX#``...).

Pure mapping: nothing here reads or writes; ``cases.py`` does, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from chalicelib.store.case_items import (
    CaseItem,
    DocumentItem,
    ExportItem,
    HistoryItem,
    OutboxItem,
    TimerItem,
)
from chalicelib.workflow.case import Case, Contact, Deadline, Document, HistoryEntry


class OutboxMessage(NamedTuple):
    channel: str
    template: str
    recipient: str
    language: str
    data: dict[str, Any]


class TimerRequest(NamedTuple):
    name: str
    action: str  # start or stop
    execution_name: str
    due_at: datetime | None = None
    on_expiry: str | None = None


def case_pk(case_id: str) -> str:
    return f"CASE#{case_id}"


def to_item(case: Case) -> CaseItem:
    return CaseItem(
        case_pk(case.id),
        "CASE",
        case_id=case.id,
        reference=case.reference,
        case_type=case.case_type,
        owner=case.owner,
        office=case.office,
        state=case.state,
        created_at=case.created_at,
        updated_at=case.updated_at,
        contact=case.contact._asdict(),
        payload=case.payload,
        deadlines={n: deadline_json(d) for n, d in case.deadlines.items()},
        history_length=case.history_length,
        clocks=case.clocks,
        audit_head=case.audit_head,
        owner_pk=f"OWNER#{case.owner}",
        owner_sk=f"{case.created_at.isoformat()}#{case.id}",
        queue_pk=f"QUEUE#{case.case_type}#{case.office}#{case.state}",
        queue_sk=f"{case.updated_at.isoformat()}#{case.id}",
    )


def from_item(item: CaseItem) -> Case:
    return Case(
        id=item.case_id,
        reference=item.reference,
        case_type=item.case_type,
        owner=item.owner,
        office=item.office,
        state=item.state,
        version=int(item.version or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        contact=Contact(**(item.contact or {})),
        payload=dict(item.payload or {}),
        deadlines={n: deadline_of(d) for n, d in (item.deadlines or {}).items()},
        history_length=int(item.history_length),
        clocks=dict(item.clocks or {}),
        audit_head=item.audit_head or "",
    )


def deadline_json(d: Deadline) -> dict[str, str]:
    return {
        "name": d.name,
        "due_at": d.due_at.isoformat(),
        "on_expiry": d.on_expiry,
        "started_at": d.started_at.isoformat(),
    }


def deadline_of(d: dict[str, str]) -> Deadline:
    return Deadline(
        d["name"],
        datetime.fromisoformat(d["due_at"]),
        d["on_expiry"],
        datetime.fromisoformat(d["started_at"]),
    )


def history_item(case_id: str, e: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        case_pk(case_id),
        f"HIST#{e.seq:06d}",
        seq=e.seq,
        event=e.event,
        from_state=e.from_state,
        to_state=e.to_state,
        actor=e.actor,
        role=e.role,
        office=e.office,
        at=e.at,
        reason=e.reason,
        data=e.data,
    )


def outbox_item(case: Case, seq: int, n: int, m: OutboxMessage, now: datetime) -> OutboxItem:
    return OutboxItem(
        case_pk(case.id),
        f"OUTBOX#{seq:06d}#{n:02d}",
        case_id=case.id,
        reference=case.reference,
        channel=m.channel,
        template=m.template,
        recipient=m.recipient,
        language=m.language,
        data=m.data,
        created_at=now,
    )


def timer_item(case: Case, seq: int, t: TimerRequest, now: datetime) -> TimerItem:
    return TimerItem(
        case_pk(case.id),
        f"TIMER#{t.name}#{seq:06d}",
        case_id=case.id,
        name=t.name,
        action=t.action,
        due_at=t.due_at,
        on_expiry=t.on_expiry,
        execution_name=t.execution_name,
        created_at=now,
    )


def export_item(case: Case, seq: int, target: str, now: datetime) -> ExportItem:
    return ExportItem(
        case_pk(case.id),
        f"EXPORT#{target}#{seq:06d}",
        case_id=case.id,
        reference=case.reference,
        case_type=case.case_type,
        target=target,
        created_at=now,
    )


def document_item(case_id: str, d: Document) -> DocumentItem:
    return DocumentItem(
        case_pk(case_id),
        f"DOC#{d.id}",
        case_id=case_id,
        document_id=d.id,
        kind=d.kind,
        content_type=d.content_type,
        size=d.size,
        status=d.status,
        key=d.key,
        sha256=d.sha256,
        reason=d.reason,
        file_name=d.file_name,
        uploaded_by=d.uploaded_by,
        uploaded_role=d.uploaded_role,
        created_at=d.created_at,
    )


def document_of(i: DocumentItem) -> Document:
    return Document(
        id=i.document_id,
        kind=i.kind,
        content_type=i.content_type,
        size=int(i.size),
        status=i.status,
        uploaded_by=i.uploaded_by,
        uploaded_role=i.uploaded_role,
        created_at=i.created_at,
        key=i.key,
        sha256=i.sha256,
        reason=i.reason,
        file_name=i.file_name,
    )


def entry_of(i: HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        int(i.seq),
        i.event,
        i.from_state,
        i.to_state,
        i.actor,
        i.role,
        i.office,
        i.at,
        i.reason,
        dict(i.data or {}),
    )
