"""The audit chaining of each move: every change of a stamp (sold, paid, used,
refund_requested, refunded, expired, flagged) writes the next record of the stamp's own chain
in the audit trail (``CASE#<stamp id>``, ``T#<n>``, as a case's) in the move's transaction,
and the stamp's update is conditioned on the head that record links to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.observability import logger
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store import audit
from chalicelib.store.audit import AuditRecord
from chalicelib.store.etimbre.items import StampItem

SYSTEM = "system"  # the role of automatic actors, as the case engine names it


@dataclass(frozen=True)
class By:
    """Who moved a stamp, as its record in the audit trail names them."""

    actor: str
    role: str
    office: str = ""


GATEWAY = By("system:gateway", SYSTEM)  # the payment gateway's callback
TIMER = By("system:timer", SYSTEM)  # the expiry timer


def audited(
    transaction: TransactWrite, stamp: Stamp, event: str, by: By, at: datetime, reason: str = ""
) -> AuditRecord:
    """The move's record, next in the stamp's chain, put in the move's own transaction."""
    record = audit.subject_transition(
        stamp.stamp_id,
        stamp.audit_seq + 1,
        at,
        by.actor,
        by.role,
        by.office,
        event,
        reason,
        stamp.audit_head,
        logger.get_correlation_id() or "",
    )
    transaction.save(record, condition=audit.AuditRecord.pk.does_not_exist())
    return record


def chained(stamp: Stamp, record: AuditRecord) -> tuple[list[Action], Condition]:
    """What the stamp's update sets (the new head) and checks (the head it links to): a move
    made on a stale copy is a conflict, never a fork of the chain."""
    actions: list[Action] = [
        StampItem.audit_head.set(record.hash),
        StampItem.audit_seq.set(int(record.seq)),
    ]
    unchanged: Condition = StampItem.audit_head == stamp.audit_head
    if stamp.audit_head:
        return actions, unchanged
    before_chains: Condition = StampItem.audit_head.does_not_exist() | unchanged
    return actions, before_chains
