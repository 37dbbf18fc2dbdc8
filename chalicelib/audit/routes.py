"""The audit trail over HTTP: the signed daily digests, for anyone to fetch and check against
the public key of ``/.well-known/jwks.json``, and the admin's reader of a case's trail."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.refusals import FieldError, Refusal

if TYPE_CHECKING:
    from chalicelib.audit.schemas import AuditEntries

SCHEMAS = "chalicelib.audit.schemas"

audit_trail = Blueprint(__name__)
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A published digest never changes (Object Lock), so caches may keep it.
FOREVER = {"Cache-Control": "public, max-age=86400, immutable"}


def _day(text: str) -> datetime.date:
    try:
        if DAY.match(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise Refusal(
        "validation-failed",
        errors=[FieldError("path.date", "a calendar date as YYYY-MM-DD", "date_format")],
    )


@route(
    audit_trail,
    "GET",
    "/public/audit-digests/{date}",
    summary="The signed digest of a day's audit trail",
    access=PUBLIC,
    tags=("transparency",),
    response=f"{SCHEMAS}:AuditDigest",
    errors=(404, 422),
    path_model=f"{SCHEMAS}:DigestDay",
)
def get_audit_digest(call: Call, date: str) -> Reply:
    from chalicelib.audit import digest  # the digest's reader and its checks: on first use
    from chalicelib.audit.schemas import AuditDigest

    published = digest.read_digest(_day(date))
    if published is None:
        raise Refusal("not-found", "No digest was published for this day.")
    body = AuditDigest.model_validate(published).model_dump(mode="json")
    return Reply(body, headers=FOREVER)


@route(
    audit_trail,
    "GET",
    "/audit",
    summary="The audit trail of a case, newest first",
    access=allow("admin"),
    tags=("platform",),
    query=f"{SCHEMAS}:AuditQuery",
    response=f"{SCHEMAS}:AuditEntries",
)
def get_audit(call: Call) -> AuditEntries:
    from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
    from chalicelib.audit.schemas import AuditEntries, AuditEntry, AuditQuery
    from chalicelib.store import audit
    from chalicelib.store.secrets import cursor_key

    query: AuditQuery = call.query
    scope = f"audit:{query.case}"
    page = audit.records_of_case(
        query.case, clamp_limit(query.limit), decode_cursor(cursor_key(), scope, query.cursor)
    )
    items = [AuditEntry.model_validate(r.attribute_values) for r in page.records]
    return AuditEntries(items=items, next=encode_cursor(cursor_key(), scope, page.last_key))
