"""Timeline -> map: one self-contained, offline, deterministic HTML page.

Data goes in a compact JSON block: places, and per place its sorted states (delta-encoded
days), so the page finds each place's state on a date by binary search and restyles only
the markers whose state changed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from geomap.articles import Article
from geomap.campaign import Profile, Side
from geomap.defaults import WEBGL_ABOVE
from geomap.mapping.areas import BUFFER_KM, CLOSE_KM, MAX_PLACES, shaded_areas
from geomap.mapping.assets import assemble, html_text, placeholder, script_safe_json
from geomap.mapping.basemap import page_basemap
from geomap.periods import PRECISIONS
from geomap.records import KINDS, MIN_CONFIDENCE, Event, Mention
from geomap.timeline import Timeline

if TYPE_CHECKING:
    import pyarrow as pa

FORMAT_VERSION = 1
STATUSES = ["unknown", "held", "contested", "besieged", "lost"]
# the page numbers kinds by position: new kinds go at the end
PLACE_KINDS = ["city", "town", "village", "camp", "region", "neighbourhood", "district", "site"]
RADIUS = {
    "city": 9,
    "town": 7,
    "village": 5.5,
    "camp": 7,
    "region": 0,
    "neighbourhood": 5,
    "district": 6,
    "site": 5,
}
DEFAULT_SUBTITLE = "Who held each place on the chosen date, from dated news reports"
NO_SIDE_COLOUR = "#999999"  # the legend's examples when the profile has too few sides
EPOCH = dt.date(1970, 1, 1)


def actor_table(profile: Profile) -> list[str]:
    """The sides as the page numbers them: 0 is unknown, then the profile's sides in order."""
    return ["", *profile.side_ids]


def legend_items(profile: Profile) -> list[dict]:
    """The legend: each side that holds ground, then how states are drawn, with the first two
    such sides as the holder and the challenger of the examples."""
    ground = [side for side in profile.sides if side.holds_ground]
    items = [{"shape": s.marker, "fill": s.colour, "label": s.label} for s in ground]
    holder = ground[0] if ground else None
    challenger = ground[1] if len(ground) > 1 else None
    holder_shape = holder.marker if holder else "circle"
    holder_colour = holder.colour if holder else NO_SIDE_COLOUR
    challenger_colour = challenger.colour if challenger else NO_SIDE_COLOUR
    items += [
        {
            "shape": holder_shape,
            "fill": holder_colour,
            "ring": challenger_colour,
            "ringDash": [6, 3],
            "label": "Contested: holder inside, challenger's dashed ring",
        },
        {
            "shape": holder_shape,
            "fill": holder_colour,
            "ring": challenger_colour,
            "ringDash": [2, 3],
            "label": "Besieged (dotted ring)",
        },
        {"shape": "circle", "fill": "none", "stroke": "#777", "label": "No information"},
        {
            "shape": "circle",
            "fill": "none",
            "stroke": holder_colour,
            "dash": [3, 3],
            "label": "No longer held by the outline's side (inferred)",
        },
        {
            "shape": "circle",
            "fill": challenger_colour,
            "dash": [1, 2],
            "label": "Dotted outline: month/year-precision evidence",
        },
        {"shape": "tent", "fill": "none", "stroke": "#555", "label": "Camp (not a battle site)"},
    ]
    return items


def held_label(side: Side) -> str:
    """'<label>-held area': how the page names a side's shaded area."""
    return f"{side.label}-held area"


def area_note(
    sides: list[Side], buffer_km: float = BUFFER_KM, stale_days: int | None = None
) -> str:
    """The legend's sentence on the shaded areas and how they are drawn ('' when none is)."""
    if not sides:
        return ""
    current = f" with evidence from the last {stale_days} days" if stale_days else ""
    if len(sides) == 1:
        label = sides[0].label
        note = (
            f"Shaded area: {label}-held area ({buffer_km:g} km around {label}-held places"
            f"{current}, gaps under {CLOSE_KM:g} km closed)."
        )
    else:
        areas = ", ".join(held_label(side) for side in sides)
        note = (
            f"Shaded areas: {areas} ({buffer_km:g} km around each side's places{current}, "
            f"gaps under {CLOSE_KM:g} km closed)."
        )
    if stale_days:
        note += " Its size is a lower bound ('at least'); 'up to' counts faded places too."
    return note


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


