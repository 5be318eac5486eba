"""Extraction time of pathological articles at 1x, 2x and 4x their size: cost must grow
linearly with the text (issue 20), whatever its shape.

    python bench/pathological.py [CASE ...] [--scale K] [--repeat N]

Each case is one article read by ``extract_article`` with this campaign's profile and
gazetteer (after one warm-up article, so that loading the rules is not timed); the time is
the best of --repeat runs, in CPU seconds (steadier than the clock on a busy machine). The
last column is time(4x) / time(1x): about 4 when linear, 16 when quadratic. --scale
multiplies every size (0.25 for a quick look).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from geomap.articles import Article
from geomap.campaign import load_campaign
from geomap.extract import extract_article

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = load_campaign(ROOT / "data")
NAMES = [place.name for place in CAMPAIGN.gazetteer.places]
CLAIM = "SDF fighters captured Hajin on Friday"


def _names(n: int) -> str:
    return ", ".join(NAMES[i % len(NAMES)] for i in range(n))


# name -> (the article of size n, n at 1x)
CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "words, no full stop": (lambda n: " ".join(["word"] * n) + f" {CLAIM}", 50_000),
    "a claim every 10 words, no full stop": (
        lambda n: " ".join(f"{CLAIM} and the town" if i % 10 == 0 else "word" for i in range(n)),
        12_500,
    ),
    "place names in one list": (lambda n: f"SDF fighters captured {_names(n)} on Friday.", 5_000),
    "nested brackets": (lambda n: "(" * n + CLAIM + ")" * n + ".", 50_000),
    "nested quotes": (lambda n: '"“‘' * n + CLAIM + '’”"' * n + ".", 20_000),
    "commas": (lambda n: CLAIM + "," * n + ".", 250_000),
    "full stops": (lambda n: CLAIM + "." * n + "x", 50_000),
    "abbreviations ('Gen. Gen. …')": (lambda n: CLAIM + " Gen." * n + " x", 50_000),
    "digits": (lambda n: CLAIM + " " + "9" * n + " people.", 50_000),
    "one claim a line": (lambda n: f"{CLAIM}.\n" * n, 5_000),
    "triggers and places, no full stop": (
        lambda n: " ".join(
            ["captured Hajin", "ISIS", "took", "the town", "on Friday", "Susah", "fell to"][i % 7]
            for i in range(n)
        ),
        5_000,
    ),
}


def seconds(body: str, repeat: int) -> float:
    """The best time of ``repeat`` extractions of one article with this body."""
    article = Article(name="p.txt", published=dt.date(2018, 12, 15), body=body, outlet="Bench")
    best = float("inf")
    for _ in range(repeat):
        began = time.process_time()
        extract_article(article, CAMPAIGN.gazetteer, profile=CAMPAIGN.profile)
        best = min(best, time.process_time() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", choices=[[], *CASES], metavar="CASE")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seconds(f"{CLAIM}. The town fell.", 1)  # the rules are loaded once, untimed
    print("| article | characters at 1x | 1x (s) | 2x (s) | 4x (s) | 4x / 1x |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.cases or CASES:
        make, size = CASES[name]
        n = max(1, int(size * args.scale))
        times = [seconds(make(n * k), args.repeat) for k in (1, 2, 4)]
        print(
            f"| {name} | {len(make(n)):,} | "
            + " | ".join(f"{t:.3f}" for t in times)
            + f" | {times[2] / max(times[0], 1e-6):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
