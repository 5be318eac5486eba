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
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from itertools import compress, product
from operator import attrgetter, itemgetter
from typing import NamedTuple

import simplemma

from geomap.extract.text import Span, Token, tokenize

# A number with thousands separators ('60,000') is one word: its comma bounds no phrase.
_TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?![\d])|[^\W_]+(?:['’][^\W_]+)*|[,;:()\[\]\"“”‘’'—–%]|\.(?=\s|$)"
)
QUOTES = frozenset("\"“”‘’'[]")  # and an editor's brackets: "the settlement of [Lyman]"
BARRIERS = frozenset(",;:()—–.")
_ACRONYM = re.compile(r"\b(?=[A-Z]\.)(?:(?:[A-Z]\.){2,}(?![A-Za-z])|(?:[A-Z]\.)+[A-Z]\b)")
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
    fixed = _lemma_fixes(language).get(lower)
    return fixed or simplemma.lemmatize(lower, lang=language).lower()


@cache
def _lemma_fixes(language: str) -> dict[str, str]:
    """Forms the lemma table reads as another word ('broke': penniless, 'won': a currency),
    with the verb they are in news of war (``words.toml [lemmas]``)."""
    return dict(rule_file("words", language).get("lemmas", {}))


def _undot(text: str) -> str:
    """'U.S.' -> 'US ', keeping every offset (the dots become spaces)."""
    return _ACRONYM.sub(lambda m: m.group().replace(".", "") + " " * m.group().count("."), text)


def tokens_of(span: Span, language: str = "en") -> list[Tok]:
    """The tokens of a sentence (words and the punctuation that bounds phrases)."""
    text = _undot(span.text) if "." in span.text else span.text
    base = span.start
    known = _FORMS.setdefault(language, {})
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        forms = known.get(word) or _forms(word, language, known)
        start, end = m.span()
        out.append(_new(Tok, (word, base + start, base + end, forms[0], forms[1])))
    return out


_new = tuple.__new__  # a Tok without the keyword handling of its generated __new__
_FORMS: dict[str, dict[str, tuple[str, str]]] = {}  # language -> word -> (lower, lemma)


