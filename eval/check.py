"""Check the evaluation corpus: eval/SOURCES.csv, the texts in eval/texts/ and eval/gold.csv.

    python eval/check.py [--root DIR]

Checks that SOURCES.csv has its columns, a known campaign and a dev/test split on every row,
unique files and URLs, file names as ANNOTATION.md gives them; that each listed text exists
with front matter whose published date and URL agree with SOURCES.csv; and that every gold
row names a listed article and quotes it (its sentence_start, or sentence, occurs in the
text once whitespace and curly quotes are normalised). Prints the counts (articles per
campaign and split, outlets, gold rows by tier) and one line per problem; exits 1 if there
is any. The texts are not in git: without eval/texts/ their checks are skipped with a notice.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from geomap.articles import read_article
from geomap.evaluate import TIERS, normalise_sentence, read_gold, table_lines
from geomap.exc import GeomapError

EVAL = Path(__file__).resolve().parent
SOURCE_COLUMNS = ["file", "url", "outlet", "published", "title", "campaign", "split"]
SPLITS = ("dev", "test")
# campaign -> the prefix of its text files (ANNOTATION.md)
PREFIXES = {
    "euphrates": "eu",
    "kharkiv": "kh",
    "tigray": "tg",
    "sudan": "sd",
    "karabakh": "nk",
    "raqqa": "rq",
    "marawi": "mw",
    "sirte": "sr",
    "myanmar": "mm",
    "afghanistan": "af",
    "aleppo": "al",
    "mali": "ml",
    "anbar": "an",
    "congo": "cd",
    "libya": "ly",
    "srilanka": "lk",
    "idlib": "id",
    "cabo": "cb",
}


@dataclass(frozen=True)
class Source:
    """One row of SOURCES.csv."""

    line: int
    file: str
    url: str
    outlet: str
    published: str
    title: str
    campaign: str
    split: str


@dataclass
class Report:
    """What the check found: problems (each one line), notices, and the counts."""

    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def expected_name(campaign: str, url: str) -> str:
    """A text's file name: campaign prefix, then the first 8 hex digits of sha1(url)."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{PREFIXES[campaign]}_{digest}.txt"


def read_sources(path: Path, report: Report) -> list[Source]:
    """The rows of SOURCES.csv; each problem of a row is reported, the row kept if usable."""
    if not path.is_file():
        report.problems.append(f"{path}: not found")
        return []
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in SOURCE_COLUMNS if c not in header]
    if missing:
        report.problems.append(
            f"{path}:1: missing column(s) {', '.join(missing)} "
            f"(expected {','.join(SOURCE_COLUMNS)})"
        )
        return []
    reader.fieldnames = header
    sources: list[Source] = []
    files: dict[str, int] = {}
    urls: dict[str, int] = {}
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k in SOURCE_COLUMNS}
        source = Source(line=reader.line_num, **values)
        where = f"{path}:{source.line}"
        for name in ("file", "url", "outlet", "published"):
            if not values[name]:
                report.problems.append(f"{where}: field '{name}' is empty")
        if source.split not in SPLITS:
            report.problems.append(f"{where}: field 'split': {source.split!r} is not dev or test")
        if source.campaign not in PREFIXES:
            report.problems.append(
                f"{where}: field 'campaign': {source.campaign!r} is not one of "
                f"{', '.join(PREFIXES)}"
            )
        elif (
            source.file and source.url and source.file != expected_name(source.campaign, source.url)
        ):
            report.problems.append(
                f"{where}: field 'file': {source.file!r} should be "
                f"{expected_name(source.campaign, source.url)!r} (prefix and sha1 of the url)"
            )
        try:
            dt.date.fromisoformat(source.published)
        except ValueError:
            if source.published:
                report.problems.append(
                    f"{where}: field 'published': {source.published!r} is not YYYY-MM-DD"
                )
        for name, seen in (("file", files), ("url", urls)):
            value = values[name]
            if value and value in seen:
                report.problems.append(
                    f"{where}: field '{name}': {value!r} is listed already on line {seen[value]}"
                )
            elif value:
                seen[value] = source.line
        sources.append(source)
    return sources


