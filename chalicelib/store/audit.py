"""The audit trail table: one record per staff read or transition, queried per case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.binding import bound


class AuditRecord(Model):
    class Meta:
        table_name = "audit"
        settings_key = "audit_table"

    pk = UnicodeAttribute(hash_key=True)  # CASE#<case id>
    sk = UnicodeAttribute(range_key=True)  # <ISO time>#<unique suffix>
    case_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    office = UnicodeAttribute(default="")
    action = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    correlation_id = UnicodeAttribute(default="")
    day_pk = UnicodeAttribute(null=True)
    day_sk = UnicodeAttribute(null=True)


def record(
    case_id: str,
    actor: str,
    role: str,
    office: str,
    action: str,
    reason: str,
    correlation_id: str,
    at: datetime | None = None,
) -> AuditRecord:
    """One audit record: who did what to which case, when and why. Never updated."""
    at = at or datetime.now(UTC)
    return bound(AuditRecord)(
        f"CASE#{case_id}",
        f"{at.isoformat()}#{uuid.uuid4().hex[:8]}",
        case_id=case_id,
        at=at.isoformat(),
        actor=actor,
        role=role,
        office=office,
        action=action,
        reason=reason,
        correlation_id=correlation_id,
        day_pk=f"DAY#{at.date().isoformat()}",
        day_sk=at.isoformat(),
    )


def append(
    case_id: str, actor: str, role: str, office: str, action: str, reason: str, correlation_id: str
) -> None:
    """Write one audit record on its own (a staff read)."""
    entry = record(case_id, actor, role, office, action, reason, correlation_id)
    entry.save(condition=AuditRecord.pk.does_not_exist())


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    last_key: dict[str, Any] | None


def records_of_case(case_id: str, limit: int, start_after: dict[str, Any] | None) -> AuditPage:
    """A case's audit records, newest first: one Query."""
    result = bound(AuditRecord).query(
        f"CASE#{case_id}",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_after,
    )
    records = list(result)
    return AuditPage(records, result.last_evaluated_key)
