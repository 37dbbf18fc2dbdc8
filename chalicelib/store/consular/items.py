"""PynamoDB models of consular appointments.

``reference`` table: a consulate's calendar (``CONSULAR#CALENDAR#<code>``, sort key
``CALENDAR``) and, beside it, one seat-version item per service (``SEATS#<service>``) that
every booking of the service checks (decision 36).
``slots`` table: the seats taken of one consulate and service (``SLOTS#<c>#<s>``, one item
per slot touched, sorted by ``<local day>#<start>``), the day's appointments
(``DAY#<c>#<day>``), the one-live-appointment guards (``LIVE#<c>#<s>#<person>``) and the
waiting lists (``WAIT#<c>#<s>``); the release rounds (``ROUND#<id>``: the round, one entry
per person, the published draw in chunks; ``chalicelib/store/consular/rounds.py``).
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
    # Every write of the calendar is conditioned on the version it read.
    version = NumberAttribute(default=0)
    # The calendar being installed while its seats are checked (decision 36).
    pending = JSONAttribute(null=True)
    # A copy of each service's seat version (the SEATS#<service> items), read with the
    # calendar so that a booking knows which version to check without another read.
    seat_versions = JSONAttribute(null=True)


class SeatVersionItem(Model):
    """Bumped (with the calendar's copy) whenever a change may lower a service's seats: a
    booking that read the calendar before fails its check instead of taking a seat the new
    calendar does not have."""

    class Meta(_Reference):
        pass

    pk = UnicodeAttribute(hash_key=True)  # CONSULAR#CALENDAR#<consulate>
    sk = UnicodeAttribute(range_key=True)  # SEATS#<service>
    version = NumberAttribute(default=0)


class SlotItem(Model):
    """The seats taken in a slot. How many it has is the calendar's to say, never stored
    here (decision 36): a booking's condition carries the capacity it read."""

    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # SLOTS#<consulate>#<service>
    sk = UnicodeAttribute(range_key=True)  # <local day>#<the slot's start, ISO UTC>
    taken = NumberAttribute(default=0)
    hold_case = UnicodeAttribute(null=True)
    hold_until = UnicodeAttribute(null=True)  # ISO UTC: compared as text
    expires_at = NumberAttribute(null=True)  # TTL, a while after the day
    # The release round whose draw gives this slot's seats (decision 56): no booking nor
    # offer takes one meanwhile; the draw's bookings name it, and it is removed after.
    round_id = UnicodeAttribute(null=True)


class DayItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # DAY#<consulate>#<local day>
    sk = UnicodeAttribute(range_key=True)  # <start ISO>#<case id>
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    service = UnicodeAttribute()
    start = UnicodeAttribute()
    name = UnicodeAttribute(default="")  # who comes
    guardian = UnicodeAttribute(null=True)  # who accompanies a minor: the account's holder
    status = UnicodeAttribute(default="booked")
    expires_at = NumberAttribute(null=True)


class GuardItem(Model):
    class Meta(_Slots):
        pass

    pk = UnicodeAttribute(hash_key=True)  # LIVE#<consulate>#<service>#<person>
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
