import datetime as dt

import pytest

from geomap.articles import ReadReport, iter_articles, parse_article, read_article
from geomap.exc import ArticleError

GOOD = "---\ntitle: T\noutlet: O\npublished: 2019-03-12\n---\nText about Baghouz.\n"


def test_front_matter_and_body(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    article = read_article(path)
    assert (article.title, article.outlet, article.published) == ("T", "O", dt.date(2019, 3, 12))
    assert article.body == "Text about Baghouz.\n"


def test_the_five_articles_have_their_dates():
    articles = {a.name[:3]: a.published for a in iter_articles("data/articles")}
    assert articles == {
        "000": dt.date(2018, 12, 14),
        "001": dt.date(2018, 12, 14),
        "002": dt.date(2019, 2, 11),
        "003": dt.date(2019, 3, 18),
        "004": dt.date(2019, 3, 12),
    }


@pytest.mark.parametrize(
    "text,words,field",
    [
        ("Just text, no header.\n", "no front matter", None),
        ("---\ntitle: T\n---\nBody\n", "no 'published'", "published"),
        ("---\npublished: 12 March 2019\n---\nBody\n", "not a date", "published"),
        ("---\npublished: 2019-02-30\n---\nBody\n", "not a date", "published"),
        ("---\npublished: 2099-01-01\n---\nBody\n", "future", "published"),
        ("---\npublished: 2019-03-12\n---\n\n  \n", "empty body", None),
        ("---\npublished: 2019-03-12\nBody with no closing line\n", "not 'key: value'", None),
    ],
)
def test_bad_articles_are_named(text, words, field):
    with pytest.raises(ArticleError) as info:
        parse_article(text, "a.txt", "data/articles/a.txt")
    assert words in info.value.message
    assert info.value.field == field
    assert "data/articles/a.txt" in str(info.value)


def test_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"---\x00\x01\x02")
    with pytest.raises(ArticleError, match="binary"):
        read_article(tmp_path / "bin.txt")
    (tmp_path / "latin.txt").write_bytes(GOOD.replace("Text", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ArticleError, match="not UTF-8: byte 0xe9") as info:
        read_article(tmp_path / "latin.txt")
    assert info.value.line == 6


def test_html_articles_keep_text_and_drop_tags(tmp_path):
    html = (
        "---\npublished: 2019-03-12\n---\n<html><body><p>SDF fighters captured "
        "<b>Hajin</b> on Friday.</p><script>alert(1)</script><p>Second &amp; last.</p>"
        "</body></html>\n"
    )
    article = parse_article(html, "a.html")
    assert article.was_html
    assert "SDF fighters captured Hajin on Friday." in article.body
    assert "alert" not in article.body and "<" not in article.body
    assert "Second & last." in article.body


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(GOOD + "x" * (3 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(ArticleError, match="limit"):
        read_article(path)


def test_duplicates_are_read_once_and_reported(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD.replace("title: T", "title: Copy"), encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    report = ReadReport()
    names = [a.name for a in iter_articles(tmp_path, report=report)]
    assert names == ["a.txt"]
    assert [(p.split("/")[-1], why[:9]) for p, why in report.skipped] == [
        ("b.txt", "same text"),
        ("notes.csv", "not an ar"),
    ]


def test_keep_going_collects_bad_articles(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("no header\n", encoding="utf-8")
    with pytest.raises(ArticleError):
        list(iter_articles(tmp_path))
    report = ReadReport()
    assert [a.name for a in iter_articles(tmp_path, keep_going=True, report=report)] == ["a.txt"]
    assert len(report.errors) == 1
