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


def test_a_proposal_needs_the_five_criteria_and_a_named_diploma() -> None:
    errors = dict(
        domain.proposal_errors("with_committee", _payload("law"), {"outcome": "equivalence"}, "")
    )
    assert "assessment.curriculum" in errors and "national_diploma" in errors
    good = {"outcome": "equivalence", "national_diploma": "Licence", "assessment": ASSESSMENT}
    assert domain.proposal_errors("with_committee", _payload("law"), good, "") == []


@pytest.mark.parametrize(
    ("field", "kinds", "ok"),
    [
        ("health", ["evaluation_exam", "clinical_internship"], True),
        ("health", ["internship"], False),
        ("engineering", ["internship", "complementary_training"], True),
        ("topography", ["evaluation_exam"], True),
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
        "assessment": ASSESSMENT,
        "conditions": [{"kind": k} for k in kinds],
    }
    assert (domain.proposal_errors("with_committee", _payload(field), data, "") == []) is ok


def test_a_refusal_and_a_revocation_give_reasons_and_revocation_only_on_reexamination() -> None:
    refusal = {"outcome": "refusal", "assessment": ASSESSMENT}
    assert dict(domain.proposal_errors("with_committee", _payload("law"), refusal, ""))["reason"]
    assert domain.proposal_errors("with_committee", _payload("law"), refusal, "motif") == []
    revocation = {"outcome": "revocation", "assessment": ASSESSMENT}
    assert "outcome" in dict(
        domain.proposal_errors("with_committee", _payload("law"), revocation, "x")
    )
    errors = dict(domain.proposal_errors("reexamination", _payload("law"), revocation, "x"))
    assert "revoke_from" in errors
    dated = {**revocation, "revoke_from": "2026-05-01"}
    assert domain.proposal_errors("reexamination", _payload("law"), dated, "x") == []


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
    assert len(names) >= 19
    for name in names:
        for sample in (data, {"reference": "EQ-2026-000123"}):
            text = render_sms(name, language, sample).text
            assert sms.segments(text) == 1, (name, language, text)
            assert "EQ-2026" in text
