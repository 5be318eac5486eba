"""Timeline -> map: one self-contained, offline, deterministic HTML page.

Data goes in a compact JSON block: places, and per place its sorted states (delta-encoded
days), so the page finds each place's state on a date by binary search and restyles only
the markers whose state changed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html as htmlmod
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import folium
import numpy as np

from geomap.articles import Article
from geomap.mapping.areas import MAX_PLACES, held_areas
from geomap.mapping.assets import STATIC, inline, placeholder, script_safe_json
from geomap.mapping.plugins import Basemap, Legend, OfflineAssets, TimeSlider
from geomap.periods import PRECISIONS
from geomap.records import KINDS, Event, Mention
from geomap.timeline import Timeline

FORMAT_VERSION = 1
ACTORS = ["", "SDF", "ISIS", "SYRIAN_GOV", "IRAQI_GOV", "COALITION"]
STATUSES = ["unknown", "held", "contested", "besieged", "lost"]
PLACE_KINDS = ["city", "town", "village", "camp", "region"]
COLORS = {
    "ISIS": "#111111",
    "SDF": "#f2c800",
    "SYRIAN_GOV": "#d62728",
    "IRAQI_GOV": "#7b1f3a",
    "COALITION": "#1f77b4",
}
LABELS = {
    "ISIS": "ISIS",
    "SDF": "SDF",
    "SYRIAN_GOV": "Syrian government",
    "IRAQI_GOV": "Iraqi government",
    "COALITION": "US-led coalition",
}
SHAPES = {
    "ISIS": "square",
    "SDF": "circle",
    "SYRIAN_GOV": "diamond",
    "IRAQI_GOV": "triangle",
    "COALITION": "hexagon",
}
RADIUS = {"city": 9, "town": 7, "village": 5.5, "camp": 7, "region": 0}
EPOCH = dt.date(1970, 1, 1)


def legend_items() -> list[dict]:
    items = [
        {"shape": SHAPES[a], "fill": COLORS[a], "label": LABELS[a]}
        for a in ("ISIS", "SDF", "SYRIAN_GOV", "IRAQI_GOV")
    ]
    items += [
        {
            "shape": "square",
            "fill": COLORS["ISIS"],
            "ring": COLORS["SDF"],
            "ringDash": [6, 3],
            "label": "Contested: holder inside, challenger's dashed ring",
        },
        {
            "shape": "square",
            "fill": COLORS["ISIS"],
            "ring": COLORS["SDF"],
            "ringDash": [2, 3],
            "label": "Besieged (dotted ring)",
        },
        {"shape": "circle", "fill": "none", "stroke": "#777", "label": "No information"},
        {
            "shape": "circle",
            "fill": "none",
            "stroke": COLORS["ISIS"],
            "dash": [3, 3],
            "label": "No longer held by the outline's side (inferred)",
        },
        {
            "shape": "circle",
            "fill": COLORS["SDF"],
            "dash": [1, 2],
            "label": "Dotted outline: month/year-precision evidence",
        },
        {"shape": "tent", "fill": "none", "stroke": "#555", "label": "Camp (not a battle site)"},
    ]
    return items


def _day(value: dt.date) -> int:
    return (value - EPOCH).days


class _Strings:
    """A table of unique strings (sentences repeat across events, mentions and claims)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        return self.index[text]


def _figures_text(mention: Mention) -> str:
    parts = [f"{f.value:,} {f.label}" for f in mention.figures if f.label != "capacity"]
    capacity = [f"capacity {f.value:,}" for f in mention.figures if f.label == "capacity"]
    text = " · ".join(parts)
    if capacity:
        text = f"{text} ({', '.join(capacity)})" if text else ", ".join(capacity)
    return text


@dataclass
class MapOptions:
    """How the map looks and behaves; every option has a CLI flag of the same name."""

    title: str = "Control of the Middle Euphrates, 2018–2019"
    subtitle: str = "Who held each place on the chosen date, from dated news reports"
    step: str = "day"
    stale_days: int = 30
    play_ms: int = 250
    start: dt.date | None = None
    width: str = "100%"
    height: str = "100%"
    areas: bool | None = None  # None: draw the ISIS-held area when the map has ≤ 500 places
    csp: bool = True
    extra_meta: dict = field(default_factory=dict)


def pack(values: list[int], dtype: str) -> list[str]:
    """A column of integers as [type, base64(zlib(little-endian typed array))].

    The type widens to u4 when a value does not fit the one asked for."""
    if values and max(values) > np.iinfo(np.dtype(dtype)).max:
        dtype = "u4"
    array = np.asarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    return [dtype, base64.b64encode(zlib.compress(array.tobytes(), 9)).decode("ascii")]


