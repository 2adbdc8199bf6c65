"""Approximate boundaries: one Voronoi partition of village points, clipped to a province outline.

The reference data has no boundaries, so every polygon here is generated and only good for a
demo map. Village points are placed inside rough tambon regions (Voronoi cells of the tambon's
reference points); then one Voronoi partition of all village points gives the village polygons.
All levels are unions of those same cells, which is what makes them tile the province exactly:
no gaps, no overlaps, and each village's point inside its own polygon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

OUTLINE_BUFFER_DEG = 0.06
PRECISION = 6
# Candidate points tried per village before giving up on a region; Halton points fill the inset
# region's bounding box, so even a thin region accepts one in a few dozen.
MAX_TRIES_PER_POINT = 400


def province_outline(points: Iterable[Point]) -> Polygon:
    """Buffer the convex hull of the reference points into a smooth, convex province outline."""
    hull = MultiPoint(list(points)).convex_hull
    # Rounding the few outline vertices keeps stored coordinates short; the partition is built
    # from the rounded outline, so its tiling stays exact.
    return rounded(hull.buffer(OUTLINE_BUFFER_DEG, quad_segs=8))


def site_regions(outline: Polygon, sites: Sequence[tuple[str, Point]]) -> dict[str, BaseGeometry]:
    """Group the Voronoi cells of ``(owner, point)`` sites by owner, clipped to the outline."""
    cells: dict[str, list[BaseGeometry]] = {}
    for (owner, _), cell in zip(sites, _voronoi_cells([p for _, p in sites], outline), strict=True):
        cells.setdefault(owner, []).append(cell.intersection(outline))
    return {owner: shapely.union_all(parts) for owner, parts in cells.items()}


def points_in_region(
    region: BaseGeometry, count: int, taken: set[tuple[float, float]], pinned: Sequence[Point] = ()
) -> list[Point]:
    """Return ``count`` distinct points in ``region``: the pinned ones, then quasi-random ones.

    The quasi-random points keep an inset of half the typical spacing of ``count`` points in the
    region, so neighbouring regions' village cells meet near the region border rather than deep
    inside either region, and keep a quarter of that spacing from each other.
    """
    placed = [Point(round(p.x, PRECISION), round(p.y, PRECISION)) for p in pinned[:count]]
    taken.update((p.x, p.y) for p in placed)
    spacing = math.sqrt(region.area / count)
    margin = spacing / 2
    inset = region.buffer(-margin)
    while inset.is_empty or inset.area < region.area / 20:
        margin /= 2
        inset = region.buffer(-margin)
    prepared = prep(inset)
    minx, miny, maxx, maxy = inset.bounds
    index = 0
    while len(placed) < count:
        index += 1
        if index > MAX_TRIES_PER_POINT * count:
            raise ValueError("cannot place village points inside a tambon region")
        x = round(minx + _radical_inverse(index, 2) * (maxx - minx), PRECISION)
        y = round(miny + _radical_inverse(index, 3) * (maxy - miny), PRECISION)
        point = Point(x, y)
        if (x, y) in taken or not prepared.contains(point):
            continue
        if any(point.distance(other) < spacing / 4 for other in placed):
            continue
        taken.add((x, y))
        placed.append(point)
    return placed


def partition(outline: Polygon, points: Sequence[Point]) -> list[MultiPolygon]:
    """Return each point's Voronoi cell clipped to the outline, in input order.

    The cells and the outline are noded together and polygonised once, so neighbouring cells
    share bit-identical edges, including where they meet the outline; clipping each cell on its
    own would compute those crossing points twice and leave slivers between cells.
    """
    cells = _voronoi_cells(points, outline)
    linework = shapely.union_all([*(cell.boundary for cell in cells), outline.boundary])
    faces = list(shapely.polygonize(shapely.get_parts(linework)).geoms)
    prepared = prep(outline)
    inside = [face for face in faces if prepared.contains(face.point_on_surface())]
    tree = shapely.STRtree(list(points))
    owned: list[list[Polygon]] = [[] for _ in points]
    for face in inside:
        # A face lies within one Voronoi cell, so its owner is the point nearest to any of its
        # interior points.
        owner = int(tree.query_nearest(face.point_on_surface())[0])
        owned[owner].append(face)
    if any(not faces_of_point for faces_of_point in owned):
        raise ValueError("a village point has no cell inside the outline")
    return [as_multipolygon(shapely.union_all(faces_of_point)) for faces_of_point in owned]


def union(geoms: Iterable[BaseGeometry]) -> MultiPolygon:
    """Union polygons of one partition into a valid MultiPolygon."""
    return as_multipolygon(shapely.union_all(list(geoms)))


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Return ``geom`` as a valid MultiPolygon, dropping any lower-dimensional debris."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    polygons = [part for part in shapely.get_parts(geom) if isinstance(part, Polygon)]
    return MultiPolygon(polygons)


def _voronoi_cells(points: Sequence[Point], outline: Polygon) -> list[Polygon]:
    # The frame is larger than the outline so that every cell reaches past it before clipping.
    frame = outline.buffer(OUTLINE_BUFFER_DEG).envelope
    diagram = shapely.voronoi_polygons(MultiPoint(list(points)), extend_to=frame, ordered=True)
    cells = list(diagram.geoms)
    if len(cells) != len(points):
        raise ValueError("Voronoi diagram lost points; are two of them identical?")
    return cells


def _largest_polygon(geom: BaseGeometry) -> Polygon:
    parts = [part for part in shapely.get_parts(geom) if isinstance(part, Polygon)]
    return max(parts, key=lambda part: part.area)


def rounded(geom: Polygon) -> Polygon:
    """Round an outline's vertices to ``PRECISION`` decimals, keeping it a valid polygon."""
    coords = np.round(np.asarray(geom.exterior.coords), PRECISION)
    polygon = Polygon(coords)
    return polygon if polygon.is_valid else _largest_polygon(shapely.make_valid(polygon))


def _radical_inverse(index: int, base: int) -> float:
    """Van der Corput digit reversal: the Halton sequence's coordinate in ``base``."""
    result, fraction = 0.0, 1.0 / base
    while index:
        index, digit = divmod(index, base)
        result += digit * fraction
        fraction /= base
    return result
