"""Every Khaya PDF's text layer reads back as typed: copy, paste and search find the words."""

from __future__ import annotations

import pytest

from khaya.common import pdf
from tests.pdfs import pdf_pages

# SARA AM after a consonant and after a tone mark, stacked marks, a long village name, and
# Latin and digits beside Thai.
LINES = [
    "จังหวัดลำพูน",
    "น้ำใจ กำลังคัดแยกขยะ",
    "ที่ ผึ้ง ปู่ เก๋ ญี่ปุ่น ฤๅษี",
    "องค์การบริหารส่วนตำบลป่าสักน้อย",
    "Member no. 12 · 30.00 บาท · 96.5%",
]


def _document(lines: list[str], *, bold: bool = False) -> bytes:
    doc = pdf.new_pdf("portrait", "test")
    doc.add_page()
    y = 20.0
    for line in lines:
        y = pdf.text(doc, 10, y, 180, line, size=14, bold=bold) + 2
    return pdf.finish(doc)


@pytest.mark.parametrize("bold", [False, True])
def test_each_line_extracts_exactly_as_typed(bold):
    (page,) = pdf_pages(_document(LINES, bold=bold))
    assert [line for line in page.splitlines() if line.strip()] == LINES


def test_a_shrunk_line_still_reads_as_typed():
    long = "เทศบาลตำบลบ้านกลางจังหวัดลำพูน " * 4
    doc = pdf.new_pdf("portrait", "test")
    doc.add_page()
    pdf.text(doc, 10, 10, 60, long.strip(), size=14)
    (page,) = pdf_pages(pdf.finish(doc))
    assert page.strip() == long.strip()
    assert "ลำพูน" in page
    assert "ลําพูน" not in page
