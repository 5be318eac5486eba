"""The bulk reader of events files gives the same map, byte for byte, as the row-by-row path,
and steps aside (to the row path's exact errors) for anything it cannot take."""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.event_table import NotBulk, read_event_table
from geomap.mapping import MapOptions, build_map
from geomap.pipeline import build, read_events
from geomap.records import EVENT_COLUMNS

DATA = Path("data")
PLACES = ["hajin", "al_susah", "al_shaafah", "baghuz_fawqani", "al_hol_camp"]
SIDES = ["", "SDF", "ISIS", "SYRIAN_GOV"]
KINDS = ["captured", "held", "contested", "besieged", "withdrew", "surrendered"]
NO_AREAS = MapOptions(areas=False)


def _write(path: Path, rows: list[dict]) -> Path:
    # the output columns but the ones geomap fills in itself
    columns = [c for c in EVENT_COLUMNS if c not in ("place", "evidence_start", "evidence_end")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _both(data: Path, events: Path, out: Path) -> tuple[str, str]:
    """The map from the row path and from the bulk path."""
    result = read_events(data, events)
    rows_page = build_map(result.timeline, result.articles, [], NO_AREAS)
    bulk = build(data, out, events_file=events, options=NO_AREAS)
    assert bulk.extraction.__class__.__name__ == "BulkResult"
    return rows_page, bulk.map_path.read_text(encoding="utf-8")


dates = st.sampled_from(
    [
        ("2018-12-13", "day"),
        ("2018-12-14", "day"),
        ("2018-12-14", ""),
        ("2018-12", "month"),
        ("2019", "year"),
        ("2018-12-10/2018-12-16", "range"),
        ("2019-01-06", "day"),
        ("2019-03-23", "day"),
    ]
)
row = st.fixed_dictionaries(
    {
        "event_id": st.sampled_from(["", "", "", "ev-a", "ev-b"]),
        "date_and_precision": dates,
        "date_text": st.sampled_from(["", "on Friday", 'said "Saturday", maybe']),
        "place_id": st.sampled_from(PLACES),
        "kind": st.sampled_from(KINDS + ["Captured "]),
        "actor": st.sampled_from(SIDES),
        "controller": st.sampled_from(SIDES),
        "article": st.sampled_from(["", "a.txt", "b.txt", "c,d.txt"]),
        "outlet": st.sampled_from(["", "CBC News", "Outlet, with comma"]),
        "published": st.sampled_from(["", "2018-12-15", "2019-01-07"]),
        "evidence": st.sampled_from(["", "SDF took Hajin.", 'a "quoted"\nline', "x, y"]),
        "confidence": st.sampled_from(["", "0.5", "0.9", "0.90", "1"]),
        "sources": st.sampled_from(["", "a.txt|b.txt"]),
        "inferred": st.sampled_from(["", "false", "true", "TRUE", "no"]),
        "conflicts": st.sampled_from(["", "", "ev-a", "ev-a|ev-missing"]),
    }
)


def _rows(drawn: list[dict]) -> list[dict]:
    out = []
    for r in drawn:
        r = dict(r)
        r["date"], r["date_precision"] = r.pop("date_and_precision")
        out.append(r)
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(row, min_size=0, max_size=40))
def test_bulk_and_row_paths_draw_the_same_map(tmp_path, drawn):
    events = _write(tmp_path / "events.csv", _rows(drawn))
    rows_page, bulk_page = _both(DATA, events, tmp_path / "out")
    assert bulk_page == rows_page


def test_same_day_rules_and_inferred_withdrawals(tmp_path):
    """The sequential rules: a day's events apply by rank; an inferred withdrawal counts only
    when its actor held the place just before (earlier withdrawals included)."""
    rows = [
        {"date": "2018-12-01", "place_id": "hajin", "kind": "held", "actor": "ISIS"},
        {"date": "2018-12-01", "place_id": "hajin", "kind": "contested", "actor": "SDF"},
        {"date": "2018-12-05", "place_id": "hajin", "kind": "withdrew", "actor": "ISIS"},
        {"date": "2018-12-06", "place_id": "hajin", "kind": "withdrew", "actor": "ISIS"},
        {"date": "2018-12-07", "place_id": "hajin", "kind": "surrendered", "actor": "ISIS"},
        {"date": "2018-12-08", "place_id": "hajin", "kind": "captured", "actor": "SDF"},
        {"date": "2018-12-08", "place_id": "hajin", "kind": "held", "actor": "ISIS"},
    ]
    for r in rows:
        r.setdefault("controller", r["actor"] if r["kind"] in ("held", "captured") else "")
    rows[2]["inferred"] = rows[3]["inferred"] = "true"
    events = _write(tmp_path / "events.csv", rows)
    rows_page, bulk_page = _both(DATA, events, tmp_path / "out")
    assert bulk_page == rows_page


@pytest.mark.parametrize(
    "row,why",
    [
        ("2019-01-06,day,atlantis,captured,SDF,SDF", "unknown place"),
        ("2019-01-06,day,hajin,liberated,SDF,SDF", "unknown kind"),
        ("2019-13-06,day,hajin,captured,SDF,SDF", "bad date"),
        ("2019-01-06,day,hajin,captured,SDF,KURDS", "unknown controller"),
        ("2019-01-06,day,hajin,reject,SDF,SDF", "a reject row"),
        ("2019-01-06,day,hajin", "a short row"),
    ],
)
def test_the_bulk_reader_steps_aside(tmp_path, campaign, row, why):
    path = tmp_path / "events.csv"
    path.write_text(
        "date,date_precision,place_id,kind,actor,controller\n"
        "2019-01-05,day,hajin,held,ISIS,ISIS\n" + row + "\n",
        encoding="utf-8",
    )
    with pytest.raises(NotBulk):
        read_event_table(path, campaign)


def test_a_bad_row_gets_the_row_paths_error(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,date_precision,place_id,kind,actor,controller\n"
        "2019-01-05,day,hajin,held,ISIS,ISIS\n"
        "2019-01-06,day,atlantis,captured,SDF,SDF\n",
        encoding="utf-8",
    )
    result = cli(
        "build", "--data", DATA, "--out", tmp_path / "out", "--events", events, "--no-areas"
    )
    assert result.exit_code == 1
    assert "events.csv:3, field 'place_id'" in result.output
    assert "atlantis" in result.output
    assert not (tmp_path / "out" / "map.html").exists()


@pytest.mark.parametrize("value", ["7", "-0.1", "nan", "high"])
def test_a_confidence_outside_0_to_1_is_refused_by_both_paths(cli, tmp_path, value):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,date_precision,place_id,kind,actor,controller,confidence\n"
        f"2019-01-06,day,hajin,captured,SDF,SDF,{value}\n",
        encoding="utf-8",
    )
    for areas in ("--areas", "--no-areas"):  # the row path, then the bulk reader
        result = cli("build", "--data", DATA, "--out", tmp_path / "out", "--events", events, areas)
        assert result.exit_code == 1, result.output
        assert "events.csv:2, field 'confidence'" in result.output


def test_bulk_trim_is_pythons_strip_for_every_character():
    # the row path strips fields with str.strip, the bulk path with pyarrow: a character one
    # trims and the other keeps would give the two paths different pages
    import pyarrow as pa
    import pyarrow.compute as pc

    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"{chr(c)} a{chr(c)}b {chr(c)}" for c in points]
    trimmed = pc.utf8_trim_whitespace(pa.array(texts)).to_pylist()
    pairs = zip(points, texts, trimmed, strict=True)
    assert [hex(c) for c, text, t in pairs if t != text.strip()] == []