#: A map width or height: a number and a CSS unit (900px, 100%, 40em, 80vh)
CSS_SIZE = re.compile(r"\d+(?:\.\d+)?(?:px|%|em|rem|vw|vh|vmin|vmax|cm|mm|in|pt|pc)")


def check_size(value: str) -> str:
    """``value`` if it is a CSS size (a number and a unit); ValueError otherwise."""
    if not CSS_SIZE.fullmatch(value):
        raise ValueError(f"{value!r} is not a CSS size: write a number and a unit (900px, 100%)")
    return value


@dataclass
class MapOptions:
    """How the map looks and behaves; every option has a CLI flag of the same name."""

    title: str | None = None  # None: the profile's title
    subtitle: str | None = None  # None: the profile's subtitle, or DEFAULT_SUBTITLE
    step: str = "day"
    stale_days: int = 30
    play_ms: int = 250
    start: dt.date | None = None  # the slider's first day (None: the campaign's)
    width: str = "100%"
    height: str = "100%"
    areas: bool | None = None  # None: draw the shaded sides' areas when ≤ 500 places
    end: dt.date | None = None  # the slider's span: start to end (None: the campaign's)
    links: bool = False  # sources' addresses and the map's credits as links
    csp: bool = True
    # places above which the page draws them with WebGL (canvas where the browser has none)
    webgl_above: int = WEBGL_ABOVE
    extra_meta: dict = field(default_factory=dict)


def pack(values) -> list[str]:
    """A column of non-negative integers as [type, base64(zlib(little-endian typed array))].

    The type is the narrowest of u1, u2, u4 that holds every value.
    zlib level 3: ~3x faster than level 6 for 2 % more bytes."""
    values = np.asarray(values, dtype=np.int64)
    top = int(values.max()) if len(values) else 0
    for dtype in ("u1", "u2", "u4"):
        if top <= np.iinfo(np.dtype(dtype)).max:
            break
    array = values.astype(np.dtype(dtype).newbyteorder("<"))
    return [dtype, base64.b64encode(zlib.compress(array.tobytes(), 3)).decode("ascii")]


def state_code(
    controller, status, challenger, former, approx, inferred, surrendered, since_starts
) -> np.ndarray:
    """The 16-bit state code the page reads (the bits are listed in :func:`encode`)."""
    code = np.asarray(controller, dtype=np.int64) | np.asarray(status, dtype=np.int64) << 3
    code |= np.asarray(challenger, dtype=np.int64) << 6 | np.asarray(former, dtype=np.int64) << 9
    code |= np.asarray(approx, dtype=np.int64) << 12 | np.asarray(inferred, dtype=np.int64) << 13
    code |= np.asarray(surrendered, dtype=np.int64) << 14
    return code | np.asarray(since_starts, dtype=np.int64) << 15


def event_code(kind, precision, actor, controller, inferred) -> np.ndarray:
    """The event code the page reads: kind | precision<<3 | actor<<6 | controller<<9 |
    inferred<<12."""
    code = np.asarray(kind, dtype=np.int64) | np.asarray(precision, dtype=np.int64) << 3
    code |= np.asarray(actor, dtype=np.int64) << 6 | np.asarray(controller, dtype=np.int64) << 9
    return code | np.asarray(inferred, dtype=np.int64) << 12


def conflict_text(others: Iterable[tuple[str, str, str, Iterable[str]]], profile: Profile) -> str:
    """'2018-12-14 captured by X (a.txt, b.txt); …' for (date, kind, side, sources) rows."""
    labels = {side.id: side.label for side in profile.sides}
    return "; ".join(
        f"{date} {kind} by {labels.get(side, 'unknown')} ({', '.join(sources)})"
        for date, kind, side, sources in others
    )


