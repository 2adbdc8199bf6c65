"""The API blueprint class every domain uses: strict about what a request may carry."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.arguments import ArgumentsMixin
from marshmallow import RAISE, Schema, ValidationError, fields
from webargs import core
from werkzeug.datastructures import CombinedMultiDict, FileStorage
from werkzeug.exceptions import BadRequest

from .untrusted import JSONTooDeep, loads, unstorable_text

_Parser = type(ArgumentsMixin.ARGUMENTS_PARSER)
# One multipart body holding both text fields and files: the location's name for it.
MULTIPART = "form_and_files"
# Where the error for a multipart part without a readable name is reported, and what it says.
NAMELESS_PART = "_schema"
NAMELESS_MESSAGE = "Every part of a multipart body needs a name."


class _StrictParser(_Parser):  # type: ignore[misc,valid-type]
    # webargs ignores unknown query parameters by default; a typo such as ``perpage`` would
    # then silently return the default page, so every location rejects what it does not know.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        location: RAISE for location in (*_Parser.DEFAULT_UNKNOWN_BY_LOCATION, MULTIPART)
    }
    # webargs reads form fields and files as two locations, which the OpenAPI document would
    # show as two request bodies; a multipart upload is one body with both.
    __location_map__ = {**_Parser.__location_map__, MULTIPART: "load_form_and_files"}

    def load_form_and_files(self, req: Any, schema: Any) -> Any:
        # A part whose Content-Disposition name cannot be read (a raw CR in it, say) comes out
        # of werkzeug's parser under the key None: refuse it as a field error of the body.
        if None in req.form or None in req.files:
            raise ValidationError({NAMELESS_PART: [NAMELESS_MESSAGE]})
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req: Any) -> Any:
        if not core.is_json(req.mimetype):
            return core.missing
        body = req.get_data(cache=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"Not UTF-8: {error.reason}", "?", error.start) from None
        return loads(text)

    def load_json(self, req: Any, schema: Schema) -> Any:
        try:
            return super().load_json(req, schema)
        except JSONTooDeep as error:
            raise BadRequest(str(error)) from None

    def pre_load(self, location_data: Any, *, schema: Schema, req: Any, location: str) -> Any:
        # Every schema of every route, in every location: text the database cannot store is a
        # field error here, before any query could fail on it.
        if errors := unstorable_text(location_data, schema):
            raise ValidationError(errors)
        return location_data


class Upload(fields.Raw):
    """A file part of a multipart body (a text part of the same name is refused)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "binary", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError("Send a file here.")
        return value


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose arguments reject unknown fields in every location."""

    ARGUMENTS_PARSER = _StrictParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        MULTIPART: "multipart/form-data",
    }

    def file_routes(self, stem: str, schema: Any, guard: Callable, make: Callable,
                    docs: dict[str, str], media_types: dict[str, str]) -> None:
        """Register ``GET {stem}.{fmt}`` for each format in ``docs`` (``{"csv": "Return …"}``):
        the same query schema and guard, answered by ``make(args, fmt)``; the views are named
        ``{stem}_{fmt}``."""
        for fmt, doc in docs.items():
            def view(args: dict, _fmt: str = fmt) -> Any:
                return make(args, _fmt)

            view.__name__ = f"{stem.strip('/')}_{fmt}"
            view.__doc__ = doc
            routed = self.response(200, content_type=media_types[fmt])(view)
            routed = self.arguments(schema, location="query")(routed)
            self.route(f"{stem}.{fmt}")(guard(routed))


# Keywords whose value must be a JSON number in the OpenAPI document.
_NUMERIC_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def _decimals_as_numbers(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict:
    # ``validate.Range(min=Decimal("0.00"))`` would reach the document as the string "0.00"
    # (JSON has no decimal type), which makes ``minimum`` invalid and ``default`` the wrong type.
    out: dict[str, Any] = {}
    for key, value in ret.items():
        numeric = key in _NUMERIC_KEYWORDS or (
            key in ("default", "example") and ret.get("type") == "number"
        )
        if isinstance(value, Decimal) and numeric:
            out[key] = int(value) if value == value.to_integral_value() else float(value)
    return out


def document_decimals_as_numbers(api: Api) -> None:
    """Write Decimal bounds and defaults of every field as numbers in the OpenAPI document."""
    api.ma_plugin.converter.add_attribute_function(_decimals_as_numbers)  # type: ignore[union-attr]
