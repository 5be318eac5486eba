"""The records that flow between stages (events, mentions), and their CSV form.

``output/events.csv`` columns are a contract other tools read; keep them stable.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import operator
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from geomap.exc import EventsFileError
from geomap.periods import PRECISIONS, DateOutOfRange, date_bounds, input_bounds

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

MAX_EVENTS_BYTES = 2 * 1024**3  # an events CSV is read whole; 2 GiB is ~25 million rows
KINDS = ("captured", "held", "contested", "besieged", "withdrew", "surrendered")
CHANGE_KINDS = ("captured", "withdrew")  # the kinds that change who holds a place
# Events below this confidence never colour the map: they are shown as unconfirmed claims.
# Chosen on the development corpus (eval/run.py --calibration): the confidence is calibrated
# (extract/calibration.py), and claims below it were right little more than half the time.
MIN_CONFIDENCE = 0.6
EVENT_COLUMNS = [
    "event_id",
    "date",
    "date_precision",
    "date_text",
    "place_id",
    "place",
    "kind",
    "actor",
    "controller",
    "article",
    "outlet",
    "published",
    "evidence",
    "evidence_start",
    "evidence_end",
    "confidence",
    "sources",
    "inferred",
    "conflicts",
]
MENTION_COLUMNS = [
    "place_id",
    "place",
    "date",
    "date_precision",
    "article",
    "outlet",
    "published",
    "sentence",
    "start",
    "end",
    "mention",
    "figures",
]


# A spreadsheet runs a cell beginning with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RISKY = FORMULA_STARTS | {"'"}


def spreadsheet_cell(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows and never runs: a leading apostrophe
    before ``= + - @``, tab or carriage return, as OWASP advises. A number (``-1``, ``-1.5``)
    is data and stays as it is; text already beginning with apostrophes before one of those
    characters gets one more, so that :func:`from_spreadsheet_cell` gives it back exactly."""
    if text[:1] not in _RISKY:
        return text
    rest = text.lstrip("'")
    if rest[:1] not in FORMULA_STARTS or (text[0] != "'" and _NUMBER.fullmatch(text)):
        return text
    return "'" + text


def from_spreadsheet_cell(text: str) -> str:
    """The text :func:`spreadsheet_cell` was given (one leading apostrophe fewer where it
    added one)."""
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS:
        return text[1:]
    return text


def spreadsheet_row(row: list[str]) -> list[str]:
    """Every cell of ``row`` through :func:`spreadsheet_cell` (most pass a one-character test)."""
    return [cell if cell[:1] not in _RISKY else spreadsheet_cell(cell) for cell in row]


class Claim(NamedTuple):
    """One source's statement of an event: who said it, when, in which words."""

    article: str
    outlet: str
    published: str
    evidence: str
    evidence_start: int
    evidence_end: int
    date: str
    date_precision: str
    date_text: str
    review: str = ""  # "accepted" or "corrected" by an analyst (geomap review); "" unreviewed


def event_id(place_id: str, kind: str, date: str, controller: str, inferred: bool) -> str:
    """An event's id: the same change at the same place on the same date has the same id."""
    basis = "|".join([place_id, kind, date, controller, "inferred" if inferred else ""])
    return "ev-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Exclusivity:
    """'X is the last town held by H': on that date ``holder`` holds no other such place."""

    holder: str
    kinds: tuple[str, ...]
    country: str = ""


