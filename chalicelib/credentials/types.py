"""The credential types Khidmat issues: their ``vct``, what each states in the clear and
what the holder discloses claim by claim, and the type metadata (SD-JWT VC draft, section 6)
with display names in Arabic, French and English. Pure: the claims come from the services'
own records, handed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LOCALES = ("ar", "fr", "en")


@dataclass(frozen=True)
class ClaimInfo:
    name: str
    labels: tuple[str, str, str]  # ar, fr, en
    disclosable: bool = True


@dataclass(frozen=True)
class CredentialType:
    key: str  # the last segment of the vct URL, and the OpenID4VCI configuration id
    names: tuple[str, str, str]  # ar, fr, en
    descriptions: tuple[str, str, str]
    claims: tuple[ClaimInfo, ...]

    @property
    def disclosable(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.claims if c.disclosable)


_CLEAR = (
    ClaimInfo("iss", ("الجهة المصدرة", "Émetteur", "Issuer"), False),
    ClaimInfo("vct", ("نوع الوثيقة", "Type", "Type"), False),
    ClaimInfo("iat", ("تاريخ الإصدار", "Délivré le", "Issued at"), False),
    ClaimInfo("status", ("الحالة", "Statut", "Status"), False),
)

BAC = CredentialType(
    "baccalaureate-certificate",
    ("شهادة البكالوريا", "Certificat du baccalauréat", "Baccalaureate certificate"),
    (
        "شهادة نجاح في امتحان البكالوريا المغربية، تصدرها وزارة التربية الوطنية.",
        "Certificat de réussite au baccalauréat marocain, délivré par le ministère de "
        "l'Éducation nationale.",
        "Certificate of success in the Moroccan baccalaureate, issued by the Ministry of "
        "National Education.",
    ),
    (
        *_CLEAR,
        ClaimInfo("session", ("الدورة", "Session", "Session"), False),
        ClaimInfo("names", ("الاسم الكامل", "Nom complet", "Full name")),
        ClaimInfo("birth_date", ("تاريخ الازدياد", "Date de naissance", "Date of birth")),
        ClaimInfo("birth_place", ("مكان الازدياد", "Lieu de naissance", "Place of birth")),
        ClaimInfo("cnie", ("رقم البطاقة الوطنية", "N° CNIe", "National ID card number")),
        ClaimInfo("candidate_number", ("رقم الامتحان", "N° de candidat", "Candidate number")),
        ClaimInfo("stream", ("الشعبة", "Filière", "Stream")),
        ClaimInfo("academy", ("الأكاديمية", "Académie", "Academy")),
        ClaimInfo("marks", ("النقط", "Notes", "Marks")),
        ClaimInfo("average", ("المعدل", "Moyenne", "Average")),
        ClaimInfo("mention", ("الميزة", "Mention", "Honours")),
        ClaimInfo("outcome", ("النتيجة", "Résultat", "Outcome")),
    ),
)

EQUIVALENCE = CredentialType(
    "equivalence-order",
    ("قرار معادلة شهادة", "Arrêté d'équivalence de diplôme", "Diploma equivalence order"),
    (
        "قرار وزاري بمعادلة شهادة أجنبية بشهادة وطنية، تام أو مشروط.",
        "Arrêté ministériel d'équivalence d'un diplôme étranger à un diplôme national, "
        "accordée ou conditionnelle.",
        "Ministerial order granting (or conditionally granting) the equivalence of a foreign "
        "diploma with a national one.",
    ),
    (
        *_CLEAR,
        ClaimInfo("decision_date", ("تاريخ القرار", "Date de la décision", "Decision date"), False),
        ClaimInfo("track", ("المسطرة", "Filière d'équivalence", "Track"), False),
        ClaimInfo("holder", ("صاحب الشهادة", "Titulaire", "Holder")),
        ClaimInfo("file_reference", ("مرجع الملف", "Référence du dossier", "File reference")),
        ClaimInfo("diploma", ("الشهادة الأجنبية", "Diplôme étranger", "Foreign diploma")),
        ClaimInfo("outcome", ("القرار", "Décision", "Outcome")),
        ClaimInfo("national_diploma", ("الشهادة الوطنية", "Diplôme national", "National diploma")),
        ClaimInfo("conditions", ("الشروط", "Conditions", "Conditions")),
        ClaimInfo("order", ("القرار الوزاري", "Arrêté", "Order")),
        ClaimInfo("bo", ("الجريدة الرسمية", "Bulletin officiel", "Official Bulletin")),
    ),
)

TYPES = {t.key: t for t in (BAC, EQUIVALENCE)}
GRANTED_OUTCOMES = ("equivalence", "conditional", "final")


def type_metadata(kind: CredentialType, vct: str) -> dict[str, Any]:
    """The SD-JWT VC type metadata document served at the ``vct`` URL."""

    def labels(values: tuple[str, str, str], key: str) -> list[dict[str, str]]:
        return [
            {"locale": loc, "lang": loc, key: v} for loc, v in zip(LOCALES, values, strict=True)
        ]

    display = [
        {**name, "description": description["description"]}
        for name, description in zip(
            labels(kind.names, "name"), labels(kind.descriptions, "description"), strict=True
        )
    ]
    return {
        "vct": vct,
        "name": kind.names[2],
        "description": kind.descriptions[2],
        "display": display,
        "claims": [
            {
                "path": [c.name],
                "display": labels(c.labels, "label"),
                "sd": "always" if c.disclosable else "never",
            }
            for c in kind.claims
        ],
    }


def bac_claims(candidate: Any, result: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(in the clear, disclosable) of a baccalaureate certificate: a ``Candidate`` and its
    ``Result`` (services/bac/domain). Decimals as strings, as the JWS certificate has them."""
    clear = {"session": candidate.year}
    disclosable = {
        "names": {
            "ar": f"{candidate.first_name_ar} {candidate.last_name_ar}",
            "fr": f"{candidate.first_name_fr} {candidate.last_name_fr}",
        },
        "birth_date": candidate.birth_date.isoformat(),
        "birth_place": {"ar": candidate.birth_place_ar, "fr": candidate.birth_place_fr},
        "cnie": candidate.cnie,
        "candidate_number": candidate.candidate_number,
        "stream": candidate.stream,
        "academy": candidate.academy,
        "marks": {subject: str(mark) for subject, mark in candidate.marks.items()},
        "average": str(result.average),
        "mention": result.mention,
        "outcome": result.outcome,
    }
    return clear, disclosable


def equivalence_claims(
    reference: str,
    case_type: str,
    holder: str,
    diploma: Mapping[str, Any],
    decision: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(in the clear, disclosable) of a granted or conditional equivalence order."""
    order = dict(decision.get("order") or {})
    day = order.get("date") or str(decision.get("decided_at", ""))[:10]
    clear = {
        "decision_date": day,
        "track": "school" if case_type.endswith("school") else "higher",
    }
    disclosable = {
        "holder": holder,
        "file_reference": reference,
        "diploma": {
            "title": diploma.get("title", ""),
            "institution": diploma.get("institution", ""),
            "country": diploma.get("institution_country", ""),
        },
        "outcome": decision.get("outcome"),
        "national_diploma": decision.get("national_diploma", ""),
        "conditions": [
            {"kind": c.get("kind", ""), "detail": c.get("detail", "")}
            for c in decision.get("conditions") or []
        ],
        "order": order,
        "bo": dict(decision.get("bo") or {}),
    }
    return clear, disclosable
