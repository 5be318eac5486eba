"""The code base stays ruff-clean (lint and format) and names no side of one campaign."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOTS = ["geomap", "tests", "scripts", "bench", "eval"]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, *args, *ROOTS], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# The names of this campaign's sides and places: geomap's code reads every side from the
# user's campaign.toml, so none may be written into it. The rules folder is vocabulary (data).
CAMPAIGN_WORDS = re.compile(
    r"\b(?:ISIS|SDF|SYRIAN_GOV|IRAQI_GOV|COALITION)\b|\b(?i:Daesh|Hajin|Baghouz|Euphrates)\b"
)


def test_no_python_or_javascript_file_names_a_side_or_place_of_this_campaign():
    package = ROOT / "geomap"
    found = []
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.js")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("geomap/rules/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CAMPAIGN_WORDS.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


ESLINT = shutil.which("eslint")


def test_the_pages_javascript_passes_eslint():
    """ESLint (Debian's package; .ci/run installs it) with the rules in .eslintrc.json."""
    import os

    if not ESLINT:
        if os.environ.get("CI"):
            pytest.fail("eslint not found; .ci/run installs it (apt-get install eslint)")
        pytest.skip("ESLint is not installed (apt-get install eslint)")
    scripts = sorted(str(p) for p in (ROOT / "geomap").glob("*/static/*.js"))  # map, review app
    # Debian's eslint finds its modules under /usr/share/nodejs with any Node.js
    env = {**os.environ, "NODE_PATH": "/usr/share/nodejs"}
    command = [ESLINT, "--no-eslintrc", "-c", str(ROOT / ".eslintrc.json"), "-f", "unix"]
    result = subprocess.run([*command, *scripts], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_class_of_the_rule_files_is_read_by_the_engine():
    """A word list no code reads is knowledge geomap only seems to have (a reviewer would trust
    it): every table of the rule files is named in the engine's code."""
    import tomllib

    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "geomap").rglob("*.py"))
    unread = [
        f"{path.name} [{name}]"
        for path in sorted((ROOT / "geomap" / "rules" / "en").glob("*.toml"))
        for name in tomllib.loads(path.read_text(encoding="utf-8"))
        if not re.search(rf"[\"']{re.escape(name)}[\"']", code)
    ]
    assert unread == []
