"""geomap against folium's time plugins, and how its costs grow. Run by hand, not in CI.

    npm install --prefix bench/.npm jquery@3.7.1 jquery-ui-dist@1.13.2 iso8601-js-period@0.2.1 \\
        leaflet-timedimension@1.1.1 moment@2.18.1 leaflet.timeline@1.6.0
    python bench/run.py --sizes 1000 10000 50000 --changes 50 --repeat 3
    python bench/run.py --extract 1000 10000
    python bench/run.py --sizes 20000 50000 100000 --layers --repeat 1 --steps 30 --no-baselines
    python bench/run.py --pages old/map.html new/map.html --rounds 2 --repeat 3 --steps 30

Writes bench/results.json and bench/growth.png; BENCHMARKS.md quotes them.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

WORK = HERE / "work"
# the console script itself, not a version manager's shim in front of it (one costs
# ~0.1 s a run), as the baselines run their interpreter directly
GEOMAP = str(Path(sys.executable).with_name("geomap"))
if not Path(GEOMAP).exists():
    GEOMAP = shutil.which("geomap") or "geomap"
NPM = HERE / ".npm" / "node_modules"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_TIMEOUT_S = 90
# software rendering: no GPU; WebGL then runs on SwiftShader (Chromium 150 offers it with
# --disable-gpu; --enable-unsafe-swiftshader keeps it where a Chromium would not)
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--enable-precise-memory-info",
]
# the page's first frame painted: two animation frames after it answers
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
# a baseline's slider steps stop after this long (Timeline's take ~1-5 s each at 10,000 places)
STEP_BUDGET_MS = 300_000


# --- building -------------------------------------------------------------------------------


def timed(command: list[str], env=None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a whole process."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    peak = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak


def geomap_build(data: Path, out: Path, webgl_above: int | None = None) -> list[str]:
    """The command that maps a generated campaign's events CSV (with ``webgl_above``, the
    places above which the page draws them with WebGL; else the default)."""
    events = str(data / "events_input.csv")
    layer = [] if webgl_above is None else ["--webgl-above", str(webgl_above)]
    return [
        GEOMAP,
        "build",
        "--data",
        str(data),
        "--events",
        events,
        "--out",
        str(out),
        "-q",
        *layer,
    ]


def baseline_script(kind: str, data: Path, out: Path) -> str:
    """A Python program that builds folium's TimestampedGeoJson or Timeline map."""
    return f'''
import csv, json, sys, time
import folium
from folium.plugins import TimestampedGeoJson, Timeline, TimelineSlider
COLORS = {{"ISIS": "#111111", "SDF": "#f2c800", "SYRIAN_GOV": "#d62728", "IRAQI_GOV": "#7b1f3a"}}
places = {{r["id"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(open("{data}/gazetteer.csv"))}}
rows = list(csv.DictReader(open("{data}/events_input.csv")))
def day(d): return d if len(d) == 10 else d[:7] + "-01"
m = folium.Map(location=[35, 40.5], zoom_start=7, tiles=None)
if "{kind}" == "timestamped":
    feats = []
    for r in rows:
        lat, lon = places[r["place_id"]]
        color = COLORS.get(r["controller"], "#999999")
        feats.append({{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [lon, lat]}},
                      "properties": {{"time": day(r["date"]), "popup": r["kind"],
                                      "icon": "circle", "iconstyle": {{"fillColor": color,
                                      "fillOpacity": 0.9, "stroke": "true", "radius": 5}}}}}})
    TimestampedGeoJson({{"type": "FeatureCollection", "features": feats}}, period="P1D",
                       duration="P1D", add_last_point=False).add_to(m)
else:
    by_place = {{}}
    for r in rows:
        by_place.setdefault(r["place_id"], []).append(r)
    feats = []
    for pid, events in by_place.items():
        events.sort(key=lambda r: day(r["date"]))
        lat, lon = places[pid]
        for a, b in zip(events, events[1:] + [None]):
            feats.append({{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [lon, lat]}},
                          "properties": {{"start": day(a["date"]), "end": day(b["date"]) if b else "2020-12-31",
                                          "color": COLORS.get(a["controller"], "#999999")}}}})
    timeline = Timeline({{"type": "FeatureCollection", "features": feats}}).add_to(m)
    TimelineSlider(auto_play=False, enable_keyboard_controls=True).add_timelines(timeline).add_to(m)
m.save("{out}")
'''


