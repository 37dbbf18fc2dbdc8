"""``make audit-verify DATE=YYYY-MM-DD``: check one day of the audit trail with the public key.

Every chain that has a record stamped that day is read whole (by pk) and checked record by
record: its hash, its place, its link to the one before; a transition chain also against
the head its subject keeps (a case's, or an eTimbre stamp's), so a deleted last record
shows. Then the day's records are checked against the signed digest, whose signature is
verified with the public key only (``--jwks`` of a running API, or KMS
GetPublicKey; never KMS Verify). The first finding names the record (pk, sk) and what is
wrong; the exit code is 1 when there is any.

    python -m scripts.audit_verify --date 2026-05-01            # the stack of `make run`
    python -m scripts.audit_verify --date 2026-05-01 --jwks http://127.0.0.1:8000/.well-known/jwks.json
    python -m scripts.audit_verify --date 2026-05-01 --publish  # publish the day's digest first
    python -m scripts.audit_verify --date 2026-05-01 --here     # the AWS this shell points at

It reads by the ``by_day`` index and by pk: no Scan.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

    from chalicelib.audit.verify import Mismatch


@dataclass
class Report:
    day: date
    records: int = 0
    chains: int = 0
    digest: dict[str, Any] | None = None
    findings: list[Mismatch] = field(default_factory=list)


def verify(day: date, jwks_url: str = "") -> Report:
    """Check ``day``: the chains it touched, then its digest."""
    from chalicelib.audit.chain import TRANSITIONS
    from chalicelib.audit.verify import check_chain, check_day
    from chalicelib.store import audit

    links = [audit.link_of(r) for r in audit.records_of_day(day)]
    # A record's chain is its sort key's prefix: the key is what cannot be edited in place.
    chains = sorted({(link.case_id, link.sk.partition("#")[0]) for link in links})
    report = Report(day, len(links), len(chains))
    for case_id, chain in chains:
        whole = [audit.link_of(r) for r in audit.chain_of(case_id, chain)]
        head = _head_of(case_id) if chain == TRANSITIONS else None
        report.findings += check_chain(whole, head)
    report.digest, notes = _published(day)
    report.findings += notes
    key = public_key(jwks_url, str((report.digest or {}).get("key_id", "")))
    report.findings += check_day(day, links, report.digest, key)
    return report


def _head_of(subject_id: str) -> str | None:
    """The hash a subject's transition chain must end at: a case keeps one, and so does an
    eTimbre stamp (its moves are chained as a case's are). None: nothing to compare."""
    from chalicelib.store import cases
    from chalicelib.store.etimbre import reads

    case = cases.load(subject_id)
    if case is not None:
        return case.audit_head
    stamp = reads.get(subject_id)
    return stamp.audit_head if stamp else None


def _published(day: date) -> tuple[dict[str, Any] | None, list[Mismatch]]:
    """The digest's newest version, and what is odd about the object itself."""
    from chalicelib.audit import digest
    from chalicelib.audit.verify import Mismatch

    versions, hidden = digest.versions_of(day)
    notes = []
    if len(versions) > 1:
        notes.append(f"written {len(versions)} times; the newest is checked")
    if hidden:
        notes.append("hidden by a delete marker; its locked version is checked")
    findings = [Mismatch("digest", note, digest.key_of(day)) for note in notes]
    return (digest.read_digest(day, versions[0]) if versions else None), findings


def public_key(jwks_url: str, key_id: str) -> EllipticCurvePublicKey:
    """The signing key's public half: from a JWKS URL, or KMS GetPublicKey."""
    from chalicelib.audit import statement

    if jwks_url:
        with urllib.request.urlopen(jwks_url, timeout=10) as answer:  # noqa: S310 (operator's URL)
            keys: list[dict[str, Any]] = json.load(answer)["keys"]
    else:
        from chalicelib.documents import signing

        keys = [signing.public_jwk()]
    chosen = next((k for k in keys if k.get("kid") == key_id), keys[0])
    return statement.public_key(chosen)


def lines(report: Report) -> list[str]:
    digest = report.digest or {}
    out = [
        f"Audit trail of {report.day.isoformat()}: {report.records} records in "
        f"{report.chains} chains; digest key {digest.get('key_id', '-')}, "
        f"signed {digest.get('signed_at', '-')}."
    ]
    if not report.findings:
        out.append(
            "OK: every chain links up, the count, root and heads match the digest, and its "
            "signature verifies with the public key."
        )
        return out
    first, *others = report.findings
    out.append(f"MISMATCH at {first}")
    out += [f"  also {finding}" for finding in others[:20]]
    if len(others) > 20:
        out.append(f"  ... and {len(others) - 20} more")
    return out


def _connect(stage: str) -> None:
    """The settings of the stack of `make run`. Its stack output names the template's signing
    key, which moto makes symmetric; the alias names the ECC key that really signs."""
    import os

    import boto3

    from scripts.outbox import connect

    connect(stage)
    alias = f"alias/khidmat-{stage}-signing"
    os.environ["SIGNING_KEY_ID"] = boto3.client("kms").describe_key(KeyId=alias)["KeyMetadata"][
        "KeyId"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--jwks", default="", help="a /.well-known/jwks.json URL")
    parser.add_argument("--publish", action="store_true", help="publish the digest first")
    parser.add_argument("--allow-open-day", action="store_true", help="publish a running day")
    parser.add_argument("--stage", default="local")
    parser.add_argument("--here", action="store_true", help="use this shell's AWS and settings")
    args = parser.parse_args(argv)
    if not args.here:
        try:
            _connect(args.stage)
        except Exception as error:  # no server, or no stack in it: say what to do
            print(f"no Khidmat stack on the moto server ({error}); start it with `make run`")
            return 2
    if args.publish:
        from chalicelib.audit import digest

        try:
            published = digest.publish_digest(args.date, allow_open_day=args.allow_open_day)
        except digest.DayNotOver as error:
            print(f"{error}: a digest is final; add --allow-open-day to publish it anyway")
            return 2
        print(f"published {digest.key_of(args.date)}: {published['count']} records")
    report = verify(args.date, args.jwks)
    print("\n".join(lines(report)))
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
