"""Where the articles come from (``--input``), cut into batches a worker reads by itself.

An input is a folder of article files (``data/articles``, the default), a glob of files, or
Parquet / JSONL files with one article a row. A :class:`Batch` names its articles (paths, or
a file and a range of its rows), never their text: a worker, on this machine or another
one, reads them itself, so the articles are read once and only where they are extracted.

A row of a Parquet or JSONL file has the columns ``text`` and ``published`` (required) and
``title``, ``outlet``, ``url`` and ``name`` (optional; an article without ``name`` is named
``FILE#ROW``); other columns are ignored.
"""

from __future__ import annotations

import datetime as dt
import glob as globbing
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from geomap.articles import (
    Article,
    ReadReport,
    _file_kind,
    article_body,
    article_paths,
    not_an_article,
    published_date,
    read_article,
)
from geomap.exc import ArticleError

REQUIRED_COLUMNS = ("text", "published")
OPTIONAL_COLUMNS = ("title", "outlet", "url", "name")
COLUMNS_HINT = (
    "an article a row: columns text and published (YYYY-MM-DD) required; title, outlet, url "
    "and name optional"
)
TABLE_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
BATCH_ARTICLES = 100  # articles a batch holds at most (one task, one spill file per bucket)


@dataclass(frozen=True)
class Batch:
    """Articles a worker reads and extracts as one task: ``paths`` (article files), or rows
    ``start`` to ``stop`` of a Parquet file, or the JSONL lines between byte offsets
    ``start`` and ``stop`` (the first of them line ``line``). ``first``: the sequence number
    of its first article in the whole input (the order of the outputs)."""

    index: int
    first: int
    count: int
    kind: str  # "files" | "parquet" | "jsonl"
    paths: tuple[str, ...] = ()
    file: str = ""
    start: int = 0
    stop: int = 0
    line: int = 1


def count_articles(source: str | Path) -> int:
    """How many articles (files and rows) an input holds, for a progress bar."""
    return sum(batch.count for batch in plan_batches(source, ReadReport(), 1 << 30))


def is_glob(text: str) -> bool:
    return any(char in text for char in "*?[")


def plan_batches(
    source: str | Path,
    report: ReadReport,
    size: int = BATCH_ARTICLES,
    listing: list[tuple[Path, str]] | None = None,
) -> list[Batch]:
    """The input's articles in batches of at most ``size``, in order (a folder: by name; a
    glob: the matches by name). What is not an article (folders, FIFOs, a stray
    ``photo.jpg``) goes into ``report``; a missing column is an :class:`ArticleError`.
    ``listing``: a folder's :func:`~geomap.articles.folder_entries`, if already listed."""
    text = str(source)
    planner = _Planner(size)
    if is_glob(text):
        matches = sorted(globbing.glob(text, recursive=True))
        if not matches:
            raise ArticleError(
                "no file matches this pattern",
                file=text,
                hint="check the pattern (quote it, so that the shell leaves it to geomap)",
            )
        for match in matches:
            planner.add(Path(match), report)
    else:
        path = Path(text)
        if path.is_dir():
            for file in article_paths(path, report, listing):
                planner.add(file, report, listed=True)
        elif path.exists() or path.is_symlink():
            planner.add(path, report)
        else:
            raise ArticleError(
                "articles folder not found" if not path.suffix else "input not found",
                file=path,
                hint="pass --data DIR holding articles/, or --input a folder, glob or file",
            )
    return planner.done()


