"""The WebGL layer of big maps, in real headless Chromium: above ``--webgl-above`` places
the page draws its places with WebGL, with the canvas layer's symbols, picking and popups;
at or below it, and in a browser without WebGL, the canvas layer draws."""

import base64
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DATA,
    click_opens_hajin_s_popup_that_follows_the_slider,
    close_up,
    on_map,
    wait_until,
)
from geomap.cli import main
from geomap.gazetteer import load_gazetteer
from geomap.mapping import MapOptions
from geomap.pipeline import build

pytestmark = pytest.mark.browser

PLACES = len(load_gazetteer(DATA / "gazetteer.csv"))
LAYER = "window.geomap.markerLayer ? window.geomap.markerLayer() : 'canvas'"
# every look the map draws: each side's shape, contested and besieged rings, an inferred
# (dashed) and a month-precision (dotted) outline, a camp, a faded place, a changed place
EVENTS = """event_id,date,date_precision,place_id,kind,actor,controller,evidence
,2019-01-06,day,hajin,contested,ISIS,SDF,Curated.
,2019-01-01,day,al_susah,held,ISIS,ISIS,Curated.
,2019-01-06,day,al_susah,besieged,SDF,ISIS,Curated.
,2019-01-05,day,al_shaafah,captured,SYRIAN_GOV,SYRIAN_GOV,Curated.
,2019-01-05,day,al_marashidah,captured,IRAQI_GOV,IRAQI_GOV,Curated.
,2019-01-01,day,baghuz_fawqani,held,ISIS,ISIS,Curated.
,2019-01-04,day,baghuz_fawqani,withdrew,ISIS,,Curated.
,2019-01,month,baghuz_tahtani,held,SDF,SDF,Curated.
,2019-01-02,day,baghuz_camp,held,SDF,SDF,Curated.
,2018-10-01,day,buqaan,held,ISIS,ISIS,Curated.
,2019-01-06,day,shajla,captured,SDF,SDF,Curated.
"""


