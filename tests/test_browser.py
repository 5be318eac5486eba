"""Browser behaviour in a real headless Chromium, network blocked."""

import html
from pathlib import Path

import pytest

from conftest import (
    click_opens_hajin_s_popup_that_follows_the_slider,
    close_up,
    on_map,
    small_data,
    wait_until,
)
from geomap.pipeline import build

pytestmark = pytest.mark.browser


def test_no_request_leaves_the_page_and_no_console_error(built, open_map):
    watch = open_map(built.map_path)
    page = watch.page
    for day in ("2017-10-01", "2018-12-13", "2018-12-15", "2019-03-18"):
        page.evaluate(f"window.geomap.setDate('{day}')")
    page.evaluate("window.geomap.select('baghuz_fawqani')")
    page.wait_for_selector(".geomap-pop")
    assert watch.outside_requests() == []
    assert watch.errors == []


@pytest.mark.parametrize("day,controller", [("2018-12-13", "ISIS"), ("2018-12-15", "SDF")])
def test_hajin_changes_hands(built, open_map, day, controller):
    page = open_map(built.map_path).page
    page.evaluate(f"window.geomap.setDate('{day}')")
    state = page.evaluate("window.geomap.state('hajin')")
    assert state["controller"] == controller
    assert {"controller", "status", "since"} <= set(state)
    assert page.evaluate("window.geomap.date()") == day


def test_the_corner_credits_every_source_the_map_draws(built, open_map):
    corner = open_map(built.map_path).page.locator(".leaflet-control-attribution")
    assert corner.is_visible()
    credit = corner.inner_text()
    for source in (
        "Leaflet",
        "GSHHG 2.3 (LGPL-3)",
        "GeoNames (CC BY 4.0)",
        "Natural Earth (public domain)",
    ):
        assert source in credit, credit


def test_the_title_reads_as_written(built, open_map):
    # the page is ASCII: the title's en dash is written as a character reference
    page = open_map(built.map_path).page
    assert page.title() == "Control of the Middle Euphrates, 2018\u20132019"


