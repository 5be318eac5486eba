"""A large events CSV as columns: read, checked, ordered and replayed with array operations.

``geomap build --events FILE`` maps curated datasets of millions of rows. One Python object
per row costs ~14 µs; here the file is read by pyarrow, every field is checked with
vectorised operations, each place's states are replayed with numpy under the rules of
:func:`geomap.timeline.replay`, and the page gets its columns directly
(:class:`geomap.mapping.MapColumns`). The results are the same, byte for byte, as the
row-by-row path (:func:`geomap.records.read_events_csv` and :class:`geomap.timeline.Timeline`),
which the tests check on generated files.

A file this reader cannot take as it is (any field the row-by-row reader would reject, a
``reject`` row, a ragged row) raises :class:`NotBulk`: the caller then reads it row by row,
which reports the exact line and field or reads what only it can.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geomap.campaign import Campaign, Profile
from geomap.gazetteer import Gazetteer
from geomap.mapping import (
    MapColumns,
    UnconfirmedColumns,
    actor_table,
    conflict_text,
    event_code,
    state_code,
)
from geomap.periods import PRECISIONS, input_bounds
from geomap.records import EVENT_COLUMNS, KINDS, MAX_EVENTS_BYTES, MIN_CONFIDENCE, event_id
from geomap.timeline import STATUS_RANK

if TYPE_CHECKING:
    from concurrent.futures import Future

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
UNSET = np.iinfo(np.int64).min
CAPTURED, HELD, CONTESTED, BESIEGED, WITHDREW, SURRENDERED = range(6)
UNKNOWN, S_HELD, S_CONTESTED, S_BESIEGED, LOST = range(5)  # mapping.STATUSES
assert KINDS == ("captured", "held", "contested", "besieged", "withdrew", "surrendered")


class NotBulk(Exception):
    """The file needs the row-by-row reader (it reports errors by line and field)."""


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [h.strip() for h in next(csv.reader(handle), [])]


def parse_csv(path: str | Path) -> tuple[list[str], pa.Table]:
    """The file's header and its cells as text (pyarrow parses on all cores without the GIL,
    so this can run in a thread while Python does other work)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        header = _header(path)
    except (OSError, UnicodeDecodeError, csv.Error):
        raise NotBulk("unreadable header") from None
    if size > MAX_EVENTS_BYTES or len(set(header)) != len(header) or not header:
        raise NotBulk("size or header")
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=1 << 24, encoding="utf8"
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as error:
        raise NotBulk(str(error)) from None
    return header, table


def _lookup(values: pa.ChunkedArray, allowed: list[str]) -> np.ndarray:
    """The index of each value in ``allowed``; NotBulk when one is not there."""
    index = pc.index_in(values, value_set=pa.array(allowed, pa.string()))
    if index.null_count:
        raise NotBulk("a value outside its vocabulary")
    return index.to_numpy().astype(np.int64)


def _ffill(values: np.ndarray, mask: np.ndarray, initial, group_start: np.ndarray) -> np.ndarray:
    """Each row's value from the latest row at or before it (same group) where ``mask``."""
    rows = np.arange(len(values))
    latest = np.maximum.accumulate(np.where(mask, rows, -1))
    return np.where(latest >= group_start, values[np.maximum(latest, 0)], initial)


def _before(values: np.ndarray, initial, first_in_group: np.ndarray) -> np.ndarray:
    """Each row's value of the row before it in its group (``initial`` for the first)."""
    out = np.empty_like(values)
    out[1:] = values[:-1]
    if len(out):
        out[first_in_group] = initial
    return out


