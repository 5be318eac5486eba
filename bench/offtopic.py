"""Extraction speed on off-topic prose: articles in which no word can begin a place.

    python bench/offtopic.py [ARTICLES]

Builds ARTICLES (default 1,000) articles of English words drawn from the seed articles'
lower-case words that cannot begin a gazetteer spelling, each 12 sentences of 18 words,
and times geomap's extraction of them with one process (best of two runs). A feed of wire
copy is mostly such text; the article prefilter skips it after one scan of its words.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from geomap.extract.mentions import MentionFinder, raw_token_key
from geomap.gazetteer import load_gazetteer
from geomap.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent


def main(count: int = 1000) -> None:
    random.seed(7)
    seeds = " ".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "data" / "articles").glob("*.txt")
    )
    starts = MentionFinder(load_gazetteer(ROOT / "data" / "gazetteer.csv")).first_keys
    words = [w for w in re.findall(r"\b[a-z]{3,}\b", seeds) if raw_token_key(w) not in starts]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "articles").mkdir()
        for name in ("gazetteer.csv", "campaign.toml"):
            shutil.copy(ROOT / "data" / name, folder / name)
        size = 0
        for i in range(count):
            body = ". ".join(
                " ".join(random.choice(words) for _ in range(18)).capitalize() for _ in range(12)
            )
            text = f"---\ntitle: t{i}\noutlet: x\npublished: 2019-01-0{1 + i % 9}\n---\n{body}.\n"
            (folder / "articles" / f"a{i}.txt").write_text(text, encoding="utf-8")
            size += len(text.encode())
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            extract(folder, None, jobs=1)
            best = min(best, time.perf_counter() - start)
    rate = size / 1e6 / best
    print(f"{count} off-topic articles, {size / 1e6:.2f} MB: {best:.2f} s, {rate:.2f} MB/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
