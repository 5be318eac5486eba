"""Issue 23, items 6-8: hostile or careless input ends in one clear line, never a traceback;
nothing is accepted silently; and one process skips what many processes skip."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from conftest import DATA, small_data
from geomap.articles import Article
from geomap.cli import main
from geomap.extract import extract_article
from geomap.gazetteer import parse_gazetteer

HEADER = "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
HAJIN_ROW = "hajin,Hajin,Hajeen,34.68944,40.83083,town,Deir ez-Zor,SY,GeoNames\n"
SUSAH_ROW = "al_susah,al-Susah,Sousa,34.53366,40.95819,town,Deir ez-Zor,SY,GeoNames\n"
ARTICLE = (
    "---\ntitle: A test\noutlet: Test Wire\npublished: 2018-12-15\n---\n"
    "The SDF captured Hajin on Friday. ISIS still holds Sousa.\n"
)


def run(*args):
    """The CLI through CliRunner; a Python exception other than the exit is a failure."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"a traceback, not one line:\n{result.output}") from result.exception
    assert "Traceback" not in result.output
    return result


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A data folder with this campaign's profile and gazetteer and one short article."""
    return small_data(tmp_path / "small", {"a.txt": ARTICLE})


def events_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "events_in.csv"
    columns = ["event_id", "date", "date_precision", "place_id", "kind", "actor", "controller"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({"date_precision": "day", "kind": "captured", **row})
    return path


# item 6: a traceback instead of one line


def test_an_indented_published_line_with_a_bad_date_is_one_error_naming_its_line(small):
    (small / "articles" / "a.txt").write_text(
        ARTICLE.replace("published: 2018-12-15", "  published: 2018-12-xx"), encoding="utf-8"
    )
    result = run("extract", "--data", small, "--out", small.parent / "out")
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"error: {small / 'articles' / 'a.txt'}:4, field 'published': "
        "'published' is '2018-12-xx', not a date"
    ]


def test_year_one_is_refused_and_a_relative_date_before_the_calendar_is_dropped(small, gazetteer):
    (small / "articles" / "a.txt").write_text(
        ARTICLE.replace("2018-12-15", "0001-01-01"), encoding="utf-8"
    )
    result = run("extract", "--data", small, "--out", small.parent / "out")
    assert result.exit_code == 1
    assert "field 'published'" in result.output and "outside the dates geomap handles" in (
        result.output
    )
    # the first day geomap takes: 'yesterday', 'last year', '3 weeks ago' fall before it
    article = Article(
        name="a.txt",
        published=dt.date(2, 1, 1),
        body="The SDF captured Hajin yesterday. ISIS took Sousa last year and 3 weeks ago.",
    )
    found = extract_article(article, gazetteer)
    assert all(event.date >= "0002-01-01" for event in found.events)


@pytest.mark.parametrize(
    "date,precision", [("9999-12-30", "week"), ("9999-12", "month"), ("0001-01-01", "day")]
)
def test_events_dated_at_the_ends_of_the_calendar_are_one_error(tmp_path, date, precision):
    path = events_file(
        tmp_path,
        [{"date": date, "date_precision": precision, "place_id": "hajin", "controller": "SDF"}],
    )
    result = run("build", "--data", DATA, "--events", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"error: {path}:2, field 'date': {date!r} is outside the dates geomap handles "
        "(0002-01-01 to 9998-12-31)"
    ]


def test_a_gazetteer_field_over_the_csv_limit_is_one_error_with_its_line(small):
    with (small / "gazetteer.csv").open("a", encoding="utf-8") as handle:
        handle.write(f'big,Big,"{"x" * 140_000}",34.5,40.5,town,X,SY,test\n')
    result = run("geocode", "Hajin", "--data", small)
    assert result.exit_code == 1
    lines = (small / "gazetteer.csv").read_text(encoding="utf-8").count("\n")
    assert error_lines(result.output) == [
        f"error: {small / 'gazetteer.csv'}:{lines}: not readable as CSV "
        "(field larger than field limit (131072))"
    ]
    assert "quote that is never closed" in result.output


