"""Reads and writes of the baccalaureate's items (see ``items.py`` for their keys)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.items import (
    CandidateItem,
    CertificateItem,
    GuardItem,
    ResultItem,
    SessionItem,
    ShareItem,
)
from chalicelib.store.binding import bound
from chalicelib.store.cases import Also

MAX_VERIFICATION_TIMES = 50  # the times a share shows; its count goes on beyond


class Conflict(Exception):
    """A conditional write lost: the item changed meanwhile."""


@dataclass(frozen=True)
class Session:
    year: int
    academy: str
    exam_start: str
    visible_from: datetime | None
    complaint_until: datetime | None
    candidates: int


@dataclass(frozen=True)
class StoredResult:
    year: int
    candidate_number: str
    stream: str
    marks: dict[str, Decimal]
    average: str
    mention: str
    outcome: str
    visible_from: datetime | None
    complaint_until: datetime | None


@dataclass(frozen=True)
class Certificate:
    certificate_id: str
    jws: str
    claims: dict[str, Any]
    status: str
    issued_at: datetime
    revoked_at: datetime | None


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


# ------------------------------------------------------------------ candidates


def _candidate_pk(year: int, academy: str) -> str:
    return f"BAC#{year}#{academy}"


def _cnie_lookup(cnie: str) -> str:
    return f"BACCNIE#{cnie}"


LISTED = domain.CORRECTABLE  # the personal data kept as the list has it


def _listed(c: Candidate) -> dict[str, str]:
    return {
        k: str(getattr(c, k)) if k != "birth_date" else c.birth_date.isoformat() for k in LISTED
    }


def _candidate(item: CandidateItem) -> Candidate:
    corrections = item.corrections.as_dict() if item.corrections else {}  # type: ignore[no-untyped-call]
    data = {**(item.listed or {}), **corrections}
    return Candidate(
        year=int(item.year),
        candidate_number=item.candidate_number,
        first_name_ar=data["first_name_ar"],
        last_name_ar=data["last_name_ar"],
        first_name_fr=data["first_name_fr"],
        last_name_fr=data["last_name_fr"],
        birth_date=date.fromisoformat(data["birth_date"]),
        birth_place_ar=data["birth_place_ar"],
        birth_place_fr=data["birth_place_fr"],
        cnie=item.cnie or "",
        academy=item.academy,
        school=item.school,
        stream=item.stream,
        exam_centre=item.exam_centre,
        marks={k: Decimal(v) for k, v in (item.marks or {}).items()},
        data_status=item.data_status,
        certificate_id=item.certificate_id or "",
    )


def _candidate_key(c: Candidate) -> CandidateItem:
    return bound(CandidateItem)(_candidate_pk(c.year, c.academy), f"CAND#{c.candidate_number}")


def _still_names(certificate_id: str) -> Condition:
    """The record still names ``certificate_id`` ("": none, maybe never written)."""
    model = bound(CandidateItem)
    same: Condition = model.certificate_id == certificate_id
    return same if certificate_id else model.certificate_id.does_not_exist() | same


def candidate_of_cnie(cnie: str) -> Candidate | None:
    """The candidate record of the newest session carrying ``cnie``: one Query."""
    found = bound(CandidateItem).by_lookup.query(
        _cnie_lookup(cnie), scan_index_forward=False, limit=1
    )
    item = next(iter(found), None)
    return None if item is None else _candidate(item)


def load_candidate(year: int, academy: str, number: str) -> Candidate | None:
    try:
        item = bound(CandidateItem).get(_candidate_pk(year, academy), f"CAND#{number}")
    except DoesNotExist:
        return None
    return _candidate(item)


def candidates_of(year: int, academy: str) -> Iterator[Candidate]:
    for item in bound(CandidateItem).query(_candidate_pk(year, academy)):
        yield _candidate(item)


def upsert_candidate(c: Candidate, now: datetime) -> None:
    """What the list says, written over what it said before; the state of the data check,
    accepted corrections and the certificate stay. Safe to run twice."""
    model = bound(CandidateItem)
    item = _candidate_key(c)
    actions: list[Action] = [
        model.year.set(c.year),
        model.candidate_number.set(c.candidate_number),
        model.listed.set(_listed(c)),
        model.cnie.set(c.cnie),
        model.academy.set(c.academy),
        model.school.set(c.school),
        model.stream.set(c.stream),
        model.exam_centre.set(c.exam_centre),
        model.imported_at.set(now),
        model.data_status.set(model.data_status | domain.DataStatus.UNCHECKED),
        model.corrections.set(model.corrections | {}),
    ]
    if c.marks:
        actions.append(model.marks.set({k: str(v) for k, v in c.marks.items()}))
    if c.cnie:
        actions.append(model.lookup_pk.set(_cnie_lookup(c.cnie)))
        actions.append(model.lookup_sk.set(f"{c.year}#{c.candidate_number}"))
    else:
        actions.append(model.lookup_pk.remove())
        actions.append(model.lookup_sk.remove())
    item.update(actions=actions)


def confirm_data(c: Candidate) -> None:
    """The candidate confirms the data held; not while a correction is being examined."""
    model = bound(CandidateItem)
    try:
        _candidate_key(c).update(
            actions=[model.data_status.set(domain.DataStatus.CONFIRMED)],
            condition=model.data_status != domain.DataStatus.CORRECTION_REQUESTED,
        )
    except UpdateError as error:
        raise Conflict("a correction is being examined") from error


def correction_opened(c: Candidate) -> Also:
    """With the correction case: the record waits for its answer (one request at a time)."""

    def add(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        transaction.update(
            _candidate_key(c),
            actions=[model.data_status.set(domain.DataStatus.CORRECTION_REQUESTED)],
            condition=model.data_status != domain.DataStatus.CORRECTION_REQUESTED,
        )

    return Also("candidate_record", add)


def correction_answered(c: Candidate, fields: dict[str, str]) -> Also:
    """With the answer: accepted ``fields`` join the record's corrections; either way the
    candidate confirms the data again."""

    def add(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        actions: list[Action] = [model.data_status.set(domain.DataStatus.UNCHECKED)]
        actions += [model.corrections[name].set(value) for name, value in fields.items()]
        transaction.update(
            _candidate_key(c),
            actions=actions,
            condition=model.data_status == domain.DataStatus.CORRECTION_REQUESTED,
        )

    return Also("candidate_record", add)


# ------------------------------------------------------------------ sessions and results


def _session_key(year: int, academy: str) -> tuple[str, str]:
    return f"BAC#{year}", f"ACADEMY#{academy}"


def load_session(year: int, academy: str) -> Session | None:
    try:
        item = bound(SessionItem).get(*_session_key(year, academy))
    except DoesNotExist:
        return None
    return Session(
        int(item.year),
        item.academy,
        item.exam_start,
        item.visible_from,
        item.complaint_until,
        int(item.candidates),
    )


def save_session(session: Session, now: datetime) -> None:
    pk, sk = _session_key(session.year, session.academy)
    bound(SessionItem)(
        pk,
        sk,
        year=session.year,
        academy=session.academy,
        exam_start=session.exam_start,
        visible_from=session.visible_from,
        complaint_until=session.complaint_until,
        candidates=session.candidates,
        updated_at=now,
    ).save()


def _result_item(c: Candidate, session: Session) -> ResultItem:
    """What the candidate's results page shows; before the marks exist, only who and when
    (so that the page answers "not published yet", not "not a candidate")."""
    result = domain.result_of(c.stream, c.marks) if c.marks else None
    return bound(ResultItem)(
        f"BACR#{c.cnie}",
        "RESULT",
        year=c.year,
        candidate_number=c.candidate_number,
        academy=c.academy,
        stream=c.stream,
        marks={k: str(v) for k, v in c.marks.items()},
        average=str(result.average) if result else "",
        mention=result.mention if result else "",
        outcome=result.outcome if result else "",
        visible_from=session.visible_from,
        complaint_until=session.complaint_until,
    )


def write_results(candidates: Iterable[Candidate], session: Session) -> int:
    """Each candidate's result item (those with a CNIe number: the only ones who can sign
    in to read it), with the session's publication moment copied in: batches of 25 puts."""
    written = 0
    with bound(ResultItem).batch_write() as batch:
        for c in candidates:
            if c.cnie:
                batch.save(_result_item(c, session))
                written += 1
    return written


