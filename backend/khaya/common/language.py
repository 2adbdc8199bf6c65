"""The language a request is answered in when it names none: Accept-Language, else Thai.

Users carry no language of their own: the app keeps the reader's choice on the device and sends
it (``lang=``) with every file it asks for. A request that names no language (a link typed or
shared, a script) follows the browser's ``Accept-Language``, and Thai, Khaya's first language,
when that names neither Thai nor English.
"""

from __future__ import annotations

from flask import has_request_context, request

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


def request_language() -> str:
    """Return ``th`` or ``en``: the request's preferred one of the two, else Thai."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
