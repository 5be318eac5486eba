"""Static maps of the state on given dates, for PDF and Word reports (PNG and SVG).

The same colours, shapes, legend, basemap and shaded held areas as the HTML map (the
profile's sides), drawn with matplotlib through geopandas in the campaign's projected CRS so
distances read true; a title (the profile's), a source line, a scale bar, a locator inset and
place names placed so that none overlaps another name, a marker, the scale bar or the inset.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.collections import LineCollection, PatchCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar  # noqa: E402
from shapely.geometry import Polygon, shape  # noqa: E402

from geomap.campaign import Profile  # noqa: E402
from geomap.exc import UsageError  # noqa: E402
from geomap.mapping import held_label, legend_items  # noqa: E402
from geomap.mapping.areas import HeldArea, shaded_areas  # noqa: E402
from geomap.mapping.basemap import basemap_credit, page_basemap  # noqa: E402
from geomap.outputs import output_set  # noqa: E402
from geomap.timeline import Timeline  # noqa: E402

DPI = 150  # the PNG's; labels are placed at the resolution they are written at
PANEL_SIZE = (6.5, 6.2)  # inches per panel when no --size is given
STALE_DAYS = 30  # a state older than this is drawn faded
RECENT_DAYS = 30  # a place whose state changed this recently is labelled first
LABEL_FONT = 7
LABEL_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
MIN_PANEL_PX = 200  # the smallest map --size may leave, a side
INSET_SIZES = (0.28, 0.22, 0.16)  # the locator's width, of the panel's: the largest that fits
REGION_FACTOR = 6  # the locator shows a region this many times the panel's view...
REGION_MIN_M = 300_000  # ...and at least this wide
CORNERS = ("upper left", "upper right", "lower left", "lower right")
AREA_ALPHA = 0.12  # the page's fillOpacity
SIZE_LIMITS_IN = (2.0, 40.0)  # each side of --size, in inches (300 to 6,000 px at 150 dpi)
UNITS_PER_INCH = {"px": DPI, "in": 1.0, "cm": 2.54, "mm": 25.4}

SHAPE_MARKERS = {
    "square": "s",
    "circle": "o",
    "diamond": "D",
    "triangle": "^",
    "tent": "^",
    "hexagon": "h",
}


def _legend_handle(item: dict) -> Line2D:
    """One entry of the HTML map's legend (``legend_items``) as a matplotlib handle."""
    filled = item.get("fill", "none") != "none"
    return Line2D(
        [],
        [],
        marker=SHAPE_MARKERS.get(item["shape"], "o"),
        linestyle="",
        markerfacecolor=item["fill"] if filled else "none",
        markeredgecolor=item.get("ring") or item.get("stroke", "#222"),
        markeredgewidth=2 if item.get("ring") else 1,
        markersize=10 if item.get("ring") else 8,
        label=plain(item["label"]),
    )


def plain(text: str) -> str:
    """Text shown as written: each '$' escaped, so matplotlib never reads '$5 and $6' as TeX
    math (which fails to parse, or shows something else). ``parse_math=False`` is not enough:
    matplotlib measures wrapped lines as math all the same."""
    return text.replace("$", r"\$")


SIZES = {
    "city": 90,
    "town": 60,
    "village": 40,
    "camp": 60,
    "neighbourhood": 35,
    "district": 50,
    "site": 35,
}
CORE_KINDS = ["town", "village", "neighbourhood", "district", "site"]  # what the extent frames

