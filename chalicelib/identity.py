"""Who someone is: the principal built from a verified token (its identity, roles, office and
sign-in), and the roles the app knows. The kernel and the services reason about principals;
how a token becomes one is the HTTP edge's business (``chalicelib.api.auth``)."""

from __future__ import annotations

from dataclasses import dataclass

CITIZEN = "citizen"
STAFF_ROLES = (
    "school_director",
    "consular_agent",
    "equivalence_officer",
    "committee_member",
    "exam_officer",
    "treasury_auditor",
    "admin",
)
ALL_ROLES = (CITIZEN, *STAFF_ROLES)
# The staff who work citizens' cases (a case type's transitions name them), and the admin.
# The treasury's auditor reads stamps and their reconciliation, never a case.
CASE_STAFF_ROLES = tuple(r for r in STAFF_ROLES if r != "treasury_auditor")


def identity(issuer_name: str, sub: str) -> str:
    """Who someone is: the pair (issuer, sub) as one string. ``sub`` is unique only within
    its issuer, so a staff token whose ``sub`` equals a citizen's is somebody else; every
    owner stored or compared (cases, stamps, shares, guards, idempotency keys) is this."""
    return f"{issuer_name}:{sub}"


@dataclass(frozen=True)
class Principal:
    subject: str  # identity(issuer, sub) for a token's caller
    issuer_kind: str  # "citizen" or "staff"
    roles: frozenset[str]
    office: str = ""
    acr: str = ""
    cnie: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""
    locale: str = ""
    # The identity provider vouches for the address (email_verified, phone_number_verified).
    email_verified: bool = False
    phone_verified: bool = False

    @property
    def is_citizen(self) -> bool:
        return CITIZEN in self.roles

    @property
    def signed_in_with_cnie(self) -> bool:
        return self.acr == "cnie" and bool(self.cnie)

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)
