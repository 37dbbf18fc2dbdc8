"""Checking the trail (pure): a chain record by record, a day against its signed digest.
Each finding names where it is (pk, sk) and what is wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from chalicelib.audit import statement
from chalicelib.audit.chain import GENESIS, Link, hash_of

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey


@dataclass(frozen=True)
class Mismatch:
    what: str  # hash, sequence, link, head; digest, signature, or a summary field (root ...)
    detail: str
    pk: str = ""
    sk: str = ""

    def __str__(self) -> str:
        return f"{' '.join(p for p in (self.pk, self.sk) if p)}: {self.what}: {self.detail}"


def _short(value: str) -> str:
    return f"{value[:12]}…" if value else "(none)"


def check_chain(links: Sequence[Link], head: str | None = None) -> list[Mismatch]:
    """What is wrong in one chain, read in sort-key order, first finding first. ``head``, for a
    transition chain, is the case's audit head: it must be the last record's hash, or records
    after it were deleted."""
    found: list[Mismatch] = []
    previous: Link | None = None
    for link in links:
        computed = hash_of(link)
        if computed != link.hash:
            detail = f"stored {_short(link.hash)}, computed {_short(computed)}: the record changed"
            found.append(Mismatch("hash", detail, link.pk, link.sk))
        expected_seq = previous.seq + 1 if previous else 1
        expected_prev = previous.hash if previous else GENESIS
        if link.seq != expected_seq:
            detail = f"seq {link.seq} where {expected_seq} was due: a record is missing before it"
            found.append(Mismatch("sequence", detail, link.pk, link.sk))
        elif link.prev != expected_prev:
            before = previous.sk if previous else "the start of the chain"
            detail = f"prev {_short(link.prev)} is not the hash of {before}: reordered or replaced"
            found.append(Mismatch("link", detail, link.pk, link.sk))
        previous = link
    found += _check_head(links, head)
    return found


def _check_head(links: Sequence[Link], head: str | None) -> list[Mismatch]:
    if head is None:
        return []
    last = links[-1] if links else None
    if last is None:
        if head in ("", GENESIS):
            return []
        return [Mismatch("head", f"the case's audit head {_short(head)} has no record")]
    if head != last.hash:
        detail = (
            f"the case's audit head {_short(head)} is not this last record's hash: "
            "a later record was deleted, or the head changed"
        )
        return [Mismatch("head", detail, last.pk, last.sk)]
    return []


def check_day(
    day: date,
    links: Sequence[Link],
    digest: Mapping[str, Any] | None,
    key: EllipticCurvePublicKey,
) -> list[Mismatch]:
    """The day's records (stored hashes) against the published digest, whose signature is
    checked with the public key only."""
    where = f"digests/{day.isoformat()}.json"
    if digest is None:
        return [Mismatch("digest", f"none published for {day.isoformat()}", where)]
    found = []
    if not statement.signature_valid(digest, key):
        detail = "does not verify with the public key: the digest was forged or altered"
        found.append(Mismatch("signature", detail, where))
    summary = statement.summarise(day, links)
    for field in statement.SUMMARY_FIELDS:
        published, computed = digest.get(field), getattr(summary, field)
        if published != computed:
            detail = f"the digest says {published}, the records give {computed}"
            found.append(Mismatch(field, detail, where))
    return found
