"""The area a side holds on each date: buffers around its places, unioned and closed.

Computed with shapely in the campaign's projected CRS (metres: the profile's, or the UTM zone
of the gazetteer), never in degrees; areas in km².
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from geomap.timeline import Timeline

BUFFER_KM = 3.0
CLOSE_KM = 4.0
MAX_SNAPSHOTS = 400
MAX_PLACES = 500  # above this many places the area is not drawn unless asked (MapOptions.areas)
# the kinds of place whose holder holds the ground around them (not camps, not provinces)
GROUND_KINDS = ("city", "town", "village", "neighbourhood", "district", "site")


@dataclass(frozen=True)
class HeldArea:
    day: dt.date
    km2: int
    polygons: list[list[list[float]]]  # polygons -> rings -> flat lon,lat pairs


def _rings(geom) -> list[list[list[float]]]:
    polys = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
    out = []
    for poly in polys:
        if poly.is_empty:
            continue
        rings = [poly.exterior, *poly.interiors]
        out.append([[round(v, 4) for xy in ring.coords for v in xy] for ring in rings])
    return out


def shaded_areas(
    timeline: Timeline, holders: Sequence[str] | None = None
) -> dict[str, list[HeldArea]]:
    """Each shaded side's areas by date; ``holders`` default to the profile's ``shade`` list
    (several sides, or none)."""
    holders = timeline.profile.shade if holders is None else holders
    return {holder: held_areas(timeline, holder) for holder in holders}


def held_areas(
    timeline: Timeline,
    holder: str,
    *,
    buffer_km: float = BUFFER_KM,
    close_km: float = CLOSE_KM,
    max_snapshots: int = MAX_SNAPSHOTS,
) -> list[HeldArea]:
    """One area per date on which the set of places ``holder`` holds changes."""
    gaz = timeline.gazetteer
    settled = {p.id for p in gaz if p.kind in GROUND_KINDS}
    sweep = sorted(
        (s.day, pid, s.controller == holder)
        for pid, states in timeline.states.items()
        if pid in settled
        for s in states
    )
    if not sweep:
        return []
    held: set[str] = set()
    snapshots: list[tuple[dt.date, frozenset[str]]] = []
    i = 0
    while i < len(sweep):
        day = sweep[i][0]
        while i < len(sweep) and sweep[i][0] == day:
            _d, pid, is_held = sweep[i]
            (held.add if is_held else held.discard)(pid)
            i += 1
        current = frozenset(held)
        if not snapshots or snapshots[-1][1] != current:
            snapshots.append((day, current))
    if len(snapshots) > max_snapshots:
        stride = len(snapshots) / max_snapshots
        snapshots = [snapshots[int(k * stride)] for k in range(max_snapshots)] + [snapshots[-1]]
    import geopandas as gpd  # here: a map without the held area does not need it
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    crs = timeline.crs
    frame = gaz.to_geodataframe().to_crs(crs)
    points = dict(zip(frame.index, frame.geometry, strict=True))
    areas: list[HeldArea] = []
    for day, members in snapshots:
        if not members:
            areas.append(HeldArea(day, 0, []))
            continue
        geoms = shapely.buffer([points[m] for m in sorted(members)], buffer_km * 1000)
        merged = shapely.union_all(geoms)
        closed = shapely.buffer(shapely.buffer(merged, close_km * 1000), -close_km * 1000)
        closed = closed if not closed.is_empty else merged
        km2 = int(round(closed.area / 1e6))
        wgs = gpd.GeoSeries([closed], crs=crs).to_crs("EPSG:4326").iloc[0]
        wgs = shapely.simplify(wgs, 0.002)
        if isinstance(wgs, (Polygon, MultiPolygon)):
            areas.append(HeldArea(day, km2, _rings(wgs)))
    return areas
