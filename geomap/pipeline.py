"""The library functions behind the CLI commands: extract, build, events, geocode, check.

Each writes its whole output set into a fresh folder and switches it in at once
(:mod:`geomap.outputs`), so a failure, an interrupt or a kill leaves the previous outputs
intact, never a mix of old and new. Inputs are never modified, and an output folder on them
is refused.
"""

from __future__ import annotations

import gc
import importlib.abc
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geomap import stream
from geomap.articles import (
    Article,
    ReadReport,
    folder_entries,
)
from geomap.campaign import ARTICLES_NAME, GAZETTEER_NAME, Campaign, Profile, load_campaign
from geomap.exc import ArticleError, EventsFileError, GeomapError, UsageError
from geomap.gazetteer import Gazetteer
from geomap.outputs import check_out_dir, output_set
from geomap.records import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    MIN_CONFIDENCE,
    Event,
    Mention,
    feature_json,
    read_events_csv,
    spreadsheet_row,
)
from geomap.reviews import REVIEWS_NAME, ReviewCounts, read_reviews
from geomap.sources import is_glob
from geomap.timeline import Timeline, split_confirmed

if TYPE_CHECKING:
    from geomap.event_table import EventTable
    from geomap.mapping import MapOptions

GAZETTEER = GAZETTEER_NAME
ARTICLES = ARTICLES_NAME
CURATED = "events.csv"
EVENT_OUTPUTS = ("events.csv", "events.geojson", "mentions.csv")  # beside map.html

#: True in the console script (geomap.cli.run), whose process ends after its one command.
#: A bulk build and an extraction without Dask run there with pandas hidden: folium and
#: pyarrow import it only to look for DataFrames, which neither gives them, and importing it
#: took ~0.5 s of a 10,000-place build and ~0.3 s of any extraction. Both remember that it
#: was missing, so a library caller, whose process goes on, keeps its pandas.
ONE_COMMAND_PROCESS = False


