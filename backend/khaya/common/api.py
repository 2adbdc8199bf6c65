"""The API blueprint class every domain uses: strict about unknown query parameters too."""

from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.arguments import ArgumentsMixin
from marshmallow import RAISE


class _StrictParser(type(ArgumentsMixin.ARGUMENTS_PARSER)):  # type: ignore[misc]
    # webargs ignores unknown query parameters by default; a typo such as ``perpage`` would
    # then silently return the default page, so every location rejects what it does not know.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        location: RAISE
        for location in type(ArgumentsMixin.ARGUMENTS_PARSER).DEFAULT_UNKNOWN_BY_LOCATION
    }


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose arguments reject unknown fields in every location."""

    ARGUMENTS_PARSER = _StrictParser()
