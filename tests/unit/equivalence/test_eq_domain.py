"""The rules of decree 2.13.165 (as amended by 2.19.281) the file lifecycle applies: article 2
admissibility, article 5 criteria, article 7 conditions by field, the review window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.notify import catalogue, sms
from chalicelib.notify.render import render_sms
from chalicelib.services.equivalence import domain

DIPLOMA = {
    "institution_country": "FR",
    "study_country": "FR",
    "mode": "in_person",
    "institution_recognised": True,
}
ASSESSMENT = {c: {"rating": "meets"} for c in domain.CRITERIA}
NOW = datetime(2026, 5, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"mode": "distance"}, ["distance"]),
        ({"mode": "correspondence"}, ["correspondence"]),
        ({"institution_country": "MA"}, ["issued_in_morocco"]),
        ({"study_country": "MA", "mode": "distance"}, ["prepared_in_morocco", "distance"]),
    ],
)
def test_article_2_names_each_reason_on_the_higher_track(
    changes: dict[str, Any], codes: list[str]
) -> None:
    check = domain.admissibility("higher", {**DIPLOMA, **changes})
    assert [r["code"] for r in check["reasons"]] == codes
    assert check["admissible"] is (not codes)
    assert all(r["article"] == "2" and r["titles"]["ar"] for r in check["reasons"])


def test_the_school_track_has_no_article_2_and_an_unknown_institution_is_flagged() -> None:
    check = domain.admissibility("school", {**DIPLOMA, "mode": "distance"})
    assert check["admissible"] is True
    unknown = domain.admissibility("higher", {**DIPLOMA, "institution_recognised": None})
    assert unknown["admissible"] and unknown["flags"] == ["institution_not_recognised"]


def _payload(field: str, track: str = "higher") -> dict[str, Any]:
    return {"track": track, "diploma": {"training": field, "field": field}}


def test_a_proposal_needs_the_five_criteria_and_a_named_diploma() -> None:  # arts. 5, 6
    errors = dict(
        domain.proposal_errors("with_committee", _payload("law"), {"outcome": "equivalence"}, "")
    )
    assert "assessment.curriculum" in errors and "national_diploma" in errors
    good = {"outcome": "equivalence", "national_diploma": "Licence", "assessment": ASSESSMENT}
    assert domain.proposal_errors("with_committee", _payload("law"), good, "") == []


PARTLY = {**ASSESSMENT, "supervision": {"rating": "partly_meets"}}
NOT_MET = {**ASSESSMENT, "curriculum": {"rating": "does_not_meet"}}


@pytest.mark.parametrize(
    ("field", "kinds", "ok"),
    [
        ("health", ["evaluation_exam"], True),
        ("health", ["doctor_exam"], True),
        # health, 1 (b): the internship or the training only after a failed exam
        ("health", ["evaluation_exam", "clinical_internship"], False),
        ("health", ["complementary_training"], False),
        ("health", ["internship"], False),
        ("engineering", ["internship", "complementary_training"], True),
        ("engineering", ["evaluation_exam", "internship"], False),  # either ... or
        ("topography", ["evaluation_exam"], True),
        ("architecture", ["complementary_training"], True),
        ("architecture", ["clinical_internship"], False),
        ("law", ["evaluation_exam"], False),
        ("health", [], False),
        ("health", ["evaluation_exam", "evaluation_exam"], False),
    ],
)
def test_article_7_conditions_by_field(field: str, kinds: list[str], ok: bool) -> None:
    data = {
        "outcome": "conditional",
        "national_diploma": "Doctorat",
        "assessment": PARTLY,
        "conditions": [{"kind": k} for k in kinds],
    }
    assert (domain.proposal_errors("with_committee", _payload(field), data, "") == []) is ok


def test_article_7_conditions_are_data_with_their_source() -> None:
    assert set(domain.ART7) == {"health", "engineering", "architecture", "topography"}
    assert domain.ART7["health"]["source"] == "seed 002, art. 7 (1)"
    assert domain.ART7["health"]["after_failed"]["evaluation_exam"] == (
        "clinical_internship",
        "complementary_training",
    )
    assert domain.ART7["engineering"]["after_failed"] == {}


def test_a_failed_health_exam_gives_way_to_its_remedy_only() -> None:
    payload = {
        **_payload("health"),
        "conditions": domain.tracked_conditions({"conditions": [{"kind": "evaluation_exam"}]}),
    }
    assert domain.remedy_errors(payload, "evaluation_exam", "clinical_internship") == []
    assert dict(domain.remedy_errors(payload, "evaluation_exam", "internship"))["remedy"]
    after = domain.failed_condition(payload, "evaluation_exam", "2026-06-01", "clinical_internship")
    assert domain.pending_conditions({"conditions": after}) == ["clinical_internship"]
    assert after[0]["failed_on"] == "2026-06-01" and not after[0]["met_on"]
    technical = {
        **_payload("engineering"),
        "conditions": domain.tracked_conditions({"conditions": [{"kind": "evaluation_exam"}]}),
    }
    assert dict(domain.remedy_errors(technical, "evaluation_exam", "internship"))["condition"]


@pytest.mark.parametrize(
    ("outcome", "assessment", "field"),
    [
        ("refusal", ASSESSMENT, "assessment"),  # a refusal names a criterion not met
        ("equivalence", NOT_MET, "outcome"),  # a grant with a criterion not met
        ("conditional", ASSESSMENT, "outcome"),  # conditions with every criterion met
    ],
)
def test_the_outcome_follows_the_five_criteria(
    outcome: str, assessment: dict[str, Any], field: str
) -> None:
    data = {
        "outcome": outcome,
        "national_diploma": "Doctorat",
        "assessment": assessment,
        "conditions": [{"kind": "evaluation_exam"}] if outcome == "conditional" else None,
    }
    errors = dict(domain.proposal_errors("with_committee", _payload("health"), data, "motif"))
    assert field in errors, errors


def test_a_refusal_keeps_the_criteria_not_met() -> None:
    data = {"outcome": "refusal", "assessment": NOT_MET}
    assert domain.proposal_errors("with_committee", _payload("law"), data, "motif") == []
    kept = domain.proposal("with_committee", _payload("law"), data, "motif", NOW)
    assert kept["unmet_criteria"] == ["curriculum"]


def _reexamined(ground: str) -> dict[str, Any]:
    decision = {"number": 1, "outcome": "equivalence", "order": {"date": "2026-03-02"}}
    return {**_payload("law"), "reexamination": {"ground": ground}, "decisions": [decision]}


def test_a_refusal_and_a_revocation_give_reasons_and_revocation_only_on_reexamination() -> None:
    refusal = {"outcome": "refusal", "assessment": NOT_MET}
    assert dict(domain.proposal_errors("with_committee", _payload("law"), refusal, ""))["reason"]
    assert domain.proposal_errors("with_committee", _payload("law"), refusal, "motif") == []
    revocation = {"outcome": "revocation"}
    assert "outcome" in dict(
        domain.proposal_errors("with_committee", _payload("law"), revocation, "x")
    )
    payload = _reexamined("not_authentic")
    errors = dict(domain.proposal_errors("reexamination", payload, revocation, "x"))
    assert "established_on" in errors
    dated = {**revocation, "established_on": "2026-05-01"}
    assert domain.proposal_errors("reexamination", payload, dated, "x", NOW.date()) == []


@pytest.mark.parametrize(
    ("ground", "established", "field"),
    [
        ("material_error", "2026-04-01", "outcome"),  # art. 11: not a ground to revoke
        ("reference_diploma_changed", "2026-04-01", "outcome"),
        ("training_no_longer_matching", "2026-06-01", "established_on"),  # future
        ("not_authentic", "2026-03-01", "established_on"),  # before the order
    ],
)
def test_revocation_only_on_its_two_grounds_from_a_valid_date(
    ground: str, established: str, field: str
) -> None:
    data = {"outcome": "revocation", "established_on": established}
    errors = dict(
        domain.proposal_errors("reexamination", _reexamined(ground), data, "x", NOW.date())
    )
    assert field in errors, errors


def test_reexamination_only_on_article_11_grounds() -> None:
    for ground in domain.GROUNDS:
        assert domain.reexamination_refusal(ground) is None
    assert "art. 11" in str(domain.reexamination_refusal("applicant_unhappy"))
    assert domain.allowed_outcomes("reexamination", {}) == (
        "confirmation",
        "equivalence",
        "conditional",
        "revocation",
    )


def test_a_confirmation_leaves_the_decision_standing() -> None:
    payload = _reexamined("material_error")
    data = {"outcome": "confirmation", "assessment": ASSESSMENT}
    assert domain.proposal_errors("reexamination", payload, data, "rien à corriger") == []
    kept = domain.proposal("reexamination", payload, data, "rien à corriger", NOW)
    assert kept["stands"] == 1 and kept["outcome"] == "equivalence"


def test_the_notification_day_is_neither_future_nor_before_the_decision() -> None:
    decision = {"number": 1, "outcome": "refusal", "decision_date": "2026-04-10"}
    payload = {"decisions": [decision]}
    today = NOW.date()
    assert domain.notification_errors(payload, "2026-04-12", today) == []
    assert domain.notification_errors(payload, "2026-04-10", today) == []
    assert dict(domain.notification_errors(payload, "2026-05-02", today))["received_on"]
    assert dict(domain.notification_errors(payload, "2026-04-09", today))["received_on"]


def test_a_committee_gets_the_expertise_report_or_its_request() -> None:
    assert domain.expertise_ready({}, report_verified=True) is None
    assert "art. 12" in str(domain.expertise_ready({}, report_verified=False))
    requested = {"expertise": {"requested_at": NOW.isoformat()}}
    assert domain.expertise_ready(requested, report_verified=False) is None


def test_a_consultation_names_whom_and_the_chair() -> None:
    good = {"kind": "expert", "guest": "EXP-1", "chair": "Pr. A."}
    assert domain.consultation_errors(good) == []
    errors = dict(domain.consultation_errors({"kind": "friend", "guest": ""}))
    assert {"kind", "guest", "chair"} <= set(errors)
    payload = {"consulted": [{**good, "by": "health"}, {**good, "guest": "X", "by": "law"}]}
    assert [g["guest"] for g in domain.consulted_by(payload, "health")] == ["EXP-1"]


def test_who_works_the_file() -> None:
    payload = {**_payload("health"), "committee": "health"}
    assert domain.committee_of("with_committee", payload) == "health"
    assert domain.committee_of("review_requested", payload) == domain.HIGHER_COMMITTEE
    assert domain.committee_of("submitted", payload) is None
    back = {**payload, "back_to": "with_committee"}
    assert domain.committee_of("complement_received", back) == "health"


def _window(start: datetime, days: int = 60) -> dict[str, Any]:
    return {"review": {"state": "running", "due_at": (start + timedelta(days=days)).isoformat()}}


def test_the_review_window() -> None:
    decided = {"decisions": [{"number": 1, "outcome": "refusal", "step": "with_committee"}]}
    assert domain.review_refusal({}, {}, NOW) == (
        "no_decision",
        "there is no published decision to review",
    )
    assert domain.review_refusal({}, decided, NOW)[0] == "not_notified"  # type: ignore[index]
    assert domain.review_refusal(_window(NOW), decided, NOW + timedelta(days=59)) is None
    late = domain.review_refusal(_window(NOW), decided, NOW + timedelta(days=61))
    assert late is not None and late[0] == "window_closed"
    reviewed = {"decisions": [{"number": 2, "step": "review_requested"}]}
    assert domain.review_refusal(_window(NOW), reviewed, NOW)[0] == "already_reviewed"  # type: ignore[index]


def test_conditions_are_tracked_until_met() -> None:
    decision = {"conditions": [{"kind": "evaluation_exam"}, {"kind": "internship"}]}
    payload = {"conditions": domain.tracked_conditions(decision)}
    assert domain.pending_conditions(payload) == ["evaluation_exam", "internship"]
    payload["conditions"] = domain.condition_met(payload, "internship", "2026-06-01", "att.")
    assert domain.pending_conditions(payload) == ["evaluation_exam"]


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_equivalence_sms_fits_one_segment(language: str) -> None:
    data = {
        "reference": "EQ-2026-123456789",
        "reason": "x",
        "deadlines": {"complement_due": "2026-06-30T23:30:00+00:00"},
        "appeal_until": "2026-09-14T22:59:00+00:00",
    }
    names = [n for n in catalogue.names() if n.startswith("equivalence_")]
    assert len(names) >= 25
    for name in names:
        for sample in (data, {"reference": "EQ-2026-000123"}):
            text = render_sms(name, language, sample).text
            assert sms.segments(text) == 1, (name, language, text)
            assert "EQ-2026" in text


def test_a_file_is_closed_only_before_any_decision() -> None:
    assert domain.closing_refusal({}) is None
    assert "stands" in str(domain.closing_refusal({"decisions": [{"number": 1}]}))
    back = {"back_to": "reexamination"}
    assert domain.is_resumed_at("complement_missed", back, "reexamination")
    assert not domain.is_resumed_at("complement_missed", back, "with_committee")


def test_the_refusal_names_its_criteria_in_the_applicants_language() -> None:
    assert domain.refusal_reasons("Volume", ["curriculum"], "fr") == (
        "Volume (critères de l'article 5 non remplis : programmes et contenus)"
    )
    assert "البرامج والمناهج" in domain.refusal_reasons("x", ["curriculum"], "ar")
    assert domain.refusal_reasons("x", [], "en") == "x"
