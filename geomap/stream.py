"""Extraction in batches, its records spilled to disk, merged bucket by bucket.

One design for one process, a process pool and a Dask cluster (only the :class:`Runner`
differs), with byte-identical outputs:

1. *scan*: each batch's articles are read for their metadata and digest, and whether a
   place may be named in them (the extractor's own prefilter); the driver drops repeated
   texts (the first copy in input order is kept) and stops at an unreadable one.
2. *extract*: each batch is extracted (but the articles in which no place can be named: they
   yield nothing, and are not read again), the analyst's reviews applied, and its raw events
   written to Parquet, one file per bucket of places (a stable hash of ``place_id``), and
   its mentions to one Parquet file, in article order.
3. *settle*: each bucket's raw events are merged, curated, split at the confidence
   threshold and given their prior holders (:func:`geomap.timeline.settle`); the bucket
   answers with its 'last town held' claims, the only input that crosses places.
4. *finish*: every bucket gets every claim (:func:`geomap.timeline.finish`) and writes its
   events in output order, with each one's CSV line and GeoJSON feature.
5. The driver merges the buckets' sorted files into ``events.csv`` and ``events.geojson``
   (no two buckets share a sort key: it holds the place) and joins the batches' mentions.

Each step works per place or per article, as :func:`geomap.timeline.build_timeline` does
for the whole campaign at once, so the outputs are the same bytes; memory holds a batch or a
bucket at a time, and the number of buckets grows with the input.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import logging
import math
import operator
import os
import pickle
import shutil
import signal
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.articles import Article, ReadReport
from geomap.campaign import Campaign
from geomap.exc import ArticleError
from geomap.records import (
    Event,
    Exclusivity,
    Figure,
    Mention,
    feature_json,
    spreadsheet_row,
)
from geomap.sources import Batch, read_batch
from geomap.timeline import (
    STATUS_RANK,
    Settled,
    Timeline,
    exclusivity_claims,
    finish,
    settle,
    sort_events,
)

# pyarrow's default allocator keeps what the spill's reads and writes freed (~10 % of a
# small run's peak); the system's returns it. Only when pyarrow is not loaded yet: a process
# that already uses it keeps its choice.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

ARTICLES_PER_BUCKET = 500  # a bucket's share of the input: its memory, whatever the size
MIN_BUCKETS = 2  # buckets a worker at least (on more than one)
# at most: each batch writes a file per bucket it has events for, and the final merge holds
# a row group of each bucket (beyond 128,000 articles a bucket's share grows instead)
MAX_BUCKETS = 256
ROW_GROUP = 256  # rows of a bucket's events file the final merge holds at a time


def bucket_count(articles: int, workers: int = 1) -> int:
    """Buckets for ``articles`` articles: enough that each holds a bounded share, and that
    ``workers`` processes share the merging."""
    least = 1 if workers <= 1 else MIN_BUCKETS * workers
    return min(max(least, math.ceil(articles / ARTICLES_PER_BUCKET)), max(least, MAX_BUCKETS))


def bucket_of(place_id: str, buckets: int) -> int:
    """The bucket of a place: a hash that is the same in every process and on every machine."""
    return zlib.crc32(place_id.encode("utf-8")) % buckets


@dataclass
class Context:
    """What every task needs, sent once to each worker: the campaign, the analyst's
    decisions and curation, the thresholds, and the spill folder (which every worker must be
    able to read and write)."""

    campaign: Campaign
    spill: str
    buckets: int
    reviews: dict | None = None  # claim id -> Review, when data/reviews.csv exists
    curated: list[Event] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    min_confidence: float = 0.6
    reviewed_only: bool = False
    unknown_names: bool = False
    keep_claims: bool = False
    keep_events: bool = False  # also write the events as objects (a map, or a result in memory)
    today: dt.date | None = None

    @property
    def curated_ids(self) -> set[str]:
        return {e.event_id for e in self.curated}

    @property
    def extra_sources(self) -> set[str]:
        """Articles a curated row cites: the only sources the read articles may lack."""
        return {c.article for e in self.curated for c in e.claims}


# --- the tasks (module functions: a Dask worker imports them) ------------------------------


@dataclass(frozen=True)
class ArticleInfo:
    """What the driver keeps of an article: its metadata, without the text."""

    name: str
    path: str
    digest: str
    published: dt.date
    published_line: int
    title: str
    outlet: str
    url: str
    quiet: bool = False  # no word of it can begin a place: extracting it yields nothing


def scan_batch(context: Context, batch: Batch) -> list[ArticleInfo | ArticleError]:
    """Step 1: each article's metadata and digest, or why it cannot be read; and whether
    extracting it can yield anything (``quiet`` when not: :meth:`Extractor.skips`)."""
    out: list[ArticleInfo | ArticleError] = []
    skips = _extractor(context).skips
    for item in read_batch(batch, today=context.today):
        if isinstance(item, ArticleError):
            out.append(item)
            continue
        out.append(
            ArticleInfo(
                item.name,
                item.path,
                item.digest,
                item.published,
                item.published_line,
                item.title,
                item.outlet,
                item.url,
                skips(item),
            )
        )
    return out


@dataclass
class BatchDone:
    """What extracting a batch left in memory (the records are in the spill folder)."""

    articles: int = 0
    mentions: int = 0
    review_counts: tuple[int, int, int, int, int] | None = None  # claims .. changed
    reviewed_ids: set[str] = field(default_factory=set)  # decisions that matched a claim
    unknown: list[tuple[str, str, str]] = field(default_factory=list)
    claims: list[Event] = field(default_factory=list)


_EXTRACTORS: dict[int, tuple[Context, Any]] = {}


def _extractor(context: Context):
    """The campaign's compiled rules, once per process and context."""
    kept = _EXTRACTORS.get(id(context))
    if kept is None or kept[0] is not context:
        from geomap.extract import Extractor

        campaign = context.campaign
        extractor = Extractor(
            campaign.gazetteer, campaign.profile, unknown_names=context.unknown_names
        )
        _EXTRACTORS.clear()
        kept = _EXTRACTORS[id(context)] = (context, extractor)
    return kept[1]


