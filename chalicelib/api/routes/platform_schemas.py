from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas import Output


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
