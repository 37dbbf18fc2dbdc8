"""The consular service's own problems."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        "consular-too-many-open-requests": (
            Kind.CONFLICT,
            {
                "ar": "لديكم عدد كبير من الطلبات المفتوحة لدى هذه القنصلية",
                "fr": "Trop de demandes ouvertes auprès de ce consulat",
                "en": "Too many open requests at this consulate",
            },
        ),
        "consular-service-not-offered": (
            Kind.RULE_BROKEN,
            {
                "ar": "هذه الخدمة غير متوفرة في هذه القنصلية",
                "fr": "Ce service n'est pas proposé par ce consulat",
                "en": "This consulate does not offer this service",
            },
        ),
        "consular-rule-violated": (
            Kind.RULE_BROKEN,
            {
                "ar": "الطلب لا يستوفي قواعد القنصلية",
                "fr": "La demande ne respecte pas les règles du consulat",
                "en": "The request breaks a rule of the consulate",
            },
        ),
        "consular-period-invalid": (
            Kind.RULE_BROKEN,
            {
                "ar": "الفترة المطلوبة غير صالحة",
                "fr": "Période demandée invalide",
                "en": "Invalid period",
            },
        ),
        "consular-stamp-refused": (
            Kind.RULE_BROKEN,
            {
                "ar": "لا يمكن استعمال هذا الطابع لهذا الطلب",
                "fr": "Ce timbre ne peut pas payer cette demande",
                "en": "This stamp cannot pay for this request",
            },
        ),
        "consular-seats-taken": (
            Kind.CONFLICT,
            {
                "ar": "التعديل يقلص مقاعد محجوزة",
                "fr": "La modification retire des places déjà réservées",
                "en": "The change would take away seats already booked",
            },
        ),
        "consular-documents-missing": (
            Kind.CONFLICT,
            {
                "ar": "وثائق مطلوبة ناقصة",
                "fr": "Des pièces requises manquent",
                "en": "Required documents are missing",
            },
        ),
        "consular-contact-missing": (
            Kind.RULE_BROKEN,
            {
                "ar": "يلزم بريد إلكتروني أو رقم هاتف",
                "fr": "Une adresse e-mail ou un numéro de téléphone est nécessaire",
                "en": "An e-mail address or a phone number is needed",
            },
        ),
    }
)
