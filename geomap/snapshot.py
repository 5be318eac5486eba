"""Static maps of the state on given dates, for PDF and Word reports (PNG and SVG).

The same colours, shapes, legend and basemap as the HTML map (the profile's sides), drawn with
matplotlib through geopandas in the campaign's projected CRS so distances read true; a title
(the profile's) and a source line on each.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from geomap.campaign import Profile  # noqa: E402
from geomap.mapping import legend_items  # noqa: E402
from geomap.mapping.basemap import shipped_basemap  # noqa: E402
from geomap.timeline import Timeline  # noqa: E402

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


def markers(profile: Profile) -> dict[str, str]:
    """Each side's matplotlib marker (its shape in the profile)."""
    return {side.id: SHAPE_MARKERS[side.marker] for side in profile.sides}


def colours(profile: Profile) -> dict[str, str]:
    return {side.id: side.colour for side in profile.sides}


def _basemap(crs: str, user_layers: dict | None) -> gpd.GeoDataFrame:
    """The shipped basemap and the user's layers, in ``crs``."""
    features = shipped_basemap()["features"] + (user_layers or {}).get("features", [])
    rows = [
        {
            "layer": f["properties"]["layer"],
            "name": f["properties"].get("name", ""),
            "geometry": shape(f["geometry"]),
        }
        for f in features
    ]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").to_crs(crs)


def _credit(user_layers: dict | None) -> str:
    """The figure's credit for its map data: the shipped basemap's and each user layer's."""
    credit = ". Map: geomap; basemap GSHHG (LGPL), Natural Earth, GeoNames (CC BY)"
    user = (user_layers or {}).get("properties", {}).get("sources", [])
    return credit + "".join(f"; {source}" for source in user) + "."


def _extent(timeline: Timeline, places: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    active = places[places["id"].isin(timeline.states) & (places["kind"] != "region")]
    active = active if len(active) else places
    core = active[active["kind"].isin(CORE_KINDS)]
    frame = core if len(core) >= 3 else active
    x0, y0, x1, y1 = frame.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.15 + 5000
    return x0 - pad, x1 + pad, y0 - pad, y1 + pad


def _lines(part: gpd.GeoDataFrame, style: dict, ax) -> None:
    """Lines as lines, areas as their outline over a light fill (like the page)."""
    areas = part.geom_type.str.endswith("Polygon")
    if areas.any():
        part[areas].plot(ax=ax, facecolor=style["color"], alpha=0.08)
        part[areas].boundary.plot(ax=ax, **style)
    if (~areas).any():
        part[~areas].plot(ax=ax, **style)


def draw(ax, timeline: Timeline, day: dt.date, basemap, places, extent) -> None:
    """One panel: basemap, places by state on ``day``, title."""
    x0, x1, y0, y1 = extent
    colour, marker = colours(timeline.profile), markers(timeline.profile)
    for layer, style in (
        ("region", {"color": "#888", "linewidth": 1, "linestyle": "--"}),
        ("border", {"color": "#666", "linewidth": 1, "linestyle": (0, (5, 3))}),
        ("river", {"color": "#4a90c8", "linewidth": 1.6}),
        ("user", {"color": "#8a6d3b", "linewidth": 1.2}),
    ):
        part = basemap[(basemap["layer"] == layer) & (basemap.geom_type.str[-5:] != "Point")]
        if len(part) and layer == "region":
            part.boundary.plot(ax=ax, **style)
        elif len(part):
            _lines(part, style, ax)
    for pid, place in places.iterrows():
        if place["kind"] == "region":
            continue
        state = timeline.state(pid, day)
        # a side the profile lacks is drawn as unknown, as on the page
        controller = state.controller if state and state.controller in colour else ""
        x, y = place.geometry.x, place.geometry.y
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        size = SIZES.get(place["kind"], 40)
        stale = state is not None and (day - state.day).days > 30
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
        if place["kind"] in ("town", "city") or (state and state.day == day):
            ax.annotate(
                plain(place["name"]),
                (x, y),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=7,
                color="#222",
                zorder=6,
            )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor("#f4f4f0")
    ax.set_title(day.isoformat(), fontsize=12, fontweight="bold")
    # a scale bar: the projected CRS's metres
    target = (x1 - x0) / 4
    magnitude = 10 ** math.floor(math.log10(target))
    length = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    ax.plot(
        [x0 + (x1 - x0) * 0.7, x0 + (x1 - x0) * 0.7 + length],
        [y0 + (y1 - y0) * 0.04] * 2,
        color="#222",
        linewidth=2,
    )
    ax.text(
        x0 + (x1 - x0) * 0.7 + length / 2,
        y0 + (y1 - y0) * 0.055,
        f"{length / 1000:g} km",
        ha="center",
        fontsize=7,
    )


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
) -> list[Path]:
    """PNG and SVG of the state on each date (or one figure of small multiples with ``grid``);
    ``title`` defaults to the profile's; ``user_layers`` from
    :func:`geomap.mapping.basemap.read_user_layers` are drawn and credited."""
    from geomap.pipeline import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    title = timeline.profile.title if title is None else title
    basemap = _basemap(timeline.crs, user_layers)
    credit = _credit(user_layers)
    places = timeline.gazetteer.to_geodataframe().to_crs(timeline.crs)
    extent = _extent(timeline, places)
    outlets = sorted({a["outlet"] or a["name"] for a in articles})
    source = "Sources: " + "; ".join(outlets) if outlets else "Source: curated events"
    plt.rcParams["svg.hashsalt"] = "geomap"
    panels = [dates] if grid else [[d] for d in dates]
    written: list[Path] = []
    for group in panels:
        cols = math.ceil(math.sqrt(len(group)))
        rows = math.ceil(len(group) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 6.2 * rows), squeeze=False)
        for index, ax in enumerate(axes.flat):
            if index < len(group):
                draw(ax, timeline, group[index], basemap, places, extent)
            else:
                ax.axis("off")
        fig.suptitle(plain(title), fontsize=14, fontweight="bold")
        fig.text(
            0.01,
            0.005,
            plain(source + credit),
            fontsize=6.5,
            color="#444",
            wrap=True,
        )
        fig.legend(
            handles=[_legend_handle(item) for item in legend_items(timeline.profile)],
            loc="lower center",
            ncol=2 if cols == 1 else 3,
            fontsize=7,
            frameon=False,
            bbox_to_anchor=(0.5, 0.025),
        )
        fig.tight_layout(rect=(0, (0.2 if cols == 1 else 0.12) / rows, 1, 0.97))
        stem = (
            ("grid_" + "_".join(d.isoformat() for d in group))
            if grid
            else (f"snapshot_{group[0].isoformat()}")
        )
        for fmt in formats:
            from io import BytesIO

            buffer = BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
            written.append(atomic_write(out / f"{stem}.{fmt}", buffer.getvalue()))
        plt.close(fig)
    return written