def extract_batch(
    context: Context, batch: Batch, skip: frozenset[int], quiet: int = 0
) -> BatchDone:
    """Step 2: extract the batch's articles (but ``skip``, the unreadable and repeated ones,
    and those the scan found quiet: bit ``offset`` of ``quiet`` set, not read again), apply
    the reviews, and spill the raw events by bucket and the mentions."""
    extractor = _extractor(context)
    done = BatchDone(articles=quiet.bit_count())  # extracting a quiet article yields nothing
    raw: list[Event] = []
    mentions: list[Mention] = []
    unread = {batch.first + offset for offset in range(batch.count) if quiet >> offset & 1}
    for article in read_batch(batch, today=context.today, skip=skip | unread):
        if article is None or isinstance(article, ArticleError):
            continue
        result = extractor(article)
        raw.extend(result.events)
        mentions.extend(result.mentions)
        done.unknown.extend(_unknown_lines(article, result.unknown_names))
        done.articles += 1
    if context.keep_claims:
        done.claims = list(raw)
    if context.reviews is not None:
        raw, done.review_counts, done.reviewed_ids = _apply_reviews(raw, context)
    by_bucket: dict[int, list[Event]] = {}
    for event in raw:
        by_bucket.setdefault(bucket_of(event.place_id, context.buckets), []).append(event)
    for bucket, events in by_bucket.items():
        _write_table(_raw_path(context.spill, bucket, batch.index), _event_columns(events))
    if mentions:
        _write_table(_mentions_path(context.spill, batch.index), _mention_columns(mentions))
    done.mentions = len(mentions)
    return done


def _unknown_lines(article: Article, names: list[tuple[str, int]]) -> Iterator[tuple]:
    body = article.body
    for name, offset in names:
        line_start = body.rfind("\n", 0, offset) + 1
        line_end = body.find("\n", offset)
        yield name, article.name, body[line_start : line_end if line_end >= 0 else None].strip()


def _apply_reviews(raw: list[Event], context: Context):
    """The batch's claims with the decisions applied. A claim's id depends on its article's
    other claims about the place only, and a batch holds whole articles."""
    from geomap.reviews import apply_reviews, claim_ids

    names = {p.id: p.name for p in context.campaign.gazetteer}
    applied = apply_reviews(raw, context.reviews, names)
    c = applied.counts
    matched = set(context.reviews).intersection(claim_ids(raw))
    return applied.events, (c.claims, c.accepted, c.rejected, c.corrected, c.changed), matched


