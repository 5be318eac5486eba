"""Reading articles: a front-matter block (title, outlet, published, url) then the text as received.

```
---
title: Government forces retake the last rebel-held town
outlet: CBC News (Associated Press)
published: 2018-12-14
url: https://example.org/story   (optional)
---
text...
```
Articles are read one at a time (:func:`iter_articles`), so a corpus of any size streams.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import html
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from geomap.exc import ArticleError
from geomap.periods import FIRST_DAY, LAST_DAY

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".text", ""}


@dataclass
class Article:
    """One article: its metadata and its body text (offsets in events refer to ``body``)."""

    name: str
    published: dt.date
    body: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    path: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    was_html: bool = False
    published_line: int = 0  # the line of 'published:' in the file

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body.strip().encode("utf-8")).hexdigest()


class _TextExtractor(HTMLParser):
    """Keeps the text of an HTML page, drops script/style, and breaks lines at blocks."""

    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
        "figcaption",
        "header",
        "footer",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


_HTML_SIGN = re.compile(r"<\s*(html|body|p|div|article|!doctype)\b", re.I)


def looks_like_html(text: str) -> bool:
    return len(_HTML_SIGN.findall(text[:20000])) >= 2 or text.lstrip().lower().startswith(
        ("<!doctype", "<html")
    )


def html_to_text(text: str) -> str:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    joined = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _decode(raw: bytes, path: str) -> str:
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ArticleError(
            f"is a binary file (a NUL byte at offset {nul:,}), not text",
            file=path,
            line=raw[:nul].count(b"\n") + 1,
            hint="save the article as UTF-8 text with a front-matter block",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} ({exc.reason})",
            file=path,
            line=line,
            hint="re-save it as UTF-8 (e.g. iconv -f windows-1252 -t utf-8)",
        ) from None


# Invisible characters that split a word for the reader's eye but not on the page: soft hyphen,
# zero-width space, non-joiner and joiner, word joiner, BOM. Dropped from the body, so that a
# place named with one inside (a soft hyphen mid-name) is found (offsets refer to the body
# without them).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def parse_article(text: str, name: str, path: str = "", *, today: dt.date | None = None) -> Article:
    """Parse one article's text (front matter + body); raises :class:`ArticleError`."""
    where = path or name
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != "---":
        raise ArticleError(
            "has no front matter (the file must start with a '---' line)",
            file=where,
            line=1,
            hint="add a block: ---, published: YYYY-MM-DD, outlet: ..., title: ..., ---",
        )
    meta: dict[str, str] = {}
    end = None
    published_line = start + 2
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.strip() == "---":
            end = number
            break
        if not line.strip():
            continue
        if ":" not in line:
            raise ArticleError(
                f"front-matter line {line.strip()[:60]!r} is not 'key: value'",
                file=where,
                line=number + 1,
                hint="each front-matter line is 'key: value'",
            )
        key, value = line.split(":", 1)
        key = key.strip().lower()
        meta[key] = value.strip()
        if key == "published":
            published_line = number + 1
    if end is None:
        raise ArticleError(
            "front matter is not closed with a '---' line",
            file=where,
            line=start + 1,
            hint="end the metadata block with a line of three dashes",
        )
    published_text = meta.get("published", "")
    if not published_text:
        raise ArticleError(
            "front matter has no 'published' date",
            file=where,
            line=start + 2,
            field="published",
            hint="add 'published: YYYY-MM-DD' (relative dates are resolved against it)",
        )
    published = published_date(published_text, where, published_line, today=today)
    body, was_html = article_body("\n".join(lines[end + 1 :]), where, end + 2)
    return Article(
        name=name,
        published=published,
        body=body,
        title=meta.get("title", ""),
        outlet=meta.get("outlet", ""),
        url=meta.get("url", ""),
        path=path,
        meta=meta,
        was_html=was_html,
        published_line=published_line,
    )


