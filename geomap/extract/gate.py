"""Which patterns of an ordered lexicon can match a text, decided from the starts of its words.

The extractors try long ordered lists of patterns on every sentence (the order decides which
wins an overlap), and most patterns cannot match most sentences. A :class:`PatternGate` reads
from each pattern the letters its matches must begin with ('capture of' and 'fall of' begin
'cap', 'fal') and tries the pattern only where a word begins with them, instead of scanning
the text character by character. Patterns whose matches need not begin a word with known
letters scan the whole text, so the gate never drops a match: it yields what all patterns,
tried in their order, would.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from re import _constants as sre  # the parsed-pattern opcodes
from re import _parser as sre_parse

__all__ = ["PatternGate", "Taken", "word_starts"]

PREFIX = 3  # letters of a word start compared
_MAX_PREFIXES = 400  # a pattern with more beginnings than this is always tried


class _Fold(dict):
    """A ``str.translate`` table, filled as characters are met, that maps the non-ASCII
    characters the regex engine takes for ASCII ones to those: the letters that match an ASCII
    letter under re.IGNORECASE, and the decimal digits of other scripts, which \\d matches."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        folded = self[code] = _LETTERS.get(char) or (
            str(unicodedata.decimal(char)) if char.isdecimal() else code
        )
        return folded


_LETTERS = {"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"}
_FOLD = _Fold()
_CACHE_LIMIT = 100_000
_WORD_START = re.compile(rf"\b\w{{1,{PREFIX}}}")

Frame = tuple[list, int]


@lru_cache(maxsize=1024)  # the gates of one sentence share it
def word_starts(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, first three letters lower-cased) of every word in ``text``."""
    folded = text if text.isascii() else text.translate(_FOLD)  # one character for one
    return tuple([(m.start(), m.group().lower()) for m in _WORD_START.finditer(folded)])


def pattern_prefixes(pattern: re.Pattern) -> frozenset[str] | None:
    """Lower-cased beginnings (up to three letters) of every match, or None if any is open.

    A match's beginning is 'open' when it need not start a word (no ``\\b`` before its first
    letter) or when its first character is not a known letter or digit.
    """
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        found = _walk(((list(parsed), 0),), "", False)
    except (_TooMany, RecursionError, TypeError, ValueError):
        return None
    if "" in found:
        return None
    return frozenset(found)


class _TooMany(Exception):
    pass


def _walk(stack: tuple[Frame, ...], prefix: str, anchored: bool) -> set[str]:
    """Beginnings of the matches of the items left on ``stack``, after ``prefix``."""
    if len(prefix) >= PREFIX:
        return {prefix}
    while stack and stack[0][1] >= len(stack[0][0]):
        stack = stack[1:]
    if not stack:
        return {prefix}
    items, index = stack[0]
    op, arg = items[index]
    rest = ((items, index + 1), *stack[1:])
    if op is sre.AT:
        return _walk(rest, prefix, anchored or (not prefix and arg is sre.AT_BOUNDARY))
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return _walk(rest, prefix, anchored)  # zero width: skipping it only admits more
    if op is sre.LITERAL:
        return _chars(rest, prefix, anchored, [arg])
    if op is sre.IN:
        chars = _class_chars(arg)
        return _chars(rest, prefix, anchored, chars) if chars else {prefix}
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            found |= _walk(((list(branch), 0), *rest), prefix, anchored)
            _check(found)
        return found
    if op is sre.SUBPATTERN:
        return _walk(((list(arg[-1]), 0), *rest), prefix, anchored)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = arg
        found = _walk(rest, prefix, anchored) if low == 0 else set()
        # one pass of the body, then what follows (exact for '?'; otherwise stop there,
        # which admits more)
        after = rest if high == 1 else ()
        found |= _walk(((list(body), 0), *after), prefix, anchored)
        return _check(found)
    return {prefix}


def _chars(rest: tuple[Frame, ...], prefix: str, anchored: bool, codes: list[int]) -> set[str]:
    if not prefix and not anchored:
        return {""}
    found: set[str] = set()
    for code in codes:
        char = chr(code).lower()
        if char.isascii() and char.isalnum():
            found |= _walk(rest, prefix + char, anchored)
        else:
            found.add(prefix)
        _check(found)
    return found


def _class_chars(items: list) -> list[int]:
    """The characters of a small class of literals, ranges and \\d; [] for anything wider."""
    codes: list[int] = []
    for op, arg in items:
        if op is sre.LITERAL:
            codes.append(arg)
        elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
            codes.extend(range(ord("0"), ord("9") + 1))
        elif op is sre.RANGE and arg[1] - arg[0] < 40:
            codes.extend(range(arg[0], arg[1] + 1))
        else:
            return []
    return codes


def _check(found: set[str]) -> set[str]:
    if len(found) > _MAX_PREFIXES:
        raise _TooMany
    return found


class PatternGate:
    """An ordered list of patterns, tried only where a match can begin."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self.patterns = list(patterns)
        self.always = 0  # bit i: pattern i may begin anywhere, so it scans the whole text
        self.by_start: dict[str, int] = {}
        for i, pattern in enumerate(self.patterns):
            prefixes = pattern_prefixes(pattern)
            if prefixes is None:
                self.always |= 1 << i
            for start in prefixes or ():
                self.by_start[start] = self.by_start.get(start, 0) | 1 << i
        self._always = frozenset(i for i in range(len(self.patterns)) if self.always >> i & 1)
        self._admits: dict[str, tuple[int, ...]] = {}  # word start -> patterns it admits

    def _admitted(self, start: str) -> tuple[int, ...]:
        """The patterns a word beginning with ``start`` may begin, in their order."""
        admitted = self._admits.get(start)
        if admitted is None:
            if len(self._admits) > _CACHE_LIMIT:
                self._admits.clear()
            get = self.by_start.get
            bits = get(start, 0) | get(start[:2], 0) | get(start[:1], 0)
            admitted = tuple(i for i in range(len(self.patterns)) if bits >> i & 1)
            self._admits[start] = admitted
        return admitted

    def scan(self, text: str) -> Iterator[tuple[int, re.Match]]:
        """What ``for i, p in enumerate(patterns): for m in p.finditer(text)`` yields, as
        (i, m), trying each pattern only at the word starts it can begin with."""
        offsets: dict[int, list[int]] = {}  # pattern -> the word starts it may begin at
        admits = self._admits
        for offset, start in word_starts(text):
            admitted = admits.get(start)
            if admitted is None:
                admitted = self._admitted(start)
            for i in admitted:
                found = offsets.get(i)
                if found is None:
                    offsets[i] = [offset]
                else:
                    found.append(offset)
        for i in sorted(offsets.keys() | self._always):
            pattern = self.patterns[i]
            if i in self._always:
                yield from ((i, m) for m in pattern.finditer(text))
                continue
            end = 0
            for offset in offsets[i]:
                if offset >= end:
                    m = pattern.match(text, offset)
                    if m:
                        yield i, m
                        end = m.end()


class Taken:
    """The spans of the matches kept so far. A later match that overlaps one of them is
    dropped, so where two patterns overlap the one earlier in the lexicon wins: the rule of
    every extractor's lexicon."""

    __slots__ = ("spans",)

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, m: re.Match) -> bool:
        start, end = m.span()
        return any(start < e and s < end for s, e in self.spans)

    def add(self, m: re.Match) -> None:
        self.spans.append(m.span())
