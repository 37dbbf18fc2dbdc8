"""The two equivalence machines as data: each track its own states and legal basis, the
decision clock of both (section 1), the review window of the higher track only, and a clock
that counts from the day the office records (the acknowledgement of receipt)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.services.equivalence import domain
from chalicelib.services.equivalence.machines import HIGHER, REVIEW, SCHOOL
from chalicelib.workflow import clocks
from chalicelib.workflow.clocks import end_of_day
from chalicelib.workflow.legal import DECISION_CLOCK

NOW = datetime(2026, 5, 20, 10, tzinfo=UTC)


def test_each_track_marks_its_decisions_on_the_merits() -> None:
    higher = {s.name for s in HIGHER.states if s.decision}
    assert higher == {"decided", "granted", "conditional", "refused", "revoked"}
    school = {s.name for s in SCHOOL.states if s.decision}
    assert school == {"accepted", "published", "not_accepted"}
    assert not {"not_admissible", "closed"} & (higher | school)  # not on the merits


def test_the_school_track_has_no_committee_no_review_and_no_decree() -> None:
    names = SCHOOL.transition_names
    assert not names & {"refer", "propose", "request_review", "reopen", "request_expertise"}
    assert all("committee_member" not in t.roles for t in SCHOOL.transitions)
    assert SCHOOL.clock("review") is None and SCHOOL.guests is None
    words = " ".join(
        [SCHOOL.title, *(s.description for s in SCHOOL.states)]
        + [t.description for t in SCHOOL.transitions]
        + [v for c in SCHOOL.clocks for v in c.legal_basis.values()]
    )
    assert "2.13.165" not in words and "2-13-165" not in words


def test_both_tracks_declare_the_decision_clock() -> None:
    for machine, stops in ((HIGHER, {"decide", "refuse"}), (SCHOOL, {"accept_request"})):
        decision = machine.clock(DECISION_CLOCK)
        assert decision is not None
        assert decision.start == ("submit",) and decision.pause == ("request_complement",)
        assert decision.resume == ("complement",) and stops <= set(decision.stop)
        assert decision.silence_is_consent is False  # no text lists it
    extension = HIGHER.clock(DECISION_CLOCK).extension  # type: ignore[union-attr]
    assert extension is not None and extension.by == "request_expertise"
    assert extension.days == domain.EXPERTISE_EXTENSION_DAYS
    assert SCHOOL.clock(DECISION_CLOCK).extension is None  # type: ignore[union-attr]


def test_the_review_window_counts_from_the_recorded_day() -> None:
    assert REVIEW.source == "seed 002, art. 6" and REVIEW.start_at == "received_on"
    tick = clocks.Tick("record_receipt", NOW, payload={"received_on": "2026-05-11"})
    ticked = clocks.advance(HIGHER, {}, tick, frozenset())
    state = clocks.ClockState.of(ticked.clocks["review"])
    assert clocks.local_day(state.started_at) == date(2026, 5, 11)
    assert state.due_at == end_of_day(date(2026, 7, 10))  # day 60 after 11 May, included
    assert clocks.days_left(REVIEW, state, NOW, frozenset()) == 51
    unrecorded = clocks.advance(HIGHER, {}, clocks.Tick("record_receipt", NOW), frozenset())
    assert clocks.ClockState.of(unrecorded.clocks["review"]).started_at == NOW
