"""Languages the API answers in, and the negotiation of Accept-Language."""

from __future__ import annotations

from typing import Literal

Language = Literal["ar", "fr", "en"]
LANGUAGES: tuple[Language, ...] = ("ar", "fr", "en")
DEFAULT_LANGUAGE: Language = "ar"


def negotiate(accept_language: str | None) -> Language:
    """The best of ar, fr, en for an Accept-Language header (RFC 9110 section 12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        primary = tag.split("-")[0]
        for language in LANGUAGES:
            if primary == language:
                return language
    return DEFAULT_LANGUAGE
