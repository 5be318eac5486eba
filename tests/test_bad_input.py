"""Bad input ends in a clear error and a safe state; random input never crashes."""

import datetime as dt
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import DATA
from geomap.articles import Article, parse_article
from geomap.cli import main
from geomap.exc import ArticleError, EventsFileError, GazetteerError
from geomap.extract import extract_article
from geomap.gazetteer import parse_gazetteer
from geomap.records import read_events_csv
from geomap.timeline import build_timeline

HEADER = "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
ARTICLES = sorted((DATA / "articles").glob("*.txt"))
# any character a UTF-8 file holds, control characters (NUL, ESC, CR) drawn often
character = st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\x00\x1b\r\n\t\x85")
short_cell = st.text(alphabet=character, max_size=12)
# a long cell: past the csv module's 131,072-character limit, or a long run just under it
long_cell = st.builds(
    lambda n, c: c * n, st.integers(100_000, 140_000), st.sampled_from(["x", '"', ",", "\x1b"])
)
cell = st.one_of(*[short_cell] * 7, long_cell)  # a long one now and then
# dates across the whole calendar, as a person or a broken export writes them
any_date = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
date_cell = (
    any_date.map(dt.date.isoformat)
    | any_date.map(lambda d: d.isoformat()[:7])
    | any_date.map(lambda d: d.isoformat()[:4])
    | short_cell
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=0, max_size=11), min_size=1, max_size=4))
def test_gazetteer_loader_never_crashes(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    try:
        parse_gazetteer(HEADER + buffer.getvalue(), "fuzz.csv")
    except GazetteerError as error:
        assert error.file == "fuzz.csv"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            cell,
            date_cell,
            st.sampled_from(["day", "week", "month", "year", "range", ""]),
            st.sampled_from(["hajin", "nowhere", ""]),
            st.sampled_from(["captured", "held", "withdrew", "reject", "exploded", ""]),
            st.sampled_from(["SDF", "ISIS", ""]) | cell,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_events_loader_never_crashes(tmp_path_factory, gazetteer, rows):
    """Any cells, long ones and control characters too, and dates from 0001 to 9999: the rows
    load (and merge into a timeline) or one EventsFileError names the line."""
    import csv

    path = tmp_path_factory.mktemp("ev") / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "date", "date_precision", "place_id", "kind", "controller"])
        writer.writerows(rows)
    try:
        events, rejected = read_events_csv(
            path, {"hajin": "Hajin"}, sides=("SDF", "ISIS"), curated=True
        )
    except EventsFileError as error:
        assert error.line and error.line >= 2
        assert "\n" not in str(error).split("\n  hint:")[0]
        return
    assert all(e.place_id == "hajin" for e in events)
    build_timeline([], gazetteer, curated=events)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=character, max_size=400), any_date)
@example("SDF took Hajin the day before yesterday, 3 weeks ago.", dt.date(1, 1, 1))
@example("ISIS holds Sousa this weekend, next week and in 2 months.", dt.date(9999, 12, 31))
def test_random_article_text_never_crashes(gazetteer, text, published):
    """Any text, control characters too, published on any day from 0001 to 9999: relative
    dates that would leave the calendar are not dates, and nothing crashes."""
    article = Article(name="fuzz.txt", published=published, body=text or "x")
    found = extract_article(article, gazetteer)
    assert all("0002-01-01" <= e.date <= "9998-12-31" for e in found.events)


WORDS = [
    "SDF",
    "ISIS",
    "captured",
    "took",
    "control",
    "of",
    "Hajin",
    "Baghouz",
    "Sousa",
    "and",
    "the",
    "village",
    "on",
    "Friday",
    "yesterday",
    "last",
    "year",
    "3",
    "weeks",
    "ago",
    "since",
    "Jan.",
    "9",
    "near",
    "east",
    "of",
    "\u00ad",
    "\x1b[2J",
    "\x00",
    "Hajın",
    ",",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=500, max_size=4000), any_date)
