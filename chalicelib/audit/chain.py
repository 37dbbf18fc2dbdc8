"""Hash chains of audit records (pure: no I/O).

A case has two chains: its transitions (``T#<history seq>``, linked in the transition's own
transaction, behind the case's version check) and its staff reads (``R#<n>``, appended with a
conditional put). A record's hash covers its fields, its place (pk, sk, seq) and the hash of
the record before it, so editing, deleting or reordering a record changes a hash that the
next record, the case's audit head or a signed daily digest holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

GENESIS = "0" * 64  # the "previous hash" of a chain's first record
TRANSITIONS = "T"
READS = "R"
CHAINS = (TRANSITIONS, READS)
FORMAT = 1  # version of the canonical form, hashed too: a change of fields cannot pass as data
MAX_SEQ = 999_999  # six digits keep the sort keys in chain order


@dataclass(frozen=True)
class Link:
    """One audit record as its chain sees it: the fields its hash covers, and that hash."""

    pk: str
    sk: str
    chain: str
    seq: int
    case_id: str
    at: str
    actor: str
    role: str
    office: str
    action: str
    reason: str
    correlation_id: str
    prev: str
    hash: str = ""


def sort_key(chain: str, seq: int) -> str:
    if chain not in CHAINS or not 1 <= seq <= MAX_SEQ:
        raise ValueError(f"no place {seq} in chain {chain!r}")
    return f"{chain}#{seq:06d}"


def canonical(link: Link) -> bytes:
    """The bytes hashed: sorted keys, no spaces, UTF-8, the stored hash left out."""
    fields = asdict(link)
    del fields["hash"]
    fields["format"] = FORMAT
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hash_of(link: Link) -> str:
    return hashlib.sha256(canonical(link)).hexdigest()


def sealed(link: Link) -> Link:
    return replace(link, hash=hash_of(link))


def following(
    previous_hash: str,
    case_id: str,
    chain: str,
    seq: int,
    at: str,
    actor: str,
    role: str,
    office: str,
    action: str,
    reason: str,
    correlation_id: str,
) -> Link:
    """The sealed record at ``seq`` of a case's ``chain``, after the one hashed ``previous_hash``
    ("" or GENESIS for the first)."""
    return sealed(
        Link(
            pk=f"CASE#{case_id}",
            sk=sort_key(chain, seq),
            chain=chain,
            seq=seq,
            case_id=case_id,
            at=at,
            actor=actor,
            role=role,
            office=office,
            action=action,
            reason=reason,
            correlation_id=correlation_id,
            prev=previous_hash or GENESIS,
        )
    )
