"""Timeline -> files for GIS tools: a GeoPackage (places, events, control, mentions), and the
same layers as GeoJSON and CSV. Dates are ISO strings (no time zones to shift); ``control``
has one row per place and period (``start``..``end``, ``end`` empty while it lasts), which
QGIS's Temporal Controller animates directly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geomap.outputs import output_set
from geomap.records import EVENT_COLUMNS, MENTION_COLUMNS, Mention, spreadsheet_cell
from geomap.timeline import Timeline

CONTROL_COLUMNS = [
    "place_id",
    "place",
    "controller",
    "status",
    "start",
    "end",
    "approximate",
    "inferred",
    "sources",
]
# GeoPackage stores a 'last change' time; a fixed one keeps the file byte-identical per input
FIXED_TIME = "2000-01-01T00:00:00.000Z"


def control_periods(timeline: Timeline) -> list[dict]:
    """One row per place and uninterrupted period of the same controller and status."""
    events_by_id = {e.event_id: e for e in timeline.events}
    rows: list[dict] = []
    for place in timeline.gazetteer:
        states = timeline.states.get(place.id, [])
        current: dict | None = None
        for state in states:
            sources = {a for eid in state.event_ids for a in events_by_id[eid].sources}
            if current and (current["controller"], current["status"]) == (
                state.controller,
                state.status,
            ):
                current["_sources"] |= sources
                continue
            if current:
                current["end"] = (state.day - dt.timedelta(days=1)).isoformat()
                rows.append(current)
            current = {
                "place_id": place.id,
                "place": place.name,
                "controller": state.controller,
                "status": state.status,
                "start": state.day.isoformat(),
                "end": "",
                "approximate": state.approx,
                "inferred": state.inferred,
                "_sources": set(sources),
            }
        if current:
            rows.append(current)
    for row in rows:
        row["sources"] = "|".join(sorted(row.pop("_sources")))
    return rows


def _frames(timeline: Timeline, mentions: list[Mention]) -> dict[str, gpd.GeoDataFrame]:
    gaz = timeline.gazetteer
    places = gaz.to_geodataframe().reset_index(drop=True)
    points = dict(zip(places["id"], places.geometry, strict=True))

    def frame(rows: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
        table = pd.DataFrame(rows, columns=columns)
        geometry = [points[pid] for pid in table["place_id"]]
        return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")

    # every event, unconfirmed claims too; the control periods are the map's (confirmed only)
    events = frame([e.as_row() for e in timeline.all_events], EVENT_COLUMNS)
    events["inferred"] = events["inferred"] == "true"
    events["confidence"] = events["confidence"].astype(float)
    control = frame(control_periods(timeline), CONTROL_COLUMNS)
    mention_rows = frame([m.as_row() for m in mentions], MENTION_COLUMNS)
    return {"places": places, "events": events, "control": control, "mentions": mention_rows}


def _spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell spreadsheet-safe (``records.spreadsheet_cell``); the
    GeoPackage and GeoJSON keep the exact text."""
    safe = table.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]) and not pd.api.types.is_bool_dtype(
            safe[name]
        ):
            safe[name] = safe[name].map(
                lambda value: spreadsheet_cell(value) if isinstance(value, str) else value
            )
    return safe


def export_gis(timeline: Timeline, mentions: list[Mention], out_dir: str | Path) -> list[Path]:
    """Write campaign.gpkg and the layers as <layer>.geojson and <layer>.csv; return the paths.

    The files are written into a fresh folder that then replaces ``out_dir`` whole, like
    every other output set (:mod:`geomap.outputs`).
    """
    frames = _frames(timeline, mentions)
    with output_set(out_dir) as folder:
        written = _write_layers(frames, folder)
    return [Path(out_dir) / path.name for path in written]


def _write_layers(frames: dict[str, gpd.GeoDataFrame], out: Path) -> list[Path]:
    """campaign.gpkg and the GeoJSON and CSV layers, written into the folder ``out``."""
    from geomap.pipeline import atomic_write

    written: list[Path] = []
    gpkg = out / "campaign.gpkg"
    tmp = out / ".campaign.partial.gpkg"
    tmp.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIME})
    try:
        for name, data in frames.items():
            pyogrio.write_dataframe(data, tmp, layer=name, driver="GPKG", append=tmp.exists())
        tmp.replace(gpkg)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        tmp.unlink(missing_ok=True)
    written.append(gpkg)
    for name, data in frames.items():
        if name == "events":
            continue  # output/events.csv and events.geojson are written by every build
        written.append(
            atomic_write(out / f"{name}.geojson", data.to_json(drop_id=True, ensure_ascii=False))
        )
        table = pd.DataFrame(data.drop(columns="geometry"))
        if name == "places":
            table = table.drop(columns=[c for c in ("line",) if c in table])
        table = _spreadsheet_safe(table)
        written.append(
            atomic_write(out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        )
    return written
