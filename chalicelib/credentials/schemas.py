"""The bodies of the credentials' routes (pydantic: imported on first use)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.schemas import Input, Output, QueryInput


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


class OffersQuery(QueryInput):
    case: str | None = Field(
        default=None,
        max_length=64,
        description="An equivalence file of yours: an offer of its order in force. Without it, "
        "the offer of your baccalaureate certificate (CNIe sign-in).",
    )


class OfferView(Output):
    credential_configuration_id: str
    credential_offer_uri: str = Field(description="openid-credential-offer://?credential_offer=")
    credential_offer: dict[str, Any]
    qr_code: str = Field(description="The URI as a QR code (an SVG data URI).")
    tx_code: str = Field(
        description="Type it into the wallet when it asks: it is not in the QR code, so a "
        "photo of the code alone takes nothing."
    )
    expires_at: datetime


class OfferList(Output):
    items: list[OfferView]


class CredentialRequest(BaseModel):
    """OpenID4VCI 1.0 section 8.2 (fields of later versions are let through and ignored)."""

    model_config = ConfigDict(extra="ignore")
    credential_configuration_id: str | None = Field(default=None, max_length=64)
    proofs: dict[str, list[str]] | None = None
    proof: dict[str, str] | None = Field(default=None, description="Drafts before 1.0.")


class TokenRequest(BaseModel):
    """RFC 6749 4.1.3 as OpenID4VCI 6.1 uses it: a form (or the same fields as JSON)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    grant_type: Literal["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    pre_authorized_code: str = Field(alias="pre-authorized_code", min_length=10, max_length=100)
    tx_code: str = Field(default="", max_length=20)


OrderClaim = Literal[
    "holder",
    "file_reference",
    "diploma",
    "outcome",
    "national_diploma",
    "conditions",
    "order",
    "bo",
]


class OrderShareIn(Input):
    recipient: str = Field(min_length=1, max_length=80, description="Who it is for.")
    days: int = Field(ge=1, le=90)
    claims: list[OrderClaim] | None = Field(
        default=None,
        min_length=1,
        max_length=8,
        description="The claims the verifier sees (the decision date, the track, the issuer and "
        "the status always); absent: every claim.",
    )


class OrderShareView(Output):
    id: str
    code: str
    link: str
    label: str
    claims: list[str]
    created_at: datetime
    expires_at: datetime


class OrderShareItem(Output):
    id: str
    label: str
    claims: list[str] = Field(description="The claims the share discloses.")
    created_at: datetime
    expires_at: datetime
    status: str = Field(
        description="valid, expired or revoked (by the holder, a new code or the order's end)"
    )
    verifications: int = Field(description="How often the share was verified while valid.")
    last_verified_at: datetime | None = None


class OrderShareList(Output):
    items: list[OrderShareItem]


class OrderCodeView(Output):
    code: str = Field(description="The order's new verification code (shown once).")
    link: str = Field(description="Its public check; the previous code now answers replaced.")
    created_at: datetime


class PublicOrder(Output):
    status: str = Field(description="valid, expired, revoked, replaced or unknown")
    checked_at: datetime
    verified: bool
    issuer: str | None = None
    claims: dict[str, Any] | None = Field(
        default=None,
        description="The claims in the clear and those the share (or the order's own code: "
        "every claim) discloses.",
    )
    disclosed: list[str] | None = None
    presentation: str | None = Field(
        default=None, description="The SD-JWT VC presentation, to verify offline."
    )
