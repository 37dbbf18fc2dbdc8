"""Use cases of consular appointments: each route calls one of these. They live by
responsibility in their own modules; this one gathers them for the routes, the bench and the
demo data.

- ``request_cases``: reference data, requests, the consulate's queue and decisions;
- ``checklists``: the documents a request must carry before it is validated;
- ``stamps``: the eTimbre stamp attached to a request (or replaced) before the visit;
- ``calendars``: opening hours, counters, closed days (a day closed cancels its bookings);
- ``slots``: free slots, the slot a booking names, the 409 with the next free ones;
- ``booking``: book, move or cancel, each one transaction with its seats;
- ``waiting``: the waiting list, offers of seats given back and their holds;
- ``day``: the day's list, check-in, no-shows.
"""

from __future__ import annotations

from chalicelib.services.consular.booking import book, move_or_cancel
from chalicelib.services.consular.calendars import calendar_from, calendar_of, put_calendar
from chalicelib.services.consular.day import check_in, day_list
from chalicelib.services.consular.request_cases import (
    act,
    consulate_or_422,
    create_request,
    fee_of,
    no_shows,
    queue,
    request_documents,
    service_or_422,
)
from chalicelib.services.consular.slots import FreeSlot, free_slots, slots_for_citizen
from chalicelib.services.consular.stamps import attach_stamp
from chalicelib.services.consular.waiting import join_waiting_list, offer_next

__all__ = [
    "FreeSlot",
    "act",
    "attach_stamp",
    "book",
    "calendar_from",
    "calendar_of",
    "check_in",
    "consulate_or_422",
    "create_request",
    "day_list",
    "fee_of",
    "free_slots",
    "join_waiting_list",
    "move_or_cancel",
    "no_shows",
    "offer_next",
    "put_calendar",
    "queue",
    "request_documents",
    "service_or_422",
    "slots_for_citizen",
]
