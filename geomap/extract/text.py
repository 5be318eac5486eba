"""Sentences, clauses and word tokens of article text, each with character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.u mr mrs ms dr gen maj lt col sgt capt cpl adm brig st mt ft no vs
    jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e a.m p.m jr sr gov sen rep
    pres prof co corp inc ltd dept approx est fig""".split()
)
# A sentence end. It begins only where a run of end marks begins: tried inside a run of
# thousands of dots ('.......x'), each start would read the run to its end again (quadratic).
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u0600-\u06FF])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Where a sentence breaks into clauses that carry their own time and subject. Every
# alternative begins with ';', ',' or a space: the lookahead rules out other characters at
# once (twice as fast as trying each alternative there).
_CLAUSE = re.compile(
    r"(?=[;,\s])(?:;|\s[—–]\s|,\s(?:which|who|whom|where|while|but|although|though|whereas|"
    r"after|before|when|until|since)\b"
    r"|,?\s(?<!such\s)(?<!well\s)(?<!good\s)as\s(?!well\b|good\b|part\b|of\b|"
    r"a\b|an\b|long\b|soon\b|far\b|much\b|many\b)|\s(?:while|but|although|whereas|when|until|after|"
    r"following)\s"
    r"|\s(?:which|who|where)\s"
    r"|(?<![Ee]ver)\ssince\s"
    r"(?=(?:the|a|an|its|their|they|it|he|she|we|government|troops|forces)\s))",
    re.I,
)


@dataclass(frozen=True)
class Span:
    """A piece of the article body: ``text == body[start:end]``."""

    start: int
    end: int
    text: str


class Token(NamedTuple):
    """One word and its offsets in the article body."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_capitalised(self) -> bool:
        first = self.text[0]
        return first.isupper() or not first.isascii()


def split_sentences(body: str) -> list[Span]:
    """Split at line breaks and at sentence ends, keeping abbreviations (Jan., U.S.) intact.
    A hard-wrapped text (lines cut at a fixed width) is read as its paragraphs: its breaks
    inside a sentence count as spaces (the spans' offsets stay the body's)."""
    spans: list[Span] = []
    offset = 0
    for line in unwrapped(body).split("\n"):
        start = 0
        for match in _BOUNDARY.finditer(line):
            last_word = _last_word(line, start, match.start()).lower().strip("\"'“‘(")
            if last_word in ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", last_word):
                continue
            end = match.end()
            _add(spans, line, start, end, offset)
            start = end
        _add(spans, line, start, len(line), offset)
        offset += len(line) + 1
    return spans


def _last_word(line: str, start: int, end: int) -> str:
    """The last word of ``line[start:end]`` (split at white space), read backwards from
    ``end``: a line of thousands of abbreviations ('Gen. Gen. …') never begins a sentence,
    and slicing from the sentence's start at each of them would be quadratic."""
    j = end
    while j > start and line[j - 1].isspace():
        j -= 1
    i = j
    while i > start and not line[i - 1].isspace():
        i -= 1
    return line[i:j]


# A line break inside a sentence: a line ending in a word or a comma, the next line going on
# in lower case ('stormed a\ntown'). A text with many of them is hard-wrapped.
_CONTINUED = re.compile(r"[a-z,;]\n(?=[a-z])")
# A hard-wrapped text's break that is no sentence's or paragraph's end.
_WRAP = re.compile(r"(?<=[^.!?:\"”’')\n\s])\n(?=[^\n\s*•-])")


def unwrapped(body: str) -> str:
    """``body`` with a hard-wrapped text's breaks inside sentences made spaces (same length):
    when at least a quarter of its lines go on in lower case on the next line."""
    lines = body.count("\n") + 1
    continued = len(_CONTINUED.findall(body))
    if continued < 3 or continued * 4 < lines:
        return body
    return _WRAP.sub(" ", body)


# The longest piece of text read as one sentence. A run-on sentence (a page with no full
# stops, a list of hundreds of names) is cut into pieces of at most this many characters, at
# a clause mark or a space, so that the work on each sentence is bounded and the whole
# extraction stays linear in the text. News sentences are far shorter (a few hundred).
MAX_SENTENCE_CHARS = 1500
_CUT = re.compile(r"[;,:]\s|\s")


def _add(spans: list[Span], line: str, start: int, end: int, offset: int) -> None:
    while end - start > MAX_SENTENCE_CHARS:
        window = line[start : start + MAX_SENTENCE_CHARS]
        cuts = [m.end() for m in _CUT.finditer(window, MAX_SENTENCE_CHARS // 2)]
        clause_cuts = [m.end() for m in re.finditer(r"[;,:]\s", window[MAX_SENTENCE_CHARS // 2 :])]
        cut = (
            MAX_SENTENCE_CHARS // 2 + clause_cuts[-1]
            if clause_cuts
            else (cuts[-1] if cuts else MAX_SENTENCE_CHARS)
        )
        _add_piece(spans, line, start, start + cut, offset)
        start += cut
    _add_piece(spans, line, start, end, offset)


def _add_piece(spans: list[Span], line: str, start: int, end: int, offset: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = offset + start + lead
    spans.append(Span(s, s + len(stripped), stripped))


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence where a new clause (relative, contrastive, temporal) begins."""
    clauses: list[Span] = []
    start = 0
    text = sentence.text
    for match in _CLAUSE.finditer(text):
        if match.start() > start:
            clauses.append(
                Span(
                    sentence.start + start,
                    sentence.start + match.start(),
                    text[start : match.start()],
                )
            )
        start = match.start()
    clauses.append(Span(sentence.start + start, sentence.end, text[start:]))
    return clauses


def words(text: str) -> list[str]:
    """The texts of :func:`tokenize`'s tokens, without offsets (cheaper)."""
    return _WORD.findall(text)


def tokenize(span: Span) -> list[Token]:
    """Word tokens of a span, with offsets in the article body."""
    base = span.start
    return [
        _new(Token, (m.group(), base + m.start(), base + m.end()))
        for m in _WORD.finditer(span.text)
    ]


_new = tuple.__new__  # a Token without the keyword handling of its generated __new__
