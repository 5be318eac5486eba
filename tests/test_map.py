"""The page as a file: offline, self-contained, deterministic; the basemap is accurate."""

import html
import json
import re

from shapely.geometry import Point, box, shape
from shapely.ops import linemerge, split, unary_union

from geomap.mapping.assets import STATIC, asset_text, html_text, script_safe_json
from geomap.mapping.basemap import page_basemap


def page_of(built) -> str:
    return built.map_path.read_text(encoding="utf-8")


def test_no_external_reference(built):
    page = page_of(built)
    assert not re.search(r"""\bsrc\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"""<link[^>]+href""", page)
    assert "cdn.jsdelivr" not in page and "bootstrap" not in page.lower()
    assert "jquery" not in page.lower() and "font-awesome" not in page.lower()
    assert "url(images/" not in page and "@import" not in page


def test_leaflet_is_inline_from_xstatic(built):
    assert asset_text("leaflet.js")[:200] in page_of(built)


def test_content_security_policy_allows_only_the_pages_scripts(built):
    page = page_of(built)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert policy.count("'sha256-") == len(re.findall(r"<script>", page))


def test_data_cannot_break_out_of_its_script_block():
    value = {"s": "</script><script>alert(1)</script> {{ 7*7 }} \u2028 2018\u20132019 هجين"}
    text = script_safe_json(value)
    assert "</script" not in text and "<" not in text
    assert json.loads(text) == value
    # ASCII, so that Chromium keeps a large data block as one-byte text
    assert text.isascii()


def test_page_text_is_escaped_and_ascii_and_reads_back_as_written():
    value = "Hajin & <Baghouz> \u201cthe last town\u201d \u2014 \u0647\u062c\u064a\u0646"
    text = html_text(value)
    assert text.isascii() and "<" not in text and "&#8212;" in text
    assert html.unescape(text) == value


def test_the_whole_page_is_ascii_so_chromium_reads_it_as_one_byte_text(built, campaign):
    # the profile's title has an en dash: one such character made the whole page two-byte text
    assert "\u2013" in campaign.profile.title
    page = page_of(built)
    assert page.isascii(), [(i, c) for i, c in enumerate(page) if not c.isascii()][:3]
    assert "<title>Control of the Middle Euphrates, 2018&#8211;2019</title>" in page


def test_river_puts_the_towns_on_their_banks(gazetteer):
    basemap = page_basemap(gazetteer)
    euphrates = linemerge(
        [
            shape(f["geometry"])
            for f in basemap["features"]
            if f["properties"]["layer"] == "river"
            and f["properties"]["name"] in ("Euphrates", "Al Furat")  # Natural Earth's names
        ]
    )
    frame = box(40.0, 34.3, 41.3, 35.4)
    sides = list(split(frame, euphrates).geoms)
    east = next(s for s in sides if s.contains(Point(41.29, 35.39)))
    for pid in ("hajin", "al_susah", "baghuz_fawqani", "al_shaafah", "al_marashidah"):
        place = gazetteer.by_id[pid]
        assert east.contains(Point(place.lon, place.lat)), pid
    for pid in ("al_mayadin", "abu_kamal"):
        place = gazetteer.by_id[pid]
        assert not east.contains(Point(place.lon, place.lat)), pid


def test_the_derived_basemap_names_its_rivers_and_provinces_and_credits_its_sources(gazetteer):
    basemap = page_basemap(gazetteer)
    sources = " ".join(basemap["properties"]["sources"])
    assert "Natural Earth" in sources and "public domain" in sources and "GeoNames" in sources
    layers = {f["properties"]["layer"] for f in basemap["features"]}
    assert {"river", "border", "admin1", "city", "region", "label"} <= layers
    regions = {
        f["properties"]["place_id"]
        for f in basemap["features"]
        if f["properties"]["layer"] == "region"
    }
    assert regions == {"deir_ez_zor_province", "hasakah_province"}
    hasakah = next(
        shape(f["geometry"])
        for f in basemap["features"]
        if f["properties"].get("place_id") == "hasakah_province"
    )
    assert hasakah.contains(Point(40.75, 36.5)) and not hasakah.contains(Point(40.14, 35.33))
    rivers = {
        f["properties"]["name"] for f in basemap["features"] if f["properties"]["layer"] == "river"
    }
    assert {"Euphrates", "Tigris"} <= rivers
    # the old fixed file's "Khabur" was a copy of the Euphrates; Natural Earth has no Khabur
    assert "Khabur" not in rivers
    tigris = unary_union(
        [shape(f["geometry"]) for f in basemap["features"] if f["properties"]["name"] == "Tigris"]
    )
    assert tigris.distance(Point(43.13, 36.34)) < 0.05  # through Mosul, not the Euphrates
    labels = {
        (f["properties"]["kind"], f["properties"]["name"])
        for f in basemap["features"]
        if f["properties"]["layer"] == "label"
    }
    assert ("river", "Al Furat") in labels and ("province", "Al-Anbar") in labels


def test_the_shaded_sides_area_is_computed_in_km2(built):
    data = json.loads(
        re.search(
            r'<script type="application/json" id="geomap-data">(.*?)</script>', page_of(built), re.S
        ).group(1)
    )
    (shaded,) = data["areas"]  # campaign.toml shades one side
    assert (shaded["side"], shaded["label"]) == ("ISIS", "ISIS-held area")
    areas = {a[0]: a[1] for a in shaded["days"]}
    assert areas and all(isinstance(v, int) for v in areas.values())
    assert max(areas.values()) < 2000  # a valley pocket, not a country


def test_the_slider_spans_the_window_unless_no_evidence_falls_in_it():
    import datetime as dt

    from geomap.campaign import Profile
    from geomap.mapping import MapOptions, time_axis

    day = dt.date.fromisoformat
    window = Profile(start=day("2018-09-01"), end=day("2019-04-30"))
    first, last = day("2014-01-01"), day("2019-03-18")
    assert time_axis(first, last, MapOptions(), window) == (day("2018-09-01"), day("2019-04-30"))
    assert time_axis(first, last, MapOptions(), Profile()) == (first, last)
    # a window after every report (a profile copied from another campaign) is not used
    early = day("2017-11-05")
    assert time_axis(first, early, MapOptions(), window) == (first, early)
    asked = MapOptions(start=day("2018-12-01"), end=day("2018-11-01"))
    assert time_axis(first, last, asked, window) == (day("2018-12-01"), day("2018-12-01"))


def test_every_part_declares_its_own_script_and_style_and_each_is_inlined_once(built):
    from geomap.mapping import MapOptions, page_parts, plugins

    parts = page_parts(MapOptions(), [])
    assets = parts[0]
    assert isinstance(assets, plugins.OfflineAssets)
    assert isinstance(parts[-1], plugins.Runtime)  # starts the parts, so it comes last
    # a page of more places than MapOptions.webgl_above holds the WebGL part too
    every = page_parts(MapOptions(), [], places=MapOptions().webgl_above + 1)
    declared = {n for p in every if isinstance(p, plugins.Part) for n in p.default_js}
    declared |= {n for p in every if isinstance(p, plugins.Part) for n in p.default_css}
    shipped = {p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css")}
    assert shipped - declared == {"geomap.js", "geomap.css"}  # the core, always inlined
    assert declared <= shipped
    page = page_of(built)
    for name in assets.js:
        assert page.count(asset_text(name)[:300]) == 1, name
    names = [p.part for p in parts if isinstance(p, plugins.Part)]
    assert len(names) == len(set(names))
    for name in names:
        assert f'geomapKit.use("{name}"' in page
