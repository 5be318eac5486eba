"""The README's Python example runs as written."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import WHOLE_SUITE

README = Path(__file__).resolve().parent.parent / "README.md"


def test_python_api_example_runs(monkeypatch):
    monkeypatch.chdir(README.parent)
    block = re.search(r"## Python API\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["html"].startswith("<!DOCTYPE html>")
    assert len(namespace["events"]) > 20


VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    text = README.read_text()
    quick = text.split("## Quick start", 1)[1].split("## What it does", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands == [
        VENV + "pip install -e . && geomap build",
        VENV + "pip install -e '.[test]' && pytest",
    ]
    ci = (README.parent / ".ci" / "run").read_text().splitlines()
    assert ci[-1] == commands[1]


def test_readme_gives_the_number_of_tests_pytest_collects(pytestconfig):
    said = int(re.search(r"runs the whole suite \((\d+) tests", README.read_text()).group(1))
    count = pytestconfig.stash.get(WHOLE_SUITE, None)  # this session's, when it took them all
    if count is None:  # a part of the suite runs: collect the whole in another process
        collected = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
            cwd=README.parent,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        count = int(re.search(r"(\d+) tests? collected", collected).group(1))
    assert said == count, f"README says {said} tests, pytest collects {count}"


def test_licence_section_names_every_source_the_map_and_figures_credit():
    from geomap.mapping.basemap import basemap_credit

    licences = README.read_text().split("## Data and licences", 1)[1]
    credit = basemap_credit()
    for source in [*credit.split(", "), "Leaflet", "attribution"]:
        assert " ".join(source.split()) in " ".join(licences.split()), source