# Where a label goes around its marker, in order of preference: (dx, dy, ha, va).
POSITIONS = (
    (1, 0, "left", "center"),
    (1, 1, "left", "bottom"),
    (1, -1, "left", "top"),
    (-1, 0, "right", "center"),
    (-1, 1, "right", "bottom"),
    (-1, -1, "right", "top"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
)


def markers(profile: Profile) -> dict[str, str]:
    """Each side's matplotlib marker (its shape in the profile)."""
    return {side.id: SHAPE_MARKERS[side.marker] for side in profile.sides}


def colours(profile: Profile) -> dict[str, str]:
    return {side.id: side.colour for side in profile.sides}


@dataclass(frozen=True)
class Marker:
    """A place drawn on a panel: where, how big (its outer radius in points, rings included)
    and how much its name matters (lower sorts first)."""

    place_id: str
    name: str
    x: float
    y: float
    radius: float
    rank: tuple


@dataclass
class Panel:
    """One drawn date: its axes and the places on it, before names, inset and scale bar."""

    ax: object
    day: dt.date
    markers: list[Marker] = field(default_factory=list)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``W,S,E,N`` in degrees (``--bbox``), checked: four numbers, west of east, south of
    north, on the globe."""
    hint = "--bbox WEST,SOUTH,EAST,NORTH in degrees, longitude first, e.g. 40.8,34.3,41.1,34.7"
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise UsageError(f"{text!r} is not four numbers W,S,E,N", field="--bbox", hint=hint)
    west, south, east, north = values
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and north <= 90):
        raise UsageError(f"{text!r} is off the globe", field="--bbox", hint=hint)
    if west >= east or south >= north:
        raise UsageError(
            f"{text!r} has {'west ≥ east' if west >= east else 'south ≥ north'}",
            field="--bbox",
            hint=hint,
        )
    return west, south, east, north


def parse_size(text: str) -> tuple[float, float]:
    """``WxH`` (``--size``) in pixels at 150 dpi, or with a unit (``16x12cm``, ``6.5x5in``,
    ``160x120mm``), as inches."""
    hint = "--size WIDTHxHEIGHT in pixels (1200x900) or with a unit: 16x12cm, 6.5x5in"
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(px|in|cm|mm)?\s*", text)
    if not match:
        raise UsageError(f"{text!r} is not a size WxH", field="--size", hint=hint)
    unit = match.group(3) or "px"
    width, height = (float(match.group(i)) / UNITS_PER_INCH[unit] for i in (1, 2))
    low, high = SIZE_LIMITS_IN
    if not (low <= width <= high and low <= height <= high):
        raise UsageError(
            f"{text!r} is outside {low * DPI:g}–{high * DPI:g} px "
            f"({low * 2.54:g}–{high * 2.54:g} cm) a side",
            field="--size",
            hint=hint,
        )
    return width, height


def _basemap(timeline: Timeline, user_layers: dict | None) -> gpd.GeoDataFrame:
    """The basemap the page draws for this campaign (derived for the gazetteer's extent)
    and the user's layers, in the timeline's CRS."""
    features = page_basemap(timeline.gazetteer, user_layers)["features"]
    rows = [
        {
            "layer": f["properties"]["layer"],
            "name": f["properties"].get("name", ""),
            "kind": f["properties"].get("kind", ""),
            "geometry": shape(f["geometry"]),
        }
        for f in features
    ]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").to_crs(timeline.crs)


def _credit(user_layers: dict | None) -> str:
    """The figure's credit for its map data: the derived basemap's sources and each user
    layer's."""
    credit = f". Map: geomap; basemap {basemap_credit()}"
    user = (user_layers or {}).get("properties", {}).get("sources", [])
    return credit + "".join(f"; {source}" for source in user) + "."


def _extent(
    timeline: Timeline,
    places: gpd.GeoDataFrame,
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[float, float, float, float]:
    """``x0, x1, y0, y1`` in the projected CRS: ``bbox`` (degrees) when given, else the places
    with a state, padded."""
    if bbox is not None:
        return _bbox_extent(timeline, places, bbox)
    active = places[places["id"].isin(timeline.states) & (places["kind"] != "region")]
    active = active if len(active) else places
    core = active[active["kind"].isin(CORE_KINDS)]
    frame = core if len(core) >= 3 else active
    x0, y0, x1, y1 = frame.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.15 + 5000
    return x0 - pad, x1 + pad, y0 - pad, y1 + pad


def _bbox_extent(
    timeline: Timeline, places: gpd.GeoDataFrame, bbox: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The projected bounds of ``bbox``; it must hold at least one place of the gazetteer."""
    from pyproj import Transformer

    west, south, east, north = bbox
    points = places.to_crs("EPSG:4326").geometry
    lon, lat = points.x, points.y
    if not ((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)).any():
        w, s, e, n = points.total_bounds
        raise UsageError(
            f"no place of the gazetteer lies in {west:g},{south:g},{east:g},{north:g}",
            field="--bbox",
            hint=f"the places span {w:.2f},{s:.2f},{e:.2f},{n:.2f} (W,S,E,N, longitude first)",
        )
    to_crs = Transformer.from_crs("EPSG:4326", timeline.crs, always_xy=True)
    x0, y0, x1, y1 = to_crs.transform_bounds(west, south, east, north, densify_pts=21)
    return x0, x1, y0, y1


def _outline(ax, geoms, *, color: str, linewidth: float, linestyle="-", zorder: float = 2):
    """Every line and ring of ``geoms`` (shapely, in the axes' CRS) as one line collection
    (drawn directly: geopandas' ``plot`` redraws the whole figure on each call)."""
    lines = shapely.get_parts(shapely.boundary(geoms) if _areas(geoms).all() else geoms)
    segments = [shapely.get_coordinates(line) for line in lines]
    collection = LineCollection(
        segments, colors=color, linewidths=linewidth, linestyles=linestyle, zorder=zorder
    )
    ax.add_collection(collection, autolim=False)
    return collection


def _fill(ax, geoms, *, facecolor, zorder: float = 1.5, gid: str | None = None):
    """Polygons (holes kept) filled, without an edge."""
    patches = [
        PathPatch(
            MplPath.make_compound_path(
                MplPath(shapely.get_coordinates(poly.exterior)),
                *[MplPath(shapely.get_coordinates(ring)) for ring in poly.interiors],
            )
        )
        for poly in shapely.get_parts(geoms)
    ]
    collection = PatchCollection(
        patches, facecolors=facecolor, edgecolors="none", zorder=zorder, gid=gid
    )
    ax.add_collection(collection, autolim=False)
    return collection


def _areas(geoms) -> np.ndarray:
    return np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon


def _lines(part: gpd.GeoDataFrame, style: dict, ax) -> None:
    """Lines as lines, areas as their outline over a light fill (like the page)."""
    geoms = part.geometry.values.to_numpy()
    areas = _areas(geoms)
    if areas.any():
        _fill(ax, geoms[areas], facecolor=to_rgba(style["color"], 0.08))
        _outline(ax, geoms[areas], **style)
    if (~areas).any():
        _outline(ax, geoms[~areas], **style)


BASEMAP_STYLES = (
    ("lake", {"color": "#4a90c8", "linewidth": 0.6}),
    ("coast", {"color": "#5b87b0", "linewidth": 0.9}),
    ("admin1", {"color": "#999", "linewidth": 0.7, "linestyle": (0, (2, 3))}),
    ("region", {"color": "#888", "linewidth": 1, "linestyle": "--"}),
    ("border", {"color": "#666", "linewidth": 1, "linestyle": (0, (5, 3))}),
    ("river", {"color": "#4a90c8", "linewidth": 1.6}),
    ("user", {"color": "#8a6d3b", "linewidth": 1.2}),
)


def _draw_basemap(ax, basemap: gpd.GeoDataFrame, scale: float = 1.0) -> None:
    """The basemap's lines and outlines (``scale`` thins them, for the locator)."""
    for layer, style in BASEMAP_STYLES:
        style = {**style, "linewidth": style["linewidth"] * scale}
        part = basemap[(basemap["layer"] == layer) & (basemap.geom_type.str[-5:] != "Point")]
        if len(part) and layer == "region":
            _outline(ax, part.geometry.values.to_numpy(), **style)
        elif len(part) and layer == "lake":
            _fill(ax, part.geometry.values.to_numpy(), facecolor=to_rgba("#a8cbe8", 0.6))
            _outline(ax, part.geometry.values.to_numpy(), **style)
        elif len(part):
            _lines(part, style, ax)


NAME_STYLES = {
    "river": {"color": "#2f6f9f", "fontsize": 6.5, "fontstyle": "italic"},
    "province": {"color": "#666", "fontsize": 6},
}


def _draw_basemap_names(ax, basemap: gpd.GeoDataFrame, taken: list[Bbox], renderer) -> None:
    """Rivers' and provinces' names in the panel's view, after the places' names, each
    kept only where it overlaps nothing drawn (a name, a marker, the inset, the bar)."""
    frame = ax.get_window_extent(renderer)
    names = basemap[(basemap["layer"] == "label") & (basemap.geom_type == "Point")]
    for row in names.itertuples():
        x, y = ax.transData.transform((row.geometry.x, row.geometry.y))
        if not (frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1):
            continue
        words = row.name.upper() if row.kind == "province" else row.name
        text = ax.text(
            row.geometry.x,
            row.geometry.y,
            plain(words),
            ha="center",
            va="center",
            zorder=2.5,
            path_effects=LABEL_HALO,
            gid=f"basemap-name-{row.kind}",
            **NAME_STYLES.get(row.kind, NAME_STYLES["province"]),
        )
        box = text.get_window_extent(renderer).padded(1)
        if _inside(box, frame) and not _overlaps(box, taken):
            taken.append(box)
        else:
            text.remove()


def held_area_on(areas: list[HeldArea], day: dt.date) -> HeldArea | None:
    """The area the page shows on ``day``: the last one dated on or before it."""
    shown = [area for area in areas if area.day <= day]
    return shown[-1] if shown else None


def _draw_areas(ax, timeline: Timeline, areas: dict[str, list[HeldArea]], day: dt.date) -> str:
    """Each shaded side's held area on ``day``, as the page draws it (the side's colour,
    light fill, dashed edge); returns the line the page shows beside the date."""
    texts = []
    for side_id, side_areas in areas.items():
        side = timeline.profile.side(side_id)
        area = held_area_on(side_areas, day)
        if side is None or area is None or not area.polygons:
            continue
        polygons = [
            Polygon(
                _pairs(rings[0]),
                [_pairs(ring) for ring in rings[1:]],
            )
            for rings in area.polygons
        ]
        shapes = gpd.GeoSeries(polygons, crs="EPSG:4326").to_crs(timeline.crs)
        geoms = shapes.values.to_numpy()
        _fill(
            ax,
            geoms,
            facecolor=to_rgba(side.colour, AREA_ALPHA),
            zorder=2,
            gid=f"held-area-{side.id}-{day}",
        )
        _outline(ax, geoms, color=side.colour, linewidth=1, linestyle=(0, (4, 3)))
        if area.km2 > 0:
            texts.append(f"{held_label(side)} ≈ {area.km2:,} km²")
    return "; ".join(texts)


def _pairs(flat: list[float]) -> list[tuple[float, float]]:
    return list(zip(flat[0::2], flat[1::2], strict=True))


def label_rank(kind: str, state, day: dt.date) -> tuple:
    """Which names win a crowded spot: places changed in the last ``RECENT_DAYS`` first
    (the newest first), then larger places."""
    age = (day - state.day).days if state is not None else None
    recent = age is not None and 0 <= age <= RECENT_DAYS
    return (0 if recent else 1, age if recent else 0, -SIZES.get(kind, 40))


def draw(
    ax,
    timeline: Timeline,
    day: dt.date,
    basemap,
    places,
    extent,
    areas: dict[str, list[HeldArea]] | None = None,
) -> Panel:
    """One panel: basemap, held areas, places by state on ``day``, title; the names, inset
    and scale bar wait for the final layout (:func:`finish`)."""
    x0, x1, y0, y1 = extent
    colour, marker = colours(timeline.profile), markers(timeline.profile)
    panel = Panel(ax, day)
    _draw_basemap(ax, basemap)
    area_text = _draw_areas(ax, timeline, areas or {}, day)
    for _pid, place in places.iterrows():
        if place["kind"] == "region":
            continue
        state = timeline.state(place["id"], day)
        # a side the profile lacks is drawn as unknown, as on the page
        controller = state.controller if state and state.controller in colour else ""
        x, y = place.geometry.x, place.geometry.y
        size = SIZES.get(place["kind"], 40)
        radius = math.sqrt(size) / 2 + 1
        stale = state is not None and (day - state.day).days > STALE_DAYS
        alpha = 0.35 if stale else 1.0
        if place["kind"] == "camp" and not controller:
            ax.scatter(x, y, marker="^", s=size, facecolors="none", edgecolors="#555", zorder=4)
        elif controller:
            ax.scatter(
                x,
                y,
                marker=marker.get(controller, "o"),
                s=size,
                c=colour.get(controller, "#999"),
                edgecolors="#222",
                linewidths=0.8,
                alpha=alpha,
                zorder=5,
            )
            if state.status in ("contested", "besieged"):
                ax.scatter(
                    x,
                    y,
                    marker="o",
                    s=size * 3.2,
                    facecolors="none",
                    edgecolors=colour.get(state.challenger, "#999"),
                    linewidths=2,
                    linestyle="--" if state.status == "contested" else ":",
                    zorder=4,
                    alpha=alpha,
                )
                radius = math.sqrt(size * 3.2) / 2 + 1
        else:
            ax.scatter(
                x,
                y,
                marker="o",
                s=size,
                facecolors="none",
                edgecolors=colour.get(state.former, "#777") if state else "#777",
                linestyle="--" if state else "-",
                zorder=4,
            )
        rank = (*label_rank(place["kind"], state, day), place["name"])
        panel.markers.append(Marker(place["id"], place["name"], x, y, radius, rank))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("auto")  # equal once the layout is known: finish widens the view to fill it
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor("#f4f4f0")
    ax.set_title(day.isoformat(), fontsize=12, fontweight="bold", pad=14 if area_text else 6)
    if area_text:
        ax.text(
            0.5,
            1.012,
            area_text,
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=8,
            parse_math=False,
        )
    return panel


def _fill_panel(ax) -> None:
    """Widen the view (never narrow it) to the shape of the panel's box, so the map fills
    the space the layout gave it."""
    box = ax.get_position(original=True).transformed(ax.figure.transFigure)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    wanted = box.width / box.height
    if width / height < wanted:
        grow = (height * wanted - width) / 2
        ax.set_xlim(x0 - grow, x1 + grow)
    else:
        grow = (width / wanted - height) / 2
        ax.set_ylim(y0 - grow, y1 + grow)
    ax.set_aspect("equal")
    ax.apply_aspect()


def _marker_boxes(ax, panel: Panel) -> list[Bbox]:
    """Each marker's square in display space (pixels)."""
    scale = ax.figure.dpi / 72
    centres = ax.transData.transform([(m.x, m.y) for m in panel.markers]).reshape(-1, 2)
    return [
        Bbox.from_extents(
            cx - m.radius * scale,
            cy - m.radius * scale,
            cx + m.radius * scale,
            cy + m.radius * scale,
        )
        for (cx, cy), m in zip(centres, panel.markers, strict=True)
    ]


def _overlaps(box: Bbox, others: list[Bbox] | np.ndarray) -> int:
    """How many of ``others`` (boxes, or their extents as rows) ``box`` overlaps (touching
    edges do not count)."""
    rows = np.asarray([o.extents for o in others] if isinstance(others, list) else others)
    if not len(rows):
        return 0
    x0, y0, x1, y1 = box.extents
    hits = (x0 < rows[:, 2]) & (rows[:, 0] < x1) & (y0 < rows[:, 3]) & (rows[:, 1] < y1)
    return int(np.count_nonzero(hits))


def _inside(box: Bbox, frame: Bbox) -> bool:
    return frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


def _corner_bounds(ax, corner: str, width: float, renderer) -> list[float]:
    """Axes-fraction bounds of a square ``width`` of the panel's width in ``corner``."""
    frame = ax.get_window_extent(renderer)
    height = min(width * frame.width / frame.height, 0.45)
    margin_x, margin_y = 8 / frame.width, 8 / frame.height
    left = margin_x if "left" in corner else 1 - margin_x - width
    bottom = margin_y if "lower" in corner else 1 - margin_y - height
    return [left, bottom, width, height]


def _region(ax, basemap) -> tuple[tuple[float, float, float, float], gpd.GeoDataFrame]:
    """The locator's window (``x0, x1, y0, y1``: a square around the panel's view, several
    times wider) and the basemap features in it."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    half = max(REGION_MIN_M, REGION_FACTOR * max(x1 - x0, y1 - y0)) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    window = (cx - half, cx + half, cy - half, cy + half)
    return window, basemap.cx[window[0] : window[1], window[2] : window[3]]


def _locator_spot(ax, markers: list[Bbox], renderer) -> tuple[str, list[float]] | None:
    """The corner and bounds of the locator: the largest of ``INSET_SIZES`` that fits in a
    corner without hiding a place (corners in ``CORNERS`` order); None when none does."""
    for fraction in INSET_SIZES:
        for corner in CORNERS:
            bounds = _corner_bounds(ax, corner, fraction, renderer)
            if not _overlaps(Bbox(ax.transAxes.transform(_box(bounds))), markers):
                return corner, bounds
    return None


def _locator(ax, bounds: list[float], window, region, places, day: dt.date):
    """A small map of the region around the panel's view, the view outlined in red."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inset = ax.inset_axes(bounds, zorder=8)
    inset.set_gid(f"locator-{day}")
    _draw_basemap(inset, region, scale=0.5)
    cities = region[(region["layer"] == "city") & (region.geom_type == "Point")]
    points = places[places["kind"] != "region"]
    for frame, size in ((cities, 3), (points, 1)):
        if len(frame):
            inset.scatter(frame.geometry.x, frame.geometry.y, s=size, c="#555", linewidths=0)
    inset.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            fill=False,
            edgecolor="#d62728",
            linewidth=1.2,
            zorder=5,
            gid=f"locator-view-{day}",
        )
    )
    inset.set_xlim(window[0], window[1])
    inset.set_ylim(window[2], window[3])
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_edgecolor("#888")
    return inset


def _scale_bar(ax, corner: str, day: dt.date) -> AnchoredSizeBar:
    """A bar of a round length (the projected CRS's metres) about a quarter of the view."""
    x0, x1 = ax.get_xlim()
    target = (x1 - x0) / 4
    magnitude = 10 ** math.floor(math.log10(target))
    length = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        f"{length / 1000:g} km",
        corner,
        pad=0.3,
        borderpad=0.6,
        sep=3,
        frameon=False,
        size_vertical=0,
        fontproperties={"size": 7},
    )
    bar.size_bar.get_children()[0].set_linewidth(2)
    bar.set_gid(f"scale-bar-{day}")
    bar.set_zorder(8)
    ax.add_artist(bar)
    return bar


def finish(panel: Panel, basemap, places, renderer, avoid: list[Bbox], inset: bool = True):
    """The parts placed in display space once the layout is final: the locator in a corner
    free of places (when there is one, and basemap around the view), the scale bar in the
    lower corner with the fewest places, then the names, most important first, each where
    it overlaps nothing drawn (dropped when no such spot is left)."""
    ax = panel.ax
    _fill_panel(ax)
    boxes = _marker_boxes(ax, panel)
    frame = ax.get_window_extent(renderer)
    taken = list(avoid)
    corners = list(CORNERS)
    window, region = _region(ax, basemap)
    spot = _locator_spot(ax, boxes, renderer) if inset and len(region) else None
    if spot is not None:  # else no basemap to locate the view by, or no corner free of places
        corner, bounds = spot
        corners.remove(corner)
        locator = _locator(ax, bounds, window, region, places, panel.day)
        taken.append(locator.get_window_extent(renderer))
    bars = []
    for corner in [c for c in corners if c.startswith("lower")] or corners:
        bar = _scale_bar(ax, corner, panel.day)
        bars.append((_overlaps(bar.get_window_extent(renderer), boxes), len(bars), bar))
    _crowd, _order, bar = min(bars, key=lambda item: item[:2])
    for *_rest, other in bars:
        if other is not bar:
            other.remove()
    taken.append(bar.get_window_extent(renderer))
    taken += boxes
    placed = _place_labels(ax, panel, frame, taken, renderer)
    named = taken + [t.get_window_extent(renderer).padded(1) for t in placed]
    _draw_basemap_names(ax, basemap, named, renderer)
    return placed


def _box(bounds: list[float]) -> list[list[float]]:
    left, bottom, width, height = bounds
    return [[left, bottom], [left + width, bottom + height]]


def _place_labels(ax, panel: Panel, frame: Bbox, taken: list[Bbox], renderer) -> list:
    """Greedy placement over label boxes: each name in rank order takes the first of
    ``POSITIONS`` around its marker that stays in the panel and overlaps nothing taken."""
    scale = ax.figure.dpi / 72
    centres = ax.transData.transform([(m.x, m.y) for m in panel.markers]).reshape(-1, 2)
    order = sorted(range(len(panel.markers)), key=lambda i: panel.markers[i].rank)
    placed = []
    extents = np.asarray([b.extents for b in taken]).reshape(-1, 4)
    for index in order:
        spot = panel.markers[index]
        cx, cy = centres[index]
        if not (frame.x0 <= cx <= frame.x1 and frame.y0 <= cy <= frame.y1):
            continue
        gap = spot.radius + 1.5
        text = ax.annotate(
            spot.name,
            (spot.x, spot.y),
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=LABEL_FONT,
            color="#222",
            zorder=7,
            path_effects=LABEL_HALO,
            parse_math=False,
            gid=f"label-{panel.day}-{spot.place_id}",
        )
        for dx, dy, ha, va in POSITIONS:
            text.set_position((dx * gap, dy * gap))
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = text.get_window_extent(renderer).expanded(1, 1).padded(1 * scale)
            if _inside(box, frame) and not _overlaps(box, extents):
                extents = np.vstack([extents, box.extents])
                placed.append(text)
                break
        else:
            text.remove()
    return placed


def _check_room(fig, axes: list, legend, heading, renderer) -> None:
    """Each map at least ``MIN_PANEL_PX`` a side, above the legend, the legend within the
    figure; else the figure is closed and the size refused, with one that fits."""
    width, height = fig.get_window_extent(renderer).size
    key = legend.get_window_extent(renderer)
    boxes = [ax.get_position().transformed(fig.transFigure) for ax in axes]
    narrow = min(min(box.width, box.height) for box in boxes)
    if narrow >= MIN_PANEL_PX and key.y1 <= min(box.y0 for box in boxes) and key.width <= width:
        return
    # a size with room: the legend, source line and title as measured, each row of maps
    # its titles and MIN_PANEL_PX, and tight_layout's pads, generously
    rows = len({round(box.y0) for box in boxes})
    cols = math.ceil(len(axes) / rows)
    titles = max(
        ax.get_tightbbox(renderer).height - box.height for ax, box in zip(axes, boxes, strict=True)
    )
    top = heading.get_window_extent(renderer).height
    need_w = max(key.width + 40, cols * (MIN_PANEL_PX + 60), width)
    need_h = max(key.y1 + top + rows * (MIN_PANEL_PX + titles + 60) + 60, height)
    plt.close(fig)
    raise UsageError(
        f"{width:.0f}x{height:.0f} px leaves no room for the map beside the title, legend "
        "and source line",
        field="--size",
        hint=f"a larger size, e.g. --size {_round_up(need_w)}x{_round_up(need_h)}",
    )


def _round_up(pixels: float) -> int:
    return math.ceil(pixels / 10) * 10


def _legend(fig, handles: list, columns: int, bottom: float):
    """The figure's legend above ``bottom`` (pixels), in as many of ``columns`` as fit its
    width."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_window_extent(renderer).size
    for ncol in range(columns, 0, -1):
        legend = fig.legend(
            handles=handles,
            loc="lower center",
            ncol=ncol,
            fontsize=7,
            frameon=False,
            bbox_to_anchor=(0.5, bottom / height),
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
        if ncol == 1 or legend.get_window_extent(renderer).width <= width:
            return legend
        legend.remove()
    return legend


def snapshot_figure(
    timeline: Timeline,
    articles: list[dict],
    dates: list[dt.date],
    *,
    title: str | None = None,
    user_layers: dict | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    size: tuple[float, float] | None = None,
    inset: bool = True,
):
    """One matplotlib figure of the state on ``dates`` (small multiples when several):
    ``bbox`` (W, S, E, N degrees) is the least each panel shows, ``size`` the figure's
    (width, height) in inches; the caller closes it."""
    title = timeline.profile.title if title is None else title
    basemap = _basemap(timeline, user_layers)
    credit = _credit(user_layers)
    places = timeline.gazetteer.to_geodataframe().to_crs(timeline.crs)
    extent = _extent(timeline, places, bbox)
    areas = shaded_areas(timeline)
    outlets = sorted({a["outlet"] or a["name"] for a in articles})
    source = "Sources: " + "; ".join(outlets) if outlets else "Source: curated events"
    cols = math.ceil(math.sqrt(len(dates)))
    rows = math.ceil(len(dates) / cols)
    figsize = size or (PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows)
    fig, axes = plt.subplots(rows, cols, figsize=figsize, squeeze=False, dpi=DPI)
    panels = []
    for index, ax in enumerate(axes.flat):
        if index < len(dates):
            panels.append(draw(ax, timeline, dates[index], basemap, places, extent, areas))
        else:
            ax.axis("off")
    # wrapped text is measured as TeX math whatever parse_math says: each '$' is escaped
    heading = fig.suptitle(plain(title), fontsize=14, fontweight="bold", wrap=True)
    note = fig.text(0.01, 0.005, plain(source + credit), fontsize=6.5, color="#444", wrap=True)
    handles = [_legend_handle(item) for item in legend_items(timeline.profile)]
    for side_id in areas:
        side = timeline.profile.side(side_id)
        handles.append(
            Patch(
                facecolor=to_rgba(side.colour, AREA_ALPHA),
                edgecolor=side.colour,
                linestyle=(0, (4, 3)),
                label=held_label(side),
            )
        )
    renderer = fig.canvas.get_renderer()
    height = fig.get_window_extent(renderer).height
    legend = _legend(fig, handles, 2 if cols == 1 else 3, note.get_window_extent(renderer).y1)
    # the suptitle is tight_layout's already; the legend and the source line sit below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a layout that does not fit: checked next
        fig.tight_layout(rect=(0, legend.get_window_extent(renderer).y1 / height + 0.01, 1, 1))
    _check_room(fig, [panel.ax for panel in panels], legend, heading, renderer)
    avoid = [legend.get_window_extent(renderer)]
    for panel in panels:
        finish(panel, basemap, places, renderer, avoid, inset=inset)
    return fig


def snapshot(
    timeline: Timeline,
    articles: list[dict],
    dates: list[dt.date],
    out_dir: str | Path,
    *,
    grid: bool = False,
    title: str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
    user_layers: dict | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    size: tuple[float, float] | None = None,
    inset: bool = True,
) -> list[Path]:
    """PNG and SVG of the state on each date (or one figure of small multiples with ``grid``);
    ``title`` defaults to the profile's; ``user_layers`` from
    :func:`geomap.mapping.basemap.read_user_layers` are drawn and credited; ``bbox``,
    ``size`` and ``inset`` as in :func:`snapshot_figure`. The figures are written as one set
    that replaces ``out_dir`` (:mod:`geomap.outputs`)."""
    with output_set(out_dir) as folder:
        written = _draw_all(
            timeline, articles, dates, folder, grid, title, formats, user_layers, bbox, size, inset
        )
    return [Path(out_dir) / path.name for path in written]


def _draw_all(
    timeline: Timeline,
    articles: list[dict],
    dates: list[dt.date],
    out: Path,
    grid: bool,
    title: str | None,
    formats: tuple[str, ...],
    user_layers: dict | None,
    bbox: tuple[float, float, float, float] | None,
    size: tuple[float, float] | None,
    inset: bool,
) -> list[Path]:
    """Draw the figures and write them into the folder ``out``."""
    from geomap.pipeline import atomic_write

    plt.rcParams["svg.hashsalt"] = "geomap"
    panels = [dates] if grid else [[d] for d in dates]
    written: list[Path] = []
    for group in panels:
        fig = snapshot_figure(
            timeline,
            articles,
            group,
            title=title,
            user_layers=user_layers,
            bbox=bbox,
            size=size,
            inset=inset,
        )
        stem = (
            ("grid_" + "_".join(d.isoformat() for d in group))
            if grid
            else (f"snapshot_{group[0].isoformat()}")
        )
        for fmt in formats:
            buffer = BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
            written.append(atomic_write(out / f"{stem}.{fmt}", buffer.getvalue()))
        plt.close(fig)
    return written


def drawable_days(timeline: Timeline) -> tuple[dt.date, dt.date] | None:
    """The days a figure can show: from the first event (or the campaign's window, if it
    starts earlier) to the last event (or the window's end, if later); None with no event."""
    if timeline.days is None:
        return None
    first, last = timeline.days
    start, end = timeline.profile.start, timeline.profile.end
    return min(first, start or first), max(last, end or last)


def check_dates(timeline: Timeline, dates: list[dt.date]) -> None:
    """Refuse a date outside :func:`drawable_days` (before anything is known, or long after the
    campaign): its figure would show nothing, or a stale state as if current."""
    from geomap.exc import UsageError

    span = drawable_days(timeline)
    if span is None:
        return
    for day in dates:
        if not span[0] <= day <= span[1]:
            first, last = timeline.days
            raise UsageError(
                f"{day} is outside the data: events from {first} to {last}",
                field="--date",
                hint=f"draw a date from {span[0]} to {span[1]} (the events and the "
                "window in campaign.toml)",
            )
