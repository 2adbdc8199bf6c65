"""Request and response schemas of the analytics endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..common.language import LANGUAGES, request_language
from ..common.schemas import StrictSchema
from .classes import METHODS
from .indicators import INDICATORS
from .periods import DAY, FISCAL_YEAR, MONTH
from .territory import LEVELS

LEVEL = fields.String(required=True, validate=validate.OneOf(LEVELS),
                      metadata={"description": "village, tambon, lgo, district or province"})
PERIOD_HELP = "2024-11-05 (day), 2024-11 (month) or FY2568 (fiscal year, BE); or from/to"


class CommaList(fields.Field):
    """``a,b,c`` in a query string, as a list of non-empty strings."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, str):
            raise ValidationError("A comma-separated list of codes or names.")
        items = [part.strip() for part in value.split(",")]
        if not all(items) or len(items) > 1000:
            raise ValidationError("A comma-separated list of codes or names.")
        return items


def _indicator(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(list(INDICATORS)), **kwargs)


class PeriodArgsMixin(StrictSchema):
    period = fields.String(metadata={"description": PERIOD_HELP})
    from_ = fields.Date(data_key="from", metadata={"description": "First day of a custom range"})
    to = fields.Date(metadata={"description": "Last day of a custom range"})


class IndicatorArgsSchema(PeriodArgsMixin):
    level = LEVEL
    areas = CommaList(metadata={"description": "Area codes (DOPA codes; LGO slugs)"})
    parent = fields.String(metadata={"description": "Every area of level within this one"})
    indicators = CommaList(metadata={"description": f"Some of: {', '.join(INDICATORS)}"})


class LeagueArgsSchema(PeriodArgsMixin):
    level = LEVEL
    parent = fields.String(metadata={"description": "Rank the areas of level within this one"})
    indicator = _indicator(required=True)


class SeriesArgsSchema(StrictSchema):
    level = LEVEL
    area = fields.String(required=True, metadata={"description": "The area's code"})
    indicators = CommaList(metadata={"description": f"Some of: {', '.join(INDICATORS)}"})
    granularity = fields.String(load_default=MONTH,
                                validate=validate.OneOf((DAY, MONTH, FISCAL_YEAR)))
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["to"] < data["from_"]:
            raise ValidationError("Must not be before 'from'.", "to")


LANG = fields.String(load_default=request_language, validate=validate.OneOf(LANGUAGES),
                     metadata={"description": "Language of the title lines, headers and names. "
                                              "Default: the caller's language "
                                              "(Accept-Language), else th."})


class IndicatorFileArgsSchema(IndicatorArgsSchema):
    lang = LANG


class LeagueFileArgsSchema(LeagueArgsSchema):
    lang = LANG


class SeriesFileArgsSchema(SeriesArgsSchema):
    lang = LANG


class SummaryArgsSchema(PeriodArgsMixin):
    level = fields.String(validate=validate.OneOf(LEVELS), metadata={
        "description": "Areas ranked: lgo by default, village for an LGO"})
    parent = fields.String(metadata={
        "description": "Province or LGO summarised: the caller's own by default"})
    indicator = _indicator(load_default="participation")


class ChoroplethArgsSchema(PeriodArgsMixin):
    level = LEVEL
    parent = fields.String(metadata={"description": "Map the areas of level within this one"})
    indicator = _indicator(required=True)
    classes = fields.Integer(load_default=5, validate=validate.Range(min=2, max=9))
    method = fields.String(load_default="quantile", validate=validate.OneOf(METHODS))
    tolerance = fields.Float(validate=validate.Range(min=0, max=0.1),
                             metadata={"description": "Simplify boundaries (degrees)"})


class PeriodSchema(Schema):
    kind = fields.String()
    label = fields.String()
    start = fields.Date()
    end = fields.Date()
    days = fields.Integer()
    complete = fields.Boolean(metadata={"description": "The period is over (its end is before "
                                                        "today); figures of a running period "
                                                        "are to date"})
    elapsed_days = fields.Integer(metadata={"description": "Days of the period up to today"})


