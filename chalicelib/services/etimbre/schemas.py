"""What eTimbre's routes take and give (pydantic; imported on a route's first call)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from chalicelib.api.schemas import Day, Input, Output, QueryInput

# The codes of chalicelib/consulates.py (a unit test keeps them in step):
# an unknown code is a schema violation, named in the answer like any other.
ServiceCode = Literal[
    "passport",
    "cnie",
    "civil_status",
    "legalisation",
    "registration",
    "power_of_attorney",
    "nationality_certificate",
]
ConsulateCode = Literal[
    "FR-PAR", "FR-LYO", "ES-MAD", "IT-MIL", "BE-BRU", "NL-AMS", "DE-DUS",
    "SN-DKR", "CI-ABJ", "US-NYC", "CA-MTL", "AE-DXB", "SA-JED",
]  # fmt: skip


class FeeVersion(Output):
    amount: Decimal
    currency: str
    legal_reference: str
    source: str = Field(description="The text that sets the amount, or 'unverified'")
    valid_from: datetime
    valid_until: datetime | None


class FeeView(Output):
    service: str
    consulate: str | None = Field(
        default=None, description="The consulate this amount is particular to; null: every one"
    )
    amount: Decimal = Field(description="In force now, in MAD")
    currency: str
    legal_reference: str
    source: str = Field(description="The text that sets the amount, or 'unverified'")
    valid_from: datetime
    valid_until: datetime | None
    history: list[FeeVersion]


class FeeList(Output):
    items: list[FeeView]


class BuyerContact(Input):
    """Where the payment and refund notices go (a citizen's token gives its own otherwise)."""

    email: str = Field(default="", max_length=254, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")
    phone: str = Field(default="", pattern=r"^(\+[1-9]\d{7,14})?$")
    language: Literal["ar", "fr", "en"] | None = None


class PurchaseIn(Input):
    service: ServiceCode
    consulate: ConsulateCode
    channel: Literal["online", "terminal"]
    terminal_reference: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9._-]*$")
    contact: BuyerContact | None = None


class StampView(Output):
    id: str = Field(description="The purchase id (until it is paid, the only handle)")
    number: str | None = Field(description="15 digits, the last two ISO 7064 check digits")
    state: Literal["pending", "paid", "used", "refund_pending", "refunded", "expired"]
    service: str
    consulate: str
    channel: str
    amount: Decimal
    currency: str
    legal_reference: str
    created_at: datetime
    payment_deadline: datetime
    paid_at: datetime | None = None
    used_at: datetime | None = None
    used_consulate: str | None = None
    refunded_at: datetime | None = None
    expired_at: datetime | None = None
    refund_asked_at: datetime | None = Field(
        default=None, description="The buyer's refund request, waiting for the consulate"
    )
    refund_asked_reason: str | None = None
    refund_refused_reason: str | None = Field(
        default=None, description="The consulate's reason for refusing the last request"
    )
    pay_url: str | None = Field(default=None, description="Where to pay (while pending)")
    receipt: str | None = Field(default=None, description="The receipt PDF (once paid)")
    verification: str | None = Field(default=None, description="The public check")


class WebhookAnswer(Output):
    outcome: str
    number: str | None = None


class PublicStamp(Output):
    number: str
    status: Literal["valid", "used", "refunded", "expired", "unknown"]
    service: str | None = None
    amount: Decimal | None = None
    currency: str | None = None


class ConsumeIn(Input):
    service: ServiceCode
    case_id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9-]*$")


class RefundIn(Input):
    # Letters at both ends: what is left once surrounding spaces are stripped is a reason.
    reason: str = Field(min_length=3, max_length=500, pattern=r"^\S[\s\S]*\S$")


class StampList(Output):
    items: list[StampView] = Field(description="The buyer's stamps, newest first")
    next: str | None = Field(description="The cursor of the next page, or null")


class FeesQuery(QueryInput):
    consulate: ConsulateCode | None = Field(
        default=None, description="The fees at this consulate: the services it offers, its amounts"
    )


class ReconciliationQuery(QueryInput):
    date: Day
    consulate: ConsulateCode | None = None
    format: Literal["json", "csv"] | None = None


class TotalRow(Output):
    consulate: str
    service: str
    channel: str
    state: str
    count: int
    amount: Decimal


class Reconciliation(Output):
    date: date
    consulate: str | None
    currency: str = "MAD"
    rows: list[TotalRow]
    total_paid: Decimal = Field(description="Money taken: paid, used and refunded stamps")
    total_refunded: Decimal
    flags: list[dict[str, str]]


class SettlementIn(Input):
    date: Day
    key: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^etimbre/settlements/[A-Za-z0-9._/-]+\.csv$",
        description="S3 key in the documents bucket; default etimbre/settlements/<date>.csv",
    )


class SettlementReport(Output):
    date: date
    key: str
    matched: int
    missing_ours: int
    missing_gateway: int
    amount_mismatch: int
    mismatches: list[dict[str, str]]
