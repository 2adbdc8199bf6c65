"""File downloads: every PDF, CSV and XLSX the API hands out goes through one response shape."""

from __future__ import annotations

from flask import Response


def attachment(data: bytes, name: str, media_type: str) -> Response:
    """Return a file download: an attachment named ``name``, never kept in a shared cache
    (most of these files hold personal data or a caller's scoped figures)."""
    response = Response(data, mimetype=media_type)
    if media_type == "text/csv":
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
