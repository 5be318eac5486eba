"""Hypothesis strategies for articles made of the extractor's own vocabulary: the trigger and
cue words of geomap/rules/en/, back-references, site nouns, a campaign's side names and its
gazetteer's spellings, dates, datelines, quotes, brackets and odd punctuation.

Used by tests/test_fuzz.py (a small derandomized run in the suite) and scripts/fuzz_extract.py
(a long run)."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from geomap.articles import Article
from geomap.extract.lexicon import expand, rule_file

RULE_FILES = ("triggers", "cues", "anaphors", "words")
DATES = (
    "on Friday",
    "on Sunday night",
    "since Jan. 9",
    "since January 9, 2019",
    "2018-12-14",
    "on Dec. 14",
    "last week",
    "last year",
    "yesterday",
    "today",
    "three days later",
    "a day earlier",
    "in early December",
    "on 12 December 2018",
    "in 2017",
    "by March",
    "between Jan. 3 and Jan. 9",
    "this morning",
    "on Wednesday, Dec. 12,",
    "two weeks ago",
    "since mid-October",
    "on 31/12/2018",
    "in the past 24 hours",
    "since 2014",
    "on Feb. 30",
    "on December 32",
    "0001-01-01",
    "9999-12-31",
    "in the year 0",
    "12 months later",
)
PUNCTUATION = (
    " ",
    " ",
    " ",
    ", ",
    ". ",
    "; ",
    ": ",
    " — ",
    " – ",
    "-",
    " (",
    ") ",
    " [",
    "] ",
    '"',
    " “",
    "” ",
    " ‘",
    "’ ",
    "'s ",
    "’s ",
    "\n",
    "\n\n",
    "! ",
    "? ",
    "…",
    " / ",
    " • ",
    "...",
    " -- ",
    "\u00a0",
    "\u200b",
    "\t",
    " ,",
    ",,",
    "((",
    "))",
    '""',
    "«",
    "»",
    " & ",
    "%",
)
FILLER = (
    "the",
    "a",
    "said",
    "that",
    "and",
    "of",
    "in",
    "near",
    "its",
    "their",
    "which",
    "who",
    "after",
    "while",
    "fighters",
    "forces",
    "area",
    "north",
    "eastern",
    "the town",
    "the city",
    "the village",
    "the city's airport",
    "its nearby dam",
    "the town's bridge",
    "this village",
    "the enclave",
    "the pocket",
    "the base",
    "they",
    "it",
    "he",
    "Reuters",
    "AP",
    "U.S.",
    "Mr.",
    "Gen.",
    "St.",
    "No.",
    "i.e.",
    "e.g.",
    "'",
    "’",
    "1,000",
    "50",
    "%",
    "km",
)


def _phrases(pattern: str) -> list[str]:
    """Text a rule pattern matches, roughly: one alternative of each word, markers dropped,
    a gap left empty."""
    out = []
    for one in expand(pattern):
        words = []
        for word in one.split():
            if word.startswith("*"):
                continue
            word = word.split("|")[0].lstrip("=").rstrip("?")
            if word:
                words.append(word)
        if words:
            out.append(" ".join(words))
    return out


def _patterns(data: object) -> list[str]:
    """Every pattern string anywhere in a parsed rule file."""
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            if key in ("patterns", "words", "nouns", "towns", "determiners", "links"):
                found += [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
            else:
                found += _patterns(value)
        return found
    if isinstance(data, list):
        return [p for item in data for p in _patterns(item)]
    return []


@cache
def rule_vocabulary(name: str) -> tuple[str, ...]:
    """Phrases of a rule file of the language (triggers, cues, words, anaphors)."""
    data = rule_file(name)
    phrases = {p for pattern in _patterns(data) for p in _phrases(pattern)}
    for noun in data.get("anaphors", {}) if name == "anaphors" else ():
        phrases.update({f"the {noun}", f"this {noun}", f"the city's {noun}", f"its {noun}"})
    return tuple(sorted(phrases))


@cache
def campaign_vocabulary(folder: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(side words: aliases, adjectives + '-held', generic words; place spellings) of a data
    folder's campaign.toml and gazetteer.csv."""
    import csv

    profile = tomllib.loads((folder / "campaign.toml").read_text(encoding="utf-8"))
    sides: set[str] = set()
    for side in profile.get("side", []):
        for alias in side.get("aliases", []):
            sides.update(expand(alias))
        for adjective in side.get("adjectives", []):
            sides.update({adjective, f"{adjective}-held", f"{adjective}-controlled"})
    sides.update(profile.get("words", {}))
    places: set[str] = set()
    with (folder / "gazetteer.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            places.add(row["name"])
            places.update(s for s in row["alt_names"].split("|") if s)
    return tuple(sorted(s.strip() for s in sides if s.strip())), tuple(sorted(places))


def _cased(text: str, how: int) -> str:
    """The text as written, in capitals, capitalised or in lower case."""
    return (text, text.upper(), text.capitalize(), text.lower())[how]


@st.composite
def sentences(draw, folder: Path, max_pieces: int = 30) -> str:
    """A sentence: a campaign's side and place names, triggers, cues and dates, mostly
    between spaces, sometimes between punctuation, in any order."""
    sides, places = campaign_vocabulary(folder)
    word = st.one_of(
        st.sampled_from(places),
        st.sampled_from(rule_vocabulary("triggers")),
        st.sampled_from(sides),
        st.sampled_from(places),
        st.sampled_from(rule_vocabulary("cues")),
        st.sampled_from(rule_vocabulary("triggers")),
        st.sampled_from(DATES),
        st.sampled_from(rule_vocabulary("anaphors") + rule_vocabulary("words")),
        st.sampled_from(FILLER),
        st.text(max_size=4),
    )
    separator = st.one_of(st.just(" "), st.just(" "), st.just(", "), st.sampled_from(PUNCTUATION))
    pieces = draw(st.lists(st.tuples(word, st.integers(0, 9), separator), max_size=max_pieces))
    text = "".join((_cased(w, how) if how < 4 else w) + sep for w, how, sep in pieces)
    return text + draw(st.sampled_from((".", ". ", "", "\n", "?", ' ."', ".)")))


OPENERS = ("", "", "But ", "After ", "Retaking ", "Fighting around ", "The ", "On Friday, ")
JOINS = (" and ", ", ", ", which ", ", but ", " after ", " as ", "; ", " while ", " — ")


@st.composite
def clauses(draw, folder: Path) -> str:
    """A clause in a reporter's order: opener, side, cue, trigger, place or back-reference,
    date; each part may be missing, and a place may be a list."""
    sides, places = campaign_vocabulary(folder)
    place = st.one_of(
        st.sampled_from(places),
        st.lists(st.sampled_from(places), min_size=2, max_size=4).map(
            lambda ps: ", ".join(ps[:-1]) + " and " + ps[-1]
        ),
        st.sampled_from(rule_vocabulary("anaphors")),
        st.sampled_from(places).map(lambda p: f"{p}'s airport"),
        st.sampled_from(places).map(lambda p: f"the {p} district"),
    )
    parts = [
        st.sampled_from(OPENERS),
        st.sampled_from(sides),
        st.sampled_from(rule_vocabulary("cues")),
        st.sampled_from(rule_vocabulary("triggers")),
        place,
        st.sampled_from(rule_vocabulary("triggers")),
        st.sampled_from(sides),
        st.sampled_from(DATES),
    ]
    chosen = [draw(st.one_of(st.just(""), part)) for part in parts]
    return " ".join(c for c in chosen if c)


@st.composite
def reported(draw, folder: Path) -> str:
    """A sentence of one to three clauses in a reporter's order."""
    parts = draw(st.lists(clauses(folder), min_size=1, max_size=3))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(JOINS)) + part
    return text + draw(st.sampled_from((".", ".", ", officials said.", '."', "")))


@st.composite
def articles(draw, folder: Path, max_sentences: int = 12) -> Article:
    """An article of the campaign in ``folder``: a dateline maybe, then sentences."""
    _sides, places = campaign_vocabulary(folder)
    dateline = draw(
        st.one_of(
            st.just(""),
            st.sampled_from(places).map(lambda p: f"{p.upper()}, Syria (Reuters) - "),
            st.sampled_from(places).map(lambda p: f"[Dec. 14, 2018] {p.upper()} — "),
        )
    )
    sentence = st.one_of(reported(folder), reported(folder), sentences(folder))
    body = dateline + " ".join(draw(st.lists(sentence, max_size=max_sentences)))
    published = draw(
        st.one_of(
            st.dates(dt.date(2012, 1, 1), dt.date(2024, 12, 31)),
            st.dates(dt.date(2, 1, 1), dt.date(9998, 12, 31)),
        )
    )
    return Article(name="fuzz.txt", published=published, body=body, outlet="Fuzz Wire")