def inline_assets(path: Path) -> None:
    """Replace the CDN <script src>/<link href> of a folium page with the npm files' text."""
    files = {
        "leaflet.js": NPM / "leaflet/dist/leaflet.js",
        "leaflet.css": NPM / "leaflet/dist/leaflet.css",
        "jquery.min.js": NPM / "jquery/dist/jquery.min.js",
        "jquery-ui.min.js": NPM / "jquery-ui-dist/jquery-ui.min.js",
        "iso8601.min.js": NPM / "iso8601-js-period/iso8601.js",
        "leaflet.timedimension.min.js": NPM
        / "leaflet-timedimension/dist/leaflet.timedimension.min.js",
        "leaflet.timedimension.control.css": NPM
        / "leaflet-timedimension/dist/leaflet.timedimension.control.css",
        "moment.min.js": NPM / "moment/min/moment.min.js",
        "leaflet.timeline.min.js": NPM / "leaflet.timeline/dist/leaflet.timeline.js",
    }
    page = path.read_text(encoding="utf-8")

    def script(m):
        name = m.group(1).rsplit("/", 1)[-1]
        return (
            f"<script>{files[name].read_text(encoding='utf-8')}</script>" if name in files else ""
        )

    def style(m):
        name = m.group(1).rsplit("/", 1)[-1]
        if name in files:
            return f"<style>{files[name].read_text(encoding='utf-8')}</style>"
        return ""

    page = re.sub(r'<script src="([^"]+)"></script>', script, page)
    page = re.sub(r'<link rel="stylesheet" href="([^"]+)"/>', style, page)
    path.write_text(page, encoding="utf-8")


# --- the browser ----------------------------------------------------------------------------

# the i-th of geomap's random dates: the script steps and the frames visit the same ones
RANDOM_DATES = """
  const first = Date.parse(window.geomap.first), span = (Date.parse(window.geomap.last) - first) / 86400000;
  const dateAt = i => new Date(first + Math.floor(((i * 7919) %% 1000) / 1000 * span) * 86400000).toISOString().slice(0, 10);"""

STEP_GEOMAP = (
    """async () => {"""
    + RANDOM_DATES
    + """
  const samples = [];
  for (let i = 0; i < %d; i++) {
    const d = dateAt(i);
    await new Promise(r => requestAnimationFrame(r));
    const t0 = performance.now(); window.geomap.setDate(d); window.geomap.flush();
    samples.push(performance.now() - t0);
  }
  return samples;
}"""
)


DAILY_GEOMAP = """async () => {
  const first = Date.parse(window.geomap.first), last = Date.parse(window.geomap.last);
  const start = first + (last - first) / 2, samples = [];
  for (let i = 0; i < %d; i++) {
    const d = new Date(start + i * 86400000).toISOString().slice(0, 10);
    await new Promise(r => requestAnimationFrame(r));
    const t0 = performance.now(); window.geomap.setDate(d); window.geomap.flush();
    samples.push(performance.now() - t0);
  }
  return samples;
}"""


# Frame to frame (geomap): a step made in one frame's animation callback, timed to the next
# frame's callback (the clock read in each, not the frame's own timestamp, which can run
# early). This includes what the script time leaves out: style, layout, paint and the canvas
# raster, which Chromium's software rendering (as here, --disable-gpu) does on the page's
# main thread before the next frame can begin. Not measured for the baselines: their steps'
# work spills into later frames and tasks (Timeline at 10,000 places: ~20 s from one step to
# the next frame after it, of which ~4.5 s in the step's own frame), so a frame would not
# compare.
FRAME_STEPS = 20
FRAMES = (
    """async () => {"""
    + RANDOM_DATES
    + """
  const out = [], frame = () => new Promise(r => requestAnimationFrame(() => r(performance.now())));
  for (let i = 0; i < %d; i++) {
    const d = dateAt(i);
    const t0 = await frame();
    window.geomap.setDate(d); window.geomap.flush();
    out.push(await frame() - t0);
  }
  return out;
}"""
)


