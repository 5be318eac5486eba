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
