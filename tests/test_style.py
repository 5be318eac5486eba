"""The code base stays ruff-clean (lint and format)."""

import shutil
import subprocess
import sys

import pytest

ROOTS = ["geomap", "tests", "scripts", "bench", "eval"]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, *args, *ROOTS], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