def test_an_events_file_field_over_the_csv_limit_is_one_error_with_its_line(tmp_path):
    path = tmp_path / "events_in.csv"
    path.write_text(
        "date,date_precision,place_id,kind,controller,evidence\n"
        "2018-12-14,day,hajin,captured,SDF,fine\n"
        f'2018-12-15,day,hajin,held,SDF,"{"y" * 140_000}"\n',
        encoding="utf-8",
    )
    result = run("build", "--data", DATA, "--events", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert error_lines(result.output)[0].startswith(f"error: {path}:3: not readable as CSV")


def test_dollar_signs_in_an_outlet_and_a_title_are_drawn_as_written(small, tmp_path):
    """Between two '$' matplotlib reads TeX math, and '\\frac' without its two arguments, or
    a '^' with nothing after it, stopped the figure with a parser's traceback."""
    article = small / "articles" / "a.txt"
    article.write_text(ARTICLE.replace("Test Wire", r"The $\frac{a}$ Times"), encoding="utf-8")
    out = tmp_path / "figures"
    result = run(
        "snapshot", "--data", small, "--out", out, "--date", "2018-12-15", "--title", "$5 ^ $6^"
    )
    assert result.exit_code == 0, result.output
    assert (out / "snapshot_2018-12-15.png").stat().st_size > 10_000
    assert (out / "snapshot_2018-12-15.svg").stat().st_size > 10_000


@pytest.mark.parametrize("value", ["1px;background:url(x)", "100%}body{display:none", "wide"])
def test_a_width_that_is_not_a_css_size_is_a_usage_error(tmp_path, value):
    result = run("build", "--data", DATA, "--out", tmp_path, "--width", value)
    assert result.exit_code == 2
    assert "is not a CSS size" in result.output and "--width" in result.output
    assert not (tmp_path / "map.html").exists()


def test_two_exports_at_once_into_one_folder_both_write_a_whole_geopackage(tmp_path):
    """Two exports started together into one folder (they once shared one temporary name,
    and each deleted or appended to the other's file): both succeed, one after the other,
    and the folder holds one whole GeoPackage."""
    out = tmp_path / "gis"
    command = [sys.executable, "-m", "geomap.cli", "export", "--data", str(DATA), "--out"]
    runs = [subprocess.Popen([*command, str(out), "-q"]) for _ in range(2)]
    assert [p.wait(timeout=600) for p in runs] == [0, 0]
    layers = {name for name, _ in pyogrio.list_layers(out / "campaign.gpkg")}
    assert {"control", "events", "mentions", "places"} <= layers
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.fixture()
def small_disk(tmp_path):
    """A 96 KB tmpfs (where the machine lets us mount one); skipped elsewhere, where
    test_export_write_errors_of_gdal_are_one_line fakes the same failure."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_an_export_onto_a_full_disk_is_one_line_and_leaves_nothing(small_disk):
    out = small_disk / "gis"  # not the mount point itself: the set replaces its folder whole
    result = run("export", "--data", DATA, "--out", out)
    assert result.exit_code == 1
    (line,) = error_lines(result.output)
    assert line.startswith(f"error: {out / 'campaign.gpkg'}: cannot write the GeoPackage"), line
    assert "disk has room" in result.output
    assert list(small_disk.iterdir()) == []


def test_an_export_into_a_read_only_folder_is_one_line(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run("export", "--data", DATA, "--out", small_disk / "gis")
    assert result.exit_code == 1
    (line,) = error_lines(result.output)
    assert "Read-only file system" in line, line


@pytest.mark.parametrize(
    "error",
    [
        pyogrio.errors.DataSourceError("sqlite3_open(x.gpkg) failed: attempt to write a readonly"),
        pyogrio.errors.FeatureError("Could not add feature: database or disk is full\nINSERT"),
    ],
)
def test_export_write_errors_of_gdal_are_one_line(tmp_path, monkeypatch, error):
    import geomap.exports as exports

    def failing_write(*args, **kwargs):
        raise error

    monkeypatch.setattr(exports.pyogrio, "write_dataframe", failing_write)
    result = run("export", "--data", DATA, "--out", tmp_path)
    assert result.exit_code == 1
    first = str(error).split("\n")[0]
    assert error_lines(result.output) == [
        f"error: {tmp_path / 'campaign.gpkg'}: cannot write the GeoPackage ({first})"
    ]
    assert list(tmp_path.iterdir()) == []


# item 7: silently accepted


def test_a_nul_byte_after_the_first_8_kb_is_an_error_naming_its_offset(small):
    text = ARTICLE + ("Filler sentence about nothing. " * 400) + "\x00 and more\n"
    (small / "articles" / "a.txt").write_text(text, encoding="utf-8")
    result = run("extract", "--data", small, "--out", small.parent / "out")
    assert result.exit_code == 1
    offset = text.encode("utf-8").index(b"\x00")
    assert offset > 8192
    assert f"a NUL byte at offset {offset:,}" in result.output


def _more_articles(articles: Path, count: int = 8) -> None:
    """Distinct short articles, enough for two processes to be worth starting."""
    for number in range(count):
        (articles / f"n{number}.txt").write_text(
            ARTICLE.replace("on Friday", f"on Friday ({number})"), encoding="utf-8"
        )


def test_links_loops_fifos_devices_and_folders_named_txt_are_skipped_and_listed(small):
    articles = small / "articles"
    _more_articles(articles)
    (articles / "loop.txt").symlink_to(articles / "loop.txt")
    (articles / "zero.txt").symlink_to("/dev/zero")
    (articles / "gone.txt").symlink_to(articles / "nowhere.txt")
    os.mkfifo(articles / "pipe.txt")
    (articles / "folder.txt").mkdir()
    for jobs in ("1", "2"):
        result = run("extract", "--data", small, "--out", small.parent / "out", "--jobs", jobs)
        assert result.exit_code == 0, result.output
        skipped = sorted(line for line in result.output.splitlines() if line.startswith("skip"))
        assert skipped == [
            f"skipped {articles / 'folder.txt'}: a folder, not an article file",
            f"skipped {articles / 'gone.txt'}: No such file or directory",
            f"skipped {articles / 'loop.txt'}: a symbolic link loop",
            f"skipped {articles / 'pipe.txt'}: a FIFO (named pipe), not an article file",
            f"skipped {articles / 'zero.txt'}: a device, not an article file",
        ]
        assert "9 articles ->" in result.output


def test_reading_a_fifo_directly_never_blocks(tmp_path):
    import threading

    from geomap.articles import read_article
    from geomap.exc import ArticleError

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            read_article(fifo)
            outcome.append(None)
        except ArticleError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # blocked waiting for a writer: give it one, then fail
        with open(fifo, "wb"):
            pass
        reader.join(timeout=10)
        pytest.fail("reading a FIFO blocked")
    assert outcome and "a FIFO" in str(outcome[0])


def test_an_article_published_a_century_before_the_window_is_flagged(small):
    (small / "articles" / "b.txt").write_text(
        ARTICLE.replace("2018-12-15", "1900-01-01").replace("Friday", "Monday"), encoding="utf-8"
    )
    result = run("extract", "--data", small, "--out", small.parent / "out")
    assert result.exit_code == 0
    assert (
        f"warning: {small / 'articles' / 'b.txt'}:4, field 'published': 1900-01-01 is 43,342 "
        "days before the campaign's window (2018-09-01 to 2019-04-30 in campaign.toml); "
        "check the year"
    ) in result.output.splitlines()
    assert "a.txt" not in result.output.replace("wrote", "")


@pytest.mark.parametrize(
    "text,words",
    [
        (HEADER.rstrip("\n") + ",name\n" + HAJIN_ROW, "the header names column(s) twice: name"),
        (HEADER + HAJIN_ROW + HEADER + SUSAH_ROW, "the header again (two files joined?)"),
    ],
)
def test_a_duplicated_gazetteer_header_is_an_error(small, text, words):
    (small / "gazetteer.csv").write_text(text, encoding="utf-8")
    result = run("geocode", "Hajin", "--data", small)
    assert result.exit_code == 1
    assert words in result.output


@pytest.mark.parametrize("word", ["the", "The", "of", "and"])
def test_a_common_word_as_a_spelling_is_refused(small, word):
    (small / "gazetteer.csv").write_text(
        HEADER + HAJIN_ROW.replace("Hajeen", f"Hajeen|{word}") + SUSAH_ROW, encoding="utf-8"
    )
    result = run("geocode", "Hajin", "--data", small)
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"error: {small / 'gazetteer.csv'}:2, field 'alt_names': the spelling {word!r} of "
        f"'hajin' is a common word: every {word!r} in the articles would be taken for the place"
    ]


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060"])
def test_a_place_written_with_an_invisible_character_inside_is_found(gazetteer, profile, invisible):
    from geomap.articles import parse_article

    spelled = f"Ha{invisible}jin"
    article = parse_article(ARTICLE.replace("Hajin", spelled), "a.txt")
    found = extract_article(article, gazetteer, profile=profile)
    assert [m.place_id for m in found.mentions][:1] == ["hajin"]
    assert any(e.place_id == "hajin" and e.kind == "captured" for e in found.events)
    assert gazetteer.lookup(spelled).id == "hajin"
    with_it = parse_gazetteer(HEADER + HAJIN_ROW.replace("Hajin", spelled, 1), "g.csv")
    assert with_it.lookup("Hajin").id == "hajin"


def test_a_dotless_i_is_folded_like_i(gazetteer):
    assert gazetteer.lookup("Hajın").id == "hajin"
    turkish = parse_gazetteer(
        HEADER + "diyarbakir,Diyarbakır,,37.91,40.24,city,Diyarbakır,TR,GeoNames\n", "g.csv"
    )
    assert turkish.lookup("Diyarbakir").id == "diyarbakir"
    article = Article(name="a.txt", published=dt.date(2018, 12, 15), body="SDF captured Hajın.")
    assert [m.place_id for m in extract_article(article, gazetteer).mentions] == ["hajin"]


def test_escapes_and_newlines_in_a_file_name_never_reach_the_terminal_raw(small):
    name = "x\x1b[31m\nerror: all is well\r.txt"
    (small / "articles" / "a.txt").rename(small / "articles" / name)
    (small / "articles" / name).write_text("no front matter\n", encoding="utf-8")
    result = run("extract", "--data", small, "--out", small.parent / "out")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\r" not in result.output
    assert len(error_lines(result.output)) == 1
    assert "x\\x1b[31m\\nerror: all is well\\r.txt:1: has no front matter" in result.output


def test_escapes_in_article_text_never_reach_the_terminal_raw(small):
    """`geomap check` prints sentences; a warning prints a file name."""
    (small / "articles" / "a.txt").write_text(
        ARTICLE.replace("ISIS still holds Sousa.", "Fighters reached Qarya\x1b[2J\nerror: x."),
        encoding="utf-8",
    )
    (small / "articles" / "b\x1b]0;title\x07.txt").write_text(
        ARTICLE.replace("2018-12-15", "1900-01-01"), encoding="utf-8"
    )
    for args in (("check",), ("extract", "--out", small.parent / "out")):
        result = run(*args, "--data", small)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert error_lines(result.output) == []
    assert "b\\x1b]0;title\\x07.txt:4, field 'published'" in result.output


# item 8: --keep-going and stray files


def _unreadable(path: Path) -> None:
    """Make ``path`` an article nobody can read: no permission, or (as root, whom permissions
    do not stop) a link to a file whose every read fails (EIO)."""
    path.write_text(ARTICLE, encoding="utf-8")
    if os.geteuid() != 0:
        path.chmod(0)
    else:
        path.unlink()
        path.symlink_to("/proc/self/mem")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_keep_going_skips_an_unreadable_file_and_lists_it(small, jobs):
    _more_articles(small / "articles")
    _unreadable(small / "articles" / "b.txt")
    out = small.parent / "out"
    stopped = run("extract", "--data", small, "--out", out, "--jobs", jobs)
    assert stopped.exit_code == 1
    assert error_lines(stopped.output)[0].startswith(
        f"error: {small / 'articles' / 'b.txt'}: cannot be read ("
    )
    result = run("extract", "--data", small, "--out", out, "--jobs", jobs, "--keep-going")
    assert result.exit_code == 0, result.output
    assert "1 article(s) could not be read:" in result.output
    assert f"  {small / 'articles' / 'b.txt'}: cannot be read (" in result.output
    assert "9 articles ->" in result.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stray_photo_is_skipped_alike_with_one_process_or_many(small, jobs):
    articles = small / "articles"
    _more_articles(articles, 9)
    (articles / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(500))
    result = run("extract", "--data", small, "--out", small.parent / "out", "--jobs", jobs)
    assert result.exit_code == 0, result.output
    assert f"skipped {articles / 'photo.jpg'}: not an article (no front matter)" in (
        result.output.splitlines()
    )
    assert "10 articles ->" in result.output


# dates at both ends of the calendar, on the page


@pytest.mark.browser
@pytest.mark.parametrize("step", ["week", "month"])
def test_the_map_shows_the_first_and_last_days_geomap_handles(tmp_path, open_map, step):
    """A year under 100 is not read as 19xx (Date.UTC's rule) and the week or month steps
    after 9998-12-31 are still dates."""
    path = events_file(
        tmp_path,
        [
            {"date": "0002-01-01", "place_id": "hajin", "actor": "SDF", "controller": "SDF"},
            {"date": "0099-06-15", "place_id": "al_susah", "actor": "SDF", "controller": "SDF"},
            {"date": "9998-12-31", "place_id": "al_susah", "kind": "withdrew", "actor": "SDF"},
        ],
    )
    out = tmp_path / "out"
    span = ["--start", "0002-01-01", "--end", "9998-12-31"]  # past the profile's window
    result = run("build", "--data", DATA, "--events", path, "--out", out, "--step", step, *span)
    assert result.exit_code == 0, result.output
    watch = open_map(out / "map.html")
    page = watch.page
    assert page.evaluate("window.geomap.date()") == "9998-12-31"
    assert page.evaluate("window.geomap.state('al_susah').controller") is None
    assert page.evaluate("window.geomap.setDate('0002-01-01')") is True
    assert page.evaluate("window.geomap.date()") == "0002-01-01"
    assert page.evaluate("window.geomap.state('hajin')")["since"] == "0002-01-01"
    page.evaluate("window.geomap.setDate('0099-06-15')")
    assert page.evaluate("window.geomap.state('al_susah')")["controller"] == "SDF"
    assert watch.errors == []
