"""The daily digest of the audit trail: summed up from the day's records, signed with the KMS
signing key and written once to the audit bucket, where Object Lock (compliance mode) keeps
it unchanged for years. The public route and the verifier read it back from there.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.audit import statement
from chalicelib.documents import signing
from chalicelib.observability import logger
from chalicelib.store import audit
from chalicelib.store import audit_digests as digests


class DayNotOver(ValueError):
    """A digest is final, so a day still running (or to come) gets none unless asked."""


def key_of(day: date) -> str:
    return f"digests/{day.isoformat()}.json"


def yesterday(now: datetime | None = None) -> date:
    return (now or clock.now()).astimezone(UTC).date() - timedelta(days=1)


def publish_digest(day: date, *, allow_open_day: bool = False) -> dict[str, Any]:
    """The signed digest of ``day`` (UTC): the one already published, or a new one.

    A digest can never be replaced, so records stamped on ``day`` after it would never be in
    it: a day that is not over is refused unless ``allow_open_day`` (a local demo).
    """
    published = read_digest(day)
    if published is not None:
        return published
    if not allow_open_day and day >= clock.now().date():
        raise DayNotOver(f"{day.isoformat()} is not over yet")
    links = [audit.link_of(r) for r in audit.records_of_day(day)]
    signed_at = clock.now().isoformat(timespec="seconds")
    unsigned = statement.body(statement.summarise(day, links), signing.key_id(), signed_at)
    digest = statement.with_signature(unsigned, signing.sign(statement.signed_bytes(unsigned)))
    if not digests.put_once(key_of(day), json.dumps(digest, indent=1).encode()):
        return read_digest(day) or digest  # another run published it first: that one stands
    logger.info("audit digest published", extra={"day": digest["date"], "count": len(links)})
    return digest


def read_digest(day: date, version_id: str = "") -> dict[str, Any] | None:
    """The published digest of ``day`` (or one version of it), or None: one GetObject."""
    return digests.read(key_of(day), version_id)


def versions_of(day: date) -> tuple[list[str], bool]:
    """The digest object's versions, newest first, and whether a delete marker hides them."""
    return digests.versions(key_of(day))
