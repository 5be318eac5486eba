"""The library functions behind the CLI commands: extract, build, events, geocode, check.

Each writes its whole output set into a fresh folder and switches it in at once
(:mod:`geomap.outputs`), so a failure, an interrupt or a kill leaves the previous outputs
intact, never a mix of old and new. Inputs are never modified, and an output folder on them
is refused.
"""

from __future__ import annotations

import gc
import importlib.abc
import json
import math
import multiprocessing
import operator
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.articles import (
    Article,
    ReadReport,
    article_files,
    article_paths,
    iter_articles,
    read_article,
)
from geomap.campaign import ARTICLES_NAME, GAZETTEER_NAME, Campaign, Profile, load_campaign
from geomap.exc import ArticleError, EventsFileError, GeomapError, UsageError
from geomap.gazetteer import Gazetteer
from geomap.mapping import MapOptions, article_table, build_map, draws_areas, render_map
from geomap.mapping.basemap import read_user_layers
from geomap.outputs import check_out_dir, output_set
from geomap.records import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    MIN_CONFIDENCE,
    Event,
    Mention,
    read_events_csv,
    spreadsheet_row,
)
from geomap.reviews import REVIEWS_NAME, ReviewCounts, apply_reviews, read_reviews
from geomap.timeline import Timeline, build_timeline, split_confirmed

if TYPE_CHECKING:
    from geomap.event_table import EventTable
    from geomap.extract import ArticleExtraction, Extractor

GAZETTEER = GAZETTEER_NAME
ARTICLES = ARTICLES_NAME
CURATED = "events.csv"
EVENT_OUTPUTS = ("events.csv", "events.geojson", "mentions.csv")  # beside map.html

#: True in the console script (geomap.cli.run), whose process ends after its one command.
#: A bulk build there runs with pandas hidden: folium and pyarrow import it only to look for
#: DataFrames, which a bulk build never gives them, and importing it took ~0.5 s of a
#: 10,000-place build. Both remember that it was missing, so a library caller, whose process
#: goes on, keeps its pandas.
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
            "mentions": len(self.mentions),
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


_WORKER: Extractor | None = None


def _init_worker(campaign: Campaign, unknown_names: bool, parent: int) -> None:
    """Compile the rules once per worker. The worker ignores Ctrl-C (the parent stops it) and
    dies with its parent, even one killed with ``kill -9``."""
    from geomap.extract import Extractor

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    global _WORKER
    _WORKER = Extractor(campaign.gazetteer, campaign.profile, unknown_names=unknown_names)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (``PR_SET_PDEATHSIG``); end now if
    the parent ``parent`` is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _work(path: str) -> ArticleExtraction | ArticleError:
    try:
        return _WORKER(read_article(path))
    except ArticleError as error:
        return error


def _extractions(
    campaign: Campaign,
    data_dir: Path,
    jobs: int,
    keep_going: bool,
    report: ReadReport,
    unknown_names: bool,
) -> Iterator[ArticleExtraction]:
    """Extract article by article, in file order, over ``jobs`` processes when worth it (each
    process gets the campaign as it was read, not the files again)."""
    from geomap.extract import Extractor  # the rules compile on first use

    folder = data_dir / ARTICLES
    files = article_files(folder)
    if not files:
        raise ArticleError(
            "no articles yet",
            file=folder,
            hint="put dated articles there: a front matter block (title, outlet, "
            "published: YYYY-MM-DD) between '---' lines, then the text",
        )
    if jobs <= 1 or len(files) < 4 * jobs:
        extractor = Extractor(campaign.gazetteer, campaign.profile, unknown_names=unknown_names)
        yield from extractor.iter(iter_articles(folder, keep_going=keep_going, report=report))
        return
    files = list(article_paths(folder, report))  # the choice iter_articles makes
    seen: dict[str, str] = {}
    # leaving the block (done, an error, Ctrl-C) ends the workers; they die with a killed parent
    with multiprocessing.Pool(
        jobs, initializer=_init_worker, initargs=(campaign, unknown_names, os.getpid())
    ) as pool:
        candidates = [str(p) for p in files]
        results = pool.imap(_work, candidates, chunksize=16)
        for path, result in zip(candidates, results, strict=True):
            if isinstance(result, ArticleError):
                if not keep_going:
                    raise result
                report.errors.append(result)
                continue
            digest = result.article.digest
            if digest in seen:
                report.skipped.append((path, f"same text as {seen[digest]}; read once"))
                continue
            seen[digest] = result.article.name
            yield result


