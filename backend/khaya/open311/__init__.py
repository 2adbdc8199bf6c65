"""Open311 GeoReport v2 at /open311/v2: citizen reports for the apps and dashboards that speak
it."""
