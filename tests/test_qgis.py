"""QGIS animates campaign.gpkg's control layer as the README says: its Temporal Controller
shows, on each date, who held each place by `geomap events`, and what the HTML map draws.

QGIS runs in a subprocess of the system Python that has its bindings (Debian's python3-qgis;
they are not installable into the project's virtual environment). Without them the tests are
skipped; under CI (``CI`` set, as ``.ci/run`` does) they fail instead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import DATA

QGIS_PYTHON = os.environ.get("GEOMAP_QGIS_PYTHON", "/usr/bin/python3")
SCRIPT = Path(__file__).with_name("qgis_control.py")
# the first evidence, the day before and the day of Hajin's capture, the day before and the
# day of the last changes, and the last report
DAYS = ["2014-01-01", "2018-12-13", "2018-12-14", "2019-03-11", "2019-03-12", "2019-03-18"]


@pytest.fixture(scope="module")
def qgis_python() -> str:
    probe = (
        subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False)
        if Path(QGIS_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(
                f"QGIS's Python bindings not found for {QGIS_PYTHON}; .ci/run installs python3-qgis"
            )
        pytest.skip("QGIS is not installed (apt-get install python3-qgis)")
    return QGIS_PYTHON


@pytest.fixture(scope="module")
def exported(tmp_path_factory, cli_module):
    """`geomap export` of this campaign: the output folder and the range it prints."""
    out = tmp_path_factory.mktemp("qgis")
    result = cli_module("export", "--data", DATA, "--out", out)
    assert result.exit_code == 0, result.output
    span = re.search(r"QGIS Temporal Controller: (\S+) to (\S+), a step of 1 day", result.output)
    return out, span.group(1), span.group(2)


@pytest.fixture(scope="module")
def cli_module():
    from click.testing import CliRunner

    from geomap.cli import main

    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def qgis_shows(qgis_python, exported, tmp_path_factory) -> dict:
    out, _, until = exported
    home = tmp_path_factory.mktemp("qgis-home")  # QGIS's settings go here, not to ~
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [qgis_python, str(SCRIPT), str(out / "campaign.gpkg"), until, *DAYS],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def first_day(date: str) -> dt.date:
    """The first day of an events.csv date (a day, range, week Monday, month or year)."""
    start = date.split("/")[0]
    return dt.date.fromisoformat(start + {4: "-01-01", 7: "-01"}.get(len(start), ""))


def holders_by_events(rows: list[dict], day: dt.date) -> dict[str, str]:
    """Who held each place on ``day`` by `geomap events --json`: the holder after its latest
    confirmed event on or before it (on one day, a capture or withdrawal last); a contest or
    siege naming no holder keeps the one before."""
    held: dict[str, str] = {}
    confirmed = [r for r in rows if not r["unconfirmed"] and r["kind"] != "surrendered"]
    changes = ("captured", "withdrew")
    for row in sorted(confirmed, key=lambda r: (first_day(r["date"]), r["kind"] in changes)):
        if first_day(row["date"]) > day:
            continue
        place = row["place_id"]
        if row["kind"] in ("contested", "besieged") and not row["controller"]:
            held[place] = held.get(place, "")
        else:
            held[place] = row["controller"]
    return held


def test_qgis_reads_the_temporal_settings_and_real_dates_from_the_geopackage(qgis_shows):
    loaded = qgis_shows["loaded"]
    assert loaded["mode"] and (loaded["start"], loaded["end"]) == ("start", "end")
    assert loaded["include_end"]  # "Include beginning, include end", as the README says
    assert loaded["field_types"]["start"] == loaded["field_types"]["end"] == "DateTime"


def test_qgis_shows_each_place_once_with_its_holder_by_geomap_events(
    qgis_shows, cli_module, exported
):
    result = cli_module("events", "--data", DATA, "--min-confidence", "0.6", "--json")
    rows = json.loads(result.output)
    for day in DAYS:
        shown = qgis_shows["shown"][day]
        assert shown["frame"] == [f"{day}T00:00:00", f"{first_day(day) + dt.timedelta(1)}T00:00:00"]
        places = [place for place, _, _ in shown["rows"]]
        assert len(places) == len(set(places)), f"{day}: a place shown twice: {shown['rows']}"
        qgis = {place: controller for place, controller, _ in shown["rows"]}
        assert qgis == holders_by_events(rows, first_day(day)), day
    # the case: every row that should be visible on the last report's day is
    assert len(qgis_shows["shown"]["2019-03-18"]["rows"]) == 8


def test_a_render_of_each_frame_draws_exactly_those_places(qgis_shows):
    for day in DAYS:
        shown = qgis_shows["shown"][day]
        assert shown["drawn"] == sorted({place for place, _, _ in shown["rows"]}), day
    assert qgis_shows["shown"]["2014-01-01"]["drawn"] == ["mosul"]  # one place known then


def test_qgis_shows_what_the_html_map_draws(qgis_shows, built):
    timeline = built.extraction.timeline
    for day in DAYS:
        drawn = sorted(
            [place, state.controller, state.status]
            for place, state in timeline.holders_on(first_day(day)).items()
        )
        assert qgis_shows["shown"][day]["rows"] == drawn, day


def test_the_printed_range_reaches_the_last_report(qgis_shows, exported, built):
    _, start, until = exported
    first, last = built.extraction.timeline.days
    assert (start, until) == (str(first), str(last + dt.timedelta(days=1)))
    # QGIS's own "full range" of the layer stops at the last change, before the last report
    assert qgis_shows["full_range"][1] < f"{last}T00:00:00"