@dataclass
class EventTable:
    """An events CSV as checked columns, in file order."""

    gazetteer: Gazetteer
    profile: Profile
    n: int
    text: dict[str, pa.ChunkedArray]  # the trimmed text fields, by EVENT_COLUMNS name
    place: np.ndarray  # gazetteer index
    kind: np.ndarray  # KINDS index
    precision: np.ndarray  # PRECISIONS index
    actor: np.ndarray  # mapping.actor_table index (0: unknown)
    controller: np.ndarray
    day: np.ndarray  # first day of the date, days since 1970-01-01
    date_code: np.ndarray  # equal where the date text is equal
    confidence: np.ndarray
    inferred: np.ndarray

    # --- orders -------------------------------------------------------------------------

    def __post_init__(self) -> None:
        # the row path's timeline order: by first day and place id, file order within; one
        # integer key (day, then the id's rank among the gazetteer's ids) in a stable sort,
        # which took 35 ms where sorting by the id strings took 125 ms (500,000 rows)
        ids = [p.id for p in self.gazetteer]
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
        key = (self.day - self.day.min(initial=0)) * len(ids) + id_rank[self.place]
        self.timeline_order = np.argsort(key, kind="stable")
        self.timeline_rank = np.empty(self.n, dtype=np.int64)  # each row's place in it
        self.timeline_rank[self.timeline_order] = np.arange(self.n)

    def replay_order(self) -> np.ndarray:
        """The page's order: gazetteer place, day, then the order a day's events apply in
        (rank of kind, confidence, event id; file order last)."""
        rank = np.array([STATUS_RANK[k] for k in KINDS], dtype=np.int64)[self.kind]
        keys = {
            "place": self.place,
            "day": self.day,
            "rank": rank,
            "confidence": self.confidence,
        }
        row = self.timeline_rank
        order = _sort(keys | {"row": row})
        # the event id breaks ties: computed only for rows that tie on everything before it
        same = np.ones(max(self.n - 1, 0), dtype=bool)
        for values in keys.values():
            ordered = values[order]
            same &= ordered[1:] == ordered[:-1]
        if not same.any():
            return order
        tied = np.zeros(self.n, dtype=bool)
        tied[order[1:][same]] = True
        tied[order[:-1][same]] = True
        rows = np.flatnonzero(tied)
        tie_id = np.full(self.n, "", dtype=object)
        tie_id[rows] = self.ids_of(rows)
        return _sort(keys | {"event_id": pa.array(tie_id, pa.string()), "row": row})

    def conflicting(self) -> int:
        return int(pc.sum(pc.not_equal(self.text["conflicts"], "")).as_py() or 0)

    # --- unconfirmed claims -------------------------------------------------------------

    def confirmed(self, min_confidence: float = MIN_CONFIDENCE) -> np.ndarray:
        """The rows that may colour the map (as :func:`geomap.timeline.confirmed`: inferred,
        or at least ``min_confidence``; an events file holds no curated row)."""
        return self.inferred | (self.confidence >= min_confidence)

    def subset(self, rows: np.ndarray) -> EventTable:
        """The table of the rows where ``rows`` (a boolean mask) is true, in file order."""
        if rows.all():
            return self
        keep = pa.array(rows)
        return EventTable(
            gazetteer=self.gazetteer,
            profile=self.profile,
            n=int(rows.sum()),
            text={name: pc.filter(values, keep) for name, values in self.text.items()},
            place=self.place[rows],
            kind=self.kind[rows],
            precision=self.precision[rows],
            actor=self.actor[rows],
            controller=self.controller[rows],
            day=self.day[rows],
            date_code=self.date_code[rows],
            confidence=self.confidence[rows],
            inferred=self.inferred[rows],
        )

    def unconfirmed_columns(self) -> UnconfirmedColumns:
        """Every row as an unconfirmed claim, each place's in timeline order (as
        :meth:`UnconfirmedColumns.from_events` lists a row timeline's)."""
        order = np.lexsort((self.timeline_rank, self.place))
        has_claim = pc.not_equal(self.text["article"], "").to_numpy(zero_copy_only=False)
        claimed = pa.array(order[has_claim[order]])
        odd = np.flatnonzero(self.precision[order] != PRECISIONS.index("day"))
        dates = pc.take(self.text["date"], pa.array(order[odd])).to_pylist() if len(odd) else []
        return UnconfirmedColumns(
            u_count=np.bincount(self.place, minlength=len(self.gazetteer)).astype(np.int64),
            u_day=self.day[order],
            u_code=event_code(
                self.kind[order],
                self.precision[order],
                self.actor[order],
                self.controller[order],
                self.inferred[order],
            ),
            u_conf=np.floor(self.confidence[order] * 100 + 0.5).astype(np.int64),
            u_claims=has_claim[order].astype(np.int64),
            u_date=dict(zip(odd.tolist(), dates, strict=True)),
            u_article=pc.take(self.text["article"], claimed),
            u_evidence=pc.take(self.text["evidence"], claimed),
            u_when=pc.take(self.text["date_text"], claimed),
        )

    # --- the page -----------------------------------------------------------------------

    def days(self) -> tuple[dt.date, dt.date]:
        if not self.n:
            return dt.date.today(), dt.date.today()
        return (
            dt.date.fromordinal(int(self.day.min()) + EPOCH_ORDINAL),
            dt.date.fromordinal(int(self.day.max()) + EPOCH_ORDINAL),
        )

    def articles(self) -> list[dict]:
        """The sources panel: each article's first row in the file gives its outlet and
        date (as :func:`geomap.mapping.article_table` does over the rows read)."""
        named = np.flatnonzero(
            pc.not_equal(self.text["article"], "").to_numpy(zero_copy_only=False)
        )
        if not len(named):
            return []
        names = pc.take(self.text["article"], named)
        encoded = pc.dictionary_encode(names).combine_chunks()
        _, first = np.unique(encoded.indices.to_numpy(), return_index=True)
        rows = named[first]
        outlets = pc.take(self.text["outlet"], rows).to_pylist()
        published = pc.take(self.text["published"], rows).to_pylist()
        table = [
            {"name": name, "outlet": o, "published": p, "title": "", "url": ""}
            for name, o, p in zip(encoded.dictionary.to_pylist(), outlets, published, strict=True)
        ]
        return sorted(table, key=lambda r: (r["published"], r["name"]))

    def ids_of(self, rows: np.ndarray) -> list[str]:
        """The event ids of some rows: as given, or as the row path makes them."""
        given = pc.take(self.text["event_id"], pa.array(rows)).to_pylist()
        missing = [i for i, value in enumerate(given) if not value]
        if missing:
            made = _made_ids(self.text, self.inferred, rows[missing])
            for i, value in zip(missing, made, strict=True):
                given[i] = value
        return given

    def _identity(self) -> np.ndarray:
        """Integer codes equal where event ids are equal, without hashing when it can."""
        given = self.text["event_id"]
        missing = pc.sum(pc.equal(given, "")).as_py() or 0
        if missing == self.n:  # every id would be made: equal ids <=> equal basis
            key = self.place * len(KINDS) + self.kind
            sides = len(actor_table(self.profile))
            key = (key * (int(self.date_code.max()) + 1) + self.date_code) * sides
            key = (key + self.controller) * 2 + self.inferred
            return np.unique(key, return_inverse=True)[1].ravel()
        ids = given if missing == 0 else pa.array(self.ids_of(np.arange(self.n)), pa.string())
        codes = pc.dictionary_encode(ids)
        if isinstance(codes, pa.ChunkedArray):
            codes = codes.combine_chunks()
        return codes.indices.to_numpy().astype(np.int64)

    def _last_with_same_id(self) -> np.ndarray:
        """For each row, the last row (timeline order) with its event id: the page describes
        an event by id, so a repeated id shows that row's details (as the row path does)."""
        if not self.n:
            return np.arange(0)
        codes = self._identity()
        if codes.max() + 1 == self.n:  # no id repeats
            return np.arange(self.n)
        last = np.full(codes.max() + 1, -1, dtype=np.int64)
        np.maximum.at(last, codes, self.timeline_rank)
        return self.timeline_order[last[codes]]

    def map_columns(self, min_confidence: float = MIN_CONFIDENCE) -> MapColumns:
        """The columns the page reads: the rows at or above ``min_confidence`` replayed, the
        others as unconfirmed claims; the slider spans them all."""
        mask = self.confirmed(min_confidence)
        columns = self.subset(mask).replayed(*self.days())
        if not mask.all():
            columns.unconfirmed = self.subset(~mask).unconfirmed_columns()
        columns.min_confidence = min_confidence
        return columns

    def replayed(self, first: dt.date, last_day: dt.date) -> MapColumns:
        """Replay every place's events (the rules of geomap.timeline.replay) into the
        columns the page reads, for a slider from ``first`` to ``last_day``."""
        order = self.replay_order()
        n = self.n
        place, day = self.place[order], self.day[order]
        kind, actor, ctrl = self.kind[order], self.actor[order], self.controller[order]
        inferred = self.inferred[order]
        approx = self.precision[order] != PRECISIONS.index("day")
        rows = np.arange(n)
        new_place = np.ones(n, dtype=bool)
        new_place[1:] = place[1:] != place[:-1]
        group_start = np.maximum.accumulate(np.where(new_place, rows, 0)) if n else rows
        fought = (kind == CONTESTED) | (kind == BESIEGED)
        ctrl_value = np.where(kind == CAPTURED, np.where(ctrl != 0, ctrl, actor), ctrl)
        inferred_withdrawal = (kind == WITHDREW) & inferred
        skip = np.zeros(n, dtype=bool)
        # An inferred withdrawal applies only if the actor held the place just before, which
        # depends on earlier withdrawals: iterate to the fixed point (each pass settles at
        # least the earliest undecided row; usually two passes).
        for _ in range(64):
            applied = (kind != SURRENDERED) & ~skip
            sets_ctrl = applied & ~(fought & (ctrl == 0))
            controller = _ffill(ctrl_value, sets_ctrl, 0, group_start)
            before = _before(controller, 0, new_place)
            settled = inferred_withdrawal & (before != actor)
            if np.array_equal(settled, skip):
                break
            skip = settled
        else:
            raise NotBulk("inferred withdrawals did not settle")
        status_value = np.select(
            [kind == CONTESTED, kind == BESIEGED, (kind == WITHDREW) & (ctrl == 0)],
            [S_CONTESTED, S_BESIEGED, LOST],
            S_HELD,
        )
        status = _ffill(status_value, applied, UNKNOWN, group_start)
        status_before = _before(status, UNKNOWN, new_place)
        challenger = _ffill(np.where(fought, actor, 0), applied, 0, group_start)
        former = _ffill(np.where(kind == WITHDREW, actor, 0), applied, 0, group_start)
        approx_state = _ffill(approx, applied, False, group_start)
        inferred_state = _ffill(inferred, applied, False, group_start)
        changes = applied & (
            (controller != before)
            | (((status_before == UNKNOWN) | (status_before == LOST)) & (status != status_before))
        )
        since = _ffill(day, changes, UNSET, group_start)
        new_day = new_place.copy()
        new_day[1:] |= day[1:] != day[:-1]
        day_start = np.flatnonzero(new_day)
        last = np.append(day_start[1:] - 1, n - 1) if n else day_start
        surrendered = (
            np.logical_or.reduceat(kind == SURRENDERED, day_start) if n else np.zeros(0, bool)
        )
        s_code = state_code(
            controller[last],
            status[last],
            challenger[last],
            former[last],
            approx_state[last],
            inferred_state[last],
            surrendered,
            (since[last] == day[last]) | (since[last] == UNSET),
        )
        source = self._last_with_same_id()[order]  # the row each event shows
        precision = self.precision[source]
        has_claim = pc.not_equal(self.text["article"], "").to_numpy(zero_copy_only=False)
        claimed = source[has_claim[source]]
        e_date = {}
        odd_dates = np.flatnonzero(precision != PRECISIONS.index("day"))
        if len(odd_dates):
            dates = pc.take(self.text["date"], source[odd_dates]).to_pylist()
            e_date = dict(zip(odd_dates.tolist(), dates, strict=True))
        return MapColumns(
            first=first,
            last=last_day,
            actors=actor_table(self.profile),
            s_count=np.bincount(place[last], minlength=len(self.gazetteer)).astype(np.int64),
            s_day=day[last],
            s_code=s_code,
            s_events=np.diff(np.append(day_start, n)),
            e_code=event_code(
                self.kind[source],
                precision,
                self.actor[source],
                self.controller[source],
                self.inferred[source],
            ),
            e_conf=np.floor(self.confidence[source] * 100 + 0.5).astype(np.int64),
            e_claims=has_claim[source].astype(np.int64),
            e_date=e_date,
            e_conflict=self._conflicts(source),
            c_article=pc.take(self.text["article"], claimed),
            c_evidence=pc.take(self.text["evidence"], claimed),
            c_when=pc.take(self.text["date_text"], claimed),
        )

    def _conflicts(self, source: np.ndarray) -> dict[int, str]:
        flagged = pc.not_equal(self.text["conflicts"], "").to_numpy(zero_copy_only=False)
        positions = np.flatnonzero(flagged[source])
        if not len(positions):
            return {}
        order = self.timeline_order
        ids = self.ids_of(order)
        by_id = dict(zip(ids, order.tolist(), strict=True))  # the last row of an id wins
        text = {name: self.text[name] for name in ("date", "kind", "sources", "article")}

        actors = actor_table(self.profile)

        def describe(row: int) -> tuple[str, str, str, list[str]]:
            date, kind, sources, article = (text[k][row].as_py() for k in text)
            side = actors[self.controller[row]] or actors[self.actor[row]]
            return date, kind, side, sources.split("|") if sources else [article]

        out = {}
        for position in positions.tolist():
            listed = self.text["conflicts"][int(source[position])].as_py().split("|")
            described = (describe(by_id[c]) for c in listed if c in by_id)
            out[position] = conflict_text(described, self.profile)
        return out


