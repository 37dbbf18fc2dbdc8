"""Problems of the equivalence file lifecycle (registered at import by the service)."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import FieldError, Kind, Refusal

refusals.register(
    {
        "review-window-closed": (
            Kind.CONFLICT,
            {
                "ar": "انقضى أجل طلب إعادة النظر (60 يوما من التبليغ)",
                "fr": "Le délai de recours est expiré (60 jours après la notification)",
                "en": "The review window is closed (60 days from notification)",
            },
        ),
        # Each code is valid on its own (the schema lists them); this track, level and
        # training (or committee field) do not go together (requirements.refused_part).
        "equivalence-not-offered": (
            Kind.RULE_BROKEN,
            {
                "ar": "هذا المستوى أو هذا التكوين غير معتمد في هذا المسار",
                "fr": "Ce niveau ou cette formation n'est pas prévu pour cette filière",
                "en": "This level or training is not offered on this track",
            },
        ),
        # The request names a key of the documents bucket where no file was uploaded.
        "equivalence-import-file-missing": (
            Kind.RULE_BROKEN,
            {
                "ar": "لا يوجد ملف بهذا المفتاح في مستودع الوثائق",
                "fr": "Aucun fichier à cette clé dans le dépôt de documents",
                "en": "No file at this key in the documents bucket",
            },
        ),
        "not-yet-available": (
            Kind.CONFLICT,
            {
                "ar": "الوثيقة غير متوفرة بعد",
                "fr": "Le document n'est pas encore disponible",
                "en": "The document is not available yet",
            },
        ),
    }
)


def not_offered(field: str, why: str) -> Refusal:
    """The problem naming the field (``query.level``, ``body.diploma.training`` ...) whose
    code does not go with the others."""
    return Refusal("equivalence-not-offered", why, errors=[FieldError(field, why, "not_offered")])
