"""The audit trail table: every transition and every staff read of a case, in two hash chains
per case (``chalicelib/audit/chain.py``): ``T#<history seq>`` and ``R#<n>``.

Records are put, never updated or deleted (the role may not). The chains stay per case, so no
partition is hot; the ``by_day`` index that the daily digest reads is spread over SHARDS keys
per day for the same reason.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import clock
from chalicelib.audit.chain import CHAINS, READS, TRANSITIONS, Link, following
from chalicelib.store.binding import bound
from chalicelib.workflow.case import Case, HistoryEntry

SHARDS = 16  # only ever raise it: the digest of a past day reads shards 0..SHARDS-1
ATTEMPTS = 10  # staff reads of one case racing for the next place of its read chain
END = "END"  # a chain a cursor has read to its end


class ByDay(GlobalSecondaryIndex["AuditRecord"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day_pk = UnicodeAttribute(hash_key=True)  # DAY#<date>#<shard, 2 digits>
    day_sk = UnicodeAttribute(range_key=True)  # <at>


class AuditRecord(Model):
    class Meta:
        table_name = "audit"
        settings_key = "audit_table"

    pk = UnicodeAttribute(hash_key=True)  # CASE#<case id>
    sk = UnicodeAttribute(range_key=True)  # T#<history seq> or R#<n>, 6 digits
    case_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    office = UnicodeAttribute(default="")
    action = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    correlation_id = UnicodeAttribute(default="")
    day_pk = UnicodeAttribute(null=True)
    day_sk = UnicodeAttribute(null=True)
    # The chain: null only on records written before there were chains.
    chain = UnicodeAttribute(null=True)
    seq = NumberAttribute(null=True)
    prev = UnicodeAttribute(null=True)
    hash = UnicodeAttribute(null=True)
    by_day = ByDay()


class ChainBusy(Exception):
    """Too many staff reads of one case at once: the read was not recorded (nor served)."""


def stamp(at: datetime) -> str:
    """One text form for every record (microseconds always shown), so texts sort as times."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def day_partition(case_id: str, day: date) -> str:
    shard = int.from_bytes(hashlib.sha256(case_id.encode()).digest()[:4], "big") % SHARDS
    return f"DAY#{day.isoformat()}#{shard:02d}"


def link_of(record: AuditRecord) -> Link:
    """The record as its chain sees it, exactly as stored (missing chain fields stay empty)."""
    return Link(
        pk=record.pk,
        sk=record.sk,
        chain=record.chain or "",
        seq=int(record.seq or 0),
        case_id=record.case_id,
        at=record.at,
        actor=record.actor,
        role=record.role,
        office=record.office or "",
        action=record.action,
        reason=record.reason or "",
        correlation_id=record.correlation_id or "",
        prev=record.prev or "",
        hash=record.hash or "",
    )


def _model(link: Link) -> AuditRecord:
    return bound(AuditRecord)(
        link.pk,
        link.sk,
        case_id=link.case_id,
        at=link.at,
        actor=link.actor,
        role=link.role,
        office=link.office,
        action=link.action,
        reason=link.reason,
        correlation_id=link.correlation_id,
        day_pk=day_partition(link.case_id, datetime.fromisoformat(link.at).date()),
        day_sk=link.at,
        chain=link.chain,
        seq=link.seq,
        prev=link.prev,
        hash=link.hash,
    )


def transition(
    case_id: str, entry: HistoryEntry, previous_hash: str, correlation_id: str
) -> AuditRecord:
    """The transition's record, next in the case's transition chain. The case store writes it
    in the transition's transaction, whose version check keeps the chain linear."""
    return _model(
        following(
            previous_hash,
            case_id,
            TRANSITIONS,
            entry.seq,
            stamp(entry.at),
            entry.actor,
            entry.role,
            entry.office,
            f"transition:{entry.event}",
            entry.reason,
            correlation_id,
        )
    )


def subject_transition(
    subject_id: str,
    seq: int,
    at: datetime,
    actor: str,
    role: str,
    office: str,
    event: str,
    reason: str,
    previous_hash: str,
    correlation_id: str,
) -> AuditRecord:
    """The record of a change of an audited subject that is not a case (an eTimbre stamp),
    next in its own transition chain, keyed and hashed exactly as a case's (``GET /audit``,
    the digest and the verifier read it as one). The caller keeps the subject's head and seq,
    writes the record in the change's transaction and conditions that write on the head."""
    return _model(
        following(
            previous_hash,
            subject_id,
            TRANSITIONS,
            seq,
            stamp(at),
            actor,
            role,
            office,
            f"transition:{event}",
            reason,
            correlation_id,
        )
    )


