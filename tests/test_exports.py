"""GIS exports (events.geojson, the GeoPackage), static figures and new gazetteer places."""

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from conftest import DATA
from geomap.cli import main
from geomap.exports import control_periods, export_gis
from geomap.pipeline import events_geojson
from geomap.records import Event
from geomap.snapshot import snapshot


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("gis")
    export_gis(built.extraction.timeline, built.extraction.mentions, out)
    return out


TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # any text a UTF-8 file can hold


@given(text=TEXT, offset=st.integers(-1, 10**9), confidence=st.floats(0, 1))
def test_events_geojson_writes_each_feature_as_json_dumps_would(
    gazetteer, text, offset, confidence
):
    event = Event(
        date="2018-12-14",
        date_precision="day",
        place_id="hajin",
        place=text,
        kind="captured",
        actor=text,
        controller="SDF",
        article=text + ".txt",
        evidence=f'"{text}\\n</script>',
        evidence_start=offset,
        evidence_end=offset + 1,
        date_text=text,
        outlet=text,
        published="2018-12-15",
        confidence=confidence,
        inferred=bool(offset % 2),
        conflicts=[text, "ev-1"],
    )
    props = event.as_row()
    props.update(
        inferred=event.inferred,
        confidence=round(event.confidence, 2),
        evidence_start=event.evidence_start,
        evidence_end=event.evidence_end,
    )
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [40.83083, 34.68944]},
    }
    lines = list(events_geojson([event, event], gazetteer))
    line = json.dumps(feature, ensure_ascii=False)
    assert lines[1:3] == [line + "\n", "," + line + "\n"]
    assert json.loads("".join(lines))["features"] == [feature, feature]


def test_geopackage_layers_read_back(exported):
    layers = dict(pyogrio.list_layers(exported / "campaign.gpkg"))
    assert layers == {
        "places": "Point",
        "events": "Point",
        "control": "Point",
        "mentions": "Point",
        "layer_styles": None,  # the control layer's default style, for QGIS
    }
    control = pyogrio.read_dataframe(exported / "campaign.gpkg", layer="control")
    assert {"place_id", "controller", "status", "start", "end", "sources"} <= set(control.columns)
    hajin = control[control.place_id == "hajin"].sort_values("start")
    assert list(hajin.controller) == ["ISIS", "SDF"]
    # real dates at 00:00 without a time zone; the end is the last day held, NULL while it lasts
    assert [str(d) for d in hajin.start] == ["2018-12-13 00:00:00", "2018-12-14 00:00:00"]
    assert str(hajin.iloc[0]["end"]) == "2018-12-13 00:00:00" and pd.isna(hajin.iloc[1]["end"])
    info = pyogrio.read_info(exported / "campaign.gpkg", layer="control")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["start"] == types["end"] == "OFTDateTime"
    events = pyogrio.read_dataframe(exported / "campaign.gpkg", layer="events")
    assert events.crs.to_epsg() == 4326 and len(events) > 20
    assert isinstance(events.iloc[0]["date"], str)  # ISO strings, no time-zone shifts
    mentions = pyogrio.read_dataframe(exported / "campaign.gpkg", layer="mentions")
    assert (mentions.place_id == "al_hol_camp").sum() == 3


