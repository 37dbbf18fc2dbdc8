"""What a file of each track must carry: the checklist of its diploma's level and training
(requirements.py), then the documents that come later (the expertise report, a complement,
review evidence, proof of a condition met)."""

from __future__ import annotations

from chalicelib.services.equivalence.requirements import (
    LEVELS,
    TRAININGS,
    documents_for,
    valid_combination,
)
from chalicelib.workflow.case import Case
from chalicelib.workflow.machine import PDF, DocumentRule

# Documents beside the checklist of requirements.py: staff's and later answers'.
EXTRA_DOCUMENTS = (
    DocumentRule(
        "expertise_report",
        required=False,
        content_types=(PDF,),
        titles={
            "ar": "تقرير خبرة الوكالة الوطنية لتقييم وضمان جودة التعليم العالي",
            "fr": "Rapport d'expertise de l'ANEAQ",
            "en": "Expertise report of the national quality agency",
        },
    ),
    DocumentRule(
        "complement",
        required=False,
        titles={
            "ar": "وثيقة تكميلية",
            "fr": "Pièce complémentaire",
            "en": "Complementary document",
        },
    ),
    DocumentRule(
        "review_evidence",
        required=False,
        titles={
            "ar": "وثيقة داعمة لطلب إعادة النظر",
            "fr": "Pièce à l'appui du recours",
            "en": "Document supporting the review request",
        },
    ),
    DocumentRule(
        "condition_evidence",
        required=False,
        titles={
            "ar": "ما يثبت استيفاء الشرط",
            "fr": "Justificatif d'une condition remplie",
            "en": "Proof that a condition is met",
        },
    ),
)


def case_documents(case: Case) -> tuple[DocumentRule, ...]:
    """The checklist of the file's own level and training, then the optional extras."""
    diploma = case.payload.get("diploma", {})
    track, level, training = (
        str(case.payload.get("track", "")),
        str(diploma.get("level", "")),
        str(diploma.get("training", "")),
    )
    if valid_combination(track, level, training) is not None:
        return EXTRA_DOCUMENTS
    return (*documents_for(track, level, training), *EXTRA_DOCUMENTS)


def every_kind(track: str) -> tuple[DocumentRule, ...]:
    """Every rule a file of the track may follow (what document checks look sizes up in)."""
    rules: dict[str, DocumentRule] = {}
    for level, about in LEVELS.items():
        if about["track"] != track:
            continue
        for training in TRAININGS:
            if valid_combination(track, level, training) is None:
                for rule in documents_for(track, level, training):
                    rules.setdefault(rule.kind, rule)
    return (*rules.values(), *EXTRA_DOCUMENTS)
