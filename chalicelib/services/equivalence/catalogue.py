"""The codes an equivalence file is described by: the two tracks, the diploma levels and the
kinds of training, with which of them go together.

Pure data and functions (no AWS, no pydantic), shared by the public reference library, the
application schemas and the checklist (``requirements``): one source of codes.
``TRACKS``, ``LEVELS`` and ``TRAININGS`` are mappings keyed by code (``"higher" in TRACKS``,
``tuple(LEVELS)``), each value holding the office or track and the titles in ar/fr/en.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

Titles = Mapping[str, str]


def _t(ar: str, fr: str, en: str) -> Titles:
    return MappingProxyType({"ar": ar, "fr": fr, "en": en})


# The two tracks and the office (ministry) that handles each.
TRACKS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "school": {
            "office": "MEN",
            "titles": _t(
                "معادلة الشهادات المدرسية الأجنبية وشهادة التقني العالي",
                "Équivalence des certificats scolaires étrangers et du BTS",
                "Equivalence of foreign school certificates and the BTS",
            ),
        },
        "higher": {
            "office": "MESRSI",
            "titles": _t(
                "معادلة شهادات التعليم العالي",
                "Équivalence des diplômes de l'enseignement supérieur",
                "Equivalence of higher-education diplomas",
            ),
        },
    }
)

# Diploma levels, each belonging to one track.
LEVELS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "school_certificate": {
            "track": "school",
            "titles": _t("شهادة مدرسية", "Certificat scolaire", "School certificate"),
        },
        "baccalaureate": {
            "track": "school",
            "titles": _t("البكالوريا", "Baccalauréat", "Baccalaureate"),
        },
        "bts": {
            "track": "school",
            "titles": _t(
                "شهادة التقني العالي", "Brevet de technicien supérieur", "Higher technician (BTS)"
            ),
        },
        "bac+2": {
            "track": "higher",
            "titles": _t("باك + 2 (دبلوم جامعي)", "Bac+2 (diplôme universitaire)", "Bac+2"),
        },
        "licence": {"track": "higher", "titles": _t("الإجازة", "Licence", "Bachelor")},
        "master": {"track": "higher", "titles": _t("الماستر", "Master", "Master")},
        "engineer": {
            "track": "higher",
            "titles": _t("دبلوم مهندس الدولة", "Diplôme d'ingénieur", "Engineering degree"),
        },
        "doctorate": {"track": "higher", "titles": _t("الدكتوراه", "Doctorat", "Doctorate")},
        "doctorate_medicine": {
            "track": "higher",
            "titles": _t("دكتوراه في الطب", "Doctorat en médecine", "Doctor of medicine"),
        },
        "pharmacy": {
            "track": "higher",
            "titles": _t("دكتوراه في الصيدلة", "Doctorat en pharmacie", "Doctor of pharmacy"),
        },
        "dentistry": {
            "track": "higher",
            "titles": _t(
                "دكتوراه في طب الأسنان",
                "Doctorat en médecine dentaire",
                "Doctor of dental medicine",
            ),
        },
        "architecture": {
            "track": "higher",
            "titles": _t("دبلوم مهندس معماري", "Diplôme d'architecte", "Architect's degree"),
        },
    }
)

# Kinds of training. The higher track's sector committees follow these fields.
TRAININGS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "general": {
            "tracks": ("school", "higher"),
            "titles": _t("تكوين عام", "Formation générale", "General"),
        },
        "technical": {
            "tracks": ("school",),
            "titles": _t("تكوين تقني", "Formation technique", "Technical"),
        },
        "health": {
            "tracks": ("higher",),
            "titles": _t("علوم الصحة", "Sciences de la santé", "Health sciences"),
        },
        "engineering": {
            "tracks": ("higher",),
            "titles": _t("الهندسة", "Ingénierie", "Engineering"),
        },
        "architecture": {
            "tracks": ("higher",),
            "titles": _t("الهندسة المعمارية", "Architecture", "Architecture"),
        },
        "topography": {
            "tracks": ("higher",),
            "titles": _t("الطبوغرافيا", "Topographie", "Topography"),
        },
        "law": {
            "tracks": ("higher",),
            "titles": _t("القانون", "Droit", "Law"),
        },
        "other": {
            "tracks": ("school", "higher"),
            "titles": _t("تكوين آخر", "Autre formation", "Other"),
        },
    }
)

# Decree 2.13.165, article 7: conditional equivalence only in these fields.
CONDITIONAL_FIELDS = frozenset({"health", "engineering", "architecture", "topography"})

# Levels that only make sense with one kind of training.
_LEVEL_TRAININGS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "doctorate_medicine": frozenset({"health"}),
        "pharmacy": frozenset({"health"}),
        "dentistry": frozenset({"health"}),
        "architecture": frozenset({"architecture"}),
        "engineer": frozenset({"engineering", "topography"}),
    }
)


def refused_part(track: str, level: str, training: str) -> tuple[str, str] | None:
    """None when the three go together, else which of them is wrong ("track", "level" or
    "training") and why (in English, for a field error)."""
    if track not in TRACKS:
        return "track", f"unknown track {track!r}: one of {', '.join(TRACKS)}"
    if level not in LEVELS:
        return "level", f"unknown level {level!r}"
    if training not in TRAININGS:
        return "training", f"unknown training {training!r}"
    if LEVELS[level]["track"] != track:
        return "level", f"level {level!r} belongs to the {LEVELS[level]['track']!r} track"
    if track not in TRAININGS[training]["tracks"]:
        return "training", f"training {training!r} is not offered on the {track!r} track"
    allowed = _LEVEL_TRAININGS.get(level)
    if allowed is not None and training not in allowed:
        return "training", f"level {level!r} goes with training {' or '.join(sorted(allowed))}"
    return None


def valid_combination(track: str, level: str, training: str) -> str | None:
    """None when the three go together, else why not (in English, for a field error)."""
    refused = refused_part(track, level, training)
    return None if refused is None else refused[1]


def office_of(track: str) -> str:
    """The ministry office that handles a track's files (MEN or MESRSI)."""
    return str(TRACKS[track]["office"])
