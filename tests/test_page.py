"""The page's parts in a real headless Chromium: placeholders in articles, labels, layout,
the time axis and its address, search and filters, the held area, keyboard and print."""

import re

import pytest

from conftest import on_map, small_data, wait_until
from geomap.mapping.assets import assemble, placeholder
from geomap.pipeline import build

pytestmark = pytest.mark.browser

INJECTED = "@@geomap:basemap@@ @@geomap:leaflet.js@@ @@geomap:data@@ @@geomap:title@@"


def test_a_block_is_placed_by_position_and_never_scanned_for_placeholders():
    template = f"<a>{placeholder('data')}</a><b>{placeholder('title')}</b>"
    page = assemble(template, {"data": placeholder("title"), "title": "T"})
    assert page == "<a>@@geomap:title@@</a><b>T</b>"
    with pytest.raises(ValueError, match="unfilled placeholder @@geomap:nothing@@"):
        assemble(placeholder("nothing"), {})


def test_placeholders_in_an_article_are_shown_literally_and_the_map_loads(tmp_path, open_map):
    article = (
        f"---\ntitle: Report {INJECTED}\noutlet: Outlet @@geomap:legend@@\n"
        f"published: 2019-01-04\nurl: https://example.org/a\n---\n"
        f"SDF fighters captured Gharanij on Friday {INJECTED}.\n"
    )
    data = small_data(tmp_path / "data", {"inject.txt": article})
    result = build(data, tmp_path / "out", jobs=1)
    watch = open_map(result.map_path)
    page = watch.page
    assert page.evaluate("window.geomap.select('gharanij')")
    popup = page.locator(".geomap-pop").inner_text()
    assert INJECTED in popup and "Outlet @@geomap:legend@@" in popup
    page.locator(".geomap-sources-toggle").click()
    assert f"Report {INJECTED}" in page.locator(".geomap-sources-body").inner_text()
    assert page.evaluate("window.geomap.state('gharanij').controller") == "SDF"
    assert watch.errors == [] and watch.outside_requests() == []


