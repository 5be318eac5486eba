"""The CLI through click's CliRunner: outputs, exit codes, messages."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, GOLD, small_data
from geomap.cli import main


def test_build_writes_map_and_events(cli, tmp_path):
    result = cli("build", "--data", DATA, "--out", tmp_path, "--jobs", 1)
    assert result.exit_code == 0, result.output
    for name in ("map.html", "events.csv", "events.geojson", "mentions.csv"):
        assert (tmp_path / name).stat().st_size > 0
    header = (tmp_path / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    for column in (
        "event_id",
        "date",
        "date_precision",
        "place_id",
        "place",
        "kind",
        "actor",
        "controller",
        "article",
        "evidence",
        "evidence_start",
        "evidence_end",
        "date_text",
        "confidence",
        "sources",
        "inferred",
        "conflicts",
    ):
        assert column in header
    assert "wrote" in result.output and "map.html" in result.output


def test_build_defaults_to_data_and_output_in_the_current_folder(cli, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert cli("build", "--jobs", 1, "-q").exit_code == 0
    assert (tmp_path / "output" / "map.html").exists()


def test_extract_writes_only_events(cli, tmp_path):
    result = cli("extract", "--data", DATA, "--out", tmp_path, "--json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["articles"] == 5 and summary["events"] > 20
    assert not (tmp_path / "map.html").exists()


@pytest.mark.parametrize(
    "name,place_id", [("Deir el-Zour", "deir_ez_zor"), ("Baghuz", "baghuz_fawqani")]
)
def test_geocode_json(cli, name, place_id):
    result = cli("geocode", name, "--data", DATA, "--json")
    assert result.exit_code == 0
    row = json.loads(result.output)
    assert row["id"] == place_id
    assert set(row) == {"id", "name", "lat", "lon", "kind", "country"}


def test_unknown_name_exits_nonzero_with_suggestions(cli):
    result = cli("geocode", "Bagoose", "--data", DATA)
    assert result.exit_code == 1
    assert "did you mean" in result.output and "Bagouz" in result.output
    assert "Traceback" not in result.output


def test_events_table(cli):
    result = cli("events", "--data", DATA, "--place", "Hajin")
    assert result.exit_code == 0
    assert "captured" in result.output and "Hajin" in result.output


def test_evaluate_prints_scores(cli):
    result = cli("evaluate", "--gold", GOLD, "--data", DATA, "--json")
    scores = json.loads(result.output)
    assert scores["recall"] >= 0.95 and scores["precision"] >= 0.9
    assert scores["distractors_triggered"] == []


def test_evaluate_checks_the_holder_unless_lenient(cli, tmp_path):
    article = "---\npublished: 2018-12-15\n---\nThe SDF captured Hajin on Friday.\n"
    data = small_data(tmp_path / "data", {"x.txt": article})
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article,tier,place,date,date_precision,kind,actor,controller,sentence_start,note\n"
        "x.txt,core,Hajin,2018-12-14,day,captured,SDF,ISIS,The SDF captured Hajin,wrong holder\n",
        encoding="utf-8",
    )
    strict = cli("evaluate", "--gold", gold, "--data", data, "-v")
    assert strict.exit_code == 0
    assert "core recall  0.000  (0/1)" in strict.output
    assert "gold \\ claimed" in strict.output and "by article:" in strict.output
    assert "wrong holder: x.txt captured hajin 2018-12-14 held by SDF" in strict.output
    lenient = cli("evaluate", "--gold", gold, "--data", data, "--lenient", "--json")
    scores = json.loads(lenient.output)
    assert (scores["recall"], scores["precision"], scores["lenient"]) == (1.0, 1.0, True)
    assert scores["by_article"]["x.txt"]["core_found"] == 1
    assert scores["confusion"] == {"captured": {"captured": 1}}


def test_check_lists_names_the_gazetteer_lacks(cli, data_copy):
    (data_copy / "articles" / "new.txt").write_text(
        "---\npublished: 2019-01-05\n---\nFighting raged near the village of Hasrat on Friday.\n",
        encoding="utf-8",
    )
    result = cli("check", "--data", data_copy)
    assert result.exit_code == 0
    assert "Hasrat" in result.output


def test_bad_data_is_one_clear_line_exit_1(cli, data_copy):
    gazetteer = data_copy / "gazetteer.csv"
    text = gazetteer.read_text(encoding="utf-8").replace("34.68944,40.83083", "north,40.83083")
    gazetteer.write_text(text, encoding="utf-8")
    result = cli("build", "--data", data_copy, "--out", data_copy.parent / "out")
    assert result.exit_code == 1
    assert "gazetteer.csv:2" in result.output and "field 'lat'" in result.output
    assert "hint:" in result.output and "Traceback" not in result.output
    assert not (data_copy.parent / "out" / "map.html").exists()


def test_debug_shows_the_traceback(cli, data_copy):
    (data_copy / "articles" / "bad.txt").write_text("no header\n", encoding="utf-8")
    result = cli("--debug", "extract", "--data", data_copy, "--out", data_copy.parent / "o")
    assert result.exit_code == 1 and "Traceback" in result.output


def test_usage_errors_exit_2(cli):
    assert cli("build", "--step", "fortnight").exit_code == 2
    assert cli("geocode").exit_code == 2


def test_keep_going_skips_bad_articles_and_lists_them(cli, data_copy, tmp_path):
    (data_copy / "articles" / "bad.txt").write_text("no header\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli("build", "--data", data_copy, "--out", out, "-q").exit_code == 1
    result = cli("build", "--data", data_copy, "--out", out, "--keep-going")
    assert result.exit_code == 0
    assert "1 article(s) could not be read" in result.output and "bad.txt" in result.output


def test_build_from_an_events_file(cli, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,date,date_precision,place_id,kind,actor,controller,evidence\n"
        ",2019-01-06,day,al_shaafah,captured,SDF,SDF,Curated.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = cli("build", "--data", DATA, "--out", out, "--events", events)
    assert result.exit_code == 0, result.output
    assert "al_shaafah" in (out / "map.html").read_text(encoding="utf-8")
    assert "1 events" in result.output
    assert not (out / "events.csv").exists()  # the events file is the input


def test_build_from_events_warns_of_an_earlier_builds_event_files(cli, tmp_path):
    out = tmp_path / "out"
    assert cli("build", "--data", DATA, "--out", out, "-q").exit_code == 0
    events = tmp_path / "curated.csv"
    events.write_text(
        "event_id,date,date_precision,place_id,kind,actor,controller,evidence\n"
        ",2019-01-06,day,al_shaafah,captured,SDF,SDF,Curated.\n",
        encoding="utf-8",
    )
    result = cli("build", "--data", DATA, "--out", out, "--events", events, "-q")
    assert result.exit_code == 0, result.output
    for name in ("events.csv", "events.geojson", "mentions.csv"):
        assert f"warning: {out / name} is from an earlier build" in result.output
    # the events file itself, or a clean folder, is not warned about
    result = cli("build", "--data", DATA, "--out", out, "--events", out / "events.csv", "-q")
    assert f"{out / 'events.csv'} is from an earlier build" not in result.output
    result = cli("build", "--data", DATA, "--out", tmp_path / "clean", "--events", events)
    assert "warning" not in result.output


def test_outputs_are_byte_identical_across_runs(cli, tmp_path):
    for run in ("a", "b"):
        assert (
            cli("build", "--data", DATA, "--out", tmp_path / run, "-q", "--jobs", 1).exit_code == 0
        )
    for name in ("map.html", "events.csv", "events.geojson", "mentions.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_inputs_are_never_modified(cli, data_copy, tmp_path):
    before = {p: p.read_bytes() for p in Path(data_copy).rglob("*") if p.is_file()}
    assert cli("build", "--data", data_copy, "--out", tmp_path / "out", "-q").exit_code == 0
    assert before == {p: p.read_bytes() for p in Path(data_copy).rglob("*") if p.is_file()}


def test_parallel_extraction_gives_the_same_events(tmp_path):
    import shutil

    from geomap.pipeline import extract

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for source in sorted((DATA / "articles").glob("*.txt")):
        for copy in range(2):  # 15 articles, different text so none is a duplicate
            text = source.read_text(encoding="utf-8") + f"\nCopy {copy} for the parallel test.\n"
            (data / "articles" / f"{source.stem}_{copy}.txt").write_text(text, encoding="utf-8")
    serial = extract(data, None, jobs=1)
    parallel = extract(data, None, jobs=2)
    assert [e.as_row() for e in serial.events] == [e.as_row() for e in parallel.events]
    assert len(parallel.articles) == 15


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch):
    import sys

    runner = CliRunner()
    piped = runner.invoke(main, ["extract", "--data", str(DATA), "--out", str(tmp_path)])
    assert "extracting" not in piped.output
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    from geomap import cli as cli_module

    bar, progress = cli_module._progress(False, DATA)
    assert bar is not None and progress is not None
    bar.__exit__(None, None, None)
    assert cli_module._progress(True, DATA) == (None, None)  # --quiet


def test_quiet_prints_nothing(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--data", str(DATA), "--out", str(tmp_path), "-q", "--jobs", "1"]
    )
    assert result.exit_code == 0 and result.output == ""


def _console(args: list, env: dict | None = None):
    """The console script (geomap.cli.run) in its own process: its exit code and output."""
    import subprocess
    import sys

    command = [sys.executable, "-c", "from geomap.cli import run; run()", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    "args,code,stream,text",
    [
        (["geocode", "Hajin", "--data", DATA, "--json"], 0, "stdout", '"hajin"'),
        (["geocode", "Bagoose", "--data", DATA], 1, "stderr", "did you mean"),
        (["geocode"], 2, "stderr", "Missing argument"),
    ],
)
def test_console_script_exits_with_the_commands_code_and_all_its_output(args, code, stream, text):
    # the console script ends with a hard exit (no teardown): its exit codes and output survive
    done = _console(args)
    assert done.returncode == code
    assert text in getattr(done, stream)
    assert "Traceback" not in done.stderr


def test_console_extract_skips_pandas_and_writes_the_same_files(tmp_path):
    # the console script hides pandas from pyarrow while it extracts (~0.3 s a run); the
    # files must be those a library call (pandas loaded) writes
    import os
    import re

    from geomap.pipeline import extract

    extract(DATA, tmp_path / "library")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = _console(["extract", "--data", DATA, "--out", tmp_path / "console", "-q"], env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not re.search(r"\| +pandas\.core$", done.stderr, re.M)
    for name in ("events.csv", "events.geojson", "mentions.csv"):
        console, library = tmp_path / "console" / name, tmp_path / "library" / name
        assert console.read_bytes() == library.read_bytes(), name


def test_console_bulk_build_skips_pandas_and_writes_the_same_map(built, tmp_path):
    # the console script hides pandas from folium and pyarrow in a bulk build (~0.5 s of a
    # 10,000-place one); the page must be the one a library call (pandas loaded) writes
    import os
    import re
    import sys

    from geomap.mapping import MapOptions
    from geomap.pipeline import build

    events = Path(built.map_path).parent / "events.csv"
    library = build(DATA, tmp_path / "library", events_file=events, options=MapOptions(areas=False))
    assert "pandas" in sys.modules  # this test process has it, as a library caller would
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    for areas, pandas_loaded in (("--no-areas", False), ("--areas", True)):
        out = tmp_path / areas
        args = ["build", "--data", DATA, "--events", events, "--out", out, areas, "-q"]
        done = _console(args, env)
        assert done.returncode == 0, done.stderr[-2000:]
        # the held area is computed with geopandas, which needs pandas: nothing is hidden
        assert bool(re.search(r"\| +pandas\.core$", done.stderr, re.M)) is pandas_loaded
    no_areas = (tmp_path / "--no-areas" / "map.html").read_bytes()
    assert no_areas == Path(library.map_path).read_bytes()
    assert b'"areas":[]' in no_areas
    assert b'"areas":[]' not in (tmp_path / "--areas" / "map.html").read_bytes()