def encode(
    timeline: Timeline, articles: list[dict], mentions: Iterable[Mention], options: MapOptions
) -> dict:
    """The page's data block: JSON for names and text, packed columns for states and events.

    Per place, its states (one per evidence day) in day order; per state, its events; per
    event, its claims. Columns: ``s_day`` (days since the previous state, or since ``first``),
    ``s_code`` (controller | status<<3 | challenger<<6 | former<<9 | approx<<12 |
    inferred<<13 | surrendered<<14 | the controller's 'since' starts here<<15),
    ``s_events``; ``e_code`` (kind | precision<<3 |
    actor<<6 | controller<<9 | inferred<<12), ``e_claims``, ``e_conf`` (0-100); ``c_article``,
    ``c_sentence``, ``c_when`` (string indexes). ``e_date`` and ``e_conflict`` map the few
    events that need them (non-day precision, disagreement) to a string index.
    """
    gaz = timeline.gazetteer
    strings = _Strings()
    strings("")
    article_index = {a["name"]: i for i, a in enumerate(articles)}
    events_by_id = {e.event_id: e for e in timeline.events}
    first, last = timeline.days or (dt.date.today(), dt.date.today())
    cols: dict[str, list[int]] = {
        k: []
        for k in (
            "s_count",
            "s_day",
            "s_code",
            "s_events",
            "e_code",
            "e_claims",
            "e_conf",
            "c_article",
            "c_sentence",
            "c_when",
        )
    }
    event_dates: dict[int, int] = {}
    event_conflicts: dict[int, int] = {}
    actor_code = {a: i for i, a in enumerate(ACTORS)}
    status_code = {s: i for i, s in enumerate(STATUSES)}
    kind_code = {k: i for i, k in enumerate(KINDS)}
    precision_code = {p: i for i, p in enumerate(PRECISIONS)}
    s_count, s_day, s_code, s_events = (cols[k] for k in ("s_count", "s_day", "s_code", "s_events"))
    e_code, e_claims, e_conf = cols["e_code"], cols["e_claims"], cols["e_conf"]
    c_article, c_sentence, c_when = cols["c_article"], cols["c_sentence"], cols["c_when"]
    first_day = _day(first)
    epoch_ordinal = EPOCH.toordinal()
    for place in gaz:
        states = timeline.states.get(place.id, [])
        s_count.append(len(states))
        previous = first_day
        for state in states:
            day = state.day.toordinal() - epoch_ordinal
            s_day.append(day - previous)
            previous = day
            s_code.append(
                actor_code[state.controller]
                | status_code[state.status] << 3
                | actor_code[state.challenger] << 6
                | actor_code[state.former] << 9
                | state.approx << 12
                | state.inferred << 13
                | state.surrendered << 14
                | (state.since == state.day or state.since < first) << 15
            )
            s_events.append(len(state.event_ids))
            for event_id in state.event_ids:
                event = events_by_id[event_id]
                index = len(e_code)
                if event.date_precision != "day":
                    event_dates[index] = strings(event.date)
                if event.conflicts:
                    others = [events_by_id[c] for c in event.conflicts if c in events_by_id]
                    event_conflicts[index] = strings(
                        "; ".join(
                            f"{o.date} {o.kind} by {LABELS.get(o.controller or o.actor, 'unknown')}"
                            f" ({', '.join(o.sources)})"
                            for o in others
                        )
                    )
                e_code.append(
                    kind_code[event.kind]
                    | precision_code[event.date_precision] << 3
                    | actor_code.get(event.actor, 0) << 6
                    | actor_code.get(event.controller, 0) << 9
                    | event.inferred << 12
                )
                claims = event.claims
                e_claims.append(len(claims))
                e_conf.append(int(event.confidence * 100 + 0.5))
                for claim in claims:
                    c_article.append(article_index.get(claim.article, 0))
                    c_sentence.append(strings(claim.evidence))
                    c_when.append(strings(claim.date_text))
    types = {
        "s_count": "u4",
        "s_day": "u2",
        "s_code": "u2",
        "s_events": "u2",
        "e_code": "u2",
        "e_claims": "u2",
        "e_conf": "u1",
        "c_article": "u4",
        "c_sentence": "u4",
        "c_when": "u4",
    }
    packed = {name: pack(values, types[name]) for name, values in cols.items()}
    mentions_flat: dict[str, list[int]] = {}
    for mention in mentions:
        if mention.article not in article_index:
            continue
        figures = _figures_text(mention)
        mentions_flat.setdefault(mention.place_id, []).extend(
            [
                article_index[mention.article],
                0,
                strings(mention.sentence),
                strings(figures) if figures else -1,
            ]
        )
    areas = []
    draw_areas = options.areas if options.areas is not None else len(gaz) <= MAX_PLACES
    if draw_areas:
        areas = [[_day(a.day), a.km2, a.polygons] for a in held_areas(timeline)]
    start = options.start or last
    meta = {
        "version": FORMAT_VERSION,
        "title": options.title,
        "subtitle": options.subtitle,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "start": min(max(start, first), last).isoformat(),
        "step": options.step,
        "staleDays": options.stale_days,
        "playMs": options.play_ms,
        "colors": COLORS,
        "labels": LABELS,
        "shapes": SHAPES,
        "radius": RADIUS,
        "statuses": STATUSES,
        "kinds": list(KINDS),
        "precisions": list(PRECISIONS),
        **options.extra_meta,
    }
    return {
        "meta": meta,
        "actors": ACTORS,
        "kinds": PLACE_KINDS,
        "places": [
            [
                p.id,
                p.name,
                round(p.lat, 5),
                round(p.lon, 5),
                PLACE_KINDS.index(p.kind),
                "|".join(p.alt_names),
            ]
            for p in gaz
        ],
        "cols": packed,
        "eDate": [[k, v] for k, v in sorted(event_dates.items())],
        "eConflict": [[k, v] for k, v in sorted(event_conflicts.items())],
        "a": [[a["name"], a["outlet"], a["published"], a["title"], a["url"]] for a in articles],
        "m": [mentions_flat.get(p.id, []) for p in gaz],
        "str": strings.items,
        "areas": areas,
    }


