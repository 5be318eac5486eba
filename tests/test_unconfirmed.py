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
