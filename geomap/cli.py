"""The ``geomap`` command: each subcommand is a thin shell over a library function."""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from pathlib import Path

import click

from geomap import outputs, pipeline
from geomap.campaign import (
    PROFILE_NAME,
    Campaign,
    init_campaign,
    load_campaign,
    no_profile_notice,
)
from geomap.defaults import WEBGL_ABOVE
from geomap.exc import GeomapError, UnknownPlace, UsageError, printable
from geomap.records import MIN_CONFIDENCE
from geomap.sources import count_articles

DATA_HELP = "Folder with campaign.toml, gazetteer.csv and articles/ (default: ./data)."
OUT_HELP = "Folder for the outputs (default: ./output)."
MAX_WARNINGS = 10


def _report(error: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(error)
    click.echo(f"error: {error}", err=True)


def _interrupted(switched: list[Path]) -> str:
    """What an interrupt left: the outputs switched before it are new, none are mixed."""
    if switched:
        return f"interrupted after the new outputs were in place in {', '.join(map(str, switched))}"
    return "interrupted; no output was replaced: the previous outputs are left as they were"


def handles_errors(command):
    """Bad input ends in one clear message and exit 1 (usage: 2); --debug shows the traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        debug = click.get_current_context().find_root().params.get("debug", False)
        switched = len(outputs.SWITCHED)
        try:
            return command(*args, **kwargs)
        except GeomapError as error:
            _report(error, debug)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo(_interrupted(outputs.SWITCHED[switched:]), err=True)
            sys.exit(130)
        except OSError as error:
            _report(
                GeomapError(
                    f"{error.strerror or error}",
                    file=error.filename,
                    hint="check the path and its permissions",
                ),
                debug,
            )
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="geomap")
def main(debug: bool) -> None:
    """Turn dated news articles into a sourced, time-sliced, offline map.

    \b
    geomap init DIR         start a new campaign: campaign.toml, gazetteer.csv, articles/
    geomap build            articles -> output/events.csv + output/map.html
    geomap extract          articles -> output/events.csv only
    geomap events           print the events as a table
    geomap geocode NAME     look a spelling up in the gazetteer
    geomap evaluate --gold  score extraction against a gold annotation
    geomap check            list place-like names the gazetteer lacks
    geomap export           campaign.gpkg and GeoJSON/CSV layers for GIS tools
    geomap snapshot --date  PNG and SVG maps of given dates for reports
    geomap gazetteer add    add a place from the offline GeoNames list
    geomap review           review every claim in the browser (data/reviews.csv)
    """


_out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help=OUT_HELP,
)
_quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
_input_option = click.option(
    "--input",
    "source",
    metavar="PATH|GLOB",
    help="Read the articles from this folder, glob ('feeds/*.jsonl') or Parquet / JSONL file "
    "(columns text, published; title, outlet, url, name) instead of DATA/articles.",
)
_dask_option = click.option(
    "--dask",
    "dask",
    is_flag=False,
    flag_value="local",
    default=None,
    metavar="[ADDRESS]",
    help="Extract on Dask: alone, a local cluster of --jobs workers; with a scheduler's "
    "address (tcp://host:8786), that cluster (its workers need geomap and the data).",
)


def _dask_address(value: str | None) -> str | None:
    """--dask's value as the pipeline takes it: None, '' (a local cluster) or an address."""
    return None if value is None else "" if value == "local" else value


_min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=MIN_CONFIDENCE,
    show_default=True,
    help="Claims below this confidence are unconfirmed: listed in popups and events.csv, "
    "never coloured or used to infer (0: every claim counts).",
)


def _css_size(_context, _parameter, value: str) -> str:
    """--width and --height: a number and a CSS unit, nothing that could break out of the
    style it is written into (a usage error, exit 2)."""
    from geomap.mapping import check_size

    try:
        return check_size(value)
    except ValueError as error:
        raise click.BadParameter(printable(str(error))) from None


