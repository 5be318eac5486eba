"""The basemap the page and the figures draw: layers derived at build time for the
campaign's extent from the worldwide Natural Earth derivative shipped with geomap
(``data/world.zip``, made by ``scripts/make_basemap.py``), GeoNames' cities, and the user's
own layers (``DATA/basemap/*.geojson``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import shape

from geomap.campaign import BASEMAP_NAME
from geomap.exc import BasemapError
from geomap.gazetteer import EARTH_RADIUS_KM
from geomap.mapping import world

USER_FOLDER = BASEMAP_NAME  # beside gazetteer.csv: the user's layers, one GeoJSON file each
STYLED = {"river", "border", "city", "region"}  # layers the page and figures style by name
USER_LAYER = "user"  # any other feature: a generic line, area or labelled point
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}
DIGITS = 5  # coordinates rounded to ~1 m: smaller pages, the same bytes every build
WGS84_HINT = (
    "GeoJSON holds longitude, latitude in degrees (RFC 7946): reproject the layer, "
    "e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.shp"
)


def read_user_layers(data_dir: str | Path | None) -> dict:
    """Every ``data_dir/basemap/*.geojson`` (by file name) as one FeatureCollection whose
    ``properties`` holds each file's ``attribution`` (``sources`` with the file's name,
    ``credits`` alone); empty when there is no such file."""
    features: list[dict] = []
    sources: list[str] = []
    credits: list[str] = []  # the attributions, short, for the map's corner
    folder = Path(data_dir) / USER_FOLDER if data_dir is not None else None
    for path in sorted(folder.glob("*.geojson")) if folder and folder.is_dir() else []:
        collection = _read_json(path)
        features += [_user_feature(f, path, i) for i, f in enumerate(_features(collection, path))]
        attribution = collection.get("attribution")
        if isinstance(attribution, str) and attribution.strip():
            credits.append(attribution.strip())
            sources.append(f"{path.name}: {attribution.strip()}")
    properties = {"sources": sources, "credits": credits}
    return {"type": "FeatureCollection", "properties": properties, "features": features}


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise BasemapError(
            f"not UTF-8 text ({err.reason})", file=path, hint="save the layer as UTF-8 GeoJSON"
        ) from None
    except json.JSONDecodeError as err:
        raise BasemapError(
            f"not valid JSON: {err.msg} (column {err.colno})",
            file=path,
            line=err.lineno,
            hint="check the file with a GeoJSON validator, or export it again from your GIS",
        ) from None
    if not isinstance(value, dict):
        raise BasemapError(
            "not a GeoJSON object", file=path, hint="a FeatureCollection or a Feature"
        )
    return value


def _features(collection: dict, path: Path) -> list:
    if collection.get("type") == "Feature":
        return [collection]
    if collection.get("type") == "FeatureCollection" and isinstance(
        collection.get("features"), list
    ):
        return collection["features"]
    raise BasemapError(
        f"type {collection.get('type')!r} is not a FeatureCollection or a Feature",
        file=path,
        field="type",
        hint='write {"type": "FeatureCollection", "features": [...]}',
    )


def _user_feature(feature, path: Path, index: int) -> dict:
    """A user feature as the page draws it: a known ``layer`` or ``user``, a name, and
    its geometry checked and rounded."""
    where = f"features[{index}]"
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        raise BasemapError(
            "a feature without a geometry",
            file=path,
            field=where,
            hint='each feature needs "geometry": {"type": ..., "coordinates": ...}',
        )
    geometry = _checked_geometry(feature["geometry"], path, f"{where}.geometry")
    given = feature.get("properties") or {}
    properties = {k: v for k, v in given.items() if isinstance(v, (str, int, float, bool))}
    layer = properties.get("layer")
    if layer not in STYLED or (layer == "region" and "place_id" not in properties):
        layer = USER_LAYER
    properties.update(layer=layer, name=str(properties.get("name", "")), file=path.name)
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _checked_geometry(geometry: dict, path: Path, where: str) -> dict:
    if geometry.get("type") not in GEOMETRY_TYPES:
        raise BasemapError(
            f"geometry type {geometry.get('type')!r} is not drawn",
            file=path,
            field=where,
            hint="use Point, LineString, Polygon or their Multi forms",
        )
    try:
        bounds = shape(geometry).bounds
    except (ValueError, TypeError, AttributeError, IndexError) as err:
        raise BasemapError(
            f"bad coordinates ({err})", file=path, field=where, hint=WGS84_HINT
        ) from None
    if bounds and not _in_degrees(bounds):
        raise BasemapError(
            f"coordinates {bounds[0]:.0f}, {bounds[1]:.0f} are not degrees",
            file=path,
            field=where,
            hint=WGS84_HINT,
        )
    return {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}


def _in_degrees(bounds: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bounds
    return -180 <= west <= east <= 180 and -90 <= south <= north <= 90


def _rounded(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(float(c), DIGITS) for c in coordinates]
    return [_rounded(part) for part in coordinates]


def page_basemap(gazetteer, user_layers: dict | None = None) -> dict:
    """The basemap derived for the gazetteer's extent, its city labels chosen and less those
    that duplicate a gazetteer place, then the user's layers; ``properties.sources`` lists
    every source, ``credits`` what the map's corner shows."""
    derived = world.derived_basemap(gazetteer)
    others = [f for f in derived["features"] if f["properties"]["layer"] != "city"]
    cities = _chosen_cities(derived["features"], gazetteer)
    basemap = _without_duplicate_cities({**derived, "features": others + cities}, gazetteer)
    user_layers = user_layers or read_user_layers(None)
    shipped, user = basemap["properties"], user_layers["properties"]
    properties = {
        **shipped,
        "sources": shipped["sources"] + user["sources"],
        "credits": [shipped["credit"], *user["credits"]],
    }
    features = basemap["features"] + user_layers["features"]
    return {**basemap, "properties": properties, "features": features}


def basemap_credit() -> str:
    """The derived basemap's credit line (its sources and licences)."""
    return world.index()["credit"]


NEAR_CITY_MARGIN_DEG = 1.0  # around the gazetteer's extent: the towns a reader finds the map by
MAX_NEAR_CITIES = 200
MIN_FAR_POPULATION = 150000  # farther out (to the derived basemap's margin): large cities only
FAR_CITY_SPACING_DEG = 0.25


def _chosen_cities(features: list[dict], gazetteer) -> list[dict]:
    """City labels among the derived basemap's GeoNames cities: those within a degree of the
    gazetteer's extent (the 200 largest), and those of 150,000 people or more farther out, a
    quarter of a degree apart, the largest first."""
    cities = [f for f in features if f["properties"]["layer"] == "city"]
    ranked = sorted(cities, key=lambda f: (-f["properties"]["population"], f["properties"]["name"]))
    near = world.campaign_box(gazetteer, NEAR_CITY_MARGIN_DEG)
    chosen = [f for f in ranked if _inside(f, near)][:MAX_NEAR_CITIES]
    placed = [f["geometry"]["coordinates"] for f in chosen]
    for city in ranked:
        if city["properties"]["population"] < MIN_FAR_POPULATION or _inside(city, near):
            continue
        lon, lat = city["geometry"]["coordinates"]
        if all(max(abs(lon - x), abs(lat - y)) > FAR_CITY_SPACING_DEG for x, y in placed):
            placed.append((lon, lat))
            chosen.append(city)
    return chosen


def _inside(city: dict, box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = box
    lon, lat = city["geometry"]["coordinates"]
    return south <= lat <= north and west <= lon <= east


def _without_duplicate_cities(basemap: dict, gazetteer) -> dict:
    """The basemap less city labels within 8 km of a gazetteer place (great-circle
    distance, all pairs at once)."""
    cities = [f for f in basemap["features"] if f["properties"]["layer"] == "city"]
    near = np.zeros(len(cities), dtype=bool)
    if cities and len(gazetteer):
        lon1, lat1 = np.radians([f["geometry"]["coordinates"] for f in cities]).T[:, :, None]
        lat2 = np.radians([p.lat for p in gazetteer])[None, :]
        lon2 = np.radians([p.lon for p in gazetteer])[None, :]
        for start in range(0, lat2.shape[1], 4096):  # bounded memory for large gazetteers
            a, b = lat2[:, start : start + 4096], lon2[:, start : start + 4096]
            h = np.sin((a - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(a) * np.sin((b - lon1) / 2) ** 2
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
            near |= (km < 8).any(axis=1)
    dropped = {id(f) for f, n in zip(cities, near, strict=True) if n}
    return {**basemap, "features": [f for f in basemap["features"] if id(f) not in dropped]}
