"""Timeline -> files for GIS tools: a GeoPackage (places, events, control, mentions), and the
same layers as GeoJSON and CSV. ``control`` has one row per place and period, ``start`` to
``end`` (its last day, included; none while it lasts): in the GeoPackage real DATETIME fields
at 00:00 with NULL open ends, and a default layer style that sets QGIS's Temporal Controller
up for them; elsewhere ISO dates (no time zones to shift).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from geomap.exc import OutputError
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
# the control layer's temporal settings, as QGIS reads them from the layer_styles table
CONTROL_STYLE = Path(__file__).with_name("templates") / "control_style.qml"


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
                current["end"] = (state.day - dt.timedelta(days=1)).isoformat()  # its last day
                rows.append(current)
            current = {
                "place_id": place.id,
                "place": place.name,
                "controller": state.controller,
                "status": state.status,
                "start": state.day.isoformat(),
                "end": None,  # while it lasts
                "approximate": state.approx,
                "inferred": state.inferred,
                "_sources": set(sources),
            }
        if current:
            rows.append(current)
    for row in rows:
        row["sources"] = "|".join(sorted(row.pop("_sources")))
    return rows


def animation_range(timeline: Timeline) -> tuple[dt.date, dt.date] | None:
    """The range QGIS's Temporal Controller needs to show every day of the timeline: its
    first day to the day after its last (QGIS's last frame ends at the range's end, and its
    "full range" of the control layer stops at the last change, before later reports)."""
    if timeline.days is None:
        return None
    first, last = timeline.days
    return first, last + dt.timedelta(days=1)


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


def _first_line(error: Exception) -> str:
    """The first line of a library's error message, shortened (GDAL quotes whole SQL)."""
    text = str(error).strip().split("\n", 1)[0]
    return text if len(text) <= 160 else text[:157] + "..."


def _datetimes(control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``start`` and ``end`` as DATETIME at 00:00 without a time zone, NULL for an open end.

    Not DATE: QGIS 3.22 compares a DATE with its frames' datetimes as text ('2018-12-14' <
    '2018-12-14T00:00:00.000'), which shows a period a day early and hides its last day. Not
    UTC: QGIS's frames are local midnights, so a zone would shift each period west of it."""
    dated = control.copy()
    for column in ("start", "end"):
        dated[column] = pd.to_datetime(dated[column], format="%Y-%m-%d")
    return dated


def _layer_styles() -> pd.DataFrame:
    """The ``layer_styles`` table QGIS reads a layer's default style from (its columns)."""
    return pd.DataFrame(
        {
            "f_table_catalog": [""],
            "f_table_schema": [""],
            "f_table_name": ["control"],
            "f_geometry_column": ["geom"],
            "styleName": ["geomap"],
            "styleQML": [CONTROL_STYLE.read_text(encoding="utf-8")],
            "styleSLD": [""],
            "useAsDefault": [True],
            "description": ["geomap: shown from start to end, both days included"],
            "owner": [""],
            "ui": [""],
            "update_time": [pd.Timestamp(FIXED_TIME)],
        }
    )


def write_geopackage(
    frames: dict[str, gpd.GeoDataFrame], path: Path, shown: Path | None = None
) -> Path:
    """The layers in one GeoPackage, with the control layer's default style; written to a
    temporary name and renamed. GeoPackage 1.2, which QGIS's GDAL reads without a warning.
    ``shown``: the path an error names (where the file will be, not the set being written)."""
    tmp = path.with_name(f".{path.stem}.partial.gpkg")
    tmp.unlink(missing_ok=True)
    millisecond = {"DATETIME_PRECISION": "MILLISECOND"}  # '2018-12-14T00:00:00.000'
    tables = [(name, data, {}) for name, data in frames.items()]
    tables[list(frames).index("control")] = ("control", _datetimes(frames["control"]), millisecond)
    tables.append(("layer_styles", _layer_styles(), {**millisecond, "FID": "id"}))
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIME})
    try:
        _write_tables(tables, tmp)
        tmp.replace(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise OutputError(
            f"cannot write the GeoPackage ({_first_line(error)})",
            file=shown or path,
            hint="check that the folder is writable and the disk has room",
        ) from None
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        tmp.unlink(missing_ok=True)
    return path


def _write_tables(tables: list[tuple[str, pd.DataFrame, dict]], tmp: Path) -> None:
    """Each (layer, data, layer options) into the GeoPackage ``tmp``, the first creating it."""
    for index, (name, data, options) in enumerate(tables):
        pyogrio.write_dataframe(
            data,
            tmp,
            layer=name,
            driver="GPKG",
            append=index > 0,
            dataset_options={"VERSION": "1.2"} if index == 0 else None,
            layer_options=options,
        )


def export_gis(
    timeline: Timeline,
    mentions: list[Mention],
    out_dir: str | Path,
    *,
    events_file: str | Path | None = None,
) -> list[Path]:
    """Write campaign.gpkg and every layer as <layer>.geojson and <layer>.csv; return the paths.

    ``events.csv``, ``events.geojson`` and ``mentions.csv`` are those ``geomap build`` writes;
    ``events_file`` (the events CSV these events were read from) is never overwritten. The
    files are written into a fresh folder that then replaces ``out_dir`` whole, like every
    other output set (:mod:`geomap.outputs`).
    """
    from geomap.pipeline import write_event_outputs

    out = Path(out_dir)
    frames = _frames(timeline, mentions)
    source = Path(events_file).resolve() if events_file is not None else None
    with output_set(out_dir) as folder:
        inside = source is not None and source.parent == out.resolve()
        keep = (folder / source.name).resolve() if inside else None  # carried over
        written = [write_geopackage(frames, folder / "campaign.gpkg", out / "campaign.gpkg")]
        written += write_event_outputs(timeline, mentions, folder, keep=keep)
        written += _write_layers(frames, folder)
    return [out / path.name for path in written]


def _write_layers(frames: dict[str, gpd.GeoDataFrame], out: Path) -> list[Path]:
    """places.csv and control.csv (spreadsheet-safe), and the GeoJSON of places, control and
    mentions, into the folder ``out``."""
    from geomap.pipeline import atomic_write

    written: list[Path] = []
    for name in ("places", "control"):
        data = frames[name]
        table = pd.DataFrame(data.drop(columns=["geometry", "line"], errors="ignore"))
        table = _spreadsheet_safe(table)
        written.append(
            atomic_write(out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        )
    for name in ("places", "control", "mentions"):  # events.geojson: as build writes it
        geojson = frames[name].to_json(drop_id=True, ensure_ascii=False)
        written.append(atomic_write(out / f"{name}.geojson", geojson))
    return written
