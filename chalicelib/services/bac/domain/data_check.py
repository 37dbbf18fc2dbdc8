"""The personal-data check: a candidate confirms the data held or asks for corrections
(a case for the academy's exam office, accepted only on a verified supporting document);
the convocation opens once the data is confirmed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from chalicelib.services.bac.domain import (
    CORRECTABLE,
    STREAMS,
    Candidate,
    DataStatus,
    parse_date,
)

# Papers start at 08:00 and 15:00, two a day (the ministry's usual timetable); no Sunday.
SITTINGS = ("08:00", "15:00")


def correction_refusal(candidate: Candidate, fields: Mapping[str, str]) -> str:
    """Why these corrections may not be asked for, or ""."""
    if candidate.data_status == DataStatus.CORRECTION_REQUESTED:
        return "A correction is already being examined; wait for its answer."
    if not fields:
        return "Name at least one field to correct."
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        return f"These fields cannot be corrected here: {', '.join(sorted(unknown))}."
    if "birth_date" in fields and parse_date(fields["birth_date"]) is None:
        return "birth_date: a date YYYY-MM-DD."
    return ""


def with_corrections(candidate: Candidate, fields: Mapping[str, str]) -> Candidate:
    """The record after accepted corrections: the candidate must confirm it again."""
    changes: dict[str, object] = {k: v for k, v in fields.items() if k in CORRECTABLE}
    if "birth_date" in changes:
        changes["birth_date"] = date.fromisoformat(str(changes["birth_date"]))
    return replace(candidate, **changes, data_status=DataStatus.UNCHECKED)  # type: ignore[arg-type]


def correction_acceptance_refusal(document_status: str) -> str:
    """Why an officer may not accept a correction yet, or "": its supporting document must
    have arrived and passed the checks (``missing``, ``awaiting_upload``, ``rejected``)."""
    if document_status == "verified":
        return ""
    if document_status == "rejected":
        return (
            "The supporting document was rejected by the checks: the candidate must send another."
        )
    return "The supporting document has not been received and verified yet."


def schedule(stream: str, exam_start: date | None) -> list[tuple[date | None, str, str]]:
    """(day, time, subject) of each paper, in the stream's order, from the first exam day;
    days are None until the session's first day is known."""
    papers, day = [], exam_start
    for n, subject in enumerate(STREAMS[stream]):
        if n and n % len(SITTINGS) == 0 and day is not None:
            day += timedelta(days=1)
            if day.weekday() == 6:
                day += timedelta(days=1)
        papers.append((day, SITTINGS[n % len(SITTINGS)], subject))
    return papers


def convocation_refusal(candidate: Candidate) -> str:
    if candidate.data_status == DataStatus.CORRECTION_REQUESTED:
        return "Your correction request is being examined; confirm your data once it is answered."
    if candidate.data_status != DataStatus.CONFIRMED:
        return "Check and confirm your personal data first (POST /bac/me/verification)."
    return ""
