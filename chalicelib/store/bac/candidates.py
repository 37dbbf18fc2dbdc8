"""Candidate records: written from an academy's candidate list (what the list says, over
what it said before), found by the CNIe number in a token (one Query), and the writes of
the personal-data check (confirmed; a correction opened, then answered)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.refusals import LostRace
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.items import CandidateItem, ClaimItem
from chalicelib.store.binding import bound
from chalicelib.store.cases import Also


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
        continuous_assessment=_decimal((item.assessments or {}).get("continuous_assessment")),
        regional_exam=_decimal((item.assessments or {}).get("regional_exam")),
    )


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def candidate_key(c: Candidate) -> CandidateItem:
    """The candidate's record, as an item to update."""
    return bound(CandidateItem)(_candidate_pk(c.year, c.academy), f"CAND#{c.candidate_number}")


def still_names(certificate_id: str) -> Condition:
    """The record still names ``certificate_id`` ("": none, maybe never written)."""
    model = bound(CandidateItem)
    same: Condition = model.certificate_id == certificate_id
    return same if certificate_id else model.certificate_id.does_not_exist() | same


def candidate_of_cnie(cnie: str, year: int | None = None) -> Candidate | None:
    """The candidate record carrying ``cnie`` in session ``year``, or in the newest session
    without one: one Query."""
    model = bound(CandidateItem)
    condition = model.lookup_sk.startswith(f"{year:04d}#") if year is not None else None
    found = model.by_lookup.query(_cnie_lookup(cnie), condition, scan_index_forward=False, limit=1)
    item = next(iter(found), None)
    return None if item is None else _candidate(item)


def candidates_of_cnie(cnie: str, limit: int = 20) -> list[Candidate]:
    """Every session's record carrying ``cnie``, newest first: one Query (a person sits a
    few sessions, never twenty)."""
    found = bound(CandidateItem).by_lookup.query(
        _cnie_lookup(cnie), scan_index_forward=False, limit=limit
    )
    return [_candidate(item) for item in found]


def load_candidate(year: int, academy: str, number: str) -> Candidate | None:
    try:
        item = bound(CandidateItem).get(_candidate_pk(year, academy), f"CAND#{number}")
    except DoesNotExist:
        return None
    return _candidate(item)


def candidates_of(year: int, academy: str) -> Iterator[Candidate]:
    for item in bound(CandidateItem).query(_candidate_pk(year, academy)):
        yield _candidate(item)


class CnieHeld(Exception):
    """The CNIe number belongs to another candidate of the session."""

    def __init__(self, academy: str, candidate_number: str) -> None:
        super().__init__(f"held by {candidate_number} of {academy}")
        self.academy = academy
        self.candidate_number = candidate_number


def _claim_key(year: int, cnie: str) -> str:
    return f"BACCLAIM#{year:04d}#{cnie}"


def _claim(c: Candidate) -> None:
    """``c`` holds its CNIe number for its session: a conditional put that only the holder
    (or nobody yet) passes, so two academies importing at once cannot both have it."""
    model = bound(ClaimItem)
    mine = (model.academy == c.academy) & (model.candidate_number == c.candidate_number)
    item = model(
        _claim_key(c.year, c.cnie),
        "CLAIM",
        academy=c.academy,
        candidate_number=c.candidate_number,
    )
    try:
        item.save(condition=model.pk.does_not_exist() | mine)
    except PutError as error:
        try:
            holder = model.get(_claim_key(c.year, c.cnie), "CLAIM", consistent_read=True)
        except DoesNotExist:  # released meanwhile: try once more
            item.save(condition=model.pk.does_not_exist())
            return
        raise CnieHeld(holder.academy, holder.candidate_number) from error


def _release(year: int, cnie: str, academy: str, number: str) -> None:
    """The number no longer belongs to (academy, number) in that session, if it did."""
    model = bound(ClaimItem)
    mine = (model.academy == academy) & (model.candidate_number == number)
    with contextlib.suppress(DeleteError):  # someone else's, or nobody's: nothing to release
        model(_claim_key(year, cnie), "CLAIM").delete(condition=mine)


def upsert_candidate(c: Candidate, now: datetime) -> None:
    """What the list says, written over what it said before; the state of the data check,
    accepted corrections and the certificate stay. Safe to run twice. A CNIe number held by
    another candidate of the session (``CnieHeld``) writes nothing; a number the record
    carried before and no longer does is released."""
    if c.cnie:
        _claim(c)
    model = bound(CandidateItem)
    actions = _upsert_actions(c, now)
    same_card = model.cnie.does_not_exist() | (model.cnie == c.cnie)
    try:
        candidate_key(c).update(actions=actions, condition=same_card)
        return
    except UpdateError:
        pass  # the record carried another number: read it, release it, then write
    before = load_candidate(c.year, c.academy, c.candidate_number)
    candidate_key(c).update(actions=actions)
    if before is not None and before.cnie and before.cnie != c.cnie:
        _release(c.year, before.cnie, c.academy, c.candidate_number)


def _upsert_actions(c: Candidate, now: datetime) -> list[Action]:
    model = bound(CandidateItem)
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
    assessments = {
        "continuous_assessment": c.continuous_assessment,
        "regional_exam": c.regional_exam,
    }
    if all(v is not None for v in assessments.values()):
        actions.append(model.assessments.set({k: str(v) for k, v in assessments.items()}))
    if c.cnie:
        actions.append(model.lookup_pk.set(_cnie_lookup(c.cnie)))
        actions.append(model.lookup_sk.set(f"{c.year}#{c.candidate_number}"))
    else:
        actions.append(model.lookup_pk.remove())
        actions.append(model.lookup_sk.remove())
    return actions


def confirm_data(c: Candidate) -> None:
    """The candidate confirms the data held; not while a correction is being examined."""
    model = bound(CandidateItem)
    try:
        candidate_key(c).update(
            actions=[model.data_status.set(domain.DataStatus.CONFIRMED)],
            condition=model.data_status != domain.DataStatus.CORRECTION_REQUESTED,
        )
    except UpdateError as error:
        raise LostRace("a correction is being examined") from error


def correction_opened(c: Candidate) -> Also:
    """With the correction case: the record waits for its answer (one request at a time)."""

    def add(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        transaction.update(
            candidate_key(c),
            actions=[model.data_status.set(domain.DataStatus.CORRECTION_REQUESTED)],
            condition=model.data_status != domain.DataStatus.CORRECTION_REQUESTED,
        )

    return Also("candidate_record", add)


def correction_answered(c: Candidate, fields: dict[str, str], certificate_id: str = "") -> Also:
    """With the answer: accepted ``fields`` join the record's corrections; either way the
    candidate confirms the data again. With ``certificate_id``, the record names that
    certificate (issued on the corrected data) in place of the one it named."""

    def add(transaction: TransactWrite) -> None:
        model = bound(CandidateItem)
        actions: list[Action] = [model.data_status.set(domain.DataStatus.UNCHECKED)]
        actions += [model.corrections[name].set(value) for name, value in fields.items()]
        condition = model.data_status == domain.DataStatus.CORRECTION_REQUESTED
        if certificate_id:
            actions.append(model.certificate_id.set(certificate_id))
            condition = condition & still_names(c.certificate_id)
        transaction.update(candidate_key(c), actions=actions, condition=condition)

    return Also("candidate_record", add)
