"""bench/results.json -> the Markdown tables of BENCHMARKS.md (printed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def mb(value) -> str:
    return f"{value / 1e6:.1f}" if value else "–"


def cell(entry: dict, key: str, fmt: str = "{}") -> str:
    value = entry.get(key)
    return fmt.format(value) if value is not None else "–"


def main() -> None:
    results = json.loads((HERE / "results.json").read_text())
    out = []
    out.append(
        "| places × changes | tool | build (s, whole process) | peak RSS (MB) | HTML (MB) | "
        "gzip (MB) | page ready (s) | JS heap (MB) | step median / p95 (ms) | "
        "frame median / p95 (ms) |"
    )
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for run in results.get("map", []):
        for kind in ("geomap", "timestamped", "timeline"):
            entry = run.get(kind)
            if not entry:
                continue
            label = {
                "geomap": "**geomap**",
                "timestamped": "TimestampedGeoJson",
                "timeline": "Timeline",
            }[kind]
            step = (
                f"{entry['step_median_ms']} / {entry['step_p95_ms']}"
                if "step_median_ms" in entry
                else entry.get("error", "–").splitlines()[0][:60]
            )
            if "steps" in entry:  # stopped at the time limit
                step += f" ({entry['steps']} steps)"
            frame = (
                f"{entry['frame_median_ms']} / {entry['frame_p95_ms']}"
                if "frame_median_ms" in entry
                else "–"
            )
            out.append(
                f"| {run['places']:,} × {run['changes']} | {label} | "
                f"{cell(entry, 'build_s')} | {cell(entry, 'peak_rss_mb')} | "
                f"{mb(entry.get('html_bytes'))} | {mb(entry.get('html_gzip_bytes'))} | "
                f"{cell(entry, 'ready_s')} | {cell(entry, 'js_heap_mb')} | {step} | {frame} |"
            )
    out.append("")
    if results.get("extract"):
        out.append("| articles | MB | processes | seconds | articles/s | MB/s | peak RSS (MB) |")
        out.append("| --- | --- | --- | --- | --- | --- | --- |")
        for run in results["extract"]:
            for key in sorted(k for k in run if k.startswith("jobs")):
                entry = run[key]
                out.append(
                    f"| {run['articles']:,} | {run['mb']} | {key[4:]} | "
                    f"{entry['seconds']} | {entry['articles_per_s']} | "
                    f"{entry['mb_per_s']} | {entry['peak_rss_mb']} |"
                )
    machine = results.get("machine", {})
    out.append("")
    out.append(
        f"Machine: {machine.get('cores')} cores, Python {machine.get('python')}, "
        f"{machine.get('chromium')}."
    )
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