@dataclass
class UnconfirmedColumns:
    """The unconfirmed claims as the page reads them: places in gazetteer order, each with its
    events below the threshold (listed in its popup, never drawn), each with its claims."""

    u_count: np.ndarray  # per place: number of unconfirmed events
    u_day: np.ndarray  # per event: first day (days since 1970-01-01)
    u_code: np.ndarray  # per event: see event_code
    u_conf: np.ndarray  # per event: confidence 0-100
    u_claims: np.ndarray  # per event: number of claims
    u_date: dict[int, str]  # event index -> its date, for events not of day precision
    u_article: list[str] | pa.Array | pa.ChunkedArray  # per claim
    u_evidence: list[str] | pa.Array | pa.ChunkedArray
    u_when: list[str] | pa.Array | pa.ChunkedArray

    @classmethod
    def none(cls, places: int) -> UnconfirmedColumns:
        empty = np.zeros(0, dtype=np.int64)
        counts = np.zeros(places, dtype=np.int64)
        return cls(counts, empty, empty, empty, empty, {}, [], [], [])

    @classmethod
    def from_events(cls, events: list[Event], gazetteer, profile: Profile) -> UnconfirmedColumns:
        """The columns of unconfirmed events, each place's in the order given."""
        by_place: dict[str, list[Event]] = {}
        for event in events:
            by_place.setdefault(event.place_id, []).append(event)
        ordered = [e for place in gazetteer for e in by_place.get(place.id, [])]
        actor_code = {a: i for i, a in enumerate(actor_table(profile))}
        claims = [c for e in ordered for c in e.claims]
        return cls(
            u_count=np.array([len(by_place.get(p.id, [])) for p in gazetteer], dtype=np.int64),
            u_day=np.array([_day(e.first_day) for e in ordered], dtype=np.int64),
            u_code=_event_codes(ordered, actor_code),
            u_conf=np.array([int(e.confidence * 100 + 0.5) for e in ordered], dtype=np.int64),
            u_claims=np.array([len(e.claims) for e in ordered], dtype=np.int64),
            u_date={i: e.date for i, e in enumerate(ordered) if e.date_precision != "day"},
            u_article=[c.article for c in claims],
            u_evidence=[c.evidence for c in claims],
            u_when=[c.date_text for c in claims],
        )


def _event_codes(events: list[Event], actor_code: dict[str, int]) -> np.ndarray:
    """The events' codes (event_code); a side the profile lacks is 0, unknown."""
    if not events:
        return np.zeros(0, np.int64)
    rows = [
        (
            KINDS.index(e.kind),
            PRECISIONS.index(e.date_precision),
            actor_code.get(e.actor, 0),
            actor_code.get(e.controller, 0),
            e.inferred,
        )
        for e in events
    ]
    return event_code(*np.array(rows, dtype=np.int64).T)


