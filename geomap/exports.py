"""Timeline -> files for GIS tools: a GeoPackage (places, events, control, mentions), and the
same layers as GeoJSON and CSV. Dates are ISO strings (no time zones to shift); ``control``
has one row per place and period (``start``..``end``, ``end`` empty while it lasts), which
QGIS's Temporal Controller animates directly.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from geomap.exc import OutputError
from geomap.records import EVENT_COLUMNS, MENTION_COLUMNS, Mention
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


def _first_line(error: Exception) -> str:
    """The first line of a library's error message, shortened (GDAL quotes whole SQL)."""
    text = str(error).strip().split("\n", 1)[0]
    return text if len(text) <= 160 else text[:157] + "..."


def export_gis(timeline: Timeline, mentions: list[Mention], out_dir: str | Path) -> list[Path]:
    """Write campaign.gpkg and the layers as <layer>.geojson and <layer>.csv; return the paths.

    Each file is written to a temporary name and renamed, like every other output.
    """
    from geomap.pipeline import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = _frames(timeline, mentions)
    written: list[Path] = []
    gpkg = out / "campaign.gpkg"
    # a folder of its own for the partial file: two exports at once never share a name
    try:
        partial = Path(tempfile.mkdtemp(prefix=".campaign.", suffix=".tmp", dir=out))
    except OSError as error:
        raise OutputError(
            f"cannot write in the folder ({error.strerror or error})",
            file=out,
            hint="check that the folder is writable and the disk has room",
        ) from None
    tmp = partial / gpkg.name
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIME})
    try:
        for name, data in frames.items():
            pyogrio.write_dataframe(data, tmp, layer=name, driver="GPKG", append=tmp.exists())
        tmp.replace(gpkg)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise OutputError(
            f"cannot write the GeoPackage ({_first_line(error)})",
            file=gpkg,
            hint="check that the folder is writable and the disk has room",
        ) from None
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        shutil.rmtree(partial, ignore_errors=True)
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
        written.append(
            atomic_write(out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        )
    return written