class _HiddenPandas(importlib.abc.MetaPathFinder):
    """An import hook under which ``import pandas`` fails as if it were not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden)", name=name)
        return None


@contextmanager
def _pandas_hidden(hide: bool) -> Iterator[None]:
    hook = _HiddenPandas() if hide and "pandas" not in sys.modules else None
    if hook is not None:
        sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        if hook is not None:
            sys.meta_path.remove(hook)


def atomic_write(path: str | Path, data: str | bytes | Iterable[str | bytes]) -> Path:
    """Write ``data`` (text, bytes, or text or byte chunks streamed one by one) to ``path``
    through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            elif isinstance(data, str):
                handle.write(data.encode("utf-8"))
            else:
                for chunk in data:
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while a batch allocates millions of records:
    nothing in them forms cycles, and collection passes would otherwise dominate the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class ExtractResult:
    """What extraction produced and what it had to skip."""

    timeline: Timeline
    articles: list[dict]
    mentions: list[Mention]
    report: ReadReport
    # (name, article, sentence) of place-like names the gazetteer lacks, when asked for
    unknown_names: list[tuple[str, str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # besides the gazetteer's
    # the extracted claims before any review (when asked for: geomap review, evaluate)
    claims: list[Event] = field(default_factory=list)
    reviews: ReviewCounts | None = None  # what the analyst's decisions did, when applied
    mention_count: int | None = None  # when ``mentions`` were streamed, not kept

    @property
    def events(self) -> list[Event]:
        """Every event, unconfirmed claims too (the map is drawn from ``timeline.events``)."""
        return self.timeline.all_events

    @property
    def gazetteer(self) -> Gazetteer:
        return self.timeline.gazetteer

    def counts(self) -> dict:
        events = self.timeline.all_events
        return {
            "articles": len(self.articles),
            "events": len(events),
            "unconfirmed": len(self.timeline.unconfirmed),
            "inferred": sum(e.inferred for e in events),
            "conflicting": sum(bool(e.conflicts) for e in events),
            "mentions": len(self.mentions) if self.mention_count is None else self.mention_count,
        }


@dataclass
class BulkResult:
    """What a build from a large events CSV read, as columns (no Event objects)."""

    table: EventTable
    articles: list[dict]
    unconfirmed: int = 0  # rows below the threshold: listed in popups, never drawn
    report: ReadReport = field(default_factory=ReadReport)
    mentions: list[Mention] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def gazetteer(self) -> Gazetteer:
        return self.table.gazetteer

    def counts(self) -> dict:
        return {
            "articles": len(self.articles),
            "events": self.table.n,
            "unconfirmed": self.unconfirmed,
            "inferred": int(self.table.inferred.sum()),
            "conflicting": self.table.conflicting(),
            "mentions": 0,
        }


@dataclass
class StreamResult:
    """What a run that kept its events on disk returns: counts, what was skipped, warnings
    (``extract(..., in_memory=False)``)."""

    streamed: stream.Streamed
    gazetteer: Gazetteer
    report: ReadReport
    warnings: list[str] = field(default_factory=list)
    reviews: ReviewCounts | None = None
    written: list[Path] = field(default_factory=list)

    def counts(self) -> dict:
        streamed = self.streamed
        return {
            "articles": streamed.article_count,
            "events": streamed.events,
            "unconfirmed": streamed.unconfirmed,
            "inferred": streamed.inferred,
            "conflicting": streamed.conflicting,
            "mentions": streamed.mentions,
        }


def extract(
    data_dir: str | Path = "data",
    out_dir: str | Path | None = "output",
    *,
    jobs: int | None = None,
    keep_going: bool = False,
    progress: Callable[[int], None] | None = None,
    unknown_names: bool = False,
    campaign: Campaign | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    use_reviews: bool = True,
    reviewed_only: bool = False,
    keep_claims: bool = False,
    source: str | Path | None = None,
    dask: str | None = None,
    in_memory: bool = True,
) -> ExtractResult:
    """Read ``data/articles``, extract events and mentions, write ``output/events.csv``,
    ``output/events.geojson`` and ``output/mentions.csv`` (when ``out_dir`` is given).

    ``unknown_names``: also list the place-like names the gazetteer lacks (``geomap check``).
    ``campaign``: the data folder's profile and gazetteer, if already read.
    ``min_confidence``: events below it (not curated) are unconfirmed claims: written to the
    outputs, never drawn as a colour.
    ``use_reviews``: apply the analyst's decisions of ``data/reviews.csv`` (rejected claims
    dropped, corrected ones changed); ``reviewed_only``: only accepted or corrected claims
    colour. ``keep_claims``: keep the claims as extracted, before any review, in ``claims``.
    ``source``: read the articles from this folder, glob, Parquet or JSONL file instead
    (:mod:`geomap.sources`). ``dask``: run on Dask, ``""`` a ``LocalCluster`` of ``jobs``
    workers, else the scheduler at that address. ``progress``: called with the number of
    articles each batch extracted. ``in_memory=False`` keeps nothing but counts: the result
    is a :class:`StreamResult` (memory stays flat however many articles are read).
    """
    if out_dir is not None:
        check_out_dir(out_dir, data_dir)  # before the long work
        _check_out_not_input(out_dir, source)
    campaign = campaign or load_campaign(data_dir)
    run = _Run(data_dir, out_dir, campaign, source, jobs, dask, keep_going, progress)
    # pyarrow imports pandas (~0.3 s) only to look for DataFrames, which the spill never
    # gives it; Dask's driver may need pandas
    with paused_gc(), _pandas_hidden(ONE_COMMAND_PROCESS and dask is None), run:
        streamed = run.stream(
            unknown_names=unknown_names,
            min_confidence=min_confidence,
            reviewing=(use_reviews, reviewed_only, keep_claims),
            keep_events=in_memory,
        )
        if in_memory:
            result = run.result(streamed, min_confidence, reviewed_only)
            result.mentions = list(stream.iter_mentions(streamed.spill))
        else:
            result = run.summary(streamed)
        if out_dir is not None:
            with output_set(out_dir) as folder:
                written = write_streamed_outputs(streamed, folder)
            result.written += [Path(out_dir) / path.name for path in written]
    return result


class _Run:
    """One streamed extraction: its input, runner and spill folder (removed at the end)."""

    def __init__(
        self, data_dir, out_dir, campaign, source, jobs, dask, keep_going, progress
    ) -> None:
        self.data_dir = Path(data_dir)
        self.out_dir = out_dir
        self.reviews: dict | None = None
        self.campaign = campaign
        self.source = Path(data_dir) / ARTICLES if source is None else source
        self.jobs = jobs or os.cpu_count() or 1
        self.dask = dask
        self.keep_going = keep_going
        self.progress = progress
        self.report = ReadReport()
        self.spill: Path | None = None
        self.reviews_read = False

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *_exc) -> None:
        if self.spill is not None:
            stream.remove_spill(self.spill)

    def stream(self, *, unknown_names, min_confidence, reviewing, keep_events) -> stream.Streamed:
        """Steps 1 to 4 of :mod:`geomap.stream`, on this machine or on Dask."""
        from geomap.sources import BATCH_ARTICLES, plan_batches

        use_reviews, reviewed_only, keep_claims = reviewing
        size = BATCH_ARTICLES
        self.workers = self.jobs
        listing = None  # the folder's entries, listed once
        if self.dask is None and Path(self.source).is_dir():
            listing = list(folder_entries(self.source))
            files = [path for path, why in listing if not why]
            if not files:
                raise ArticleError(
                    "no articles yet",
                    file=self.source,
                    hint="put dated articles there: a front matter block (title, outlet, "
                    "published: YYYY-MM-DD) between '---' lines, then the text",
                )
            if self.jobs <= 1 or len(files) < 4 * self.jobs:  # one process: no processes to feed
                self.workers = 1
            else:  # a few batches a process at least, so that the processes share the work
                size = max(1, min(size, len(files) // (4 * self.jobs)))
        source = self.source
        if self.dask is not None:  # a worker elsewhere resolves no path against our folder
            source = os.path.abspath(source)
        batches = plan_batches(source, self.report, size, listing)
        count = sum(batch.count for batch in batches)
        reviews = None
        if use_reviews or reviewed_only:
            reviews = _reviews(self.data_dir, self.campaign)
        self.reviews = reviews
        self.reviews_read = reviews is not None
        curated, rejected = _curation(self.data_dir, self.campaign)
        # a cluster's workers write it: beside the outputs, which they can reach
        self.spill = stream.spill_folder(self.out_dir if self.dask is not None else None)
        context = stream.Context(
            campaign=self.campaign,
            spill=str(self.spill),
            buckets=stream.bucket_count(count, self.workers),
            reviews=reviews,
            curated=curated,
            rejected=rejected,
            min_confidence=min_confidence,
            reviewed_only=reviewed_only,
            unknown_names=unknown_names,
            keep_claims=keep_claims,
            keep_events=keep_events,
        )
        runner = self._runner(context, count)
        try:
            streamed = stream.run(
                context,
                batches,
                runner,
                self.report,
                keep_going=self.keep_going,
                progress=self.progress,
            )
        finally:
            runner.close()
        if streamed.unmatched_rejections:
            raise EventsFileError(
                "rejects event id(s) that no run produced: "
                f"{', '.join(streamed.unmatched_rejections)}",
                file=self.data_dir / CURATED,
                field="event_id",
                hint="copy the event_id from output/events.csv",
            )
        return streamed

    def _runner(self, context: stream.Context, count: int) -> stream.Runner:
        if self.dask is not None:
            return stream.DaskRunner(context, self.dask or None, self.jobs)
        if self.workers <= 1 or count < 4 * self.jobs:
            return stream.Runner(context)
        return stream.PoolRunner(context, self.jobs)

    def result(self, streamed: stream.Streamed, min_confidence, reviewed_only) -> ExtractResult:
        """The run as an :class:`ExtractResult` in memory (the timeline read back)."""
        timeline = streamed.timeline(
            self.campaign.gazetteer,
            self.campaign.profile,
            min_confidence,
            reviewed_only,
            self.reviews_read,
        )
        return ExtractResult(
            timeline=timeline,
            articles=streamed.articles,
            mentions=[],
            report=self.report,
            unknown_names=streamed.unknown,
            warnings=streamed.warnings + _unknown_sides_of(streamed.sides, self.campaign.profile),
            claims=streamed.claims,
            reviews=self.review_counts(streamed),
            mention_count=streamed.mentions,
        )

    def summary(self, streamed: stream.Streamed) -> StreamResult:
        """The run's counts, with the events left on disk."""
        return StreamResult(
            streamed=streamed,
            gazetteer=self.campaign.gazetteer,
            report=self.report,
            warnings=streamed.warnings + _unknown_sides_of(streamed.sides, self.campaign.profile),
            reviews=self.review_counts(streamed),
        )

    def review_counts(self, streamed: stream.Streamed) -> ReviewCounts | None:
        """What the analyst's decisions did (None without data/reviews.csv)."""
        if streamed.review_counts is None or self.reviews is None:
            return None
        counts = ReviewCounts(*streamed.review_counts)
        counts.orphans = len(set(self.reviews) - streamed.reviewed_ids)
        return counts


def _check_out_not_input(out_dir: str | Path, source: str | Path | None) -> None:
    """Refuse (exit 2) an output folder that is, holds or lies inside the ``--input`` folder
    or file: the outputs replace that folder whole."""
    if source is None or is_glob(str(source)):
        return
    out, entry = Path(os.path.realpath(out_dir)), Path(os.path.realpath(source))
    if out == entry or entry.is_relative_to(out) or out.is_relative_to(entry):
        raise UsageError(
            f"the output folder would hold or replace the input {source}",
            file=out_dir,
            field="--out",
            hint="write the outputs to a folder outside the articles' input",
        )


def _reviews(data_dir: Path, campaign: Campaign) -> dict | None:
    """The decisions of ``data/reviews.csv`` by claim id, or None without the file."""
    path = data_dir / REVIEWS_NAME
    if not path.exists():
        return None
    return read_reviews(
        path, place_ids={p.id: p.name for p in campaign.gazetteer}, sides=campaign.profile.side_ids
    )


def write_streamed_outputs(streamed: stream.Streamed, folder: Path) -> list[Path]:
    """events.csv, events.geojson and mentions.csv from a streamed run's spill folder: the
    buckets merged in output order, the batches' mentions joined (the same bytes as
    :func:`write_event_outputs` of the same events)."""
    spill, buckets = streamed.spill, streamed.buckets
    header = _csv_header(EVENT_COLUMNS)
    contents = {
        "events.csv": lambda: _chained(header, stream.merged_lines(spill, buckets, "csv")),
        "events.geojson": lambda: geojson_lines(stream.merged_lines(spill, buckets, "geojson")),
        "mentions.csv": lambda: _chained(_csv_header(MENTION_COLUMNS), stream.mention_lines(spill)),
    }
    return [atomic_write(folder / name, _chunked(contents[name]())) for name in EVENT_OUTPUTS]


def _csv_header(columns: list[str]) -> str:
    return ",".join(columns) + "\n"


def _chained(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def _chunked(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Small strings joined into chunks of about ``size`` characters (fewer writes)."""
    chunk: list[str] = []
    length = 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    yield "".join(chunk)


def _unknown_sides_of(named: set[str], profile: Profile) -> list[str]:
    """A warning when the events name sides the profile lacks (drawn as unknown); none without
    a profile, whose notice already says that sides are unknown."""
    unknown = sorted(named - set(profile.side_ids) - {""})
    if not unknown or profile.path is None:
        return []
    return [
        f"{profile.path}: the events name side(s) it does not define: {', '.join(unknown)}; "
        "the map draws them as unknown"
    ]


def _unknown_sides(events: list[Event], profile: Profile) -> list[str]:
    """A warning when the events name sides the profile lacks (drawn as unknown); none without
    a profile, whose notice already says that sides are unknown."""
    return _unknown_sides_of({e.actor for e in events} | {e.controller for e in events}, profile)


def _curation(data_dir: Path, campaign: Campaign) -> tuple[list[Event], list[str]]:
    path = data_dir / CURATED
    if not path.exists():
        return [], []
    names = {p.id: p.name for p in campaign.gazetteer}
    return read_events_csv(path, names, sides=campaign.profile.side_ids, curated=True)


def events_geojson(events: list[Event], gazetteer: Gazetteer) -> Iterator[str]:
    """The events as a GeoJSON FeatureCollection, one feature per line, streamed."""
    coordinates: dict[str, str] = {}
    yield '{"type": "FeatureCollection", "features": [\n'
    for index, event in enumerate(events):
        yield f"{',' if index else ''}{feature_json(event, gazetteer, coordinates)}\n"
    yield "]}\n"


def geojson_lines(features: Iterable[str]) -> Iterator[str]:
    """A FeatureCollection, one feature per line, from features' JSON (:func:`feature_json`)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    for index, feature in enumerate(features):
        yield f"{',' if index else ''}{feature}\n"
    yield "]}\n"


def _csv_lines(rows: Iterable[list[str]], columns: list[str]) -> Iterator[str]:
    """The rows as CSV text in chunks, each cell spreadsheet-safe (``records.spreadsheet_cell``)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(spreadsheet_row(row))
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_event_outputs(
    timeline: Timeline, mentions: list[Mention], out_dir: Path, *, keep: Path | None = None
) -> list[Path]:
    """events.csv and events.geojson (every event, unconfirmed claims too), mentions.csv, into
    the folder ``out_dir`` (the commands write them into an :func:`output_set`); ``keep``: a
    file not to write (the events CSV the timeline was read from)."""
    events = timeline.all_events
    contents = {
        "events.csv": lambda: _csv_lines((e.as_list() for e in events), EVENT_COLUMNS),
        "events.geojson": lambda: events_geojson(events, timeline.gazetteer),
        "mentions.csv": lambda: _csv_lines((m.as_list() for m in mentions), MENTION_COLUMNS),
    }
    paths = [out_dir / name for name in EVENT_OUTPUTS]
    return [
        atomic_write(path, contents[path.name]())
        for path in paths
        if keep is None or path.resolve() != keep
    ]


def read_events(
    data_dir: str | Path,
    events_file: str | Path,
    *,
    campaign: Campaign | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> ExtractResult:
    """An events CSV (output format) as a timeline, without articles; rows below
    ``min_confidence`` (not inferred) are its unconfirmed claims, as when it was written."""
    campaign = campaign or load_campaign(data_dir)
    gazetteer = campaign.gazetteer
    names = {p.id: p.name for p in gazetteer}
    with paused_gc():
        events, rejected = read_events_csv(events_file, names, sides=campaign.profile.side_ids)
    if rejected:
        raise EventsFileError(
            "an --events file cannot reject events",
            file=events_file,
            hint="remove the reject rows, or put them in data/events.csv",
        )
    from geomap.mapping import article_table  # the map's modules (numpy, shapely): when drawn

    in_order = sorted(events, key=lambda e: (e.first_day, e.place_id))
    drawn, unconfirmed = split_confirmed(in_order, min_confidence)
    timeline = Timeline(
        events=drawn,
        gazetteer=gazetteer,
        profile=campaign.profile,
        unconfirmed=unconfirmed,
        min_confidence=min_confidence,
    )
    return ExtractResult(
        timeline=timeline, articles=article_table([], events), mentions=[], report=ReadReport()
    )


@dataclass
class BuildResult:
    extraction: ExtractResult | BulkResult
    map_path: Path
    map_bytes: int
    # event outputs of an earlier build in the output folder that this one left as they
    # were (a build from an events file writes map.html only): they do not describe the map
    not_rewritten: list[Path] = field(default_factory=list)


def build(
    data_dir: str | Path = "data",
    out_dir: str | Path = "output",
    *,
    events_file: str | Path | None = None,
    options: MapOptions | None = None,
    jobs: int | None = None,
    keep_going: bool = False,
    progress: Callable[[Article], None] | None = None,
    campaign: Campaign | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    reviewed_only: bool = False,
    source: str | Path | None = None,
    dask: str | None = None,
    in_memory: bool = True,
) -> BuildResult:
    """Everything: extract, merge into a timeline, write the map and the event outputs.

    With ``events_file`` (an events CSV) no article is read and only ``map.html`` is
    written; large files are read as columns (:mod:`geomap.event_table`). ``campaign``:
    the data folder's profile and gazetteer, if already read. ``min_confidence``: events
    below it colour nothing; the popups list them as unconfirmed claims. The analyst's
    decisions (``data/reviews.csv``) apply to a build from articles; ``reviewed_only``: only
    the claims accepted or corrected there colour. ``source``, ``dask``, ``progress``: as
    for :func:`extract`; ``in_memory=False``: the mentions go from disk to the page, not
    into ``extraction.mentions``."""
    if reviewed_only and events_file is not None:
        raise UsageError(
            "--reviewed-only applies the reviews of the articles' claims, not an events file",
            hint="build from the articles, or drop --reviewed-only",
        )
    check_out_dir(out_dir, data_dir)  # before the long work
    _check_out_not_input(out_dir, source)
    with paused_gc():
        result = _build(
            data_dir,
            out_dir,
            events_file,
            options,
            jobs,
            keep_going,
            progress,
            campaign,
            min_confidence,
            reviewed_only,
            source,
            dask,
            in_memory,
        )
    result.extraction.warnings += _start_outside(result.extraction, options)
    if events_file is not None:  # nothing but map.html was written
        source = Path(events_file).resolve()
        result.not_rewritten = [
            path
            for name in EVENT_OUTPUTS
            if (path := Path(out_dir) / name).exists() and path.resolve() != source
        ]
    return result


def _start_outside(extraction: ExtractResult | BulkResult, options: MapOptions | None) -> list[str]:
    """A warning when the date the map should open at is outside its slider (the map opens
    at the nearest end instead)."""
    start = options.start if options else None
    if start is None:
        return []
    if isinstance(extraction, BulkResult):
        days = extraction.table.days() if extraction.table.n else None
    else:
        days = extraction.timeline.days
    if days is None or days[0] <= start <= days[1]:
        return []
    opens = min(max(start, days[0]), days[1])
    return [
        f"--start {start} is outside the events' dates ({days[0]} to {days[1]}): "
        f"the map opens at {opens}"
    ]


def load_events(
    data_dir: str | Path,
    events_file: str | Path | None = None,
    *,
    jobs: int | None = None,
    keep_going: bool = False,
    progress: Callable[[Article], None] | None = None,
    campaign: Campaign | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    reviewed_only: bool = False,
) -> ExtractResult:
    """The events of an events CSV when one is given, else of the articles (nothing written;
    the analyst's decisions applied)."""
    if events_file is not None:
        return read_events(data_dir, events_file, campaign=campaign, min_confidence=min_confidence)
    return extract(
        data_dir,
        None,
        jobs=jobs,
        keep_going=keep_going,
        progress=progress,
        campaign=campaign,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
    )


def _build_bulk(
    data_dir,
    out_dir: Path,
    events_file,
    options: MapOptions,
    campaign: Campaign | None,
    min_confidence: float,
    user_layers: dict,
) -> tuple[BuildResult | None, Campaign]:
    """A large events CSV straight to columns (geomap.event_table); None when the file needs
    the row-by-row reader (which then reports its errors by line and field). The campaign is
    read (if not given) while pyarrow parses the file."""
    from geomap.event_table import NotBulk, parse_csv, read_event_table
    from geomap.mapping import draws_areas, render_map

    if options.areas:  # asked for: no need to parse the file as columns to find that out
        return None, campaign or load_campaign(data_dir)
    with ThreadPoolExecutor(1) as pool, _pandas_hidden(ONE_COMMAND_PROCESS):
        parsed = pool.submit(parse_csv, events_file)
        campaign = campaign or load_campaign(data_dir)
        if draws_areas(options, len(campaign.gazetteer)):
            return None, campaign  # the held area is computed (geopandas) from the row timeline
        try:
            table = read_event_table(events_file, campaign, parsed)
            columns = table.map_columns(min_confidence)
        except NotBulk:
            return None, campaign
        unconfirmed = int(table.n - table.confirmed(min_confidence).sum())
        result = BulkResult(table=table, articles=table.articles(), unconfirmed=unconfirmed)
        page = render_map(
            columns,
            campaign.gazetteer,
            result.articles,
            [],
            options,
            profile=campaign.profile,
            user_layers=user_layers,
        )
    with output_set(out_dir) as folder:
        atomic_write(folder / "map.html", page)
    built = BuildResult(
        extraction=result, map_path=out_dir / "map.html", map_bytes=len(page.encode())
    )
    return built, campaign


def _build(
    data_dir,
    out_dir,
    events_file,
    options,
    jobs,
    keep_going,
    progress,
    campaign,
    min_confidence,
    reviewed_only=False,
    source=None,
    dask=None,
    in_memory=True,
) -> BuildResult:
    """Compute every output first, then write them as one set: a failure leaves the old set."""
    from geomap.mapping import MapOptions, build_map
    from geomap.mapping.basemap import read_user_layers

    out_dir = Path(out_dir)
    options = options or MapOptions()
    user_layers = read_user_layers(data_dir)  # first: a bad layer fails before the long work
    if events_file is not None:
        bulk, campaign = _build_bulk(
            data_dir, out_dir, events_file, options, campaign, min_confidence, user_layers
        )
        if bulk is not None:
            return bulk
        extraction = read_events(
            data_dir, events_file, campaign=campaign, min_confidence=min_confidence
        )
        page = build_map(
            extraction.timeline,
            extraction.articles,
            extraction.mentions,
            options,
            user_layers=user_layers,
        )
        with output_set(out_dir) as folder:  # an events file is the input: not written back
            atomic_write(folder / "map.html", page)
        map_path = out_dir / "map.html"
        return BuildResult(extraction=extraction, map_path=map_path, map_bytes=len(page.encode()))
    campaign = campaign or load_campaign(data_dir)
    run = _Run(data_dir, out_dir, campaign, source, jobs, dask, keep_going, progress)
    with run:
        streamed = run.stream(
            unknown_names=False,
            min_confidence=min_confidence,
            reviewing=(True, reviewed_only, False),
            keep_events=True,
        )
        extraction = run.result(streamed, min_confidence, reviewed_only)
        mentions: Iterable[Mention] = stream.iter_mentions(streamed.spill)
        if in_memory:
            extraction.mentions = mentions = list(mentions)
        page = build_map(
            extraction.timeline, extraction.articles, mentions, options, user_layers=user_layers
        )
        with output_set(out_dir) as folder:  # the event outputs and the map: one set
            written = write_streamed_outputs(streamed, folder)
            extraction.written += [out_dir / path.name for path in written]
            atomic_write(folder / "map.html", page)
    map_path = out_dir / "map.html"
    return BuildResult(extraction=extraction, map_path=map_path, map_bytes=len(page.encode()))


__all__ = ["EVENT_COLUMNS", "GeomapError", "atomic_write", "build", "extract"]