def _events_option(help_text: str):
    return click.option(
        "--events",
        "events_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


def _data_options(command):
    command = click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("data"),
        show_default=True,
        help=DATA_HELP,
    )(command)
    return command


def _notice(data_dir: Path, quiet: bool) -> None:
    """One line when the data folder has no profile (unless ``quiet``)."""
    if not quiet and not (data_dir / PROFILE_NAME).is_file():
        click.echo(f"notice: {no_profile_notice(data_dir)}", err=True)


def _campaign(data_dir: Path, quiet: bool = False) -> Campaign:
    """The data folder's profile and gazetteer, read once for the command (with the notice
    when there is no profile)."""
    _notice(data_dir, quiet)
    return load_campaign(data_dir)


def _progress(quiet: bool, data_dir: Path, source: str | None = None):
    """A progress bar on a terminal, moved as each batch of articles is extracted (on Dask:
    as each batch's future completes); nothing when piped or --quiet."""
    if quiet or not sys.stderr.isatty():
        return None, None
    try:
        if source is None:
            total = sum(1 for p in (data_dir / "articles").iterdir() if p.is_file())
        else:
            total = count_articles(source)
    except (OSError, GeomapError):
        return None, None  # the command says what is wrong
    bar = click.progressbar(length=total, label="extracting", file=sys.stderr)
    bar.__enter__()
    return bar, bar.update  # called with the number of articles each batch extracted


def _summary(result: pipeline.ExtractResult | pipeline.BulkResult, quiet: bool) -> None:
    for path, why in result.report.skipped:
        click.echo(f"skipped {printable(path)}: {printable(why)}", err=True)
    if result.report.errors:
        click.echo(f"{len(result.report.errors)} article(s) could not be read:", err=True)
        for error in result.report.errors:
            click.echo(f"  {error}", err=True)  # printable: GeomapError.__str__
    warnings = result.gazetteer.warnings + result.warnings
    for warning in warnings[:MAX_WARNINGS]:
        click.echo(f"warning: {printable(warning)}", err=True)
    if len(warnings) > MAX_WARNINGS:
        click.echo(f"warning: ... and {len(warnings) - MAX_WARNINGS} more like these", err=True)


def _counts(result: pipeline.ExtractResult | pipeline.BulkResult) -> dict:
    counts = {
        **result.counts(),
        "unreadable": [str(e) for e in result.report.errors],
        "skipped": [{"file": f, "why": w} for f, w in result.report.skipped],
    }
    reviews = getattr(result, "reviews", None)
    if reviews is not None:  # data/reviews.csv was applied
        counts["reviews"] = {
            "claims": reviews.claims,
            "accepted": reviews.accepted,
            "rejected": reviews.rejected,
            "corrected": reviews.corrected,
            "changed": reviews.changed,
            "orphans": reviews.orphans,
        }
    return counts


