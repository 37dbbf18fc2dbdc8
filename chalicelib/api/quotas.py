"""Quotas on the flows that cost the state money, or someone else a seat, as data.

Each quota is a number of uses in a fixed window, counted by the rate limiter's counters
(``chalicelib/api/ratelimit.py``): per signed-in identity (issuer and subject), or per object
for a flow on one object (the moves of one appointment). Over a quota: 429 with
``Retry-After``, titled in the caller's language. Staff working a counter (an agent selling
stamps on a consulate's terminal) are not held to a citizen's quota.
"""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.api import ratelimit
from chalicelib.identity import Principal

MINUTE, DAY = ratelimit.WINDOW_SECONDS, ratelimit.DAY_SECONDS
OBJECT = "object"  # the issuer part of an object's counter key


class Quota(NamedTuple):
    allowed: int
    window_seconds: int
    what: str  # what is counted, for the docs and the problem's detail


QUOTAS: dict[str, Quota] = {
    "etimbre-purchase": Quota(10, DAY, "stamps bought by one citizen"),
    "bac-certificate-share": Quota(20, DAY, "certificate shares made by one candidate"),
    "contact-code": Quota(5, DAY, "one-time codes sent to one citizen's new contacts"),
    "consular-slots": Quota(30, MINUTE, "slot listings by one citizen"),
    "consular-booking-change": Quota(4, DAY, "moves and cancellations of one booking"),
    # After each move or cancellation, the booking rests: seats cannot be juggled in a loop.
    "consular-booking-cooldown": Quota(1, 5 * MINUTE, "changes of one booking in five minutes"),
}


class OpenLimit(NamedTuple):
    allowed: int
    what: str


# Limits on what one identity holds open at once (not a rate: waiting does not free one,
# finishing or withdrawing does): a 409 names the open ones.
OPEN_LIMITS: dict[str, OpenLimit] = {
    "consular-open-requests": OpenLimit(
        6, "open appointment requests of one citizen at one consulate (a family's)"
    ),
}


def charge(principal: Principal, name: str) -> None:
    """Count one use of the flow ``name`` by a citizen; 429 past its quota."""
    if not principal.is_citizen:
        return
    quota = QUOTAS[name]
    ratelimit.limit_identity(
        principal.issuer_kind, principal.subject, name, quota.allowed, quota.window_seconds
    )


def check_object(object_id: str, *names: str) -> None:
    """429 if a flow on one object (a case) already used up one of its quotas ``names``;
    nothing is counted: ``record_object`` counts the change once it happened, so a refused
    attempt (a full slot) costs nothing."""
    for name in names:
        quota = QUOTAS[name]
        ratelimit.refuse_if_spent(OBJECT, object_id, name, quota.allowed, quota.window_seconds)


def record_object(object_id: str, *names: str) -> None:
    for name in names:
        ratelimit.count_success(OBJECT, object_id, name, QUOTAS[name].window_seconds)