def median_p95(samples: list[float], name: str, digits: int) -> dict:
    """``{name}_median_ms`` and ``{name}_p95_ms`` of timings in milliseconds."""
    samples = sorted(samples)
    return {
        f"{name}_median_ms": round(statistics.median(samples), digits),
        f"{name}_p95_ms": round(samples[int(len(samples) * 0.95) - 1], digits),
    }


def frame_times(page, steps: int | None = None) -> dict:
    """Median and p95 of a geomap slider step's frame, start to start (ms)."""
    return median_p95(page.evaluate(FRAMES % (steps or FRAME_STEPS)), "frame", 1)


BASELINE_READY = (
    "() => window.L !== undefined && Object.values(window).some(v => v instanceof L.Map)"
)


def measure_page(path: Path, kind: str, steps: int = 100, loads: int = 1) -> dict:
    """Page ready (median of ``loads`` fresh loads), JS heap and slider steps."""
    readies, in_page, painted = [], [], []
    for _ in range(loads - 1):
        first = _measure_page(path, kind, steps=0)
        readies.append(first.get("ready_s"))
        in_page.append(first.get("ready_in_page_ms"))
        painted.append(first.get("painted_s"))
    out = _measure_page(path, kind, steps)
    readies.append(out.get("ready_s"))
    in_page.append(out.get("ready_in_page_ms"))
    painted.append(out.get("painted_s"))
    if loads > 1 and None not in readies:
        out["ready_s_loads"] = readies
        out["ready_s"] = round(statistics.median(readies), 3)
        out["ready_in_page_ms"] = round(statistics.median(in_page))
        if None not in painted:
            out["painted_s"] = round(statistics.median(painted), 3)
    return out


def _measure_page(path: Path, kind: str, steps: int = 100) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"kind": kind}
    with sync_playwright() as play:
        browser = play.chromium.launch(
            executable_path=CHROMIUM,
            args=BROWSER_ARGS,
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(BROWSER_TIMEOUT_S * 1000)
        page.route("http*://**", lambda route: route.abort())
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        start = time.perf_counter()
        try:
            page.goto(path.as_uri(), wait_until="load", timeout=BROWSER_TIMEOUT_S * 1000)
            ready_check = {
                "geomap": "() => window.geomap !== undefined",
                # the load event, and a map made: at 50,000 places TimestampedGeoJson's page
                # loads but its one 638 MB script never runs
                "timestamped": BASELINE_READY,
                "timeline": BASELINE_READY,
            }[kind]
            deadline = time.perf_counter() + BROWSER_TIMEOUT_S
            while not page.evaluate(ready_check):
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"no map {BROWSER_TIMEOUT_S} s after the load event")
                time.sleep(0.02)
            out["ready_s"] = round(time.perf_counter() - start, 3)
            if kind == "geomap":
                page.evaluate(PAINTED)
                out["painted_s"] = round(time.perf_counter() - start, 3)
                out["layer"] = page.evaluate(
                    "() => window.geomap.markerLayer ? window.geomap.markerLayer() : 'canvas'"
                )
            out["ready_in_page_ms"] = page.evaluate("() => Math.round(performance.now())")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            out["js_heap_mb"] = round(metrics.get("JSHeapUsedSize", 0) / 1e6, 1)
            if not steps:
                out["ready_in_page_ms"] = round(page.evaluate("() => window.geomap.readyMs"))
                browser.close()
                return out
            if kind == "geomap":
                samples = page.evaluate(STEP_GEOMAP % steps)
                out.update(median_p95(page.evaluate(DAILY_GEOMAP % steps), "day_step", 2))
                out["ready_in_page_ms"] = round(page.evaluate("() => window.geomap.readyMs"))
            elif kind == "timestamped":
                samples = page.evaluate(
                    """async () => {
                  const map = Object.values(window).find(v => v instanceof L.Map);
                  const td = map.timeDimension; const times = td.getAvailableTimes(); const out = [];
                  for (let i = 0, begun = performance.now(); i < %d && performance.now() - begun < %d; i++) { const t = times[(i * 7919) %% times.length];
                    await new Promise(r => requestAnimationFrame(r));
                    const t0 = performance.now(); td.setCurrentTime(t); out.push(performance.now() - t0); }
                  return out; }"""
                    % (steps, STEP_BUDGET_MS)
                )
            else:
                samples = page.evaluate(
                    """async () => {
                  const slider = Object.values(window).find(v => v && v.timelines && typeof v.setTime === 'function');
                  const out = []; const a = slider.start, b = slider.end;
                  for (let i = 0, begun = performance.now(); i < %d && performance.now() - begun < %d; i++) { const t = a + ((i * 7919) %% 1000) / 1000 * (b - a);
                    await new Promise(r => requestAnimationFrame(r));
                    const t0 = performance.now(); slider.setTime(t); out.push(performance.now() - t0); }
                  return out; }"""
                    % (steps, STEP_BUDGET_MS)
                )
            if len(samples) < steps:  # a baseline stopped at the time limit
                out["steps"] = len(samples)
            out.update(median_p95(samples, "step", 2))
            if kind == "geomap":
                out.update(frame_times(page))
        except Exception as error:  # the baselines may not survive large inputs
            out["error"] = f"{type(error).__name__}: {str(error)[:160]}"
        browser.close()
    return out


