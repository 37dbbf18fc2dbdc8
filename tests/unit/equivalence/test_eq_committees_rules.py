"""The committees as data (seed 002, arts. 4, 8, 9) and the rules of a sitting's record."""

from __future__ import annotations

from typing import Any

from chalicelib.services.equivalence import committees as rules
from chalicelib.services.equivalence import domain

SECTOR = rules.COMMITTEES["law"]
HEC = rules.COMMITTEES["HEC"]
MEMBERS = [
    {"id": "h1", "seat": "head_of_institution", "name": "A"},
    {"id": "h2", "seat": "head_of_institution", "name": "B"},
    {"id": "m1", "seat": "ministerial_department", "name": "C"},
]


def test_one_sector_committee_per_field_of_the_higher_track_and_the_higher_committee() -> None:
    assert rules.HEC == domain.HIGHER_COMMITTEE and rules.MINISTRY == "MESRSI"
    assert set(rules.COMMITTEES) == {*domain.fields_of("higher"), "HEC"}
    assert SECTOR.holds == ("with_committee", "reexamination")
    assert HEC.holds == ("review_requested",)


def test_the_higher_committee_has_the_eight_members_of_article_9() -> None:
    assert sum(s.count or 0 for s in HEC.seats) == 8  # 1 + 2 + 1 + 2 + 2 members
    president = HEC.seat("university_president")
    assert president is not None and president.chairs and president.count == 1
    assert all(s.article == "seed 002, art. 9" for s in HEC.seats)


def test_sector_seats_follow_article_4() -> None:
    head = SECTOR.seat("head_of_institution")
    assert head is not None and head.may_chair and head.substitutable
    body = SECTOR.seat("professional_body")
    assert body is not None and body.optional and not body.may_chair


def test_members_must_sit_in_the_articles_seats_and_counts() -> None:
    assert rules.members_errors(SECTOR, MEMBERS) == []
    assert rules.members_errors(SECTOR, [{"id": "x", "seat": "rector"}])[0][0] == "members.0.seat"
    two = [{"id": f"p{n}", "seat": "university_president"} for n in range(2)]
    assert rules.members_errors(HEC, two) == [
        ("members", "university_president: at most 1 (seed 002, art. 9)")
    ]


def test_the_chair_is_a_head_of_institution_present_and_the_rapporteur_a_member_present() -> None:
    present = [{"member": "h1"}, {"member": "m1"}]
    assert rules.sitting_errors(SECTOR, MEMBERS, present, "h1", "m1") == []
    assert [f for f, _ in rules.sitting_errors(SECTOR, MEMBERS, present, "m1", "m1")] == ["chair"]
    assert [f for f, _ in rules.sitting_errors(SECTOR, MEMBERS, present, "h2", "m1")] == ["chair"]
    assert [f for f, _ in rules.sitting_errors(SECTOR, MEMBERS, present, "h1", None)] == [
        "rapporteur"
    ]
    assert [f for f, _ in rules.sitting_errors(SECTOR, MEMBERS, present, "h1", "h2")] == [
        "rapporteur"
    ]


def test_only_a_head_of_institution_is_replaced_and_by_the_capacities_of_article_4() -> None:
    substitute: dict[str, Any] = {"name": "Vice-doyen", "capacity": "vice_dean"}
    ok: list[dict[str, Any]] = [
        {"member": "h1"},
        {"member": "h2", "present": False, "substitute": substitute},
    ]
    assert rules.sitting_errors(SECTOR, MEMBERS, ok, "h1", "h1") == []
    wrong: list[dict[str, Any]] = [{"member": "h1"}, {"member": "m1", "substitute": substitute}]
    assert (
        rules.sitting_errors(SECTOR, MEMBERS, wrong, "h1", "h1")[0][0] == "attendance.1.substitute"
    )
    # a substitute does not chair: the chair is chosen among the heads themselves
    assert [f for f, _ in rules.sitting_errors(SECTOR, MEMBERS, ok, "h2", "h1")] == ["chair"]


def test_the_minutes_record_the_proposal_made_at_the_sitting_or_none() -> None:
    item = {
        "case_id": "c1",
        "reference": "EQ-1",
        "diploma": "Licence",
        "institution": "U",
        "country": "FR",
    }
    proposal = {
        "outcome": "refusal",
        "national_diploma": "",
        "conditions": [],
        "reasons": "Volume horaire",
        "assessment": {"curriculum": {"rating": "does_not_meet"}},
        "committee": "law",
        "proposed_at": "2026-03-10T10:00:00+00:00",
    }
    made = rules.minutes_entry(item, "proposed", {"proposal": proposal}, "law", "2026-03-10T09:00")
    assert made["proposal"]["outcome"] == "refusal"
    assert made["proposal"]["assessment"] == {"curriculum": "does_not_meet"}
    earlier = rules.minutes_entry(item, "proposed", {"proposal": proposal}, "law", "2026-03-11")
    assert earlier["proposal"] is None
    other = rules.minutes_entry(item, "proposed", {"proposal": proposal}, "health", "2026-03-10")
    assert other["proposal"] is None
    odd = rules.minutes_entry(item, "with_committee", {"proposal": "?"}, "law", "2026-03-10")
    assert odd["proposal"] is None and odd["state"] == "with_committee"
