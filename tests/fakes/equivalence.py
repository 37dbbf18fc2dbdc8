"""The equivalence service's adapters in memory (``chalicelib.services.equivalence.ports``):
the staff queues read from the in-memory cases, the status bits of orders whose credentials
were issued, the applicant's verified contacts, the committees' members and sittings, and the
audit records of staff lists. The write that goes with a revocation or
a replacement is an ``in_memory`` ``Also`` that ``InMemoryCases`` checks and applies in the
transition's own all-or-nothing step, with the condition of
``chalicelib.store.credentials.order_superseded``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.credentials.statuslist import Reference
from chalicelib.identity import Principal
from chalicelib.notify.contacts import identity_name, identity_verified
from chalicelib.refusals import FieldError, Refusal
from chalicelib.store.cases import Also, Page
from chalicelib.store.equivalence_committees import AlreadyClosed, Sitting
from chalicelib.workflow.case import Contact
from tests.fakes.cases import InMemoryCases, in_memory


@dataclass
class InMemoryQueues:
    """``cases`` is the case repository in use: a queue is read from it, oldest first (as
    the queue index orders it); ``start_after`` is the last key of the page before."""

    cases: InMemoryCases

    def queue(
        self,
        case_type: str,
        office: str,
        state: str,
        limit: int,
        start_after: dict[str, Any] | None,
    ) -> Page:
        after = (start_after or {}).get("after", "")
        ordered = sorted(
            (
                c
                for c in self.cases.cases.values()
                if (c.case_type, c.office, c.state) == (case_type, office, state)
            ),
            key=lambda c: f"{c.updated_at.isoformat()}#{c.id}",
        )
        rest = [c for c in ordered if f"{c.updated_at.isoformat()}#{c.id}" > after]
        if len(rest) <= limit:
            return Page(rest, None)
        last = rest[limit - 1]
        return Page(rest[:limit], {"after": f"{last.updated_at.isoformat()}#{last.id}"})


@dataclass
class InMemoryOrders:
    """``issued[(case id, order number)]``: the bit of an order whose credentials were
    issued; ``invalid``: the bits set to 1. A revocation or replacement sets the order's bit
    if one was issued, else checks that none is issued meanwhile (a ``LostRace`` naming
    ``order_status_bit``), as DynamoDB's transaction does."""

    issued: dict[tuple[str, int], Reference] = field(default_factory=dict)
    invalid: set[Reference] = field(default_factory=set)

    def order_superseded(self, case_id: str, number: int) -> Also:
        key = (case_id, number)
        found = self.issued.get(key)
        if found is not None:
            return in_memory(
                "order_status_bit",
                lambda: self.invalid.add(found),
                lambda: self.issued.get(key) == found,
            )
        return in_memory("order_status_bit", lambda: None, lambda: key not in self.issued)


@dataclass
class InMemoryContacts:
    """What each citizen confirmed with a code (``confirmed[subject]``), beside what their
    identity provider vouches for (the token's verified e-mail and phone): a given address
    vouched or confirmed is chosen, another is a 422 naming it (``strict``) or passed over;
    none given, the vouched one, else the first confirmed, as
    ``chalicelib.notify.contacts.reach`` chooses."""

    confirmed: dict[str, list[str]] = field(default_factory=dict)

    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact:
        vouched = identity_verified(principal)
        mine = self.confirmed.get(principal.subject, [])
        chosen: dict[str, str] = {}
        refused: list[FieldError] = []
        for kind, given in (("email", email), ("phone", phone)):
            of_kind = [v for v in mine if ("@" in v) == (kind == "email")]
            if (given and given == vouched.get(kind)) or (not given and kind in vouched):
                chosen[kind] = given or vouched[kind]
            elif given and given in of_kind:
                chosen[kind] = given
            elif given and strict:
                refused.append(FieldError(f"{field}.{kind}", "not verified", "not_verified"))
            else:
                chosen[kind] = vouched.get(kind) or next(iter(of_kind), "")
        if refused:
            raise Refusal("contact-not-verified", errors=refused)
        return Contact(chosen["email"], chosen["phone"], language, identity_name(principal))


@dataclass
class InMemoryCommittees:
    """Each committee's members (``members[code]``) and its sittings
    (``sittings[(code, id)]``); a sitting is closed once, on condition that it is still open,
    as the DynamoDB module's conditional update does."""

    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sittings: dict[tuple[str, str], Sitting] = field(default_factory=dict)

    def members_of(self, codes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        return {code: list(self.members.get(code, [])) for code in codes}

    def set_members(self, code: str, members: list[dict[str, Any]], at: datetime) -> None:
        self.members[code] = list(members)

    def create_sitting(
        self, code: str, sitting_id: str, record: dict[str, Any], at: datetime
    ) -> Sitting:
        if (code, sitting_id) in self.sittings:
            raise RuntimeError(f"sitting {sitting_id} exists")
        self.sittings[(code, sitting_id)] = Sitting(code, sitting_id, "open", dict(record))
        return self.sittings[(code, sitting_id)]

    def sitting(self, code: str, sitting_id: str) -> Sitting | None:
        return self.sittings.get((code, sitting_id))

    def close_sitting(
        self, code: str, sitting_id: str, record: dict[str, Any], at: datetime
    ) -> Sitting:
        found = self.sittings.get((code, sitting_id))
        if found is None or found.state != "open":
            raise AlreadyClosed(sitting_id)
        self.sittings[(code, sitting_id)] = Sitting(code, sitting_id, "closed", dict(record))
        return self.sittings[(code, sitting_id)]


@dataclass
class InMemoryReads:
    """The audit records of staff lists: (reader, purpose, the files listed)."""

    lists: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def listed(
        self, principal: Principal, purpose: str, case_ids: list[str], correlation_id: str
    ) -> None:
        if not principal.is_citizen and case_ids:
            self.lists.append((principal.subject, purpose, list(case_ids)))
