"""What a route asks of its caller: public, or some roles (with a CNIe sign-in, or only for
the caller's own office)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.identity import ALL_ROLES


@dataclass(frozen=True)
class Access:
    """What a route asks of its caller. ``roles`` empty and ``public`` true: anyone."""

    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    cnie: bool = False  # the citizen must have signed in with the electronic ID card
    office_param: str = ""  # a path parameter naming the staff member's own office

    def describe(self) -> str:
        if self.public:
            return "public"
        text = "roles: " + ", ".join(sorted(self.roles))
        if self.cnie:
            text += "; electronic ID card sign-in (acr=cnie)"
        if self.office_param:
            text += f"; only for the office named by {{{self.office_param}}}"
        return text


PUBLIC = Access(public=True)


def allow(*roles: str, cnie: bool = False, office_param: str = "") -> Access:
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return Access(roles=frozenset(roles), cnie=cnie, office_param=office_param)