@main.command()
@_data_options
@_out_option
@_events_option(
    "Map this events CSV (output/events.csv format) instead of reading articles; "
    "only map.html is written."
)
@click.option("--title", help="Map title (default: the title in campaign.toml).")
@click.option(
    "--step",
    type=click.Choice(["day", "week", "month"]),
    default="day",
    show_default=True,
    help="Slider step.",
)
@click.option(
    "--stale-days",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Draw a place faded when its latest evidence is older than this.",
)
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day of the slider (default: the window in campaign.toml, else the first event).",
)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day of the slider (default: the window in campaign.toml, else the last event).",
)
@click.option(
    "--links",
    is_flag=True,
    help="Make the sources' addresses and the map's credits links (a click leaves the "
    "offline page).",
)
@click.option(
    "--areas/--no-areas",
    default=None,
    help="Draw the held area of the sides campaign.toml shades "
    "(default: on for maps of up to 500 places).",
)
@click.option(
    "--webgl-above",
    type=click.IntRange(0),
    default=WEBGL_ABOVE,
    show_default=True,
    metavar="PLACES",
    help="Draw the places with WebGL when the map has more than this many (0: always); "
    "canvas below it, and where the browser has no WebGL.",
)
@click.option(
    "--width",
    default="100%",
    show_default=True,
    callback=_css_size,
    help="Map width (CSS, e.g. 900px).",
)
@click.option(
    "--height", default="100%", show_default=True, callback=_css_size, help="Map height (CSS)."
)
@click.option(
    "--jobs", type=click.IntRange(1), help="Processes for extraction (default: all cores)."
)
@click.option(
    "--keep-going", is_flag=True, help="Skip unreadable articles and list them at the end."
)
@_input_option
@_dask_option
@_min_confidence_option
@click.option(
    "--reviewed-only",
    is_flag=True,
    help="Colour only the claims an analyst accepted or corrected (data/reviews.csv, "
    "written by geomap review); the others are listed as unconfirmed.",
)
@_quiet_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary for scripts.")
@handles_errors
def build(
    data_dir,
    out_dir,
    events_file,
    title,
    step,
    stale_days,
    start,
    end,
    links,
    areas,
    webgl_above,
    width,
    height,
    jobs,
    keep_going,
    source,
    dask,
    min_confidence,
    reviewed_only,
    quiet,
    as_json,
):
    """Extract events and write output/map.html (and events.csv, events.geojson, mentions.csv).

    The analyst's decisions in data/reviews.csv apply: rejected claims never colour the map,
    corrected ones colour as corrected."""
    from geomap.mapping import MapOptions

    outputs.check_out_dir(out_dir, data_dir)
    # the pipeline reads the campaign (once), from an events file while pyarrow parses it
    _notice(data_dir, quiet)
    options = MapOptions(
        title=title,
        step=step,
        stale_days=stale_days,
        start=start.date() if start else None,
        end=end.date() if end else None,
        links=links,
        areas=areas,
        webgl_above=webgl_above,
        width=width,
        height=height,
    )
    if events_file is not None and (source is not None or dask is not None):
        raise click.UsageError("--events maps an events file: --input and --dask read articles")
    bar, progress = _progress(quiet or as_json or events_file is not None, data_dir, source)
    try:
        result = pipeline.build(
            data_dir,
            out_dir,
            events_file=events_file,
            options=options,
            jobs=jobs,
            keep_going=keep_going,
            progress=progress,
            min_confidence=min_confidence,
            reviewed_only=reviewed_only,
            source=source,
            dask=_dask_address(dask),
            in_memory=False,
        )
    finally:
        if bar:
            bar.__exit__(None, None, None)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **_counts(result.extraction),
                    "map": str(result.map_path),
                    "map_bytes": result.map_bytes,
                    "written": [str(p) for p in result.extraction.written],
                    "not_rewritten": [str(p) for p in result.not_rewritten],
                    "warnings": result.extraction.warnings,
                },
                indent=1,
            )
        )
        return
    _summary(result.extraction, quiet)
    for path in result.not_rewritten:
        click.echo(
            f"warning: {path} is from an earlier build and does not describe this map "
            "(a build from --events writes map.html only); delete it or build into "
            "another --out folder",
            err=True,
        )
    if not quiet:
        counts = _counts(result.extraction)
        click.echo(
            f"{counts['articles']} articles -> {counts['events']} events "
            f"({counts['inferred']} inferred, {counts['conflicting']} in conflict, "
            f"{counts['unconfirmed']} unconfirmed), {counts['mentions']} mentions"
        )
        reviews = getattr(result.extraction, "reviews", None)
        if reviews is not None:
            click.echo(
                f"reviews: {reviews.reviewed} of {reviews.claims} claims decided "
                f"({reviews.accepted} accepted, {reviews.corrected} corrected, "
                f"{reviews.rejected} rejected); {reviews.changed} changed since their review"
            )
        for path in result.extraction.written:
            click.echo(f"wrote {printable(str(path))}")
        click.echo(f"wrote {printable(str(result.map_path))} ({result.map_bytes:,} bytes)")


