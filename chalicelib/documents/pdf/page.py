"""An A4 page in French and Arabic, side by side: each row puts the French on the left half,
left to right, and the Arabic on the right half, shaped by HarfBuzz and laid out right to
left by fpdf2's bidi algorithm (a Latin reference inside Arabic text keeps its own order).

A citizen reads either column alone, and an agent sees at a glance that both say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chalicelib.documents.pdf import fonts

if TYPE_CHECKING:
    from fpdf import FPDF

MARGIN = 15.0  # mm
GUTTER = 8.0  # mm between the French and the Arabic halves
LINE = 0.5  # mm of line height per point of font size: 1.4 lines, room for Arabic marks


class BilingualPage:
    def __init__(self, title: str, author: str = "Khidmat") -> None:
        from fpdf import FPDF  # deferred: see the package's docstring

        pdf = FPDF(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        # A long table flows onto another page instead of running off this one.
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("Khidmat")
        fonts.register(pdf)
        pdf.add_page()
        self.pdf: FPDF = pdf

    @property
    def half(self) -> float:
        return (self.pdf.epw - GUTTER) / 2

    def _font(self, size: float, bold: bool, direction: str | None) -> None:
        self.pdf.set_font(fonts.FAMILY, "B" if bold else "", size)
        # The paragraph's base direction: an Arabic line that starts with a Latin word is
        # still read from the right. None lets the bidi algorithm guess per paragraph.
        self.pdf.set_text_shaping(True, direction=direction)

    def _column(self, x: float, top: float, text: str, size: float, bold: bool, rtl: bool) -> float:
        self._font(size, bold, "rtl" if rtl else "ltr")
        self.pdf.set_xy(x, top)
        self.pdf.multi_cell(self.half, size * LINE, text, align="R" if rtl else "L")
        return self.pdf.get_y()

    def pair(self, fr: str, ar: str, *, size: float = 11, bold: bool = False) -> None:
        """One row: ``fr`` on the left half, ``ar`` on the right; each wraps on its own."""
        top, left = self.pdf.get_y(), self.pdf.l_margin
        bottom = max(
            self._column(left, top, fr, size, bold, rtl=False),
            self._column(left + self.half + GUTTER, top, ar, size, bold, rtl=True),
        )
        self.pdf.set_xy(left, bottom + size * 0.12)

    def letterhead(self, fr: Sequence[str], ar: Sequence[str]) -> None:
        """The issuer's lines, the first in bold, then a rule."""
        self.pair(fr[0], ar[0], size=12, bold=True)
        self.pair("\n".join(fr[1:]), "\n".join(ar[1:]), size=9)
        self.rule()

    def heading(self, fr: str, ar: str, *, size: float = 13) -> None:
        self.space(2)
        self.pair(fr, ar, size=size, bold=True)

    def centered(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        """A full-width line in either script (a reference, a digest): direction guessed."""
        self._font(size, bold, None)
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.multi_cell(self.pdf.epw, size * LINE, text, align="C")

    def table(
        self,
        headers: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 9,
    ) -> None:
        """A ruled table: headers are (French, Arabic) pairs; cells are centred, so a cell
        may hold a French line above an Arabic one."""
        self._font(size, False, None)
        headings = ["\n".join(pair) for pair in headers]
        with self.pdf.table(
            col_widths=tuple(widths),
            width=self.pdf.epw,
            text_align="CENTER",
            line_height=size * LINE,
            padding=1.2,
            first_row_as_headings=True,
        ) as table:
            for cells in (headings, *rows):
                row = table.row()
                for text in cells:
                    row.cell(text)
        self.space(1)

    def rule(self) -> None:
        y = self.pdf.get_y() + 1.5
        self.pdf.set_draw_color(120)
        self.pdf.set_line_width(0.3)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.pdf.set_xy(self.pdf.l_margin, y + 2.5)

    def space(self, height: float) -> None:
        self.pdf.set_xy(self.pdf.l_margin, self.pdf.get_y() + height)

    def to_bottom(self, height: float) -> float:
        """Moves to the last ``height`` mm of the page (on a new page if the content reaches
        them) and returns that y: for a block that closes the document, a footer."""
        bottom = self.pdf.h - self.pdf.b_margin
        if self.pdf.get_y() > bottom - height:
            self.pdf.add_page()
        self.pdf.set_xy(self.pdf.l_margin, bottom - height)
        return bottom - height

    def closing(self, code: str, lines: Sequence[tuple[str, float, bool]]) -> None:
        """The foot of the last page: a rule, a QR code of ``code`` on the left and, beside
        it, ``lines`` (text, size, bold), centred so that either script reads naturally."""
        from chalicelib.documents.pdf import qr

        size = 32.0  # mm, quiet zone included
        top = self.to_bottom(size + 4)
        self.rule()
        qr.draw(self.pdf, code, self.pdf.l_margin, top + 4, size)
        self.pdf.set_y(top + 7)
        for text, font_size, bold in lines:
            self._font(font_size, bold, None)
            self.pdf.set_x(self.pdf.l_margin + size + 2)
            self.pdf.multi_cell(self.pdf.epw - size - 2, font_size * LINE, text, align="C")

    def output(self) -> bytes:
        return bytes(self.pdf.output())
