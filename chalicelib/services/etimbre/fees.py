"""The fee of each consular service, in MAD, as versions over time (pure data).

No source text of the project (``../shared/seeds/``: seed 004 speaks of eTimbre without a
single amount) states a consular fee or the text that sets it. The amounts below are demo
data, and every version says so: its ``source`` is ``unverified`` and its legal reference
tells the reader there is none yet. The ministry's schedule replaces them before going live,
each version with the text that sets it (``source`` then names that text).

A version names the consulate it applies to, or none (every consulate): where a consulate
has its own version in force, its stamps are sold at that amount; elsewhere the general one
applies. No consulate has its own amount in the demo data.

A fee is never edited in place: a change is a new version whose `valid_from` closes the
previous one (`valid_until` is exclusive). A stamp copies the amount of the version in
force when it was sold, so changing a fee never changes stamps already sold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

CURRENCY = "MAD"


@dataclass(frozen=True)
class Fee:
    service: str
    amount: Decimal
    currency: str
    legal_reference: str
    valid_from: datetime
    valid_until: datetime | None  # exclusive; None: still in force
    source: str = "unverified"  # the text that sets the amount, once known
    consulate: str = ""  # the consulate this version applies to; "": every consulate

    def in_force(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


UNVERIFIED = "unverified"
# What a stamp, its receipt and the fee list show as the legal basis while none is known.
UNVERIFIED_REFERENCE = (
    "Non vérifié : aucun texte source ne fixe ce droit (montant de démonstration)"
)

_BEFORE = _at(2024, 1, 1)
_CHANGE = _at(2026, 1, 1)


def _versions(service: str, old: str, new: str) -> tuple[Fee, ...]:
    """Two versions of one (demo) fee: a first rate, replaced on 1 January 2026."""
    ref = UNVERIFIED_REFERENCE
    if old == new:
        return (Fee(service, Decimal(old), CURRENCY, ref, _BEFORE, None),)
    return (
        Fee(service, Decimal(old), CURRENCY, ref, _BEFORE, _CHANGE),
        Fee(service, Decimal(new), CURRENCY, ref, _CHANGE, None),
    )


FEES: tuple[Fee, ...] = (
    *_versions("passport", "500.00", "600.00"),
    *_versions("cnie", "75.00", "75.00"),
    *_versions("civil_status", "20.00", "30.00"),
    *_versions("legalisation", "30.00", "40.00"),
    *_versions("registration", "20.00", "20.00"),
    *_versions("power_of_attorney", "100.00", "120.00"),
    *_versions("nationality_certificate", "50.00", "60.00"),
)

SERVICES: tuple[str, ...] = tuple(dict.fromkeys(fee.service for fee in FEES))


def current_fee(service_code: str, at: datetime, consulate: str = "") -> Fee | None:
    """The version of `service_code`'s fee in force at `at` at `consulate`: its own, else
    the general one (None: unknown service or no fee)."""
    in_force = [f for f in FEES if f.service == service_code and f.in_force(at)]
    own = [f for f in in_force if consulate and f.consulate == consulate]
    general = [f for f in in_force if not f.consulate]
    found = own or general
    return found[0] if found else None


def history(service_code: str, consulate: str = "") -> tuple[Fee, ...]:
    """Every version of one fee that applies at `consulate` (its own and the general ones;
    without a consulate, the general ones), oldest first."""
    return tuple(
        fee
        for fee in sorted(FEES, key=lambda f: f.valid_from)
        if fee.service == service_code and fee.consulate in ("", consulate)
    )