@main.command()
@_data_options
@_out_option
@click.option("--jobs", type=click.IntRange(1), help="Processes (default: all cores).")
@click.option(
    "--keep-going", is_flag=True, help="Skip unreadable articles and list them at the end."
)
@_input_option
@_dask_option
@_min_confidence_option
@_quiet_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary for scripts.")
@handles_errors
def extract(data_dir, out_dir, jobs, keep_going, source, dask, min_confidence, quiet, as_json):
    """Write output/events.csv, events.geojson and mentions.csv from the articles.

    The articles are read in batches and the events kept on disk until the outputs are
    written: memory stays flat however large the input (--input), on one machine or a Dask
    cluster (--dask)."""
    outputs.check_out_dir(out_dir, data_dir)
    campaign = _campaign(data_dir, quiet)
    bar, progress = _progress(quiet or as_json, data_dir, source)
    try:
        result = pipeline.extract(
            data_dir,
            out_dir,
            jobs=jobs,
            keep_going=keep_going,
            progress=progress,
            campaign=campaign,
            min_confidence=min_confidence,
            source=source,
            dask=_dask_address(dask),
            in_memory=False,
        )
    finally:
        if bar:
            bar.__exit__(None, None, None)
    if as_json:
        click.echo(
            json.dumps({**_counts(result), "written": [str(p) for p in result.written]}, indent=1)
        )
        return
    _summary(result, quiet)
    if not quiet:
        counts = _counts(result)
        click.echo(
            f"{counts['articles']} articles -> {counts['events']} events "
            f"({counts['unconfirmed']} unconfirmed), {counts['mentions']} mentions"
        )
        for path in result.written:
            click.echo(f"wrote {printable(str(path))}")


@main.command()
@_data_options
@click.option("--place", help="Only this place (id or any spelling).")
@click.option(
    "--kind",
    type=click.Choice(["captured", "held", "contested", "besieged", "withdrew", "surrendered"]),
    help="Only this kind.",
)
@_min_confidence_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON rows (events.csv's columns, and 'unconfirmed') instead of a table.",
)
@handles_errors
def events(data_dir, place, kind, min_confidence, as_json):
    """Print the merged events as a table (nothing is written); unconfirmed claims are marked."""
    result = pipeline.extract(
        data_dir, None, campaign=_campaign(data_dir), min_confidence=min_confidence
    )
    rows = result.events
    if place:
        found = result.timeline.gazetteer.lookup(place)
        if found is None:
            raise UnknownPlace(place, result.timeline.gazetteer.suggest(place))
        rows = [e for e in rows if e.place_id == found.id]
    if kind:
        rows = [e for e in rows if e.kind == kind]
    unconfirmed = {id(e) for e in result.timeline.unconfirmed}
    if as_json:
        listed = [{**e.as_row(), "unconfirmed": id(e) in unconfirmed} for e in rows]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=1))
        return
    header = ("date", "place", "kind", "actor", "controller", "conf", "inf", "sources", "")
    table = [
        (
            e.date,
            e.place,
            e.kind,
            e.actor or "-",
            e.controller or "-",
            f"{e.confidence:.2f}",
            "yes" if e.inferred else "",
            str(len(e.sources)),
            "(unconfirmed)" if id(e) in unconfirmed else "",
        )
        for e in rows
    ]
    _echo_table(header, table)
    count = sum(id(e) in unconfirmed for e in rows)
    click.echo(f"{len(table)} events ({count} unconfirmed: below confidence {min_confidence:g})")