def result_of_cnie(cnie: str) -> StoredResult | None:
    """``GET /bac/me/results``: one eventually consistent GetItem, nothing else."""
    try:
        item = bound(ResultItem).get(f"BACR#{cnie}", "RESULT")
    except DoesNotExist:
        return None
    return StoredResult(
        int(item.year),
        item.candidate_number,
        item.stream,
        {k: Decimal(v) for k, v in (item.marks or {}).items()},
        item.average,
        item.mention,
        item.outcome,
        item.visible_from,
        item.complaint_until,
    )


def marks_corrected(
    c: Candidate,
    marks: dict[str, Decimal],
    session: Session,
    new: Certificate | None,
    now: datetime,
) -> list[Also]:
    """With an accepted complaint: the candidate's marks and result item corrected; the
    certificate issued before (if any) revoked, and ``new`` (if any) in its place."""
    after = replace(c, marks=marks)

    def candidate(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        transaction.update(
            _candidate_key(c),
            actions=[
                model.marks.set({k: str(v) for k, v in marks.items()}),
                model.certificate_id.set(new.certificate_id if new else ""),
            ],
            condition=_still_names(c.certificate_id),
        )

    def result(transaction: TransactWrite) -> None:
        transaction.save(_result_item(after, session))

    writes = [Also("candidate_marks", candidate)]
    writes += [Also("candidate_result", result)] if c.cnie else []
    writes += [_put_certificate(new)] if new else []
    writes += [_revoke_certificate(c.certificate_id, new, now)] if c.certificate_id else []
    return writes


# ------------------------------------------------------------------ certificates


def _certificate(item: CertificateItem) -> Certificate:
    return Certificate(
        item.certificate_id,
        item.jws,
        dict(item.claims or {}),
        item.status,
        item.issued_at,
        item.revoked_at,
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
    )


def _put_certificate(new: Certificate) -> Also:
    def add(transaction: TransactWrite) -> None:
        transaction.save(_certificate_item(new), condition=CertificateItem.pk.does_not_exist())

    return Also("certificate", add)


def _revoke_certificate(certificate_id: str, new: Certificate | None, now: datetime) -> Also:
    def add(transaction: TransactWrite) -> None:
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


def certificate_issued(c: Candidate, new: Certificate, now: datetime) -> list[Also]:
    """The candidate's certificate becomes ``new``; the one before (if any) is revoked.
    Conditioned on the record still naming the old one: two issues at once do not both win."""

    def point(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        transaction.update(
            _candidate_key(c),
            actions=[model.certificate_id.set(new.certificate_id)],
            condition=_still_names(c.certificate_id),
        )

    writes = [_put_certificate(new), Also("certificate_pointer", point)]
    return writes + ([_revoke_certificate(c.certificate_id, new, now)] if c.certificate_id else [])


def run(writes: Iterable[Also]) -> None:
    """``Also`` writes on their own, in one transaction; a lost condition is a Conflict."""
    from pynamodb.connection import Connection
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.settings import get_settings

    transaction = TransactWrite(connection=Connection(region=get_settings().region))
    try:
        with transaction:
            for write in writes:
                write.add(transaction)
    except TransactWriteError as error:
        raise Conflict(str(error)) from error


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
        raise Conflict("not this owner's share") from error


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


# ------------------------------------------------------------------ guards


def guard(what: str) -> Also:
    """One request of a kind (``what`` says which): the guard may not exist yet."""

    def add(transaction: TransactWrite) -> None:
        item = bound(GuardItem)(f"BACGUARD#{what}", "GUARD")
        transaction.save(item, condition=GuardItem.pk.does_not_exist())

    return Also("already_applied", add)
