"""The rules of electronic stamps, pure: states, numbers, signatures, consumption, matching.

A stamp is money. Its life: ``pending`` (bought, not paid) -> ``paid`` (number issued) ->
``used`` (at an appointment) or ``refund_pending`` -> ``refunded``; an unpaid ``pending``
stamp becomes ``expired`` when its payment window closes. Every move is a conditional
write on the state it leaves, so a payment, a use or a refund happens once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

PENDING, PAID, USED, REFUND_PENDING, REFUNDED, EXPIRED = (
    "pending",
    "paid",
    "used",
    "refund_pending",
    "refunded",
    "expired",
)
STATES = (PENDING, PAID, USED, REFUNDED, EXPIRED)  # counted in the Treasury's aggregates
ONLINE, TERMINAL = "online", "terminal"
CHANNELS = (ONLINE, TERMINAL)

PAYMENT_WINDOW = timedelta(minutes=30)  # an unpaid stamp expires after this
SIGNATURE_TOLERANCE = timedelta(minutes=5)  # a webhook older (or newer) than this is refused
REPLAY_GUARD_MARGIN = timedelta(minutes=5)  # DynamoDB TTL never deletes early, only late
NUMBER_BODY_DIGITS = 13  # random digits; two check digits follow


class Refused(Exception):
    """A rule says no: ``code`` is the problem slug, ``field`` the input at fault (if any)."""

    def __init__(self, code: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field


# --- stamp numbers: ISO 7064 MOD 97-10 check digits (as in an IBAN) ---------------------


def check_digits(body: str) -> str:
    """The two check digits of a numeric body: ``body + check`` is 1 modulo 97."""
    return f"{98 - (int(body) * 100) % 97:02d}"


def stamp_number(random_digits: int) -> str:
    body = f"{random_digits % 10**NUMBER_BODY_DIGITS:0{NUMBER_BODY_DIGITS}d}"
    return body + check_digits(body)


def is_well_formed(number: str) -> bool:
    """Right length, digits only and a matching check: a typo never reaches the database."""
    return (
        len(number) == NUMBER_BODY_DIGITS + 2
        and number.isascii()
        and number.isdigit()
        and int(number) % 97 == 1
    )


# --- purchase -------------------------------------------------------------------------


def check_channel(channel: str, roles: frozenset[str], terminal_reference: str) -> None:
    """Citizens pay online. A consular agent sells at the counter, on the terminal (with
    its transaction reference), or opens an online payment for a citizen to pay by link."""
    if channel == TERMINAL:
        if "consular_agent" not in roles:
            raise Refused(
                "etimbre-wrong-channel",
                "Only a consular agent sells on a terminal.",
                "body.channel",
            )
        if not terminal_reference:
            raise Refused(
                "validation-failed",
                "A terminal sale needs the terminal's transaction reference.",
                "body.terminal_reference",
            )


def payment_deadline(created_at: datetime) -> datetime:
    return created_at + PAYMENT_WINDOW


# --- webhook signatures --------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``<timestamp>.<body>``: the body cannot be moved to another time."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, given: str, now: datetime
) -> str | None:
    """None when the callback is authentic and fresh; otherwise why it is not."""
    if not secret:
        return "no shared secret configured"
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        return "bad timestamp"
    if abs(now - sent) > SIGNATURE_TOLERANCE:
        return "too old"
    if not hmac.compare_digest(signature(secret, timestamp, body), given or ""):
        return "bad signature"
    return None


def replay_guard_until(seen_at: datetime) -> datetime:
    """How long a seen callback's replay guard must outlive its first sighting: a signature
    stays fresh for SIGNATURE_TOLERANCE either side of its timestamp, so a replay can come
    up to twice that after the first sighting; past this, "too old" refuses it anyway."""
    return seen_at + 2 * SIGNATURE_TOLERANCE + REPLAY_GUARD_MARGIN


# --- payment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A stamp as the rules and the views see it."""

    stamp_id: str
    state: str
    service: str
    consulate: str
    channel: str
    amount: Decimal
    currency: str
    owner: str
    fee_reference: str
    created_at: datetime
    payment_deadline: datetime
    day: str
    number: str = ""
    pay_url: str = ""
    session_id: str = ""
    terminal_reference: str = ""
    language: str = "fr"
    email: str = ""
    phone: str = ""
    payment_id: str = ""
    paid_at: datetime | None = None
    used_at: datetime | None = None
    used_consulate: str = ""
    used_by: str = ""
    used_case_id: str = ""
    refund_reason: str = ""
    refunded_at: datetime | None = None
    expired_at: datetime | None = None
    refund_asked_at: datetime | None = None  # the buyer's request, waiting for an agent
    refund_asked_reason: str = ""
    refund_refused_reason: str = ""  # an agent's answer to the last request
    events: tuple[dict[str, str], ...] = ()
    audit_head: str = ""  # the hash of the last record of its chain in the audit trail
    audit_seq: int = 0


def payment_outcome(stamp: Stamp, amount: Decimal, currency: str) -> str:
    """What a gateway's success callback does to a stamp: ``pay``, ``duplicate``,
    ``mismatch`` (refused, flagged) or ``late`` (paid after expiry: flagged, refunded)."""
    if stamp.state != PENDING:
        return "late" if stamp.state == EXPIRED else "duplicate"
    if amount != stamp.amount or currency != stamp.currency:
        return "mismatch"
    return "pay"


