"""QR codes drawn as vector rectangles: sharp at any zoom or print size, and no image to
encode or decode (segno computes the modules; nothing else is needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

QUIET_ZONE = 4  # light modules around the symbol, as ISO/IEC 18004 requires for scanners


def modules(data: str) -> list[list[bool]]:
    """The symbol's modules, True for dark, without the quiet zone (error correction M)."""
    import segno  # deferred: see chalicelib/documents/pdf/__init__.py

    code = segno.make(data, error="m", micro=False)
    return [[module == 1 for module in row] for row in code.matrix_iter(border=0)]


def draw(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` in the ``size`` mm square at (x, y), quiet zone included: keep
    that square free of anything else."""
    grid = modules(data)
    module = size / (len(grid) + 2 * QUIET_ZONE)
    origin_x, origin_y = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    pdf.set_fill_color(0)
    for r, row in enumerate(grid):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # One rectangle per run of dark modules; a hair taller than a module so that
            # rasterisers leave no white seam between rows.
            left, top = origin_x + start * module, origin_y + r * module
            pdf.rect(left, top, (c - start) * module, module * 1.02, style="F")
