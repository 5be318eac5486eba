"""Claims below the confidence threshold: listed everywhere, drawn nowhere; and an events CSV
read back (row by row or in bulk) draws the map it was written with."""

import base64
import csv
import json
import re
import zlib
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA
from geomap.mapping import MapOptions
from geomap.pipeline import build, read_events
from geomap.records import EVENT_COLUMNS, MIN_CONFIDENCE

# what decides how the places are drawn, and which claims are unconfirmed (an events CSV
# keeps each event's first claim only, so the claims' counts are not compared)
DRAWN_COLUMNS = ["s_count", "s_day", "s_code", "s_events", "e_code", "e_conf"]
CLAIM_COLUMNS = ["u_count", "u_day", "u_code", "u_conf"]


def page_data(page: Path | str) -> dict:
    if isinstance(page, Path):
        page = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', page)
    return json.loads(found.group(1))


def column(data: dict, name: str) -> list[int]:
    dtype, packed = data["cols"][name]
    raw = zlib.decompress(base64.b64decode(packed))
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).tolist()


@pytest.fixture(scope="module")
def built_here(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("unconfirmed"), jobs=1)


def test_this_campaign_has_unconfirmed_claims_to_test_with(built_here):
    timeline = built_here.extraction.timeline
    assert timeline.unconfirmed and timeline.events
    assert all(e.confidence < MIN_CONFIDENCE for e in timeline.unconfirmed)
    assert all(e.confidence >= MIN_CONFIDENCE or e.inferred for e in timeline.events)


def test_events_csv_lists_every_event_in_its_columns(built_here):
    path = built_here.map_path.parent / "events.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == EVENT_COLUMNS
    timeline = built_here.extraction.timeline
    assert [r["event_id"] for r in rows] == [e.event_id for e in timeline.all_events]
    listed = {r["event_id"]: float(r["confidence"]) for r in rows}
    assert all(e.event_id in listed for e in timeline.unconfirmed)
    features = json.loads((path.parent / "events.geojson").read_text(encoding="utf-8"))
    assert len(features["features"]) == len(rows)


@pytest.mark.parametrize("areas", [True, False], ids=["row path", "bulk path"])
def test_a_build_from_its_events_csv_draws_the_same_map(built_here, tmp_path, areas):
    events = built_here.map_path.parent / "events.csv"
    again = build(DATA, tmp_path, events_file=events, options=MapOptions(areas=areas))
    assert again.extraction.__class__.__name__ == ("ExtractResult" if areas else "BulkResult")
    first, second = page_data(built_here.map_path), page_data(again.map_path)
    for name in DRAWN_COLUMNS + CLAIM_COLUMNS:
        assert column(first, name) == column(second, name), name
    assert second["meta"]["minConfidence"] == MIN_CONFIDENCE
    assert (first["meta"]["first"], first["meta"]["last"]) == (
        second["meta"]["first"],
        second["meta"]["last"],
    )


def test_reading_events_back_keeps_the_states_and_the_unconfirmed_claims(built_here):
    timeline = built_here.extraction.timeline
    again = read_events(DATA, built_here.map_path.parent / "events.csv").timeline
    assert again.states == timeline.states
    assert [e.event_id for e in again.unconfirmed] == [e.event_id for e in timeline.unconfirmed]
    assert {e.event_id for e in again.all_events} == {e.event_id for e in timeline.all_events}


def test_a_lower_threshold_read_back_draws_the_claims(built_here):
    events = built_here.map_path.parent / "events.csv"
    every = read_events(DATA, events, min_confidence=0).timeline
    assert every.unconfirmed == []
    assert len(every.events) == len(built_here.extraction.timeline.all_events)


def test_an_events_file_row_without_a_confidence_counts(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,date_precision,place_id,kind,actor,controller,confidence\n"
        "2019-01-06,day,al_susah,captured,SDF,SDF,\n"
        "2019-01-06,day,hajin,captured,SDF,SDF,0.3\n",
        encoding="utf-8",
    )
    timeline = read_events(DATA, events).timeline
    assert [e.place_id for e in timeline.events] == ["al_susah"]
    assert [e.place_id for e in timeline.unconfirmed] == ["hajin"]


def _claim(place_id: str, confidence: float, article: str = "a.txt"):
    from geomap.records import Event

    return Event(
        date="2019-01-06",
        date_precision="day",
        place_id=place_id,
        place=place_id,
        kind="captured",
        actor="SDF",
        controller="SDF",
        article=article,
        evidence=f"They took {place_id}.",
        outlet="Wire",
        published="2019-01-07",
        confidence=confidence,
    )


@pytest.fixture()
def weak_and_strong(campaign):
    from geomap.timeline import build_timeline

    raw = [_claim("al_susah", 0.3), _claim("al_shaafah", 0.9, "b.txt")]
    return build_timeline(raw, campaign.gazetteer, profile=campaign.profile)


def test_export_lists_every_event_and_takes_control_from_confirmed_ones(weak_and_strong, tmp_path):
    import pyogrio

    from geomap.exports import export_gis

    export_gis(weak_and_strong, [], tmp_path)
    gpkg = tmp_path / "campaign.gpkg"
    events = pyogrio.read_dataframe(gpkg, layer="events")
    assert sorted(zip(events.place_id, events.confidence, strict=True)) == [
        ("al_shaafah", 0.6),  # the inferred loser's row
        ("al_shaafah", 0.9),
        ("al_susah", 0.3),
    ]
    control = pyogrio.read_dataframe(gpkg, layer="control")
    assert set(control.place_id) == {"al_shaafah"}