def _echo_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, without trailing blanks."""
    widths = [max(len(printable(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(printable(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )


@main.command()
@click.argument("name")
@_data_options
@click.option("--json", "as_json", is_flag=True, help="Print {id, name, lat, lon, kind, country}.")
@handles_errors
def geocode(name, data_dir, as_json):
    """Look NAME up in the gazetteer (any spelling the press uses)."""
    from geomap.geocoder import GazetteerGeocoder

    gazetteer = load_campaign(data_dir).gazetteer
    location = GazetteerGeocoder(gazetteer).geocode(name)
    if location is None:
        raise UnknownPlace(name, gazetteer.suggest(name))
    row = location.raw
    if as_json:
        click.echo(
            json.dumps(
                {k: row[k] for k in ("id", "name", "lat", "lon", "kind", "country")},
                ensure_ascii=False,
            )
        )
    else:
        click.echo(
            printable(
                f"{row['name']} ({row['id']}): {row['lat']}, {row['lon']} — {row['kind']}, "
                f"{row['admin1']}, {row['country']}"
            )
        )
        click.echo(f"  source: {printable(row['source'])}")


@main.command()
@click.option(
    "--gold",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Gold CSV (format of tests/data/seed_events.csv).",
)
@click.option(
    "--reviews",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An analyst's decisions (data/reviews.csv, from geomap review): the extractor's "
    "precision on the claims decided, by kind and by reason.",
)
@_data_options
@click.option(
    "--lenient",
    is_flag=True,
    help="Match without the holder (the controller after the event).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=MIN_CONFIDENCE,
    show_default=True,
    help="Score the claims the map colours (at or above this confidence); 0 scores every "
    "claim, unconfirmed ones too.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="List missed rows, unmatched claims and claims with the wrong holder.",
)
@handles_errors
def evaluate(gold, reviews, data_dir, lenient, min_confidence, as_json, verbose):
    """Score extracted events against a gold annotation: recall, precision, distractors, a
    per-kind confusion table and a per-article table.

    A match is the same article, place and kind, the date equal at the gold's precision, and
    the same holder afterwards (not checked for `contested` rows, nor where the gold
    controller is empty); --lenient leaves the holder out.
    """
    from geomap.evaluate import article_lines, confusion_lines, detail_lines, read_gold, score

    if (gold is None) == (reviews is None):
        raise UsageError(
            "give --gold FILE or --reviews FILE (one of them)",
            hint="geomap evaluate --reviews data/reviews.csv",
        )
    if reviews is not None:
        _evaluate_reviews(reviews, data_dir, min_confidence, as_json)
        return
    result = pipeline.extract(data_dir, None)
    rows = read_gold(gold, result.timeline.gazetteer)
    scores = score(result.events, rows, lenient=lenient, min_confidence=min_confidence)
    if as_json:
        click.echo(json.dumps(scores.as_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"core recall  {scores.recall:.3f}  ({scores.core_found}/{scores.core_total})")
    click.echo(
        f"precision    {scores.precision:.3f}  ({scores.claims_correct}/"
        f"{scores.claims_total} claims match core or optional rows"
        f"{', holder not checked' if lenient else ''})"
    )
    click.echo(f"             (claims at confidence >= {min_confidence:g}: what the map colours)")
    click.echo(
        f"distractors  {len(scores.distractors_triggered)} of {scores.distractors_total} "
        "produced their control change"
    )
    for row in scores.distractors_triggered:
        click.echo(
            printable(
                f"  TRIGGERED line {row['line']}: {row['kind']} {row['place']}: {row['sentence']}"
            )
        )
    if scores.missing_place:
        click.echo(
            f"{scores.missing_place} core row(s) name a place the gazetteer lacks "
            "(counted as missed)"
        )
    click.echo("\nby kind (gold down, claimed across):")
    for line in confusion_lines(scores):
        click.echo(f"  {line}")
    if scores.wrong_holder:
        click.echo(
            f"  {len(scores.wrong_holder)} claim(s) of a gold row's kind with another holder "
            "are counted under that kind (-v lists them)"
        )
    click.echo("\nby article:")
    for line in article_lines(scores):
        click.echo(f"  {printable(line)}")
    if verbose:
        click.echo("")
        for line in detail_lines(scores):
            if not line.startswith("  TRIGGERED"):  # printed above
                click.echo(printable(line))


def _evaluate_reviews(path: Path, data_dir: Path, min_confidence: float, as_json: bool) -> None:
    from geomap.evaluate import review_lines, score_reviews
    from geomap.reviews import read_reviews

    if not path.is_file():
        raise GeomapError("no such file", file=path, hint="geomap review writes data/reviews.csv")
    campaign = load_campaign(data_dir)
    decisions = read_reviews(
        path, place_ids={p.id for p in campaign.gazetteer}, sides=campaign.profile.side_ids
    )
    result = pipeline.extract(
        data_dir, None, campaign=campaign, use_reviews=False, keep_claims=True
    )
    scores = score_reviews(result.claims, decisions, min_confidence)
    if as_json:
        click.echo(json.dumps(scores.as_dict(), ensure_ascii=False, indent=1))
        return
    for line in review_lines(scores):
        click.echo(line)


@main.command()
@_data_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback lets other machines read the claims "
    "and record decisions.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one)."
)
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
@click.option("--reviewer", help="Name recorded with each decision (default: your user name).")
@click.option(
    "--jobs", type=click.IntRange(1), help="Processes for extraction (default: all cores)."
)
@_min_confidence_option
@handles_errors
def review(data_dir, host, port, no_browser, reviewer, jobs, min_confidence):
    """Review every extracted claim in the browser: accept, reject or correct it.

    Decisions go to DATA/reviews.csv, written after each one; geomap build applies them.
    Keys: j/k move, a accept, r reject (then 1-6 for the reason), e correct, u undo."""
    from geomap.app import review as serve_review
    from geomap.app.server import is_loopback

    _notice(data_dir, False)
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine can read the "
            "claims and record decisions",
            err=True,
        )
    try:
        serve_review(
            data_dir,
            host=host,
            port=port,
            open_browser=not no_browser,
            reviewer=reviewer,
            announce=lambda line: click.echo(line),
            jobs=jobs,
            min_confidence=min_confidence,
        )
    except KeyboardInterrupt:
        click.echo("stopped; every decision is saved in reviews.csv", err=True)


@main.command()
@_data_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handles_errors
def check(data_dir, as_json):
    """List place-like names in the articles that the gazetteer lacks, with suggestions."""
    from geomap.articles import folder_entries
    from geomap.campaign import ARTICLES_NAME
    from geomap.candidates import find_candidates

    campaign = load_campaign(data_dir)
    articles = Path(data_dir) / ARTICLES_NAME
    if articles.is_dir() and not any(not why for _path, why in folder_entries(articles)):
        # a profile and gazetteer checked before any article is written
        if as_json:
            click.echo("[]")
            return
        sides = ", ".join(side.id for side in campaign.profile.sides) or "none"
        count = len(campaign.gazetteer.places)
        click.echo(
            f"campaign.toml (sides: {printable(sides)}) and gazetteer.csv ({count} "
            f"place{'s' * (count != 1)}) read without error; no articles yet in "
            f"{printable(str(articles))}: add some, and check lists the names they use that the "
            "gazetteer lacks"
        )
        return
    result = pipeline.extract(data_dir, None, unknown_names=True, campaign=campaign)
    found = find_candidates(result.unknown_names, campaign.gazetteer)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo("every place-like name in the articles is in the gazetteer")
        return
    for item in found:
        click.echo(printable(f"{item['name']}  ({item['count']}x, first in {item['article']})"))
        click.echo(f"  context: {printable(item['context'][:160])}")
        if item["gazetteer"]:
            click.echo(f"  gazetteer spellings like it: {printable(', '.join(item['gazetteer']))}")
        for cand in item["geonames"]:
            click.echo(
                f"  GeoNames {cand['geonameid']}: {cand['name']} ({cand['country']}) "
                f"{cand['lat']}, {cand['lon']} — {cand['km']} km from the campaign"
            )


@main.command()
@_data_options
@_out_option
@_events_option("Export this events CSV instead of reading articles.")
@_min_confidence_option
@_quiet_option
@handles_errors
def export(data_dir, out_dir, events_file, min_confidence, quiet):
    """Write campaign.gpkg (places, events, control, mentions) and the layers as GeoJSON/CSV;
    `control` comes from confirmed claims, `events` lists every claim with its confidence."""
    from geomap.exports import animation_range, export_gis

    outputs.check_out_dir(out_dir, data_dir)
    result = pipeline.load_events(
        data_dir,
        events_file,
        campaign=_campaign(data_dir, quiet),
        min_confidence=min_confidence,
    )
    written = export_gis(result.timeline, result.mentions, out_dir, events_file=events_file)
    if quiet:
        return
    for path in written:
        click.echo(f"wrote {printable(str(path))}")
    if (span := animation_range(result.timeline)) is not None:
        click.echo(
            f"QGIS Temporal Controller: {span[0]} to {span[1]}, a step of 1 day "
            "(the control layer's own range ends at its last change)"
        )


@main.command()
@_data_options
@click.option(
    "--date",
    "dates",
    multiple=True,
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="A date to draw (repeat for several).",
)
@_out_option
@click.option("--grid", is_flag=True, help="All dates as small multiples in one figure.")
@_events_option("Draw this events CSV instead of reading articles.")
@click.option("--title", help="Figure title (default: the title in campaign.toml).")
@click.option(
    "--bbox",
    metavar="W,S,E,N",
    help="Show at least this area, in degrees, longitude first (default: the places with events).",
)
@click.option(
    "--size",
    metavar="WxH",
    help="Figure size in pixels at 150 dpi (1200x900) or with a unit (16x12cm, 6.5x5in).",
)
@click.option("--no-inset", is_flag=True, help="Leave out the locator map in a corner.")
@_min_confidence_option
@_quiet_option
@handles_errors
def snapshot(
    data_dir, dates, out_dir, grid, events_file, title, bbox, size, no_inset, min_confidence, quiet
):
    """PNG and SVG maps of the state on each --date (from confirmed claims), for reports."""
    from geomap.mapping.basemap import read_user_layers
    from geomap.snapshot import check_dates, parse_bbox, parse_size
    from geomap.snapshot import snapshot as draw

    outputs.check_out_dir(out_dir, data_dir)
    bbox = parse_bbox(bbox) if bbox is not None else None  # first: bad values fail at once
    size = parse_size(size) if size is not None else None
    user_layers = read_user_layers(data_dir)  # first: a bad layer fails before the long work
    result = pipeline.load_events(
        data_dir,
        events_file,
        campaign=_campaign(data_dir, quiet),
        min_confidence=min_confidence,
    )
    days = [d.date() for d in dates]
    check_dates(result.timeline, days)
    paths = draw(
        result.timeline,
        result.articles,
        days,
        out_dir,
        grid=grid,
        title=title,
        user_layers=user_layers,
        bbox=bbox,
        size=size,
        inset=not no_inset,
    )
    for path in paths:
        if not quiet:
            click.echo(f"wrote {printable(str(path))}")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@handles_errors
def init(folder):
    """Start a new campaign in FOLDER: campaign.toml (a commented profile), gazetteer.csv
    (its header) and articles/."""
    for path in init_campaign(folder):
        click.echo(f"wrote {path}{'/' if path.is_dir() else ''}")
    click.echo(
        f"next: edit {folder / 'campaign.toml'} (title, sides), add places "
        f"(geomap gazetteer add NAME --data {folder}), put articles in {folder / 'articles'}, "
        f"then geomap build --data {folder}"
    )


@main.group()
def gazetteer():
    """Look after data/gazetteer.csv."""


@gazetteer.command("add")
@click.argument("name")
@_data_options
@click.option(
    "--from",
    "source",
    type=click.Choice(["geonames"]),
    default="geonames",
    show_default=True,
    help="Offline source of the point.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Ask OpenStreetMap's Nominatim instead; the answer goes to "
    "gazetteer_review.csv for a person to check, never into the gazetteer.",
)
@click.option(
    "--near",
    metavar="PLACE|LAT,LON",
    help="Look near this gazetteer place or point (default: near the gazetteer's places).",
)
@click.option(
    "--within",
    type=click.FloatRange(0, min_open=True),
    metavar="KM",
    help="How far from it (default: 50 km of --near; else as far as the gazetteer's places "
    "spread, plus 100 km).",
)
@click.option("--yes", "-y", is_flag=True, help="Append the nearest candidate without asking.")
@handles_errors
def gazetteer_add(name, data_dir, source, online, near, within, yes):
    """Add NAME to the gazetteer from GeoNames: the candidates near the campaign, ranked; the
    nearest is shown as a row and appended on confirmation."""
    from geomap.candidates import append_place, geonames_row, online_review
    from geomap.exc import GazetteerError

    path = data_dir / pipeline.GAZETTEER
    gaz = load_campaign(data_dir, allow_empty=True).gazetteer
    existing = gaz.lookup(name)
    if existing is not None:
        raise GazetteerError(
            f"{name!r} is already in the gazetteer as {existing.id!r}",
            file=path,
            line=existing.line,
            hint="add a new spelling to its alt_names instead",
        )
    if online:
        review = data_dir / "gazetteer_review.csv"
        row = online_review(name, review)
        if row is None:
            raise GazetteerError(f"the online geocoder found nothing for {name!r}")
        click.echo(f"{row['name']}: {row['lat']}, {row['lon']} — {row['address']}")
        click.echo(f"recorded in {review} for review (not added to the gazetteer)")
        return
    best, reach = _geonames_choice(name, gaz, near, within)
    row = geonames_row(name, best, gaz, reach)
    for key, value in row.items():
        click.echo(f"  {key}: {value}")
    if not yes and not click.confirm(f"append this row to {path}?", default=False):
        click.echo("nothing written")
        return
    append_place(path, row)
    click.echo(f"added {row['id']} to {path}")


def _geonames_choice(name, gaz, near, within):
    """The GeoNames candidates within reach, ranked and listed; the first and the reach.
    A namesake beyond the reach is never a candidate, so --yes cannot append it."""
    import dataclasses

    from geomap.candidates import default_reach, geonames_candidates, reach_near
    from geomap.exc import GazetteerError

    reach = reach_near(near, gaz, within) if near else default_reach(gaz)
    if within and not near and reach.km is not None:
        reach = dataclasses.replace(reach, km=within)
    if reach.km is None:
        click.echo(
            "the gazetteer has no place yet: searching all of GeoNames (--near LAT,LON is quicker)",
            err=True,
        )
    found = geonames_candidates(name, gaz, reach, limit=10)
    if not found:
        where = "" if reach.km is None else f" within {reach.km:,.0f} km of {reach.around}"
        raise GazetteerError(
            f"GeoNames has no place called {name!r}{where}",
            hint="try another spelling, --near PLACE|LAT,LON (and --within KM), or --online",
        )
    click.echo(
        f"GeoNames candidates for {name!r}, nearest first:"
        if reach.km
        else f"GeoNames candidates for {name!r}, most populous first:"
    )
    for number, cand in enumerate(found, 1):
        where = (
            f"{cand['km']} km from {reach.around}"
            if cand["km"] is not None
            else f"population {cand['population']:,}"
        )
        click.echo(
            f"  {number}. {cand['name']} ({cand['country']}) {cand['lat']}, {cand['lon']} — "
            f"{where}, GeoNames {cand['geonameid']}"
        )
    return found[0], reach


def run() -> None:
    """The console script: :func:`main`, then an exit that does not free every object one by
    one. After a 10,000-place build that teardown took ~0.3 s (of ~2.5 s); every output is
    written, renamed and closed by then. mypy ends its runs the same way."""
    pipeline.ONE_COMMAND_PROCESS = True
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's main always ends in SystemExit
        code = 0
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit says 120
            code = code or 120
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