def check_texts(texts: Path, sources: list[Source], report: Report) -> dict[str, str]:
    """Each listed text exists and its front matter agrees; returns file -> normalised body."""
    bodies: dict[str, str] = {}
    listed = {s.file for s in sources}
    for source in sources:
        path = texts / source.file
        if not source.file:
            continue
        if not path.is_file():
            report.problems.append(f"{path}: not found (listed on SOURCES.csv:{source.line})")
            continue
        try:
            article = read_article(path)
        except (GeomapError, OSError) as error:
            report.problems.append(str(error).replace("\n", " "))
            continue
        if article.published.isoformat() != source.published:
            report.problems.append(
                f"{path}: field 'published': {article.published.isoformat()} in the front "
                f"matter, {source.published} in SOURCES.csv:{source.line}"
            )
        if article.url != source.url:
            report.problems.append(
                f"{path}: field 'url': {article.url or '(none)'!r} in the front matter, "
                f"{source.url!r} in SOURCES.csv:{source.line}"
            )
        bodies[source.file] = normalise_sentence(article.body)
    for path in sorted(texts.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in listed:
            report.problems.append(f"{path}: not listed in SOURCES.csv")
    return bodies


def check_gold(
    path: Path, sources: list[Source], bodies: dict[str, str] | None, report: Report
) -> Counter[tuple[str, str]]:
    """Every gold row names a listed article and quotes it; returns (tier, split) counts."""
    counts: Counter[tuple[str, str]] = Counter()
    if not path.is_file():
        report.problems.append(f"{path}: not found")
        return counts
    try:
        rows = read_gold(path, None)
    except GeomapError as error:
        report.problems.append(str(error).replace("\n", " "))
        return counts
    split_of = {s.file: s.split for s in sources}
    for row in rows:
        where = f"{path}:{row.line}"
        if row.article not in split_of:
            report.problems.append(
                f"{where}: field 'article': {row.article!r} is not listed in SOURCES.csv"
            )
            continue
        counts[row.tier, split_of[row.article]] += 1
        quote = normalise_sentence(row.sentence_start or row.sentence)
        if not quote:
            report.problems.append(f"{where}: field 'sentence_start' is empty")
        elif bodies is not None and row.article in bodies and quote not in bodies[row.article]:
            report.problems.append(
                f"{where}: field 'sentence_start': not found in {row.article} ({quote[:60]!r})"
            )
    return counts


def summary(sources: list[Source], gold: Counter[tuple[str, str]]) -> list[str]:
    """Articles per campaign and split, outlets, gold rows by tier."""
    articles = Counter((s.campaign, s.split) for s in sources)
    campaigns = sorted({s.campaign for s in sources})
    lines = ["articles:"]
    rows = [
        [c, *(articles[c, s] for s in SPLITS), sum(articles[c, s] for s in SPLITS)]
        for c in campaigns
    ]
    rows.append(["total", *(sum(articles[c, s] for c in campaigns) for s in SPLITS), len(sources)])
    lines += [f"  {line}" for line in table_lines(["campaign", *SPLITS, "all"], rows)]
    outlets = Counter(s.outlet for s in sources)
    lines.append(f"outlets: {len(outlets)}")
    lines += [
        f"  {line}"
        for line in table_lines(
            ["outlet", "articles"], sorted(outlets.items(), key=lambda o: (-o[1], o[0]))
        )
    ]
    lines.append("gold rows:")
    rows = [[t, *(gold[t, s] for s in SPLITS), sum(gold[t, s] for s in SPLITS)] for t in TIERS]
    rows.append(["total", *(sum(gold[t, s] for t in TIERS) for s in SPLITS), sum(gold.values())])
    lines += [f"  {line}" for line in table_lines(["tier", *SPLITS, "all"], rows)]
    return lines


def check(root: Path = EVAL) -> Report:
    """Check the corpus under ``root`` (the eval/ folder)."""
    report = Report()
    root = _relative(root)
    sources = read_sources(root / "SOURCES.csv", report)
    texts = root / "texts"
    bodies = None
    if texts.is_dir():
        bodies = check_texts(texts, sources, report)
    else:
        report.notices.append(
            f"{texts}/ is missing (the texts are not in git): only SOURCES.csv and gold.csv "
            "were checked"
        )
    gold = check_gold(root / "gold.csv", sources, bodies, report)
    report.summary = summary(sources, gold)
    return report


def _relative(path: Path) -> Path:
    """The path relative to the working folder where it lies inside it (shorter messages)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=EVAL, help="the eval folder (default: here)")
    args = parser.parse_args(argv)
    report = check(args.root)
    print("\n".join(report.summary))
    for notice in report.notices:
        print(f"notice: {notice}")
    for problem in report.problems:
        print(problem, file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
