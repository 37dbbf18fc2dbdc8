"""The equivalence service's adapters in memory (``chalicelib.services.equivalence.ports``):
the staff queues read from the in-memory cases, the credentials of orders (the status bit of
each order whose credentials were issued, its shares and its own codes), the applicant's
verified contacts, the committees' members and sittings, and the audit records of staff
lists. The write that goes with a revocation or a replacement is an ``in_memory`` ``Also``
that ``InMemoryCases`` checks and applies in the transition's own all-or-nothing step, with
the condition of ``chalicelib.store.credentials.order_superseded``; a new code's writes
stand or fall together, with the conditions of ``order_code_rotated``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.credentials.orders import OrderCode, OrderShare
from chalicelib.credentials.statuslist import Reference
from chalicelib.identity import Principal
from chalicelib.notify.contacts import identity_name, identity_verified
from chalicelib.refusals import FieldError, LostRace, Refusal
from chalicelib.store.cases import Also, Page
from chalicelib.store.equivalence_committees import AlreadyClosed, Sitting
from chalicelib.workflow.case import Contact
from tests.fakes.cases import InMemoryCases, in_memory
from tests.fakes.credentials import InMemoryStatusBits


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
    """The credentials of orders, as ``chalicelib.store.credentials`` keeps them (one object
    for the ``Orders`` and ``OrderCredentials`` ports): ``issued[(case id, order number)]``
    the bit of an order whose credentials were issued, recorded once; ``code_in_force`` the
    digest of the code the order's record names; ``codes`` and ``shares`` by digest; the
    bits set to 1 in ``bits``, the credentials' status lists (give it the one the
    credentials' port uses, so a verifier reads them). A revocation or replacement sets the
    order's bit if one was issued, else checks that none is issued meanwhile (a ``LostRace``
    naming ``order_status_bit``), as DynamoDB's transaction does."""

    issued: dict[tuple[str, int], Reference] = field(default_factory=dict)
    bits: InMemoryStatusBits = field(default_factory=InMemoryStatusBits)
    code_in_force: dict[tuple[str, int], str] = field(default_factory=dict)
    codes: dict[str, OrderCode] = field(default_factory=dict)
    shares: dict[str, OrderShare] = field(default_factory=dict)

    @property
    def invalid(self) -> set[Reference]:
        """Every bit set to 1, in any list."""
        lists = self.bits.invalid.items()
        return {Reference(list_id, index) for list_id, indices in lists for index in indices}

    def order_superseded(self, case_id: str, number: int) -> Also:
        key = (case_id, number)
        found = self.issued.get(key)
        if found is not None:
            return in_memory(
                "order_status_bit",
                lambda: self.bits.set_invalid(found),
                lambda: self.issued.get(key) == found,
            )
        return in_memory("order_status_bit", lambda: None, lambda: key not in self.issued)

    def order_reference(self, case_id: str, number: int) -> Reference | None:
        return self.issued.get((case_id, number))

    def record_order_reference(
        self, case_id: str, number: int, reference: Reference, at: datetime
    ) -> Reference:
        """Written once: if another request wrote it first, that one."""
        return self.issued.setdefault((case_id, number), reference)

    def order_code_rotated(self, old: Reference | None, new: Reference, code: OrderCode) -> None:
        """All or nothing: the record still names ``old`` (none: no record), the old code
        not replaced yet, the new code not taken; then the record names the new bit and
        code, the old bit is set and the old code marked replaced."""
        key = (code.case_id, code.number)
        old_code = self.codes.get(self.code_in_force.get(key, "")) if old is not None else None
        record_holds = self.issued.get(key) == old if old is not None else key not in self.issued
        holds = record_holds and code.code_id not in self.codes
        if not holds or (old_code is not None and old_code.replaced_at is not None):
            raise LostRace(failed=frozenset({"order_code"}))
        self.issued[key], self.code_in_force[key] = new, code.code_id
        if old is not None:
            self.bits.set_invalid(old)
        if old_code is not None:
            self.codes[old_code.code_id] = replace(old_code, replaced_at=code.created_at)
        self.codes[code.code_id] = code

    def load_order_code(self, code_id: str) -> OrderCode | None:
        return self.codes.get(code_id)

    def save_order_share(self, share: OrderShare) -> None:
        if share.share_id in self.shares:  # DynamoDB's conditional put: a PutError
            raise RuntimeError(f"share {share.share_id} exists")
        self.shares[share.share_id] = share

    def load_order_share(self, share_id: str) -> OrderShare | None:
        return self.shares.get(share_id)

    def order_shares_of(self, case_id: str, limit: int = 100) -> list[OrderShare]:
        """Newest first, as the lookup index sorts them (``<created at>#<id>``)."""
        of_file = [s for s in self.shares.values() if s.case_id == case_id]
        of_file.sort(key=lambda s: f"{s.created_at.isoformat()}#{s.share_id}", reverse=True)
        return of_file[:limit]

    def count_order_verification(self, share_id: str, at: datetime) -> None:
        share = self.shares[share_id]
        counted = share.verifications + 1
        self.shares[share_id] = replace(share, verifications=counted, last_verified_at=at)

    def revoke_order_share(self, share_id: str, owner: str, at: datetime) -> bool:
        """Only the owner's; revoked once (the first moment stays, as ``if_not_exists``)."""
        share = self.shares.get(share_id)
        if share is None or share.owner != owner:
            return False
        self.shares[share_id] = replace(share, revoked_at=share.revoked_at or at)
        return True


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
