"""Transparency: the signed daily digests of the audit trail, for anyone to fetch and check
against the public key of ``/.well-known/jwks.json``."""

from __future__ import annotations

import datetime
import re

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.principal import PUBLIC
from chalicelib.api.routing import Call, Reply, route
from chalicelib.refusals import FieldError, Refusal

SCHEMAS = "chalicelib.audit.schemas"

audit_digests = Blueprint(__name__)
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
    audit_digests,
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
