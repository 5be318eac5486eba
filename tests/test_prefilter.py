"""The article prefilter: an article in which no word can begin a place is skipped, and only
such an article. Skipping it is quick (read once, its words looked up piece by piece) and
never loses a mention or an event."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA
from geomap import articles, sources
from geomap.pipeline import extract


def test_an_article_that_names_no_place_is_read_once_and_counted(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    reference_out = extract(data, None, jobs=1)
    for i in range(5):  # off-topic prose: no word can begin a place
        text = "Officials said the talks would resume next week after the holiday."
        (data / "articles" / f"zz{i}.txt").write_text(
            f"---\npublished: 2019-01-0{i + 1}\n---\n{text} ({i})\n", encoding="utf-8"
        )
    reads: list[str] = []
    real = articles.read_article

    def counted(path, **kwargs):
        reads.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(sources, "read_article", counted)
    progressed: list[int] = []
    result = extract(data, None, jobs=1, progress=progressed.append)
    for i in range(5):
        assert reads.count(f"zz{i}.txt") == 1  # scanned, never read again
    seeds = [p.name for p in (DATA / "articles").iterdir()]
    assert all(reads.count(name) == 2 for name in seeds)  # scanned, then extracted
    assert sum(progressed) == len(seeds) + 5  # the progress bar reaches its end
    assert result.counts()["articles"] == len(seeds) + 5
    assert result.events == reference_out.events
    assert result.mentions == reference_out.mentions
