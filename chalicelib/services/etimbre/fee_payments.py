"""The contract the consular appointments service codes against: checking in an
appointment consumes the stamp that pays for it, in the appointment's own transaction.

    perform(..., also=[consume_also(number, service=..., consulate=..., agent=..., case_id=...)])

The check-in and the stamp's use stand or fall together: a stamp already used (by a race
or another appointment), refunded, expired or for another service makes the whole
transition fail with ``LostRace`` whose ``failed`` contains ``"stamp"``.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib import clock
from chalicelib.refusals import Refusal
from chalicelib.services.etimbre import domain, ports
from chalicelib.services.etimbre import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.fees import Fee, current_fee
from chalicelib.store.cases import Also

STAMP = "stamp"  # the Also's name, as LostRace.failed reports it


def consume_also(
    number: str, *, service: str, consulate: str, agent: str, case_id: str, owner: str = ""
) -> Also:
    """The stamp ``number`` used for ``service`` at ``consulate`` by ``agent``, paying for
    the appointment case ``case_id``: one conditional write (paid, for that service and
    that consulate), with the move of the Treasury's aggregate.

    Raises ``Problem("etimbre-stamp-unusable")`` (409) at once when the stamp is unknown or
    cannot pay now, so that the caller answers why; a race lost later is a LostRace."""
    stamp = ports.reads().by_number(number) if domain.is_well_formed(number) else None
    return consumption_of(
        stamp, service=service, consulate=consulate, agent=agent, case_id=case_id, owner=owner
    )


def refusal_for_request(number: str, *, owner: str, service: str, consulate: str) -> str | None:
    """Why the stamp ``number`` cannot be named by ``owner``'s request for ``service`` at
    ``consulate`` (None: it can). Someone else's stamp reads like an unknown one: the answer
    never tells that a number exists."""
    stamp = ports.reads().by_number(number) if domain.is_well_formed(number) else None
    if stamp is None or stamp.owner != owner:
        return "no stamp of yours has this number"
    return domain.why_not_consumable(stamp, service, consulate, owner)


def consumption_of(
    stamp: Stamp | None,
    *,
    service: str,
    consulate: str,
    agent: str,
    case_id: str,
    owner: str = "",
) -> Also:
    """``consume_also`` for a stamp already read (or None: unknown)."""
    if stamp is None:
        raise Refusal("etimbre-stamp-unusable", "No stamp has this number.")
    why = domain.why_not_consumable(stamp, service, consulate, owner)
    if why:
        raise Refusal("etimbre-stamp-unusable", why, extra={"stamp_state": stamp.state})
    return ports.exits().consumption(
        stamp,
        service=service,
        consulate=consulate,
        agent=agent,
        case_id=case_id,
        at=clock.now(),
    )


class StampPayments:
    """eTimbre's side of ``chalicelib.ports.FeePayments``: a fee is paid by a stamp."""

    def fee(self, service: str, at: datetime, office: str = "") -> Fee | None:
        return current_fee(service, at, office)

    def why_not_payable(self, payment: str, *, owner: str, service: str, office: str) -> str | None:
        return refusal_for_request(payment, owner=owner, service=service, consulate=office)

    def used_with(
        self, payment: str, *, service: str, office: str, agent: str, case_id: str, owner: str
    ) -> Also:
        return consume_also(
            payment, service=service, consulate=office, agent=agent, case_id=case_id, owner=owner
        )


PAYMENTS = StampPayments()
