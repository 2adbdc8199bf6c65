"""Read a PDF's text layer the way a person's copy, paste and search would.

``pdftotext`` (poppler, installed by ``make test`` through scripts/ensure_tool.sh) honours the
ActualText Khaya marks each line with, so the text comes back exactly as typed: no Unicode
normalisation here, or "ลําพูน" (SARA AM in two parts) would pass for "ลำพูน".
"""

from __future__ import annotations

import shutil
import subprocess

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page of the PDF ``data``, as pdftotext extracts it."""
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    # pdftotext ends every page with a form feed.
    return result.stdout.decode("utf-8").split("\f")[:-1]


def pdf_text(data: bytes) -> str:
    """Return the whole text of the PDF ``data``, pages joined by newlines."""
    return "\n".join(pdf_pages(data))
