"""Refusals: the one vocabulary in which the app says no, whatever the service.

A refusal has a kind (not found, not allowed, conflict with the current state, rule broken,
limit reached ...) and a slug registered once with its title in ar, fr and en. Domain and
kernel code raise them and know nothing of HTTP; the edge (``chalicelib.api.problems``)
maps each kind to one status in one table, so the same kind of refusal answers the same
status in every service. A service registers its own slugs in its ``problems.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar


class Kind(StrEnum):
    MALFORMED = "malformed"  # the request cannot be read
    UNAUTHENTICATED = "unauthenticated"
    NOT_ALLOWED = "not-allowed"  # the caller may not do this
    NOT_FOUND = "not-found"  # or not the caller's to know of
    METHOD_NOT_ALLOWED = "method-not-allowed"
    NOT_ACCEPTABLE = "not-acceptable"  # no answer in a form the caller accepts
    CONFLICT = "conflict"  # with the current state: another time, or another order, may do
    TOO_LARGE = "too-large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    RULE_BROKEN = "rule-broken"  # the input breaks a rule: sent again unchanged, refused again
    LIMIT_REACHED = "limit-reached"  # a rate or a quota: waiting frees it
    FAILED = "failed"  # ours: a defect
    UPSTREAM_FAILED = "upstream-failed"  # a system we call answered wrongly
    UNAVAILABLE = "unavailable"  # ours or theirs, for a while


# slug -> (kind, {language: title})
VOCABULARY: dict[str, tuple[Kind, dict[str, str]]] = {
    "malformed-request": (
        Kind.MALFORMED,
        {"ar": "طلب غير صالح", "fr": "Requête mal formée", "en": "Malformed request"},
    ),
    "invalid-cursor": (
        Kind.MALFORMED,
        {
            "ar": "مؤشر الصفحة غير صالح",
            "fr": "Curseur de pagination invalide",
            "en": "Invalid pagination cursor",
        },
    ),
    "unauthenticated": (
        Kind.UNAUTHENTICATED,
        {
            "ar": "يلزم تسجيل الدخول",
            "fr": "Authentification requise",
            "en": "Authentication required",
        },
    ),
    "forbidden": (
        Kind.NOT_ALLOWED,
        {
            "ar": "غير مسموح لهذا الدور",
            "fr": "Action non autorisée pour ce rôle",
            "en": "Not allowed for this role",
        },
    ),
    "cnie-required": (
        Kind.NOT_ALLOWED,
        {
            "ar": "يلزم تسجيل الدخول بالبطاقة الوطنية الإلكترونية",
            "fr": "Connexion avec la carte nationale électronique requise",
            "en": "Sign-in with the electronic national ID card required",
        },
    ),
    "not-found": (
        Kind.NOT_FOUND,
        {"ar": "غير موجود", "fr": "Ressource introuvable", "en": "Not found"},
    ),
    "method-not-allowed": (
        Kind.METHOD_NOT_ALLOWED,
        {"ar": "الطريقة غير مسموح بها", "fr": "Méthode non autorisée", "en": "Method not allowed"},
    ),
    "not-acceptable": (
        Kind.NOT_ACCEPTABLE,
        {
            "ar": "صيغة الجواب غير متوفرة",
            "fr": "Format de réponse non disponible",
            "en": "Response format not available",
        },
    ),
    "conflict": (
        Kind.CONFLICT,
        {
            "ar": "تعارض مع الحالة الحالية",
            "fr": "Conflit avec l'état actuel",
            "en": "Conflict with the current state",
        },
    ),
    "idempotency-in-progress": (
        Kind.CONFLICT,
        {
            "ar": "طلب بنفس المفتاح قيد المعالجة",
            "fr": "Une requête avec la même clé est en cours",
            "en": "A request with the same key is in progress",
        },
    ),
    "payload-too-large": (
        Kind.TOO_LARGE,
        {
            "ar": "حجم الطلب كبير جدا",
            "fr": "Requête trop volumineuse",
            "en": "Request body too large",
        },
    ),
    "unsupported-media-type": (
        Kind.UNSUPPORTED_MEDIA_TYPE,
        {
            "ar": "نوع المحتوى غير مدعوم",
            "fr": "Type de contenu non pris en charge",
            "en": "Unsupported media type",
        },
    ),
    "validation-failed": (
        Kind.RULE_BROKEN,
        {"ar": "بيانات غير صالحة", "fr": "Données invalides", "en": "Invalid data"},
    ),
    "idempotency-key-reused": (
        Kind.RULE_BROKEN,
        {
            "ar": "مفتاح التكرار مستعمل مع طلب مختلف",
            "fr": "Clé d'idempotence déjà utilisée pour une autre requête",
            "en": "Idempotency key already used with another request",
        },
    ),
    "too-many-requests": (
        Kind.LIMIT_REACHED,
        {"ar": "طلبات كثيرة جدا", "fr": "Trop de requêtes", "en": "Too many requests"},
    ),
    "internal-error": (
        Kind.FAILED,
        {"ar": "خطأ داخلي", "fr": "Erreur interne", "en": "Internal error"},
    ),
    "unavailable": (
        Kind.UNAVAILABLE,
        {
            "ar": "الخدمة غير متوفرة مؤقتا",
            "fr": "Service temporairement indisponible",
            "en": "Service temporarily unavailable",
        },
    ),
}


def register(entries: dict[str, tuple[Kind, dict[str, str]]]) -> None:
    """A service's own refusals (``services/<service>/problems.py``), each with its kind and
    a title in ar, fr and en; a slug is registered once."""
    for slug, (kind, titles) in entries.items():
        if slug in VOCABULARY and VOCABULARY[slug] != (kind, titles):
            raise ValueError(f"refusal {slug!r} is already registered")
        if set(titles) != {"ar", "fr", "en"}:
            raise ValueError(f"refusal {slug!r} needs a title in ar, fr and en")
        VOCABULARY[slug] = (kind, titles)


def kind_of(slug: str) -> Kind:
    return VOCABULARY[slug][0]


@dataclass
class FieldError:
    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class Refusal(Exception):
    """Why not. ``slug`` names it in the vocabulary; ``errors`` name the fields at fault;
    ``extra`` adds members to the answer; ``retry_after`` says when trying again may help."""

    slug: str
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    retry_after: int | None = None

    def __post_init__(self) -> None:
        if self.slug not in VOCABULARY:
            raise ValueError(f"unknown refusal {self.slug!r}")
        super().__init__(self.slug, self.detail)

    @property
    def kind(self) -> Kind:
        return kind_of(self.slug)

    def title(self, language: str) -> str:
        return VOCABULARY[self.slug][1][language]


class _OfKind(Refusal):
    """A refusal of one kind; its slug defaults to the kind's generic one."""

    KIND: ClassVar[Kind]
    GENERIC: ClassVar[str]

    def __init__(
        self,
        slug: str = "",
        detail: str = "",
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(slug or self.GENERIC, detail, errors or [], extra or {}, retry_after)
        if self.kind is not self.KIND:
            raise ValueError(f"{self.slug!r} is not a refusal of kind {self.KIND}")


class NotFound(_OfKind):
    KIND, GENERIC = Kind.NOT_FOUND, "not-found"


class NotAllowed(_OfKind):
    KIND, GENERIC = Kind.NOT_ALLOWED, "forbidden"


class Conflict(_OfKind):
    KIND, GENERIC = Kind.CONFLICT, "conflict"


class RuleBroken(_OfKind):
    KIND, GENERIC = Kind.RULE_BROKEN, "validation-failed"


class LimitReached(_OfKind):
    KIND, GENERIC = Kind.LIMIT_REACHED, "too-many-requests"


class LostRace(Conflict):
    """A conditional write lost: someone changed the item first (or it exists already).
    ``failed`` names the writes whose condition failed: "case" for a case itself, or the name
    of a write that stands or falls with it (``store.cases.Also``)."""

    def __init__(self, detail: str = "", failed: frozenset[str] = frozenset({"case"})) -> None:
        what = "version_conflict" if "case" in failed else min(failed, default="version_conflict")
        detail = detail or (
            "It changed meanwhile; reload it and try again."
            if what == "version_conflict"
            else f"Refused: {', '.join(sorted(failed))} changed meanwhile."
        )
        super().__init__("conflict", detail, extra={"refusal": what})
        self.failed = failed
