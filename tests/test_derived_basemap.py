"""The basemap derived at build time for wherever the gazetteer is: a campaign on the lower
Danube (the second campaign's invented towns, sides and articles, its gazetteer moved to
the Ukrainian bank: tests/data/danube_gazetteer.csv) gets its rivers, coast, borders,
provinces and cities, with their names, on the page and in the figures."""

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from shapely.geometry import Point, shape

from geomap.gazetteer import load_gazetteer
from geomap.mapping import world
from geomap.mapping.basemap import page_basemap
from geomap.pipeline import build, load_events
from geomap.snapshot import snapshot_figure

TESTS = Path(__file__).parent / "data"
DANUBE = TESTS / "danube_gazetteer.csv"


@pytest.fixture(scope="module")
def danube_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("danube") / "campaign"
    shutil.copytree(TESTS / "second_campaign", data)
    shutil.copyfile(DANUBE, data / "gazetteer.csv")
    return data


@pytest.fixture(scope="module")
def danube_basemap() -> dict:
    return page_basemap(load_gazetteer(DANUBE))


def named(basemap: dict, layer: str) -> set[str]:
    return {
        f["properties"]["name"] for f in basemap["features"] if f["properties"]["layer"] == layer
    }


def test_a_campaign_elsewhere_gets_its_rivers_coast_borders_provinces_and_cities(
    danube_basemap,
):
    layers = {f["properties"]["layer"] for f in danube_basemap["features"]}
    assert {"river", "lake", "coast", "border", "admin1", "city", "label", "region"} <= layers
    assert {"Danube", "Prut", "Dniester"} <= named(danube_basemap, "river")
    assert {"Tulcea", "Galaţi", "Reni", "Odesa"} <= named(danube_basemap, "city")
    labels = {
        (f["properties"]["kind"], f["properties"]["name"])
        for f in danube_basemap["features"]
        if f["properties"]["layer"] == "label"
    }
    assert ("river", "Danube") in labels and ("province", "Cahul") in labels
    (region,) = [f for f in danube_basemap["features"] if f["properties"]["layer"] == "region"]
    assert region["properties"]["place_id"] == "odesa_oblast"
    outline = shape(region["geometry"])
    assert outline.contains(Point(28.83, 45.36))  # Velmora, on the Ukrainian bank
    assert not outline.contains(Point(28.79, 45.18))  # Tulcea, across the Danube in Romania
    assert "Natural Earth (public domain)" in danube_basemap["properties"]["credits"][0]


def test_the_derived_basemap_stays_inside_the_campaigns_box_and_is_the_same_every_time(
    danube_basemap,
):
    west, south, east, north = world.campaign_box(load_gazetteer(DANUBE))
    for feature in danube_basemap["features"]:
        x0, y0, x1, y1 = shape(feature["geometry"]).bounds
        assert west - 1e-4 <= x0 and x1 <= east + 1e-4 and south - 1e-4 <= y0 and y1 <= north + 1e-4
    world._derived.cache_clear()
    assert page_basemap(load_gazetteer(DANUBE)) == danube_basemap


@pytest.mark.browser
def test_the_page_draws_and_names_the_danube_campaigns_basemap(danube_data, tmp_path, open_map):
    built = build(danube_data, tmp_path / "out", jobs=1)
    watch = open_map(built.map_path, "#z=9&ll=45.4,28.9")
    page = watch.page
    names = page.evaluate(
        "() => Array.from(document.querySelectorAll('.geomap-basemap-name'), e => e.textContent)"
    )
    assert {"Danube", "Prut", "Cahul"} <= set(names), names
    assert page.locator(".geomap-river-name", has_text="Danube").first.is_visible()
    cities = page.evaluate(
        "() => Array.from(document.querySelectorAll('.geomap-city-label'), e => e.textContent)"
    )
    assert {"Reni", "Tulcea"} & set(cities), cities
    credit = page.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth (public domain)" in credit and "GSHHG 2.3 (LGPL-3)" in credit
    drawn = page.evaluate(
        "() => document.querySelectorAll('.leaflet-geomap-basemap-pane path').length"
    )
    assert drawn > 50  # coast, borders, provinces, rivers, lakes
    assert watch.errors == [] and watch.outside_requests() == []


def test_the_danube_campaigns_figure_draws_and_credits_the_derived_basemap(danube_data):
    loaded = load_events(danube_data, jobs=1)
    timeline = loaded.timeline
    fig = snapshot_figure(
        timeline, loaded.articles, [timeline.days[-1]], bbox=(28.4, 45.1, 29.4, 45.7)
    )
    try:
        (ax,) = [a for a in fig.axes if a.get_gid() is None and a.axison]
        names = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("basemap-name")]
        assert "Danube" in names, names
        assert len(ax.collections) + len(ax.lines) > 5
        assert "Natural Earth (public domain)" in " ".join(t.get_text() for t in fig.texts)
    finally:
        plt.close(fig)