# --- runs -----------------------------------------------------------------------------------


def run_layers(size: int, data: Path, env: dict, repeat: int, steps: int) -> dict:
    """The same map drawn by each layer, measured one after the other in one run: the
    canvas layer (threshold above the size) and the WebGL layer (threshold 0)."""
    result = {}
    for layer, above in (("canvas", size), ("webgl", 0)):
        out = WORK / f"out{size}-{layer}"
        build_s, peak = timed(geomap_build(data, out, above), env)
        html = (out / "map.html").read_bytes()
        result[f"geomap_{layer}"] = {
            "build_s": round(build_s, 2),
            "peak_rss_mb": round(peak / 1024),
            "html_bytes": len(html),
            **measure_page(out / "map.html", "geomap", steps=steps, loads=repeat),
        }
    return result


def run_map(
    size: int, changes: int, repeat: int, baselines: bool, layers: bool = False, steps: int = 100
) -> dict:
    data = WORK / f"map{size}"
    if not (data / "events_input.csv").exists():
        generate(data, size, changes, 0, seed=size)
    result: dict = {"places": size, "changes": changes}
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if layers:
        result.update(run_layers(size, data, env, repeat, steps))
        print(json.dumps(result), flush=True)
        return result
    out = WORK / f"out{size}"
    runs = [timed(geomap_build(data, out), env) for _ in range(repeat)]
    html = (out / "map.html").read_bytes()
    result["geomap"] = {
        "build_s": round(statistics.median(r[0] for r in runs), 2),
        "peak_rss_mb": round(max(r[1] for r in runs) / 1024),
        "html_bytes": len(html),
        "html_gzip_bytes": len(gzip.compress(html, 6)),
    }
    in_process = subprocess.run(
        [
            sys.executable,
            "-c",
            f"""
import time
import folium, pandas  # imported by the build, but not part of this split
from geomap.campaign import load_campaign
from geomap.event_table import read_event_table
from geomap.mapping import MapOptions, plugins, render_map
c = load_campaign("{data}")
t = time.perf_counter()
table = read_event_table("{data}/events_input.csv", c)
t_read = time.perf_counter() - t
t = time.perf_counter()
html = render_map(table.map_columns(), c.gazetteer, table.articles(), [], MapOptions(), profile=c.profile)
print(t_read, time.perf_counter() - t)
""",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    read_s, map_s = map(float, in_process.stdout.split())
    result["geomap"].update(read_csv_s=round(read_s, 2), timeline_and_map_s=round(map_s, 2))
    result["geomap"].update(measure_page(out / "map.html", "geomap", steps=steps, loads=repeat))
    if baselines:
        for kind in ("timestamped", "timeline"):
            path = WORK / f"{kind}{size}.html"
            script = WORK / f"{kind}{size}.py"
            script.write_text(baseline_script(kind, data, path), encoding="utf-8")
            runs = [timed([sys.executable, str(script)], env) for _ in range(repeat)]
            inline_assets(path)
            page = path.read_bytes()
            entry = {
                "build_s": round(statistics.median(r[0] for r in runs), 2),
                "peak_rss_mb": round(max(r[1] for r in runs) / 1024),
                "html_bytes": len(page),
                "html_gzip_bytes": len(gzip.compress(page, 6)),
            }
            entry.update(measure_page(path, kind))
            result[kind] = entry
    print(json.dumps(result), flush=True)
    return result


def run_pages(paths: list[Path], repeat: int, steps: int, rounds: int) -> list[dict]:
    """Pages built elsewhere (say, one branch's map and another's), measured in turn,
    ``rounds`` times over, so that each sees the same spells of a shared machine."""
    out = []
    for round_ in range(rounds):
        for path in paths:
            load = os.getloadavg()[0]
            result = {"page": str(path), "round": round_, "load_before": round(load, 2)}
            result.update(measure_page(path, "geomap", steps=steps, loads=repeat))
            print(json.dumps(result), flush=True)
            out.append(result)
    return out


def run_builds(size: int, runs: int) -> dict:
    """Whole-process build of geomap and TimestampedGeoJson, interleaved run by run, so that
    both see the same moments of a noisy machine."""
    data = WORK / f"map{size}"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    script = WORK / f"timestamped{size}.py"
    script.write_text(
        baseline_script("timestamped", data, WORK / f"timestamped{size}.html"), encoding="utf-8"
    )
    geomap_cmd = geomap_build(data, WORK / f"out{size}")
    times: dict[str, list[float]] = {"geomap": [], "timestamped": []}
    for _ in range(runs):
        times["geomap"].append(round(timed(geomap_cmd, env)[0], 2))
        times["timestamped"].append(round(timed([sys.executable, str(script)], env)[0], 2))
    ratios = [t / g for g, t in zip(times["geomap"], times["timestamped"], strict=True)]
    result = {
        "places": size,
        "runs": times,
        "geomap_median_s": statistics.median(times["geomap"]),
        "timestamped_median_s": statistics.median(times["timestamped"]),
        "ratio_median": round(statistics.median(ratios), 1),
        "ratio_range": [round(min(ratios), 1), round(max(ratios), 1)],
    }
    print(json.dumps(result), flush=True)
    return result


def run_extract(articles: int, repeat: int) -> dict:
    data = WORK / f"articles{articles}"
    if not (data / "articles").exists():
        generate(data, 2000, 0, articles, seed=articles)
    size = sum(p.stat().st_size for p in (data / "articles").iterdir())
    result = {"articles": articles, "mb": round(size / 1e6, 2)}
    for jobs in (1, os.cpu_count() or 1):
        runs = [
            timed(
                [
                    GEOMAP,
                    "extract",
                    "--data",
                    str(data),
                    "--out",
                    str(WORK / f"x{articles}"),
                    "--jobs",
                    str(jobs),
                    "-q",
                ]
            )
            for _ in range(repeat)
        ]
        seconds = statistics.median(r[0] for r in runs)
        result[f"jobs{jobs}"] = {
            "seconds": round(seconds, 2),
            "articles_per_s": round(articles / seconds, 1),
            "mb_per_s": round(size / 1e6 / seconds, 3),
            "peak_rss_mb": round(max(r[1] for r in runs) / 1024),
        }
    print(json.dumps(result), flush=True)
    return result


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    maps = results.get("map", [])
    xs = [r["places"] for r in maps]
    for kind, style in (("geomap", "o-"), ("timestamped", "s--"), ("timeline", "^--")):
        ys = [r.get(kind, {}).get("build_s") for r in maps]
        if any(y is not None for y in ys):
            axes[0].plot(
                [x for x, y in zip(xs, ys, strict=True) if y],
                [y for y in ys if y],
                style,
                label=kind,
            )
        sizes = [r.get(kind, {}).get("html_bytes") for r in maps]
        if any(sizes):
            axes[1].plot(
                [x for x, y in zip(xs, sizes, strict=True) if y],
                [y / 1e6 for y in sizes if y],
                style,
                label=kind,
            )
    axes[0].set(
        title="whole-process build (s)", xlabel="places (x50 changes)", xscale="log", yscale="log"
    )
    axes[1].set(title="HTML (MB)", xlabel="places (x50 changes)", xscale="log", yscale="log")
    ext = results.get("extract", [])
    if ext:
        axes[2].plot(
            [r["articles"] for r in ext],
            [r["jobs1"]["seconds"] for r in ext],
            "o-",
            label="1 process",
        )
        jobs = [k for k in ext[0] if k.startswith("jobs") and k != "jobs1"]
        for key in jobs:
            axes[2].plot(
                [r["articles"] for r in ext],
                [r[key]["seconds"] for r in ext],
                "s--",
                label=key.replace("jobs", "") + " processes",
            )
        axes[2].set(title="extraction (s)", xlabel="articles", xscale="log", yscale="log")
    for axis in axes:
        axis.legend()
        axis.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    global FRAME_STEPS
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--extract", type=int, nargs="*", default=[])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--build-runs",
        type=int,
        default=0,
        help="with --sizes: only time whole-process builds, geomap and TimestampedGeoJson "
        "interleaved, this many times each",
    )
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--layers",
        action="store_true",
        help="with --sizes: geomap's page drawn by the canvas layer and by the WebGL layer, "
        "side by side (results under 'layers')",
    )
    parser.add_argument(
        "--pages",
        type=Path,
        nargs="*",
        default=[],
        help="built map.html files measured in turn (results under 'pages')",
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --pages: rounds over them")
    parser.add_argument("--steps", type=int, default=100, help="slider steps timed per page")
    parser.add_argument("--frames", type=int, default=FRAME_STEPS, help="frames timed per page")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=10000,
        help="largest size at which the folium baselines are built",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    # geomap's bytecode, as an installed package has it: without it every timed run would
    # compile the modules changed since it was last written (PYTHONDONTWRITEBYTECODE)
    package = Path(importlib.util.find_spec("geomap").origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    FRAME_STEPS = args.frames
    if args.pages:
        results["pages"] = run_pages(args.pages, args.repeat, args.steps, args.rounds)
    if args.sizes and args.layers:  # kept apart from the runs against the baselines
        fresh = [
            run_map(size, args.changes, args.repeat, False, True, args.steps) for size in args.sizes
        ]
        kept = [r for r in results.get("layers", []) if r["places"] not in args.sizes]
        results["layers"] = sorted(kept + fresh, key=lambda r: r["places"])
    elif args.sizes and args.build_runs:
        results["builds"] = [run_builds(size, args.build_runs) for size in args.sizes]
    elif args.sizes:  # new runs replace those of the same size; other sizes are kept
        fresh = [
            run_map(
                size,
                args.changes,
                args.repeat,
                not args.no_baselines and size <= args.baseline_max,
                steps=args.steps,
            )
            for size in args.sizes
        ]
        kept = [r for r in results.get("map", []) if r["places"] not in args.sizes]
        results["map"] = sorted(kept + fresh, key=lambda r: r["places"])
    if args.extract:
        fresh = [run_extract(n, args.repeat) for n in args.extract]
        kept = [r for r in results.get("extract", []) if r["articles"] not in args.extract]
        results["extract"] = sorted(kept + fresh, key=lambda r: r["articles"])
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "chromium": subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    plot(results, args.out.with_name("growth.png"))


if __name__ == "__main__":
    main()
