"""What the owner of a case sees of who touched it: every staff read and every transition,
with role, office and a pseudonymous staff id (stable per staff member, not reversible
without the key), newest first."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import Field

from chalicelib.api.schemas import Output

SYSTEM_PREFIX = "system:"


class AccessEntry(Output):
    at: str
    who: str = Field(description="'you', 'system', or a pseudonymous staff id (staff-…).")
    role: str
    office: str
    action: str = Field(description="read, or transition:<event>.")
    reason: str = Field(description="The route read, or the reason given.")


class AccessLog(Output):
    items: list[AccessEntry]
    next: str | None


def pseudonym(key: bytes, subject: str) -> str:
    digest = hmac.new(key, b"staff-pseudonym\0" + subject.encode(), hashlib.sha256).hexdigest()
    return f"staff-{digest[:12]}"


def entry(record: Any, owner: str, key: bytes) -> AccessEntry:
    actor = str(record.actor)
    if actor == owner:
        who = "you"
    elif actor.startswith(SYSTEM_PREFIX):
        who = "system"
    else:
        who = pseudonym(key, actor)
    return AccessEntry(
        at=str(record.at),
        who=who,
        role=str(record.role),
        office=str(record.office),
        action=str(record.action),
        reason=str(record.reason),
    )
