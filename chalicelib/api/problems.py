"""RFC 9457 problems: the one error shape of the API, with titles in ar, fr and en."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.api.i18n import Language

PROBLEM_CONTENT_TYPE = "application/problem+json"

# slug -> (status, {language: title})
CATALOGUE: dict[str, tuple[int, dict[str, str]]] = {
    "malformed-request": (
        400,
        {"ar": "طلب غير صالح", "fr": "Requête mal formée", "en": "Malformed request"},
    ),
    "invalid-cursor": (
        400,
        {
            "ar": "مؤشر الصفحة غير صالح",
            "fr": "Curseur de pagination invalide",
            "en": "Invalid pagination cursor",
        },
    ),
    "unauthenticated": (
        401,
        {
            "ar": "يلزم تسجيل الدخول",
            "fr": "Authentification requise",
            "en": "Authentication required",
        },
    ),
    "forbidden": (
        403,
        {
            "ar": "غير مسموح لهذا الدور",
            "fr": "Action non autorisée pour ce rôle",
            "en": "Not allowed for this role",
        },
    ),
    "cnie-required": (
        403,
        {
            "ar": "يلزم تسجيل الدخول بالبطاقة الوطنية الإلكترونية",
            "fr": "Connexion avec la carte nationale électronique requise",
            "en": "Sign-in with the electronic national ID card required",
        },
    ),
    "not-found": (404, {"ar": "غير موجود", "fr": "Ressource introuvable", "en": "Not found"}),
    "method-not-allowed": (
        405,
        {"ar": "الطريقة غير مسموح بها", "fr": "Méthode non autorisée", "en": "Method not allowed"},
    ),
    "not-acceptable": (
        406,
        {
            "ar": "صيغة الجواب غير متوفرة",
            "fr": "Format de réponse non disponible",
            "en": "Response format not available",
        },
    ),
    "conflict": (
        409,
        {
            "ar": "تعارض مع الحالة الحالية",
            "fr": "Conflit avec l'état actuel",
            "en": "Conflict with the current state",
        },
    ),
    "idempotency-in-progress": (
        409,
        {
            "ar": "طلب بنفس المفتاح قيد المعالجة",
            "fr": "Une requête avec la même clé est en cours",
            "en": "A request with the same key is in progress",
        },
    ),
    "payload-too-large": (
        413,
        {
            "ar": "حجم الطلب كبير جدا",
            "fr": "Requête trop volumineuse",
            "en": "Request body too large",
        },
    ),
    "unsupported-media-type": (
        415,
        {
            "ar": "نوع المحتوى غير مدعوم",
            "fr": "Type de contenu non pris en charge",
            "en": "Unsupported media type",
        },
    ),
    "validation-failed": (
        422,
        {"ar": "بيانات غير صالحة", "fr": "Données invalides", "en": "Invalid data"},
    ),
    "idempotency-key-reused": (
        422,
        {
            "ar": "مفتاح التكرار مستعمل مع طلب مختلف",
            "fr": "Clé d'idempotence déjà utilisée pour une autre requête",
            "en": "Idempotency key already used with another request",
        },
    ),
    "too-many-requests": (
        429,
        {"ar": "طلبات كثيرة جدا", "fr": "Trop de requêtes", "en": "Too many requests"},
    ),
    "internal-error": (500, {"ar": "خطأ داخلي", "fr": "Erreur interne", "en": "Internal error"}),
    "unavailable": (
        503,
        {
            "ar": "الخدمة غير متوفرة مؤقتا",
            "fr": "Service temporairement indisponible",
            "en": "Service temporarily unavailable",
        },
    ),
}

SLUG_FOR_STATUS = {status: slug for slug, (status, _) in reversed(CATALOGUE.items())}


def register(entries: dict[str, tuple[int, dict[str, str]]]) -> None:
    """A service's own problems (``services/<service>/problems.py``), each with its status
    and a title in ar, fr and en; a slug is registered once."""
    for slug, (status, titles) in entries.items():
        if slug in CATALOGUE and CATALOGUE[slug] != (status, titles):
            raise ValueError(f"problem {slug!r} is already registered")
        if set(titles) != {"ar", "fr", "en"}:
            raise ValueError(f"problem {slug!r} needs a title in ar, fr and en")
        CATALOGUE[slug] = (status, titles)


@dataclass
class FieldError:
    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class Problem(Exception):
    """An answer that is not a success. Raise it anywhere below a route."""

    slug: str
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.slug not in CATALOGUE:
            raise ValueError(f"unknown problem {self.slug!r}")
        super().__init__(self.slug, self.detail)

    @property
    def status(self) -> int:
        return CATALOGUE[self.slug][0]

    def body(self, language: Language, instance: str = "") -> dict[str, Any]:
        status, titles = CATALOGUE[self.slug]
        body: dict[str, Any] = {
            "type": f"urn:khidmat:problem:{self.slug}",
            "title": titles[language],
            "status": status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        body.update(self.extra)
        return body


def for_status(status: int, detail: str = "") -> Problem:
    """The catalogue's problem for a bare HTTP status (errors raised by Chalice itself)."""
    slug = SLUG_FOR_STATUS.get(status, "internal-error" if status >= 500 else "malformed-request")
    return Problem(slug, detail)
