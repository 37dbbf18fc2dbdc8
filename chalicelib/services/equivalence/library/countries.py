"""Countries where the catalogue's diplomas come from, since 1967: code -> (French, Arabic)
names. The names go into the search index, so ``q=Égypte`` and ``q=مصر`` both find Egyptian
decisions; the ``country=`` filter takes the code.

Codes (see ``scripts/build_countries.py``, which writes ``countries.json`` from pycountry):
- a country that exists: its ISO 3166-1 alpha-2 code (``FR``, ``RU``);
- a former country: its ISO 3166-3 four-letter code (``SUHH`` USSR, ``YUCS`` Yugoslavia,
  ``CSHH`` Czechoslovakia, ``DDDE`` GDR ...). Its old two-letter code (``SU``, ``YU``,
  ``DD``) is accepted as an alias where it names one former country and no current one;
  ``CS`` named both Czechoslovakia and Serbia and Montenegro, so it is refused with both.

Imported on the decisions routes' first call, not by ``import app``: the file is read once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

_DATA: dict[str, Any] = json.loads(
    Path(__file__).with_name("countries.json").read_text(encoding="utf-8")
)

CURRENT: Mapping[str, tuple[str, str]] = MappingProxyType(
    {code: (names[0], names[1]) for code, names in _DATA["current"].items()}
)
FORMER: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {code: MappingProxyType(info) for code, info in _DATA["former"].items()}
)
COUNTRIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {**CURRENT, **{code: (i["names"][0], i["names"][1]) for code, i in FORMER.items()}}
)


def _aliases() -> tuple[Mapping[str, str], Mapping[str, tuple[str, ...]]]:
    by_old: dict[str, list[str]] = {}
    for code, info in FORMER.items():
        if info["alpha_2"] not in CURRENT:  # BY, GE, SK ... are current countries again
            by_old.setdefault(info["alpha_2"], []).append(code)
    single = {old: codes[0] for old, codes in by_old.items() if len(codes) == 1}
    several = {old: tuple(codes) for old, codes in by_old.items() if len(codes) > 1}
    return MappingProxyType(single), MappingProxyType(several)


ALIASES, AMBIGUOUS = _aliases()
# Every code the catalogue accepts (a canonical code or an alias), for the OpenAPI enum.
ACCEPTED: tuple[str, ...] = (*COUNTRIES, *ALIASES)


def canonical(code: str) -> str | None:
    """The catalogue's code for ``code`` (upper-cased; an old alias resolved), or None."""
    upper = code.strip().upper()
    if upper in COUNTRIES:
        return upper
    return ALIASES.get(upper)


def refusal(code: str) -> str:
    """Why ``code`` is not accepted (for a field error)."""
    upper = code.strip().upper()
    if upper in AMBIGUOUS:
        names = ", ".join(f"{c} ({COUNTRIES[c][0]})" for c in AMBIGUOUS[upper])
        return f"{upper} named several former countries: write {names}"
    return (
        "not a country of the catalogue: ISO 3166-1 alpha-2 (FR), or ISO 3166-3 for a former "
        "country (SUHH, YUCS, CSHH, DDDE)"
    )


def is_former(code: str) -> bool:
    return code in FORMER