def append(
    case_id: str, actor: str, role: str, office: str, action: str, reason: str, correlation_id: str
) -> AuditRecord:
    """Write one staff read at the end of the case's read chain. Two readers at once cannot
    fork it: the next place is put only if still free, and the loser reads the new end and
    tries again."""
    for attempt in range(ATTEMPTS):
        last = _last(case_id, READS)
        previous, seq = (last.hash or "", int(last.seq or 0) + 1) if last else ("", 1)
        record = _model(
            following(
                previous,
                case_id,
                READS,
                seq,
                stamp(clock.now()),
                actor,
                role,
                office,
                action,
                reason,
                correlation_id,
            )
        )
        try:
            record.save(condition=AuditRecord.pk.does_not_exist())
            return record
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        # Full jitter, growing: the losers of a race spread out instead of colliding again.
        time.sleep(random.uniform(0, min(0.25, 0.005 * 2**attempt)))  # noqa: S311 (not secrets)
    raise ChainBusy(case_id)


def _last(case_id: str, chain: str) -> AuditRecord | None:
    """The end of one chain: one strongly consistent Query, newest first, one item."""
    result = bound(AuditRecord).query(
        f"CASE#{case_id}",
        AuditRecord.sk.startswith(f"{chain}#"),
        scan_index_forward=False,
        consistent_read=True,
        limit=1,
    )
    return next(iter(result), None)


def chain_of(case_id: str, chain: str) -> list[AuditRecord]:
    """One whole chain, oldest first (the verifier's read, by pk)."""
    return list(
        bound(AuditRecord).query(
            f"CASE#{case_id}", AuditRecord.sk.startswith(f"{chain}#"), consistent_read=True
        )
    )


def records_of_day(day: date) -> list[AuditRecord]:
    """Every record stamped on ``day`` (UTC): one Query per shard of the by_day index."""
    model = bound(AuditRecord)
    return [
        record
        for shard in range(SHARDS)
        for record in model.by_day.query(f"DAY#{day.isoformat()}#{shard:02d}")
    ]


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    last_key: dict[str, Any] | None  # where each chain stopped: opaque, for a cursor


def records_of_case(case_id: str, limit: int, start_after: dict[str, Any] | None) -> AuditPage:
    """A case's records of both chains, newest first by time: one Query per chain, merged.
    Each chain is read newest first from where the cursor left it; the page takes the newer
    of the two next records until it is full, so each chain is consumed in order."""
    positions = {c: str((start_after or {}).get(c) or "") for c in CHAINS}
    fetched = {c: _newest(case_id, c, positions[c], limit + 1) for c in CHAINS}
    used = dict.fromkeys(CHAINS, 0)
    page: list[AuditRecord] = []
    while len(page) < limit:
        nexts = [(c, fetched[c][used[c]]) for c in CHAINS if used[c] < len(fetched[c])]
        if not nexts:
            break
        chain, record = max(nexts, key=lambda n: (datetime.fromisoformat(n[1].at), n[1].sk))
        page.append(record)
        used[chain] += 1
    after = {c: _position(positions[c], fetched[c], used[c], limit) for c in CHAINS}
    return AuditPage(page, None if set(after.values()) == {END} else after)


def _newest(case_id: str, chain: str, position: str, count: int) -> list[AuditRecord]:
    if position == END:
        return []
    start = {"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": position}} if position else None
    result = bound(AuditRecord).query(
        f"CASE#{case_id}",
        AuditRecord.sk.startswith(f"{chain}#"),
        scan_index_forward=False,
        limit=count,
        last_evaluated_key=start,
    )
    return list(result)


def _position(position: str, fetched: list[AuditRecord], used: int, limit: int) -> str:
    if position == END or (used == len(fetched) and len(fetched) <= limit):
        return END  # read to its end (fetching limit + 1 tells more remain)
    return fetched[used - 1].sk if used else position


class _WrittenHeads:
    """The audit heads this process wrote, by (case id, version).

    A transition leaves the caller the frozen Case it was given, which still carries the head
    from before; a next transition fired on that object would link to a stale head. The head
    written at version v stays the head of version v (each version is written once, behind the
    version check), so this memo is never wrong, only incomplete; the case store's condition
    on the stored head catches anything else."""

    def __init__(self, size: int = 1024) -> None:
        self._heads: OrderedDict[tuple[str, int], str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def before(self, case: Case) -> str:
        with self._lock:
            return self._heads.get((case.id, case.version), case.audit_head)

    def written(self, case_id: str, version: int, head: str) -> None:
        with self._lock:
            self._heads[(case_id, version)] = head
            while len(self._heads) > self._size:
                self._heads.popitem(last=False)


HEADS = _WrittenHeads()