def _forms(word: str, language: str, known: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """A word's lower-case form and lemma, remembered (words repeat)."""
    lower = word.lower().replace("’", "'")  # "didn’t" is "didn't"
    forms = (lower, lemma_of(lower, language))
    if len(known) > 200_000:
        known.clear()
    known[word] = forms
    return forms


PUNCTUATION = frozenset(",;:()[]\"“”‘’'—–%.")  # the tokens that are no word


def word_tokens(span: Span, tokens: list[Tok]) -> list[Token]:
    """What ``tokenize(span)`` gives, from the sentence's tokens: their words, unless an
    acronym ('U.S.') was read as one word there."""
    if "." in span.text and _ACRONYM.search(span.text):
        return tokenize(span)
    return [_new(Token, (t.text, t.start, t.end)) for t in tokens if t.text not in PUNCTUATION]


class Slot(NamedTuple):
    lemmas: frozenset[str]
    forms: frozenset[str]  # exact lower-case forms
    cased: frozenset[str]  # exact forms in capitals
    optional: bool
    gap: int  # > 0: up to this many tokens of any words


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


class _Pattern(NamedTuple):
    """A compiled pattern: its rule, and its slots as ids into the matcher's slot list."""

    rule: int
    ids: tuple[int, ...]  # the slot id of each word
    optional: tuple[bool, ...]
    gaps: tuple[int, ...]  # > 0: up to this many tokens of any words
    plain: bool  # every word required, no gap: matched by one loop, without backtracking
    required: frozenset[int]  # the slots every match has a word for


class _Word(NamedTuple):
    """What a matcher knows of one word of text (worked out once per word, then remembered):
    the rules of its one-word patterns, the longer patterns that may begin at it, the slots
    that accept it."""

    rules: tuple[int, ...]  # one-word patterns: the word is their whole match
    patterns: tuple[_Pattern, ...]  # longer patterns whose first word it may be
    accepted: frozenset[int]
    quote: bool  # a quote mark, skipped between the words of a pattern
    begins: bool  # any pattern may begin at it


_NOTHING = _Word((), (), frozenset(), False, False)  # a word no slot accepts
_QUOTE = _Word((), (), frozenset(), True, False)
_BEGINS = attrgetter("begins")
_TEXT = itemgetter(0)  # a token's text


class _Seen(dict):
    """A matcher's words by their text, each worked out when first met (``Matcher._word``)."""

    def __init__(self, matcher: Matcher, language: str) -> None:
        super().__init__()
        self.matcher, self.language = matcher, language

    def __missing__(self, text: str) -> _Word:
        known = _FORMS.setdefault(self.language, {})
        lower, lemma = known.get(text) or _forms(text, self.language, known)
        return self.matcher._word(_new(Tok, (text, 0, 0, lower, lemma)))


class Matcher:
    """Finds patterns of many rules in token lists; rules are tried in their given order.

    Each distinct slot of the rules gets an id; a word of the text is looked up once to learn
    which slots accept it and which patterns may begin at it, so matching compares ids."""

    def __init__(self, rules: Iterable[Iterable[str]], language: str = "en") -> None:
        self.patterns: list[tuple[int, tuple[Slot, ...]]] = []
        for index, patterns in enumerate(rules):
            for text in patterns:
                for one in expand(text):
                    self.patterns.append((index, compile_pattern(one, language)))
        slot_ids: dict[Slot, int] = {}
        self._compiled = [_compile(rule, slots, slot_ids) for rule, slots in self.patterns]
        self._slots = _Index()  # word -> the slots that accept it
        for slot, sid in slot_ids.items():
            self._slots.add(slot, sid)
        self._starts = _Index()  # word -> the patterns that may begin at it
        for n, (_rule, slots) in enumerate(self.patterns):
            # a match begins at its first word that is there: an optional word or the first
            # required one; the pattern is filed under each (never tried at every token)
            for slot in slots:
                if slot.gap:
                    continue
                self._starts.add(slot, n)
                if not slot.optional:
                    break
        self._seen = _Seen(self, language)

    def _word(self, tok: Tok) -> _Word:
        """What the matcher knows of a word: the patterns that may begin at it, the slots
        that accept it (its lemma is the same wherever the text is: see tokens_of)."""
        starts = [self._compiled[n] for n in sorted(self._starts.of(tok, possessive=False))]
        accepted = self._slots.of(tok)
        if tok.text in QUOTES:
            word = _QUOTE
        elif starts or accepted:
            word = _Word(
                tuple(p.rule for p in starts if len(p.ids) == 1),
                tuple(p for p in starts if len(p.ids) > 1),
                accepted,
                False,
                bool(starts),
            )
        else:
            word = _NOTHING  # most words: one shared record
        if len(self._seen) < 200_000:
            self._seen[tok.text] = word
        return word

    def all(self, tokens: list[Tok]) -> list[Match]:
        """Every (rule, start, end), the longest match of each pattern at each start."""
        words = self._words(tokens)
        text = None
        found: list[Match] = []
        for i in compress(range(len(words)), map(_BEGINS, words)):
            word = words[i]
            for rule in word.rules:
                found.append(_new(Match, (rule, i, i + 1)))
            for pattern in word.patterns:
                text = text or _Text(tokens, words)
                if not pattern.required <= text.present:
                    continue  # a word it needs is nowhere in the sentence
                end = _plain(pattern, text, i) if pattern.plain else _match(pattern, 0, text, i)
                if end is not None:
                    found.append(_new(Match, (pattern.rule, i, end)))
        return found

    def rules_begun(self, tokens: list[Tok]) -> set[int]:
        """The rules with a pattern whose first word is in ``tokens``: those that may match
        there (a cheap gate: no pattern is tried)."""
        begun: set[int] = set()
        words = self._words(tokens)
        for word in compress(words, map(_BEGINS, words)):
            begun.update(word.rules)
            begun.update(p.rule for p in word.patterns)
        return begun

    def _words(self, tokens: list[Tok]) -> list[_Word]:
        """What the matcher knows of each token (a dict lookup per token, in C)."""
        return list(map(self._seen.__getitem__, map(_TEXT, tokens)))

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


def _compile(rule: int, slots: tuple[Slot, ...], slot_ids: dict[Slot, int]) -> _Pattern:
    ids = tuple(slot_ids.setdefault(slot, len(slot_ids)) for slot in slots)
    optional = tuple(slot.optional for slot in slots)
    gaps = tuple(slot.gap for slot in slots)
    required = frozenset(i for i, slot in zip(ids, slots, strict=True) if not slot.optional)
    return _Pattern(rule, ids, optional, gaps, not any(optional) and not any(gaps), required)


class _Index:
    """Numbers (slots or patterns) filed under the lemmas, lower-case forms and capitalised
    forms of their words."""

    def __init__(self) -> None:
        self.lemmas: dict[str, set[int]] = {}
        self.forms: dict[str, set[int]] = {}
        self.cased: dict[str, set[int]] = {}

    def add(self, slot: Slot, number: int) -> None:
        for index, values in ((self.lemmas, slot.lemmas), (self.forms, slot.forms)):
            for value in values:
                index.setdefault(value, set()).add(number)
        for value in slot.cased:
            self.cased.setdefault(value, set()).add(number)

    def of(self, tok: Tok, possessive: bool = True) -> frozenset[int]:
        """The numbers filed under the token's lemma, form or capitals ("NATO's" is NATO; with
        ``possessive``, also under "NATO's" itself)."""
        cased = tok.text[:-2] if tok.text[-2:] in ("'s", "’s") else tok.text
        found = self.lemmas.get(tok.lemma, set()) | self.forms.get(tok.lower, set())
        found |= self.cased.get(cased, set())
        if possessive and cased != tok.text:
            found |= self.cased.get(tok.text, set())
        return frozenset(found)


class _Text:
    """A sentence's tokens as the matcher reads them: quote marks, the slots that accept
    each word and those that accept any."""

    __slots__ = ("accepted", "length", "present", "quote", "tokens")

    def __init__(self, tokens: list[Tok], words: list[_Word]) -> None:
        self.tokens = tokens
        self.accepted = [word.accepted for word in words]
        self.present = frozenset().union(*self.accepted)
        self.quote = [word.quote for word in words]
        self.length = len(tokens)


def _plain(pattern: _Pattern, text: _Text, i: int) -> int | None:
    """Where a pattern of required words only, whose first word is token ``i``, ends."""
    accepted, quote, length = text.accepted, text.quote, text.length
    j = i + 1
    for sid in pattern.ids[1:]:
        while j < length and quote[j]:
            j += 1
        if j == length or sid not in accepted[j]:
            return None
        j += 1
    return j


def _match(pattern: _Pattern, k: int, text: _Text, i: int) -> int | None:
    """Where the slots from ``k`` on, matched from token ``i``, end (longest), or None."""
    ids, length = pattern.ids, text.length
    while i < length and text.quote[i] and k < len(ids):
        i += 1
    if k == len(ids):
        return i
    gap = pattern.gaps[k]
    if gap:
        tokens = text.tokens
        for skip in range(gap + 1):  # the shortest gap first
            stop = i + skip
            if stop > length or any(t.text in BARRIERS for t in tokens[i:stop]):
                continue
            end = _match(pattern, k + 1, text, stop)
            if end is not None:
                return end
        return None
    if i < length and ids[k] in text.accepted[i]:
        end = _match(pattern, k + 1, text, i + 1)
        if end is not None:
            return end
    if pattern.optional[k]:
        return _match(pattern, k + 1, text, i)
    return None


@cache
def rule_file(name: str, language: str = "en") -> dict:
    """A rule file of the package, parsed (``geomap/rules/<language>/<name>.toml``)."""
    path = resources.files("geomap.rules").joinpath(language, f"{name}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))
