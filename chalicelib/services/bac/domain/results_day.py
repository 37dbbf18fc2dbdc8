"""Results day: the moment results become visible (it must leave the publication job its
lead: see docs/bac.md), the complaint window that follows it, and the marks an accepted
complaint corrects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from chalicelib.services.bac.domain import STREAMS, checked_mark, published

DEFAULT_COMPLAINT_DAYS = 7  # the window after publication when a publish request names none

# Publication: the moment is copied into every result item by a background job, so that a
# candidate's read stays one GetItem. The job must reach every item before the moment, or a
# candidate whose item still carries an earlier moment would see results early. So a moment
# leaves the job time: PUBLISH_MARGIN plus the academy's items at a conservative rate.
PUBLISH_RESULTS_PER_SECOND = 200
PUBLISH_MARGIN = timedelta(minutes=2)


def publication_lead(candidates: int) -> timedelta:
    """How long before the moment a publication job must start to reach every item."""
    return PUBLISH_MARGIN + timedelta(seconds=-(-max(candidates, 0) // PUBLISH_RESULTS_PER_SECOND))


@dataclass(frozen=True)
class PublishDecision:
    moment: datetime | None  # the moment to write, when allowed
    field_error: str = ""  # the requested moment is too soon (422 on body.visible_from)
    conflict: str = ""  # the session's current moment forbids the change (409)


def publication(
    requested: datetime | None, current: datetime | None, candidates: int, now: datetime
) -> PublishDecision:
    """The moment a publish request sets, or why not. ``requested`` None means "as soon as
    possible": the earliest moment the job can meet (or, once published, the same moment).
    - once results are visible, the moment cannot change (they cannot be unseen);
    - a moment must leave the job its lead, and so must a moment already set that the job
      replaces: until the job reaches an item, the item carries the moment set before."""
    earliest = now + publication_lead(candidates)
    if published(current, now):
        if requested is None or requested == current:
            return PublishDecision(current)
        assert current is not None
        return PublishDecision(
            None, conflict=f"Results are visible since {current.isoformat()}: it cannot change."
        )
    if current is not None and current < earliest and requested != current:
        return PublishDecision(
            None,
            conflict=f"Results are due at {current.isoformat()}: too close to move them, the "
            f"publication job needs until {earliest.isoformat()} to reach every result.",
        )
    if requested is None:
        return PublishDecision(earliest)
    if requested < earliest and requested != current:
        return PublishDecision(
            None,
            field_error=f"at the earliest {earliest.isoformat()}: the publication job must "
            "reach every result before the moment",
        )
    return PublishDecision(requested)


def complaint_refusal(
    visible_from: datetime | None, complaint_until: datetime | None, now: datetime
) -> str:
    """Why a complaint may not be filed now, or "": only between publication and the end of
    the session's complaint window."""
    if not published(visible_from, now):
        return "Complaints open when the results are published."
    if complaint_until is None or now > complaint_until:
        return "The complaint window of this session has closed."
    return ""


def corrected_marks(
    stream: str, marks: Mapping[str, Decimal], corrections: Mapping[str, Decimal]
) -> tuple[dict[str, Decimal], str]:
    """The marks after an accepted complaint's corrections, or why they are refused."""
    unknown = set(corrections) - set(STREAMS[stream])
    if unknown:
        return {}, f"no subject {', '.join(sorted(unknown))} in stream {stream}"
    for subject, mark in corrections.items():
        _, why_not = checked_mark(str(mark))
        if why_not:
            return {}, f"{subject}: {why_not}"
    return {**marks, **corrections}, ""