@example(["the", "day", "before", "yesterday", "SDF", "captured", "Hajin"] * 100, dt.date(1, 1, 1))
def test_long_run_on_sentences_never_crash(gazetteer, words, published):
    """One sentence of up to 4,000 words (no full stop), with triggers, places, relative dates
    and control characters, published on any day of the calendar."""
    article = Article(name="long.txt", published=published, body=" ".join(words))
    extract_article(article, gazetteer)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    any_date,
    st.sampled_from(["", "x", "T10:00Z"]),
    st.sampled_from(["published: ", "  published: ", "Published:"]),
    st.text(alphabet=character.filter(lambda c: c not in "\r\n"), max_size=40),
)
def test_front_matter_with_any_date_is_read_or_one_article_error(published, tail, key, title):
    """Any day of the calendar, well written or not, under an indented key too."""
    date_text = published.isoformat() + tail
    text = f"---\ntitle: {title}\n{key}{date_text}\n---\nSDF took Hajin yesterday.\n"
    try:
        article = parse_article(text, "fuzz.txt", today=dt.date(9999, 12, 31))
    except ArticleError as error:
        assert error.field == "published" and error.line == 3
        return
    assert article.published == published


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31), st.sampled_from(ARTICLES))
def test_mutated_articles_never_crash(gazetteer, seed, path):
    """Cut, duplicate, swap and corrupt pieces of the real articles."""
    rng = random.Random(seed)
    text = path.read_text(encoding="utf-8")
    chars = list(text)
    for _ in range(rng.randint(1, 30)):
        op = rng.randrange(5)
        i = rng.randrange(max(1, len(chars)))
        if op == 0:
            del chars[i : i + rng.randint(1, 50)]
        elif op == 1:
            chars[i:i] = chars[i : i + rng.randint(1, 80)]
        elif op == 2:
            chars[i:i] = list(
                rng.choice(
                    [
                        "<script>",
                        "{{ 7*7 }}",
                        "{%",
                        "\x00",
                        "\u202e",
                        " on Friday ",
                        " captured ",
                        " Baghouz ",
                        "---\n",
                        " 2019-13-45 ",
                        " since Jan. 99 ",
                        "ّ",
                        "\r\n",
                    ]
                )
            )
        elif op == 3:
            chars[i] = chr(rng.randrange(0x20, 0x10FFF))
        else:
            j = rng.randrange(max(1, len(chars)))
            chars[i], chars[j] = chars[j], chars[i]
    mutated = "".join(chars)
    try:
        article = parse_article(mutated, path.name, today=dt.date(2026, 1, 1))
    except ArticleError:
        return
    extract_article(article, gazetteer)


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    "row,field,words",
    [
        ("ev-x,2019-01-06,day,,nowhere,,captured,SDF,SDF", "place_id", "unknown place id"),
        ("ev-x,2019-01-06,day,,hajin,,exploded,SDF,SDF", "kind", "unknown kind"),
        ("ev-x,2019-13-06,day,,hajin,,captured,SDF,SDF", "date", "not a date"),
        ("ev-x,2019-01-06,day,,hajin,,captured,NATO,NATO", "actor", "unknown actor"),
    ],
)
def test_curated_events_errors_name_line_and_field(data_copy, tmp_path, row, field, words):
    (data_copy / "events.csv").write_text(
        "event_id,date,date_precision,date_text,place_id,place,kind,actor,controller\n"
        + row
        + "\n",
        encoding="utf-8",
    )
    result = cli("build", "--data", data_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "events.csv:2" in result.output and f"field '{field}'" in result.output
    assert words in result.output and "Traceback" not in result.output


def test_rejecting_an_unknown_event_id_is_an_error(data_copy, tmp_path):
    (data_copy / "events.csv").write_text(
        "event_id,kind\nev-000000000000,reject\n", encoding="utf-8"
    )
    result = cli("build", "--data", data_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "ev-000000000000" in result.output


def test_curation_rejects_and_adds(data_copy, tmp_path):
    out = tmp_path / "out"
    first = cli("extract", "--data", data_copy, "--out", out)
    assert first.exit_code == 0
    rows = (out / "events.csv").read_text(encoding="utf-8").splitlines()
    mosul = next(r for r in rows if ",mosul," in r)
    event_id = mosul.split(",")[0]
    (data_copy / "events.csv").write_text(
        "event_id,date,date_precision,place_id,kind,actor,controller,evidence\n"
        f"{event_id},,,,reject,,,\n"
        ",2019-01-06,day,al_shaafah,captured,SDF,SDF,Analyst: SDF statement of 6 Jan.\n",
        encoding="utf-8",
    )
    assert cli("extract", "--data", data_copy, "--out", out).exit_code == 0
    text = (out / "events.csv").read_text(encoding="utf-8")
    assert event_id not in text
    assert "Analyst: SDF statement of 6 Jan." in text


def test_a_failed_build_leaves_the_previous_outputs_intact(monkeypatch, tmp_path):
    assert cli("build", "--data", DATA, "--out", tmp_path, "--jobs", 1).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geomap.mapping.build_map", explode)  # imported when a map is drawn
    result = cli("build", "--data", DATA, "--out", tmp_path, "--title", "changed")
    assert result.exit_code == 1 and "No space left on device" in result.output
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # nothing written: every output is computed before any is written
    assert not [n for n in after if n.endswith(".tmp")]


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from geomap import pipeline

    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk vanished")

    monkeypatch.setattr(pipeline.os, "replace", broken_replace)
    with pytest.raises(OSError):
        pipeline.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["map.html"]