def test_snapshot_draws_the_confirmed_claims_only(weak_and_strong, tmp_path):
    import datetime as dt

    from geomap.snapshot import snapshot

    drawn = []
    timeline = weak_and_strong
    real_state = timeline.state

    def state(place_id, day):  # what the figure is drawn from, recorded
        drawn.append((place_id, real_state(place_id, day)))
        return drawn[-1][1]

    timeline.state = state
    snapshot(timeline, [], [dt.date(2019, 1, 7)], tmp_path, formats=("png",))
    coloured = {pid for pid, state in drawn if state is not None and state.controller}
    assert coloured == {"al_shaafah"}


def test_the_page_lists_an_unconfirmed_claim_apart_from_the_states(weak_and_strong):
    from geomap.mapping import article_table, build_map

    timeline = weak_and_strong
    articles = article_table([], timeline.all_events)
    data = page_data(build_map(timeline, articles, [], MapOptions(areas=False)))
    index = [row[0] for row in data["places"]].index
    assert column(data, "s_count")[index("al_susah")] == 0  # no state: no information
    assert column(data, "u_count")[index("al_susah")] == 1
    assert column(data, "u_count")[index("al_shaafah")] == 0
    assert column(data, "u_conf") == [30]
    (sentence,) = column(data, "u_sentence")
    assert data["str"][sentence] == "They took al_susah."
    assert data["meta"]["minConfidence"] == MIN_CONFIDENCE


# --- the command line -------------------------------------------------------------------

SMALL_EVENTS = (
    "date,date_precision,place_id,kind,actor,controller,article,evidence,confidence\n"
    "2019-01-06,day,al_shaafah,captured,SDF,SDF,a.txt,They took al-Shaafah.,0.9\n"
    "2019-01-07,day,al_susah,captured,SDF,SDF,b.txt,Some say al-Susah fell.,0.3\n"
)


@pytest.mark.parametrize("command", ["build", "extract", "events", "export", "snapshot"])
def test_every_drawing_command_takes_min_confidence_with_its_default(cli, command):
    result = cli(command, "--help")
    assert "--min-confidence" in result.output and f"default: {MIN_CONFIDENCE}" in result.output
    assert cli(command, "--min-confidence", "1.5").exit_code == 2


def test_build_counts_the_unconfirmed_claims_and_zero_draws_them_all(cli, tmp_path):
    default = json.loads(cli("build", "--data", DATA, "--out", tmp_path / "a", "--json").output)
    every = cli("build", "--data", DATA, "--out", tmp_path / "b", "--min-confidence", 0, "--json")
    every = json.loads(every.output)
    assert default["unconfirmed"] > 0 and every["unconfirmed"] == 0
    assert page_data(tmp_path / "a" / "map.html")["meta"]["minConfidence"] == MIN_CONFIDENCE
    assert page_data(tmp_path / "b" / "map.html")["meta"]["minConfidence"] == 0
    text = cli("build", "--data", DATA, "--out", tmp_path / "c").output
    assert f"{default['unconfirmed']} unconfirmed" in text


def test_build_from_events_applies_the_threshold(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(SMALL_EVENTS, encoding="utf-8")
    for option, unconfirmed in (("0.6", [1]), ("0.2", [0])):
        out = tmp_path / option
        args = ["--data", DATA, "--events", events, "--out", out, "--min-confidence", option]
        result = cli("build", *args, "--no-areas", "--json")
        assert result.exit_code == 0, result.output
        data = page_data(out / "map.html")
        index = [row[0] for row in data["places"]].index
        assert [column(data, "u_count")[index("al_susah")]] == unconfirmed
        assert column(data, "s_count")[index("al_susah")] == 1 - unconfirmed[0]


def test_extract_writes_every_event_and_counts_the_unconfirmed(cli, tmp_path):
    result = cli("extract", "--data", DATA, "--out", tmp_path, "--json")
    summary = json.loads(result.output)
    with (tmp_path / "events.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary["events"] and summary["unconfirmed"] > 0
    below = [
        r for r in rows if float(r["confidence"]) < MIN_CONFIDENCE and r["inferred"] == "false"
    ]
    assert len(below) == summary["unconfirmed"]


def test_events_marks_the_unconfirmed_claims(cli):
    table = cli("events", "--data", DATA, "--place", "Hajin").output
    marked = [line for line in table.splitlines() if line.endswith("(unconfirmed)")]
    assert marked and all("0.5" in line or "0.4" in line for line in marked)
    assert "unconfirmed: below confidence 0.6)" in table
    rows = json.loads(cli("events", "--data", DATA, "--json").output)
    assert {type(r["unconfirmed"]) for r in rows} == {bool}
    assert [r["confidence"] for r in rows if r["unconfirmed"]] and all(
        float(r["confidence"]) < MIN_CONFIDENCE for r in rows if r["unconfirmed"]
    )
    every = json.loads(cli("events", "--data", DATA, "--json", "--min-confidence", 0).output)
    assert not any(r["unconfirmed"] for r in every)


def test_export_and_snapshot_take_the_threshold(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(SMALL_EVENTS, encoding="utf-8")
    for option, places in (("0.6", {"al_shaafah"}), ("0", {"al_shaafah", "al_susah"})):
        out = tmp_path / option
        args = ["--data", DATA, "--events", events, "--out", out, "--min-confidence", option]
        result = cli("export", *args, "-q")
        assert result.exit_code == 0, result.output
        with (out / "control.csv").open(encoding="utf-8") as handle:
            assert {r["place_id"] for r in csv.DictReader(handle)} == places
    args = ["--data", DATA, "--events", events, "--out", tmp_path / "figures"]
    result = cli("snapshot", *args, "--date", "2019-01-08", "--min-confidence", "0.5", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "figures" / "snapshot_2019-01-08.png").exists()
