"""Sessions (one per year and academy: the exam's first day, the publication moment, the
complaint window) and result items: the moment copied into each, so that a candidate's
results are one GetItem; an accepted complaint's corrected marks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.candidates import candidate_key, still_names
from chalicelib.store.bac.certificates import Certificate, put_certificate, revoke_certificate
from chalicelib.store.bac.items import CandidateItem, ResultItem, SessionItem
from chalicelib.store.binding import bound
from chalicelib.store.cases import Also


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
    components: dict[str, Decimal] = field(default_factory=dict)  # grading's, by name


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


def _result_key(cnie: str, year: int) -> tuple[str, str]:
    """One result item per CNIe number and session: the sessions sort by their year."""
    return f"BACR#{cnie}", f"RESULT#{year:04d}"


def _result_item(c: Candidate, session: Session) -> ResultItem:
    """What the candidate's results page shows; before the marks exist, only who and when
    (so that the page answers "not published yet", not "not a candidate")."""
    result = domain.result_for(c) if c.has_results else None
    return bound(ResultItem)(
        *_result_key(c.cnie, c.year),
        year=c.year,
        candidate_number=c.candidate_number,
        academy=c.academy,
        stream=c.stream,
        marks={k: str(v) for k, v in c.marks.items()},
        average=str(result.average) if result else "",
        mention=result.mention if result else "",
        outcome=result.outcome if result else "",
        components={k: str(v) for k, v in result.components.items()} if result else {},
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


def result_of_cnie(cnie: str, year: int | None = None) -> StoredResult | None:
    """``GET /bac/me/results``: a session's result, one eventually consistent GetItem; the
    newest session's without a year, one Query (limit 1) of the number's result items."""
    model = bound(ResultItem)
    if year is not None:
        try:
            item = model.get(*_result_key(cnie, year))
        except DoesNotExist:
            return None
    else:
        pk, _ = _result_key(cnie, 0)
        found = model.query(pk, model.sk.startswith("RESULT#"), scan_index_forward=False, limit=1)
        newest = next(iter(found), None)
        if newest is None:
            return None
        item = newest
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
        {k: Decimal(v) for k, v in (item.components or {}).items()},
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
            candidate_key(c),
            actions=[
                model.marks.set({k: str(v) for k, v in marks.items()}),
                model.certificate_id.set(new.certificate_id if new else ""),
            ],
            condition=still_names(c.certificate_id),
        )

    def result(transaction: TransactWrite) -> None:
        transaction.save(_result_item(after, session))

    writes = [Also("candidate_marks", candidate)]
    writes += [Also("candidate_result", result)] if c.cnie else []
    writes += [put_certificate(new)] if new else []
    writes += [revoke_certificate(c.certificate_id, new, now)] if c.certificate_id else []
    return writes
