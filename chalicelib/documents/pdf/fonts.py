"""The fonts packaged with the function: Amiri (SIL OFL 1.1, chalicelib/documents/fonts/), a
Naskh face whose Latin glyphs cover French too, so one family serves both languages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "Amiri"
FACES = {"": "Amiri-Regular.ttf", "B": "Amiri-Bold.ttf"}  # fpdf2 style -> file


def register(pdf: FPDF) -> None:
    """Make the family available to ``pdf``; fpdf2 embeds only the glyphs a page uses."""
    for style, file_name in FACES.items():
        pdf.add_font(FAMILY, style, str(FONT_DIR / file_name))
