"""The problems of contacts: an address not verified, a one-time code wrong, late or used up."""

from __future__ import annotations

from chalicelib.api import problems

problems.register(
    {
        "contact-not-verified": (
            422,
            {
                "ar": "عنوان الاتصال هذا غير مؤكد",
                "fr": "Ce moyen de contact n'est pas vérifié",
                "en": "This contact is not verified",
            },
        ),
        "contact-code-wrong": (
            422,
            {
                "ar": "الرمز غير صحيح",
                "fr": "Code incorrect",
                "en": "Wrong code",
            },
        ),
        "contact-code-expired": (
            422,
            {
                "ar": "انتهت صلاحية الرمز",
                "fr": "Le code a expiré",
                "en": "The code has expired",
            },
        ),
        "contact-code-used-up": (
            422,
            {
                "ar": "تم استنفاد المحاولات المسموح بها لهذا الرمز",
                "fr": "Trop d'essais pour ce code",
                "en": "Too many tries for this code",
            },
        ),
    }
)
