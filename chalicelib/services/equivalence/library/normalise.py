"""One folding of Arabic and French text, applied to the decisions when the index is built
and to the words of a query when it is searched: so both sides meet whatever the spelling.

- case and accents: ``Médecine`` -> ``medecine``, ``Œuvre`` -> ``oeuvre``;
- Arabic diacritics (harakat, shadda, sukun, tanwin, dagger alef) and the tatweel go;
- Arabic letter variants fold to one form: alef with hamza or madda and alef wasla -> ``ا``,
  ta marbuta ``ة`` -> ``ه``, alef maqsura ``ى`` -> ``ي``, ``ؤ`` -> ``و``, ``ئ`` -> ``ي``,
  Persian/Urdu ``ی ک`` -> ``ي ك``, presentation forms -> base letters;
- Arabic-Indic and Persian digits -> ASCII digits;
- everything that is not a letter or a digit separates words.

Pure and dependency-free: unit-tested in tests/unit/equivalence_library.
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ک": "ك",
        "ڪ": "ك",
        "ـ": "",  # tatweel (kashida), a stretching stroke
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        "’": "'",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


# Combining marks of the Latin accents and of Arabic (harakat, shadda, sukun, tanwin, hamza
# and madda above/below, dagger alef, Quranic marks): dropped after NFKD has split them off.
_MARK_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
)
_MARK_RANGES += ((0x06D6, 0x06DC), (0x06DF, 0x06E8), (0x06EA, 0x06ED), (0x08D3, 0x08FF))
_MARKS = dict.fromkeys(cp for low, high in _MARK_RANGES for cp in range(low, high + 1))


def _strip_marks(text: str) -> str:
    # NFKD splits accents and Arabic hamza/madda from their letters and turns presentation
    # forms (ﻻ, ﺔ ...) into base letters; the marks then go in one translate.
    return unicodedata.normalize("NFKD", text).translate(_MARKS)


def normalise(text: str) -> str:
    """The folded words of ``text`` separated by single spaces (empty for no words)."""
    folded = _strip_marks(text.casefold().translate(_LETTERS)).translate(_LETTERS)
    folded = folded.translate(_DIGITS)
    return " ".join(w for w in _SEPARATORS.split(folded) if w)


def words(text: str) -> list[str]:
    """The folded words of ``text``, each once, in order of first appearance."""
    return list(dict.fromkeys(normalise(text).split()))
