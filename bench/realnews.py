"""Extraction speed on real news, and a dump of what it extracts to hold a change to.

    python bench/realnews.py [--repeat N] [--synthetic DIR] [--dump FILE]

Times geomap's extraction, in process as ``geomap build`` runs it (``Extractor``, rules
compiled and articles read first; best of N passes), of the 169 real articles of ``eval/``,
each read with its own campaign (``eval/campaigns/<war>/``, the Euphrates with ``data/``).
The texts are the publishers' and are not in git: DEVELOPERS.md says how to get them.
``--synthetic DIR``: also a folder made by ``bench/generate.py`` (its own campaign).

``--dump FILE`` writes every event and mention (all fields) and every name ``geomap check``
would list, for those articles and the five seed articles: a speed change must leave the
file byte-identical (``cmp`` the dumps of the code before and after).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Iterator
from pathlib import Path

from geomap.articles import Article, read_article
from geomap.campaign import load_campaign
from geomap.extract import Extractor

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def corpora(synthetic: Path | None) -> Iterator[tuple[str, Path, list[Path]]]:
    """(name, data folder, article files): the eval articles by campaign, then the rest."""
    with open(EVAL / "SOURCES.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_campaign: dict[str, list[Path]] = {}
    for row in rows:
        by_campaign.setdefault(row["campaign"], []).append(EVAL / "texts" / row["file"])
    for campaign, paths in sorted(by_campaign.items()):
        data = ROOT / "data" if campaign == "euphrates" else EVAL / "campaigns" / campaign
        yield f"eval/{campaign}", data, sorted(paths)
    if synthetic is not None:
        yield "synthetic", synthetic, sorted((synthetic / "articles").glob("*.txt"))


def timed(sets: list[tuple[Extractor, list[Article]]], repeat: int) -> float:
    """The best of ``repeat`` passes over every article, in seconds of CPU time."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for extractor, articles in sets:
            for article in articles:
                extractor(article)
        best = min(best, time.process_time() - start)
    return best


def dump(path: Path, synthetic: Path | None) -> int:
    """Write every event, mention and unknown name; the number of lines."""
    seeds = [("seeds", ROOT / "data", sorted((ROOT / "data" / "articles").glob("*.txt")))]
    lines = []
    for name, data, paths in [*corpora(synthetic), *seeds]:
        campaign = load_campaign(data)
        articles = [read_article(p) for p in paths]
        for unknown in (False, True):  # as build runs it, and as check does
            extractor = Extractor(campaign.gazetteer, campaign.profile, unknown_names=unknown)
            for article in articles:
                found = extractor(article)
                head = f"{name} {article.name} unknown_names={unknown}"
                lines += [f"{head} event {e!r}" for e in found.events]
                lines += [f"{head} mention {m!r}" for m in found.mentions]
                lines += [f"{head} unknown {n!r}" for n in found.unknown_names]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=Path)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    if args.dump:
        print(f"{args.dump}: {dump(args.dump, args.synthetic)} lines")
        return
    groups: dict[str, list[tuple[Extractor, list[Article]]]] = {}
    for name, data, paths in corpora(args.synthetic):
        campaign = load_campaign(data)
        extractor = Extractor(campaign.gazetteer, campaign.profile, unknown_names=False)
        group = "synthetic" if name == "synthetic" else "real news"
        groups.setdefault(group, []).append((extractor, [read_article(p) for p in paths]))
    for group, sets in groups.items():
        timed(sets, 1)  # the first pass compiles the rules and fills the caches
        size = sum(len(a.body.encode("utf-8")) for _e, articles in sets for a in articles)
        count = sum(len(articles) for _e, articles in sets)
        seconds = timed(sets, args.repeat)
        print(
            f"{group}: {count} articles, {size / 1e6:.3f} MB in {seconds:.3f} s CPU: "
            f"{size / 1e6 / seconds:.3f} MB/s"
        )


if __name__ == "__main__":
    main()
