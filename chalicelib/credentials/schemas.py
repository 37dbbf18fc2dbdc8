"""The bodies of the credentials' routes (pydantic: imported on first use)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.api.schemas import Input, Output


class VerifyIn(Input):
    presentation: str = Field(
        min_length=10,
        max_length=32_000,
        description="An SD-JWT VC presentation: <issuer JWT>~<disclosures>~[KB-JWT].",
    )
    audience: str | None = Field(
        default=None, max_length=300, description="The KB-JWT's expected aud, if you set one."
    )
    nonce: str | None = Field(
        default=None, max_length=300, description="The KB-JWT's expected nonce, if you set one."
    )


class VerifyOut(Output):
    verified: bool = Field(
        description="Signature by a published key, every disclosure signed, the KB-JWT (if "
        "any) bound to this presentation: and the status bit not set."
    )
    status: str = Field(description="valid, revoked, or invalid (not verified)")
    reason: str = ""
    issuer: str | None = None
    vct: str | None = None
    key_bound: bool = False
    claims: dict[str, Any] | None = Field(
        default=None, description="The claims in the clear and the disclosed ones, no others."
    )