def _from_spreadsheet(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """The cells as written before ``records.spreadsheet_cell`` guarded them: one leading
    apostrophe fewer before ``= + - @``, tab or carriage return."""
    if not pc.any(pc.starts_with(values, "'")).as_py():
        return values
    return pc.replace_substring_regex(values, r"^'('*[=+\-@\t\r])", r"\1")


def read_event_table(
    path: str | Path, campaign: Campaign, parsed: Future | None = None
) -> EventTable:
    """Read and check an events CSV (output format) as columns, against the campaign's places
    and sides; NotBulk when it needs the row-by-row reader. ``parsed``: the file already being
    parsed (see :func:`parse_csv`)."""
    gazetteer = campaign.gazetteer
    actors = actor_table(campaign.profile)
    header, table = parsed.result() if parsed is not None else parse_csv(path)
    column = {name: i for i, name in enumerate(header)}
    if any(name not in column for name in ("date", "place_id", "kind", "controller")):
        raise NotBulk("missing columns")
    empty = pa.chunked_array([pa.repeat(pa.scalar("", pa.string()), table.num_rows)])

    def field(name: str) -> pa.ChunkedArray:
        if name not in column:
            return empty
        return _from_spreadsheet(pc.utf8_trim_whitespace(table.column(column[name])))

    text = {name: field(name) for name in (*EVENT_COLUMNS, "curation")}
    blank = pc.equal(pc.utf8_length(text["date"]), 0)
    if pc.any(blank).as_py():  # rows blank in every column are skipped, as the row path does
        for i, name in enumerate(header):
            trimmed = text[name] if name in text else pc.utf8_trim_whitespace(table.column(i))
            blank = pc.and_(blank, pc.equal(pc.utf8_length(trimmed), 0))
    if pc.any(blank).as_py():
        keep = pc.invert(blank)
        text = {name: pc.filter(values, keep) for name, values in text.items()}
    n = len(text["date"])
    kind_text = pc.utf8_lower(text["kind"])
    if (
        pc.any(pc.equal(kind_text, "reject")).as_py()
        or pc.any(pc.equal(pc.utf8_lower(text["curation"]), "reject")).as_py()
    ):
        raise NotBulk("reject rows")
    text["kind"] = kind_text
    date = text["date"]
    guessed = pc.if_else(
        pc.match_substring(date, "/"),
        "range",
        pc.if_else(
            pc.equal(pc.utf8_length(date), 4),
            "year",
            pc.if_else(pc.equal(pc.utf8_length(date), 7), "month", "day"),
        ),
    )
    text["date_precision"] = pc.if_else(
        pc.equal(text["date_precision"], ""), guessed, text["date_precision"]
    )
    precision = _lookup(text["date_precision"], list(PRECISIONS))
    pairs = pc.dictionary_encode(
        pc.binary_join_element_wise(date, text["date_precision"], "|")
    ).combine_chunks()
    first_days = []
    for pair in pairs.dictionary.to_pylist():
        value, _, precision_name = pair.rpartition("|")
        try:
            first_days.append(input_bounds(value, precision_name)[0].toordinal() - EPOCH_ORDINAL)
        except (ValueError, IndexError):
            raise NotBulk("a bad date") from None
    day = np.asarray(first_days, dtype=np.int64)[pairs.indices.to_numpy()]
    dates = pc.dictionary_encode(date)
    dates = dates.combine_chunks() if isinstance(dates, pa.ChunkedArray) else dates
    date_code = dates.indices.to_numpy().astype(np.int64)
    try:
        confidence = pc.cast(
            pc.if_else(pc.equal(text["confidence"], ""), "1", text["confidence"]), pa.float64()
        ).to_numpy()
        for k in ("evidence_start", "evidence_end"):  # checked as the row path does, not kept
            pc.cast(pc.if_else(pc.equal(text[k], ""), "-1", text[k]), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise NotBulk("a bad number") from None
    if n and not ((confidence >= 0) & (confidence <= 1)).all():
        raise NotBulk("a confidence outside 0..1")
    inferred_text = pc.utf8_lower(text["inferred"])
    inferred_code = _lookup(inferred_text, ["", "false", "0", "no", "true", "1", "yes"])
    gazetteer_ids = [p.id for p in gazetteer]
    return EventTable(
        gazetteer=gazetteer,
        profile=campaign.profile,
        n=n,
        text=text,
        place=_lookup(text["place_id"], gazetteer_ids),
        kind=_lookup(kind_text, list(KINDS)),
        precision=precision,
        actor=_lookup(text["actor"], actors),
        controller=_lookup(text["controller"], actors),
        day=day,
        date_code=date_code,
        confidence=confidence,
        inferred=inferred_code >= 4,
    )


def _sort(columns: dict) -> np.ndarray:
    table = pa.table(columns)
    return pc.sort_indices(table, [(name, "ascending") for name in columns]).to_numpy()


def _made_ids(text: dict[str, pa.ChunkedArray], inferred: np.ndarray, rows: np.ndarray):
    """The ids the row path makes for these rows (records.event_id)."""
    taken = pa.array(rows)
    fields = [
        pc.take(text[k], taken).to_pylist() for k in ("place_id", "kind", "date", "controller")
    ]
    return [event_id(*values) for values in zip(*fields, inferred[rows].tolist(), strict=True)]
