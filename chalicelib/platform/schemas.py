from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas import Output, PageQuery


class Check(Output):
    name: str = Field(description="The dependency, e.g. dynamodb:cases.")
    status: str = Field(description="ok, degraded: <why> or down: <error>.")
    latency_ms: float


class HealthReport(Output):
    status: Literal["ok", "degraded"]
    stage: str
    checks: list[Check]


class Jwk(Output):
    kty: str
    crv: str
    x: str
    y: str
    use: str
    alg: str
    kid: str


class JwkSet(Output):
    keys: list[Jwk]


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
