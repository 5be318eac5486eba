"""A second, invented campaign (tests/data/second_campaign: its own two sides, six places in
another hemisphere, three articles written for the tests) builds a map whose sides, legend,
colours, areas and titles are its profile's, with nothing of data/'s campaign.

What extraction finds in its articles is not asserted: the extraction is being rewritten to
read the sides from the profile (until then it names data/'s sides, drawn as unknown here)."""

import json
import re
from pathlib import Path

import pytest

from geomap.campaign import load_campaign
from geomap.pipeline import build

SECOND = Path(__file__).parent / "data" / "second_campaign"
FIRST_LABELS = ["ISIS", "SDF", "Syrian government", "Iraqi government", "US-led coalition"]


@pytest.fixture(scope="module")
def second():
    return load_campaign(SECOND)


@pytest.fixture(scope="module")
def second_built(tmp_path_factory):
    return build(SECOND, tmp_path_factory.mktemp("second"), jobs=1)


def blocks(map_path: Path) -> dict:
    page = map_path.read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/json" id="geomap-(\w+)">(.*?)</script>', page)
    return {name: json.loads(text) for name, text in found}


def test_it_shares_no_side_or_place_with_the_first_campaign(second, campaign):
    assert not set(second.profile.side_ids) & set(campaign.profile.side_ids)
    assert not {s.label for s in second.profile.sides} & set(FIRST_LABELS)
    assert not {p.id for p in second.gazetteer} & {p.id for p in campaign.gazetteer}
    assert {"neighbourhood", "site", "district"} <= {p.kind for p in second.gazetteer}


def test_its_crs_is_the_utm_zone_of_its_own_places(second):
    assert second.crs == "EPSG:32755"  # UTM 55S, where its places are


def test_the_build_succeeds_with_the_profiles_title_sides_and_colours(second_built, second):
    page = second_built.map_path.read_text(encoding="utf-8")
    assert "<title>The Tarn Valley war, 2021</title>" in page
    data = blocks(second_built.map_path)["data"]
    meta = data["meta"]
    assert (meta["title"], meta["subtitle"]) == (second.profile.title, second.profile.subtitle)
    assert data["actors"] == ["", "NORTH", "SOUTH"]
    assert meta["labels"] == {"NORTH": "Northern Army", "SOUTH": "Southern League"}
    assert meta["colors"] == {"NORTH": "#2e8b57", "SOUTH": "#8a2be2"}
    assert meta["shapes"] == {"NORTH": "triangle", "SOUTH": "hexagon"}
    assert [a["label"] for a in data["areas"]] == ["Southern League-held area"]
    assert meta["areaNote"].startswith("Shaded area: Southern League-held area")
    kinds = {data["kinds"][row[4]] for row in data["places"]}
    assert {"neighbourhood", "site", "district"} <= kinds
    for label in FIRST_LABELS:
        assert label not in json.dumps(meta)


def test_its_legend_is_its_sides_and_their_examples(second_built):
    legend = blocks(second_built.map_path)["legend"]
    sides = [(i["label"], i["fill"], i["shape"]) for i in legend[:2]]
    assert sides == [
        ("Northern Army", "#2e8b57", "triangle"),
        ("Southern League", "#8a2be2", "hexagon"),
    ]
    contested = next(i for i in legend if i["label"].startswith("Contested"))
    assert (contested["shape"], contested["fill"], contested["ring"]) == (
        "triangle",
        "#2e8b57",
        "#8a2be2",
    )
    assert not {i["label"] for i in legend} & set(FIRST_LABELS)


def test_its_figures_and_exports_build(second_built, tmp_path):
    from geomap.exports import export_gis
    from geomap.snapshot import snapshot

    timeline = second_built.extraction.timeline
    paths = snapshot(timeline, second_built.extraction.articles, [timeline.days[1]], tmp_path)
    svg = next(p for p in paths if p.suffix == ".svg").read_text(encoding="utf-8")
    assert "Northern Army" in svg and "Southern League" in svg and "ISIS" not in svg
    written = export_gis(timeline, second_built.extraction.mentions, tmp_path)
    assert (tmp_path / "campaign.gpkg") in written


def test_an_events_file_naming_the_other_campaigns_sides_is_refused(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,date_precision,place_id,kind,actor,controller\n"
        "2021-03-02,day,velmora,captured,SDF,SDF\n",
        encoding="utf-8",
    )
    result = cli("build", "--data", SECOND, "--events", events, "--out", tmp_path)
    assert result.exit_code == 1
    assert f"{events}:2, field 'actor': unknown actor 'SDF'" in result.output
    assert "one of NORTH, SOUTH" in result.output
    events.write_text(events.read_text().replace("SDF", "NORTH"), encoding="utf-8")
    result = cli("build", "--data", SECOND, "--events", events, "--out", tmp_path)
    assert result.exit_code == 0, result.output


@pytest.mark.browser
def test_the_browser_shows_its_legend_and_none_of_the_first_campaigns(second_built, open_map):
    watch = open_map(second_built.map_path)
    page = watch.page
    assert page.title() == "The Tarn Valley war, 2021"
    legend = page.locator(".geomap-legend").inner_text()
    assert "Northern Army" in legend and "Southern League" in legend
    assert "Southern League-held area" in legend
    for label in FIRST_LABELS:
        assert not re.search(rf"\b{re.escape(label)}\b", legend), label
    assert page.locator(".geomap-title-main").inner_text() == "The Tarn Valley war, 2021"
    assert sorted(page.evaluate("window.geomap.places()")) == sorted(
        ["velmora", "old_quay", "karsk", "brennick", "tarn_dam", "estmoor"]
    )
    assert watch.outside_requests() == [] and watch.errors == []