@dataclass
class SettledBucket:
    """What settling a bucket answers: its 'last town held' claims and matched rejections."""

    bucket: int
    claims: list[Event]
    matched: set[str]


def settle_bucket(context: Context, bucket: int) -> SettledBucket:
    """Step 3: the bucket's raw events merged, curated, split and with prior holders."""
    raw = _read_raw(context.spill, bucket)
    curated = [e for e in context.curated if bucket_of(e.place_id, context.buckets) == bucket]
    settled = settle(
        raw,
        context.campaign.profile,
        curated,
        context.curated_ids,
        set(context.rejected),
        context.min_confidence,
        context.reviewed_only,
    )
    path = _settled_path(context.spill, bucket)
    with path.open("wb") as handle:
        pickle.dump(settled, handle, protocol=pickle.HIGHEST_PROTOCOL)
    matched = settled.known.intersection(context.rejected)
    return SettledBucket(bucket, exclusivity_claims(settled.events), matched)


@dataclass
class FinishedBucket:
    """Counts and what the driver needs of a finished bucket (its events are on disk)."""

    bucket: int
    events: int = 0
    unconfirmed: int = 0
    inferred: int = 0
    conflicting: int = 0
    sides: set[str] = field(default_factory=set)
    matched: set[str] = field(default_factory=set)
    sources: dict[str, tuple[tuple, str, str]] = field(default_factory=dict)