class FigureSchema(Schema):
    value = fields.Float(allow_none=True)
    numerator = fields.Float()
    denominator = fields.Float()
    small_denominator = fields.Boolean(metadata={
        "description": "The denominator is 1 to the threshold - 1: shown, not ranked"})
    no_data = fields.Boolean(metadata={
        "description": "The denominator is 0: nothing to count, no value (not a small "
                       "denominator)"})
    unit = fields.String()
    breakdown = fields.Dict(keys=fields.String(), values=fields.Float())
    detail = fields.Dict(keys=fields.String(), values=fields.Raw())


class DistrictFieldsMixin(Schema):
    district_code = fields.String(allow_none=True, metadata={
        "description": "District the area lies in (an LGO: its office's); null for districts, "
                       "provinces and the PAO"})
    district_name_th = fields.String(allow_none=True)
    district_name_en = fields.String(allow_none=True)


class AreaFiguresSchema(DistrictFieldsMixin):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))
    approval_state = fields.String(allow_none=True, metadata={
        "description": "For a month: where its sign-off stands (open, submitted, approved, "
                       "accepted; over several LGOs: accepted, partly accepted or open)"})


class IndicatorTableSchema(Schema):
    level = fields.String()
    period = fields.Nested(PeriodSchema)
    indicators = fields.List(fields.String())
    small_denominator_threshold = fields.Integer()
    areas = fields.List(fields.Nested(AreaFiguresSchema))


class PreviousSchema(Schema):
    value = fields.Float(allow_none=True)
    numerator = fields.Float()
    denominator = fields.Float()
    small_denominator = fields.Boolean()
    no_data = fields.Boolean()


class LeagueRowSchema(PreviousSchema, DistrictFieldsMixin):
    rank = fields.Integer(allow_none=True)
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    unit = fields.String()
    previous = fields.Nested(PreviousSchema)
    change = fields.Float(allow_none=True)
    approval_state = fields.String(allow_none=True, metadata={
        "description": "For a month: where its sign-off stands (open, submitted, approved, "
                       "accepted; over several LGOs: accepted, partly accepted or open)"})


class ImprovedSchema(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    change = fields.Float()


class LeagueSchema(Schema):
    level = fields.String()
    parent = fields.String(allow_none=True)
    indicator = fields.String()
    period = fields.Nested(PeriodSchema)
    previous_period = fields.Nested(PeriodSchema)
    small_denominator_threshold = fields.Integer()
    rows = fields.List(fields.Nested(LeagueRowSchema))
    most_improved = fields.Nested(ImprovedSchema, allow_none=True)
    lower_is_better = fields.Boolean(metadata={
        "description": "Ranked lowest first (days to close a report)"})


class SeriesPointSchema(Schema):
    period = fields.Nested(PeriodSchema)
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))


class SeriesSchema(Schema):
    level = fields.String()
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    granularity = fields.String()
    indicators = fields.List(fields.String())
    points = fields.List(fields.Nested(SeriesPointSchema))


class DefinitionSchema(Schema):
    name = fields.String()
    unit = fields.String()
    numerator = fields.String()
    denominator = fields.String()
    definition_en = fields.String(metadata={"description": "Exactly what is counted"})
    definition_th = fields.String()


class CarbonDefinitionSchema(Schema):
    kg_per_person_day = fields.Float(metadata={
        "description": "Food waste per person per day (CARBON_FOOD_WASTE_KG_PER_PERSON_DAY)"})
    tco2e_per_tonne = fields.Float(metadata={
        "description": "tCO2e avoided per tonne of food waste (CARBON_TCO2E_PER_TONNE)"})
    tco2e_per_person_year = fields.Float()
    arrangements_counted = fields.List(fields.String(), metadata={
        "description": "Register wet-bin arrangements whose verified members count"})
    arrangements_not_counted = fields.List(fields.String())
    persons = fields.String()
    days = fields.String()
    formula = fields.String()


class DefinitionsSchema(Schema):
    small_denominator_threshold = fields.Integer()
    carbon = fields.Nested(CarbonDefinitionSchema)
    wet_bin_coverage_arrangements = fields.List(fields.String(), metadata={
        "description": "Register arrangements that count in wet-bin coverage once verified"})
    indicators = fields.List(fields.Nested(DefinitionSchema))


class FreshnessSchema(Schema):
    as_of = fields.DateTime(required=True, metadata={
        "description": "Every row accepted before this time is in the figures."})
    pending = fields.Integer(required=True, metadata={
        "description": "Announced changes a worker has not applied yet."})
