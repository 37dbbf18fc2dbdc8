"""The items of the stamps table.

``STAMP#<id>`` / ``STAMP``      a stamp: the truth of its money state (a dedicated item, not
                                a case: an appointment's check-in must consume it in the
                                appointment's own transaction, with one conditional update)
``NUMBER#<number>`` / ``NUMBER`` the issued number, unique (written once, never moved)
``AGG#<day>`` / ``<consulate>#<service>#<channel>``  counts and cents per state, kept on write
``ANOMALY#<day>`` / ``<stamp>#<kind>``  a payment the Treasury must look at
``REFUNDASK#<consulate>`` / ``<asked at>#<stamp id>``  a buyer's refund request waiting for
                                the consulate's agents (their queue: one Query)
``WEBHOOK#<signature hash>``     a callback already seen: a replay is refused (deleted by the
                                table's TTL on ``expires_at`` once a replay would be too old)
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _StampsTable:
    table_name = "stamps"
    settings_key = "stamps_table"


class ByDay(GlobalSecondaryIndex["StampItem"]):  # type: ignore[no-untyped-call]
    """Stamps paid on a day (sparse: a pending stamp has no day_pk): settlement matching."""

    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day_pk = UnicodeAttribute(hash_key=True)  # PAID#<day>
    day_sk = UnicodeAttribute(range_key=True)  # <consulate>#<stamp id>


class ByOwner(GlobalSecondaryIndex["StampItem"]):  # type: ignore[no-untyped-call]
    """A buyer's stamps, newest first."""

    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner_pk = UnicodeAttribute(hash_key=True)  # OWNER#<owner>
    owner_sk = UnicodeAttribute(range_key=True)  # <created_at ISO>#<stamp id>


class StampItem(Model):
    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # STAMP#<id>
    sk = UnicodeAttribute(range_key=True, default="STAMP")
    stamp_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    owner_pk = UnicodeAttribute(null=True)
    owner_sk = UnicodeAttribute(null=True)
    service = UnicodeAttribute()
    consulate = UnicodeAttribute()
    channel = UnicodeAttribute()
    amount = UnicodeAttribute()  # Decimal as text: money never goes through a float
    currency = UnicodeAttribute()
    fee_reference = UnicodeAttribute()
    state = UnicodeAttribute()
    day = UnicodeAttribute()  # the sale's day (UTC): its aggregate row
    created_at = UTCDateTimeAttribute()
    payment_deadline = UTCDateTimeAttribute()
    session_id = UnicodeAttribute(default="")
    pay_url = UnicodeAttribute(default="")
    terminal_reference = UnicodeAttribute(default="")
    language = UnicodeAttribute(default="fr")
    # how the buyer is told of the payment and the refund (personal data: never logged)
    email = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    number = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    used_at = UTCDateTimeAttribute(null=True)
    used_consulate = UnicodeAttribute(null=True)
    used_by = UnicodeAttribute(null=True)
    used_case_id = UnicodeAttribute(null=True)
    refund_reason = UnicodeAttribute(null=True)
    refunded_by = UnicodeAttribute(null=True)
    refunded_at = UTCDateTimeAttribute(null=True)
    refund_id = UnicodeAttribute(null=True)
    expired_at = UTCDateTimeAttribute(null=True)
    refund_asked_at = UTCDateTimeAttribute(null=True)
    refund_asked_reason = UnicodeAttribute(null=True)
    refund_refused_reason = UnicodeAttribute(null=True)
    events = ListAttribute(default=list)  # type: ignore[var-annotated]  # what happened, when
    # The end of the stamp's chain in the audit trail (CASE#<stamp id>, T#<seq>): each move
    # writes the next record and is conditioned on this head, as a case transition is.
    audit_head = UnicodeAttribute(default="")
    audit_seq = NumberAttribute(default=0)
    day_pk = UnicodeAttribute(null=True)
    day_sk = UnicodeAttribute(null=True)
    by_day = ByDay()
    by_owner = ByOwner()


class NumberItem(Model):
    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # NUMBER#<number>
    sk = UnicodeAttribute(range_key=True, default="NUMBER")
    stamp_id = UnicodeAttribute()


class AggregateItem(Model):
    """One row of the Treasury's day: counts and cents per state of the stamps sold."""

    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # AGG#<day>
    sk = UnicodeAttribute(range_key=True)  # <consulate>#<service>#<channel>
    pending_count = NumberAttribute(default=0)
    pending_cents = NumberAttribute(default=0)
    paid_count = NumberAttribute(default=0)
    paid_cents = NumberAttribute(default=0)
    used_count = NumberAttribute(default=0)
    used_cents = NumberAttribute(default=0)
    refunded_count = NumberAttribute(default=0)
    refunded_cents = NumberAttribute(default=0)
    expired_count = NumberAttribute(default=0)
    expired_cents = NumberAttribute(default=0)


class AnomalyItem(Model):
    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # ANOMALY#<day>
    sk = UnicodeAttribute(range_key=True)  # <stamp id>#<kind>
    stamp_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # amount_mismatch, paid_after_expiry
    details = JSONAttribute(default=dict)
    at = UTCDateTimeAttribute()


class WebhookItem(Model):
    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # WEBHOOK#<sha256 of the signature>
    sk = UnicodeAttribute(range_key=True, default="WEBHOOK")
    seen_at = UTCDateTimeAttribute()
    # DynamoDB deletes it once a replay would be refused as too old anyway (table TTL)
    expires_at = NumberAttribute()
    # The answer given to the first delivery, given again to the gateway's retries of it.
    outcome = UnicodeAttribute(null=True)
    number = UnicodeAttribute(null=True)


class RefundAskItem(Model):
    """A buyer's refund request in its consulate's queue (deleted when answered)."""

    class Meta(_StampsTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # REFUNDASK#<consulate>
    sk = UnicodeAttribute(range_key=True)  # <asked at ISO>#<stamp id>
    stamp_id = UnicodeAttribute()
    number = UnicodeAttribute()
    reason = UnicodeAttribute()
    asked_at = UTCDateTimeAttribute()