# --- consumption and refund ----------------------------------------------------------


def why_not_consumable(
    stamp: Stamp, service: str, consulate: str = "", owner: str = ""
) -> str | None:
    """None when the stamp can pay for ``service`` at ``consulate`` (the one it was bought
    for: the Treasury accounts for it there), for the applicant ``owner`` when given (a stamp
    bought online pays only for its buyer's own request; one sold on the consulate's
    terminal, at the counter, for whoever paid there); otherwise why not (a 409's detail)."""
    if owner and stamp.channel != "terminal" and stamp.owner != owner:
        return "The stamp was bought by someone else."
    if stamp.state == USED:
        return "The stamp was already used."
    if stamp.state in (REFUNDED, REFUND_PENDING):
        return "The stamp was refunded."
    if stamp.state == EXPIRED:
        return "The stamp expired unpaid."
    if stamp.state != PAID:
        return "The stamp is not paid."
    if stamp.service != service:
        return f"The stamp pays for {stamp.service}, not {service}."
    if consulate and stamp.consulate != consulate:
        return f"The stamp was bought for {stamp.consulate}, not {consulate}."
    return None


# How long after its payment the buyer may ask for a stamp's refund. No seed states it: data,
# unverified, to be replaced by the schedule's rule.
REFUND_WINDOW = timedelta(days=365)
REFUND_WINDOW_SOURCE = "unverified"


def why_buyer_may_not_ask_refund(stamp: Stamp, now: datetime) -> str | None:
    """Why the buyer may not ask for this stamp's refund now, or None."""
    if stamp.state != PAID:
        return why_not_refundable(stamp) or "Only a paid, unused stamp is refunded."
    if stamp.refund_asked_at is not None:
        return "A refund request is already waiting for the consulate's answer."
    if stamp.paid_at is not None and now > stamp.paid_at + REFUND_WINDOW:
        return f"A refund is asked within {REFUND_WINDOW.days} days of the payment."
    return None


def why_not_refundable(stamp: Stamp) -> str | None:
    if stamp.state in (PAID, REFUND_PENDING):
        return None
    if stamp.state == REFUNDED:
        return None  # a retry: answered with the refund already made
    return {
        USED: "A used stamp is not refunded.",
        EXPIRED: "The stamp expired unpaid: there is nothing to refund.",
        PENDING: "The stamp is not paid.",
    }.get(stamp.state, "The stamp cannot be refunded.")


PUBLIC_STATUS = {
    PAID: "valid",
    USED: "used",
    REFUND_PENDING: "refunded",
    REFUNDED: "refunded",
    EXPIRED: "expired",
}


def public_status(state: str | None) -> str:
    """What anyone may learn of a number: valid, used, refunded, expired or unknown."""
    return PUBLIC_STATUS.get(state or "", "unknown")


# --- reconciliation ------------------------------------------------------------------


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class SettlementLine:
    line: int
    payment_id: str
    reference: str  # our stamp id, as the session gave it to the gateway
    amount: Decimal
    currency: str


@dataclass
class Matching:
    matched: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p["kind"] == kind)


def match_settlement(
    lines: list[SettlementLine], ours: dict[str, Stamp], paid_that_day: list[Stamp]
) -> Matching:
    """Each gateway line against our stamps (``ours``: by stamp id, whatever day they were
    paid), then our stamps paid that day that the gateway never listed."""
    result = Matching()
    seen: set[str] = set()
    for line in lines:
        stamp = ours.get(line.reference)
        seen.add(line.reference)
        if stamp is None:
            result.problems.append(_problem("missing_ours", line.reference, line, None))
        elif line.amount != stamp.amount or line.currency != stamp.currency:
            result.problems.append(_problem("amount_mismatch", line.reference, line, stamp))
        else:
            result.matched += 1
    for stamp in paid_that_day:
        if stamp.stamp_id not in seen:
            result.problems.append(_problem("missing_gateway", stamp.stamp_id, None, stamp))
    return result


def _problem(
    kind: str, reference: str, line: SettlementLine | None, stamp: Stamp | None
) -> dict[str, str]:
    return {
        "kind": kind,
        "reference": reference,
        "line": str(line.line) if line else "",
        "payment_id": line.payment_id if line else (stamp.payment_id if stamp else ""),
        "gateway_amount": f"{line.amount} {line.currency}" if line else "",
        "our_amount": f"{stamp.amount} {stamp.currency}" if stamp else "",
        "number": stamp.number if stamp else "",
        "consulate": stamp.consulate if stamp else "",
    }


def parse_settlement(text: str) -> tuple[list[SettlementLine], list[str]]:
    """The gateway's CSV (payment_id,reference,amount,currency): lines and unreadable ones."""
    import csv
    import io
    from decimal import InvalidOperation

    lines, errors = [], []
    rows = csv.DictReader(io.StringIO(text))
    for n, row in enumerate(rows, start=2):
        try:
            lines.append(
                SettlementLine(
                    n,
                    (row.get("payment_id") or "").strip(),
                    (row.get("reference") or "").strip(),
                    Decimal((row.get("amount") or "").strip()),
                    (row.get("currency") or "").strip(),
                )
            )
        except (InvalidOperation, AttributeError):
            errors.append(str(n))
    return lines, errors