@dataclass(slots=True)
class Event:
    """A dated control event at one place, with its evidence and every source reporting it."""

    date: str
    date_precision: str
    place_id: str
    place: str
    kind: str
    actor: str
    controller: str
    article: str
    evidence: str
    evidence_start: int = -1
    evidence_end: int = -1
    date_text: str = ""
    outlet: str = ""
    published: str = ""
    confidence: float = 0.5
    inferred: bool = False
    sources: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    exclusive: Exclusivity | None = None
    event_id: str = ""
    curated: bool = False
    review: str = ""  # "accepted" or "corrected" by an analyst (geomap review), else ""
    # what made the rules less sure of the reading ("side assumed", "hedged", ...): the
    # calibration never raises such a claim; not written to the outputs
    doubts: tuple[str, ...] = ()
    first_day: dt.date = field(init=False, repr=False, compare=False)
    last_day: dt.date = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.first_day, self.last_day = date_bounds(self.date, self.date_precision)
        self._fill_in()

    def _fill_in(self) -> None:
        """An empty source list, claim list or id is made from the event itself."""
        if not self.sources and self.article:
            self.sources = [self.article]
        if not self.claims and self.article:
            self.claims = [self.own_claim()]
        if not self.event_id:
            self.event_id = self.make_id()

    def own_claim(self) -> Claim:
        return Claim(
            self.article,
            self.outlet,
            self.published,
            self.evidence,
            self.evidence_start,
            self.evidence_end,
            self.date,
            self.date_precision,
            self.date_text,
            self.review,
        )

    def make_id(self) -> str:
        return event_id(self.place_id, self.kind, self.date, self.controller, self.inferred)

    def as_list(self) -> list[str]:
        """The row in EVENT_COLUMNS order."""
        return [
            self.event_id,
            self.date,
            self.date_precision,
            self.date_text,
            self.place_id,
            self.place,
            self.kind,
            self.actor,
            self.controller,
            self.article,
            self.outlet,
            self.published,
            self.evidence,
            str(self.evidence_start),
            str(self.evidence_end),
            f"{self.confidence:.2f}",
            "|".join(self.sources),
            "true" if self.inferred else "false",
            "|".join(self.conflicts),
        ]

    def as_row(self) -> dict[str, str]:
        """The row as a dict keyed by EVENT_COLUMNS."""
        return dict(zip(EVENT_COLUMNS, self.as_list(), strict=True))

    def copy(self, **changes) -> Event:
        """What ``dataclasses.replace(self, **changes)`` makes (date bounds follow the date;
        an empty id, source list or claim list is filled in again), without running
        ``__init__`` (merging copies every event: 13,002 events 262 -> 214 ms), field by
        field (a test holds every field to ``dataclasses.replace``)."""
        new = _new_event(Event)
        new.date = self.date
        new.date_precision = self.date_precision
        new.place_id = self.place_id
        new.place = self.place
        new.kind = self.kind
        new.actor = self.actor
        new.controller = self.controller
        new.article = self.article
        new.evidence = self.evidence
        new.evidence_start = self.evidence_start
        new.evidence_end = self.evidence_end
        new.date_text = self.date_text
        new.outlet = self.outlet
        new.published = self.published
        new.confidence = self.confidence
        new.inferred = self.inferred
        new.sources = self.sources
        new.conflicts = self.conflicts
        new.claims = self.claims
        new.exclusive = self.exclusive
        new.event_id = self.event_id
        new.curated = self.curated
        new.review = self.review
        new.doubts = self.doubts
        new.first_day = self.first_day
        new.last_day = self.last_day
        for name, value in changes.items():
            setattr(new, name, value)
        if "date" in changes or "date_precision" in changes:
            new.first_day, new.last_day = date_bounds(new.date, new.date_precision)
        new._fill_in()
        return new


_new_event = object.__new__


@dataclass(frozen=True)
class Figure:
    """A number the text attaches to a place: '66,000 sheltered', 'capacity 20,000'."""

    value: int
    label: str
    text: str


@dataclass(slots=True)
class Mention:
    """A sentence naming a place: what the articles say about it beyond control events."""

    place_id: str
    place: str
    date: str
    date_precision: str
    article: str
    outlet: str
    published: str
    sentence: str
    start: int
    end: int
    mention: str
    figures: list[Figure] = field(default_factory=list)

    def as_list(self) -> list[str]:
        """The row in MENTION_COLUMNS order."""
        return [
            self.place_id,
            self.place,
            self.date,
            self.date_precision,
            self.article,
            self.outlet,
            self.published,
            self.sentence,
            str(self.start),
            str(self.end),
            self.mention,
            "|".join(f"{f.label}={f.value}" for f in self.figures),
        ]

    def as_row(self) -> dict[str, str]:
        """The row as a dict keyed by MENTION_COLUMNS."""
        return dict(zip(MENTION_COLUMNS, self.as_list(), strict=True))


