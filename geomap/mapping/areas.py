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
    km2: int  # around the places with current evidence (all held places without stale_days)
    polygons: list[list[list[float]]]  # that area: polygons -> rings -> flat lon,lat pairs
    km2_with_stale: int = -1  # around every place last reported held (-1: not computed)


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
    timeline: Timeline, holders: Sequence[str] | None = None, stale_days: int | None = None
) -> dict[str, list[HeldArea]]:
    """Each shaded side's areas by date; ``holders`` default to the profile's ``shade`` list
    (several sides, or none); ``stale_days`` as in :func:`held_areas`."""
    holders = timeline.profile.shade if holders is None else holders
    return {holder: held_areas(timeline, holder, stale_days=stale_days) for holder in holders}


def _membership(timeline: Timeline, holder: str, settled: set[str], stale_days: int | None):
    """(day, place, held now, held by its latest report) rows: a place stops counting as
    current ``stale_days`` after its latest evidence (the day the map draws it faded)."""
    rows = []
    for pid, states in timeline.states.items():
        if pid not in settled:
            continue
        for k, state in enumerate(states):
            held = state.controller == holder
            rows.append((state.day, pid, held, held))
            if held and stale_days is not None:
                fades = state.day + dt.timedelta(days=stale_days + 1)
                following = states[k + 1].day if k + 1 < len(states) else None
                if following is None or fades < following:
                    rows.append((fades, pid, False, True))
    return sorted(rows)


def held_areas(
    timeline: Timeline,
    holder: str,
    *,
    buffer_km: float = BUFFER_KM,
    close_km: float = CLOSE_KM,
    max_snapshots: int = MAX_SNAPSHOTS,
    stale_days: int | None = None,
) -> list[HeldArea]:
    """One area per date on which the set of places ``holder`` holds changes.

    With ``stale_days``, the area counts only places whose latest evidence is at most that
    old (what the map draws unfaded), and ``km2_with_stale`` is the area counting every
    place last reported held: the figure is 'at least km2, up to km2_with_stale'."""
    gaz = timeline.gazetteer
    settled = {p.id for p in gaz if p.kind in GROUND_KINDS}
    sweep = _membership(timeline, holder, settled, stale_days)
    if not sweep:
        return []
    held: set[str] = set()
    reported: set[str] = set()
    snapshots: list[tuple[dt.date, frozenset[str], frozenset[str]]] = []
    i = 0
    while i < len(sweep):
        day = sweep[i][0]
        while i < len(sweep) and sweep[i][0] == day:
            _d, pid, is_held, is_reported = sweep[i]
            (held.add if is_held else held.discard)(pid)
            (reported.add if is_reported else reported.discard)(pid)
            i += 1
        current = (frozenset(held), frozenset(reported))
        if not snapshots or snapshots[-1][1:] != current:
            snapshots.append((day, *current))
    if len(snapshots) > max_snapshots:
        stride = len(snapshots) / max_snapshots
        snapshots = [snapshots[int(k * stride)] for k in range(max_snapshots)] + [snapshots[-1]]
    import geopandas as gpd  # here: a map without the held area does not need it
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    crs = timeline.crs
    frame = gaz.to_geodataframe().to_crs(crs)
    points = dict(zip(frame.index, frame.geometry, strict=True))

    def area(members: frozenset[str]):
        geoms = shapely.buffer([points[m] for m in sorted(members)], buffer_km * 1000)
        merged = shapely.union_all(geoms)
        closed = shapely.buffer(shapely.buffer(merged, close_km * 1000), -close_km * 1000)
        return closed if not closed.is_empty else merged

    areas: list[HeldArea] = []
    for day, members, reported in snapshots:
        with_stale = -1
        if stale_days is not None:
            with_stale = int(round(area(reported).area / 1e6)) if reported else 0
        if not members:
            areas.append(HeldArea(day, 0, [], with_stale))
            continue
        closed = area(members)
        km2 = int(round(closed.area / 1e6))
        wgs = gpd.GeoSeries([closed], crs=crs).to_crs("EPSG:4326").iloc[0]
        wgs = shapely.simplify(wgs, 0.002)
        if isinstance(wgs, (Polygon, MultiPolygon)):
            areas.append(HeldArea(day, km2, _rings(wgs), with_stale))
    return areas
