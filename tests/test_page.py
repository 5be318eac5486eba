"""The page's parts in a real headless Chromium: placeholders in articles, labels, layout,
the time axis and its address, search and filters, the held area, keyboard and print."""

import shutil

import pytest

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
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    for name in ("gazetteer.csv", "campaign.toml"):
        shutil.copy(f"data/{name}", data / name)
    (data / "articles" / "inject.txt").write_text(
        f"---\ntitle: Report {INJECTED}\noutlet: Outlet @@geomap:legend@@\n"
        f"published: 2019-01-04\nurl: https://example.org/a\n---\n"
        f"SDF fighters captured Gharanij on Friday {INJECTED}.\n",
        encoding="utf-8",
    )
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
