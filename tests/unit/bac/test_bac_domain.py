"""The baccalaureate's rules: candidate list rows, averages and outcomes, windows, corrections,
certificates and shares."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import (
    DataStatus,
    candidate_list,
    certificate,
    data_check,
    grading,
    results_day,
)
from scripts.demo.bac import row, to_csv

ACADEMY = "DEMO-ACADEMY"
NOW = datetime(2026, 7, 1, 9, tzinfo=UTC)


def parsed(*rows: dict[str, str]) -> tuple[list[domain.Candidate], list[candidate_list.RowError]]:
    return candidate_list.parse_candidates(to_csv(list(rows)), 2026, ACADEMY)


def test_a_good_list_parses_with_or_without_marks() -> None:
    candidates, errors = parsed(
        row(candidate_number="100000001", cnie="bk123456"),
        row(candidate_number="100000002", marks=""),
    )
    assert errors == []
    assert candidates[0].cnie == "BK123456" and candidates[0].has_results
    assert not candidates[1].has_results and candidates[1].cnie == ""


def test_bad_rows_are_reported_by_line_and_column() -> None:
    _, errors = parsed(
        row(candidate_number="100000001"),
        row(candidate_number="12", first_name_ar="Salma"),
        row(candidate_number="100000001", stream="XX", academy="OTHER"),
        row(candidate_number="100000004", birth_date="2026-02-30", cnie="123"),
    )
    found = {(e.line, e.column) for e in errors}
    assert {(3, "candidate_number"), (3, "first_name_ar")} <= found
    assert {(4, "stream"), (4, "academy"), (4, "candidate_number")} <= found
    assert {(5, "birth_date"), (5, "cnie")} <= found
    assert not any(line == 2 for line, _ in found)


def test_a_missing_column_is_named_on_the_header_line() -> None:
    candidates, errors = candidate_list.parse_candidates(
        "candidate_number,cnie\n1,2\n", 2026, ACADEMY
    )
    assert candidates == [] and (1, "stream") in {(e.line, e.column) for e in errors}


def test_the_same_cnie_twice_is_refused() -> None:
    _, errors = parsed(row(cnie="BK111111"), row(cnie="BK111111"))
    assert [(e.line, e.column) for e in errors] == [(3, "cnie")]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("math=21;physics=1;svt=1;philosophy=1;english=1;arabic=1", "from 0 to 20"),
        ("math=10.125;physics=1;svt=1;philosophy=1;english=1;arabic=1", "two decimals"),
        ("math=x;physics=1;svt=1;philosophy=1;english=1;arabic=1", "not a number"),
        ("math=10;physics=1", "the subjects of PC"),
    ],
)
def test_marks_are_checked(text: str, why: str) -> None:
    marks, message = candidate_list.parse_marks(text, "PC")
    assert marks == {} and why in message


def marks(value: str) -> dict[str, Decimal]:
    return {s: Decimal(value) for s in domain.STREAMS["PC"]}


@pytest.mark.parametrize(
    ("average", "outcome", "mention"),
    [
        ("16", "admitted", "tres_bien"),
        ("15.99", "admitted", "bien"),
        ("12", "admitted", "assez_bien"),
        ("10", "admitted", "passable"),
        ("9.99", "resit", ""),
        ("8", "resit", ""),
        ("7.99", "not_admitted", ""),
    ],
)
def test_the_average_decides_outcome_and_mention(average: str, outcome: str, mention: str) -> None:
    same = Decimal(average)  # every component at that average: so is the general average
    result = domain.result_of(2026, "PC", marks(average), same, same)
    assert (result.average, result.outcome, result.mention) == (same, outcome, mention)


def test_the_average_is_weighted_and_rounded_half_up() -> None:
    ten = Decimal(10)
    graded = {**marks("10"), "math": Decimal("10.01")}  # 10 + 0.07 / 25 = 10.0028
    assert domain.result_of(2026, "PC", graded, ten, ten).average == Decimal("10.00")
    graded = {**marks("10"), "math": Decimal("10.09")}  # 10.0252 -> 10.03 (national)
    result = domain.result_of(2026, "PC", graded, ten, ten)
    assert result.components["national_exam"] == Decimal("10.03")
    assert result.average == Decimal("10.02")  # (10 * 25 + 10 * 25 + 10.03 * 50) / 100 = 10.015


def test_the_general_average_weighs_the_three_components_by_the_sessions_rule() -> None:
    rule = grading.rule_for(2026)
    assert rule.source == "unverified"  # no seed states the weights
    assert all(sum(w.values()) == 100 for w in rule.weights.values())
    assert set(rule.weights) == set(domain.STREAMS)  # one set of weights per stream
    # national 14.04 (50%), continuous assessment 15.5 (25%), regional exam 13 (25%)
    national = {"math": Decimal("14.5"), "physics": Decimal(15), "svt": Decimal(13)}
    national |= {"philosophy": Decimal(11), "english": Decimal(16), "arabic": Decimal("12.75")}
    result = domain.result_of(2026, "PC", national, Decimal("15.5"), Decimal(13))
    assert result.components["national_exam"] == Decimal("14.04")
    assert (result.average, result.mention) == (Decimal("14.15"), "bien")
    # a poor regional exam is not made up by the national one alone
    assert domain.result_of(2026, "PC", marks("11"), Decimal(8), Decimal(6)).outcome == "resit"
    assert grading.rule_for(2031) is grading.RULES[-1]  # a later session: the rule in force


def test_results_and_complaints_open_at_the_moment() -> None:
    assert not domain.published(None, NOW)
    assert not domain.published(NOW + timedelta(seconds=1), NOW)
    assert domain.published(NOW, NOW)
    until = NOW + timedelta(days=7)
    assert "published" in results_day.complaint_refusal(NOW + timedelta(hours=1), until, NOW)
    assert results_day.complaint_refusal(NOW, until, NOW + timedelta(days=7)) == ""
    assert "closed" in results_day.complaint_refusal(NOW, until, until + timedelta(seconds=1))


def test_complaint_corrections_stay_within_the_stream() -> None:
    before = marks("10")
    after, why = results_day.corrected_marks("PC", before, {"math": Decimal("12")})
    assert why == "" and after["math"] == Decimal("12") and after["svt"] == Decimal("10")
    assert "no subject" in results_day.corrected_marks("PC", before, {"economics": Decimal(1)})[1]
    assert "0 to 20" in results_day.corrected_marks("PC", before, {"math": Decimal(25)})[1]


def candidate(**changes: object) -> domain.Candidate:
    found, _ = parsed(row(cnie="BK123456"))
    return replace(found[0], **changes)  # type: ignore[arg-type]


def test_corrections_name_correctable_fields_one_request_at_a_time() -> None:
    c = candidate()
    assert data_check.correction_refusal(c, {"first_name_fr": "Selma"}) == ""
    assert "cannot be corrected" in data_check.correction_refusal(c, {"stream": "SM"})
    assert "YYYY-MM-DD" in data_check.correction_refusal(c, {"birth_date": "14/03/2008"})
    pending = replace(c, data_status=DataStatus.CORRECTION_REQUESTED)
    assert "already" in data_check.correction_refusal(pending, {"first_name_fr": "Selma"})
    corrected = data_check.with_corrections(
        replace(c, data_status=DataStatus.CONFIRMED), {"birth_date": "2008-03-15"}
    )
    assert corrected.birth_date == date(2008, 3, 15)
    assert corrected.data_status == DataStatus.UNCHECKED  # confirm again


def test_the_convocation_waits_for_the_data_check() -> None:
    assert "confirm" in data_check.convocation_refusal(candidate())
    assert data_check.convocation_refusal(candidate(data_status=DataStatus.CONFIRMED)) == ""


def test_the_schedule_gives_two_papers_a_day_and_skips_sunday() -> None:
    papers = data_check.schedule("PC", date(2026, 6, 6))  # a Saturday
    days = [day for day, _, _ in papers]
    assert days == [date(2026, 6, 6)] * 2 + [date(2026, 6, 8)] * 2 + [date(2026, 6, 9)] * 2
    assert [time for _, time, _ in papers[:2]] == ["08:00", "15:00"]
    assert all(day is None for day, _, _ in data_check.schedule("PC", None))


def test_no_cnie_no_certificate_and_only_for_the_admitted() -> None:
    assert certificate.certificate_refusal(None, True)[0] == "bac-cnie-not-on-file"
    assert certificate.certificate_refusal(candidate(cnie=""), True)[0] == "bac-cnie-not-on-file"
    assert certificate.certificate_refusal(candidate(), False)[0] == "bac-results-not-published"
    failing = candidate(
        marks=marks("7"), continuous_assessment=Decimal(7), regional_exam=Decimal(7)
    )
    assert certificate.certificate_refusal(failing, True)[0] == "bac-not-admitted"
    assert certificate.certificate_refusal(candidate(), True) == ("", "")


def test_the_certificate_states_what_the_issue_asks_for() -> None:
    claims = certificate.certificate_claims(candidate(), "c" * 32, NOW)
    assert {
        "names",
        "cnie",
        "birth_date",
        "birth_place",
        "session",
        "stream",
        "average",
        "mention",
    } <= set(claims)
    assert claims["average"] == "14.15" and claims["cnie"] == "BK123456"


def test_a_share_lives_up_to_90_days_and_dies_with_its_certificate() -> None:
    assert (
        certificate.share_refusal(90) == ""
        and certificate.share_refusal(91)
        and certificate.share_refusal(0)
    )
    expires = certificate.share_expiry(NOW, 30)
    assert certificate.share_status(False, expires, False, NOW) == "valid"
    assert certificate.share_status(False, expires, False, expires) == "expired"
    assert certificate.share_status(True, expires, False, NOW) == "revoked"
    assert certificate.share_status(False, expires, True, NOW) == "revoked"


# ------------------------------------------------------------------ publication and corrections


def test_a_publication_moment_leaves_the_job_its_lead() -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib.services.bac.domain.results_day import publication, publication_lead

    now = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    lead = publication_lead(50_000)
    assert lead == timedelta(minutes=2, seconds=250)
    assert publication(None, None, 50_000, now).moment == now + lead  # "now": the earliest
    assert publication(now + lead - timedelta(seconds=1), None, 50_000, now).field_error
    later = now + timedelta(hours=3)
    assert publication(later, None, 50_000, now).moment == later
    # A moment set within the lead cannot move: items still carrying it would show early.
    close = now + timedelta(minutes=3)
    assert publication(later, close, 50_000, now).conflict
    assert publication(close, close, 50_000, now).moment == close  # the same moment again
    # Once visible, results cannot be unpublished or moved; the same moment may be rewritten.
    past = now - timedelta(minutes=1)
    assert "cannot change" in publication(later, past, 1, now).conflict
    assert publication(None, past, 1, now).moment == past


def test_a_correction_is_accepted_only_on_a_verified_document() -> None:
    from chalicelib.services.bac.domain.data_check import correction_acceptance_refusal

    assert correction_acceptance_refusal("verified") == ""
    for status in ("missing", "awaiting_upload"):
        assert "not been received and verified" in correction_acceptance_refusal(status)
    assert "rejected" in correction_acceptance_refusal("rejected")
