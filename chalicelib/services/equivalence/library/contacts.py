"""How to reach the ministry about an equivalence file, as the source documents give it.

Seed 000 (the Ministry of National Education's press release of 21 Nov 2023) gives the
school-level and BTS platform, two phone numbers for information and an e-mail address for
remarks and suggestions on the platform. No source document gives the higher-education
ministry's (MESRSI) channels: the higher track shows none rather than borrow the MEN's.
"""

from __future__ import annotations

from typing import Any

from chalicelib.services.equivalence.library.references import SEED_000

CONTACTS: dict[str, tuple[dict[str, Any], ...]] = {
    "school": (
        {
            "kind": "platform",
            "value": "https://equivalence.men.gov.ma",
            "purpose": {
                "fr": "Plateforme du ministère de l'Éducation nationale : dépôt et suivi des "
                "demandes, textes, procédure, guide et décisions publiées depuis 1967",
                "ar": "المنصة الرقمية لوزارة التربية الوطنية: إيداع الطلبات وتتبعها والمرجعيات "
                "القانونية والمسطرة والدليل والقرارات الصادرة منذ 1967",
            },
            "source": SEED_000,
        },
        {
            "kind": "phone",
            "value": "05.37.70.88.54",
            "purpose": {"fr": "Renseignements", "ar": "للحصول على المزيد من المعلومات"},
            "source": SEED_000,
        },
        {
            "kind": "phone",
            "value": "05.37.68.72.36",
            "purpose": {"fr": "Renseignements", "ar": "للحصول على المزيد من المعلومات"},
            "source": SEED_000,
        },
        {
            "kind": "email",
            "value": "support.equivalence@men.gov.ma",
            "purpose": {
                "fr": "Remarques et suggestions pour améliorer la plateforme",
                "ar": "الملاحظات والاقتراحات من أجل تطوير وتجويد المنصة",
            },
            "source": SEED_000,
        },
    ),
    "higher": (),
}


def contacts_for(track: str) -> list[dict[str, Any]]:
    return [dict(c) for c in CONTACTS.get(track, ())]
