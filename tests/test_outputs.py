"""Outputs as one safe unit (issue 23, items 1, 4, 5): never on an input, never a formula a
spreadsheet runs, never a mix of an old and a new set, whatever stops a run."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from geomap.records import FORMULA_STARTS, from_spreadsheet_cell, spreadsheet_cell

SECOND = ROOT / "tests" / "data" / "second_campaign"
OUTLET = '=HYPERLINK("http://x.invalid","click")'
SENTENCE = "-2+3 Northern Army troops captured Karsk on Monday."
NOTE = "@analyst: held since February"
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def listing(folder: Path) -> dict[str, str]:
    """Each file of a folder (recursively) and the SHA-1 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def beside(out: Path) -> list[str]:
    """What lies beside the output folder (the leftovers of a run)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def second_campaign(tmp_path: Path, articles: int = 3) -> Path:
    """A copy of the small invented campaign with its first ``articles`` articles."""
    data = tmp_path / "data"
    shutil.copytree(SECOND, data)
    for extra in sorted((data / "articles").iterdir())[articles:]:
        extra.unlink()
    return data


# --- item 1: an output folder never lands on an input ---------------------------------------

WRITERS = [
    ["build", "--jobs", "1"],
    ["extract", "--jobs", "1"],
    ["export"],
    ["snapshot", "--date", "2021-03-05"],
]


@pytest.mark.parametrize("command", WRITERS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    "where, relation",
    [(".", "holds"), ("articles", "is"), ("articles/out", "is inside"), ("..", "holds")],
)
def test_an_output_folder_on_the_data_folders_inputs_is_refused(
    cli, tmp_path, command, where, relation
):
    data = second_campaign(tmp_path)
    (data / "events.csv").write_text(
        "date,place_id,kind,actor,controller,evidence\n"
        "2021-03-01,karsk,held,SOUTH,SOUTH,Analyst's note\n",
        encoding="utf-8",
    )
    before = listing(tmp_path)
    result = cli(command[0], "--data", data, "--out", data / where, *command[1:])
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("error: ") and "field '--out'" in first
    assert f"the output folder {relation} the input" in first and "Traceback" not in result.output
    assert listing(tmp_path) == before  # the curated events.csv above all


def test_an_output_folder_beside_the_inputs_is_fine(cli, tmp_path):
    data = second_campaign(tmp_path)
    assert cli("build", "--data", data, "--out", data / "maps", "-q").exit_code == 0
    assert (data / "maps" / "map.html").is_file()


def test_the_library_refuses_the_data_folder_too(tmp_path):
    from geomap.exc import UsageError
    from geomap.pipeline import build, extract

    data = second_campaign(tmp_path)
    for write in (build, extract):
        with pytest.raises(UsageError, match="the output folder is the input"):
            write(data, data / "articles", jobs=1)


# --- item 4: no cell a spreadsheet would run --------------------------------------------------


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r1.eE x"), max_size=8) | st.text())
def test_a_guarded_cell_reads_back_exactly_and_never_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    assert from_spreadsheet_cell(cell) == text
    assert cell[:1] not in FORMULA_STARTS or NUMBER.fullmatch(cell)


def test_numbers_are_data_and_stay_as_they_are():
    for number in ("-1", "-1.5", "+3", "-0.25e3"):
        assert spreadsheet_cell(number) == number
    assert spreadsheet_cell("-1.5 km") == "'-1.5 km"


def hostile_campaign(tmp_path: Path) -> Path:
    """The small campaign with an outlet, a sentence and a curated note that a spreadsheet
    would run."""
    data = second_campaign(tmp_path)
    (data / "events.csv").write_text(
        f"date,place_id,kind,actor,controller,evidence\n2021-03-01,karsk,held,,SOUTH,{NOTE}\n",
        encoding="utf-8",
    )
    (data / "articles" / "004_hostile.txt").write_text(
        f"---\ntitle: Karsk\noutlet: {OUTLET}\npublished: 2021-03-09\n---\n{SENTENCE}\n",
        encoding="utf-8",
    )
    return data


def csv_cells(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_no_csv_cell_starts_a_formula_and_gis_files_keep_the_text(cli, tmp_path):
    data = hostile_campaign(tmp_path)
    out = tmp_path / "out"
    assert cli("build", "--data", data, "--out", out, "-q", "--jobs", 1).exit_code == 0
    assert cli("export", "--data", data, "--out", out, "-q").exit_code == 0
    tables = {name: csv_cells(out / name) for name in ("events.csv", "mentions.csv")}
    tables |= {name: csv_cells(out / name) for name in ("places.csv", "control.csv")}
    for name, rows in tables.items():
        for row in rows:
            for column, cell in row.items():
                risky = cell[:1] in FORMULA_STARTS and not NUMBER.fullmatch(cell)
                assert not risky, (name, column, cell)
    events, mentions = tables["events.csv"], tables["mentions.csv"]
    assert f"'{OUTLET}" in {row["outlet"] for row in events}
    assert f"'{SENTENCE}" in {row["sentence"] for row in mentions}
    assert f"'{NOTE}" in {row["evidence"] for row in events}
    curated = next(row for row in events if row["evidence"] == f"'{NOTE}")
    assert curated["evidence_start"] == "-1"  # no span in an article: a number, as it is
    # the GeoJSON and the GeoPackage hold the exact text
    geojson = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert OUTLET in {f["properties"]["outlet"] for f in geojson["features"]}
    layer = pyogrio.read_dataframe(out / "campaign.gpkg", layer="mentions")
    assert SENTENCE in set(layer["sentence"]) and OUTLET in set(layer["outlet"])


def strings(value) -> set[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*(strings(v) for v in items)) if items else set()


@pytest.mark.parametrize("areas", ["--areas", "--no-areas"])  # row reader, column reader
def test_geomap_reads_its_own_guarded_csv_back_exactly(cli, tmp_path, areas):
    data = hostile_campaign(tmp_path)
    out = tmp_path / "out"
    assert cli("build", "--data", data, "--out", out, "-q", "--jobs", 1).exit_code == 0
    events = tmp_path / "events-copy.csv"
    shutil.copy(out / "events.csv", events)
    again = tmp_path / "again"
    assert cli("build", "--data", data, "--out", again, "--events", events, areas).exit_code == 0
    page = (again / "map.html").read_text(encoding="utf-8")
    found = re.search(r'id="geomap-data">(.*?)</script>', page, re.S).group(1)
    texts = strings(json.loads(found))
    assert OUTLET in texts and f"'{OUTLET}" not in texts


def test_curated_rows_copied_from_events_csv_are_not_escaped_twice(cli, tmp_path):
    data = hostile_campaign(tmp_path)
    out = tmp_path / "out"
    assert cli("extract", "--data", data, "--out", out, "-q").exit_code == 0
    first = (out / "events.csv").read_text(encoding="utf-8")
    hostile = [line for line in first.splitlines() if OUTLET.split('"')[0] in line]
    assert hostile  # the analyst keeps the hostile outlet's rows as curation
    (data / "events.csv").write_text(first.splitlines()[0] + "\n" + "\n".join(hostile) + "\n")
    assert cli("extract", "--data", data, "--out", out, "-q").exit_code == 0
    second = (out / "events.csv").read_text(encoding="utf-8")
    assert "''=HYPERLINK" not in second
    assert {row["outlet"] for row in csv_cells(out / "events.csv")} >= {f"'{OUTLET}"}


def test_an_online_answer_is_recorded_spreadsheet_safe(tmp_path):
    from geopy.location import Location
    from geopy.point import Point

    from geomap.candidates import online_review

    class HostileGeocoder:
        def geocode(self, query, exactly_one=True):
            return Location(OUTLET, Point(-12.5, 41.4), {})

    review = tmp_path / "gazetteer_review.csv"
    online_review("Tall Hamis", review, geocoder=HostileGeocoder())
    (row,) = csv_cells(review)
    assert row["address"] == f"'{OUTLET}" and row["lat"] == "-12.50000"


# --- item 5: the outputs are one unit ------------------------------------------------------


@pytest.fixture()
def two_sets(tmp_path):
    """Data for an old set (two articles) and a new one (three), each built once for
    reference (without held areas, which take most of a small build's time), each with a
    file of the user's among the outputs."""
    from geomap.mapping import MapOptions
    from geomap.pipeline import build

    old_data, new_data = second_campaign(tmp_path / "o", 2), second_campaign(tmp_path / "n", 3)
    sets = {}
    for name, data in (("old", old_data), ("new", new_data)):
        out = tmp_path / "reference" / name
        build(data, out, jobs=1, options=MapOptions(areas=False))
        (out / "notes.txt").write_text("the user's own file\n", encoding="utf-8")
        sets[name] = out
    assert listing(sets["old"]) != listing(sets["new"])
    return new_data, sets


# Runs one build per change it makes to the file system under ROOT, killed with SIGNAL just
# before the Nth change (N = 1, 2, ... until a build ends), each in a fork of one process that
# has imported geomap; prints, per N, how the build ended and what the folder held.
KILL_DRIVER = r"""
import hashlib, json, os, shutil, signal, sys
from pathlib import Path
from geomap.cli import main

root, data, old, logs = map(Path, sys.argv[1:5])
kill, step = int(sys.argv[5]), int(sys.argv[6])
out = root / "output"
CHANGES = {"open", "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.link", "os.symlink",
           "os.chmod", "os.truncate", "shutil.rmtree", "ctypes.call_function"}

def under_root(args):
    for arg in args:
        if isinstance(arg, (str, bytes, os.PathLike)):
            path = os.fsdecode(arg)
            if path.startswith(str(root)) or not os.path.isabs(path):
                return True
    return False

def counting_hook(limit):
    count = 0
    def hook(event, args):
        nonlocal count
        if event not in CHANGES:
            return
        if event == "open":
            path, mode, flags = args
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if not writes or not under_root([path]):
                return
        elif event != "ctypes.call_function" and not under_root(args):
            return
        count += 1
        if count == limit:
            os.kill(os.getpid(), kill)
    return hook

def files(folder):
    return {str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}

main(["build", "--data", str(data), "--out", str(root / "warm"), "-q", "--jobs", "1"],
     standalone_mode=False)
shutil.rmtree(root / "warm")
results, limit = [], 1
while True:
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(old, out)  # the old set; what earlier runs left beside it stays
    log = logs / f"{limit}.txt"
    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 2)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
        sys.addaudithook(counting_hook(limit))
        try:
            main(["build", "--data", str(data), "--out", str(out), "-q", "--jobs", "1",
                  "--no-areas"])
        except SystemExit as done:
            os._exit(done.code if isinstance(done.code, int) else 1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    results.append({
        "limit": limit,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "files": files(out),
        "beside": sorted(p.name for p in root.iterdir() if p.name != "output"),
        "stderr": log.read_text(),
    })
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        break
    limit += step
print(json.dumps(results))
"""


def killed_builds(tmp_path: Path, data: Path, old: Path, kill: int, step: int) -> list[dict]:
    root, logs = tmp_path / "work", tmp_path / "logs"
    root.mkdir()
    logs.mkdir()
    args = [str(root), str(data), str(old), str(logs), str(kill), str(step)]
    done = subprocess.run(
        [sys.executable, "-c", KILL_DRIVER, *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_a_build_killed_at_any_write_leaves_the_old_or_the_new_set(two_sets, tmp_path):
    data, sets = two_sets
    old, new = listing(sets["old"]), listing(sets["new"])
    runs = killed_builds(tmp_path, data, sets["old"], signal.SIGKILL, 1)
    assert len(runs) > 10  # a kill before every change the build makes
    for run in runs[:-1]:
        assert run["signal"] == signal.SIGKILL, run
        assert run["files"] in (old, new), f"mixed after a kill at change {run['limit']}"
    assert {run["files"] == new for run in runs[:-1]} == {False, True}  # both sides were hit
    finished = runs[-1]
    assert finished["exit"] == 0 and finished["files"] == new
    assert finished["beside"] == []  # the next run removed what the killed ones left


def test_an_interrupted_build_says_what_it_left(two_sets, tmp_path):
    data, sets = two_sets
    old, new = listing(sets["old"]), listing(sets["new"])
    runs = killed_builds(tmp_path, data, sets["old"], signal.SIGINT, 3)
    assert len(runs) > 4
    for run in runs[:-1]:
        assert run["exit"] == 130 and "Traceback" not in run["stderr"], run
        assert run["files"] in (old, new), f"mixed after Ctrl-C at change {run['limit']}"
        said = run["stderr"].strip().splitlines()[-1]
        if run["files"] == old:
            assert said == (
                "interrupted; no output was replaced: the previous outputs are left as they were"
            )
        else:
            assert said.startswith("interrupted after the new outputs were in place in ")
        assert all(".tmp" not in name for name in run["beside"])
    assert runs[-1]["beside"] == []


def test_leftovers_of_killed_runs_are_removed_by_the_next(cli, tmp_path):
    data = second_campaign(tmp_path)
    out = tmp_path / "out"
    assert cli("build", "--data", data, "--out", out, "-q", "--jobs", 1).exit_code == 0
    (tmp_path / ".out.geomap-99999-0badc0de").mkdir()  # a set a killed run was writing
    (tmp_path / ".out.geomap-99999-0badc0de" / "map.html").write_text("half")
    (out / ".map.html.k3y_x9q1.tmp").write_text("half")  # an earlier version's temporary
    (out / ".campaign.partial.gpkg").write_text("half")
    (out / "notes.txt").write_text("mine")
    assert cli("build", "--data", data, "--out", out, "-q", "--jobs", 1).exit_code == 0
    assert beside(out) == ["data"]
    assert sorted(p.name for p in out.iterdir()) == [
        "events.csv",
        "events.geojson",
        "map.html",
        "mentions.csv",
        "notes.txt",
    ]
    assert (out / "notes.txt").read_text() == "mine" and not out.is_symlink()


def test_each_command_keeps_the_others_outputs(cli, tmp_path):
    data = second_campaign(tmp_path)
    out = tmp_path / "out"
    assert cli("build", "--data", data, "--out", out, "-q", "--jobs", 1).exit_code == 0
    map_before = (out / "map.html").read_bytes()
    assert cli("export", "--data", data, "--out", out, "-q").exit_code == 0
    assert cli("snapshot", "--data", data, "--out", out, "--date", "2021-03-05").exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert {"map.html", "campaign.gpkg", "snapshot_2021-03-05.png", "events.csv"} <= names
    assert (out / "map.html").read_bytes() == map_before
    assert beside(out) == ["data"]


def test_a_write_that_fails_midway_leaves_the_previous_set(cli, two_sets, tmp_path, monkeypatch):
    """A fake full disk: the third file of the set cannot be written."""
    from geomap import pipeline

    data, sets = two_sets
    out = tmp_path / "out"
    shutil.copytree(sets["old"], out)
    write, calls = pipeline.atomic_write, []

    def disk_full_at_third_file(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write(path, data)

    monkeypatch.setattr(pipeline, "atomic_write", disk_full_at_third_file)
    result = cli("build", "--data", data, "--out", out, "--jobs", 1, "--no-areas")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "No space left on device" in result.output and f"{out} is left as it was" in result.output
    )
    assert listing(out) == listing(sets["old"])
    assert beside(out) == ["n", "o", "reference"]


def test_without_an_atomic_exchange_two_renames_switch_and_a_kill_between_is_undone(
    cli, two_sets, tmp_path, monkeypatch
):
    from geomap import outputs

    data, sets = two_sets
    out = tmp_path / "out"
    shutil.copytree(sets["old"], out)
    monkeypatch.setattr(outputs, "_exchange", lambda first, second: False)
    result = cli("build", "--data", data, "--out", out, "-q", "--jobs", 1, "--no-areas")
    assert result.exit_code == 0
    assert listing(out) == listing(sets["new"]) and beside(out) == ["n", "o", "reference"]
    # killed between the two renames: no output folder, the old set beside it, a new one too
    shutil.rmtree(out)
    shutil.copytree(sets["old"], tmp_path / ".out.geomap-previous")
    shutil.copytree(sets["new"], tmp_path / ".out.geomap-4242-0badc0de")
    outputs._clean_leftovers(out)  # what the next run does first
    assert listing(out) == listing(sets["old"]) and beside(out) == ["n", "o", "reference"]


FULL_DISK_DRIVER = r"""
import hashlib, json, os, shutil, subprocess, sys
from pathlib import Path

disk, old, data, size = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
out = disk / "output"
shutil.copytree(old, out)
args = ["build", "--data", data, "--out", str(out), "--jobs", "1", "--no-areas"]
done = subprocess.run([sys.executable, "-m", "geomap.cli", *args], capture_output=True, text=True)
print(json.dumps({
    "exit": done.returncode,
    "stderr": done.stderr,
    "files": {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())},
    "beside": sorted(p.name for p in disk.iterdir() if p.name != "output"),
}))
"""


def test_a_full_disk_leaves_the_previous_set(two_sets, tmp_path):
    """A real full disk: a small tmpfs (in a user and mount namespace of its own) that holds
    the old set but not the new one beside it."""
    data, sets = two_sets
    disk = tmp_path / "disk"
    disk.mkdir()
    size = sum(p.stat().st_size for p in sets["old"].iterdir()) + 64 * 1024
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to mount a small tmpfs")
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"])
    if probe.returncode != 0:
        pytest.skip("this machine allows no mount namespace (the fake full disk test covers it)")
    done = subprocess.run(
        [unshare, "--user", "--map-root-user", "--mount", sys.executable, "-c", FULL_DISK_DRIVER]
        + [str(disk), str(sets["old"]), str(data), str(size)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(done.stdout)
    assert run["exit"] == 1, run
    lines = run["stderr"].splitlines()
    assert lines[0].startswith("error: ") and "No space left on device" in lines[0], lines
    assert "is left as it was" in lines[0] and "Traceback" not in run["stderr"]
    assert run["files"] == listing(sets["old"]) and run["beside"] == []


# Builds with two worker processes and kills itself (SIGKILL) once the first article is in,
# after writing the workers' process ids to a file.
WORKERS_DRIVER = r"""
import multiprocessing, os, signal, sys
from pathlib import Path
from geomap.pipeline import build

data, out, pids = sys.argv[1], sys.argv[2], Path(sys.argv[3])

def first_article(_article):
    children = [str(p.pid) for p in multiprocessing.active_children()]
    pids.write_text(" ".join(children))
    os.kill(os.getpid(), signal.SIGKILL)

build(data, out, jobs=2, progress=first_article)
"""


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return not re.search(r"^State:\s+Z", status, re.M)  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_worker_processes_die_with_a_killed_parent(tmp_path):
    data = second_campaign(tmp_path)
    text = (data / "articles" / "001_velmora.txt").read_text(encoding="utf-8")
    for number in range(4, 12):  # enough articles for two processes
        (data / "articles" / f"{number:03}_copy.txt").write_text(f"{text}\nCopy {number}.\n")
    pids_file = tmp_path / "pids"
    args = [str(data), str(tmp_path / "out"), str(pids_file)]
    done = subprocess.run([sys.executable, "-c", WORKERS_DRIVER, *args], timeout=120)
    assert done.returncode == -signal.SIGKILL
    workers = [int(pid) for pid in pids_file.read_text().split()]
    assert len(workers) == 2
    try:
        deadline = time.monotonic() + 10
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(alive, workers)), "workers outlived their killed parent"
    finally:
        for pid in filter(alive, workers):
            os.kill(pid, signal.SIGKILL)