@pytest.fixture(scope="module")
def webgl_map(tmp_path_factory) -> Path:
    """The five articles' map built with the threshold one below its number of places."""
    out = tmp_path_factory.mktemp("webgl") / "out"
    result = CliRunner().invoke(
        main,
        ["build", "--data", str(DATA), "--out", str(out), "--jobs", "1", "-q"]
        + ["--webgl-above", str(PLACES - 1)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out / "map.html"


@pytest.fixture(scope="module")
def every_look(tmp_path_factory) -> dict[str, Path]:
    """A map of every look, drawn by each layer ('canvas': today's threshold)."""
    folder = tmp_path_factory.mktemp("looks")
    events = folder / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    maps = {}
    for layer, above in (("canvas", PLACES), ("webgl", PLACES - 1)):
        result = build(
            DATA, folder / layer, events_file=events, options=MapOptions(webgl_above=above)
        )
        maps[layer] = result.map_path
    return maps


def _open(browser, path: Path, fragment: str = ""):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("http*://**", lambda route: route.abort())
    page.goto(path.resolve().as_uri() + fragment)
    wait_until(page, "window.geomap !== undefined")
    return context, page, errors


def _image(page, box: dict):
    return Image.open(io.BytesIO(page.screenshot(clip=box))).convert("RGB")


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    return _image(page, {"x": round(x) - 1, "y": round(y) - 1, "width": 3, "height": 3}).getpixel(
        (1, 1)
    )


def _near(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_above_the_threshold_webgl_draws_the_holders_colour_across_a_change(browser, webgl_map):
    context, page, errors = _open(browser, webgl_map)
    assert page.evaluate(LAYER) == "webgl"
    assert page.locator("canvas.geomap-webgl").count() == 1
    everywhere = page.evaluate("window.geomap.spritesDrawn()")
    assert everywhere >= PLACES - 5  # the opening view shows (about) every place
    for day, colour in (("2018-12-13", (0x11, 0x11, 0x11)), ("2018-12-15", (0xF2, 0xC8, 0x00))):
        page.evaluate(f"window.geomap.setDate('{day}')")
        x, y = close_up(page, "hajin")
        page.wait_for_timeout(50)
        assert _near(_pixel(page, x, y), colour), (day, _pixel(page, x, y))
        # close up, the places off the canvas are not drawn
        assert 0 < page.evaluate("window.geomap.spritesDrawn()") < everywhere
    # "Save as PNG" draws the WebGL markers too (the map sits 64 px below the image's top)
    png = page.evaluate("window.geomap.png()").split(",", 1)[1]
    image = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
    at = page.evaluate(
        "(m => m.latLngToContainerPoint(window.geomap.placeLatLng('hajin')))(window.geomap.map)"
    )
    assert _near(image.getpixel((round(at["x"]), round(at["y"]) + 64)), (0xF2, 0xC8, 0x00))
    assert errors == []
    context.close()


def test_a_webgl_marker_opens_its_popup_by_click_and_by_the_places_list(browser, webgl_map):
    context, page, errors = _open(browser, webgl_map, "#date=2018-12-15")
    x, y = close_up(page, "hajin")
    cursor = "getComputedStyle(document.elementFromPoint(%d, %d)).cursor"
    page.mouse.click(x + 60, y + 60)  # beside the marker: nothing opens
    page.wait_for_timeout(100)
    assert page.locator(".geomap-pop").count() == 0
    page.mouse.move(x, y)
    wait_until(page, f"{cursor % (x, y)} === 'pointer'")
    click_opens_hajin_s_popup_that_follows_the_slider(page, x, y)
    # the keyboard's way in, the places list, opens the same popup
    on_map(page, "closePopup()")
    page.locator(".geomap-places-toggle").focus()
    page.keyboard.press("Enter")
    for _ in range(PLACES):
        if page.evaluate("document.activeElement.dataset.place") == "hajin":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator(".geomap-pop").get_attribute("data-place") == "hajin"
    assert errors == []
    context.close()


def test_the_webgl_layer_draws_the_canvas_layers_symbols(browser, every_look):
    """Both layers draw each look alike: shapes, colours, rings, dashed and dotted outlines,
    faded and changed places (one view of them all, compared pixel by pixel)."""
    shots = {}
    # the WebGL page twice: opened at the date, and opened months before and stepped to it
    # (the looks of the later dates are then added to its atlas as they appear)
    runs = [("canvas", ""), ("webgl", ""), ("webgl", "2018-10-01")]
    for layer, opened in runs:
        context, page, errors = _open(browser, every_look[layer], f"#date={opened or '2019-01-06'}")
        assert page.evaluate(LAYER) == layer
        for day in ("2018-12-01", "2019-01-05", "2019-01-06") if opened else ():
            page.evaluate(f"window.geomap.setDate('{day}')")
        x, y = close_up(page, "al_shaafah", zoom=11)
        page.wait_for_timeout(50)
        shots[layer + opened] = _image(
            page, {"x": x - 200, "y": y - 230, "width": 320, "height": 330}
        )
        assert errors == []
        context.close()
    for webgl in ("webgl", "webgl2018-10-01"):
        a, b = shots["canvas"].tobytes(), shots[webgl].tobytes()
        pixels = [(a[i : i + 3], b[i : i + 3]) for i in range(0, len(a), 3)]
        marked = sum(1 for x, _ in pixels if max(x) - min(x) > 60 or max(x) < 100)
        differ = sum(1 for x, y in pixels if not _near(x, y, 48))
        assert marked > 1500  # the view holds the markers (coloured or dark pixels)
        # the sprites are the canvas layer's markers: only sub-pixel placement may differ
        assert differ <= 0.1 * marked, (webgl, differ, marked)


def test_at_the_threshold_the_page_is_todays_canvas_page(browser, every_look, tmp_path):
    """At (not above) the threshold nothing of WebGL is in the page: the canvas draws."""
    events = tmp_path / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    default = build(DATA, tmp_path / "default", events_file=events).map_path
    assert default.read_bytes() == every_look["canvas"].read_bytes()
    assert b"webgl" not in default.read_bytes()
    context, page, errors = _open(browser, every_look["canvas"], "#date=2019-01-06")
    assert page.locator("canvas.geomap-webgl").count() == 0
    x, y = close_up(page, "al_shaafah")
    assert _near(_pixel(page, x, y), (0xD6, 0x27, 0x28)), _pixel(page, x, y)
    assert errors == []
    context.close()


def test_without_webgl_the_page_falls_back_to_the_canvas_layer(browser, webgl_map):
    without = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--disable-webgl"]
    )
    try:
        context, page, errors = _open(without, webgl_map, "#date=2018-12-15")
        assert page.evaluate(LAYER) == "canvas"
        assert page.locator("canvas.geomap-webgl").count() == 0
        assert page.evaluate("window.geomap.spritesDrawn()") is None
        x, y = close_up(page, "hajin")
        assert _near(_pixel(page, x, y), (0xF2, 0xC8, 0x00)), _pixel(page, x, y)
        page.mouse.click(x, y)
        page.locator(".geomap-pop").wait_for()
        assert errors == []
    finally:
        without.close()


# Each place's look as drawn (the shared style the restyle gave it), its restyle key, and
# what the page says about the date: read from the page's app through the map's layers.
DRAWN = """() => {
  let app = null;
  window.geomap.map.eachLayer(l => { if (l._geomapApp) { app = l._geomapApp; } });
  const looks = {};
  for (const p of app.places) {
    const s = p.style;
    looks[p.id] = s ? [s.shape, s.size, s.fillColor, s.fillOpacity, s.color, s.opacity,
      s.dashArray, s.ring, String(s.ringDash), s.halo, p.last] : null;
  }
  return { looks: looks, labels: window.geomap.labels(),
    changed: document.querySelector('.geomap-slider').innerText };
}"""


def test_webgl_day_steps_and_jumps_leave_what_a_fresh_page_shows(browser, webgl_map):
    """A step of a few days restyles only the places it can change: after two months of
    daily steps (through changes, and places fading after 30 days) and short jumps back and
    forth, every place looks as on a page opened at that date, with the same names."""
    context, page, errors = _open(browser, webgl_map, "#date=2018-10-01")
    # the day index is made while the page is idle: steps of a few days then use it
    page.evaluate("new Promise(r => requestIdleCallback(() => requestIdleCallback(r)))")
    page.evaluate(
        """() => {
          window.geomap.setDate('2018-11-20');
          const start = Date.parse('2018-11-20');
          for (let i = 1; i <= 61; i++) {
            window.geomap.setDate(new Date(start + i * 86400000).toISOString().slice(0, 10));
          }
          for (const d of ['2019-01-17', '2019-01-23', '2019-01-21']) {
            window.geomap.setDate(d);
          }
          window.geomap.flush();
        }"""
    )
    stepped = page.evaluate(DRAWN)
    assert errors == []
    context.close()
    context, page, errors = _open(browser, webgl_map, "#date=2019-01-21")
    fresh = page.evaluate(DRAWN)
    assert stepped == fresh
    faded = [look for look in fresh["looks"].values() if look and look[3] < 0.5 and look[5] < 1]
    assert faded  # places faded during the steps
    assert errors == []
    context.close()


def test_webgl_filters_hide_places_from_the_markers_picking_and_the_list(browser, webgl_map):
    """The search panel's side filter hides a side's places after slider steps: its
    markers go, a click there opens nothing, the places list and the names leave them out;
    ticking the side again brings them back."""
    context, page, errors = _open(browser, webgl_map, "#date=2018-12-10")
    for day in ("2018-12-13", "2018-12-14", "2018-12-15"):
        page.evaluate(f"window.geomap.setDate('{day}')")
    x, y = close_up(page, "hajin")
    page.wait_for_timeout(50)
    assert _near(_pixel(page, x, y), (0xF2, 0xC8, 0x00))
    side = "document.querySelector('.geomap-filter input[value=\"SDF\"]').click()"
    page.evaluate(side)
    page.evaluate("window.geomap.flush()")
    page.wait_for_timeout(50)
    assert not _near(_pixel(page, x, y), (0xF2, 0xC8, 0x00), 60)
    assert "hajin" not in page.evaluate("window.geomap.labels()")
    page.mouse.click(x, y)
    page.wait_for_timeout(100)
    assert page.locator(".geomap-pop").count() == 0
    page.locator(".geomap-places-toggle").focus()
    page.keyboard.press("Enter")
    listed = page.evaluate(
        "[...document.querySelectorAll('.geomap-places-item')].map(i => i.dataset.place)"
    )
    assert listed and "hajin" not in listed
    page.evaluate(side)
    page.evaluate("window.geomap.flush()")
    page.wait_for_timeout(50)
    assert _near(_pixel(page, x, y), (0xF2, 0xC8, 0x00))
    page.mouse.click(x, y)
    page.locator(".geomap-pop").wait_for()
    assert errors == []
    context.close()
