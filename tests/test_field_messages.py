"""Field errors in Thai: every message a schema of Khaya's can give has Thai, and a request
that prefers Thai gets its field errors in Thai with the English beside them."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest
from marshmallow import Schema, ValidationError, fields, validate

import khaya
from khaya.errors import field_message_th

THAI = re.compile("[\u0e01-\u0e5b]")
PACKAGE = Path(khaya.__file__).parent
SAMPLES = {"input": "x", "obj_type": "datetime", "awareness": "aware", "choices": "a, b",
           "labels": "a, b", "min": 1, "max": 60, "equal": 8, "other": "x"}


def _schemas() -> list[type[Schema]]:
    for info in pkgutil.walk_packages(khaya.__path__, "khaya."):
        importlib.import_module(info.name)
    found, waiting = [], list(Schema.__subclasses__())
    while waiting:
        cls = waiting.pop()
        waiting.extend(cls.__subclasses__())
        if cls.__module__.startswith("khaya."):
            found.append(cls)
    return found


def _fields(field: fields.Field):
    yield field
    for inner in ("inner", "value_field", "key_field"):
        if isinstance(getattr(field, inner, None), fields.Field):
            yield from _fields(getattr(field, inner))


def _validator_messages(validator) -> list[str]:
    """The messages a validator gives, by making it fail."""
    tries = []
    if isinstance(validator, validate.Range):
        tries = [v for v in (validator.min, validator.max) if v is not None]
        tries = [(validator.min - 1) if validator.min is not None else None,
                 (validator.max + 1) if validator.max is not None else None]
    elif isinstance(validator, validate.Length):
        tries = [[0] * (validator.min - 1) if validator.min else None,
                 [0] * (validator.max + 1) if validator.max else None,
                 [0] * (validator.equal + 1) if validator.equal else None]
    elif isinstance(validator, validate.OneOf):
        tries = [object()]
    elif isinstance(validator, validate.Regexp):
        tries = ["\x00" * 3, ""]
    out = []
    for value in tries:
        if value is None:
            continue
        try:
            validator(value)
        except ValidationError as error:
            out += error.messages if isinstance(error.messages, list) else []
        except TypeError:
            continue
    return out


def _schema_messages() -> set[str]:
    """Every message the fields and validators of Khaya's schemas can give."""
    messages = {"Unknown field.", "Invalid input type."}
    for schema in _schemas():
        for declared in schema._declared_fields.values():  # noqa: SLF001
            for field in _fields(declared):
                for cls in type(field).__mro__:
                    for template in getattr(cls, "default_error_messages", {}).values():
                        keys = {name for _, name, _, _ in string.Formatter().parse(template)
                                if name}
                        messages.add(template.format(**{k: SAMPLES[k] for k in keys}))
                for validator in field.validators:
                    messages.update(_validator_messages(validator))
    return messages


def test_every_message_a_schema_can_give_has_thai():
    messages = _schema_messages()
    assert len(messages) > 30, messages
    missing = sorted(m for m in messages if not THAI.search(field_message_th(m) or ""))
    assert not missing, missing


# ValidationError("...") and validate.X(error="...") written in Khaya's code; f-strings are
# checked with a number where they name one.
LITERAL = re.compile(r'(?:ValidationError\(|[^_]error=)(f?)"([^"]+)"')


def test_every_sentence_khaya_writes_into_a_schema_has_thai():
    found = []
    for path in PACKAGE.rglob("*.py"):
        for is_f, text in LITERAL.findall(path.read_text(encoding="utf-8")):
            if len(text) < 3:  # segno's error="m" (QR error correction), not a message
                continue
            found.append(re.sub(r"\{[^}]+\}", "12", text) if is_f else text)
    assert len(found) > 30, found
    missing = sorted(m for m in found if not THAI.search(field_message_th(m) or ""))
    assert not missing, missing


def test_the_numbers_and_names_in_a_message_reach_the_thai():
    assert field_message_th("Between 0 and 100 kg.") == "ระหว่าง 0 ถึง 100 กก."
    assert field_message_th("Length must be between 1 and 60.") == \
        "ความยาวต้องอยู่ระหว่าง 1 ถึง 60"
    assert field_message_th("Must be one of: wet_bin, compost.") == \
        "ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: wet_bin, compost"
    assert field_message_th("Something Khaya never says.") is None


@pytest.mark.parametrize(("accept", "thai"), [("th", True), ("th-TH,th;q=0.9,en;q=0.8", True),
                                              (None, False), ("en", False)])
def test_a_form_answered_422_speaks_the_readers_language(client, auth, accept, thai):
    headers = auth("town.staff")
    if accept:
        headers = {**headers, "Accept-Language": accept}
    response = client.post("/api/v1/households", headers=headers,
                           json={"house_number": "12", "members": "many", "colour": "red"})
    assert response.status_code == 422
    body = response.get_json()
    errors, errors_en = body["errors"]["json"], body.get("errors_en", {}).get("json")
    english = {"village_code": ["Missing data for required field."],
               "members": ["Not a valid integer."], "colour": ["Unknown field."]}
    for key, value in english.items():
        if thai:
            assert errors_en[key] == value
            assert THAI.search(errors[key][0]), errors
        else:
            assert errors[key] == value
    if thai:
        assert errors["village_code"] == ["ต้องกรอกช่องนี้"]
        assert errors["members"] == ["ต้องเป็นจำนวนเต็ม"]
        assert body["message_en"] == "The request has invalid fields."
    else:
        assert "errors_en" not in body
