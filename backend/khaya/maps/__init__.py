"""Maps: vector tiles under /api/v1/tiles and OGC API - Features under /ogc."""
