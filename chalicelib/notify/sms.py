"""SMS encoding: a text in the GSM 03.38 alphabet fits 160 characters per SMS, anything else
(Arabic, or a single ``ç``) is sent as UCS-2 and fits only 70. Latin-script texts are
folded into the GSM alphabet (ê → e, ç → c, « → ") so a French SMS stays one SMS."""

from __future__ import annotations

import math
import unicodedata

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")  # two septets each (escape + character)
_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-",
     "\u00a0": " ", "\u202f": " ", "…": "..."}
)  # fmt: skip
SINGLE = {"gsm": 160, "ucs2": 70}
PART = {"gsm": 153, "ucs2": 67}  # a multi-part SMS spends a few characters on its header


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def fold_to_gsm(text: str) -> str:
    """Replace Latin characters outside the GSM alphabet by their closest GSM form."""
    text = text.translate(_TYPOGRAPHY)
    return "".join(c if c in GSM_BASIC or c in GSM_EXTENDED else _base(c) for c in text)


def _base(character: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
    )
    return stripped if stripped and is_gsm(stripped) else character


def encoding(text: str) -> str:
    return "gsm" if is_gsm(text) else "ucs2"


def units(text: str) -> int:
    """Characters as the network counts them: septets for GSM, UTF-16 code units for UCS-2."""
    if encoding(text) == "gsm":
        return sum(2 if c in GSM_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    kind, size = encoding(text), units(text)
    return 1 if size <= SINGLE[kind] else math.ceil(size / PART[kind])
