"""The problems eTimbre answers with, besides the shared ones."""

from __future__ import annotations

from chalicelib.api import problems

problems.register(
    {
        "etimbre-case-refused": (
            422,
            {
                "ar": "هذا الملف ليس موعدا في قنصليتكم",
                "fr": "Ce dossier n'est pas un rendez-vous de votre consulat",
                "en": "This file is not an appointment of your consulate",
            },
        ),
        "etimbre-service-not-offered": (
            422,
            {
                "ar": "هذه القنصلية لا تقدم هذه الخدمة",
                "fr": "Ce consulat ne propose pas ce service",
                "en": "This consulate does not offer this service",
            },
        ),
        "etimbre-stamp-unusable": (
            409,
            {
                "ar": "لا يمكن استعمال هذا الطابع",
                "fr": "Ce timbre ne peut pas être utilisé",
                "en": "This stamp cannot be used",
            },
        ),
        "etimbre-no-refund-request": (
            409,
            {
                "ar": "لا يوجد طلب استرجاع في انتظار الجواب لهذا الطابع",
                "fr": "Aucune demande de remboursement de ce timbre n'attend de réponse",
                "en": "No refund request of this stamp is waiting for an answer",
            },
        ),
        "etimbre-not-refundable": (
            409,
            {
                "ar": "لا يمكن استرجاع مبلغ هذا الطابع",
                "fr": "Ce timbre ne peut pas être remboursé",
                "en": "This stamp cannot be refunded",
            },
        ),
        "etimbre-wrong-channel": (
            403,
            {
                "ar": "قناة الأداء غير مسموح بها",
                "fr": "Canal de paiement non autorisé",
                "en": "Payment channel not allowed",
            },
        ),
        "etimbre-unknown-code": (
            422,
            {
                "ar": "خدمة أو قنصلية غير معروفة",
                "fr": "Service ou consulat inconnu",
                "en": "Unknown service or consulate",
            },
        ),
        "etimbre-settlement-missing": (
            409,
            {
                "ar": "ملف التسوية غير متوفر بعد",
                "fr": "Fichier de règlement pas encore disponible",
                "en": "Settlement file not available yet",
            },
        ),
        "etimbre-bad-signature": (
            401,
            {
                "ar": "توقيع غير صالح",
                "fr": "Signature invalide",
                "en": "Invalid signature",
            },
        ),
        "etimbre-gateway-unavailable": (
            502,
            {
                "ar": "بوابة الأداء غير متاحة",
                "fr": "Passerelle de paiement indisponible",
                "en": "Payment gateway unavailable",
            },
        ),
    }
)
