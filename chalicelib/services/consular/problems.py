"""The consular service's own problems."""

from __future__ import annotations

from chalicelib.api import problems

problems.register(
    {
        "consular-too-many-open-requests": (
            409,
            {
                "ar": "لديكم عدد كبير من الطلبات المفتوحة لدى هذه القنصلية",
                "fr": "Trop de demandes ouvertes auprès de ce consulat",
                "en": "Too many open requests at this consulate",
            },
        ),
        "consular-service-not-offered": (
            422,
            {
                "ar": "هذه الخدمة غير متوفرة في هذه القنصلية",
                "fr": "Ce service n'est pas proposé par ce consulat",
                "en": "This consulate does not offer this service",
            },
        ),
        "consular-rule-violated": (
            422,
            {
                "ar": "الطلب لا يستوفي قواعد القنصلية",
                "fr": "La demande ne respecte pas les règles du consulat",
                "en": "The request breaks a rule of the consulate",
            },
        ),
        "consular-period-invalid": (
            422,
            {
                "ar": "الفترة المطلوبة غير صالحة",
                "fr": "Période demandée invalide",
                "en": "Invalid period",
            },
        ),
        "consular-stamp-refused": (
            422,
            {
                "ar": "لا يمكن استعمال هذا الطابع لهذا الطلب",
                "fr": "Ce timbre ne peut pas payer cette demande",
                "en": "This stamp cannot pay for this request",
            },
        ),
        "consular-seats-taken": (
            409,
            {
                "ar": "التعديل يقلص مقاعد محجوزة",
                "fr": "La modification retire des places déjà réservées",
                "en": "The change would take away seats already booked",
            },
        ),
        "consular-documents-missing": (
            409,
            {
                "ar": "وثائق مطلوبة ناقصة",
                "fr": "Des pièces requises manquent",
                "en": "Required documents are missing",
            },
        ),
        "consular-contact-missing": (
            422,
            {
                "ar": "يلزم بريد إلكتروني أو رقم هاتف",
                "fr": "Une adresse e-mail ou un numéro de téléphone est nécessaire",
                "en": "An e-mail address or a phone number is needed",
            },
        ),
    }
)