def article_table(articles: Iterable[Article], events: Iterable[Event]) -> list[dict]:
    """The sources panel rows: every article read, plus sources known only from events."""
    rows = {
        a.name: {
            "name": a.name,
            "outlet": a.outlet,
            "published": a.published.isoformat(),
            "title": a.title,
            "url": a.url,
        }
        for a in articles
    }
    for event in events:
        for claim in event.claims:
            rows.setdefault(
                claim.article,
                {
                    "name": claim.article,
                    "outlet": claim.outlet,
                    "published": claim.published,
                    "title": "",
                    "url": "",
                },
            )
    return sorted(rows.values(), key=lambda r: (r["published"], r["name"]))


def _csp(page: str) -> str:
    """A Content-Security-Policy allowing only this page's own scripts (by hash)."""
    hashes = []
    for body in re.findall(r"<script>(.*?)</script>", page, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    policy = (
        "default-src 'none'; script-src "
        + " ".join(dict.fromkeys(hashes))
        + "; style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return page.replace("<head>", "<head>\n" + tag, 1)


def _basemap_without_duplicates(gazetteer) -> dict:
    """The basemap, less city labels that stand within 8 km of a gazetteer place."""
    from geopy.distance import great_circle

    basemap = json.loads((STATIC / "basemap.geojson").read_text(encoding="utf-8"))
    kept = []
    for feature in basemap["features"]:
        if feature["properties"]["layer"] == "city":
            lon, lat = feature["geometry"]["coordinates"]
            if any(great_circle((lat, lon), (p.lat, p.lon)).km < 8 for p in gazetteer):
                continue
        kept.append(feature)
    return {**basemap, "features": kept}


def build_map(
    timeline: Timeline,
    articles: list[dict],
    mentions: Iterable[Mention] = (),
    options: MapOptions | None = None,
) -> str:
    """The map page as a string: Leaflet and data inline, no network request."""
    options = options or MapOptions()
    gaz = timeline.gazetteer
    located = [p for p in gaz if p.id in timeline.states] or list(gaz)
    center = [
        round(sum(p.lat for p in located) / len(located), 4),
        round(sum(p.lon for p in located) / len(located), 4),
    ]
    fmap = folium.Map(
        location=center,
        zoom_start=8,
        tiles=None,
        prefer_canvas=True,
        width=options.width,
        height=options.height,
        control_scale=False,
    )
    fmap._id = "geomap"
    fmap.default_js = []
    fmap.default_css = []
    figure = fmap.get_root()
    figure._id = "geomap_page"
    figure.title = placeholder("title")
    OfflineAssets().add_to(fmap)
    Basemap().add_to(fmap)
    Legend(legend_items()).add_to(fmap)
    slider = TimeSlider(step=options.step, play_ms=options.play_ms, stale_days=options.stale_days)
    slider.add_to(fmap)
    page = figure.render()
    payload = encode(timeline, articles, mentions, options)
    basemap = _basemap_without_duplicates(gaz)
    page = inline(
        page,
        {
            "data": script_safe_json(payload),
            "basemap": script_safe_json(basemap),
            "legend": script_safe_json(legend_items()),
            "title": htmlmod.escape(options.title),
        },
    )
    page = re.sub(r"[ \t]+\n", "\n", page)
    return _csp(page) if options.csp else page
