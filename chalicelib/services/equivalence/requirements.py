"""What an equivalence file needs, by track, diploma level and kind of training: the
documents of its checklist and the procedure's steps.

Pure data and functions (no AWS, no pydantic), shared by the public reference library
(``GET /equivalence/procedures``, the guide PDF) and the application lifecycle (the
checklist a file must satisfy before it is submitted): one source, so the public page and
the enforced checklist can never disagree. The codes themselves are in ``catalogue``
(re-exported here for the callers that want one import).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from chalicelib.services.equivalence.catalogue import (
    CONDITIONAL_FIELDS,
    LEVELS,
    TRACKS,
    TRAININGS,
    Titles,
    office_of,
    refused_part,
    valid_combination,
)
from chalicelib.workflow.machine import JPEG, PDF, PNG, DocumentRule

__all__ = [
    "CONDITIONAL_FIELDS",
    "LEVELS",
    "TRACKS",
    "TRAININGS",
    "Titles",
    "documents_for",
    "office_of",
    "procedure_for",
    "refused_part",
    "valid_combination",
]


def _t(ar: str, fr: str, en: str) -> Titles:
    return MappingProxyType({"ar": ar, "fr": fr, "en": en})


_TYPES = (PDF, JPEG, PNG)
_MB = 1024 * 1024


def _doc(kind: str, ar: str, fr: str, en: str, required: bool = True, mb: int = 10) -> DocumentRule:
    return DocumentRule(
        kind=kind,
        required=required,
        max_bytes=mb * _MB,
        content_types=_TYPES,
        titles=_t(ar, fr, en),
    )


_IDENTITY = _doc(
    "identity",
    "نسخة من البطاقة الوطنية للتعريف الإلكترونية أو جواز السفر",
    "Copie de la CNIE ou du passeport",
    "Copy of the national ID card or passport",
)
_DIPLOMA = _doc(
    "diploma",
    "نسخة مطابقة للأصل من الشهادة",
    "Copie certifiée conforme du diplôme",
    "Certified copy of the diploma",
)
_AUTHENTICATION = _doc(
    "authentication",
    "تصديق الشهادة من طرف سلطات البلد المانح",
    "Authentification du diplôme par les autorités du pays de délivrance",
    "Authentication of the diploma by the issuing country",
)
_TRANSLATION = _doc(
    "translation",
    "ترجمة محلفة إذا لم تكن الوثائق بالعربية أو الفرنسية أو الإنجليزية",
    "Traduction assermentée si les pièces ne sont ni en arabe, ni en français, ni en anglais",
    "Sworn translation when documents are not in Arabic, French or English",
    required=False,
)
_BACCALAUREATE = _doc(
    "baccalaureate",
    "نسخة مطابقة للأصل من شهادة البكالوريا",
    "Copie certifiée conforme du baccalauréat",
    "Certified copy of the baccalaureate",
)
_TRANSCRIPTS_ALL = _doc(
    "transcripts",
    "كشوف النقط لجميع سنوات الدراسة",
    "Relevés de notes de toutes les années d'études",
    "Transcripts of every year of study",
    mb=20,
)
_STAY_PROOF = _doc(
    "stay_proof",
    "ما يثبت الإقامة في بلد الدراسة (جواز السفر المختوم، بطاقة الإقامة)",
    "Preuve du séjour dans le pays d'études (passeport visé, titre de séjour)",
    "Proof of residence in the country of study (stamped passport, residence permit)",
)
_CURRICULUM = _doc(
    "curriculum",
    "البرنامج المفصل للتكوين والحجم الساعي مختوم من المؤسسة",
    "Programme détaillé de la formation et volume horaire, visé par l'établissement",
    "Detailed curriculum with teaching hours, stamped by the institution",
    mb=20,
)
_THESIS = _doc(
    "thesis",
    "نسخة من الأطروحة",
    "Exemplaire de la thèse",
    "Copy of the thesis",
    mb=50,
)
_DEFENCE_REPORT = _doc(
    "defence_report",
    "محضر مناقشة الأطروحة",
    "Procès-verbal de soutenance de la thèse",
    "Report of the thesis defence",
)
_PRIOR_DIPLOMAS = _doc(
    "prior_diplomas",
    "نسخ الشهادات الجامعية السابقة",
    "Copies des diplômes universitaires antérieurs",
    "Copies of the earlier university diplomas",
)
_INTERNSHIPS = _doc(
    "internship_certificates",
    "شهادات التداريب الاستشفائية",
    "Attestations des stages hospitaliers",
    "Certificates of the hospital internships",
)
_HOSPITAL_ACCREDITATION = _doc(
    "hospital_accreditation",
    "ما يثبت اعتماد المستشفى الجامعي الذي أجريت فيه التداريب",
    "Attestation d'agrément du centre hospitalier universitaire des stages",
    "Accreditation of the teaching hospital of the internships",
)
_INTERNSHIP_REPORT = _doc(
    "internship_report",
    "شهادة التدريب أو تقرير مشروع نهاية الدراسة",
    "Attestation de stage ou rapport de projet de fin d'études",
    "Internship certificate or final-year project report",
)
_PORTFOLIO = _doc(
    "portfolio",
    "ملف المشاريع ومشروع نهاية الدراسة",
    "Portfolio des projets et projet de fin d'études",
    "Portfolio of projects and final-year project",
    mb=50,
)
_SCHOOL_CERTIFICATE = _doc(
    "school_certificate",
    "نسخة مطابقة للأصل من الشهادة المدرسية الأجنبية",
    "Copie certifiée conforme du certificat scolaire étranger",
    "Certified copy of the foreign school certificate",
)
_SCHOOL_TRANSCRIPTS = _doc(
    "school_transcripts",
    "كشوف النقط للسنتين الأخيرتين",
    "Relevés de notes des deux dernières années",
    "Transcripts of the last two years",
)
_SCHOOLING = _doc(
    "schooling_certificate",
    "شهادة التمدرس بالمؤسسة الأجنبية",
    "Certificat de scolarité de l'établissement étranger",
    "Certificate of attendance at the foreign school",
)


def documents_for(track: str, level: str, training: str) -> tuple[DocumentRule, ...]:
    """The checklist of a file: what every application needs plus what its level and
    training add (a doctorate in medicine needs far more than a licence in law).
    Raises ValueError on a combination ``valid_combination`` refuses."""
    why = valid_combination(track, level, training)
    if why is not None:
        raise ValueError(why)
    if track == "school":
        return _school_documents(level)
    docs = [_IDENTITY, _BACCALAUREATE, _DIPLOMA, _AUTHENTICATION, _TRANSCRIPTS_ALL, _STAY_PROOF]
    if level in {"master", "engineer", "architecture"} or training in CONDITIONAL_FIELDS:
        docs.append(_CURRICULUM)
    if level in {"master", "doctorate"}:
        docs.append(_PRIOR_DIPLOMAS)
    if level in {"doctorate", "doctorate_medicine", "pharmacy", "dentistry"}:
        docs += [_THESIS, _DEFENCE_REPORT]
    if training == "health":
        docs += [_INTERNSHIPS, _HOSPITAL_ACCREDITATION]
    if training in {"engineering", "topography"}:
        docs.append(_INTERNSHIP_REPORT)
    if training == "architecture":
        docs.append(_PORTFOLIO)
    docs.append(_TRANSLATION)
    return tuple(
        {d.kind: d for d in reversed(docs)}[k] for k in dict.fromkeys(d.kind for d in docs)
    )


def _school_documents(level: str) -> tuple[DocumentRule, ...]:
    if level == "school_certificate":
        return (_IDENTITY, _SCHOOL_CERTIFICATE, _SCHOOL_TRANSCRIPTS, _SCHOOLING, _TRANSLATION)
    if level == "baccalaureate":
        return (_IDENTITY, _DIPLOMA, _AUTHENTICATION, _SCHOOL_TRANSCRIPTS, _SCHOOLING, _TRANSLATION)
    return (_IDENTITY, _BACCALAUREATE, _DIPLOMA, _AUTHENTICATION, _TRANSCRIPTS_ALL, _TRANSLATION)


def _step(code: str, ar: str, fr: str, en: str) -> dict[str, Any]:
    return {"code": code, "titles": dict(_t(ar, fr, en))}


_FILE = _step(
    "file",
    "إيداع الطلب عبر الإنترنت وتحميل الوثائق المطلوبة",
    "Déposer la demande en ligne et téléverser les pièces demandées",
    "File the application online and upload the required documents",
)
_SUBMIT = _step(
    "submit",
    "تأكيد الطلب: يتوصل الطالب بإشعار بالتوصل ورقم الملف",
    "Soumettre le dossier : accusé de réception avec la référence du dossier",
    "Submit the file: acknowledgement with the file reference",
)
_INTAKE = _step(
    "intake",
    "دراسة قبول الملف: رسالة قبول أو عدم قبول معللة",
    "Recevabilité : lettre d'acceptation ou de non-acceptation motivée",
    "Admissibility: acceptance or reasoned non-acceptance letter",
)
_COMPLEMENT = _step(
    "complement",
    "عند الاقتضاء: الإدلاء بملف تكميلي داخل الأجل المحدد",
    "Le cas échéant : fournir un dossier complémentaire dans le délai fixé",
    "If asked: provide a complementary file before the deadline",
)
_COMMITTEE = _step(
    "committee",
    "دراسة الملف من طرف اللجنة القطاعية بناء على المعايير الخمسة وتقرير خبرة الوكالة الوطنية",
    "Étude par la commission sectorielle (cinq critères) avec l'expertise de l'ANEAQ",
    "Study by the sector committee (five criteria) with the quality agency's expertise",
)
_SCHOOL_COMMISSION = _step(
    "commission",
    "دراسة الملف من طرف لجنة المعادلات بوزارة التربية الوطنية",
    "Étude du dossier par la commission des équivalences du MEN",
    "Study by the equivalence commission of the ministry of education",
)
_DECISION = _step(
    "decision",
    "صدور قرار المعادلة (أو المعادلة المشروطة أو الرفض المعلل)",
    "Arrêté d'équivalence (ou équivalence conditionnelle, ou refus motivé)",
    "Equivalence order (or conditional equivalence, or reasoned refusal)",
)
_SCHOOL_DECISION = _step(
    "decision",
    "صدور قرار المعادلة أو الرفض المعلل",
    "Décision d'équivalence ou refus motivé",
    "Equivalence decision or reasoned refusal",
)
_PUBLICATION = _step(
    "publication",
    "النشر في الجريدة الرسمية وتحميل نسخة القرار",
    "Publication au Bulletin officiel et téléchargement de la copie de la décision",
    "Publication in the Official Bulletin and download of the decision copy",
)
_REVIEW = _step(
    "review",
    "إمكانية طلب إعادة النظر داخل أجل 60 يوما من تاريخ التبليغ أمام اللجنة العليا للمعادلات",
    "Recours possible dans les 60 jours de la notification devant la Commission supérieure",
    "Review may be requested within 60 days of notification (Higher Equivalence Committee)",
)
_CONDITIONS = _step(
    "conditions",
    "في حالة المعادلة المشروطة: اجتياز امتحان التقييم أو التدريب أو التكوين التكميلي",
    "Équivalence conditionnelle : examen d'évaluation, stage certifié ou formation complémentaire",
    "Conditional equivalence: evaluation exam, certified internship or complementary training",
)


def procedure_for(track: str, level: str, training: str) -> list[dict[str, Any]]:
    """The procedure step by step, numbered from 1, each with its titles in ar/fr/en.
    Raises ValueError on a combination ``valid_combination`` refuses."""
    why = valid_combination(track, level, training)
    if why is not None:
        raise ValueError(why)
    if track == "school":
        steps = [_FILE, _SUBMIT, _INTAKE, _COMPLEMENT, _SCHOOL_COMMISSION, _SCHOOL_DECISION]
        steps.append(_PUBLICATION)
    else:
        steps = [_FILE, _SUBMIT, _INTAKE, _COMPLEMENT, _COMMITTEE, _DECISION]
        if training in CONDITIONAL_FIELDS:
            steps.append(_CONDITIONS)
        steps += [_PUBLICATION, _REVIEW]
    return [
        {"number": n, **step, "titles": dict(step["titles"])} for n, step in enumerate(steps, 1)
    ]