def published_date(
    text: str, where: str, line: int | None, *, today: dt.date | None = None
) -> dt.date:
    """The ``published`` value as a date (``YYYY-MM-DD``, a time after it ignored), within the
    dates geomap handles and not in the future; else an :class:`ArticleError` at ``line``."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?", text)
    try:
        published = dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        published = None
    if published is None:
        raise ArticleError(
            f"'published' is {text!r}, not a date",
            file=where,
            line=line,
            field="published",
            hint="write it as YYYY-MM-DD, e.g. 2018-12-14",
        )
    if not FIRST_DAY <= published <= LAST_DAY:
        raise ArticleError(
            f"'published' is {published}, outside the dates geomap handles "
            f"({FIRST_DAY} to {LAST_DAY})",
            file=where,
            line=line,
            field="published",
            hint="check the year",
        )
    today = today or dt.date.today()
    if published > today:
        raise ArticleError(
            f"'published' is {published}, a date in the future",
            file=where,
            line=line,
            field="published",
            hint="check the year; relative dates ('on Friday') are resolved against it",
        )
    return published


def article_body(
    text: str, where: str, line: int | None, field: str | None = None
) -> tuple[str, bool]:
    """An article's text as geomap reads it (invisible characters dropped, HTML made text),
    and whether it was HTML; an empty text is an :class:`ArticleError` at ``line``."""
    body = text.translate(_INVISIBLE)
    was_html = looks_like_html(body)
    if was_html:
        body = html_to_text(body)
    if not body.strip():
        raise ArticleError(
            "has an empty body" if field is None else f"has an empty '{field}'",
            file=where,
            line=line,
            field=field,
            hint="paste the article text below the ---"
            if field is None
            else "every row needs the article's text",
        )
    return body, was_html


def read_article(path: str | Path, *, today: dt.date | None = None) -> Article:
    """Read one article file; anything but a readable regular file is an :class:`ArticleError`
    (a FIFO or a device is never opened for a blocking or endless read)."""
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ArticleError(
            f"cannot be read ({error.strerror or error})",
            file=path,
            hint="check that it exists and that you may read it",
        ) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(
                f"is {_file_kind(info.st_mode)}, not an article file",
                file=path,
                hint="an article is a regular text file",
            )
        if info.st_size > MAX_ARTICLE_BYTES:
            raise ArticleError(
                f"is {info.st_size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one "
                "article",
                file=path,
                hint="split it into the separate articles it holds",
            )
        try:
            raw = _read_all(descriptor, MAX_ARTICLE_BYTES + 1)
        except OSError as error:
            raise ArticleError(
                f"cannot be read ({error.strerror or error})",
                file=path,
                hint="check the file and the disk it is on",
            ) from None
    finally:
        os.close(descriptor)
    text = _decode(raw, str(path))
    return parse_article(text, path.name, str(path), today=today)


def _read_all(descriptor: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of an open file, to its end (no buffered file object: one
    ``read`` call is all a small file takes)."""
    chunks = []
    while limit > 0:
        chunk = os.read(descriptor, limit)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def folder_entries(folder: str | Path) -> Iterator[tuple[Path, str]]:
    """The folder's entries sorted by name (hidden and ``_`` ones left out), each with why it is
    not a candidate article, or ``""`` for a regular file: folders (even one named ``*.txt``),
    FIFOs, devices, symlink loops and broken links are listed, never dropped silently."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ArticleError(
            "articles folder not found", file=folder, hint="pass --data DIR holding articles/"
        )
    with os.scandir(folder) as listing:  # by name: the paths' order, in one folder
        entries = sorted(
            (entry.name, entry.is_file(follow_symlinks=False))  # from the listing: no stat
            for entry in listing
            if not entry.name.startswith((".", "_"))
        )
    for name, regular in entries:
        path = folder / name
        if regular:
            yield path, ""
            continue
        try:
            mode = path.stat().st_mode
        except OSError as error:
            loop = error.errno == errno.ELOOP
            yield path, "a symbolic link loop" if loop else f"{error.strerror or error}"
            continue
        yield path, "" if stat.S_ISREG(mode) else f"{_file_kind(mode)}, not an article file"


def article_paths(
    folder: str | Path, report: ReadReport, listing: list[tuple[Path, str]] | None = None
) -> Iterator[Path]:
    """The files of the folder to read as articles, in name order; everything else is listed
    in ``report`` as it comes (one choice for one process and many): entries that are not
    regular files, and files of another kind (``photo.jpg``) without front matter.
    ``listing``: the folder's :func:`folder_entries`, if already listed."""
    for path, why in folder_entries(folder) if listing is None else listing:
        if why:
            report.skipped.append((str(path), why))
            continue
        if not_an_article(path, report):
            continue
        yield path


def not_an_article(path: Path, report: ReadReport) -> bool:
    """A file of another kind (``photo.jpg``) without front matter: listed in ``report`` as
    skipped. A file that cannot be read is left to ``read_article`` to say why."""
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(3)
    except OSError:
        return False
    if head == b"---":
        return False
    report.skipped.append((str(path), "not an article (no front matter)"))
    return True


@dataclass
class ReadReport:
    """What reading a folder skipped, so nothing is dropped silently."""

    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    errors: list[ArticleError] = field(default_factory=list)


def iter_articles(
    folder: str | Path,
    *,
    keep_going: bool = False,
    report: ReadReport | None = None,
    today: dt.date | None = None,
) -> Iterator[Article]:
    """Yield the folder's articles one at a time. Bad files raise unless ``keep_going``."""
    report = report if report is not None else ReadReport()
    seen: dict[str, str] = {}
    for path in article_paths(folder, report):
        try:
            article = read_article(path, today=today)
        except ArticleError as error:
            if not keep_going:
                raise
            report.errors.append(error)
            continue
        digest = article.digest
        if digest in seen:
            report.skipped.append((str(path), f"same text as {seen[digest]}; read once"))
            continue
        seen[digest] = path.name
        yield article