@dataclass
class MapColumns:
    """The timeline as the page reads it: places in gazetteer order, each with its states by
    day, each state with its events (in the order they were applied), each event with its
    claims. Integer columns are numpy arrays; texts are lists."""

    first: dt.date
    last: dt.date
    actors: list[str]  # what the side codes number (actor_table)
    s_count: np.ndarray  # per place: number of states
    s_day: np.ndarray  # per state: day number (days since 1970-01-01)
    s_code: np.ndarray  # per state: see state_code
    s_events: np.ndarray  # per state: number of events
    e_code: np.ndarray  # per event: see event_code
    e_conf: np.ndarray  # per event: confidence 0-100
    e_claims: np.ndarray  # per event: number of claims
    e_date: dict[int, str]  # event index -> its date, for events not of day precision
    e_conflict: dict[int, str]  # event index -> what the disagreeing events say
    c_article: list[str] | pa.Array | pa.ChunkedArray  # per claim
    c_evidence: list[str] | pa.Array | pa.ChunkedArray
    c_when: list[str] | pa.Array | pa.ChunkedArray
    unconfirmed: UnconfirmedColumns | None = None  # None: no unconfirmed claim
    min_confidence: float = MIN_CONFIDENCE  # what the legend says colours come from
    review: ReviewMarks | None = None  # None: no analyst's review was read

    @classmethod
    def from_timeline(cls, timeline: Timeline) -> MapColumns:
        gaz = timeline.gazetteer
        events_by_id = {e.event_id: e for e in timeline.events}
        first, last = timeline.days or (dt.date.today(), dt.date.today())
        actors = actor_table(timeline.profile)
        actor_code = {a: i for i, a in enumerate(actors)}  # a side the profile lacks: 0
        status_code = {s: i for i, s in enumerate(STATUSES)}
        kind_code = {k: i for i, k in enumerate(KINDS)}
        precision_code = {p: i for i, p in enumerate(PRECISIONS)}
        s_count, s_day, s_code, s_events = [], [], [], []
        e_code, e_conf, e_claims, e_date, e_conflict = [], [], [], {}, {}
        c_article, c_evidence, c_when = [], [], []
        epoch_ordinal = EPOCH.toordinal()
        for place in gaz:
            states = timeline.states.get(place.id, [])
            s_count.append(len(states))
            for state in states:
                s_day.append(state.day.toordinal() - epoch_ordinal)
                s_code.append(
                    (
                        actor_code.get(state.controller, 0),
                        status_code[state.status],
                        actor_code.get(state.challenger, 0),
                        actor_code.get(state.former, 0),
                        state.approx,
                        state.inferred,
                        state.surrendered,
                        state.since == state.day or state.since < first,
                    )
                )
                s_events.append(len(state.event_ids))
                for event_id in state.event_ids:
                    event = events_by_id[event_id]
                    index = len(e_code)
                    if event.date_precision != "day":
                        e_date[index] = event.date
                    if event.conflicts:
                        e_conflict[index] = conflict_text(
                            (
                                (o.date, o.kind, o.controller or o.actor, o.sources)
                                for c in event.conflicts
                                if (o := events_by_id.get(c)) is not None
                            ),
                            timeline.profile,
                        )
                    e_code.append(
                        (
                            kind_code[event.kind],
                            precision_code[event.date_precision],
                            actor_code.get(event.actor, 0),
                            actor_code.get(event.controller, 0),
                            event.inferred,
                        )
                    )
                    e_claims.append(len(event.claims))
                    e_conf.append(int(event.confidence * 100 + 0.5))
                    for claim in event.claims:
                        c_article.append(claim.article)
                        c_evidence.append(claim.evidence)
                        c_when.append(claim.date_text)
        s_code_arr = (
            state_code(*np.array(s_code, dtype=np.int64).T) if s_code else np.zeros(0, np.int64)
        )
        e_code_arr = (
            event_code(*np.array(e_code, dtype=np.int64).T) if e_code else np.zeros(0, np.int64)
        )
        return cls(
            first=first,
            last=last,
            actors=actors,
            s_count=np.asarray(s_count, dtype=np.int64),
            s_day=np.asarray(s_day, dtype=np.int64),
            s_code=s_code_arr,
            s_events=np.asarray(s_events, dtype=np.int64),
            e_code=e_code_arr,
            e_conf=np.asarray(e_conf, dtype=np.int64),
            e_claims=np.asarray(e_claims, dtype=np.int64),
            e_date=e_date,
            e_conflict=e_conflict,
            c_article=c_article,
            c_evidence=c_evidence,
            c_when=c_when,
            unconfirmed=UnconfirmedColumns.from_events(timeline.unconfirmed, gaz, timeline.profile),
            min_confidence=timeline.min_confidence,
            review=ReviewMarks.of(timeline) if timeline.reviews_read else None,
        )


# --- review marks (geomap review): which claims behind the colours an analyst decided ------


@dataclass
class ReviewMarks:
    """The claims of the drawn events (in the page's claim order) an analyst accepted (1) or
    corrected (2), and whether only such claims colour."""

    marks: dict[int, int]
    claims: int  # distinct claims of the drawn events that are not inferred
    reviewed: int  # of them, accepted or corrected
    corrected: int
    reviewed_only: bool

    @classmethod
    def of(cls, timeline: Timeline) -> ReviewMarks:
        """The marks of the claims the page lists, in its order (see MapColumns)."""
        events_by_id = {e.event_id: e for e in timeline.events}
        listed = [
            (claim, events_by_id[event_id])
            for place in timeline.gazetteer
            for state in timeline.states.get(place.id, [])
            for event_id in state.event_ids
            for claim in events_by_id[event_id].claims
        ]
        code = {"accepted": 1, "corrected": 2}
        marks = {i: code[c.review] for i, (c, _) in enumerate(listed) if c.review in code}
        # an inferred event quotes the claims it was inferred from: count each claim once
        stated = {
            (c.article, c.evidence_start, e.place_id, e.kind): c.review
            for c, e in listed
            if not e.inferred
        }
        reviews = list(stated.values())
        return cls(
            marks,
            len(reviews),
            sum(r in code for r in reviews),
            reviews.count("corrected"),
            timeline.reviewed_only,
        )

    def page_data(self, c_article: np.ndarray) -> dict:
        """What the page reads (``data.review``): the marks, the legend's counts and, per
        article (index), its reviewed and listed claims."""
        per_article: dict[int, list[int]] = {}
        for index, article in enumerate(c_article.tolist()):
            counts = per_article.setdefault(int(article), [0, 0])
            counts[0] += index in self.marks
            counts[1] += 1
        return {
            "marks": [[k, v] for k, v in sorted(self.marks.items())],
            "claims": self.claims,
            "reviewed": self.reviewed,
            "corrected": self.corrected,
            "reviewedOnly": self.reviewed_only,
            "articles": [[a, r, n] for a, (r, n) in sorted(per_article.items())],
        }


