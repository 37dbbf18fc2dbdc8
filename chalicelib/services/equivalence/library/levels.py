"""The diploma levels of the decisions catalogue since 1967: those a new application may
choose (``catalogue.LEVELS``) and the earlier ones that decisions name (DEUG, maîtrise, DEA,
DESS, doctorat de 3e cycle, doctorat d'État, the Soviet-era specialist diploma and
candidate of sciences ...). The earlier levels are search levels only: an import of old
decisions accepts them and ``?level=`` finds them; an application cannot pick them.

Pure data. A former level goes with any kind of training of the higher track.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from chalicelib.services.equivalence.catalogue import LEVELS, TRAININGS, Titles, valid_combination


def _t(ar: str, fr: str, en: str) -> Titles:
    return MappingProxyType({"ar": ar, "fr": fr, "en": en})


def _former(ar: str, fr: str, en: str) -> Mapping[str, Any]:
    return MappingProxyType({"track": "higher", "former": True, "titles": _t(ar, fr, en)})


FORMER_LEVELS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "deug": _former(
            "دبلوم الدراسات الجامعية العامة",
            "Diplôme d'études universitaires générales (DEUG)",
            "DEUG (two-year general university diploma)",
        ),
        "dut": _former(
            "دبلوم جامعي للتكنولوجيا",
            "Diplôme universitaire de technologie (DUT)",
            "University diploma of technology (DUT)",
        ),
        "licence_es": _former(
            "الإجازة (النظام القديم)",
            "Licence ès lettres, ès sciences ou en droit (ancien régime)",
            "Licence (former system)",
        ),
        "maitrise": _former("شهادة المتريز", "Maîtrise", "Maîtrise (four-year degree)"),
        "des": _former(
            "دبلوم الدراسات العليا",
            "Diplôme d'études supérieures (DES)",
            "Diploma of higher studies (DES)",
        ),
        "dea": _former(
            "دبلوم الدراسات المعمقة",
            "Diplôme d'études approfondies (DEA)",
            "Diploma of advanced studies (DEA)",
        ),
        "dess": _former(
            "دبلوم الدراسات العليا المتخصصة",
            "Diplôme d'études supérieures spécialisées (DESS)",
            "Diploma of specialised higher studies (DESS)",
        ),
        "doctorate_third_cycle": _former(
            "دكتوراه السلك الثالث",
            "Doctorat de troisième cycle",
            "Third-cycle doctorate",
        ),
        "doctorate_engineer": _former("دكتوراه مهندس", "Docteur-ingénieur", "Doctor-engineer"),
        "doctorate_state": _former("دكتوراه الدولة", "Doctorat d'État", "State doctorate"),
        "specialist_diploma": _former(
            "دبلوم الاختصاص (الاتحاد السوفياتي وأوروبا الشرقية)",
            "Diplôme de spécialiste (URSS, Europe de l'Est)",
            "Specialist diploma (USSR, Eastern Europe)",
        ),
        "candidate_of_sciences": _former(
            "مرشح العلوم (الاتحاد السوفياتي وأوروبا الشرقية)",
            "Candidat ès sciences (URSS, Europe de l'Est)",
            "Candidate of sciences (USSR, Eastern Europe)",
        ),
    }
)

DECISION_LEVELS: Mapping[str, Mapping[str, Any]] = MappingProxyType({**LEVELS, **FORMER_LEVELS})


def level_field_mismatch(level: str, field: str) -> str | None:
    """None when a decision's level and field go together, else why not."""
    if level in FORMER_LEVELS:
        if "higher" not in TRAININGS[field]["tracks"]:
            return f"training {field!r} is not offered on the 'higher' track"
        return None
    return valid_combination(LEVELS[level]["track"], level, field)