def test_fragment_opens_at_that_date(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    assert page.evaluate("window.geomap.date()") == "2018-12-15"
    assert page.locator(".geomap-date").inner_text() == "Sat 2018-12-15"
    # a screen reader hears the date, not the slider's position
    valuetext = page.locator(".geomap-range").get_attribute("aria-valuetext")
    assert valuetext == "Saturday 15 December 2018"


def test_slider_keyboard_and_play_move_the_date(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    slider = page.locator(".geomap-range")
    slider.fill("0")
    first = page.evaluate("window.geomap.date()")
    assert first == "2018-09-01"  # the campaign's window, not the one 2014 report
    page.locator(".geomap-next").click()
    after_next = page.evaluate("window.geomap.date()")
    assert after_next > first
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.geomap.date()") > after_next
    page.locator(".geomap-play").click()
    start = page.evaluate("window.geomap.date()")
    wait_until(page, f"window.geomap.date() > '{start}'")
    assert page.evaluate("window.geomap.playing()")
    page.locator(".geomap-play").click()
    assert not page.evaluate("window.geomap.playing()")


def test_popup_shows_the_evidence(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    assert page.evaluate("window.geomap.select('hajin')")
    popup = page.locator(".geomap-pop").inner_text()
    assert "Held by SDF" in popup
    assert "the SDF took Hajin early in the morning" in popup
    assert "CBC News" in popup


def test_changed_places_are_listed_on_their_date(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-14").page
    assert "Hajin" in page.locator(".geomap-changes").inner_text()


def test_works_in_a_sandboxed_srcdoc_iframe(built, browser):
    context = browser.new_context()
    page = context.new_page()
    page.route("http*://**", lambda route: route.abort())
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    doc = html.escape(built.map_path.read_text(encoding="utf-8"), quote=True)
    page.set_content(
        f'<html><body style="margin:0"><h1 class="geomap-date">host</h1>'
        f'<iframe id="f" sandbox="allow-scripts" width="640" height="420" '
        f'srcdoc="{doc}"></iframe></body></html>'
    )
    frame = page.frame_locator("#f")
    frame.locator(".geomap-date").wait_for()
    inner = page.frames[1]
    inner.evaluate("window.geomap.setDate('2018-12-13')")
    assert inner.evaluate("window.geomap.state('hajin').controller") == "ISIS"
    size = inner.evaluate(
        "[document.querySelector('.folium-map').offsetWidth, "
        "document.querySelector('.folium-map').offsetHeight]"
    )
    assert size == [640, 420]
    # the page's CSS stays inside the frame
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") != "26px"
    assert errors == []
    context.close()


def test_untrusted_text_is_shown_literally_and_never_runs(tmp_path, open_map):
    evil = (
        '<script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> '
        "{{ 7*7 }} {% raw %} javascript:window.pwned=3 \"quotes\" 'single' back\\slash"
    )
    article = (
        f"---\ntitle: {evil}\noutlet: Evil </script><script>window.pwned=4</script>\n"
        f"published: 2019-01-04\nurl: javascript:window.pwned=5\n---\n"
        f"SDF fighters captured Gharanij on Friday {evil}\n"
    )
    data = small_data(tmp_path / "data", {"evil.txt": article}, profile=False)
    result = build(data, tmp_path / "out", jobs=1)
    watch = open_map(result.map_path)
    page = watch.page
    assert page.evaluate("window.geomap.select('gharanij')")
    popup = page.locator(".geomap-pop").inner_text()
    assert "<script>window.pwned=1</script>" in popup
    assert "{{ 7*7 }}" in popup and "{% raw %}" in popup and "back\\slash" in popup
    page.locator(".geomap-sources-toggle").click()
    sources = page.locator(".geomap-sources-body").inner_text()
    assert "window.pwned=4" in sources
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".geomap-pop img, .geomap-sources img").count() == 0
    assert watch.outside_requests() == []


def test_al_hol_popup_shows_camp_figures_up_to_the_date(built, open_map):
    page = open_map(built.map_path, "#date=2019-03-15").page
    page.evaluate("window.geomap.select('al_hol_camp')")
    popup = page.locator(".geomap-pop").inner_text()
    assert "66,000 sheltered" in popup and "capacity 20,000" in popup
    assert "Al Arabiya English" in popup and "2019-03-12" in popup
    page.evaluate("window.geomap.setDate('2019-03-01')")
    earlier = page.locator(".geomap-pop").inner_text()
    assert "66,000" not in earlier and "20,000" not in earlier


def test_works_when_served_over_http(built, browser):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(built.map_path.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context = browser.new_context()
        page = context.new_page()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "map.html#date=2018-12-13")
        wait_until(page, "window.geomap !== undefined")
        assert page.evaluate("window.geomap.state('hajin').controller") == "ISIS"
        assert [u for u in requests if not u.startswith(base + "map.html")] == []
        context.close()
    finally:
        server.shutdown()


def _screenshot(page, box: dict):
    """A screenshot of a box of the page, as an RGB image."""
    import io

    from PIL import Image

    return Image.open(io.BytesIO(page.screenshot(clip=box))).convert("RGB")


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    """The colour drawn at a point of the screen, read from a screenshot of the page."""
    box = {"x": round(x) - 1, "y": round(y) - 1, "width": 3, "height": 3}
    return _screenshot(page, box).getpixel((1, 1))


@pytest.mark.parametrize(
    "day,expected",
    [("2018-12-13", (0x11, 0x11, 0x11)), ("2018-12-15", (0xF2, 0xC8, 0x00))],
)
def test_the_marker_is_drawn_in_the_holders_colour(built, open_map, day, expected):
    page = open_map(built.map_path).page
    page.evaluate(f"window.geomap.setDate('{day}')")
    x, y = close_up(page)
    page.wait_for_timeout(50)
    pixel = _pixel(page, x, y)
    # fill opacity 0.9 over the light background: within 40 of the side's colour per channel
    assert all(abs(a - b) <= 40 for a, b in zip(pixel, expected, strict=True)), pixel


def test_clicking_a_place_opens_its_popup(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    x, y = close_up(page)
    click_opens_hajin_s_popup_that_follows_the_slider(page, x, y)


def test_the_map_opens_framing_every_place_and_stays_still(built, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.route("http*://**", lambda route: route.abort())
    # the view when the map reports ready, before anything could move it
    page.add_init_script(
        """document.addEventListener('geomap:ready', () => {
             const m = window.geomap.map;
             window.viewAtReady = [m.getZoom(), m.getCenter().lat, m.getCenter().lng];
           });"""
    )
    page.goto(built.map_path.resolve().as_uri())
    wait_until(page, "window.viewAtReady !== undefined")
    page.wait_for_timeout(800)  # an animated fit would have started and ended by now
    view = "(m => [m.getZoom(), m.getCenter().lat, m.getCenter().lng])(window.geomap.map)"
    assert page.evaluate(view) == page.evaluate("window.viewAtReady")
    outside = page.evaluate(
        """() => { const m = window.geomap.map, b = m.getBounds();
          return window.geomap.places().filter(id => {
            const s = window.geomap.state(id);
            return s && s.controller && !b.contains(window.geomap.placeLatLng(id));
          }); }"""
    )
    assert outside == []
    context.close()


def test_pointer_over_a_place_and_a_click_beside_it_opens_nothing(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    x, y = close_up(page)
    cursor = "() => getComputedStyle(document.elementFromPoint(%d, %d)).cursor"
    page.mouse.move(x, y)
    wait_until(page, f"({cursor % (x, y)})() === 'pointer'")
    page.mouse.move(x + 60, y + 60)
    wait_until(page, f"({cursor % (x + 60, y + 60)})() !== 'pointer'")
    page.mouse.click(x + 60, y + 60)
    page.wait_for_timeout(100)
    assert page.locator(".geomap-pop").count() == 0


def _ring_coverage(page, place_id: str, radius: float, drawn) -> float:
    """Share of the circle of ``radius`` px around a place whose pixels are ``drawn(rgb)``."""
    import math

    x, y = close_up(page, place_id)
    page.wait_for_timeout(50)
    half = 24
    image = _screenshot(page, {"x": x - half, "y": y - half, "width": 2 * half, "height": 2 * half})
    hits = 0
    for step in range(180):
        angle = step * math.pi / 90
        for r in (radius - 0.5, radius, radius + 0.5):
            at = (round(half + r * math.cos(angle)), round(half + r * math.sin(angle)))
            if drawn(image.getpixel(at)):
                hits += 1
                break
    return hits / 180


def test_dashed_rings_and_dotted_outlines_show_their_gaps_as_in_the_legend(tmp_path, open_map):
    """Contested and besieged rings and a month-precision outline are drawn with gaps.

    With round line caps each dash grew by the line's width and the gaps closed: the map
    showed solid rings where its legend showed a dashed and a dotted one."""
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,date,date_precision,place_id,kind,actor,controller,evidence\n"
        ",2019-01-06,day,hajin,contested,SDF,ISIS,Curated.\n"
        ",2019-01-06,day,al_shaafah,besieged,SDF,ISIS,Curated.\n"
        ",2019-01,month,gharanij,held,SDF,SDF,Curated.\n",
        encoding="utf-8",
    )
    result = build("data", tmp_path / "out", events_file=events)
    page = open_map(result.map_path, "#date=2019-01-06").page

    def sdf(px):  # the challenger's colour, #f2c800
        return px[0] > 180 and px[1] > 140 and px[2] < 110

    def outline(px):  # darker than the basemap and than the yellow fill
        return max(px) < 160

    # a town's marker has radius 7 (SDF's a circle, outlined in #222); a ring (3 px wide)
    # is centred 3.5 px outside it
    contested = _ring_coverage(page, "hajin", 10.5, sdf)
    besieged = _ring_coverage(page, "al_shaafah", 10.5, sdf)
    dotted = _ring_coverage(page, "gharanij", 7, outline)
    # dashes 6 on 3 off, 2 on 3 off, 1 on 2 off: about 2/3, 2/5 and 1/3 of the circle
    assert 0.45 < contested < 0.85, contested
    assert 0.2 < besieged < 0.6, besieged
    assert besieged < contested
    assert 0.1 < dotted < 0.6, dotted


def test_sources_panel_lists_the_articles_and_filters_by_place(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    body = page.locator(".geomap-sources-body")
    assert not body.is_visible()
    page.locator(".geomap-sources-toggle").click()
    assert body.is_visible()
    assert page.locator(".geomap-sources-list .geomap-source").count() == 5  # one per article
    page.locator(".geomap-sources-filter").select_option("hajin")
    quotes = page.locator(".geomap-sources-list q").all_inner_texts()
    assert quotes and all("Hajin" in q or "Hajeen" in q for q in quotes), quotes
    page.locator(".geomap-sources-toggle").click()  # closes, and opens again as it was
    assert not body.is_visible()
    page.locator(".geomap-sources-toggle").click()
    assert page.locator(".geomap-sources-filter").input_value() == "hajin"


SECOND = Path(__file__).parent / "data" / "second_campaign"
UNCONFIRMED_EVENTS = (
    "event_id,date,date_precision,place_id,kind,actor,controller,article,outlet,published,"
    "evidence,confidence\n"
    ",2021-03-02,day,velmora,captured,NORTH,NORTH,001_velmora.txt,Tarn Valley Courier,"
    "2021-03-03,Northern Army troops captured Velmora on Tuesday.,0.85\n"
    ",2021-03-04,day,karsk,captured,NORTH,NORTH,rumour.txt,Tarn Gossip,2021-03-05,"
    '"Some say <b>Karsk</b> fell to the Northern Army, {{ 7*7 }}.",0.35\n'
)


@pytest.mark.parametrize("areas", [True, False], ids=["row path", "bulk path"])
def test_a_low_confidence_claim_is_listed_in_the_popup_and_never_coloured(
    tmp_path, open_map, areas
):
    from geomap.mapping import MapOptions

    events = tmp_path / "events.csv"
    events.write_text(UNCONFIRMED_EVENTS, encoding="utf-8")
    result = build(SECOND, tmp_path / "out", events_file=events, options=MapOptions(areas=areas))
    watch = open_map(result.map_path, "#date=2021-03-05")
    page = watch.page
    state = page.evaluate("window.geomap.state('karsk')")
    assert (state["status"], state["controller"]) == ("no information", None)
    assert page.evaluate("window.geomap.state('velmora').controller") == "NORTH"
    claims = page.evaluate("window.geomap.unconfirmed('karsk')")
    assert [(c["date"], c["kind"], c["actor"], c["confidence"]) for c in claims] == [
        ("2021-03-04", "captured", "NORTH", 0.35)
    ]
    assert claims[0]["sentence"] == "Some say <b>Karsk</b> fell to the Northern Army, {{ 7*7 }}."
    assert page.evaluate("window.geomap.unconfirmed('velmora')") == []
    assert page.evaluate("window.geomap.unconfirmed('atlantis')") is None
    # the popup lists the claim, quoted as written (text, never markup)
    assert page.evaluate("window.geomap.select('karsk')")
    popup = page.locator(".geomap-pop")
    text = popup.inner_text()
    assert "No information" in text and "Unconfirmed claims" in text
    assert "Some say <b>Karsk</b> fell to the Northern Army, {{ 7*7 }}." in text
    assert "Tarn Gossip" in text and "rumour.txt" in text and "confidence 0.35" in text
    assert "captured by Northern Army" in text
    assert popup.locator("b").count() == 0
    # the marker: hollow (no fill at its centre) for Karsk, the side's colour for Velmora
    on_map(page, "closePopup()")
    green = (0x2E, 0x8B, 0x57)
    x, y = close_up(page, "karsk")
    page.wait_for_timeout(50)
    assert not _near(_pixel(page, x, y), green, 40)
    x, y = close_up(page, "velmora")
    page.wait_for_timeout(50)
    assert _near(_pixel(page, x, y), green, 40)
    # before its date the claim is not listed; the legend says where colours come from
    page.evaluate("window.geomap.setDate('2021-03-03')")
    assert page.evaluate("window.geomap.unconfirmed('karsk')") == []
    legend = page.locator(".geomap-legend").inner_text()
    assert "Colours come from claims at confidence >= 0.6" in legend
    assert watch.outside_requests() == [] and watch.errors == []


def _near(pixel, colour, tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_the_changed_ring_leaves_the_contested_ring_visible(tmp_path, open_map):
    """On the day a place becomes contested both rings are drawn: the challenger's dashed
    ring round the marker, and the blue 'changed' ring outside it, apart."""
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,date,date_precision,place_id,kind,actor,controller,evidence\n"
        ",2019-01-06,day,hajin,contested,SDF,ISIS,Curated.\n",
        encoding="utf-8",
    )
    result = build("data", tmp_path / "out", events_file=events)
    page = open_map(result.map_path, "#date=2019-01-06").page

    def sdf(px):
        return px[0] > 180 and px[1] > 140 and px[2] < 110

    def blue(px):
        return px[0] < 90 and px[1] > 120 and px[2] > 200

    assert 0.45 < _ring_coverage(page, "hajin", 10.5, sdf) < 0.85
    assert _ring_coverage(page, "hajin", 15, blue) > 0.9
    assert _ring_coverage(page, "hajin", 10.5, blue) == 0
