"""Streamed extraction: memory growth per article, and Dask workers side by side.

    python bench/stream.py [--sizes 1000 10000] [--dask 10000] [--before PATH]

For each size, a seeded synthetic corpus (bench/generate.py, 2,000 places) is extracted by
``geomap extract --jobs 1`` in its own process, whose wall time and peak RSS are measured;
``--before PATH`` runs the same command with the geomap package of another checkout (the
code before the streaming design) in the same run. The growth per article is the peak RSS's
difference between the two sizes over their difference in articles. ``--dask N`` extracts N
articles on a local Dask cluster of one worker and of two (``--dask --jobs 1|2``), start-up
included, and checks that both wrote the same bytes as the local run.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

WORK = HERE / "work"
OUTPUTS = ("events.csv", "events.geojson", "mentions.csv")


def corpus(articles: int) -> Path:
    data = WORK / f"articles{articles}"
    if not (data / "articles").exists():
        generate(data, 2000, 0, articles, seed=articles)
    return data


def timed_extract(data: Path, out: Path, *args: str, package: str | None = None) -> dict:
    """Wall seconds and peak RSS (MB) of one ``geomap extract`` process."""
    env = dict(os.environ)
    if package:  # run from there too: 'python -m' puts the current folder first on the path
        env["PYTHONPATH"] = package
    command = [sys.executable, "-m", "geomap.cli", "extract", "--data", str(data)]
    command += ["--out", str(out), "-q", *args]
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=package or WORK,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1)}


def same_outputs(first: Path, second: Path) -> bool:
    return all(filecmp.cmp(first / n, second / n, shallow=False) for n in OUTPUTS)


def memory(sizes: list[int], before: str | None) -> dict:
    runs: dict[str, dict] = {}
    for size in sizes:
        data = corpus(size)
        runs[f"now {size}"] = timed_extract(data, WORK / f"now{size}", "--jobs", "1")
        if before:
            runs[f"before {size}"] = timed_extract(
                data, WORK / f"before{size}", "--jobs", "1", package=before
            )
            runs[f"before {size}"]["same_outputs"] = same_outputs(
                WORK / f"now{size}", WORK / f"before{size}"
            )
        print(json.dumps({size: {k: v for k, v in runs.items() if k.endswith(str(size))}}))
    low, high = min(sizes), max(sizes)
    result = {"runs": runs}
    for label in ("now", "before") if before else ("now",):
        grown = runs[f"{label} {high}"]["peak_mb"] - runs[f"{label} {low}"]["peak_mb"]
        result[f"{label}_kb_per_article"] = round(grown * 1024 / (high - low), 2)
    return result


def dask(articles: int) -> dict:
    data = corpus(articles)
    local = WORK / f"now{articles}"  # the memory run's outputs, when it ran at this size
    if not local.exists():
        timed_extract(data, local, "--jobs", "1")
    result = {}
    for workers in (1, 2):
        out = WORK / f"dask{articles}-{workers}"
        run = timed_extract(data, out, "--dask", "--jobs", str(workers))
        run["same_outputs_as_local"] = same_outputs(out, local)
        result[f"{workers} worker(s)"] = run
        print(json.dumps({workers: run}))
    one, two = (result[f"{w} worker(s)"]["seconds"] for w in (1, 2))
    result["speed_up"] = round(one / two, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--dask", type=int, default=0)
    parser.add_argument("--before", help="a checkout's root whose geomap to run as 'before'")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    results = {}
    if args.sizes:
        results["memory"] = memory(args.sizes, args.before)
    if args.dask:
        results["dask"] = dask(args.dask)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
