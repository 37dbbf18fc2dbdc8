"""The template catalogue: ``templates/<name>.toml``, read once per cold start.

A template is data (subject, paragraphs, SMS per language) so that adding one, or fixing a
translation, is editing one file. Which template and which language a message uses is
decided here, and never fails: an unknown name gets ``generic_update``, an unknown language
French, then Arabic.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("templates")
LANGUAGES = ("ar", "fr", "en")
FALLBACK_LANGUAGES = ("fr", "ar")
GENERIC = "generic_update"
LAYOUT = "_layout"
RTL = frozenset({"ar"})
# A refusal must name its reason and the way to contest it, whatever template the machine
# asked for: a "decided" message about a refused case is sent as ``case_refused``.
REFUSED_STATES = frozenset({"refused", "rejected", "not_accepted", "inadmissible"})

Alternatives = tuple[str, ...]  # the first whose fields all have values is used


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, dict[str, Any]]]:
    """Every template by name, then language: ``subject``, ``body`` (paragraphs), ``sms``."""
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted(FOLDER.glob("*.toml"))
    }


def names() -> list[str]:
    return [name for name in templates() if name != LAYOUT]


def resolve(name: str, data: Mapping[str, Any]) -> str:
    if name == "case_decided" and str(data.get("state", "")) in REFUSED_STATES:
        return "case_refused"
    return name if name in templates() and name != LAYOUT else GENERIC


def language_of(name: str, language: str) -> str:
    available = templates()[name]
    for candidate in (language, *FALLBACK_LANGUAGES):
        if candidate in available:
            return candidate
    return next(iter(available))


def alternatives(value: str | list[str]) -> Alternatives:
    return (value,) if isinstance(value, str) else tuple(value)


def entry(name: str, language: str) -> dict[str, Any]:
    return dict(templates()[name][language])


def layout(language: str) -> dict[str, Any]:
    return dict(templates()[LAYOUT][language])