def _bool(value: str, path: str, line: int, column: str) -> bool:
    low = value.strip().lower()
    if low in ("", "false", "0", "no"):
        return False
    if low in ("true", "1", "yes"):
        return True
    raise EventsFileError(f"{value!r} is not true/false", file=path, line=line, field=column)


def read_events_csv(
    path: str | Path,
    place_names: dict[str, str],
    *,
    sides: Collection[str],
    curated: bool = False,
) -> tuple[list[Event], list[str]]:
    """Read an events CSV (output format). Returns events and the ids of rejected events.

    ``sides``: the side ids an actor or controller may name (the profile's). In a curated
    file, a row whose ``kind`` is ``reject`` (or whose ``curation`` column says ``reject``)
    removes the extracted event with that ``event_id``.
    """
    from geomap.gazetteer import _read_text, csv_rows

    path = Path(path)
    text = _read_text(path, EventsFileError, limit=MAX_EVENTS_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = csv_rows(reader, path, EventsFileError)
    header = [h.strip() for h in next(rows, [])]
    needed = (
        ["date", "place_id", "kind"]
        if curated
        else ["date", "date_precision", "place_id", "kind", "controller"]
    )
    missing = [c for c in needed if c not in header]
    if missing and not (curated and "event_id" in header):
        raise EventsFileError(
            f"missing column(s): {', '.join(missing)}",
            file=path,
            line=1,
            hint="use the columns of output/events.csv",
        )
    column = {name: i for i, name in enumerate(header)}
    indexes = [column.get(name, -1) for name in (*EVENT_COLUMNS, "curation")]
    events: list[Event] = []
    rejected: list[str] = []
    # an empty confidence is a row a person wrote (geomap always writes one): it counts in full
    default_confidence = 1.0
    checked_dates: set[tuple[str, str]] = set()
    for row in rows:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        (
            event_id,
            date_value,
            precision,
            date_text,
            place_id,
            _place,
            kind,
            actor,
            controller,
            article,
            outlet,
            published,
            evidence,
            ev_start_text,
            ev_end_text,
            confidence_text,
            sources,
            inferred_text,
            conflicts,
            curation,
        ) = (from_spreadsheet_cell(row[i].strip()) if 0 <= i < len(row) else "" for i in indexes)
        kind = kind.lower()
        if kind == "reject" or curation.lower() == "reject":
            if not event_id:
                raise EventsFileError(
                    "a rejection needs an event_id", file=path, line=line, field="event_id"
                )
            rejected.append(event_id)
            continue
        if place_id not in place_names:
            raise EventsFileError(
                f"unknown place id {place_id!r}",
                file=path,
                line=line,
                field="place_id",
                hint="use an id from data/gazetteer.csv (geomap geocode NAME prints it)",
            )
        if kind not in KINDS:
            raise EventsFileError(
                f"unknown kind {kind!r}",
                file=path,
                line=line,
                field="kind",
                hint=f"one of {', '.join(KINDS)} (or 'reject' to remove an event)",
            )
        precision = precision or _guess_precision(date_value)
        if (date_value, precision) not in checked_dates:
            if precision not in PRECISIONS:
                raise EventsFileError(
                    f"unknown date_precision {precision!r}",
                    file=path,
                    line=line,
                    field="date_precision",
                    hint=f"one of {', '.join(PRECISIONS)}",
                )
            try:
                input_bounds(date_value, precision)
            except DateOutOfRange as error:
                raise EventsFileError(
                    str(error), file=path, line=line, field="date", hint="check the year"
                ) from None
            except (ValueError, IndexError):
                raise EventsFileError(
                    f"{date_value!r} is not a date at precision {precision!r}",
                    file=path,
                    line=line,
                    field="date",
                    hint="YYYY-MM-DD, YYYY-MM, YYYY or YYYY-MM-DD/YYYY-MM-DD",
                ) from None
            checked_dates.add((date_value, precision))
        for name, value in (("actor", actor), ("controller", controller)):
            if value and value not in sides:
                raise EventsFileError(
                    f"unknown {name} {value!r}",
                    file=path,
                    line=line,
                    field=name,
                    hint=_sides_hint(sides),
                )
        try:
            confidence = float(confidence_text or default_confidence)
            ev_start = int(ev_start_text or -1)
            ev_end = int(ev_end_text or -1)
        except ValueError as error:
            field_name = "confidence" if "float" in str(error) else "evidence_start"
            raise EventsFileError(
                f"not a number ({error})", file=path, line=line, field=field_name
            ) from None
        if not 0 <= confidence <= 1:  # also NaN
            raise EventsFileError(
                f"confidence {confidence_text!r} is outside 0..1",
                file=path,
                line=line,
                field="confidence",
                hint="a probability such as 0.8, or empty for the default",
            )
        article = article or ("curated" if curated else "")
        events.append(
            Event(
                date=date_value,
                date_precision=precision,
                place_id=place_id,
                place=place_names[place_id],
                kind=kind,
                actor=actor,
                controller=controller,
                article=article,
                evidence=evidence,
                evidence_start=ev_start,
                evidence_end=ev_end,
                date_text=date_text,
                outlet=outlet,
                published=published,
                confidence=confidence,
                inferred=_bool(inferred_text, str(path), line, "inferred"),
                sources=sources.split("|") if sources else [article],
                conflicts=conflicts.split("|") if conflicts else [],
                event_id=event_id,
                curated=curated,
            )
        )
    return events, rejected


def _sides_hint(sides: Collection[str]) -> str:
    if not sides:
        return "campaign.toml defines no sides: leave it empty, or add the side as a [[side]]"
    return f"one of {', '.join(sides)} (the sides of campaign.toml), or empty for unknown"


def _guess_precision(value: str) -> str:
    if "/" in value:
        return "range"
    return {4: "year", 7: "month"}.get(len(value), "day")


# the GeoJSON properties that are not text
_START, _END, _CONFIDENCE, _INFERRED = map(
    EVENT_COLUMNS.index, ("evidence_start", "evidence_end", "confidence", "inferred")
)


_STRING = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it
_KEYS = [f'"{column}": ' for column in EVENT_COLUMNS]


def feature_json(event: Event, gazetteer: Gazetteer, coordinates: dict[str, str]) -> str:
    """One event as a GeoJSON feature: what ``json.dumps(feature, ensure_ascii=False)``
    writes (a test holds it to that), put together from the encoded values without a dict
    and an encoder per feature. ``coordinates``: the places' encoded points, filled as it
    goes."""
    geometry = coordinates.get(event.place_id)
    if geometry is None:
        place = gazetteer.by_id[event.place_id]
        geometry = coordinates[event.place_id] = json.dumps([place.lon, place.lat])
    values = list(map(_STRING, event.as_list()))  # text, but for these four:
    values[_START] = _json_number(event.evidence_start)
    values[_END] = _json_number(event.evidence_end)
    values[_CONFIDENCE] = _json_number(round(event.confidence, 2))
    values[_INFERRED] = "true" if event.inferred else "false"
    props = ", ".join(map(operator.add, _KEYS, values))
    return (
        f'{{"type": "Feature", "properties": {{{props}}}, '
        f'"geometry": {{"type": "Point", "coordinates": {geometry}}}}}'
    )


def _json_number(value: int | float) -> str:
    """A finite number as json.dumps writes it (``repr``); otherwise json.dumps itself."""
    return repr(value) if math.isfinite(value) else json.dumps(value)
