"""The equivalence order as an SD-JWT VC (decision 49): a granted or conditional order, in
force (neither revoked nor replaced), issued to whoever may read the file's decision. Each
order has one status bit, recorded the first time a credential of it is issued; the
transition that revokes or replaces the order sets that bit in its own transaction
(``superseded``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.api.problems import Problem
from chalicelib.credentials import issuance, types
from chalicelib.credentials.statuslist import Reference
from chalicelib.store import credentials as store
from chalicelib.store.cases import Also
from chalicelib.workflow.case import Case


def in_force(decision: Mapping[str, Any] | None) -> bool:
    """An order a credential may state: granted or conditional, published, not revoked or
    replaced since."""
    return (
        decision is not None
        and decision.get("outcome") in types.GRANTED_OUTCOMES
        and bool(decision.get("bo"))
        and not decision.get("revoked_from")
        and not decision.get("replaced_by")
    )


def order_bit(case: Case, decision: Mapping[str, Any]) -> Reference:
    """The order's status bit: the one recorded, or a new one recorded now (once)."""
    from chalicelib.workflow.service import now

    number = int(decision["number"])
    found = store.order_reference(case.id, number)
    if found is not None:
        return found
    return store.record_order_reference(case.id, number, issuance.allocate(), now())


def sd_jwt_vc(case: Case, decision: Mapping[str, Any], holder_jwk: Any = None) -> str:
    """The order as an SD-JWT VC with every disclosure."""
    from chalicelib.services.equivalence import domain
    from chalicelib.workflow.service import find, now

    if not in_force(decision):
        raise Problem(
            "conflict",
            "Only an equivalence order granted or conditional, and in force, is issued as a "
            "credential.",
        )
    bit = order_bit(case, decision)
    # The file may have moved on between its read and the bit's record: a revocation that
    # committed meanwhile did not know the bit, so it is set here.
    again = find(case.id)
    current = domain.current_decision(again.payload) if again else None
    if current is None or current.get("number") != decision["number"] or not in_force(current):
        store.set_invalid(bit)
        raise Problem("conflict", "The decision just changed; ask again.")
    clear, disclosable = types.equivalence_claims(
        case.reference,
        case.case_type,
        case.contact.name,
        case.payload.get("diploma") or {},
        decision,
    )
    return issuance.issue(types.EQUIVALENCE, clear, disclosable, bit, now(), holder_jwk)


def superseded(case: Case, decisions_after: list[Mapping[str, Any]]) -> list[Also]:
    """The writes that go with a transition setting ``decisions``: the bit of each order it
    revokes or replaces, set (or, if none was issued, a check that none is meanwhile)."""
    before = {int(d["number"]): d for d in case.payload.get("decisions") or []}
    writes = []
    for after in decisions_after:
        number = int(after.get("number", 0))
        earlier = before.get(number)
        if earlier is not None and in_force(earlier) and not in_force(after):
            writes.append(store.order_superseded(case.id, number))
    return writes
