"""The baccalaureate's own problems (status and title in ar, fr, en)."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        # The exams a candidate sits are their stream's: the candidate record, not the body.
        "bac-subject-not-in-stream": (
            Kind.RULE_BROKEN,
            {
                "ar": "هذه المادة ليست من مواد شعبتكم",
                "fr": "Cette épreuve n'est pas de votre filière",
                "en": "This exam is not one of your stream's",
            },
        ),
        # 409, not 404: the route exists and the caller may use it; what is missing is a
        # record of them, which the academy's candidate list (not the caller) must bring.
        "bac-not-a-candidate": (
            Kind.CONFLICT,
            {
                "ar": "لا يوجد ملف مترشح مرتبط برقم بطاقتكم الوطنية",
                "fr": "Aucun dossier de candidat ne porte votre numéro de CNIe",
                "en": "No candidate record carries your CNIe number",
            },
        ),
        "bac-document-not-verified": (
            Kind.CONFLICT,
            {
                "ar": "لم يتم بعد التحقق من وثيقة مطلوبة",
                "fr": "Une pièce requise n'est pas encore vérifiée",
                "en": "A required document is not verified yet",
            },
        ),
        "bac-data-not-confirmed": (
            Kind.CONFLICT,
            {
                "ar": "يجب أولا التحقق من المعطيات الشخصية وتأكيدها",
                "fr": "Vérifiez et confirmez d'abord vos données personnelles",
                "en": "Check and confirm your personal data first",
            },
        ),
        "bac-results-not-published": (
            Kind.CONFLICT,
            {
                "ar": "لم يتم الإعلان عن النتائج بعد",
                "fr": "Les résultats ne sont pas encore publiés",
                "en": "Results not published yet",
            },
        ),
        "bac-complaints-closed": (
            Kind.CONFLICT,
            {
                "ar": "أجل تقديم التظلمات غير مفتوح",
                "fr": "Le délai de réclamation n'est pas ouvert",
                "en": "The complaint window is not open",
            },
        ),
        "bac-cnie-not-on-file": (
            Kind.CONFLICT,
            {
                "ar": "رقم البطاقة الوطنية غير مسجل في ملف المترشح: لا شهادة بدونه",
                "fr": "Numéro de CNIe absent du dossier : pas de certificat sans lui",
                "en": "No CNIe number on file: no certificate without one",
            },
        ),
        "bac-not-admitted": (
            Kind.CONFLICT,
            {
                "ar": "الشهادة تسلم للناجحين فقط",
                "fr": "Le certificat n'est délivré qu'aux admis",
                "en": "The certificate is issued to admitted candidates only",
            },
        ),
        # The request names a key of the documents bucket where no list was uploaded.
        "bac-import-file-missing": (
            Kind.RULE_BROKEN,
            {
                "ar": "لا يوجد ملف بهذا المفتاح في مستودع الوثائق",
                "fr": "Aucun fichier à cette clé dans le dépôt de documents",
                "en": "No file at this key in the documents bucket",
            },
        ),
        "bac-import-rejected": (
            Kind.RULE_BROKEN,
            {
                "ar": "لائحة المترشحين تتضمن أسطرا غير صالحة",
                "fr": "La liste des candidats contient des lignes invalides",
                "en": "The candidate list has invalid rows",
            },
        ),
    }
)
