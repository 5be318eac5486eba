"""Fuzz the extractor for a long while: articles made of the rules' vocabulary and a
campaign's names (tests/fuzz_articles.py), read with that campaign's profile and gazetteer.

    python scripts/fuzz_extract.py [--examples N] [--sentences N] [--slow SECONDS] [DATA ...]

DATA: campaign folders (default: data and every eval/campaigns/* that has a campaign.toml).
Stops at the first exception, with the smallest article hypothesis can shrink it to; prints
each article that took longer than --slow seconds to read (work per sentence is bounded, so
none should)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_articles import articles  # noqa: E402
from geomap.campaign import load_campaign  # noqa: E402
from geomap.extract import extract_article  # noqa: E402


def fuzz(folder: Path, examples: int, sentences: int, slow: float) -> None:
    """Read ``examples`` articles of the campaign in ``folder``; raise on the first error."""
    campaign = load_campaign(folder)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(articles(folder, max_sentences=sentences))
    def one(article):
        began = time.perf_counter()
        extract_article(article, campaign.gazetteer, profile=campaign.profile)
        took = time.perf_counter() - began
        if took > slow:
            print(f"slow: {took:.2f} s for {len(article.body)} characters: {article.body!r}")

    one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", type=Path)
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=8)
    parser.add_argument("--slow", type=float, default=1.0)
    args = parser.parse_args(argv)
    folders = args.data or [ROOT / "data"] + sorted(
        p.parent for p in (ROOT / "eval" / "campaigns").glob("*/campaign.toml")
    )
    for folder in folders:
        began = time.perf_counter()
        fuzz(folder, args.examples, args.sentences, args.slow)
        took = time.perf_counter() - began
        print(f"{folder.name}: {args.examples} articles, no error ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
