from __future__ import annotations

import datetime

from pydantic import Field, field_validator

from chalicelib.api.schemas import Output, PageQuery, QueryInput


class AuditDigest(Output):
    """A day's signed audit digest. It holds counts and hashes only, no personal data."""

    date: str = Field(description="The day (UTC), YYYY-MM-DD.")
    count: int = Field(description="Audit records stamped that day.")
    chains: int = Field(description="Chains (a case's transitions or its staff reads) touched.")
    root: str = Field(
        description="RFC 6962 Merkle tree hash (hex) over the day's record hashes, each as its "
        "64 hex characters, ordered by (pk, sk)."
    )
    heads_root: str = Field(
        description="The same tree over the sorted hashes of each touched chain's last record."
    )
    tree: str = Field(description="RFC6962-SHA256.")
    algorithm: str = Field(description="ECDSA_SHA_256: ECDSA P-256 over SHA-256.")
    key_id: str = Field(description="The key's kid in /.well-known/jwks.json.")
    signed_at: str
    signature: str = Field(
        description="Base64 DER signature over the canonical JSON (sorted keys, no spaces, "
        "UTF-8) of every other field."
    )


class DigestDay(QueryInput):
    date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description="The day (UTC), YYYY-MM-DD.",
    )

    @field_validator("date")
    @classmethod
    def _a_calendar_day(cls, value: str) -> str:
        datetime.date.fromisoformat(value)
        return value


class AuditQuery(PageQuery):
    case: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_:.@-]+$",
        description=(
            "A case id, a stamp id, or a staff member's list views of a day: "
            "lists:<office>:<staff subject>:<YYYY-MM-DD>."
        ),
    )


class AuditEntry(Output):
    case_id: str
    at: str
    actor: str
    role: str
    office: str
    action: str
    reason: str
    correlation_id: str


class AuditEntries(Output):
    items: list[AuditEntry]
    next: str | None = Field(description="Cursor of the next page, or null on the last.")
