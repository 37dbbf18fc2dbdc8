"""PynamoDB models of consular appointments.

``reference`` table: a consulate's calendar (``CONSULAR#CALENDAR#<code>``).
``slots`` table: the seats of one consulate, service and local day (``SLOTS#<c>#<s>#<day>``,
one item per slot), the day's appointments (``DAY#<c>#<day>``), the one-live-appointment
guards (``LIVE#<c>#<s>#<owner>``) and the waiting lists (``WAIT#<c>#<s>``).
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model


class _Reference:
    table_name = "reference"
    settings_key = "reference_table"


class _Slots:
    table_name = "slots"
    settings_key = "slots_table"


class CalendarItem(Model):
    class Meta(_Reference):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="CALENDAR")
    consulate = UnicodeAttribute()
    body = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class SlotItem(Model):
    """A slot's seats. ``open_below`` is capacity - 1: while a seat is held for an offer,
    someone else may take a seat only if ``taken < open_below``."""

    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # the slot's start, ISO UTC
    capacity = NumberAttribute()
    open_below = NumberAttribute()
    taken = NumberAttribute(default=0)
    hold_case = UnicodeAttribute(null=True)
    hold_until = UnicodeAttribute(null=True)  # ISO UTC: compared as text
    expires_at = NumberAttribute(null=True)  # TTL, a while after the day


class DayItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # DAY#<consulate>#<local day>
    sk = UnicodeAttribute(range_key=True)  # <start ISO>#<case id>
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    service = UnicodeAttribute()
    start = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="booked")
    expires_at = NumberAttribute(null=True)


class GuardItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # LIVE#<consulate>#<service>#<owner>
    sk = UnicodeAttribute(range_key=True, default="LIVE")
    case_id = UnicodeAttribute()
    until = UnicodeAttribute()  # ISO UTC: the end of the appointment's day
    expires_at = NumberAttribute(null=True)


class WaitItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # WAIT#<consulate>#<service>
    sk = UnicodeAttribute(range_key=True)  # <priority>#<joined ISO>#<case id>
    case_id = UnicodeAttribute()
