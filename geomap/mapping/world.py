"""Rivers, lakes, coasts, national borders and admin-1 outlines for any campaign, cut at
build time from the worldwide Natural Earth derivative shipped with geomap
(``data/world.zip``: 15-degree tiles, made by ``scripts/make_basemap.py``).

Only the tiles around the gazetteer are read; each feature's quantized bounds are checked
before its coordinates are decoded, and what is kept is clipped to the campaign's extent
plus a margin. Provinces are rebuilt from the admin-1 lines, borders and coast in that box,
and named by the names Natural Earth records on either side of each line."""

from __future__ import annotations

import json
import math
import zipfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box, mapping

WORLD = Path(__file__).parent / "data" / "world.zip"
MARGIN_DEG = 3.0  # around the gazetteer's extent: enough to zoom out, and for the locator
LABEL_MARGIN_DEG = 0.5  # provinces named on the map: those reaching this near the places
DIGITS = 4  # the derivative's quantum is 1e-4 degree
SIDE_STEP_DEG = 0.002  # how far beside an admin-1 line its left and right names are looked up
REACH_DEG = 0.01  # how far past its ends a province's line is drawn to close its outline


@lru_cache(maxsize=1)
def index() -> dict:
    """The derivative's sources, credit, quantum and tile size."""
    with zipfile.ZipFile(WORLD) as archive:
        return json.loads(archive.read("index.json"))


def campaign_box(gazetteer, margin: float = MARGIN_DEG) -> tuple[float, float, float, float] | None:
    """The gazetteer's extent plus ``margin`` degrees (west, south, east, north), None when
    the gazetteer is empty."""
    if not len(gazetteer):
        return None
    lons = [p.lon for p in gazetteer]
    lats = [p.lat for p in gazetteer]
    return (
        max(min(lons) - margin, -180.0),
        max(min(lats) - margin, -90.0),
        min(max(lons) + margin, 180.0),
        min(max(lats) + margin, 90.0),
    )


def derived_basemap(gazetteer) -> dict:
    """The basemap for the gazetteer's extent: ``river`` (``name``, ``main``), ``lake``,
    ``coast``, ``border``, ``admin1`` lines, ``label`` points (``kind`` river or province),
    a ``region`` outline for each gazetteer region inside a province, and every GeoNames
    ``city`` of 15,000 people or more (``population``; :mod:`geomap.mapping.basemap`
    chooses the labels among them)."""
    clip = campaign_box(gazetteer)
    near = campaign_box(gazetteer, LABEL_MARGIN_DEG)
    regions = tuple(
        (p.id, p.name, round(p.lon, 5), round(p.lat, 5)) for p in gazetteer if p.kind == "region"
    )
    features = _derived(clip, near, regions) if clip else []
    meta = index()
    properties = {"sources": list(meta["sources"]), "credit": meta["credit"]}
    return {"type": "FeatureCollection", "properties": properties, "features": list(features)}


@lru_cache(maxsize=8)
def _derived(clip: tuple, near: tuple, regions: tuple) -> tuple[dict, ...]:
    """The features for one campaign box (cached: several stages of one command ask)."""
    rows = _clipped(clip)
    geometries = [row for row in rows if row[0] != "city"]
    features = [_feature(layer, props, geometry) for layer, props, geometry in geometries]
    features += [_city(props, geometry) for layer, props, geometry in rows if layer == "city"]
    provinces = _provinces(geometries, clip)
    features += _province_labels(provinces, near, regions)
    features += _river_labels(geometries, near)
    features += _region_outlines(provinces, regions)
    return tuple(features)


def _tiles(clip: tuple) -> list[str]:
    step = index()["tile_deg"]
    west, south, east, north = clip
    xs = range(int(np.floor(west / step)), int(np.floor(east / step)) + 1)
    ys = range(int(np.floor(south / step)), int(np.floor(north / step)) + 1)
    return [f"{x}_{y}.json" for x in xs for y in ys]


def _clipped(clip: tuple) -> list[tuple[str, dict, object]]:
    """``(layer, properties, geometry)`` of every stored feature inside ``clip``, decoded
    only after its bounds pass, then clipped; in the file's order, each once."""
    quantum = index()["quantum"]
    west, south, east, north = (v / quantum for v in clip)
    seen: set[int] = set()
    out = []
    with zipfile.ZipFile(WORLD) as archive:
        names = set(archive.namelist())
        for tile in _tiles(clip):
            if tile not in names:
                continue
            for number, layer, props, bounds, parts in json.loads(archive.read(tile)):
                x0, y0, x1, y1 = bounds
                if number in seen or x1 < west or x0 > east or y1 < south or y0 > north:
                    continue
                seen.add(number)
                geometry = shapely.clip_by_rect(_decoded(layer, parts, quantum), *clip)
                if not geometry.is_empty:
                    out.append((number, layer, props, geometry))
    out.sort(key=lambda row: row[0])
    return [(layer, props, geometry) for _, layer, props, geometry in out]


def _decoded(layer: str, parts: list, quantum: float):
    rings = [
        np.cumsum(np.asarray(p, dtype=np.int64).reshape(-1, 2), axis=0) * quantum for p in parts
    ]
    if layer == "lake":
        return Polygon(rings[0], rings[1:])
    if layer == "city":
        return shapely.Point(rings[0][0])
    return LineString(rings[0])


