"""The audit trail table: one record per staff read or transition, queried per case."""

from __future__ import annotations

from dataclasses import dataclass
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
