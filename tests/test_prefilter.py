"""The article prefilter: an article in which no word can begin a place is skipped, and only
such an article. Skipping it is quick (read once, its words looked up piece by piece) and
never loses a mention or an event."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from geomap import articles, sources
from geomap.extract import Extractor, mentions
from geomap.extract.mentions import _NAMED_PLACE, MentionFinder, raw_token_key
from geomap.extract.text import words
from geomap.gazetteer import load_gazetteer
from geomap.pipeline import extract

FINDER = MentionFinder(load_gazetteer(DATA / "gazetteer.csv"))
SPELLINGS = sorted({s for place in FINDER.gazetteer for s in FINDER.gazetteer.spellings_of(place)})
OTHER_WORDS = st.sampled_from(
    [
        "the",
        "said",
        "downtown",
        "village of",
        "TOWNS OF",
        "city of ",
        "district of\tA",
        "camp",
        "of",
        "Zorvath",  # a name the gazetteer lacks
        "zorvath",
        "al-",
        "’s",
        "'",
        "-",
        ",",
        ".",
        "7",
        "\u017f",  # long s: the regex engine takes it for 's'
        "\u0130",  # dotted capital I: for 'i'
        "\u0131",  # dotless i
        "\u212a",  # the Kelvin sign: for 'k'
        "\u00e9",
        "\u0627\u0644",  # the Arabic article
    ]
)
PIECES = st.one_of(OTHER_WORDS, OTHER_WORDS, OTHER_WORDS, st.sampled_from(SPELLINGS))
GAPS = st.sampled_from([" ", "", "  ", "\n", "\t", "\u00a0", "\u2028", "\u3000", "\x1f"])


def reference(finder: MentionFinder, text: str) -> bool:
    """The prefilter as first written: the named-place pattern, or any word of the whole
    text whose key begins a spelling."""
    if _NAMED_PLACE.search(text):
        return True
    return not finder.first_keys.isdisjoint(map(raw_token_key, words(text)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(
        st.tuples(PIECES, GAPS, st.sampled_from([str, str.upper, str.lower, str.title])),
        max_size=8,
    )
)
def test_may_mention_answers_what_a_scan_of_every_word_answers(parts):
    text = "".join(case(piece) + gap for piece, gap, case in parts)
    assert FINDER.may_mention(text) == reference(FINDER, text), text


@pytest.mark.parametrize(
    "text",
    [
        "They reached the village of Zorvath.",
        "towns of zorvath",
        "In the CITY OF\tZorvath",
        "camps of\u00a0Zorvath",
        "a camp of Zorvath",
        "VILLAGES of Zorvath",
        "the District of Zorvath",
        "the \u0130own of Zorvath",  # not ASCII: the regex decides
        "the town \u017fof Zorvath",
        "the town ofZorvath, a town of 7",
        "downtown of Zorvath",
        "a capacity of Zorvath",
    ],
)
def test_may_mention_finds_a_name_after_the_village_of(text):
    assert FINDER.may_mention(text) == reference(FINDER, text)


def test_the_remembered_pieces_stay_bounded(monkeypatch):
    monkeypatch.setattr(mentions, "PIECES_REMEMBERED", 5)
    finder = MentionFinder(FINDER.gazetteer)
    for n in range(50):
        assert finder.may_mention(f"word{n} said{n} Hajin") is True
        assert finder.may_mention(f"word{n} said{n}") is False
        assert len(finder._piece_begins) <= 5


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


def test_an_article_that_names_no_place_needs_no_compiled_rules(monkeypatch):
    """The side words (and the lemmatizer's dictionary, ~0.3 s to read) wait for the first
    article that may name a place."""
    extraction = sys.modules[Extractor.__module__]  # geomap.extract (the name is a function)

    def refused(_profile):
        raise AssertionError("compiled for an article that names no place")

    monkeypatch.setattr(extraction, "_side_finder", refused)
    extractor = Extractor(FINDER.gazetteer, unknown_names=False)
    article = articles.parse_article(
        "---\npublished: 2019-01-01\n---\nOfficials said the talks would resume.\n", "a.txt"
    )
    assert extractor.skips(article)
    assert extractor(article).events == []


def test_the_command_line_starts_without_the_map_libraries():
    """`geomap extract` and the other commands that draw no map import neither numpy (pyarrow
    does, when a spill needs it) nor shapely nor the map's modules: ~0.17 s of every start."""
    code = (
        "import sys, geomap.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'shapely', 'folium') "
        "or m.startswith('geomap.mapping')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
