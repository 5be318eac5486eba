"""Shared fixtures: the project's data, a built map, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from geomap.campaign import load_campaign
from geomap.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLD = Path(__file__).parent / "data" / "seed_events.csv"
CHROMIUM = os.environ.get("GEOMAP_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # WebGL in software (SwiftShader), for the WebGL layer's tests: Chromium 150 offers it
    # with --disable-gpu; this keeps it where a Chromium would not
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
]


WHOLE_SUITE = pytest.StashKey[int]()  # the tests collected, when the session took them all


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Count what was collected before -k, -m or --deselect leave tests out; kept only when
    every test file was collected whole (no node id), as ``pytest --collect-only`` counts."""
    files = {Path(str(item.path)) for item in items}
    whole = not any("::" in arg for arg in config.args)
    if whole and files == set(Path(__file__).parent.glob("test_*.py")):
        config.stash[WHOLE_SUITE] = len(items)
    yield


@pytest.fixture(scope="session")
def profile():
    from geomap.campaign import load_profile

    return load_profile("data")


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer(DATA / "gazetteer.csv")


@pytest.fixture(scope="session")
def campaign():
    """This campaign: data/campaign.toml and data/gazetteer.csv."""
    return load_campaign(DATA)


def small_data(folder: Path, articles: dict[str, str], *, profile: bool = True) -> Path:
    """A data folder with this campaign's gazetteer (and profile) and the given articles
    (file name -> text)."""
    (folder / "articles").mkdir(parents=True)
    shutil.copy(DATA / "gazetteer.csv", folder)
    if profile:
        shutil.copy(DATA / "campaign.toml", folder)
    for name, text in articles.items():
        (folder / "articles" / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (tests never touch the real inputs)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The map and events built once from the five articles."""
    from geomap.pipeline import build

    out = tmp_path_factory.mktemp("output")
    return build(DATA, out, jobs=1)


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's package), driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as play:
        instance = play.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression from Python (the page's CSP forbids eval-based waits)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def on_map(page, call: str) -> None:
    """Call a method of the page's Leaflet map (``"setZoom(12, {animate: false})"``) and
    return nothing: most of them return the map itself, which Playwright would copy whole,
    typed arrays and all, into Python (5-9 s on a 2-core machine) only to throw it away."""
    page.evaluate(f"() => {{ window.geomap.map.{call}; }}")


def close_up(page, place_id: str = "hajin", zoom: int = 12) -> tuple[float, float]:
    """Centre the map on a place at ``zoom``, draw, and return the place's position on the
    screen."""
    on_map(page, f"setView(window.geomap.placeLatLng('{place_id}'), {zoom}, {{animate: false}})")
    page.evaluate("window.geomap.flush()")
    return page.evaluate(
        f"""() => {{
          const m = window.geomap.map, g = window.geomap.placeLatLng('{place_id}');
          const c = m.latLngToContainerPoint(g), r = m.getContainer().getBoundingClientRect();
          return [r.left + c.x, r.top + c.y];
        }}"""
    )


def click_opens_hajin_s_popup_that_follows_the_slider(page, x: float, y: float) -> None:
    """Click Hajin's marker at (x, y) on 15 December: its popup says the SDF holds it, and,
    left open, says ISIS does when the slider goes back to the 13th (the seed campaign)."""
    page.mouse.click(x, y)
    popup = page.locator(".geomap-pop")
    popup.wait_for()
    assert "Hajin" in popup.inner_text() and "Held by SDF" in popup.inner_text()
    page.evaluate("window.geomap.setDate('2018-12-13')")  # the open popup follows the slider
    assert "Held by ISIS" in page.locator(".geomap-pop").inner_text()


class PageWatch:
    """A page with every request and console message recorded."""

    def __init__(self, page, allowed_prefixes: tuple[str, ...]):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"),
        )
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.allowed = allowed_prefixes

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.allowed)]


@pytest.fixture()
def open_map(browser):
    """open_map(path, fragment='') -> PageWatch with window.geomap ready; network blocked."""
    contexts = []

    def _open(path: Path, fragment: str = "", viewport=(1200, 800)) -> PageWatch:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        url = path.resolve().as_uri()
        watch = PageWatch(page, (url, "data:", "about:"))
        page.route("http*://**", lambda route: route.abort())
        page.goto(url + fragment)
        wait_until(page, "window.geomap !== undefined")
        return watch

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture()
def cli():
    """Run the CLI through click's CliRunner: ``cli("build", "--data", ...)``."""
    from click.testing import CliRunner

    from geomap.cli import main

    runner = CliRunner()

    def _run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return _run