def finish_bucket(context: Context, bucket: int, claims: list[Event]) -> FinishedBucket:
    """Step 4: every claim applied to the bucket's places, conflicts flagged, and its events
    written in output order."""
    path = _settled_path(context.spill, bucket)
    with path.open("rb") as handle:
        settled: Settled = pickle.load(handle)
    path.unlink()
    known = settled.known | context.curated_ids
    unmatched = [r for r in context.rejected if r not in known]
    events, matched = finish(settled, context.campaign.gazetteer, unmatched, claims)
    confirmed = {id(e) for e in events}
    everything = sort_events(events + settled.unconfirmed)
    done = FinishedBucket(bucket, events=len(everything), unconfirmed=len(settled.unconfirmed))
    done.matched = matched
    extra = context.extra_sources
    for event in everything:
        done.inferred += event.inferred
        done.conflicting += bool(event.conflicts)
        done.sides.update((event.actor, event.controller))
        for claim in event.claims:
            if claim.article in extra and claim.article not in done.sources:
                done.sources[claim.article] = (sort_key(event), claim.outlet, claim.published)
    _write_table(
        _events_path(context.spill, bucket),
        _output_columns(everything, context.campaign.gazetteer),
        row_group_size=ROW_GROUP,
    )
    if context.keep_events:
        with _objects_path(context.spill, bucket).open("wb") as handle:
            for start in range(0, len(everything), 4096):
                chunk = everything[start : start + 4096]
                flags = [id(e) in confirmed for e in chunk]
                pickle.dump((chunk, flags), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return done


def sort_key(event: Event) -> tuple:
    """The order of events.csv (:func:`geomap.timeline.sort_events`)."""
    return (
        event.first_day.toordinal(),
        event.place_id,
        STATUS_RANK[event.kind],
        event.controller,
        event.event_id,
    )


# --- the spill folder ---------------------------------------------------------------------


def _spill_file(spill: str, folder: str, name: str) -> Path:
    """``spill/folder/name``, its folder made if need be."""
    where = Path(spill) / folder
    where.mkdir(parents=True, exist_ok=True)
    return where / name


def _raw_path(spill: str, bucket: int, batch: int) -> Path:
    return _spill_file(spill, f"raw/{bucket:05d}", f"{batch:07d}.parquet")


def _mentions_path(spill: str, batch: int) -> Path:
    return _spill_file(spill, "mentions", f"{batch:07d}.parquet")


def _settled_path(spill: str, bucket: int) -> Path:
    return _spill_file(spill, "settled", f"{bucket:05d}.pickle")


def _events_path(spill: str, bucket: int) -> Path:
    return _spill_file(spill, "events", f"{bucket:05d}.parquet")


def _objects_path(spill: str, bucket: int) -> Path:
    return _events_path(spill, bucket).with_suffix(".pickle")


def _write_table(path: Path, columns: dict[str, list], row_group_size: int | None = None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(columns)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, row_group_size=row_group_size, compression="zstd")
    os.replace(tmp, path)  # a task run twice (a lost worker) leaves one whole file


_RAW_TEXT = (
    "date",
    "date_precision",
    "place_id",
    "place",
    "kind",
    "actor",
    "controller",
    "article",
    "evidence",
    "date_text",
    "outlet",
    "published",
    "event_id",
    "review",
)


def _event_columns(events: list[Event]) -> dict[str, list]:
    """Raw events as columns. A raw event's sources and claims are its own (one article, one
    claim), so they are made again when it is read back."""
    columns: dict[str, list] = {name: [] for name in _RAW_TEXT}
    numbers: dict[str, list] = {
        "evidence_start": [],
        "evidence_end": [],
        "confidence": [],
        "inferred": [],
        "curated": [],
        "exclusive_holder": [],
        "exclusive_kinds": [],
        "exclusive_country": [],
    }
    for event in events:
        if event.sources != [event.article] or event.claims != [event.own_claim()]:
            raise ValueError(f"a raw event with sources or claims of its own: {event}")
        for name in _RAW_TEXT:
            columns[name].append(getattr(event, name))
        numbers["evidence_start"].append(event.evidence_start)
        numbers["evidence_end"].append(event.evidence_end)
        numbers["confidence"].append(event.confidence)
        numbers["inferred"].append(event.inferred)
        numbers["curated"].append(event.curated)
        scope = event.exclusive
        numbers["exclusive_holder"].append(scope.holder if scope else None)
        numbers["exclusive_kinds"].append(list(scope.kinds) if scope else None)
        numbers["exclusive_country"].append(scope.country if scope else None)
    return {**columns, **numbers}


def _read_raw(spill: str, bucket: int) -> Iterator[Event]:
    """The bucket's raw events, batch by batch in input order."""
    import pyarrow.parquet as pq

    folder = Path(spill) / "raw" / f"{bucket:05d}"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.parquet")):
        columns = pq.read_table(path).to_pydict()
        names = list(columns)
        for values in zip(*columns.values(), strict=True):
            row = dict(zip(names, values, strict=True))
            holder = row.pop("exclusive_holder")
            kinds = row.pop("exclusive_kinds")
            country = row.pop("exclusive_country")
            exclusive = Exclusivity(holder, tuple(kinds), country) if holder is not None else None
            yield Event(**row, exclusive=exclusive)


def _mention_columns(mentions: list[Mention]) -> dict[str, list]:
    lines = _csv_text_lines(m.as_list() for m in mentions)
    return {
        "csv": lines,
        "place_id": [m.place_id for m in mentions],
        "place": [m.place for m in mentions],
        "date": [m.date for m in mentions],
        "date_precision": [m.date_precision for m in mentions],
        "article": [m.article for m in mentions],
        "outlet": [m.outlet for m in mentions],
        "published": [m.published for m in mentions],
        "sentence": [m.sentence for m in mentions],
        "start": [m.start for m in mentions],
        "end": [m.end for m in mentions],
        "mention": [m.mention for m in mentions],
        "figure_values": [[f.value for f in m.figures] for m in mentions],
        "figure_labels": [[f.label for f in m.figures] for m in mentions],
        "figure_texts": [[f.text for f in m.figures] for m in mentions],
    }


def _csv_text_lines(rows: Iterable[list[str]]) -> list[str]:
    """Each row as the CSV line (or lines: a quoted newline) the outputs' writer writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lines = []
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(spreadsheet_row(row))
        lines.append(buffer.getvalue())
    return lines


def _output_columns(events: list[Event], gazetteer) -> dict[str, list]:
    keys = [sort_key(e) for e in events]
    coordinates: dict[str, str] = {}
    return {
        "day": [k[0] for k in keys],
        "place_id": [k[1] for k in keys],
        "rank": [k[2] for k in keys],
        "controller": [k[3] for k in keys],
        "event_id": [k[4] for k in keys],
        "csv": _csv_text_lines(e.as_list() for e in events),
        "geojson": [feature_json(e, gazetteer, coordinates) for e in events],
    }


# --- reading the buckets back, in output order ----------------------------------------------


def _bucket_rows(path: Path, column: str) -> Iterator[tuple[tuple, str]]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    key_columns = ["day", "place_id", "rank", "controller", "event_id"]
    for batch in parquet.iter_batches(batch_size=ROW_GROUP, columns=[*key_columns, column]):
        data = batch.to_pydict()
        keys = zip(*(data[c] for c in key_columns), strict=True)
        yield from zip(keys, data[column], strict=True)


def merged_lines(spill: str, buckets: int, column: str) -> Iterator[str]:
    """Every bucket's ``column`` ("csv" or "geojson") in output order: a merge of sorted
    files, a row group of each in memory."""
    sources = [
        _bucket_rows(path, column)
        for bucket in range(buckets)
        if (path := _events_path(spill, bucket)).exists()
    ]
    for _key, text in heapq.merge(*sources, key=operator.itemgetter(0)):
        yield text


def merged_events(spill: str, buckets: int) -> tuple[list[Event], list[Event]]:
    """Every bucket's events as objects, in output order: those that may colour the map and
    the unconfirmed claims (each in the order :class:`Timeline` keeps them)."""

    def objects(path: Path) -> Iterator[tuple[tuple, Event, bool]]:
        with path.open("rb") as handle:
            while True:
                try:
                    chunk, flags = pickle.load(handle)
                except EOFError:
                    return
                for event, flag in zip(chunk, flags, strict=True):
                    yield sort_key(event), event, flag

    sources = [
        objects(path)
        for bucket in range(buckets)
        if (path := _objects_path(spill, bucket)).exists()
    ]
    events: list[Event] = []
    unconfirmed: list[Event] = []
    for _key, event, flag in heapq.merge(*sources, key=operator.itemgetter(0)):
        (events if flag else unconfirmed).append(event)
    return events, unconfirmed


def mention_lines(spill: str) -> Iterator[str]:
    """mentions.csv's rows (no header), batch by batch in input order."""
    import pyarrow.parquet as pq

    for path in sorted((Path(spill) / "mentions").glob("*.parquet")):
        yield from pq.read_table(path, columns=["csv"]).column("csv").to_pylist()


def iter_mentions(spill: str) -> Iterator[Mention]:
    """The mentions as objects, batch by batch in input order."""
    import pyarrow.parquet as pq

    for path in sorted((Path(spill) / "mentions").glob("*.parquet")):
        data = pq.read_table(path).to_pydict()
        data.pop("csv")
        values = data.pop("figure_values")
        labels = data.pop("figure_labels")
        texts = data.pop("figure_texts")
        names = list(data)
        rows = zip(*data.values(), values, labels, texts, strict=True)
        for *fields, numbers, words, spans in rows:
            figures = [Figure(*f) for f in zip(numbers, words, spans, strict=True)]
            yield Mention(**dict(zip(names, fields, strict=True)), figures=figures)


# --- runners: one process, a pool, or a Dask cluster ------------------------------------------


class Runner:
    """Runs a task over many arguments, in one process.

    ``map`` hands each result to ``done`` in argument order (dropping it after, unless
    ``keep``), and to ``progress`` as soon as it is computed; it returns the kept results."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def map(
        self,
        task: Callable,
        arguments: Sequence[tuple],
        done: Callable[[Any], None] | None = None,
        *,
        progress: Callable[[Any], None] | None = None,
        keep: bool = True,
    ) -> list:
        return _in_order(
            enumerate(task(self.context, *args) for args in arguments), done, progress, keep
        )

    def close(self) -> None:
        """Free what the runner holds (processes, futures)."""


def _in_order(finished: Iterable[tuple[int, Any]], done, progress, keep: bool) -> list:
    """Results finished in any order (index, result), handed to ``done`` in index order as
    soon as all before them are in; only those not yet handed on are held."""
    waiting: dict[int, Any] = {}
    kept: list = []
    next_index = 0
    for index, result in finished:
        if progress:
            progress(result)
        waiting[index] = result
        while next_index in waiting:
            ready = waiting.pop(next_index)
            if done:
                done(ready)
            if keep:
                kept.append(ready)
            next_index += 1
    return kept


_CONTEXT: Context | None = None


def _init_pool(context: Context, parent: int) -> None:
    """A pool worker: the context once; Ctrl-C ignored (the parent stops it); it dies with
    its parent, even one killed with ``kill -9``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    global _CONTEXT
    _CONTEXT = context


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (``PR_SET_PDEATHSIG``); end now if
    the parent ``parent`` is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _pool_call(item: tuple[Callable, tuple]) -> Any:
    task, args = item
    return task(_CONTEXT, *args)


class PoolRunner(Runner):
    """The tasks over ``jobs`` processes of this machine."""

    def __init__(self, context: Context, jobs: int) -> None:
        import multiprocessing

        super().__init__(context)
        self.pool = multiprocessing.Pool(
            jobs, initializer=_init_pool, initargs=(context, os.getpid())
        )

    def map(self, task, arguments, done=None, *, progress=None, keep=True) -> list:
        results = self.pool.imap(_pool_call, [(task, args) for args in arguments])
        return _in_order(enumerate(results), done, progress, keep)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


class DaskRunner(Runner):
    """The tasks on a Dask cluster: a ``LocalCluster`` of ``jobs`` workers, or the running
    scheduler at ``address``. The context is sent to every worker once."""

    def __init__(self, context: Context, address: str | None, jobs: int | None) -> None:
        from distributed import Client, LocalCluster

        super().__init__(context)
        self.cluster = None
        if address:
            self.client = Client(address)
        else:
            self.cluster = LocalCluster(
                n_workers=jobs or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: never in the way of another cluster
                silence_logs=logging.CRITICAL,  # its workers' farewells are not the user's
            )
            self.client = Client(self.cluster)
        self.shared = self.client.scatter(context, broadcast=True, hash=False)

    def map(self, task, arguments, done=None, *, progress=None, keep=True) -> list:
        from distributed import as_completed

        futures = [self.client.submit(task, self.shared, *args, pure=False) for args in arguments]
        index = {future.key: number for number, future in enumerate(futures)}

        def finished() -> Iterator[tuple[int, Any]]:
            for future in as_completed(futures):
                result = future.result()  # a task's error is raised here
                yield index[future.key], result

        return _in_order(finished(), done, progress, keep)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# --- the driver ----------------------------------------------------------------------------


@dataclass
class Streamed:
    """What the driver keeps of a run: counts and metadata; the records are in ``spill``."""

    spill: str
    buckets: int
    articles: list[dict]  # the sources panel's rows (geomap.mapping.article_table), when kept
    warnings: list[str]
    article_count: int = 0  # articles read, and sources only the curated rows cite
    events: int = 0
    unconfirmed: int = 0
    inferred: int = 0
    conflicting: int = 0
    mentions: int = 0
    sides: set[str] = field(default_factory=set)
    unmatched_rejections: list[str] = field(default_factory=list)
    review_counts: tuple[int, ...] | None = None
    reviewed_ids: set[str] = field(default_factory=set)
    unknown: list[tuple[str, str, str]] = field(default_factory=list)
    claims: list[Event] = field(default_factory=list)

    def timeline(self, gazetteer, profile, min_confidence, reviewed_only, reviews_read):
        """The whole timeline in memory (a map needs it)."""
        events, unconfirmed = merged_events(self.spill, self.buckets)
        timeline = Timeline(
            events=events,
            gazetteer=gazetteer,
            unmatched_rejections=self.unmatched_rejections,
            profile=profile,
            unconfirmed=unconfirmed,
            min_confidence=min_confidence,
            reviewed_only=reviewed_only,
            reviews_read=reviews_read or reviewed_only,
        )
        return timeline


WINDOW_SLACK_DAYS = 365


def run(
    context: Context,
    batches: list[Batch],
    runner: Runner,
    report: ReadReport,
    *,
    keep_going: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Streamed:
    """Steps 1 to 4 over the batches; the events and mentions stay in the spill folder."""
    skip, quiet, rows, warnings = _scan(context, batches, runner, report, keep_going)
    streamed = Streamed(context.spill, context.buckets, [], warnings)
    review = [0, 0, 0, 0, 0]

    def extracted(done: BatchDone) -> None:
        streamed.mentions += done.mentions
        streamed.unknown += done.unknown
        streamed.claims += done.claims
        streamed.reviewed_ids |= done.reviewed_ids
        if done.review_counts:
            for i, count in enumerate(done.review_counts):
                review[i] += count

    def moved(done: BatchDone) -> None:
        if progress and done.articles:
            progress(done.articles)

    arguments = [(b, frozenset(skip.get(b.index, ())), quiet.get(b.index, 0)) for b in batches]
    runner.map(extract_batch, arguments, extracted, progress=moved, keep=False)
    if context.reviews is not None:
        streamed.review_counts = tuple(review)
    buckets = range(context.buckets)
    settled = runner.map(settle_bucket, [(b,) for b in buckets])
    claims = exclusivity_claims(c for s in settled for c in s.claims)
    finished = runner.map(finish_bucket, [(b, claims) for b in buckets])
    matched = set().union(*(s.matched for s in settled), *(f.matched for f in finished))
    curated_ids = context.curated_ids
    streamed.unmatched_rejections = [
        r for r in context.rejected if r not in curated_ids and r not in matched
    ]
    sources: dict[str, tuple] = {}
    for done in finished:
        streamed.events += done.events
        streamed.unconfirmed += done.unconfirmed
        streamed.inferred += done.inferred
        streamed.conflicting += done.conflicting
        streamed.sides |= done.sides
        for name, entry in done.sources.items():
            if name not in sources or entry[0] < sources[name][0]:
                sources[name] = entry
    for name, (_key, outlet, published) in sources.items():
        rows.setdefault(
            name, {"name": name, "outlet": outlet, "published": published, "title": "", "url": ""}
        )
    streamed.article_count = len(rows)
    if context.keep_events:
        streamed.articles = sorted(rows.values(), key=lambda r: (r["published"], r["name"]))
    return streamed


def _scan(
    context: Context,
    batches: list[Batch],
    runner: Runner,
    report: ReadReport,
    keep_going: bool,
) -> tuple[dict[int, set[int]], dict[int, int], dict[str, dict], list[str]]:
    """Step 1: the articles to skip per batch (unreadable, or a text read before), the quiet
    ones per batch (a bit per offset: bounded memory for a feed of them), the sources panel's
    rows and the warnings of dates far outside the campaign's window."""
    profile = context.campaign.profile
    seen: dict[str, str] = {}
    skip: dict[int, set[int]] = {}
    quiet: dict[int, int] = {}
    rows: dict[str, dict | None] = {}
    warnings: list[str] = []
    extra = context.extra_sources
    # without a map or a result in memory: the count, and rows for the curated rows' sources
    keep_rows = context.keep_events
    position = iter(batches)

    def scanned(infos: list) -> None:
        batch = next(position)
        for offset, info in enumerate(infos):
            if isinstance(info, ArticleError):
                if not keep_going:
                    raise info
                report.errors.append(info)
                skip.setdefault(batch.index, set()).add(batch.first + offset)
                continue
            if info.digest in seen:
                report.skipped.append((info.path, f"same text as {seen[info.digest]}; read once"))
                skip.setdefault(batch.index, set()).add(batch.first + offset)
                continue
            seen[info.digest] = info.name
            if info.quiet:
                quiet[batch.index] = quiet.get(batch.index, 0) | 1 << offset
            if keep_rows or info.name in extra:
                rows[info.name] = {
                    "name": info.name,
                    "outlet": info.outlet,
                    "published": info.published.isoformat(),
                    "title": info.title,
                    "url": info.url,
                }
            else:
                rows.setdefault(info.name, None)  # counted, without a row
            warning = _outside_window(info, profile)
            if warning:
                warnings.append(warning)

    runner.map(scan_batch, [(b,) for b in batches], scanned, keep=False)
    return skip, quiet, rows, warnings


def _outside_window(info: ArticleInfo, profile) -> str:
    """A warning when an article was published far outside the profile's window."""
    start, end = profile.start, profile.end
    if start and (start - info.published).days > WINDOW_SLACK_DAYS:
        where = f"{(start - info.published).days:,} days before"
    elif end and (info.published - end).days > WINDOW_SLACK_DAYS:
        where = f"{(info.published - end).days:,} days after"
    else:
        return ""
    return (
        f"{info.path or info.name}:{info.published_line}, field 'published': "
        f"{info.published} is {where} the campaign's window ({start} to "
        f"{end} in campaign.toml); check the year"
    )


def spill_folder(out_dir: str | Path | None) -> Path:
    """A fresh spill folder: beside ``out_dir`` (a cluster's workers see it there when the
    outputs are on a shared disk), else in the system's temporary folder."""
    if out_dir is None:
        return Path(tempfile.mkdtemp(prefix="geomap-spill-"))
    target = Path(os.path.realpath(out_dir))
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.spill-", dir=target.parent))


def remove_spill(spill: str | Path) -> None:
    shutil.rmtree(spill, ignore_errors=True)
