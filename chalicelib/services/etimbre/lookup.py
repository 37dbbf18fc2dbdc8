"""Finding a stamp: by its number or purchase id, for its buyer and the agents of its
consulate; and its public state, which anyone may check."""

from __future__ import annotations

from typing import Any

from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.etimbre import domain, ports
from chalicelib.services.etimbre.domain import Stamp


def find(number_or_id: str) -> Stamp | None:
    """A stamp by its number, or (before it has one) by the purchase id."""
    if domain.is_well_formed(number_or_id):
        return ports.reads().by_number(number_or_id)
    if len(number_or_id) == 32 and number_or_id.isalnum():
        return ports.reads().get(number_or_id)
    return None


def owned(number_or_id: str, caller: Principal) -> Stamp:
    """Its buyer sees a stamp, and so do the agents of the consulate it was bought for."""
    stamp = find(number_or_id)
    if stamp is None or not (
        stamp.owner == caller.subject
        or ("consular_agent" in caller.roles and stamp.consulate == caller.office)
    ):
        raise Refusal("not-found", "No such stamp.")
    return stamp


def mine(
    buyer: Principal, limit: int, start_after: dict[str, Any] | None
) -> tuple[list[Stamp], dict[str, Any] | None]:
    """The buyer's own stamps, newest first, a page at a time (one Query)."""
    return ports.reads().of_owner(buyer.subject, limit, start_after)


def public_state(number: str) -> tuple[str, Stamp | None]:
    stamp = ports.reads().by_number(number) if domain.is_well_formed(number) else None
    return domain.public_status(stamp.state if stamp else None), stamp
