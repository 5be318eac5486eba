"""The one matching engine behind every vocabulary: word patterns, read from rule files.

A rule file (``geomap/rules/<language>/*.toml``) lists patterns a reviewer can read; this
module compiles them and finds them in a sentence's tokens. The pattern language (after
spaCy's ``Matcher``, written as text):

- words separated by spaces, each matching one token: ``capture of``;
- ``a|b|c``: any of these words;
- a lower-case word matches any inflection of it (``capture`` matches captured, captures,
  capturing), by the lemmas of ``simplemma``; ``=word`` matches that exact form only;
- a word in capitals (``NATO``) matches only in capitals;
- ``word?``: optional; ``*N``: up to N tokens of any words (not across , ; : or a sentence);
- ``{a,b} c`` writes several patterns at once (``{US,American}-backed force``).

Quote marks are transparent ('established "full control" over' matches ``establish full?
control over``); hyphens split words ('Kurdish-led' is ``Kurdish led``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from importlib import resources
from itertools import product
from typing import NamedTuple

import simplemma

from geomap.extract.text import Span

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,;:()\[\]\"“”‘’'—–%]|\.(?=\s|$)")
QUOTES = frozenset("\"“”‘’'[]")  # and an editor's brackets: "the settlement of [Lyman]"
BARRIERS = frozenset(",;:()—–.")
_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}(?![A-Za-z])|\b(?:[A-Z]\.)+[A-Z]\b")
_BRACES = re.compile(r"\{([^{}]*)\}")
_MAX_GAP = 8


class Tok(NamedTuple):
    """A word or punctuation mark of a sentence, with its offsets in the article body."""

    text: str
    start: int
    end: int
    lower: str
    lemma: str


@lru_cache(maxsize=200_000)
def lemma_of(lower: str, language: str = "en") -> str:
    """The dictionary form of a lower-cased word ('fell' -> 'fall', 'forces' -> 'force')."""
    if lower.endswith(("'s", "’s")):
        lower = lower[:-2]
    if not lower[:1].isalpha():
        return lower
    return simplemma.lemmatize(lower, lang=language).lower()


def _undot(text: str) -> str:
    """'U.S.' -> 'US ', keeping every offset (the dots become spaces)."""
    return _ACRONYM.sub(lambda m: m.group().replace(".", "") + " " * m.group().count("."), text)


def tokens_of(span: Span, language: str = "en") -> list[Tok]:
    """The tokens of a sentence (words and the punctuation that bounds phrases)."""
    text = _undot(span.text) if "." in span.text else span.text
    base = span.start
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        lower = word.lower().replace("’", "'")  # "didn’t" is "didn't"
        out.append(Tok(word, base + m.start(), base + m.end(), lower, lemma_of(lower, language)))
    return out


class Slot(NamedTuple):
    lemmas: frozenset[str]
    forms: frozenset[str]  # exact lower-case forms
    cased: frozenset[str]  # exact forms in capitals
    optional: bool
    gap: int  # > 0: up to this many tokens of any words

    def accepts(self, tok: Tok) -> bool:
        if tok.lemma in self.lemmas or tok.lower in self.forms or tok.text in self.cased:
            return True
        return tok.text[-2:] in ("'s", "’s") and tok.text[:-2] in self.cased  # "NATO's"


def expand(pattern: str) -> list[str]:
    """'{a,b} c' -> ['a c', 'b c'] (every combination of the braces)."""
    parts = _BRACES.split(pattern)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return [re.sub(r"\s+", " ", "".join(c)).strip() for c in product(*choices)]


def _slot(word: str, language: str) -> Slot:
    optional = word.endswith("?") and len(word) > 1
    word = word[:-1] if optional else word
    if re.fullmatch(r"\*\d", word):
        return Slot(frozenset(), frozenset(), frozenset(), True, min(int(word[1]), _MAX_GAP))
    lemmas, forms, cased = set(), set(), set()
    for alt in word.split("|"):
        if alt.startswith("="):
            forms.add(alt[1:].lower())
        elif len(alt) > 1 and alt.isupper():
            cased.add(alt)
        else:
            forms.update(_inflections(alt.lower()))
            lemmas.update((alt.lower(), lemma_of(alt.lower(), language)))
    return Slot(frozenset(lemmas), frozenset(forms), frozenset(cased), optional, 0)


def _inflections(word: str) -> set[str]:
    """The regular inflections of a word, besides its lemma ('clear' -> 'clearing', 'cleared',
    'clears'): the lemmatizer's dictionary does not hold every form."""
    out = {word}
    if not word.isalpha() or len(word) < 3:
        return out
    stem = word[:-1] if word.endswith("e") else word
    out |= {word + "s", word + "es", stem + "ed", stem + "ing"}
    vowels = "aeiou"
    if word[-1] not in vowels + "wxy" and word[-2] in vowels and word[-3] not in vowels:
        out |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # 'stop' -> 'stopped'
    return out


