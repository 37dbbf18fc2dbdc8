"""The problems of contacts: an address not verified, a one-time code wrong, late or used up."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        "contact-not-verified": (
            Kind.RULE_BROKEN,
            {
                "ar": "عنوان الاتصال هذا غير مؤكد",
                "fr": "Ce moyen de contact n'est pas vérifié",
                "en": "This contact is not verified",
            },
        ),
        "contact-code-wrong": (
            Kind.RULE_BROKEN,
            {
                "ar": "الرمز غير صحيح",
                "fr": "Code incorrect",
                "en": "Wrong code",
            },
        ),
        "contact-code-expired": (
            Kind.RULE_BROKEN,
            {
                "ar": "انتهت صلاحية الرمز",
                "fr": "Le code a expiré",
                "en": "The code has expired",
            },
        ),
        "contact-code-used-up": (
            Kind.RULE_BROKEN,
            {
                "ar": "تم استنفاد المحاولات المسموح بها لهذا الرمز",
                "fr": "Trop d'essais pour ce code",
                "en": "Too many tries for this code",
            },
        ),
    }
)
