"""The static figures of `geomap snapshot`, checked on matplotlib's own artists in display
space: names that overlap nothing, the locator inset, the shaded held area, extent and size."""

import dataclasses
import datetime as dt
import math
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import PathCollection
from matplotlib.transforms import Bbox
from PIL import Image
from pyproj import Transformer

from conftest import DATA
from geomap.exc import UsageError
from geomap.mapping.areas import shaded_areas
from geomap.snapshot import held_area_on, label_rank, snapshot, snapshot_figure
from geomap.timeline import State

DAY = dt.date(2018, 12, 15)  # Hajin just taken; the villages downstream held by ISIS


@pytest.fixture(scope="module")
def timeline(built):
    return built.extraction.timeline


def draw(built, dates, **options):
    """The figure as written, laid out and rendered (its artists in display space)."""
    fig = snapshot_figure(built.extraction.timeline, built.extraction.articles, dates, **options)
    fig.canvas.draw()
    return fig


@pytest.fixture()
def figures():
    made = []
    yield made
    for fig in made:
        plt.close(fig)


def panels(fig):
    return [ax for ax in fig.axes if ax.get_gid() is None and ax.axison]


def tagged(artists, prefix: str) -> list:
    """The artists whose SVG id starts with ``prefix`` (ids end with the panel's date)."""
    return [a for a in artists if (a.get_gid() or "").startswith(prefix)]


def locators(ax):
    return tagged(ax.child_axes, "locator-")


def names(ax):
    return tagged(ax.texts, "label-")


def overlap(a: Bbox, b: Bbox, slack: float = 0.5) -> bool:
    return (
        a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack
    )


def marker_boxes(ax) -> list[Bbox]:
    """Every drawn place's marker (rings included), from the scatter collections."""
    boxes = []
    for collection in ax.collections:
        if not isinstance(collection, PathCollection):
            continue  # lines and the held area's patches are not markers
        offsets = ax.transData.transform(collection.get_offsets())
        for (x, y), size in zip(offsets, collection.get_sizes(), strict=True):
            r = math.sqrt(size) / 2 * ax.figure.dpi / 72
            boxes.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return boxes


@pytest.mark.parametrize(
    "dates,size",
    [
        ([DAY], None),
        ([dt.date(2018, 12, 13), dt.date(2019, 2, 1), dt.date(2019, 3, 18)], None),
        ([DAY], (4.0, 5.0)),  # a crowded small figure: names are dropped, never overlapped
    ],
)
def test_names_and_inset_overlap_nothing(built, figures, dates, size):
    fig = draw(built, dates, size=size)
    figures.append(fig)
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in panels(fig):
        frame = ax.get_window_extent(renderer)
        labels = [t.get_window_extent(renderer) for t in names(ax)]
        assert labels, "no place is named"
        (bar,) = tagged(ax.artists, "scale-bar-")
        insets = [inset.get_window_extent(renderer) for inset in locators(ax)]
        assert len(insets) == 1 or size, "a locator is left out only when no corner is free"
        markers = marker_boxes(ax)
        assert not any(overlap(inset, marker) for inset in insets for marker in markers)
        parts = [bar.get_window_extent(renderer), *insets, legend]
        for i, box in enumerate(labels):
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, "a name leaves its panel"
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1, "a name leaves its panel"
            assert not any(overlap(box, other) for other in labels[i + 1 :])
            assert not any(overlap(box, part) for part in parts)
            assert not any(overlap(box, marker) for marker in markers)


def test_the_reported_clashes_are_gone(built, figures):
    """Abu Kamal and al-Baghuz Fawqani both named, apart; the scale bar off al-Qaim."""
    fig = draw(built, [DAY])
    figures.append(fig)
    renderer = fig.canvas.get_renderer()
    (ax,) = panels(fig)
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in names(ax)}
    assert {"Abu Kamal", "al-Baghuz Fawqani", "al-Qaim", "Hajin"} <= set(boxes)
    assert not overlap(boxes["Abu Kamal"], boxes["al-Baghuz Fawqani"])
    (bar,) = tagged(ax.artists, "scale-bar-")
    assert not any(overlap(bar.get_window_extent(renderer), m) for m in marker_boxes(ax))


def test_recently_changed_then_larger_places_win_a_crowded_spot():
    day = dt.date(2019, 1, 20)
    changed = State(day=dt.date(2019, 1, 18), controller="A", status="held", since=day)
    older = State(day=dt.date(2019, 1, 5), controller="A", status="held", since=day)
    months = State(day=dt.date(2018, 10, 1), controller="A", status="held", since=day)
    ranked = sorted(
        [
            ("city, quiet for months", label_rank("city", months, day)),
            ("village, no news", label_rank("village", None, day)),
            ("village, changed two days ago", label_rank("village", changed, day)),
            ("town, changed two weeks ago", label_rank("town", older, day)),
            ("town, quiet for months", label_rank("town", months, day)),
        ],
        key=lambda item: item[1],
    )
    assert [name for name, _rank in ranked] == [
        "village, changed two days ago",
        "town, changed two weeks ago",
        "city, quiet for months",
        "town, quiet for months",
        "village, no news",
    ]