class _Planner:
    """Collects article files into batches; a table file is cut into batches of its own."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.batches: list[Batch] = []
        self.files: list[str] = []
        self.seq = 0

    def add(self, path: Path, report: ReadReport, *, listed: bool = False) -> None:
        kind = TABLE_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            if listed or _article_file(path, report):
                self.files.append(str(path))
                if len(self.files) == self.size:
                    self._flush()
            return
        if not path.is_file():
            report.skipped.append((str(path), _not_a_file(path)))
            return
        self._flush()
        ranges = (
            _parquet_ranges(path, self.size)
            if kind == "parquet"
            else _jsonl_ranges(path, self.size)
        )
        for start, stop, line, count in ranges:
            self._append(kind, count, file=str(path), start=start, stop=stop, line=line)

    def _append(self, kind: str, count: int, **where) -> None:
        self.batches.append(Batch(len(self.batches), self.seq, count, kind, **where))
        self.seq += count

    def _flush(self) -> None:
        if self.files:
            self._append("files", len(self.files), paths=tuple(self.files))
            self.files = []

    def done(self) -> list[Batch]:
        self._flush()
        return self.batches


def _not_a_file(path: Path) -> str:
    try:
        return f"{_file_kind(path.stat().st_mode)}, not an article file"
    except OSError as error:
        return f"{error.strerror or error}"


def _article_file(path: Path, report: ReadReport) -> bool:
    """Whether a file a glob matched is read as an article (as a folder's files are)."""
    if not path.is_file():
        report.skipped.append((str(path), _not_a_file(path)))
        return False
    if path.name.startswith((".", "_")):
        return False
    return not not_an_article(path, report)


def _parquet_ranges(path: Path, size: int) -> Iterator[tuple[int, int, int, int]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow's errors: not a Parquet file, truncated
        raise ArticleError(
            f"is not readable as Parquet ({error})",
            file=path,
            hint="write it with pyarrow, polars or pandas (to_parquet)",
        ) from None
    schema = parquet.schema_arrow
    for column in REQUIRED_COLUMNS:
        if column not in schema.names:
            raise ArticleError(
                f"has no column '{column}'", file=path, field=column, hint=COLUMNS_HINT
            )
    for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        if column in schema.names and not _readable_type(schema.field(column).type, column):
            raise ArticleError(
                f"column '{column}' holds {schema.field(column).type}, not text",
                file=path,
                field=column,
                hint=COLUMNS_HINT,
            )
    rows = parquet.metadata.num_rows
    for start in range(0, rows, size):
        stop = min(rows, start + size)
        yield start, stop, start + 1, stop - start


def _readable_type(kind, column: str) -> bool:
    import pyarrow as pa

    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return True
    return column == "published" and (pa.types.is_date(kind) or pa.types.is_timestamp(kind))


def _jsonl_ranges(path: Path, size: int) -> Iterator[tuple[int, int, int, int]]:
    """Byte ranges of ``size`` lines each (one pass over the file, no JSON parsed)."""
    start = offset = 0
    lines = 0
    first_line = 1
    with path.open("rb") as handle:
        for raw in handle:
            offset += len(raw)
            lines += 1
            if lines == size:
                yield start, offset, first_line, lines
                start, first_line, lines = offset, first_line + lines, 0
    if lines:
        yield start, offset, first_line, lines


def read_batch(
    batch: Batch, *, today: dt.date | None = None, skip: Collection[int] = ()
) -> Iterator[Article | ArticleError | None]:
    """The batch's articles in order, each an :class:`Article` or the :class:`ArticleError`
    that reading it raised (exactly ``batch.count`` items); ``None`` for those whose sequence
    number is in ``skip`` (a file among them is not read)."""
    if batch.kind == "files":
        for number, path in enumerate(batch.paths, batch.first):
            if number in skip:
                yield None
                continue
            try:
                yield read_article(path, today=today)
            except ArticleError as error:
                yield error
        return
    rows = (
        _parquet_articles(batch, today)
        if batch.kind == "parquet"
        else _jsonl_articles(batch, today)
    )
    for number, row in enumerate(rows, batch.first):
        yield None if number in skip else row


def _parquet_articles(batch: Batch, today: dt.date | None) -> Iterator[Article | ArticleError]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(batch.file)
    names = parquet.schema_arrow.names
    columns = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in names]
    groups, first_row, row = [], None, 0
    for index in range(parquet.metadata.num_row_groups):
        rows = parquet.metadata.row_group(index).num_rows
        if row < batch.stop and row + rows > batch.start:
            groups.append(index)
            first_row = row if first_row is None else first_row
        row += rows
    table = parquet.read_row_groups(groups, columns=columns)
    table = table.slice(batch.start - (first_row or 0), batch.count)
    for offset, record in enumerate(table.to_pylist()):
        yield _record_article(record, batch.file, batch.line + offset, "row", today)


def _jsonl_articles(batch: Batch, today: dt.date | None) -> Iterator[Article | ArticleError]:
    with open(batch.file, "rb") as handle:
        handle.seek(batch.start)
        chunk = handle.read(batch.stop - batch.start)
    for offset, raw in enumerate(chunk.splitlines()):
        line = batch.line + offset
        if not raw.strip():
            yield ArticleError("is an empty line, not an article", file=batch.file, line=line)
            continue
        try:
            record = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as error:
            yield ArticleError(
                f"is not a JSON object ({error})",
                file=batch.file,
                line=line,
                hint="one JSON object a line: " + COLUMNS_HINT,
            )
            continue
        if not isinstance(record, dict):
            yield ArticleError(
                "is not a JSON object", file=batch.file, line=line, hint=COLUMNS_HINT
            )
            continue
        yield _record_article(record, batch.file, line, "line", today)


def _record_article(
    record: dict, file: str, number: int, unit: str, today: dt.date | None
) -> Article | ArticleError:
    """One row as an article, with the checks an article file's front matter gets."""
    try:
        return _checked_record(record, file, number, unit, today)
    except ArticleError as error:
        return error


def _checked_record(
    record: dict, file: str, number: int, unit: str, today: dt.date | None
) -> Article:
    where = file if unit == "line" else f"{file} (row {number})"
    line = number if unit == "line" else None
    for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        value = record.get(column)
        if value is None and column in REQUIRED_COLUMNS:
            raise ArticleError(
                f"has no '{column}'", file=where, line=line, field=column, hint=COLUMNS_HINT
            )
        if value is not None and not isinstance(value, str | dt.date):
            raise ArticleError(
                f"'{column}' is {type(value).__name__}, not text",
                file=where,
                line=line,
                field=column,
                hint=COLUMNS_HINT,
            )
    published_value = record["published"]
    if isinstance(published_value, dt.date):
        published_value = published_value.isoformat()
    published = published_date(published_value.strip(), where, line, today=today)
    text = record["text"].replace("\r\n", "\n").replace("\r", "\n")
    body, was_html = article_body(text, where, line, field="text")
    name = (record.get("name") or "").strip() or f"{Path(file).name}#{number}"
    meta = {k: str(record[k]) for k in OPTIONAL_COLUMNS if record.get(k) is not None}
    meta["published"] = published.isoformat()
    return Article(
        name=name,
        published=published,
        body=body,
        title=(record.get("title") or "").strip(),
        outlet=(record.get("outlet") or "").strip(),
        url=(record.get("url") or "").strip(),
        path=file,
        meta=meta,
        was_html=was_html,
        published_line=number,
    )