def compile_pattern(pattern: str, language: str = "en") -> tuple[Slot, ...]:
    """One pattern (without braces) as slots; its words are tokenised like the text."""
    slots = []
    for word in pattern.split():
        if word.startswith("*") or "|" in word or word.startswith("="):
            slots.append(_slot(word, language))
            continue
        optional = word.endswith("?") and len(word) > 1
        pieces = [t.text for t in tokens_of(Span(0, len(word), word.rstrip("?")), language)]
        for n, piece in enumerate(pieces):
            slots.append(
                _slot(piece + ("?" if optional and n == len(pieces) - 1 else ""), language)
            )
    if not slots or all(s.optional for s in slots):
        raise ValueError(f"pattern {pattern!r} matches nothing or everything")
    return tuple(slots)


class Match(NamedTuple):
    rule: int  # index of the rule in the order given
    start: int  # first token
    end: int  # one past the last token


class Matcher:
    """Finds patterns of many rules in token lists; rules are tried in their given order."""

    def __init__(self, rules: Iterable[Iterable[str]], language: str = "en") -> None:
        self.patterns: list[tuple[int, tuple[Slot, ...]]] = []
        for index, patterns in enumerate(rules):
            for text in patterns:
                for one in expand(text):
                    self.patterns.append((index, compile_pattern(one, language)))
        self._by_lemma: dict[str, list[int]] = {}
        self._by_form: dict[str, list[int]] = {}
        self._by_cased: dict[str, list[int]] = {}
        self._seen: dict[tuple[str, str], tuple[int, ...]] = {}
        for n, (_rule, slots) in enumerate(self.patterns):
            # a match begins at its first word that is there: an optional word or the first
            # required one; the pattern is filed under each (never tried at every token)
            for slot in slots:
                if slot.gap:
                    continue
                for value in slot.lemmas:
                    self._by_lemma.setdefault(value, []).append(n)
                for value in slot.forms:
                    self._by_form.setdefault(value, []).append(n)
                for value in slot.cased:
                    self._by_cased.setdefault(value, []).append(n)
                if not slot.optional:
                    break

    def _candidates(self, tok: Tok) -> tuple[int, ...]:
        """The patterns whose first word may be this token (remembered per word)."""
        key = (tok.text, tok.lemma)
        found = self._seen.get(key)
        if found is None:
            cased = tok.text[:-2] if tok.text[-2:] in ("'s", "’s") else tok.text
            found = tuple(
                sorted(
                    set(self._by_lemma.get(tok.lemma, ()))
                    | set(self._by_form.get(tok.lower, ()))
                    | set(self._by_cased.get(cased, ()))
                )
            )
            if len(self._seen) < 200_000:
                self._seen[key] = found
        return found

    def all(self, tokens: list[Tok]) -> Iterator[Match]:
        """Every (rule, start, end), the longest match of each pattern at each start."""
        for i, tok in enumerate(tokens):
            if tok.text in QUOTES:
                continue
            for n in self._candidates(tok):
                rule, slots = self.patterns[n]
                end = _match(slots, 0, tokens, i)
                if end is not None:
                    yield Match(rule, i, end)

    def find(self, tokens: list[Tok]) -> list[Match]:
        """Non-overlapping matches, left to right; at one start the longest, then the earlier
        rule, wins; a match inside a longer one is dropped."""
        best: dict[int, Match] = {}
        for m in self.all(tokens):
            old = best.get(m.start)
            if old is None or (m.end, -m.rule) > (old.end, -old.rule):
                best[m.start] = m
        out: list[Match] = []
        for start in sorted(best):
            m = best[start]
            if out and start < out[-1].end:
                if m.end - m.start <= out[-1].end - out[-1].start:
                    continue
                out.pop()
            out.append(m)
        return out


def _match(slots: tuple[Slot, ...], k: int, tokens: list[Tok], i: int) -> int | None:
    """Where the slots from ``k`` on, matched from token ``i``, end (longest), or None."""
    while i < len(tokens) and tokens[i].text in QUOTES and k < len(slots):
        i += 1
    if k == len(slots):
        return i
    slot = slots[k]
    if slot.gap:
        for skip in range(slot.gap + 1):  # the shortest gap first
            stop = i + skip
            if stop > len(tokens) or any(t.text in BARRIERS for t in tokens[i:stop]):
                continue
            end = _match(slots, k + 1, tokens, stop)
            if end is not None:
                return end
        return None
    if i < len(tokens) and slot.accepts(tokens[i]):
        end = _match(slots, k + 1, tokens, i + 1)
        if end is not None:
            return end
    if slot.optional:
        return _match(slots, k + 1, tokens, i)
    return None


@cache
def rule_file(name: str, language: str = "en") -> dict:
    """A rule file of the package, parsed (``geomap/rules/<language>/<name>.toml``)."""
    path = resources.files("geomap.rules").joinpath(language, f"{name}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))
