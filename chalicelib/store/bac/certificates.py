"""Certificates (the signed JWS, its claims, valid or revoked: a candidate record names its
current one) and their shares (listed per owner, revoked by their owner, counted at each
verification)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from chalicelib.credentials.statuslist import Reference
from chalicelib.refusals import LostRace
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.candidates import candidate_key, still_names
from chalicelib.store.bac.items import CandidateItem, CertificateItem, ShareItem
from chalicelib.store.binding import bound
from chalicelib.store.cases import Also

MAX_VERIFICATION_TIMES = 50  # the times a share shows; its count goes on beyond


@dataclass(frozen=True)
class Certificate:
    certificate_id: str
    jws: str
    claims: dict[str, Any]
    status: str
    issued_at: datetime
    revoked_at: datetime | None
    replaced_by: str = ""  # the certificate issued in its place, if any
    sd_jwt: str = ""  # the same certificate as an SD-JWT VC (credentials/), with disclosures
    status_bit: Reference | None = None  # its bit in a status list


@dataclass(frozen=True)
class Share:
    share_id: str
    code: str
    owner: str
    certificate_id: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    verified_count: int
    verified_times: list[str]
    disclosed: list[str] | None = None  # the claims it shows; None: a share of before, all
    presentation: str = ""  # the SD-JWT with the disclosures of ``disclosed`` only


def _certificate(item: CertificateItem) -> Certificate:
    return Certificate(
        item.certificate_id,
        item.jws,
        dict(item.claims or {}),
        item.status,
        item.issued_at,
        item.revoked_at,
        item.replaced_by or "",
        item.sd_jwt or "",
        Reference(item.status_list, int(item.status_index))
        if item.status_list and item.status_index is not None
        else None,
    )


def load_certificate(certificate_id: str) -> Certificate | None:
    try:
        return _certificate(bound(CertificateItem).get(f"BACCERT#{certificate_id}", "CERT"))
    except DoesNotExist:
        return None


def _certificate_item(certificate: Certificate) -> CertificateItem:
    return bound(CertificateItem)(
        f"BACCERT#{certificate.certificate_id}",
        "CERT",
        certificate_id=certificate.certificate_id,
        jws=certificate.jws,
        claims=certificate.claims,
        status=certificate.status,
        issued_at=certificate.issued_at,
        sd_jwt=certificate.sd_jwt,
        status_list=certificate.status_bit.list_id if certificate.status_bit else "",
        status_index=certificate.status_bit.index if certificate.status_bit else None,
    )


def put_certificate(new: Certificate) -> Also:
    """With a transaction: ``new`` written (never over another certificate)."""

    def add(transaction: TransactWrite) -> None:
        transaction.save(_certificate_item(new), condition=CertificateItem.pk.does_not_exist())

    return Also("certificate", add)


def revoke_certificate(certificate_id: str, new: Certificate | None, now: datetime) -> Also:
    """With a transaction: a valid certificate revoked, naming ``new`` (if any) in its place,
    and its status-list bit set in the same transaction (reads the certificate once for it:
    the bit never changes once issued)."""
    from chalicelib.store import credentials

    held = load_certificate(certificate_id)
    flip = credentials.invalidate(held.status_bit) if held and held.status_bit else None

    def add(transaction: TransactWrite) -> None:
        if flip is not None:
            flip.add(transaction)
        model = bound(CertificateItem)
        transaction.update(
            model(f"BACCERT#{certificate_id}", "CERT"),
            actions=[
                model.status.set("revoked"),
                model.revoked_at.set(now),
                model.replaced_by.set(new.certificate_id if new else ""),
            ],
            condition=model.status == "valid",
        )

    return Also("previous_certificate", add)


def attach_credential(certificate_id: str, sd_jwt: str, reference: Reference) -> bool:
    """A certificate issued before credentials existed gets its SD-JWT VC and bit, once:
    False if another request attached one first (or it is no longer valid)."""
    model = bound(CertificateItem)
    try:
        model(f"BACCERT#{certificate_id}", "CERT").update(
            actions=[
                model.sd_jwt.set(sd_jwt),
                model.status_list.set(reference.list_id),
                model.status_index.set(reference.index),
            ],
            condition=(model.sd_jwt == "") & (model.status == "valid"),
        )
    except UpdateError:
        return False
    return True


def certificate_issued(c: Candidate, new: Certificate, now: datetime) -> list[Also]:
    """The candidate's certificate becomes ``new``; the one before (if any) is revoked.
    Conditioned on the record still naming the old one: two issues at once do not both win."""

    def point(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        transaction.update(
            candidate_key(c),
            actions=[model.certificate_id.set(new.certificate_id)],
            condition=still_names(c.certificate_id),
        )

    writes = [put_certificate(new), Also("certificate_pointer", point)]
    return writes + ([revoke_certificate(c.certificate_id, new, now)] if c.certificate_id else [])


# ------------------------------------------------------------------ shares


def _share(item: ShareItem) -> Share:
    return Share(
        item.share_id,
        item.code,
        item.owner,
        item.certificate_id,
        item.label,
        item.created_at,
        item.expires_at,
        item.revoked_at,
        int(item.verified_count or 0),
        [str(t) for t in item.verified_times or []],
        None if item.disclosed is None else [str(c) for c in item.disclosed],
        item.presentation or "",
    )


def save_share(share: Share) -> None:
    bound(ShareItem)(
        f"BACSHARE#{share.share_id}",
        "SHARE",
        share_id=share.share_id,
        code=share.code,
        owner=share.owner,
        certificate_id=share.certificate_id,
        label=share.label,
        created_at=share.created_at,
        expires_at=share.expires_at,
        disclosed=share.disclosed,
        presentation=share.presentation,
        lookup_pk=f"BACSHARES#{share.owner}",
        lookup_sk=f"{share.created_at.isoformat()}#{share.share_id}",
    ).save(condition=ShareItem.pk.does_not_exist())


def load_share(share_id: str) -> Share | None:
    try:
        return _share(bound(ShareItem).get(f"BACSHARE#{share_id}", "SHARE"))
    except DoesNotExist:
        return None


def shares_of(owner: str, limit: int = 100) -> list[Share]:
    """The owner's shares, newest first: one Query."""
    found = bound(ShareItem).by_lookup.query(
        f"BACSHARES#{owner}", scan_index_forward=False, limit=limit
    )
    return [_share(item) for item in found]


def revoke_share(share_id: str, owner: str, now: datetime) -> None:
    model = bound(ShareItem)
    try:
        model(f"BACSHARE#{share_id}", "SHARE").update(
            actions=[model.revoked_at.set(model.revoked_at | now)],
            condition=(model.owner == owner),
        )
    except UpdateError as error:
        raise LostRace("not this owner's share") from error


def count_verification(share_id: str, now: datetime) -> None:
    """One more verification, and its time while the list is short."""
    model = bound(ShareItem)
    item = model(f"BACSHARE#{share_id}", "SHARE")
    try:
        item.update(
            actions=[
                model.verified_count.add(1),
                model.verified_times.set(model.verified_times.append([now.isoformat()])),
            ],
            condition=size(model.verified_times) < MAX_VERIFICATION_TIMES,  # type: ignore[no-untyped-call]
        )
    except UpdateError:
        item.update(actions=[model.verified_count.add(1)])