def test_the_locator_inset_shows_where_the_view_lies(built, figures):
    fig = draw(built, [DAY])
    figures.append(fig)
    renderer = fig.canvas.get_renderer()
    (ax,) = panels(fig)
    (locator,) = locators(ax)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    (lx0, lx1), (ly0, ly1) = locator.get_xlim(), locator.get_ylim()
    assert lx0 < x0 < x1 < lx1 and ly0 < y0 < y1 < ly1
    assert (lx1 - lx0) >= 4 * (x1 - x0)  # a wider region, not the same view
    (view,) = tagged(locator.patches, "locator-view-")
    assert view.get_bbox().bounds == pytest.approx((x0, y0, x1 - x0, y1 - y0))
    inset, frame = locator.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert frame.x0 <= inset.x0 and inset.x1 <= frame.x1 and frame.y0 <= inset.y0
    assert inset.width < frame.width / 2
    assert len(locator.get_lines()) + len(locator.collections) > 2  # rivers, borders drawn
    plt.close(fig)
    fig = draw(built, [DAY], inset=False)
    figures.append(fig)
    assert not locators(panels(fig)[0])


def test_a_campaign_elsewhere_gets_its_own_basemap_and_locator(figures):
    """The second campaign (Tasmania) gets its coast, rivers and names from the derived
    basemap: its figure has a locator and names a river of its region."""
    from geomap.pipeline import load_events

    second = load_events(DATA.parent / "tests" / "data" / "second_campaign", jobs=1)
    timeline, day = second.timeline, second.timeline.days[1]
    fig = snapshot_figure(timeline, second.articles, [day], bbox=(146.5, -42.6, 147.6, -41.6))
    figures.append(fig)
    (ax,) = panels(fig)
    assert locators(ax)
    names = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("basemap-name-")]
    assert "Derwent" in names, names
    assert "Natural Earth (public domain)" in " ".join(t.get_text() for t in fig.texts)


def test_the_held_area_is_shaded_where_the_shaded_side_holds_places(built, timeline, figures):
    fig = draw(built, [DAY])
    figures.append(fig)
    (ax,) = panels(fig)
    shading = tagged(ax.collections, f"held-area-ISIS-{DAY}")
    assert shading, "no held area drawn"
    paths = [path for c in shading for path in c.get_paths()]
    places = timeline.gazetteer.to_geodataframe().to_crs(timeline.crs)

    def shaded(place_id):
        point = places.loc[place_id].geometry
        return any(path.contains_point((point.x, point.y)) for path in paths)

    assert timeline.state("al_shaafah", DAY).controller == "ISIS" and shaded("al_shaafah")
    assert timeline.state("hajin", DAY).controller == "SDF" and not shaded("hajin")
    km2 = held_area_on(shaded_areas(timeline)["ISIS"], DAY).km2
    panel_text = [t.get_text() for t in ax.texts if t not in names(ax)]
    assert f"ISIS-held area ≈ {km2:,} km²" in panel_text  # the page's figure for the day
    assert "ISIS-held area" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_the_profile_says_which_sides_are_shaded(built, timeline, figures):
    sdf = dataclasses.replace(
        timeline, profile=dataclasses.replace(timeline.profile, shade=("SDF",))
    )
    fig = snapshot_figure(sdf, built.extraction.articles, [DAY])
    figures.append(fig)
    (ax,) = panels(fig)
    assert tagged(ax.collections, f"held-area-SDF-{DAY}")
    assert not tagged(ax.collections, "held-area-ISIS")
    assert "SDF-held area" in [t.get_text() for t in fig.legends[0].get_texts()]
    none = dataclasses.replace(timeline, profile=dataclasses.replace(timeline.profile, shade=()))
    fig = snapshot_figure(none, built.extraction.articles, [DAY])
    figures.append(fig)
    (ax,) = panels(fig)
    assert not tagged(ax.collections, "held-area-")
    assert not any("held area" in t.get_text() for t in [*ax.texts, *fig.legends[0].get_texts()])