def _claim_strings(
    columns: MapColumns, unconfirmed: UnconfirmedColumns
) -> tuple[_Strings, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The string table begun with "" and each claim's sentence and date text, in order of
    first appearance (sentence, date text, next claim, ...; the unconfirmed claims last), and
    the code columns: sentence and date text of the claims, then of the unconfirmed ones."""
    import pyarrow as pa

    evidence = _arrow_strings(columns.c_evidence)
    drawn = len(evidence)
    strings, sentence, when = _string_codes(
        pa.concat_arrays([evidence, _arrow_strings(unconfirmed.u_evidence)]),
        pa.concat_arrays([_arrow_strings(columns.c_when), _arrow_strings(unconfirmed.u_when)]),
    )
    return strings, sentence[:drawn], when[:drawn], sentence[drawn:], when[drawn:]


def _string_codes(evidence: pa.Array, when: pa.Array) -> tuple[_Strings, np.ndarray, np.ndarray]:
    """The string table of claims' sentences and date texts (see _claim_strings) and the
    claims' two code columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = len(evidence)
    order = np.empty(2 * count + 1, dtype=np.int64)
    order[0] = 0
    order[1::2] = np.arange(count) + 1
    order[2::2] = np.arange(count) + 1 + count
    texts = pa.concat_arrays([pa.array([""], pa.string()), evidence, when]).take(pa.array(order))
    encoded = pc.dictionary_encode(texts)
    strings = _Strings()
    strings.items = encoded.dictionary.to_pylist()
    strings.index = {text: i for i, text in enumerate(strings.items)}
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return strings, codes[1::2], codes[2::2]


def _arrow_strings(values) -> pa.Array:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if isinstance(values, pa.Array):
        return values
    return pa.array(values, pa.string())


def encode(
    columns: MapColumns,
    gazetteer,
    articles: list[dict],
    mentions: Iterable[Mention],
    options: MapOptions,
    areas: list[dict] | None = None,
    profile: Profile | None = None,
) -> dict:
    """The page's data block: JSON for names and text, packed columns for states and events.

    Per place, its states (one per evidence day) in day order; per state, its events; per
    event, its claims. Columns: ``s_day`` (days since the previous state, or since ``first``),
    ``s_code`` (controller | status<<3 | challenger<<6 | former<<9 | approx<<12 |
    inferred<<13 | surrendered<<14 | the controller's 'since' starts here<<15),
    ``s_events``; ``e_code`` (kind | precision<<3 |
    actor<<6 | controller<<9 | inferred<<12), ``e_claims``, ``e_conf`` (0-100); ``c_article``,
    ``c_sentence``, ``c_when`` (string indexes). ``e_date`` and ``e_conflict`` map the few
    events that need them (non-day precision, disagreement) to a string index. The unconfirmed
    claims (listed in popups, never drawn): per place ``u_count``; per event ``u_day`` (days
    since ``first``), ``u_code``, ``u_conf``, ``u_claims``; per claim ``u_article``,
    ``u_sentence``, ``u_when``; ``uDate`` as ``eDate``. The string table holds each text once:
    claims' sentences and dates, event dates, conflicts, mentions.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    gaz = gazetteer
    unconfirmed = columns.unconfirmed or UnconfirmedColumns.none(len(gaz))
    strings, c_sentence, c_when, u_sentence, u_when = _claim_strings(columns, unconfirmed)
    article_index = {a["name"]: i for i, a in enumerate(articles)}
    first, last = columns.first, columns.last
    # s_day is delta-encoded per place: the first state counts from `first`
    s_day = columns.s_day.copy()
    if len(s_day):
        starts = np.concatenate(([0], np.cumsum(columns.s_count)[:-1]))
        starts = starts[columns.s_count > 0]
        previous = np.concatenate(([0], s_day[:-1]))
        previous[starts] = _day(first)
        s_day = s_day - previous
    known_articles = pa.array(list(article_index), pa.string())
    c_article = pc.index_in(_arrow_strings(columns.c_article), value_set=known_articles)
    u_article = pc.index_in(_arrow_strings(unconfirmed.u_article), value_set=known_articles)
    cols = {
        "s_count": columns.s_count,
        "s_day": s_day,
        "s_code": columns.s_code,
        "s_events": columns.s_events,
        "e_code": columns.e_code,
        "e_claims": columns.e_claims,
        "e_conf": columns.e_conf,
        "c_article": pc.fill_null(c_article, 0).to_numpy(zero_copy_only=False),
        "c_sentence": c_sentence,
        "c_when": c_when,
        "u_count": unconfirmed.u_count,
        "u_day": unconfirmed.u_day - _day(first),
        "u_code": unconfirmed.u_code,
        "u_conf": unconfirmed.u_conf,
        "u_claims": unconfirmed.u_claims,
        "u_article": pc.fill_null(u_article, 0).to_numpy(zero_copy_only=False),
        "u_sentence": u_sentence,
        "u_when": u_when,
    }
    event_dates = {k: strings(v) for k, v in sorted(columns.e_date.items())}
    event_conflicts = {k: strings(v) for k, v in sorted(columns.e_conflict.items())}
    unconfirmed_dates = {k: strings(v) for k, v in sorted(unconfirmed.u_date.items())}
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # zlib releases the GIL
        packed = pool.map(pack, cols.values())
        packed = dict(zip(cols, packed, strict=True))
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
    meta = page_meta(
        first, last, options, profile or Profile(), areas or [], columns.min_confidence
    )
    return {
        "meta": meta,
        "actors": columns.actors,
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
        "eDate": [[k, v] for k, v in event_dates.items()],
        "eConflict": [[k, v] for k, v in event_conflicts.items()],
        "uDate": [[k, v] for k, v in unconfirmed_dates.items()],
        "a": [[a["name"], a["outlet"], a["published"], a["title"], a["url"]] for a in articles],
        "m": [mentions_flat.get(p.id, []) for p in gaz],
        "str": strings.items,
        "areas": areas or [],
        "review": columns.review.page_data(cols["c_article"]) if columns.review else None,
    }


def page_titles(options: MapOptions, profile: Profile) -> tuple[str, str]:
    """The page's title and subtitle: the options', else the profile's."""
    title = options.title if options.title is not None else profile.title
    subtitle = options.subtitle
    if subtitle is None:
        subtitle = profile.subtitle or DEFAULT_SUBTITLE
    return title, subtitle


def time_axis(
    first: dt.date, last: dt.date, options: MapOptions, profile: Profile
) -> tuple[dt.date, dt.date]:
    """The slider's first and last day: ``--start``/``--end``, else the profile's window,
    else the first and last day with evidence (an end before the start is the start). A
    window that holds no day with evidence (a profile copied from another campaign) is
    not used."""
    window_start, window_end = profile.start, profile.end
    if (window_start and window_start > last) or (window_end and window_end < first):
        window_start = window_end = None
    start = options.start or window_start or first
    end = options.end or window_end or max(last, start)
    return start, max(start, end)


def page_meta(
    first: dt.date,
    last: dt.date,
    options: MapOptions,
    profile: Profile,
    areas: list[dict],
    min_confidence: float = MIN_CONFIDENCE,
) -> dict:
    """What the page needs besides the data: titles, dates, the slider, the sides' colours,
    labels and markers from the profile, and the confidence colours come from."""
    title, subtitle = page_titles(options, profile)
    axis_start, axis_end = time_axis(first, last, options, profile)
    return {
        "version": FORMAT_VERSION,
        "title": title,
        "subtitle": subtitle,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "axisStart": axis_start.isoformat(),
        "axisEnd": axis_end.isoformat(),
        "start": min(max(last, axis_start), axis_end).isoformat(),
        "step": options.step,
        "staleDays": options.stale_days,
        "playMs": options.play_ms,
        "colors": {side.id: side.colour for side in profile.sides},
        "labels": {side.id: side.label for side in profile.sides},
        "shapes": {side.id: side.marker for side in profile.sides},
        "radius": RADIUS,
        "statuses": STATUSES,
        "kinds": list(KINDS),
        "precisions": list(PRECISIONS),
        "areaNote": area_note(
            [s for a in areas if (s := profile.side(a["side"]))],
            stale_days=options.stale_days
            if any(len(d) > 3 for a in areas for d in a["days"])
            else None,
        ),
        "minConfidence": min_confidence,
        **options.extra_meta,
    }


def draws_areas(options: MapOptions, places: int) -> bool:
    """Whether the map shows the shaded sides' held areas (by default only up to MAX_PLACES
    places)."""
    return options.areas if options.areas is not None else places <= MAX_PLACES


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


def build_map(
    timeline: Timeline,
    articles: list[dict],
    mentions: Iterable[Mention] = (),
    options: MapOptions | None = None,
    *,
    user_layers: dict | None = None,
) -> str:
    """The map page as a string: Leaflet and data inline, no network request; ``user_layers``
    from :func:`geomap.mapping.basemap.read_user_layers` are drawn over the basemap."""
    options = options or MapOptions()
    areas = None
    if draws_areas(options, len(timeline.gazetteer)):
        areas = area_layers(timeline, options.stale_days)
    columns = MapColumns.from_timeline(timeline)
    return render_map(
        columns,
        timeline.gazetteer,
        articles,
        mentions,
        options,
        areas,
        profile=timeline.profile,
        user_layers=user_layers,
    )


def area_layers(timeline: Timeline, stale_days: int | None = None) -> list[dict]:
    """Each shaded side's held area by date, as the page draws it: per day, the area around
    the places with current evidence (its km² and polygons) and, with ``stale_days``, the
    km² counting the places whose latest evidence is older too."""
    layers = []
    for side_id, areas in shaded_areas(timeline, stale_days=stale_days).items():
        side = timeline.profile.side(side_id)
        layers.append(
            {
                "side": side_id,
                "label": held_label(side),
                "colour": side.colour,
                "days": [[_day(a.day), a.km2, a.polygons, a.km2_with_stale] for a in areas],
            }
        )
    return layers


def render_map(
    columns: MapColumns,
    gazetteer,
    articles: list[dict],
    mentions: Iterable[Mention] = (),
    options: MapOptions | None = None,
    areas: list[dict] | None = None,
    *,
    profile: Profile | None = None,
    user_layers: dict | None = None,
) -> str:
    """The page for timeline columns (from :meth:`MapColumns.from_timeline` or an events
    table read in bulk), with the profile's sides, titles and legend; ``areas`` from
    :func:`area_layers`."""
    import folium  # here, not at the top: extraction never needs it

    options = options or MapOptions()
    profile = profile or Profile()
    gaz = gazetteer
    located = [p for p, n in zip(gaz, columns.s_count, strict=True) if n] or list(gaz)
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
    legend = legend_items(profile)
    for part in page_parts(options, legend, places=len(gaz)):
        part.add_to(fmap)
    page = re.sub(r"[ \t]+\n", "\n", figure.render())  # the template's trailing blanks
    payload = encode(columns, gaz, articles, mentions, options, areas, profile)
    page = assemble(
        page,
        {
            "data": script_safe_json(payload),
            "basemap": script_safe_json(page_basemap(gaz, user_layers)),
            "legend": script_safe_json(legend),
            "title": html_text(payload["meta"]["title"]),
        },
    )
    return _csp(page) if options.csp else page


def draws_webgl(options: MapOptions, places: int) -> bool:
    """Whether the page draws its places with WebGL: above ``options.webgl_above`` places."""
    return places > options.webgl_above


def page_parts(options: MapOptions, legend: list[dict], places: int = 0) -> list:
    """The page's plugins in the order they are added: the assets first (declared by the
    parts), the data blocks, each part, and the runtime that starts them last. Above
    ``options.webgl_above`` places the WebGL layer comes first; below it the page is as it
    was without it, byte for byte."""
    from geomap.mapping import plugins

    parts = [
        plugins.Title(),
        plugins.TimeSlider(
            step=options.step, play_ms=options.play_ms, stale_days=options.stale_days
        ),
        plugins.HeldArea(),
        plugins.Labels(),
        plugins.Places(),
        plugins.Legend(legend),
        plugins.Sources(links=options.links),
        plugins.Search(),
        plugins.SaveImage(),
        plugins.Layout(),
    ]
    if draws_webgl(options, places):
        parts.insert(0, plugins.WebGLMarkers())
    blocks = [plugins.DataBlock("data"), plugins.DataBlock("basemap")]
    return [plugins.OfflineAssets(parts), *blocks, *parts, plugins.Runtime()]
