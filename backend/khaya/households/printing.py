"""QR cards and wet-waste signs as printable PDFs, Thai first.

Text goes through HarfBuzz shaping (fpdf2 + uharfbuzz): without it Thai above/below vowels and
tone marks are placed glyph by glyph and collide or float (ลำ, ที่, ผึ้ง). Sarabun is the
open release of TH Sarabun, the typeface of Thai official documents, so the sheets read as the
LGO's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import segno
from flask import current_app
from fpdf import FPDF
from PIL import Image

from ..areas.models import Village, VillageKind
from ..auth import audit
from ..common.pdf import GREEN, MARGIN, MUTED, WHITE, finish, new_pdf, text
from ..common.time import thai_date
from ..extensions import db
from . import services
from .cards import card_code
from .errors import InvalidHousehold
from .models import Household

CUT = (185, 185, 185)
# The four streams, as a colour key on each card: organic, recyclable, general, hazardous.
STREAMS = (GREEN, (240, 190, 0), (30, 90, 180), (235, 120, 20))

# A4 portrait, 2 x 5 cards of 97 x 56 mm inside the 8 mm margin printers leave blank.
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
# The QR image is 40 mm with its quiet zone: modules of about 1.1 mm for a 40-odd character URL,
# which a cheap phone camera reads from arm's length. A 10 px module keeps the bitmap sharp at
# print resolution; a 1 px module would be smoothed into grey mush by some viewers and printers.
QR_SIZE = 40
QR_BORDER = 3  # modules; the white card around it widens the quiet zone further
QR_SCALE = 10

CARD_PROMPT = "สแกนเพื่อบันทึกการคัดแยกขยะ"
CARD_PROMPT_EN = "Scan to record this household's waste sorting"
SIGN_TITLE = "ครัวเรือนมีการจัดการขยะเปียก"
SIGN_TITLE_EN = "This household manages its wet waste"




def _households(code: str, **filters: Any) -> Sequence[Household]:
    # Executed on db.session so the scoping hook narrows it to what the caller may see.
    return db.session.execute(services.households_query(village=code, **filters)).scalars().all()


def _place(village: Village) -> str:
    if village.kind is VillageKind.community or village.moo is None:
        return village.name_th
    return f"หมู่ที่ {village.moo} {village.name_th}"


def _qr_image(url: str) -> Image.Image:
    qr = segno.make(url, error="m", micro=False)
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(border=QR_BORDER)]
    side = len(rows)
    # 8-bit greyscale, not 1-bit: fpdf2 2.8.4 stores a 1-bit image as Flate data with CCITT
    # decode parameters when Pillow lacks libtiff, and the code prints as diagonal noise.
    modules = Image.frombytes("L", (side, side), b"".join(rows))
    return modules.resize((side * QR_SCALE, side * QR_SCALE), Image.Resampling.NEAREST)


def _card(
    pdf: FPDF, x: float, y: float, w: float, h: float, household: Household, place: str, url: str
) -> None:
    pdf.set_draw_color(*CUT)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, w, h)
    pdf.image(_qr_image(url), x + 3, y + (h - QR_SIZE) / 2, QR_SIZE, QR_SIZE)
    if code := card_code(household.qr_token):
        # What the scan screen accepts typed, when no camera reads the QR.
        text(pdf, x + 3, y + (h + QR_SIZE) / 2 + 0.2, QR_SIZE, code, size=7.5, bold=True,
             align="C", min_size=5)
    tx = x + 3 + QR_SIZE + 2
    tw = x + w - 4 - tx
    ty = text(pdf, tx, y + 4, tw, "บ้านเลขที่", size=9, color=MUTED)
    ty = text(pdf, tx, ty - 1, tw, household.house_number, size=28, bold=True, min_size=14)
    ty = text(pdf, tx, ty, tw, place, size=12, bold=True)
    ty = text(pdf, tx, ty, tw, household.lgo.name_th, size=10)
    ty = text(pdf, tx, ty + 2.5, tw, CARD_PROMPT, size=10, bold=True, color=GREEN)
    text(pdf, tx, ty, tw, CARD_PROMPT_EN, size=6.5, color=MUTED, min_size=5)
    for i, colour in enumerate(STREAMS):
        pdf.set_fill_color(*colour)
        pdf.rect(tx + i * 5, y + h - 6, 3.5, 3.5, style="F")


def qr_cards_pdf(village_code: str) -> bytes:
    """Return an A4 sheet of cut-out QR cards, one per active household of the village."""
    village = services.village_in_scope(village_code, field="village")
    households = _households(village_code, active=True)
    if not households:
        raise InvalidHousehold(
            f"Village {village_code} has no households in the register to print cards for.",
            message_th=f"หมู่บ้าน {village_code} ไม่มีครัวเรือนในทะเบียนให้พิมพ์บัตร",
            errors={"village": [f"No active households in village {village_code}."]},
        )
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    place = _place(village)
    pdf = new_pdf("portrait", f"QR cards {village.code} {place}")
    card_w = (pdf.w - 2 * MARGIN) / COLUMNS
    card_h = (pdf.h - 2 * MARGIN) / ROWS
    for index, household in enumerate(households):
        slot = index % PER_PAGE
        if slot == 0:
            pdf.add_page()
        x = MARGIN + (slot % COLUMNS) * card_w
        y = MARGIN + (slot // COLUMNS) * card_h
        _card(pdf, x, y, card_w, card_h, household, place, f"{base}/h/{household.qr_token}")
    audit.record(
        "export",
        "household",
        [(h.id, h.lgo_id) for h in households],
        details={"document": "qr_cards"},
    )
    return finish(pdf)


def _sign(pdf: FPDF, household: Household, place: str) -> None:
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    inner = width - 24
    left = MARGIN + 12
    pdf.set_fill_color(*GREEN)
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(2.5)
    pdf.rect(MARGIN, MARGIN, width, pdf.h - 2 * MARGIN)
    pdf.rect(MARGIN, MARGIN, width, 50, style="F")
    text(pdf, left, MARGIN + 9, inner, SIGN_TITLE, size=50, bold=True, color=WHITE, align="C")
    y = text(pdf, left, MARGIN + 55, inner, SIGN_TITLE_EN, size=16, color=GREEN, align="C")
    y = text(pdf, left, y + 5, inner, "บ้านเลขที่", size=22, color=MUTED, align="C")
    y = text(pdf, left, y - 4, inner, household.house_number, size=110, bold=True, align="C")
    y = text(pdf, left, y, inner, place, size=30, bold=True, align="C")
    y = text(pdf, left, y, inner, household.lgo.name_th, size=26, align="C")
    assert household.verified_on is not None  # only verified households get a sign
    verified = f"ตรวจผ่านเมื่อ {thai_date(household.verified_on)}"
    text(pdf, left, y + 4, inner, verified, size=28, bold=True, color=GREEN, align="C")


def signs_pdf(village_code: str) -> bytes:
    """Return one A4 landscape sign per verified household of the village."""
    village = services.village_in_scope(village_code, field="village")
    households = _households(village_code, active=True, verified=True)
    if not households:
        raise InvalidHousehold(
            f"Village {village_code} has no verified households: a sign follows a passed "
            "inspection.",
            message_th=f"หมู่บ้าน {village_code} ไม่มีครัวเรือนที่ผ่านการตรวจ"
                       " ป้ายจะพิมพ์ได้หลังตรวจผ่าน",
            errors={"village": [f"No verified households in village {village_code}."]},
        )
    tambon = village.tambon.name_th
    place = f"{_place(village)} ตำบล{tambon}"
    pdf = new_pdf("landscape", f"Wet-waste signs {village.code} {_place(village)}")
    for household in households:
        _sign(pdf, household, place)
    audit.record(
        "export",
        "household",
        [(h.id, h.lgo_id) for h in households],
        details={"document": "signs"},
    )
    return finish(pdf)