def test_size_and_bbox_are_honoured(built, timeline, tmp_path, figures):
    bbox = (40.75, 34.62, 40.92, 34.74)  # W, S, E, N: around Hajin
    paths = snapshot(
        timeline,
        built.extraction.articles,
        [DAY],
        tmp_path,
        bbox=bbox,
        size=(1200 / 150, 800 / 150),
        formats=("png",),
    )
    assert Image.open(paths[0]).size == (1200, 800)
    fig = draw(built, [DAY], bbox=bbox, size=(8, 5.33))
    figures.append(fig)
    (ax,) = panels(fig)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    to_crs = Transformer.from_crs("EPSG:4326", timeline.crs, always_xy=True)
    bx0, by0, bx1, by1 = to_crs.transform_bounds(*bbox)
    assert x0 <= bx0 < bx1 <= x1 and y0 <= by0 < by1 <= y1  # the whole box is shown...
    assert (y1 - y0) == pytest.approx(by1 - by0, rel=0.01)  # ...and no more than fits
    shown = {t.get_text() for t in names(ax)}
    assert "Hajin" in shown and "al-Qaim" not in shown


@pytest.mark.parametrize(
    "option,value,words",
    [
        ("--bbox", "40.8,34.3,41.1", "not four numbers"),
        ("--bbox", "west,34.3,41.1,34.7", "not four numbers"),
        ("--bbox", "41.1,34.3,40.8,34.7", "west ≥ east"),
        ("--bbox", "40.8,34.7,41.1,34.3", "south ≥ north"),
        ("--bbox", "200,34.3,210,34.7", "off the globe"),
        ("--size", "1200by900", "not a size"),
        ("--size", "100x100", "outside"),
        ("--size", "0x900", "outside"),
        ("--size", "200x10cm", "outside"),
    ],
)
def test_bad_extent_or_size_is_one_line_naming_the_option(cli, tmp_path, option, value, words):
    result = cli("snapshot", "--date", "2018-12-15", option, value, "--out", tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    error, hint = result.output.strip().splitlines()
    assert error.startswith(f"error: field '{option}'") and words in error
    assert hint.strip().startswith(f"hint: {option}")
    assert not list(tmp_path.iterdir())


def test_a_bbox_with_no_place_says_where_the_places_are(cli, tmp_path):
    # latitude first by mistake: a valid box in the Caucasus, where no place lies
    result = cli(
        "snapshot",
        "--data",
        DATA,
        "--date",
        "2018-12-15",
        "--bbox",
        "34.3,40.8,34.7,41.1",
        "--out",
        tmp_path,
        "-q",
    )
    assert result.exit_code == 2
    error, hint = result.output.strip().splitlines()
    assert "no place of the gazetteer lies in 34.3,40.8,34.7,41.1" in error
    assert "longitude first" in hint


def test_the_svg_has_each_part_once_by_id_for_layout_tools(built, timeline, tmp_path):
    days = [dt.date(2018, 12, 13), DAY]
    paths = snapshot(
        timeline, built.extraction.articles, days, tmp_path, grid=True, formats=("svg",)
    )
    ids = re.findall(r' id="([^"]+)"', paths[0].read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))
    for day in days:
        assert {f"label-{day}-hajin", f"locator-{day}"} <= set(ids)
    assert f"held-area-ISIS-{DAY}" in ids


def test_a_name_that_looks_like_tex_is_drawn_as_written(data_copy, figures):
    """Names and outlets are text: matplotlib would parse '$...$' as TeX and fail."""
    from geomap.pipeline import load_events

    gazetteer = data_copy / "gazetteer.csv"
    odd = "Hajin $\\frac{1 <b>&</b> $US"
    text = gazetteer.read_text(encoding="utf-8").replace("\nhajin,Hajin,", f"\nhajin,{odd},")
    gazetteer.write_text(text, encoding="utf-8")
    loaded = load_events(data_copy, jobs=1)
    fig = snapshot_figure(loaded.timeline, loaded.articles, [DAY], title="$\\frac{")
    figures.append(fig)
    fig.canvas.draw()
    assert odd in [t.get_text() for t in names(panels(fig)[0])]


@pytest.mark.parametrize("pixels", [(450, 450), (1800, 300), (300, 1800)])
def test_a_size_too_small_for_the_map_is_refused_with_one_that_fits(built, figures, pixels):
    open_before = plt.get_fignums()
    with pytest.raises(UsageError) as refused:
        draw(built, [DAY], size=(pixels[0] / 150, pixels[1] / 150))
    assert plt.get_fignums() == open_before  # the refused figure is closed
    error = refused.value
    assert error.field == "--size" and error.exit_code == 2
    assert f"{pixels[0]}x{pixels[1]} px leaves no room for the map" in error.message
    width, height = map(int, re.search(r"--size (\d+)x(\d+)$", error.hint).groups())
    fig = draw(built, [DAY], size=(width / 150, height / 150))  # the size it suggests fits
    figures.append(fig)
    (ax,) = panels(fig)
    assert min(ax.get_window_extent().size) >= 200
