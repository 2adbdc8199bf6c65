"""Every error is said in Thai as well as English, and a request that prefers Thai gets Thai.

The errors are found by walking the package: every ``DomainError`` class, every place that
raises one with a sentence of its own, and the handlers' own codes (HTTP errors, the database
outage, the unexpected failure).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException, default_exceptions

import khaya
from khaya import errors
from khaya.errors import DomainError

THAI = re.compile("[\u0e01-\u0e5b]")
PACKAGE = Path(khaya.__file__).parent
MODULES = sorted(info.name for info in pkgutil.walk_packages(khaya.__path__, "khaya."))


def _error_classes() -> list[type[DomainError]]:
    for name in MODULES:
        importlib.import_module(name)
    found: list[type[DomainError]] = []
    waiting = [DomainError]
    while waiting:
        cls = waiting.pop()
        found.append(cls)
        waiting.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


CLASSES = _error_classes()


def _thai(text: str | None) -> bool:
    return bool(text and text.strip() and THAI.search(text))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_error_class_says_its_message_in_thai(app, cls):
    assert _thai(cls.message_th), cls.message_th
    # A class with its own English sentence has its own Thai one, not its parent's.
    if "message" in vars(cls):
        assert "message_th" in vars(cls), f"{cls.__qualname__} says its message only in English"
    with app.test_request_context(headers={"Accept-Language": "th"}):
        response = errors.handle_domain_error(cls())
    body = response.get_json()
    assert body["code"] == cls.code
    assert body["message"] == cls.message_th
    assert body["message_en"] == cls.message
    assert response.headers["Content-Language"] == "th"


def _resolve(node: ast.expr, namespace: dict) -> object:
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        # Only modules and classes: a context-local proxy (request, g) must not be touched.
        if isinstance(owner, type | type(ast)):
            return getattr(owner, node.attr, None)
    return None


def _calls_with_their_own_message() -> list[tuple[str, ast.Call, dict]]:
    """Return every construction of a DomainError that gives a sentence or a code of its own."""
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            target = _resolve(node.func, vars(module))
            if not (isinstance(target, type) and issubclass(target, DomainError)):
                continue
            keywords = {keyword.arg for keyword in node.keywords}
            if node.args or keywords & {"message", "code"}:
                found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", node,
                              vars(module)))
    return found


def test_every_raise_with_its_own_message_says_it_in_thai_too():
    # The walks reach every domain: the classes above and the raises here.
    modules = {cls.__module__ for cls in CLASSES}
    for domain in ("areas", "auth", "households", "participation", "wastebank", "collection",
                   "exports", "analytics", "users", "sync"):
        assert any(module.startswith(f"khaya.{domain}.") for module in modules), domain
    assert len(CLASSES) > 50
    calls = _calls_with_their_own_message()
    assert len(calls) > 30, "the walk found the raises with their own sentence"
    missing = [where for where, call, _ in calls
               if "message_th" not in {keyword.arg for keyword in call.keywords}]
    assert missing == [], f"raised with an English sentence only: {missing}"
    for where, call, namespace in calls:
        (value,) = [keyword.value for keyword in call.keywords if keyword.arg == "message_th"]
        # The sentence as written: its literal parts and the module constants it names.
        parts = [node.value for node in ast.walk(value)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        parts += [namespace[node.id] for node in ast.walk(value)
                  if isinstance(node, ast.Name) and isinstance(namespace.get(node.id), str)]
        assert parts, f"{where}: message_th is not written where it is raised"
        assert _thai(" ".join(parts)), f"{where}: message_th has no Thai: {ast.unparse(value)}"


# Statuses Werkzeug, webargs and flask-smorest raise, with and without a code of Khaya's own.
HTTP_STATUSES = sorted(set(errors.HTTP_CODES) | {410, 500, 501, 503})


@pytest.mark.parametrize("status", HTTP_STATUSES)
def test_every_http_error_says_its_message_in_thai(app, status):
    error: HTTPException = default_exceptions[status]()
    with app.test_request_context():
        english = errors.handle_http_exception(error).get_json()
    with app.test_request_context(headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.8"}):
        body = errors.handle_http_exception(error).get_json()
    assert body["code"] == english["code"] == errors.HTTP_CODES.get(status, "http_error")
    assert _thai(body["message"]), body
    assert body["message_en"] == english["message"]
    assert not _thai(english["message"])


@pytest.mark.parametrize("handler", [
    lambda: errors.handle_database_unavailable(exc.OperationalError("select 1", {}, Exception())),
    lambda: errors.handle_unexpected(RuntimeError("boom")),
], ids=["database_unavailable", "internal_error"])
def test_the_outage_and_the_unexpected_failure_say_it_in_thai(app, handler):
    with app.test_request_context(headers={"Accept-Language": "th"}):
        body = handler().get_json()
    assert _thai(body["message"]), body
    assert not _thai(body["message_en"])


@pytest.mark.parametrize(("accept", "language"), [
    (None, "en"),
    ("th", "th"),
    ("th-TH", "th"),
    ("th-TH,th;q=0.9,en;q=0.8", "th"),
    ("en-US,en;q=0.9,th;q=0.8", "en"),
    ("de-DE", "en"),
    ("*", "en"),
])
def test_the_language_follows_accept_language(client, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/api/v1/no-such-thing", headers=headers)
    assert response.status_code == 404
    body = response.get_json()
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]
    if language == "th":
        assert body["message"] == errors.MESSAGES_TH["not_found"]
        assert body["message_en"].startswith("The requested URL was not found")
    else:
        # The envelope is exactly what it was before Thai: the four members, in English.
        assert set(body) == {"code", "status", "message", "errors"}
        assert body["message"].startswith("The requested URL was not found")


def test_field_errors_keep_their_envelope_in_thai(client, auth):
    """A 422 from a schema answers the Thai sentence with the field errors unchanged."""
    response = client.post("/api/v1/households", headers={**auth("town.staff"),
                                                          "Accept-Language": "th"}, json={})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert body["message"] == errors.MESSAGES_TH["validation_error"]
    assert body["message_en"] == "The request has invalid fields."
    assert "village_code" in body["errors"]["json"]


def test_a_raise_with_its_own_sentence_answers_it_in_thai(client, auth):
    """A card nobody in the caller's area holds: the raise's own Thai, not the class's."""
    response = client.get("/api/v1/households/by-qr/AAAAAAAAAAAAAAAAAAAAAAAA",
                          headers={**auth("town.staff"), "Accept-Language": "th"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == "household_not_found"
    assert body["message"] == "ไม่มีครัวเรือนในพื้นที่ของคุณที่ใช้บัตรใบนี้"
    assert body["message_en"] == "No household in your area has that card."
