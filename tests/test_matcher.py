"""The rule matcher finds exactly what a plain reading of the pattern language finds.

The matcher compiles its slots to ids and remembers what it learnt of each word; these tests
hold it, on sentences drawn from the rule files' own words, to the pattern language read
slot by slot (the recursion the matcher replaced), and the shared tokens to ``tokenize``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.extract.events import load_rules
from geomap.extract.lexicon import BARRIERS, QUOTES, Match, Matcher, Slot, tokens_of, word_tokens
from geomap.extract.text import Span, tokenize

RULES = load_rules("en")
MATCHERS = (RULES.trigger_matcher, RULES.cue_matcher)


def _accepts(slot: Slot, tok) -> bool:
    if tok.lemma in slot.lemmas or tok.lower in slot.forms or tok.text in slot.cased:
        return True
    return tok.text[-2:] in ("'s", "’s") and tok.text[:-2] in slot.cased


def _ends(slots: tuple[Slot, ...], k: int, tokens: list, i: int) -> int | None:
    """The pattern language read slot by slot: the first way the slots from ``k`` match from
    token ``i`` (a word taken before it is skipped; the shortest gap first)."""
    while i < len(tokens) and tokens[i].text in QUOTES and k < len(slots):
        i += 1
    if k == len(slots):
        return i
    slot = slots[k]
    if slot.gap:
        for stop in range(i, i + slot.gap + 1):
            if stop <= len(tokens) and not any(t.text in BARRIERS for t in tokens[i:stop]):
                end = _ends(slots, k + 1, tokens, stop)
                if end is not None:
                    return end
        return None
    if i < len(tokens) and _accepts(slot, tokens[i]):
        end = _ends(slots, k + 1, tokens, i + 1)
        if end is not None:
            return end
    return _ends(slots, k + 1, tokens, i) if slot.optional else None


def _may_begin(slots: tuple[Slot, ...], tok) -> bool:
    """A match begins at a word of its first slots: the optional ones and the first required."""
    for slot in slots:
        if slot.gap:
            continue
        if _accepts(slot, tok):
            return True
        if not slot.optional:
            return False
    return False


def _plain_all(matcher: Matcher, tokens: list) -> set[Match]:
    found = set()
    for i, tok in enumerate(tokens):
        if tok.text in QUOTES:
            continue
        for rule, slots in matcher.patterns:
            if _may_begin(slots, tok):
                end = _ends(slots, 0, tokens, i)
                if end is not None:
                    found.add(Match(rule, i, end))
    return found


PATTERNS = [slots for matcher in MATCHERS for _rule, slots in matcher.patterns]
FILLER = ["the", "town", "Alba", "rebels", "U.S.", "NATO's", "didn’t", ",", ".", "(", *QUOTES]


def _words_of(slot: Slot) -> list[str]:
    return sorted(slot.forms | slot.cased | {w for w in slot.lemmas if w.isalpha()})


@st.composite
def sentences(draw) -> str:
    """Pieces of patterns (a word for each slot, optional ones left out at times, gaps
    filled) with quote marks, barriers and other words between and inside them."""
    words: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        for slot in draw(st.sampled_from(PATTERNS)):
            if slot.gap:
                words += draw(st.lists(st.sampled_from(FILLER), max_size=slot.gap + 1))
            elif not (slot.optional and draw(st.booleans())):
                word = draw(st.sampled_from(_words_of(slot)))
                words.append(word.capitalize() if draw(st.integers(0, 4)) == 0 else word)
            if draw(st.integers(0, 5)) == 0:
                words.append(draw(st.sampled_from(FILLER)))
        words += draw(st.lists(st.sampled_from(FILLER), max_size=2))
    return " ".join(words)


@settings(max_examples=50, deadline=None)
@given(sentences())
def test_the_matcher_finds_what_the_pattern_language_says(text):
    tokens = tokens_of(Span(0, len(text), text))
    for matcher in MATCHERS:
        assert set(matcher.all(tokens)) == _plain_all(matcher, tokens)
        begun = matcher.rules_begun(tokens)
        assert {m.rule for m in matcher.all(tokens)} <= begun


def test_a_quote_inside_a_pattern_and_a_gap_within_a_clause():
    matcher = Matcher([["establish full? control over"], ["declare *4 =liberated"]])
    text = 'They established "full control" over it and declared the old town liberated.'
    tokens = tokens_of(Span(0, len(text), text))
    found = [
        (m.rule, " ".join(t.text for t in tokens[m.start : m.end])) for m in matcher.find(tokens)
    ]
    assert found == [
        (0, 'established " full control " over'),
        (1, "declared the old town liberated"),
    ]
    text = "They declared the town, which was liberated."  # a gap never crosses a comma
    assert matcher.find(tokens_of(Span(0, len(text), text))) == []


@settings(max_examples=50, deadline=None)
@given(sentences(), st.sampled_from(["U.S.-backed", "e.g.", "Mr.", "3.5", "’s", "x"]))
def test_the_words_of_a_sentence_are_those_tokenize_finds(text, more):
    text = f"{text} {more}"
    span = Span(7, 7 + len(text), text)
    assert word_tokens(span, tokens_of(span)) == tokenize(span)
