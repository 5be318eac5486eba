"""The user's own basemap layers (DATA/basemap/*.geojson): drawn on the page and the figures,
credited, styled by their ``layer``; a bad file is named with its line and a hint."""

import json
import re
import shutil
from pathlib import Path

import pytest

from geomap.exc import BasemapError
from geomap.mapping.basemap import page_basemap, read_user_layers
from geomap.pipeline import build
from geomap.snapshot import _credit

SECOND = Path(__file__).parent / "data" / "second_campaign"
TARN_LAYER = {
    "type": "FeatureCollection",
    "attribution": "Tarn survey 2020, CC BY 4.0",
    "features": [
        {
            "type": "Feature",
            "properties": {"layer": "river", "name": "Tarn", "main": True},
            "geometry": {
                "type": "LineString",
                "coordinates": [[146.98, -42.05], [147.06, -42.02], [147.2, -41.95]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "Tarn reserve", "kind": "park"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[147.1, -42.1], [147.13, -42.1], [147.13, -42.07], [147.1, -42.1]]
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {"layer": "city", "name": "Lake Hut"},
            "geometry": {"type": "Point", "coordinates": [147.0123456, -42.0654321]},
        },
    ],
}


def with_layer(tmp_path: Path, text: str, name: str = "tarn.geojson") -> Path:
    """A copy of the second campaign with ``text`` as one user basemap layer."""
    data = tmp_path / "campaign"
    shutil.copytree(SECOND, data)
    (data / "basemap").mkdir()
    (data / "basemap" / name).write_text(text, encoding="utf-8")
    return data


def blocks(map_path: Path) -> dict:
    page = map_path.read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/json" id="geomap-(\w+)">(.*?)</script>', page)
    return {name: json.loads(text) for name, text in found}


@pytest.fixture(scope="module")
def tarn_built(tmp_path_factory):
    data = with_layer(tmp_path_factory.mktemp("tarn"), json.dumps(TARN_LAYER))
    return build(data, tmp_path_factory.mktemp("out"), jobs=1)


def test_no_basemap_folder_adds_nothing(campaign):
    layers = read_user_layers(campaign.data_dir)
    assert layers["features"] == [] and layers["properties"]["sources"] == []
    assert page_basemap(campaign.gazetteer, layers) == page_basemap(campaign.gazetteer)


def test_user_layers_keep_a_styled_layer_and_others_are_generic(tmp_path):
    layers = read_user_layers(with_layer(tmp_path, json.dumps(TARN_LAYER)))
    by_name = {f["properties"]["name"]: f["properties"] for f in layers["features"]}
    assert by_name["Tarn"]["layer"] == "river" and by_name["Tarn"]["main"] is True
    assert by_name["Tarn reserve"]["layer"] == "user" and by_name["Tarn reserve"]["kind"] == "park"
    assert by_name["Lake Hut"]["layer"] == "city"
    assert {p["file"] for p in by_name.values()} == {"tarn.geojson"}
    assert layers["properties"]["sources"] == ["tarn.geojson: Tarn survey 2020, CC BY 4.0"]


def test_user_coordinates_are_rounded_so_builds_are_byte_identical(tmp_path):
    data = with_layer(tmp_path, json.dumps(TARN_LAYER))
    point = read_user_layers(data)["features"][2]["geometry"]["coordinates"]
    assert point == [147.01235, -42.06543]
    assert json.dumps(read_user_layers(data)) == json.dumps(read_user_layers(data))


def test_the_page_draws_and_credits_the_user_layers(tarn_built):
    basemap = blocks(tarn_built.map_path)["basemap"]
    user = [f for f in basemap["features"] if f["properties"].get("file") == "tarn.geojson"]
    assert len(user) == 3
    assert "tarn.geojson: Tarn survey 2020, CC BY 4.0" in basemap["properties"]["sources"]
    assert basemap["properties"]["credits"][1:] == ["Tarn survey 2020, CC BY 4.0"]
    assert "Natural Earth" in basemap["properties"]["credits"][0]


def test_figures_draw_and_credit_the_user_layers(tmp_path, cli):
    data = with_layer(tmp_path, json.dumps(TARN_LAYER))
    result = cli("snapshot", "--data", data, "--date", "2021-03-15", "--out", tmp_path / "fig")
    assert result.exit_code == 0, result.output
    svg = next((tmp_path / "fig").glob("*.svg")).read_text(encoding="utf-8")
    assert "stroke: #8a6d3b" in svg  # the reserve, a generic area
    assert "Tarn survey 2020, CC BY 4.0." in _credit(read_user_layers(data))
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", svg, re.S))  # the figure's words
    assert "tarn.geojson: Tarn survey 2020, CC BY 4.0." in drawn


def test_bad_json_is_named_with_file_line_and_hint(tmp_path, cli):
    data = with_layer(tmp_path, '{"type": "FeatureCollection",\n "features": [\n', "roads.geojson")
    with pytest.raises(BasemapError) as caught:
        read_user_layers(data)
    assert caught.value.file.endswith("roads.geojson") and caught.value.line == 3
    result = cli("build", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "roads.geojson:3" in result.output and "hint:" in result.output
    assert "Traceback" not in result.output


def test_projected_coordinates_are_refused_with_a_reprojection_hint(tmp_path):
    layer = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[500000, 4650000], [510000, 4660000]]},
    }
    with pytest.raises(BasemapError) as caught:
        read_user_layers(with_layer(tmp_path, json.dumps(layer)))
    assert caught.value.field == "features[0].geometry" and "EPSG:4326" in caught.value.hint


def test_a_feature_without_geometry_is_named_by_its_index(tmp_path):
    layer = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}
    with pytest.raises(BasemapError, match="without a geometry") as caught:
        read_user_layers(with_layer(tmp_path, json.dumps(layer)))
    assert caught.value.field == "features[0]"


@pytest.mark.browser
def test_the_browser_draws_the_user_layers_in_their_own_region(tarn_built, open_map):
    watch = open_map(tarn_built.map_path)
    page = watch.page
    paths = page.locator(".leaflet-geomap-basemap-pane path")
    assert paths.count() >= 3  # the river, the reserve and the point's dot
    assert page.locator(".geomap-city-label", has_text="Lake Hut").count() == 1
    credit = page.locator(".leaflet-control-attribution").inner_text()
    assert "Tarn survey 2020" in credit
    inside = page.evaluate("window.geomap.map.getBounds().contains([-42.05, 147.06])")
    assert inside and watch.errors == [] and watch.outside_requests() == []


def test_each_campaign_gets_the_city_names_of_its_own_region():
    from geomap.gazetteer import load_gazetteer

    def cities(gazetteer_path):
        basemap = page_basemap(load_gazetteer(gazetteer_path))
        return {
            f["properties"]["name"]: f
            for f in basemap["features"]
            if f["properties"]["layer"] == "city"
        }

    far = cities(SECOND / "gazetteer.csv")  # invented towns in Tasmania
    assert {"Hobart", "Launceston"} <= set(far)
    assert far["Hobart"]["geometry"]["coordinates"][1] < -42
    home = cities(
        SECOND.parent.parent.parent / "data" / "gazetteer.csv"
    )  # this campaign: its own region's cities
    assert "Hobart" not in home and "Baghdad" in home
