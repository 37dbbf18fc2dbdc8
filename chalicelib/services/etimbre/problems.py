"""The problems eTimbre answers with, besides the shared ones."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        "etimbre-case-refused": (
            Kind.RULE_BROKEN,
            {
                "ar": "هذا الملف ليس موعدا في قنصليتكم",
                "fr": "Ce dossier n'est pas un rendez-vous de votre consulat",
                "en": "This file is not an appointment of your consulate",
            },
        ),
        "etimbre-service-not-offered": (
            Kind.RULE_BROKEN,
            {
                "ar": "هذه القنصلية لا تقدم هذه الخدمة",
                "fr": "Ce consulat ne propose pas ce service",
                "en": "This consulate does not offer this service",
            },
        ),
        "etimbre-stamp-unusable": (
            Kind.CONFLICT,
            {
                "ar": "لا يمكن استعمال هذا الطابع",
                "fr": "Ce timbre ne peut pas être utilisé",
                "en": "This stamp cannot be used",
            },
        ),
        "etimbre-no-refund-request": (
            Kind.CONFLICT,
            {
                "ar": "لا يوجد طلب استرجاع في انتظار الجواب لهذا الطابع",
                "fr": "Aucune demande de remboursement de ce timbre n'attend de réponse",
                "en": "No refund request of this stamp is waiting for an answer",
            },
        ),
        "etimbre-not-refundable": (
            Kind.CONFLICT,
            {
                "ar": "لا يمكن استرجاع مبلغ هذا الطابع",
                "fr": "Ce timbre ne peut pas être remboursé",
                "en": "This stamp cannot be refunded",
            },
        ),
        "etimbre-wrong-channel": (
            Kind.NOT_ALLOWED,
            {
                "ar": "قناة الأداء غير مسموح بها",
                "fr": "Canal de paiement non autorisé",
                "en": "Payment channel not allowed",
            },
        ),
        "etimbre-unknown-code": (
            Kind.RULE_BROKEN,
            {
                "ar": "خدمة أو قنصلية غير معروفة",
                "fr": "Service ou consulat inconnu",
                "en": "Unknown service or consulate",
            },
        ),
        "etimbre-settlement-missing": (
            Kind.CONFLICT,
            {
                "ar": "ملف التسوية غير متوفر بعد",
                "fr": "Fichier de règlement pas encore disponible",
                "en": "Settlement file not available yet",
            },
        ),
        "etimbre-bad-signature": (
            Kind.UNAUTHENTICATED,
            {
                "ar": "توقيع غير صالح",
                "fr": "Signature invalide",
                "en": "Invalid signature",
            },
        ),
        "etimbre-gateway-unavailable": (
            Kind.UPSTREAM_FAILED,
            {
                "ar": "بوابة الأداء غير متاحة",
                "fr": "Passerelle de paiement indisponible",
                "en": "Payment gateway unavailable",
            },
        ),
    }
)