def _feature(layer: str, props: dict, geometry) -> dict:
    properties = {"layer": layer, "name": props.get("name", "")}
    if props.get("main"):
        properties["main"] = True
    return {"type": "Feature", "properties": properties, "geometry": _rounded(geometry)}


def _city(props: dict, point) -> dict:
    properties = {"layer": "city", "name": props["name"], "population": props["population"]}
    return {"type": "Feature", "properties": properties, "geometry": _rounded(point)}


def _rounded(geometry) -> dict:
    """GeoJSON of ``geometry`` with coordinates rounded to the derivative's precision."""
    value = mapping(geometry)
    return {"type": value["type"], "coordinates": _round(value["coordinates"])}


def _round(coordinates):
    if coordinates and isinstance(coordinates[0], float):
        return [round(c, DIGITS) for c in coordinates]
    return [_round(part) for part in coordinates]


def _provinces(geometries: list, clip: tuple) -> list[tuple[str, Polygon]]:
    """The admin-1 areas in the box, each with the name most of its lines give its side
    (empty when none does)."""
    edges = [_extended(g) for layer, _, g in geometries if layer in ("admin1", "border", "coast")]
    admin1 = [(props, g) for layer, props, g in geometries if layer == "admin1"]
    if not admin1:
        return []
    noded = shapely.union_all([*edges, box(*clip).boundary])
    polygons = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    tree = shapely.STRtree(polygons)
    votes: list[Counter] = [Counter() for _ in polygons]
    for props, geometry in admin1:
        for line in shapely.get_parts(geometry):
            for side, name in ((1, props.get("left", "")), (-1, props.get("right", ""))):
                point = _beside(line, side)
                if name and point is not None:
                    for i in tree.query(point, predicate="within"):
                        votes[i][name] += 1
    named = []
    for polygon, vote in zip(polygons, votes, strict=True):
        name = min(vote.items(), key=lambda kv: (-kv[1], kv[0]))[0] if vote else ""
        named.append((name, polygon))
    return named


def _extended(geometry):
    """Each line lengthened at both ends by ``REACH_DEG``: simplified separately, a province's
    line may stop short of the border or coast it ended on, and two provinces would merge."""
    lines = []
    for line in shapely.get_parts(geometry):
        coords = list(line.coords)
        if len(coords) >= 2:
            lines.append(
                LineString([_past(coords[1], coords[0]), *coords, _past(coords[-2], coords[-1])])
            )
    return shapely.multilinestrings(lines) if lines else geometry


def _past(before: tuple, end: tuple) -> tuple[float, float]:
    dx, dy = end[0] - before[0], end[1] - before[1]
    length = math.hypot(dx, dy) or 1.0
    return (end[0] + dx / length * REACH_DEG, end[1] + dy / length * REACH_DEG)


def _beside(line: LineString, side: int):
    """A point a little to the left (``side`` 1) or right (-1) of the middle of the line's
    longest segment."""
    coords = line.coords
    best, segment = 0.0, None
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
        length = math.hypot(x1 - x0, y1 - y0)
        if length > best:
            best, segment = length, (x0, y0, x1 - x0, y1 - y0)
    if segment is None:
        return None
    x, y, dx, dy = segment
    step = SIDE_STEP_DEG * side / best
    return shapely.Point(x + dx / 2 - dy * step, y + dy / 2 + dx * step)


def _province_labels(provinces: list, near: tuple, regions: tuple) -> list[dict]:
    """One name per named province reaching near the places, at a point inside it; none
    for a province that a gazetteer region outlines (the region is labelled)."""
    area = box(*near)
    points = [shapely.Point(lon, lat) for _, _, lon, lat in regions]
    labels = {}
    for name, polygon in provinces:
        if any(polygon.contains(point) for point in points):
            continue
        if name and polygon.intersects(area):
            if name not in labels or polygon.area > labels[name].area:
                labels[name] = polygon
    return [
        _label("province", name, polygon.point_on_surface())
        for name, polygon in sorted(labels.items())
    ]


def _river_labels(geometries: list, near: tuple) -> list[dict]:
    """Each named river near the places, once, at the middle of its longest piece there."""
    area = box(*near)
    pieces: dict[str, LineString] = {}
    for layer, props, geometry in geometries:
        name = props.get("name", "")
        if layer != "river" or not name:
            continue
        for line in shapely.get_parts(geometry.intersection(area)):
            if (
                line.geom_type == "LineString"
                and line.length > pieces.get(name, LineString()).length
            ):
                pieces[name] = line
    return [
        _label("river", name, line.interpolate(0.5, normalized=True))
        for name, line in sorted(pieces.items())
    ]


def _label(kind: str, name: str, point) -> dict:
    return {
        "type": "Feature",
        "properties": {"layer": "label", "kind": kind, "name": name},
        "geometry": {
            "type": "Point",
            "coordinates": [round(point.x, DIGITS), round(point.y, DIGITS)],
        },
    }


def _region_outlines(provinces: list, regions: tuple) -> list[dict]:
    """The province containing each gazetteer region's point, as that region's outline."""
    out = []
    for place_id, name, lon, lat in regions:
        point = shapely.Point(lon, lat)
        inside = [polygon for _, polygon in provinces if polygon.contains(point)]
        if inside:
            properties = {"layer": "region", "name": name, "place_id": place_id}
            out.append(
                {"type": "Feature", "properties": properties, "geometry": _rounded(inside[0])}
            )
    return out
