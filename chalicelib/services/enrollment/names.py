"""Names in Arabic and Latin script: which script a text is in, and the folded form the
director's search compares (accents, Arabic diacritics and letter variants forgiven)."""

from __future__ import annotations

import re
import unicodedata

# A name's letters, then letters, marks and name punctuation (space - ' ’ .), ending on a
# letter or mark: 1 to 60 characters. The API's schema states these very patterns (literal
# characters, read alike by pydantic's Rust engine, JSON Schema's ECMA one and Python's).
_ARABIC_LETTERS = "\u0621-\u064a\u0671-\u06d3"  # letters, tatweel, Maghrebi/Persian letters
_ARABIC_MARKS = "\u064b-\u0655\u0670"  # harakat, shadda, sukun, madda, hamza, small alef
_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"  # with accented ones
_PUNCTUATION = " '\u2019.-"


def _name_pattern(letters: str, marks: str = "") -> str:
    return f"^[{letters}](?:[{letters}{marks}{_PUNCTUATION}]{{0,58}}[{letters}{marks}])?$"


ARABIC_NAME = _name_pattern(_ARABIC_LETTERS, _ARABIC_MARKS)
LATIN_NAME = _name_pattern(_LATIN_LETTERS)
_ARABIC_NAME, _LATIN_NAME = re.compile(ARABIC_NAME), re.compile(LATIN_NAME)
# Letters written several ways in Arabic names: one form each for the search.
_ARABIC_VARIANTS = str.maketrans(
    {"ى": "ي", "ی": "ي", "ة": "ه", "ٱ": "ا", "ک": "ك", "ـ": None}  # ـ: tatweel
)


def is_arabic(text: str) -> bool:
    """A name in Arabic script: Arabic letters (with their diacritics) and name punctuation."""
    return _ARABIC_NAME.match(text) is not None


def is_latin(text: str) -> bool:
    """A name in Latin script: Latin letters (accented ones too) and name punctuation."""
    return _LATIN_NAME.match(text) is not None


def fold(text: str) -> str:
    """Lower case, no accents, no Arabic diacritics or hamza seats, one form per letter
    variant (أ إ آ ٱ -> ا, ى -> ي, ة -> ه), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ARABIC_VARIANTS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.translate(_ARABIC_VARIANTS).casefold()
    return re.sub(r"[\s\-'’.]+", " ", bare).strip()


def matches(folded_text: str, query: str) -> bool:
    """Every word of ``query`` appears in the (already folded) text."""
    words = fold(query).split()
    return bool(words) and all(word in folded_text for word in words)