def extract(
    data_dir: str | Path = "data",
    out_dir: str | Path | None = "output",
    *,
    jobs: int | None = None,
    keep_going: bool = False,
    progress: Callable[[Article], None] | None = None,
    unknown_names: bool = False,
    campaign: Campaign | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    use_reviews: bool = True,
    reviewed_only: bool = False,
    keep_claims: bool = False,
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
    """
    if out_dir is not None:
        check_out_dir(out_dir, data_dir)  # before the long work
    campaign = campaign or load_campaign(data_dir)
    reviewing = (use_reviews, reviewed_only, keep_claims)
    with paused_gc():
        return _extract(
            campaign,
            data_dir,
            out_dir,
            jobs,
            keep_going,
            progress,
            unknown_names,
            min_confidence,
            reviewing,
        )


def _extract(
    campaign,
    data_dir,
    out_dir,
    jobs,
    keep_going,
    progress,
    unknown_names,
    min_confidence,
    reviewing=(True, False, False),
) -> ExtractResult:
    data_dir = Path(data_dir)
    gazetteer = campaign.gazetteer
    report = ReadReport()
    raw_events: list[Event] = []
    mentions: list[Mention] = []
    articles: list[Article] = []
    unknown: list[tuple[str, str, str]] = []
    for result in _extractions(
        campaign, data_dir, jobs or os.cpu_count() or 1, keep_going, report, unknown_names
    ):
        raw_events.extend(result.events)
        mentions.extend(result.mentions)
        body = result.article.body
        for name, offset in result.unknown_names:
            line_start = body.rfind("\n", 0, offset) + 1
            line_end = body.find("\n", offset)
            unknown.append(
                (
                    name,
                    result.article.name,
                    body[line_start : line_end if line_end >= 0 else None].strip(),
                )
            )
        result.article.body = ""  # stream: keep metadata only
        articles.append(result.article)
        if progress:
            progress(result.article)
    use_reviews, reviewed_only, keep_claims = reviewing
    claims = list(raw_events) if keep_claims else []
    review_counts = None
    if use_reviews or reviewed_only:
        raw_events, review_counts = _reviewed(raw_events, data_dir, campaign)
    curated, rejected = _curation(data_dir, campaign)
    # handed over, not shared: each raw event is freed once merged, so the raw events and
    # the merged ones are not all held at once
    timeline = build_timeline(
        _handed_over(raw_events),
        gazetteer,
        profile=campaign.profile,
        curated=curated,
        rejected=rejected,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
        reviews_read=review_counts is not None,
    )
    if timeline.unmatched_rejections:
        raise EventsFileError(
            f"rejects event id(s) that no run produced: {', '.join(timeline.unmatched_rejections)}",
            file=data_dir / CURATED,
            field="event_id",
            hint="copy the event_id from output/events.csv",
        )
    result = ExtractResult(
        timeline=timeline,
        articles=article_table(articles, timeline.all_events),
        mentions=mentions,
        report=report,
        unknown_names=unknown,
        warnings=_outside_window(articles, campaign.profile)
        + _unknown_sides(timeline.all_events, campaign.profile),
        claims=claims,
        reviews=review_counts,
    )
    if out_dir is not None:
        with output_set(out_dir) as folder:
            written = write_event_outputs(timeline, mentions, folder)
        result.written += [Path(out_dir) / path.name for path in written]
    return result


def _reviewed(
    events: list[Event], data_dir: Path, campaign: Campaign
) -> tuple[list[Event], ReviewCounts | None]:
    """The events with the decisions of ``data/reviews.csv`` applied (as they were, and None,
    when there is no such file)."""
    path = data_dir / REVIEWS_NAME
    if not path.exists():
        return events, None
    names = {p.id: p.name for p in campaign.gazetteer}
    reviews = read_reviews(path, place_ids=names, sides=campaign.profile.side_ids)
    applied = apply_reviews(events, reviews, names)
    return applied.events, applied.counts


def _handed_over(items: list) -> Iterator:
    """Yield the list's items in order, emptying it: the consumer holds the only references."""
    items.reverse()
    while items:
        yield items.pop()


#: An article published this many days before the campaign window's start or after its end
#: is flagged: a wrong year (1900-01-01) would stretch the slider over a century.
WINDOW_SLACK_DAYS = 365


def _outside_window(articles: list[Article], profile: Profile) -> list[str]:
    """A warning for each article published far outside the profile's window."""
    if profile.start is None and profile.end is None:
        return []
    warnings = []
    for article in articles:
        if profile.start and (profile.start - article.published).days > WINDOW_SLACK_DAYS:
            where = f"{(profile.start - article.published).days:,} days before"
        elif profile.end and (article.published - profile.end).days > WINDOW_SLACK_DAYS:
            where = f"{(article.published - profile.end).days:,} days after"
        else:
            continue
        warnings.append(
            f"{article.path or article.name}:{article.published_line}, field 'published': "
            f"{article.published} is {where} the campaign's window ({profile.start} to "
            f"{profile.end} in campaign.toml); check the year"
        )
    return warnings


def _unknown_sides(events: list[Event], profile: Profile) -> list[str]:
    """A warning when the events name sides the profile lacks (drawn as unknown); none without
    a profile, whose notice already says that sides are unknown."""
    named = {e.actor for e in events} | {e.controller for e in events}
    unknown = sorted(named - set(profile.side_ids) - {""})
    if not unknown or profile.path is None:
        return []
    return [
        f"{profile.path}: the events name side(s) it does not define: {', '.join(unknown)}; "
        "the map draws them as unknown"
    ]


def _curation(data_dir: Path, campaign: Campaign) -> tuple[list[Event], list[str]]:
    path = data_dir / CURATED
    if not path.exists():
        return [], []
    names = {p.id: p.name for p in campaign.gazetteer}
    return read_events_csv(path, names, sides=campaign.profile.side_ids, curated=True)


# the GeoJSON properties that are not text
_START, _END, _CONFIDENCE, _INFERRED = map(
    EVENT_COLUMNS.index, ("evidence_start", "evidence_end", "confidence", "inferred")
)


def events_geojson(events: list[Event], gazetteer: Gazetteer) -> Iterator[str]:
    """The events as a GeoJSON FeatureCollection, one feature per line, streamed.

    Each line is what ``json.dumps(feature, ensure_ascii=False)`` writes (a test holds it to
    that), put together from the encoded values without a dict and an encoder per feature:
    127,000 events written in 1.5-2.1 s instead of 3.7-4.1."""
    string = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it
    keys = [f'"{column}": ' for column in EVENT_COLUMNS]
    coordinates: dict[str, str] = {}
    yield '{"type": "FeatureCollection", "features": [\n'
    for index, event in enumerate(events):
        geometry = coordinates.get(event.place_id)
        if geometry is None:
            place = gazetteer.by_id[event.place_id]
            geometry = coordinates[event.place_id] = json.dumps([place.lon, place.lat])
        values = list(map(string, event.as_list()))  # text, but for these four:
        values[_START] = _json_number(event.evidence_start)
        values[_END] = _json_number(event.evidence_end)
        values[_CONFIDENCE] = _json_number(round(event.confidence, 2))
        values[_INFERRED] = "true" if event.inferred else "false"
        props = ", ".join(map(operator.add, keys, values))
        yield (
            f'{"," if index else ""}{{"type": "Feature", "properties": {{{props}}}, '
            f'"geometry": {{"type": "Point", "coordinates": {geometry}}}}}\n'
        )
    yield "]}\n"


def _json_number(value: int | float) -> str:
    """A finite number as json.dumps writes it (``repr``); otherwise json.dumps itself."""
    return repr(value) if math.isfinite(value) else json.dumps(value)


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
) -> BuildResult:
    """Everything: extract, merge into a timeline, write the map and the event outputs.

    With ``events_file`` (an events CSV) no article is read and only ``map.html`` is
    written; large files are read as columns (:mod:`geomap.event_table`). ``campaign``:
    the data folder's profile and gazetteer, if already read. ``min_confidence``: events
    below it colour nothing; the popups list them as unconfirmed claims. The analyst's
    decisions (``data/reviews.csv``) apply to a build from articles; ``reviewed_only``: only
    the claims accepted or corrected there colour."""
    if reviewed_only and events_file is not None:
        raise UsageError(
            "--reviewed-only applies the reviews of the articles' claims, not an events file",
            hint="build from the articles, or drop --reviewed-only",
        )
    check_out_dir(out_dir, data_dir)  # before the long work
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
) -> BuildResult:
    """Compute every output first, then write them as one set: a failure leaves the old set."""
    out_dir = Path(out_dir)
    options = options or MapOptions()
    user_layers = read_user_layers(data_dir)  # first: a bad layer fails before the long work
    if events_file is not None:
        bulk, campaign = _build_bulk(
            data_dir, out_dir, events_file, options, campaign, min_confidence, user_layers
        )
        if bulk is not None:
            return bulk
    extraction = load_events(
        data_dir,
        events_file,
        jobs=jobs,
        keep_going=keep_going,
        progress=progress,
        campaign=campaign,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
    )
    page = build_map(
        extraction.timeline,
        extraction.articles,
        extraction.mentions,
        options,
        user_layers=user_layers,
    )
    with output_set(out_dir) as folder:  # the event outputs and the map: one set
        if events_file is None:  # an events file is the input: it is not written back
            written = write_event_outputs(extraction.timeline, extraction.mentions, folder)
            extraction.written += [out_dir / path.name for path in written]
        atomic_write(folder / "map.html", page)
    map_path = out_dir / "map.html"
    return BuildResult(extraction=extraction, map_path=map_path, map_bytes=len(page.encode()))


__all__ = ["EVENT_COLUMNS", "GeomapError", "atomic_write", "build", "extract"]
