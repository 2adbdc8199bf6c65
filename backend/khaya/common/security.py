"""Security headers on every response, caching rules for private ones, and HSTS over TLS."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

# The PWA loads only its own files; map tiles come from the configured tile server. Leaflet and
# Preact set styles through the DOM (allowed under CSP); nothing inline is executed.
APP_CSP = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data: blob: {tiles}; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "worker-src 'self'; "
    "manifest-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
# Every answer to a signed-in caller: personal data and scoped figures stay out of shared caches
# and off the disk of a shared office PC (RFC 9111: no-store forbids storing at all).
PRIVATE = "private, no-store"
# Swagger UI's page starts itself with an inline script and inline styles.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)


def _tile_origin(template: str) -> str:
    """Return the scheme and host pattern of a tile URL template for img-src."""
    if "://" not in template:
        return ""
    scheme, rest = template.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


def _refuse_oversized_stream() -> None:
    # A chunked body has no Content-Length, so Werkzeug cannot refuse it up front: it stops
    # reading at MAX_CONTENT_LENGTH and the handler would see a truncated body. Read it here; if
    # anything is left beyond the limit, the body was too large.
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is not None or not limit:
        return
    if not request.environ.get("wsgi.input_terminated"):
        return
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")


def _reject_nul() -> None:
    # PostgreSQL text cannot hold NUL, and a path parameter has no schema to say so as a field
    # error: refuse it up front. Query strings and bodies are checked field by field
    # (khaya.untrusted), so one bad item in a sync batch never refuses the batch.
    if "\x00" in request.path:
        raise BadRequest("NUL characters are not allowed in the URL.")


def page_headers(app: Flask) -> dict[str, str]:
    """Return the security headers of the web app's pages and files (without HSTS)."""
    return {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
        "Content-Security-Policy": APP_CSP.format(tiles=_tile_origin(app.config["MAP_TILE_URL"])),
    }


def init_app(app: Flask) -> None:
    """Refuse oversized chunked bodies and NUL characters; add the security headers."""
    app.before_request(_refuse_oversized_stream)
    app.before_request(_reject_nul)
    base = page_headers(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        if request.path.startswith("/api/v1/docs"):
            headers.setdefault("Content-Security-Policy", DOCS_CSP)
        for name, value in base.items():
            headers.setdefault(name, value)
        if g.get("khaya_private"):
            # Views that need a tighter or looser rule set their own header first.
            headers.setdefault("Cache-Control", PRIVATE)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