def _boxes(page, selector: str) -> list[dict]:
    """The bounding boxes of the visible elements a selector matches, in page pixels."""
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
             .filter(e => getComputedStyle(e).display !== 'none' && e.offsetWidth > 0)
             .map(e => { const r = e.getBoundingClientRect(), text = e.textContent;
               return {text, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })""",
        selector,
    )


def _overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if _overlap(a, b)
    ]


@pytest.mark.parametrize(
    "view,expected",
    [
        ("", {"Hajin", "Deir ez-Zor", "Raqqa"}),  # the first view: the whole campaign
        ("&z=9&ll=34.75,40.7", {"Hajin", "al-Susah", "Gharanij"}),
        ("&z=12&ll=34.6,40.9", {"Hajin", "al-Susah", "al-Shaafah", "Shajla"}),
    ],
)
def test_place_names_are_shown_without_overlap_at_three_zooms(built, open_map, view, expected):
    page = open_map(built.map_path, "#date=2018-12-15" + view, viewport=(1440, 900)).page
    page.evaluate("window.geomap.labels()")  # placed now, not in the next frame
    labels = _boxes(page, ".geomap-label")
    shown = {b["text"] for b in labels}
    assert expected <= shown, shown
    assert _overlaps(labels) == []
    controls = _boxes(page, ".leaflet-control")
    assert [(b["text"], c["text"][:20]) for b in labels for c in controls if _overlap(b, c)] == []
    size = page.viewport_size
    assert all(
        b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= size["width"] and b["y1"] <= size["height"]
        for b in labels
    )
    # legible: dark text (the white halo sets it off the basemap)
    colour = page.evaluate("getComputedStyle(document.querySelector('.geomap-label')).color")
    assert colour == "rgb(17, 17, 17)"


def test_more_names_appear_as_you_zoom_in_and_recent_changes_win(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15&z=9&ll=34.6,40.9").page
    page.evaluate("window.geomap.flush()")
    wide = set(page.evaluate("window.geomap.labels()"))
    on_map(page, "setZoom(12, {animate: false})")
    page.evaluate("window.geomap.flush()")
    close = set(page.evaluate("window.geomap.labels()"))
    assert close - wide, (wide, close)  # villages named only when there is room
    # Hajin changed hands on 2018-12-14: it is named, however crowded the view
    on_map(page, "setZoom(7, {animate: false})")
    page.evaluate("window.geomap.flush()")
    assert "hajin" in page.evaluate("window.geomap.labels()")


SIZES = [(375, 667), (768, 1024), (1440, 900)]
PARTS = (
    ".geomap-title, .leaflet-control-zoom, .geomap-sources, .geomap-legend, .geomap-slider,"
    " .leaflet-control-scale, .leaflet-control-attribution"
)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_overlaps_at_phone_tablet_and_desktop_sizes(built, open_map, size):
    page = open_map(built.map_path, "#date=2018-12-15", viewport=size).page
    boxes = _boxes(page, PARTS)
    assert len(boxes) == 7, [b["text"][:20] for b in boxes]
    assert [(a[:20], b[:20]) for a, b in _overlaps(boxes)] == []
    width, height = size
    assert all(
        b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= width and b["y1"] <= height for b in boxes
    )
    slider = _boxes(page, ".geomap-slider")[0]
    legend = page.locator(".geomap-legend-body")
    if width <= 600:
        # the slider spans the bottom; legend and sources are buttons until opened
        assert slider["x0"] == 0 and slider["x1"] == width and slider["y1"] == height
        assert not legend.is_visible()
        page.locator(".geomap-legend-toggle").click()
        assert legend.is_visible()
        assert page.locator(".geomap-legend-toggle").get_attribute("aria-expanded") == "true"
    else:
        assert legend.is_visible() and not page.locator(".geomap-legend-toggle").is_visible()
    assert not page.locator(".geomap-sources-body").is_visible()
    # a popup fits the screen and opens clear of the title and the slider
    page.evaluate("window.geomap.select('hajin')")
    page.wait_for_timeout(400)  # the pan that brings it into view
    (popup,) = _boxes(page, ".leaflet-popup-content-wrapper")
    assert popup["x0"] >= 0 and popup["x1"] <= width and popup["y0"] >= 0
    assert popup["y1"] <= height
    for part in (".geomap-title", ".geomap-slider"):
        assert not _overlap(popup, _boxes(page, part)[0]), part


def test_the_slider_box_keeps_its_width_whatever_the_date(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    widths = set()
    for day in ("2018-09-01", "2018-12-14", "2019-02-20", "2019-04-30"):
        page.evaluate(f"window.geomap.setDate('{day}')")
        widths.add(page.locator(".geomap-slider").bounding_box()["width"])
        widths.add(page.locator(".geomap-range").bounding_box()["width"])
    assert len(widths) == 2, widths


def test_the_address_follows_the_view_and_a_copied_link_opens_it(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    on_map(page, "setView([34.6, 40.8], 11, {animate: false})")
    page.evaluate("window.geomap.setDate('2019-01-23')")
    page.evaluate("window.geomap.select('hajin')")
    wait_until(page, "location.hash.includes('place=hajin')")
    page.wait_for_timeout(700)  # the pan that brings the popup into view, and its address
    hash_ = page.evaluate("location.hash")
    assert hash_.startswith("#date=2019-01-23&place=hajin&z=11&ll=")
    lat, lon = map(float, hash_.split("&ll=")[1].split(","))
    # the copied link, opened elsewhere, shows the same date, place and view
    other = open_map(built.map_path, hash_).page
    wait_until(other, "document.querySelector('.geomap-pop') !== null")
    assert other.evaluate("window.geomap.date()") == "2019-01-23"
    assert other.locator(".geomap-pop").get_attribute("data-place") == "hajin"
    assert other.evaluate("window.geomap.map.getZoom()") == 11
    centre = other.evaluate("(c => [c.lat, c.lng])(window.geomap.map.getCenter())")
    assert abs(centre[0] - lat) < 1e-3 and abs(centre[1] - lon) < 1e-3
    assert other.evaluate("location.hash") == hash_


def test_back_and_forward_walk_through_the_dates_seen(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-13").page
    wait_until(page, "location.hash.includes('&z=')")
    for _ in range(2):
        page.locator(".geomap-next").click()  # the next day with events
        before = page.evaluate("window.geomap.date()")
        wait_until(page, f"location.hash.startsWith('#date={before}')")
    seen = page.evaluate("window.geomap.date()")
    page.go_back()
    wait_until(page, f"window.geomap.date() < '{seen}'")
    middle = page.evaluate("window.geomap.date()")
    assert "2018-12-13" < middle < seen
    page.go_back()
    wait_until(page, "window.geomap.date() === '2018-12-13'")
    page.go_forward()
    wait_until(page, f"window.geomap.date() === '{middle}'")
    assert page.locator(".geomap-range").get_attribute("aria-valuetext").endswith("2018")


def test_the_time_axis_is_the_campaigns_with_ticks_and_play_skips_quiet_days(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-10").page
    assert page.evaluate("[window.geomap.first, window.geomap.last]") == [
        "2018-09-01",
        "2019-04-30",
    ]
    ticks = page.evaluate("window.geomap.ticks()")
    assert "2018-12-14" in ticks and all("2018-09-01" <= t <= "2019-04-30" for t in ticks)
    assert page.evaluate(
        "document.querySelector('.geomap-ticks path').getAttribute('d').split('M').length - 1"
    ) == len(ticks)
    page.locator(".geomap-speed").select_option("8")
    page.evaluate("window.geomap.play()")
    wait_until(page, "window.geomap.date() > '2018-12-10'")
    page.evaluate("window.geomap.pause()")
    assert page.evaluate("window.geomap.date()") in ticks  # quiet days skipped
    # with quiet days, play walks day by day: every date the label shows is recorded in the
    # page, so a busy machine that answers late cannot make the test miss a step
    page.evaluate("window.geomap.setDate('2018-12-10')")
    page.locator(".geomap-quiet input").check()
    page.evaluate(
        """() => {
          const label = document.querySelector('.geomap-date');
          window.shown = [];
          new MutationObserver(() => window.shown.push(label.textContent)).observe(
            label, {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.evaluate("window.geomap.play()")
    wait_until(page, "window.shown.length >= 2")
    page.evaluate("window.geomap.pause()")
    assert page.evaluate("window.shown")[:2] == ["Tue 2018-12-11", "Wed 2018-12-12"]


def test_start_and_end_set_the_slider(tmp_path, cli):
    out = tmp_path / "out"
    result = cli(
        "build",
        "--data",
        "data",
        "--out",
        out,
        "--start",
        "2018-12-01",
        "--end",
        "2019-01-31",
        "-q",
    )
    assert result.exit_code == 0, result.output
    page = (out / "map.html").read_text(encoding="utf-8")
    assert '"axisStart":"2018-12-01","axisEnd":"2019-01-31"' in page


SPELLINGS = [
    "Hajin",
    "Hajeen",
    "Hajīn",
    "هجين",
    "HAJIN'S",
    "Hajin's market",
    "District Three",
    "al-Bab's",
    "Deir ez-Zor",
    "Dayr az-Zawr",
    "Deir el-Zour",
    "دير الزور",
    "al-Sha'fah",
    "Al Shaafah",
    "Şanlıurfa",
    "Al Qāmishlī",
    "As-Susah",
    "al-Baghūz Fawqānī",
    "The Hague",
    "Āl ʿUmar",
    "مُحَسَن",
    "ٱلبوكمال",
    "",
]


def test_the_page_folds_spellings_exactly_as_the_gazetteer(built, open_map):
    from geomap.gazetteer import name_key

    page = open_map(built.map_path).page
    in_page = page.evaluate("spellings => spellings.map(window.geomap.normalise)", SPELLINGS)
    assert in_page == [name_key(s) for s in SPELLINGS]


@pytest.mark.parametrize("query", ["هجين", "Hajeen", "hajin", "Hajīn"])
def test_search_finds_a_place_by_an_arabic_or_latin_spelling_and_zooms_to_it(
    built, open_map, query
):
    page = open_map(built.map_path, "#date=2018-12-15").page
    page.locator(".geomap-search-input").fill(query)
    results = page.locator(".geomap-search-result")
    assert results.first.inner_text() == "Hajin"
    page.locator(".geomap-search-input").press("Enter")
    assert page.locator(".geomap-pop").get_attribute("data-place") == "hajin"
    assert page.evaluate("window.geomap.map.getZoom()") >= 11
    assert page.evaluate(
        "window.geomap.map.getBounds().contains(window.geomap.placeLatLng('hajin'))"
    )


def test_filters_by_side_and_kind_and_the_dates_events_with_their_sentences(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-14").page
    page.locator(".geomap-search-more summary").click()
    events = page.locator(".geomap-day-events")
    # the list is filled in the frame after the panel opens: wait for it (a busy machine)
    wait_until(
        page,
        "document.querySelector('.geomap-day-events') && "
        "document.querySelector('.geomap-day-events').textContent.length > 0",
    )
    assert "Events on 2018-12-14" in page.locator(".geomap-search-more").inner_text()
    assert "the SDF took Hajin early in the morning" in events.inner_text()
    x, y = _close_up_xy(page, "hajin")
    # unticking the SDF hides Hajin (held by the SDF on this date) and its capture
    page.locator(".geomap-filter input[value='SDF']").uncheck()
    page.evaluate("window.geomap.flush()")
    assert page.evaluate("window.geomap.labels()").count("hajin") == 0
    page.mouse.click(x, y)
    page.wait_for_timeout(100)
    assert page.locator(".geomap-pop").count() == 0
    kinds = {e["kind"] for e in page.evaluate("window.geomap.dayEvents()")}
    assert "captured" not in kinds  # the SDF's capture of Hajin
    page.locator(".geomap-filter input[value='SDF']").check()
    # only captures: the date's list holds captures alone
    for kind in ("held", "contested", "besieged", "withdrew", "surrendered"):
        page.locator(f".geomap-filter input[value='{kind}']").uncheck()
    assert {e["kind"] for e in page.evaluate("window.geomap.dayEvents()")} == {"captured"}
    page.evaluate("window.geomap.flush()")
    assert "hajin" in page.evaluate("window.geomap.labels()")


def _close_up_xy(page, place_id: str) -> tuple[float, float]:
    """Zoom in on a place and return its position on the screen."""
    return page.evaluate(
        """id => {
          const m = window.geomap.map, at = window.geomap.placeLatLng(id);
          m.setView(at, 12, {animate: false});
          window.geomap.flush();
          const c = m.latLngToContainerPoint(at), r = m.getContainer().getBoundingClientRect();
          return [r.left + c.x, r.top + c.y];
        }""",
        place_id,
    )


def test_the_held_area_counts_only_current_evidence_and_says_how_sure_it_is(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    area = page.locator(".geomap-area")
    assert area.inner_text() == "ISIS-held area: at least 97 km\u00b2"
    # a month after the last report of the pocket its places are faded: they no longer count
    page.evaluate("window.geomap.setDate('2019-01-20')")
    assert page.evaluate("window.geomap.heldArea()") == [
        {"label": "ISIS-held area", "km2": 0, "upTo": 97}
    ]
    assert area.inner_text() == (
        "ISIS-held area: no current evidence (up to 97 km\u00b2 with faded places)"
    )
    page.evaluate("window.geomap.setDate('2019-02-20')")
    assert area.inner_text() == "ISIS-held area: at least 28 km\u00b2 (up to 97 with faded places)"
    legend = page.locator(".geomap-legend").inner_text()
    assert "3 km around ISIS-held places with evidence from the last 30 days" in legend
    assert "lower bound" in legend


def test_a_place_is_reached_with_tab_and_its_popup_opened_with_enter(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15&z=10&ll=34.7,40.8").page
    page.evaluate("window.geomap.flush(), window.geomap.labels()")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.place") == "hajin":
            break
    else:
        raise AssertionError("Tab never reached Hajin")
    page.keyboard.press("Enter")
    popup = page.locator(".geomap-pop")
    assert popup.get_attribute("data-place") == "hajin"
    assert "Held by SDF" in popup.inner_text()
    # the focus is in the popup, whose sources are read from there; Escape returns
    assert page.evaluate("document.activeElement.closest('.geomap-popup') !== null")
    page.keyboard.press("Escape")
    wait_until(page, "document.querySelector('.geomap-pop') === null")
    assert page.evaluate("document.activeElement.dataset.place") == "hajin"


CONTRAST = """() => {
  const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  // the colour behind an element: its ancestors' backgrounds blended over white
  const behind = e => {
    const layers = [];
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const b = rgba(getComputedStyle(n).backgroundColor), alpha = b.length === 4 ? b[3] : 1;
      if (alpha > 0) { layers.push(b); if (alpha === 1) break; }
    }
    let c = [255, 255, 255];
    for (const b of layers.reverse()) {
      const a = b.length === 4 ? b[3] : 1;
      c = c.map((v, i) => v * (1 - a) + b[i] * a);
    }
    return c;
  };
  const bad = [];
  for (const e of document.querySelectorAll('.leaflet-control *, .leaflet-popup *')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!e.offsetWidth) continue;
    const s = getComputedStyle(e);
    let fg = rgba(s.color), op = 1;
    for (let n = e; n; n = n.parentElement) op *= +getComputedStyle(n).opacity;
    const bg = behind(e), a = (fg.length === 4 ? fg[3] : 1) * op;
    fg = fg.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
    const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05), size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && +s.fontWeight >= 700);
    const text = e.textContent.slice(0, 30);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${e.className} "${text}" ${ratio.toFixed(2)}`);
  }
  return bad;
}"""


def test_text_meets_wcag_aa_contrast(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15").page
    page.locator(".geomap-search-more summary").click()
    page.locator(".geomap-sources-toggle").click()
    page.evaluate("window.geomap.setDate('2018-12-13')")
    page.evaluate("window.geomap.select('hajin')")
    page.evaluate("window.geomap.setDate('2018-12-10')")  # later events shown as future
    assert page.locator(".geomap-future").count() > 0
    opaque = "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    wait_until(page, opaque)  # the popup has faded in
    assert page.evaluate(CONTRAST) == []


def test_print_keeps_the_legend_and_date_hides_the_controls_on_a4_landscape(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15", viewport=(375, 667)).page
    page.emulate_media(media="print")
    for kept in (".geomap-legend-body", ".geomap-date", ".geomap-title", ".geomap-area"):
        assert page.locator(kept).is_visible(), kept
    for hidden in (".geomap-range", ".geomap-play", ".leaflet-control-zoom", ".geomap-search"):
        assert not page.locator(hidden).is_visible(), hidden
    assert not page.locator(".geomap-sources").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert sizes == {(842, 595)}  # A4 landscape, in points


def test_save_as_png_draws_the_view_with_title_date_legend_and_sources(built, open_map):

    from PIL import Image

    watch = open_map(built.map_path, "#date=2018-12-15&z=10&ll=34.7,40.8", viewport=(1200, 800))
    page = watch.page
    page.evaluate("window.geomap.flush(), window.geomap.labels()")
    with page.expect_download() as download:
        page.locator(".geomap-save").click()
    assert download.value.suggested_filename == "map-2018-12-15.png"
    image = Image.open(download.value.path()).convert("RGB")
    head = 64  # the band above the map: title, date, held area
    assert image.size == (1200, 800 + head + 40)
    x, y = page.evaluate(
        """() => { const m = window.geomap.map;
             const c = m.latLngToContainerPoint(window.geomap.placeLatLng('hajin'));
             return [Math.round(c.x), Math.round(c.y)]; }"""
    )
    pixel = image.getpixel((x, y + head))
    assert all(abs(a - b) <= 40 for a, b in zip(pixel, (0xF2, 0xC8, 0x00), strict=True)), pixel

    def dark(box) -> int:
        part = image.crop(box)
        return sum(
            1
            for i in range(part.width)
            for j in range(part.height)
            if max(part.getpixel((i, j))) < 90
        )

    assert dark((0, 0, 500, 30)) > 200  # the title
    assert dark((1000, 0, 1200, 34)) > 100  # the date
    assert dark((0, 800 + head, 1200, 800 + head + 40)) > 200  # the source line
    assert dark((1200 - 260, 800 + head - 200, 1200, 800 + head)) > 300  # the legend
    assert watch.outside_requests() == [] and watch.errors == []


@pytest.mark.parametrize("links", [False, True], ids=["text", "--links"])
def test_sources_show_outlet_date_title_and_address_links_only_when_asked(
    data_copy, tmp_path, cli, open_map, links
):
    article = data_copy / "articles" / "000_2c301afdfc3c815d.txt"
    url = "https://example.org/report?id=1&lang=en"
    article.write_text(
        article.read_text(encoding="utf-8").replace("---\n", f"---\nurl: {url}\n", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    flags = ["--links"] if links else []
    result = cli("build", "--data", data_copy, "--out", out, "-q", *flags)
    assert result.exit_code == 0, result.output
    page = open_map(out / "map.html").page
    page.locator(".geomap-sources-toggle").click()
    first = page.locator(".geomap-sources-list .geomap-source").first
    text = first.inner_text()
    assert "Daily Express \u2014 2018-12-14" in text
    assert "ISIS OBLITERATION: Islamic State ON THE RUN" in text and url in text
    credits = page.locator(".leaflet-control-attribution")
    if links:
        assert first.locator("a").get_attribute("href") == url
        assert credits.locator("a").count() >= 1
    else:
        assert page.locator(".geomap-sources a").count() == 0
        assert credits.locator("a").count() == 0 and credits.inner_text().startswith("Leaflet")


@pytest.mark.parametrize("size", [(1440, 900), (768, 1024)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_open_sources_and_filters_panels_never_run_under_another_control(built, open_map, size):
    page = open_map(built.map_path, "#date=2018-12-14", viewport=size).page
    page.locator(".geomap-sources-toggle").click()
    page.locator(".geomap-search-more summary").click()  # a click: nothing lies on top of it
    wait_until(page, "document.querySelector('.geomap-day-events').textContent.length > 0")
    page.wait_for_timeout(100)  # the corners settle in the frame after a panel opens
    controls = _boxes(page, ".leaflet-control")
    assert [(a[:20], b[:20]) for a, b in _overlaps(controls)] == []
    width, height = size
    assert all(
        b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= width and b["y1"] <= height for b in controls
    )
    # what does not fit scrolls inside the panels; every filter can still be reached
    last = page.locator(".geomap-filter input").last
    last.scroll_into_view_if_needed()
    last.click()
    assert not last.is_checked()
    assert page.locator(".geomap-sources-body").is_visible()
    assert page.locator(".geomap-search-input").is_visible()


def test_save_as_png_draws_the_province_tags_shown_on_the_map(built, open_map):
    from PIL import Image

    watch = open_map(built.map_path, "#date=2018-12-15&z=9&ll=34.7,40.8", viewport=(1200, 800))
    page = watch.page
    page.evaluate("window.geomap.flush(), window.geomap.labels()")
    tags = page.evaluate(
        """() => { const frame = window.geomap.map.getContainer().getBoundingClientRect();
             return [...document.querySelectorAll('.geomap-region-label')].map(e => {
               const r = e.getBoundingClientRect();
               return [e.textContent, r.left - frame.left, r.top - frame.top,
                       r.right - frame.left, r.bottom - frame.top]; })
             .filter(t => t[1] >= 0 && t[2] >= 0 && t[3] <= 1200 && t[4] <= 800); }"""
    )
    assert "Deir ez-Zor province" in [t[0] for t in tags], tags
    with page.expect_download() as download:
        page.locator(".geomap-save").click()
    image = Image.open(download.value.path()).convert("RGB")
    head = 64

    def grey_text(box) -> int:
        """Pixels of the tag's grey text (#555) within a box of the map."""
        x0, y0, x1, y1 = (round(v) for v in box)
        part = image.crop((x0, y0 + head, x1, y1 + head))
        pixels = (part.getpixel((i, j)) for i in range(part.width) for j in range(part.height))
        return sum(1 for p in pixels if max(p) < 120 and max(p) - min(p) < 24)

    for name, x0, y0, x1, y1 in tags:
        # the name in capitals, as on the screen: at least a stroke per letter
        assert grey_text((x0, y0, x1, y1)) > 12 * len(name), name
    assert watch.outside_requests() == [] and watch.errors == []


def test_a_place_without_a_label_is_reached_and_opened_by_keyboard_alone(built, open_map):
    page = open_map(built.map_path, "#date=2018-12-15", viewport=(1440, 900)).page
    page.evaluate("window.geomap.flush()")
    named = set(page.evaluate("window.geomap.labels()"))
    unnamed = page.evaluate(
        """named => window.geomap.places().filter(id => !named.includes(id)
             && window.geomap.state(id).controller === 'ISIS')""",
        sorted(named),
    )
    assert unnamed, named  # zoomed out, some places have no name on the map
    target = unnamed[0]
    toggle = page.locator(".geomap-places-toggle")
    assert toggle.bounding_box()["width"] <= 1  # hidden until the keyboard reaches it
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('geomap-places-toggle')"):
            break
    else:
        raise AssertionError("Tab never reached the list of places")
    assert toggle.bounding_box()["width"] > 50 and toggle.is_visible()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    listbox = page.locator("[role=listbox].geomap-places")
    assert listbox.get_attribute("aria-label") == "Places, by name"
    names = listbox.locator("[role=option]").all_inner_texts()
    named_places = named & set(page.evaluate("window.geomap.places()"))  # not the basemap's towns
    assert names == sorted(names, key=str.casefold) and len(names) >= len(named_places) + 1
    # each option says where it stands in the whole list; End and Home go to either end
    page.keyboard.press("End")
    last = page.locator(":focus")
    assert last.inner_text() == names[-1]
    assert (
        last.get_attribute("aria-posinset") == last.get_attribute("aria-setsize") == str(len(names))
    )
    page.keyboard.press("Home")
    assert page.locator(":focus").get_attribute("aria-posinset") == "1"
    for _ in range(len(names)):
        if page.evaluate("document.activeElement.dataset.place") == target:
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"the arrows never reached {target}")
    focused = page.locator(":focus")
    assert focused.get_attribute("role") == "option"
    assert focused.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    popup = page.locator(".geomap-pop")
    assert popup.get_attribute("data-place") == target
    assert "Held by ISIS" in popup.inner_text()
    assert page.evaluate("document.activeElement.closest('.geomap-popup') !== null")
    page.wait_for_timeout(400)  # the pan that brings the popup into view
    box = popup.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.geomap-popup') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top  # not covered by the list
    # Escape closes the popup back to the place in the list, and the list back to its button
    page.keyboard.press("Escape")
    wait_until(page, "document.querySelector('.geomap-pop') === null")
    assert page.evaluate("document.activeElement.dataset.place") == target
    assert listbox.is_visible()
    page.keyboard.press("Escape")
    assert not listbox.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('geomap-places-toggle')")
    # typed letters jump to a name
    page.keyboard.press("Enter")
    page.keyboard.type(names[-1][:3].lower())
    assert page.locator(":focus").inner_text().casefold().startswith(names[-1][:3].casefold())


def test_save_as_png_draws_the_province_outlines_shown_on_the_map(built, open_map):
    from PIL import Image

    watch = open_map(built.map_path, "#date=2018-12-15&z=8&ll=34.9,40.5", viewport=(1200, 800))
    page = watch.page
    page.evaluate("window.geomap.flush()")
    # points along each outline, where the screen shows them, with the outline's colour
    samples = page.evaluate(
        """() => { const frame = window.geomap.map.getContainer().getBoundingClientRect();
             const out = [];
             for (const path of document.querySelectorAll('.leaflet-geomap-regions-pane path')) {
               const css = getComputedStyle(path), m = path.getScreenCTM();
               if (!m || css.stroke === 'none') continue;
               const rgb = css.stroke.match(/\\d+/g).slice(0, 3).map(Number);
               const length = path.getTotalLength();
               for (let i = 1; i < 40; i++) {
                 const p = path.getPointAtLength(length * i / 40).matrixTransform(m);
                 const x = p.x - frame.left, y = p.y - frame.top;
                 if (x > 2 && y > 2 && x < 1198 && y < 798) out.push([x, y, rgb]);
               }
             }
             return out; }"""
    )
    assert len(samples) > 20, samples
    with page.expect_download() as download:
        page.locator(".geomap-save").click()
    image = Image.open(download.value.path()).convert("RGB")
    head = 64

    def on_outline(x, y, rgb) -> bool:
        near = (
            image.getpixel((round(x) + i, round(y) + head + j))
            for i in (-1, 0, 1)
            for j in (-1, 0, 1)
        )
        return any(sum(abs(a - b) for a, b in zip(p, rgb, strict=True)) < 60 for p in near)

    drawn = sum(on_outline(x, y, rgb) for x, y, rgb in samples)
    assert drawn > len(samples) / 3, (drawn, len(samples))
    assert watch.errors == []
