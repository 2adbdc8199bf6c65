"""PDFs in Thai: Sarabun with HarfBuzz shaping, and one-line text that shrinks to fit.

Text goes through HarfBuzz shaping (fpdf2 + uharfbuzz): without it Thai above/below vowels and
tone marks are placed glyph by glyph and collide or float (ลำ, ที่, ผึ้ง). Sarabun is the
open release of TH Sarabun, the typeface of Thai official documents, so the papers read as the
LGO's own.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import fontpkg_sarabun
from fpdf import FPDF

FONT = "Sarabun"
PT = 25.4 / 72  # mm per point
INK = (33, 33, 33)
MUTED = (105, 105, 105)
WHITE = (255, 255, 255)
GREEN = (27, 122, 61)  # the organic (wet) stream of the 2017 sorting rule
MARGIN = 8


@functools.cache
def _font_files() -> tuple[str, str]:
    # fpdf2 parses the TTF into each document (it subsets per document), so only the lookup of
    # the files is shared between calls.
    root = Path(fontpkg_sarabun.ROOT) / "files"
    regular, bold = root / "Sarabun-Regular.ttf", root / "Sarabun-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise RuntimeError(f"Font file missing: {path} (reinstall fontpkg-sarabun)")
    return str(regular), str(bold)


def new_pdf(orientation: str, title: str) -> FPDF:
    """Return an A4 document with Sarabun regular and bold and Thai shaping switched on."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    regular, bold = _font_files()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0  # text boxes are placed exactly; no hidden padding eating narrow columns
    pdf.set_lang("th")
    pdf.set_title(title)
    pdf.set_creator("Khaya")
    return pdf


def finish(pdf: FPDF) -> bytes:
    """Return the document's bytes and close its font files (fpdf2 reads them lazily)."""
    data = bytes(pdf.output())
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()
    return data


# One document measures text for every thread (its font files stay open for the life of the
# process, rather than one set per thread left for the garbage collector to close).
_measuring: dict[str, FPDF] = {}
_measuring_lock = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _fitted_size(text: str, bold: bool, size: float, width: float, min_size: float) -> float:
    """Return the largest size up to ``size`` (in 0.5 pt steps) at which ``text`` fits ``width``."""
    # Widths depend only on the font, so one document measures for all of them and a village's
    # repeated lines (its name, the LGO, the prompt) are measured once.
    style = "B" if bold else ""
    with _measuring_lock:
        pdf = _measuring.get("pdf")
        if pdf is None:
            pdf = _measuring["pdf"] = new_pdf("portrait", "")
        pdf.set_font(FONT, style, size)
        while size > min_size and pdf.get_string_width(text) > width:
            size -= 0.5
            pdf.set_font(FONT, style, size)
    return size


def text(
    pdf: FPDF,
    x: float,
    y: float,
    width: float,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: tuple[int, int, int] = INK,
    align: str = "L",
    min_size: float = 6,
) -> float:
    """Write one line, shrunk until it fits ``width``; return the y below it.

    Names of villages and LGOs vary a lot in length (อบต. names run past 30 characters), and a
    wrapped Thai line would break mid-word: fpdf2 only breaks at spaces.
    """
    typed = text
    # HarfBuzz splits SARA AM into NIKHAHIT + SARA AA glyphs, and a glyph maps back to one text
    # whatever its context, so the glyphs alone read back as "ลําพูน" (fpdf2 leaves a split
    # glyph unmapped: control characters). Two layers fix that: the line is marked with its
    # typed text as ActualText (PDF 32000-1 §14.9.4), which copy, search and pdftotext use, so
    # "ลำพูน" finds ลำพูน; and the glyphs are drawn from the two parts, so a reader that ignores
    # ActualText still gets the same letters rather than nothing.
    text = text.replace("\u0e33", "\u0e4d\u0e32")
    size = _fitted_size(text, bold, size, width, min_size)
    pdf.set_font(FONT, "B" if bold else "", size)
    # Thai needs room above and below the line for stacked vowels and tone marks.
    height = size * PT * 1.45
    pdf.set_text_color(*color)
    pdf.set_xy(x, y)
    pdf._out(f"/Span <</ActualText {_pdf_text_string(typed)}>> BDC")  # noqa: SLF001
    pdf.cell(width, height, text, align=align)
    pdf._out("EMC")  # noqa: SLF001
    return y + height


def _pdf_text_string(value: str) -> str:
    """Return ``value`` as a PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"
