"""The pure parts of the published processing times: histogram percentiles against a
brute-force computation on the raw durations, the window, days, decisions and legal time."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from chalicelib.stats import histogram, rules
from chalicelib.stats.report import summarise
from chalicelib.stats.rules import Month
from chalicelib.workflow.machine import StateKind
from tests.support.demo_case import DECISION, DEMO, REVIEW


def nearest_rank(durations: list[int], share: Fraction) -> int:
    """The textbook definition, on the raw values (capped like the histogram)."""
    ordered = sorted(min(d, histogram.OVERFLOW) for d in durations)
    return ordered[math.ceil(share * len(ordered)) - 1]


@pytest.mark.parametrize("seed", range(20))
def test_percentiles_of_the_histogram_are_those_of_the_raw_durations(seed: int) -> None:
    draw = random.Random(seed)
    durations = [draw.choice([draw.randint(0, 150), draw.randint(0, 10)]) for _ in range(seed + 1)]
    counts = histogram.of_durations(durations)
    for share in (histogram.MEDIAN, histogram.P90, Fraction(1, 4), Fraction(1)):
        assert histogram.percentile(counts, share) == nearest_rank(durations, share)


def test_known_figures() -> None:
    counts = histogram.of_durations([0, 3, 3, 10, 45, 60, 61, 90, 130, 200])
    assert histogram.percentile(counts, histogram.MEDIAN) == 45  # rank 5 of 10: lower middle
    assert histogram.percentile(counts, histogram.P90) == histogram.OVERFLOW  # rank 9: 130
    assert histogram.percentile(histogram.of_durations([7]), histogram.P90) == 7
    assert histogram.percentile({}, histogram.MEDIAN) is None
    assert histogram.percentile({5: 0}, histogram.MEDIAN) is None


def test_buckets_and_their_attributes() -> None:
    assert [histogram.bucket(d) for d in (0, 1, 120, 121, 5000)] == [0, 1, 120, 121, 121]
    assert histogram.attribute(0) == "d000" and histogram.attribute(121) == "d121"
    names = [histogram.attribute(b) for b in range(histogram.OVERFLOW + 1)]
    assert [histogram.bucket_of_attribute(n) for n in names] == list(range(122))
    for other in ("decided", "d122", "d12", "dxyz", "pk"):
        assert histogram.bucket_of_attribute(other) is None
    with pytest.raises(ValueError):
        histogram.bucket(-1)
    with pytest.raises(ValueError):
        histogram.attribute(122)


def test_months_and_offices_merge_by_adding_counts() -> None:
    months = [
        Month("2026-01", 3, 2, dict(histogram.of_durations([1, 2, 70]))),
        Month("2026-02", 2, 2, dict(histogram.of_durations([2, 5]))),
    ]
    summary = summarise(months)
    assert (summary.decided, summary.within) == (5, 4)
    assert (summary.median_days, summary.p90_days) == (2, 70)
    assert summary.within_share == 0.8
    assert summarise([]).within_share is None and summarise([]).median_days is None


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2026, 5, 15), ("2026-02", "2026-03", "2026-04", "2026-05")),
        (date(2026, 1, 1), ("2025-10", "2025-11", "2025-12", "2026-01")),
        (date(2026, 3, 31), ("2025-12", "2026-01", "2026-02", "2026-03")),
    ],
)
def test_the_window_is_whole_months_covering_the_last_90_days(
    today: date, months: tuple[str, ...]
) -> None:
    window = rules.window(today)
    assert window.months == months
    assert window.start == date.fromisoformat(f"{months[0]}-01") and window.end == today
    assert window.start <= today - timedelta(days=90)


def test_days_are_calendar_days_in_morocco() -> None:
    # 23:30 UTC is 00:30 the next day in Casablanca (UTC+1 outside Ramadan)
    evening = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    assert rules.local_day(evening) == date(2026, 1, 11)
    assert rules.month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "2026-02"
    assert rules.days_between(datetime(2026, 1, 10, 22, 0, tzinfo=UTC), evening) == 1
    assert rules.days_between(evening, evening + timedelta(hours=5)) == 0
    assert rules.days_between(evening, evening - timedelta(days=2)) == 0  # never negative


def test_decisions_are_the_states_the_machine_marks_so() -> None:
    config = rules.config_for(DEMO)
    assert config.decisions == {"accepted", "refused"}
    assert config.legal_days == 60 and config.clock is DECISION
    assert rules.is_decision(config, "submitted", "accepted")
    assert not rules.is_decision(config, "submitted", "withdrawn")
    assert not rules.is_decision(config, "complement_requested", "closed")
    assert not rules.is_decision(config, "accepted", "refused")  # decided already


def test_a_decision_need_not_be_terminal_and_a_terminal_state_need_not_be_a_decision() -> None:
    states = tuple(
        s._replace(kind=StateKind.WAITING) if s.name == "accepted" else s._replace(decision=False)
        for s in DEMO.states
    )
    config = rules.config_for(replace(DEMO, states=states))
    assert config.decisions == {"accepted"}  # no name heuristic, no terminal-only rule
    assert not rules.is_decision(config, "submitted", "refused")


def test_the_legal_clock_is_the_decision_clock_never_the_appeal_window() -> None:
    review_only = replace(DEMO, clocks=(REVIEW,))
    assert rules.config_for(review_only).clock is None
    assert rules.config_for(review_only).legal_days is None
    config, submitted = rules.config_for(review_only), datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert not rules.within_legal_time(config, {}, submitted, submitted)  # no legal time


def test_a_case_without_its_clock_record_is_measured_against_the_clock_length() -> None:
    """A case filed before its type declared the clock: the declared length, from filing."""
    calendar_days = replace(DEMO, clocks=(DECISION._replace(working_days=False),))
    config, submitted = rules.config_for(calendar_days), datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert rules.within_legal_time(config, {}, submitted, submitted + timedelta(days=60))
    assert not rules.within_legal_time(config, {}, submitted, submitted + timedelta(days=61))


def test_the_cases_own_clock_decides_when_there_is_one() -> None:
    config, submitted = rules.config_for(DEMO), datetime(2026, 1, 1, 12, tzinfo=UTC)
    decided = submitted + timedelta(days=70)
    paused = {"decision": {"state": "done", "due_at": (decided + timedelta(hours=1)).isoformat()}}
    assert rules.within_legal_time(config, paused, submitted, decided)  # paused 10+ days
    short = {"decision": {"state": "done", "due_at": "2026-01-20T12:00:00Z"}}
    assert not rules.within_legal_time(config, short, submitted, submitted + timedelta(days=30))
    expired = {"decision": {"state": "expired", "due_at": decided.isoformat()}}
    assert not rules.within_legal_time(config, expired, submitted, submitted + timedelta(days=1))
    stopped_while_paused = {"decision": {"state": "done", "due_at": None}}
    assert rules.within_legal_time(config, stopped_while_paused, submitted, decided)
    unusable: list[dict[str, Any]] = [
        {"decision": "x"},
        {"decision": {"due_at": "soon"}},
        {"decision": {"state": "running"}},
        {"other": {}},
    ]
    for clocks in unusable:
        assert rules.within_legal_time(config, clocks, submitted, submitted)  # 60-day rule


def test_counter_helpers_agree() -> None:
    assert histogram.merge([Counter({1: 2}), {1: 1, 3: 1}]) == Counter({1: 3, 3: 1})