def test_every_layer_as_geojson_and_csv(exported, built):
    for layer in ("places", "events", "control", "mentions"):
        gpkg = pyogrio.read_dataframe(exported / "campaign.gpkg", layer=layer)
        geojson = json.loads((exported / f"{layer}.geojson").read_text(encoding="utf-8"))
        table = pd.read_csv(exported / f"{layer}.csv", keep_default_na=False, dtype=str)
        assert len(geojson["features"]) == len(table) == len(gpkg), layer
    # events.csv, events.geojson and mentions.csv are those geomap build writes
    for name in ("events.csv", "events.geojson", "mentions.csv"):
        assert (exported / name).read_bytes() == (built.map_path.parent / name).read_bytes()
    control = json.loads((exported / "control.geojson").read_text(encoding="utf-8"))
    hajin = [f["properties"] for f in control["features"] if f["properties"]["place_id"] == "hajin"]
    assert [(p["start"], p["end"]) for p in hajin] == [
        ("2018-12-13", "2018-12-13"),
        ("2018-12-14", None),  # still going
    ]
    rows = (exported / "control.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "place_id,place,controller,status,start,end,approximate,inferred,sources"
    assert rows[1].startswith("hajin,Hajin,ISIS,held,2018-12-13,2018-12-13,")
    assert rows[2].startswith("hajin,Hajin,SDF,held,2018-12-14,,")


def test_export_from_an_events_file_leaves_that_file_as_it_is(built, cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_bytes((built.map_path.parent / "events.csv").read_bytes().replace(b"\n", b"\r\n"))
    before = events.read_bytes()
    result = cli("export", "--data", DATA, "--events", events, "--out", tmp_path)
    assert result.exit_code == 0
    assert events.read_bytes() == before and "wrote " + str(events) not in result.output
    assert (tmp_path / "events.geojson").exists() and (tmp_path / "campaign.gpkg").exists()


def test_geopackage_is_byte_identical_across_runs(built, tmp_path):
    for run in ("a", "b"):
        export_gis(built.extraction.timeline, built.extraction.mentions, tmp_path / run)
    assert (tmp_path / "a/campaign.gpkg").read_bytes() == (
        tmp_path / "b/campaign.gpkg"
    ).read_bytes()


def test_control_periods_merge_repeated_states(built):
    rows = [r for r in control_periods(built.extraction.timeline) if r["place_id"] == "al_susah"]
    assert [(r["controller"], r["status"], r["inferred"]) for r in rows] == [
        ("ISIS", "held", False),
        ("", "lost", True),
    ]


def test_snapshots_are_real_pictures(built, tmp_path):
    paths = snapshot(
        built.extraction.timeline, built.extraction.articles, [dt.date(2018, 12, 15)], tmp_path
    )
    png = next(p for p in paths if p.suffix == ".png")
    svg = next(p for p in paths if p.suffix == ".svg")
    assert png.stat().st_size > 30_000
    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    assert pixels.shape[0] > 600 and pixels.std() > 20  # not blank
    yellow = ((pixels[..., 0] > 200) & (pixels[..., 1] > 170) & (pixels[..., 2] < 80)).sum()
    assert yellow > 20  # Hajin is drawn in the SDF's yellow
    assert "2018-12-15" in svg.read_text(encoding="utf-8")


def svg_text(svg: str) -> str:
    """The words a matplotlib SVG draws (as paths, each text in a comment), lines joined."""
    return " ".join(re.findall(r"<!-- (.*?) -->", svg, re.S))


def test_figures_credit_the_outlets_and_every_map_source(built, tmp_path):
    (svg,) = snapshot(
        built.extraction.timeline,
        built.extraction.articles,
        [dt.date(2018, 12, 15)],
        tmp_path,
        formats=("svg",),
    )
    text = svg_text(svg.read_text(encoding="utf-8"))
    for credit in (
        "CBC News",
        "GSHHG 2.3 (LGPL-3)",
        "GeoNames (CC BY 4.0)",
        "Natural Earth (public domain)",
    ):
        assert credit in text, text


def test_snapshot_grid_and_determinism(built, tmp_path):
    days = [dt.date(2018, 12, 13), dt.date(2019, 3, 18)]
    first = snapshot(
        built.extraction.timeline, built.extraction.articles, days, tmp_path / "a", grid=True
    )
    second = snapshot(
        built.extraction.timeline, built.extraction.articles, days, tmp_path / "b", grid=True
    )
    assert [p.name for p in first] == [
        "grid_2018-12-13_2019-03-18.png",
        "grid_2018-12-13_2019-03-18.svg",
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_cli_export_and_snapshot(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--data", str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 0 and "campaign.gpkg" in result.output
    result = runner.invoke(
        main,
        [
            "snapshot",
            "--data",
            str(DATA),
            "--date",
            "2018-12-15",
            "--date",
            "2019-03-12",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0
    assert (tmp_path / "snapshot_2019-03-12.svg").exists()


@pytest.mark.parametrize("day", ["2030-01-01", "2009-06-01"])
def test_snapshot_refuses_a_date_far_outside_the_data(day, tmp_path):
    result = CliRunner().invoke(
        main, ["snapshot", "--data", str(DATA), "--date", day, "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and not list(tmp_path.iterdir())
    first_line = result.output.splitlines()[0]
    assert f"{day} is outside the data: events from 2014-01-01 to 2019-03-18" in first_line
    assert "draw a date from 2014-01-01 to 2019-04-30" in result.output  # the window's end
    assert "Traceback" not in result.output


def test_build_says_when_the_start_date_is_outside_the_slider(built, tmp_path):
    events = built.map_path.parent / "events.csv"
    args = ["build", "--data", str(DATA), "--events", str(events), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--start", "2030-01-01", "-q"])
    assert result.exit_code == 0
    assert result.output.strip() == (
        "warning: --start 2030-01-01 is outside the events' dates (2014-01-01 to 2019-03-18): "
        "the map opens at 2019-03-18"
    )
    inside = CliRunner().invoke(main, [*args, "--start", "2018-12-15", "-q"])
    assert inside.exit_code == 0 and inside.output == ""


def test_gazetteer_add_from_geonames_shows_then_appends(data_copy):
    runner = CliRunner()
    result = runner.invoke(
        main, ["gazetteer", "add", "Tall Hamis", "--data", str(data_copy)], input="n\n"
    )
    assert "GeoNames 163568" in result.output and "nothing written" in result.output
    result = runner.invoke(
        main, ["gazetteer", "add", "Tall Hamis", "--data", str(data_copy), "--yes"]
    )
    assert result.exit_code == 0, result.output
    text = (data_copy / "gazetteer.csv").read_text(encoding="utf-8")
    assert "tall_hamis,Tall Hamis," in text and "GeoNames 163568" in text
    # the province as the gazetteer writes it for GeoNames' code (al-Hasakah's rows): Hasakah
    assert ",village,Hasakah,SY," in text
    again = runner.invoke(main, ["gazetteer", "add", "Tall Hamis", "--data", str(data_copy)])
    assert again.exit_code == 1 and "already in the gazetteer" in again.output


def test_admin1_stays_empty_when_no_gazetteer_row_has_that_provinces_code(gazetteer):
    from geomap.candidates import _cities_by_id, admin1_name
    from geomap.gazetteer import Gazetteer

    tall_hamis = _cities_by_id()[163568]
    assert admin1_name(tall_hamis, gazetteer) == "Hasakah"
    others = [p for p in gazetteer if p.admin1 != "Hasakah"]  # no row in that province
    assert admin1_name(tall_hamis, Gazetteer(others)) == ""


def test_online_answers_go_to_a_review_file_only(data_copy):
    from geopy.location import Location
    from geopy.point import Point

    from geomap.candidates import online_review

    class FakeNominatim:
        def geocode(self, query, exactly_one=True):
            return Location("Tall Hamis, Syria", Point(36.75, 41.4), {})

    before = (data_copy / "gazetteer.csv").read_bytes()
    review = data_copy / "gazetteer_review.csv"
    row = online_review("Tall Hamis", review, geocoder=FakeNominatim())
    assert row["status"] == "to review"
    assert "Tall Hamis" in review.read_text(encoding="utf-8")
    assert (data_copy / "gazetteer.csv").read_bytes() == before
