"""What a file needs, by track, level and training (shared with the application lifecycle)."""

from __future__ import annotations

import pytest

from chalicelib.services.equivalence import requirements as req


def kinds(track: str, level: str, training: str) -> set[str]:
    return {d.kind for d in req.documents_for(track, level, training)}


def test_doctorate_in_medicine_needs_more_than_a_licence_in_law() -> None:
    medicine = kinds("higher", "doctorate_medicine", "health")
    law = kinds("higher", "licence", "law")
    assert law < medicine
    assert {
        "internship_certificates",
        "hospital_accreditation",
        "thesis",
        "transcripts",
    } <= medicine
    assert "internship_certificates" not in law


def test_every_checklist_has_titles_in_three_languages_and_unique_kinds() -> None:
    for level, about in req.LEVELS.items():
        for training in req.TRAININGS:
            if req.valid_combination(about["track"], level, training) is not None:
                continue
            docs = req.documents_for(about["track"], level, training)
            assert len({d.kind for d in docs}) == len(docs)
            for d in docs:
                assert set(d.titles) == {"ar", "fr", "en"} and all(d.titles.values())


def test_school_track_documents_differ_from_higher() -> None:
    assert "school_certificate" in kinds("school", "school_certificate", "general")
    assert "stay_proof" not in kinds("school", "bts", "technical")
    assert "stay_proof" in kinds("higher", "master", "general")


@pytest.mark.parametrize(
    ("track", "level", "training", "fragment"),
    [
        ("university", "licence", "law", "unknown track"),
        ("higher", "phd", "law", "unknown level"),
        ("higher", "licence", "cooking", "unknown training"),
        ("school", "licence", "general", "belongs to the 'higher' track"),
        ("higher", "master", "technical", "not offered"),
        ("higher", "doctorate_medicine", "law", "goes with training health"),
        ("higher", "architecture", "engineering", "goes with training architecture"),
    ],
)
def test_invalid_combinations_say_why(track: str, level: str, training: str, fragment: str) -> None:
    why = req.valid_combination(track, level, training)
    assert why is not None and fragment in why
    with pytest.raises(ValueError):
        req.documents_for(track, level, training)


def test_procedure_steps_numbered_and_conditional_step_only_in_article_7_fields() -> None:
    medicine = req.procedure_for("higher", "doctorate_medicine", "health")
    law = req.procedure_for("higher", "licence", "law")
    assert [s["number"] for s in medicine] == list(range(1, len(medicine) + 1))
    assert "conditions" in [s["code"] for s in medicine]
    assert "conditions" not in [s["code"] for s in law]
    assert "committee" in [s["code"] for s in law]
    school = [s["code"] for s in req.procedure_for("school", "baccalaureate", "general")]
    assert "committee" not in school and "commission" in school
    assert {"health", "engineering", "architecture", "topography"} == req.CONDITIONAL_FIELDS


def test_offices_of_tracks() -> None:
    assert req.office_of("school") == "MEN"
    assert req.office_of("higher") == "MESRSI"
    assert set(req.TRACKS) == {"school", "higher"}
