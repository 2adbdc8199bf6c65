"""What no request may carry, whatever the endpoint: JSON nested too deep, text the database
cannot store.

Text: PostgreSQL's ``text`` holds no NUL character, and UTF-8 has no encoding for a lone UTF-16
surrogate (what ``"\\ud83d"`` in JSON decodes to: half of an emoji cut off by a phone's text
limit). Either one, sent to the database, fails the whole statement, so a batch of a hundred
good items would fail for one bad note. ``unstorable_text`` finds them first and returns field
errors in marshmallow's shape, so they are answered like any other invalid field: by the API's
argument parser for every schema of every route (``khaya.blueprint``), and item by item in a sync
batch (``common.batch.load``). Invalid UTF-8 never reaches it: request bodies are decoded
strictly (400), query strings and form fields with replacement characters.

Depth: Python's ``json`` recurses once per level, so ``'[' * 10000`` raises ``RecursionError``
(not a ``ValueError``, so no JSON error handler caught it: a 500, even before signing in). Every
JSON body is decoded by ``loads`` (Flask's ``request.get_json`` through ``JSONProvider``, the
argument parser directly), which refuses more than ``MAX_JSON_DEPTH`` levels; Khaya's deepest
body, a sync batch with deposit lines, has six.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, fields

MAX_JSON_DEPTH = 32
UNSTORABLE = (
    "Contains a character that cannot be stored: a NUL or half of an emoji (a lone surrogate)."
)
UNSTORABLE_NAME = "A field name with a character that cannot be stored."
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONTooDeep(ValueError):
    def __init__(self) -> None:
        super().__init__(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")


def _too_deep(value: Any) -> bool:
    # A loop, not recursion: the point is to never depend on the interpreter's stack.
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if level > MAX_JSON_DEPTH:
            return True
        stack.extend((child, level + 1) for child in children
                     if isinstance(child, dict | list))
    return False


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """Decode JSON no deeper than ``MAX_JSON_DEPTH`` levels; raise ``JSONTooDeep`` (a
    ``ValueError``) otherwise."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep() from None
    if isinstance(value, dict | list) and _too_deep(value):
        raise JSONTooDeep()
    return value


def _default(value: Any) -> Any:
    # A date or time that no schema formatted (a value inside a Dict field) is written as ISO
    # 8601 like every schema's, not as Flask's HTTP date ("Thu, 03 Dec 2026 00:00:00 GMT").
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the depth limit on everything ``request.get_json`` decodes and ISO
    dates in whatever it encodes."""

    default = staticmethod(_default)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


def is_unstorable(text: str) -> bool:
    """Whether PostgreSQL would refuse the text (a NUL, or a surrogate UTF-8 cannot encode)."""
    return "\x00" in text or _SURROGATE.search(text) is not None


def _printable(name: str) -> str:
    return name.encode("unicode_escape").decode("ascii")


def _inner(node: Any) -> Any:
    """The schema or field that describes the elements of ``node`` (a field or a schema)."""
    if isinstance(node, fields.Nested):
        return node.schema
    if isinstance(node, fields.List):
        return node.inner
    if isinstance(node, fields.Dict):
        return node.value_field
    return node


def _errors(value: Any, node: Any) -> Any:
    if isinstance(value, str):
        return [UNSTORABLE] if is_unstorable(value) else None
    # A plain Raw field is not this schema's to read: whoever loads it checks it (a sync
    # batch's items, one by one, so one bad item never refuses the batch).
    if type(node) is fields.Raw:
        return None
    node = _inner(node)
    if isinstance(value, Mapping):
        declared = ({f.data_key or name: f for name, f in node.load_fields.items()}
                    if isinstance(node, Schema) else {})
        found: dict[Any, Any] = {}
        for key in value:
            if isinstance(key, str) and is_unstorable(key):
                found[_printable(key)] = [UNSTORABLE_NAME]
                continue
            element = declared.get(key) if isinstance(node, Schema) else node
            if errors := _errors(value[key], element):
                found[key] = errors
        return found or None
    if isinstance(value, list | tuple):
        found = {}
        for index, item in enumerate(value):
            if errors := _errors(item, node):
                found[index] = errors
        return found or None
    return None


def _plainly_storable(data: Any) -> bool:
    """A quick look for the common case, at C speed: the JSON text of ``data`` holds no lone
    surrogate and no escaped NUL. A hit (or text that is not JSON) takes the full walk, which
    also tells which field it was; a backslash followed by "u0000" typed by someone is only a
    false alarm, answered by that walk."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    return "\\u0000" not in text and _SURROGATE.search(text) is None


def unstorable_text(data: Any, schema: Schema | None = None) -> dict[Any, Any]:
    """Return field errors for every text in ``data`` the database cannot store (an empty dict
    when there is none), shaped as marshmallow's and keyed as ``schema`` names the fields."""
    if _plainly_storable(data):
        return {}
    errors = _errors(data, schema)
    if errors is None:
        return {}
    return errors if isinstance(errors, dict) else {"_schema": errors}
