"""The cost of deriving the basemap for a campaign at build time (issue 21).

    python bench/basemap.py

For this campaign's gazetteer, the Danube test campaign's and a synthetic gazetteer of 10,000
places spread over a 4-degree square (the map benchmark's size), times
``geomap.mapping.basemap.page_basemap`` in a fresh cache (best of three), and prints the
features kept and the size of the basemap as the page embeds it.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from geomap.gazetteer import Gazetteer, Place, load_gazetteer
from geomap.mapping import world
from geomap.mapping.assets import script_safe_json
from geomap.mapping.basemap import page_basemap

ROOT = Path(__file__).resolve().parent.parent


def synthetic(count: int = 10_000) -> Gazetteer:
    random.seed(21)
    places = [
        Place(
            id=f"p{i}",
            name=f"Place {i}",
            alt_names=(),
            lat=round(random.uniform(34.0, 38.0), 5),
            lon=round(random.uniform(38.0, 42.0), 5),
            kind="village",
            admin1="",
            country="SY",
            source="synthetic",
        )
        for i in range(count)
    ]
    return Gazetteer(places)


def timed(gazetteer) -> tuple[float, dict]:
    best, basemap = float("inf"), {}
    for _ in range(3):
        world._derived.cache_clear()
        start = time.perf_counter()
        basemap = page_basemap(gazetteer)
        best = min(best, time.perf_counter() - start)
    return best, basemap


def main() -> None:
    campaigns = {
        "data/ (32 places, eastern Syria)": load_gazetteer(ROOT / "data" / "gazetteer.csv"),
        "Danube test campaign (7 places)": load_gazetteer(
            ROOT / "tests" / "data" / "danube_gazetteer.csv"
        ),
        "synthetic, 10,000 places": synthetic(),
    }
    for label, gazetteer in campaigns.items():
        seconds, basemap = timed(gazetteer)
        size = len(script_safe_json(basemap))
        print(
            f"{label}: {seconds * 1000:.0f} ms, {len(basemap['features'])} features, "
            f"{size / 1024:.0f} KB in the page"
        )


if __name__ == "__main__":
    main()
