"""The pattern gate never drops a pattern that matches: extraction with it finds what the
full lexicons find."""

import re
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.extract import dates, figures
from geomap.extract.gate import _FOLD, PatternGate, pattern_prefixes, word_starts

LEXICONS = {
    "dates": [pattern for _kind, pattern in dates.PATTERNS],
    "figures": [figures._NUMBER] + [pattern for _label, pattern in figures.LABELS],
}
FILLER = st.sampled_from(
    [
        "",
        " ",
        "the ",
        "US-led ",
        "Hajin ",
        "on Friday ",
        "'s ",
        "-",
        ", ",
        "\n",
        "\u017f",
        "\u0130",
        "\u212a",
    ]
)


def matching_text(patterns):
    """Text holding a match of one of ``patterns`` amid filler, in any case."""
    piece = st.sampled_from(patterns).flatmap(lambda p: st.from_regex(p, fullmatch=True))
    return st.tuples(FILLER, piece, FILLER, st.sampled_from([str, str.upper, str.lower])).map(
        lambda t: t[0] + t[3](t[1]) + t[2]
    )


@pytest.mark.parametrize("name", LEXICONS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_scan_finds_what_every_pattern_finds(name, data):
    patterns = LEXICONS[name]
    text = data.draw(st.lists(matching_text(patterns), min_size=1, max_size=4).map("".join))
    expected = [(i, m.span()) for i, p in enumerate(patterns) for m in p.finditer(text)]
    assert [(i, m.span()) for i, m in PatternGate(patterns).scan(text)] == expected, text


def test_scan_tries_patterns_where_words_begin_with_their_letters():
    patterns = [re.compile(r"\bcaptured?\b", re.I), re.compile(r"\bfell\b"), re.compile(r"\d+")]
    text = "Capture; recaptured, captured. It fell 3 times; Fell."
    found = [(i, m.group()) for i, m in PatternGate(patterns).scan(text)]
    assert found == [(0, "Capture"), (0, "captured"), (1, "fell"), (2, "3")]


def test_beginnings_read_from_a_pattern():
    assert pattern_prefixes(re.compile(r"\b(?:re)?captur(?:e|ed)\b")) == {"rec", "cap"}
    assert pattern_prefixes(re.compile(r"\bIS\b")) == {"is"}
    assert pattern_prefixes(re.compile(r"\b(?:[sz]ei|U\.S)")) == {"sei", "zei", "u"}
    # a match that need not start a word, or starts with anything, is never gated
    assert pattern_prefixes(re.compile(r"fell")) is None
    assert pattern_prefixes(re.compile(r"\b\d+ days")) == set("0123456789")
    assert pattern_prefixes(re.compile(r"\b[^\W\d]+ days")) is None
    assert pattern_prefixes(re.compile(r"\b(?:a|\w+)")) is None


def test_word_starts_fold_case_like_the_regex_engine():
    assert word_starts("SDF took \u017feized \u0130dlib \u212aurds") == (
        (0, "sdf"),
        (4, "too"),
        (9, "sei"),
        (16, "idl"),
        (22, "kur"),
    )


def test_fold_maps_what_the_regex_engine_takes_for_ascii():
    everything = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    expected = {
        m.group(0): letter
        for letter in "abcdefghijklmnopqrstuvwxyz"
        for m in re.finditer(letter, everything, re.I)
    } | {digit: str(unicodedata.decimal(digit)) for digit in re.findall(r"\d", everything)}
    folded = everything.translate(_FOLD)
    assert {a: b for a, b in zip(everything, folded, strict=True) if a != b} == expected


def test_caches_stay_bounded_over_a_long_run(monkeypatch):
    """A long corpus must not grow the gate's caches without end: each is emptied when full
    and refilled, and the matches stay the same."""
    monkeypatch.setattr(sys.modules[PatternGate.__module__], "_CACHE_LIMIT", 8)
    patterns = [re.compile(rf"\bw{i}\b") for i in range(12)]
    gate = PatternGate(patterns)
    for n in range(300):
        words = [f"w{i}" for i in range(12) if n >> (i % 9) & 1] + [f"x{n}"]
        text = " ".join(words)
        assert [m.group() for _i, m in gate.scan(text)] == words[:-1], text
        assert len(gate._admits) <= 9
