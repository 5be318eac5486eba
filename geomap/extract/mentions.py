"""Place mentions: gazetteer spellings found in running text, and place-like names it lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geomap.extract.lexicon import rule_file
from geomap.extract.text import Span, Token, tokenize, words
from geomap.gazetteer import (
    ARABIC_ARTICLES,
    ENGLISH_LOOKALIKES,
    Gazetteer,
    normalise_token,
    token_key,
)

# Capitalised words that are never unknown places (for `geomap check`): rules/<lang>/not_places.
NOT_PLACES = frozenset(rule_file("not_places")["words"].split())
# Words that are never a place's one-word mention, however close a spelling's folded key
# ('An' opening a sentence is not the town of Ann).
COMMON_WORDS = frozenset(rule_file("not_places").get("common_words", "").split())
_PLACE_CUE = re.compile(
    r"\b(?:village|town|city|camp|province|governorate|district|region|area|enclave|"
    r"outskirts|suburb|neighbou?rhood)s?\s+of\s+$|\b(?:in|near|outside|towards?|into|around|"
    r"from|at)\s+(?:the\s+)?$",
    re.I,
)


_ARTICLE_LETTERS = max(map(len, ARABIC_ARTICLES))  # longer words are never articles


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text: its gazetteer id and where it stands; ``fuzzy``: a
    spelling the gazetteer lacks but nearly has ('Shajilah' for Shajlah)."""

    place_id: str
    start: int
    end: int
    surface: str
    fuzzy: bool = False


# A spelling the gazetteer lacks is read as a place only when it is this similar
# (Jaro-Winkler on the folded name) to one place's spelling and clearly nearer to it than to
# any other, and only where the text treats it as a place (after 'the village of', 'in', or
# listed beside a known place). `geomap check` lists every such reading.
FUZZY_SIMILARITY = 0.88
FUZZY_MARGIN = 0.03
_SOFT = str.maketrans("", "", "aeiouyhw")  # what transliterations of one name vary in


def _skeleton(key: str) -> str:
    """A name's consonants, without doubling: 'puthukkudiyiruppu' -> 'ptkdrp'."""
    letters = key.translate(_SOFT)
    return "".join(c for k, c in enumerate(letters) if not k or c != letters[k - 1])


def _glued(body: str, start: int, end: int, first_keys: set | frozenset) -> bool:
    """A hyphen joins the name to a capitalised word that begins no place, before or after
    it: part of a longer name ('Dzhani-Vedeno', 'Argun-Yurt'); not two places ('the
    Shushi-Karin Tak section', 'the A-B road')."""
    word = None
    if start > 1 and body[start - 1] == "-":
        word = re.search(r"[^\W\d_]+$", body[: start - 1])
    elif end + 1 < len(body) and body[end] == "-":
        word = re.match(r"[^\W\d_]+(?![^\W\d_])(?!\s+[A-Z])", body[end + 1 :])  # not 'X-Karin Tak'
    if word is None or not word.group()[:1].isupper():
        return False
    return raw_token_key(word.group()) not in first_keys


def _same_spelling(key: str, known: str) -> bool:
    """Two spellings of one name: they differ by one letter, or only in vowels, h, w, y and
    doubled letters, and neither is the other with letters added at its end ('Shajilah' ~
    'Shajla', 'Marshada' ~ 'Marashida'; not 'Bilohirka' ~ 'Bilozerka', two villages; not
    'Bursa' ~ 'Bursaya')."""
    from rapidfuzz.distance import Levenshtein

    if Levenshtein.distance(key, known) <= 1:
        return True
    short, long = sorted((key, known), key=len)
    return not long.startswith(short) and _skeleton(key) == _skeleton(known)


_NAMED_PLACE = re.compile(r"\b(?=[vtcd])(?:village|town|city|camp|district)s? of\s+[A-Z]", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or)\s*$")


# What every match of _NAMED_PLACE begins with: in ASCII text, where case folds only within
# ASCII, a text that holds none of them (in any case) has no match.
_NAMED_HEADS = tuple(
    f"{word}{plural} of"
    for word in ("village", "town", "city", "camp", "district")
    for plural in ("", "s")
)


def _may_name_place(text: str) -> bool:
    """``_NAMED_PLACE.search(text)``, skipped for ASCII text that holds none of its heads."""
    if text.isascii():
        lowered = text.lower()
        if not any(head in lowered for head in _NAMED_HEADS):
            return False
    return _NAMED_PLACE.search(text) is not None


PIECES_REMEMBERED = 100_000  # a finder's remembered pieces of text, at most


class _Remembered(dict):
    """``function(key)``, worked out once per key (the whole memory dropped when it holds
    ``size`` keys: bounded, whatever the input)."""

    def __init__(self, function, size: int) -> None:
        super().__init__()
        self.function = function
        self.size = size

    def __missing__(self, key):
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.function(key)
        return value


@lru_cache(maxsize=200_000)
def raw_token_key(text: str) -> str:
    """The folded key of one word as it stands in the text (cached: words repeat)."""
    return token_key(normalise_token(text))


class MentionFinder:
    """Scans text for every gazetteer spelling, longest match first, by folded token keys."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.index = gazetteer.key_index()
        self.max_len = max((len(k) for k in self.index), default=1)
        self.first_keys = {k[0] for k in self.index}
        self.one_word = {k[0]: pid for k, pid in self.index.items() if len(k) == 1}
        self._piece_begins = _Remembered(self._begins, PIECES_REMEMBERED)

    def may_mention(self, text: str) -> bool:
        """False when no word of ``text`` can begin a gazetteer spelling (then :meth:`find`
        finds nothing), without making tokens. A word never holds a space, so the words of
        ``text`` are those of its space-separated pieces, and a piece's answer is remembered
        (pieces repeat: 'the', 'said,')."""
        if any(map(self._piece_begins.__getitem__, text.split())):
            return True
        return _may_name_place(text)  # 'the village of Shajilah': maybe a near spelling

    def _begins(self, piece: str) -> bool:
        """Whether a word of ``piece`` can begin a gazetteer spelling."""
        return not self.first_keys.isdisjoint(map(raw_token_key, words(piece)))

    def _content_tokens(self, tokens: list[Token], body: str) -> list[tuple[Token, int, str]]:
        """Tokens with Arabic articles folded into the next word: (token, start, key)."""
        out: list[tuple[Token, int, str]] = []
        pending_start: int | None = None
        last = len(tokens) - 1
        for i, tok in enumerate(tokens):
            text = tok.text
            if len(text) <= _ARTICLE_LETTERS and i < last:
                low = text.lower()
                if low in ARABIC_ARTICLES:
                    nxt = tokens[i + 1]
                    hyphenated = tok.end < len(body) and body[tok.end] == "-"
                    if (
                        hyphenated or (low not in ENGLISH_LOOKALIKES and nxt.is_capitalised)
                    ) and nxt.start - tok.end <= 1:
                        pending_start = tok.start if pending_start is None else pending_start
                        continue
            out.append(
                (
                    tok,
                    pending_start if pending_start is not None else tok.start,
                    raw_token_key(text),
                )
            )
            pending_start = None
        return out

    def find(self, span: Span, body: str, tokens: list[Token] | None = None) -> list[PlaceMention]:
        """Every place mention in ``span`` (offsets into ``body``)."""
        content = self._content_tokens(tokenize(span) if tokens is None else tokens, body)
        mentions: list[PlaceMention] = []
        i = 0
        while i < len(content):
            match = None
            if content[i][2] not in self.first_keys:
                i += 1
                continue
            for length in range(min(self.max_len, len(content) - i), 0, -1):
                window = content[i : i + length]
                key = tuple(k for _t, _s, k in window)
                place_id = self.index.get(key)
                if place_id is None:
                    continue
                if not any(t.is_capitalised for t, _s, _k in window):
                    continue
                if length == 1 and not window[0][0].is_capitalised:
                    continue
                if length == 1 and normalise_token(window[0][0].text) in COMMON_WORDS:
                    continue  # 'An ethnic army said': a word, not the town of Ann
                # adjacent tokens only: a name does not run across punctuation
                if any(
                    body[window[j][0].end : window[j + 1][1]].strip(" -") for j in range(length - 1)
                ):
                    continue
                start, end = window[0][1], window[-1][0].end
                if _glued(body, start, end, self.first_keys):
                    continue  # 'Dzhani-Vedeno', 'Argun-Yurt': a longer name
                match = PlaceMention(place_id, start, end, body[start:end])
                break
            if match:
                mentions.append(match)
                i = _advance(content, i, match.end)
            else:
                i += 1
        return self._with_fuzzy(content, span, body, mentions)

    def _with_fuzzy(
        self, content: list, span: Span, body: str, mentions: list[PlaceMention]
    ) -> list[PlaceMention]:
        """Add the near spellings the text treats as places (see FUZZY_SIMILARITY)."""
        if not self.one_word:
            return mentions
        taken = {(m.start, m.end) for m in mentions}
        covered = [(m.start, m.end) for m in mentions]
        added = []
        for tok, start, key in content:
            if len(key) < 5 or not tok.is_capitalised or tok.lower in NOT_PLACES:
                continue
            if any(s <= start < e for s, e in covered) or start == span.start:
                continue
            if not self._placelike(start, tok.end, body, span, covered):
                continue
            place_id = self._nearest(key)
            if place_id and (start, tok.end) not in taken:
                added.append(PlaceMention(place_id, start, tok.end, body[start : tok.end], True))
        return sorted(mentions + added, key=lambda m: m.start) if added else mentions

    def _placelike(self, start: int, end: int, body: str, span: Span, known: list) -> bool:
        if _PLACE_CUE.search(body[max(span.start, start - 40) : start]):
            return True
        for s, e in known:  # 'A, B and Shajilah', 'Shajilah, A'
            gap = body[e:start] if e <= start else body[end:s]
            if _LIST_GAP.match(gap):
                return True
        return False

    def _nearest(self, key: str) -> str | None:
        from rapidfuzz import process
        from rapidfuzz.distance import JaroWinkler

        found = process.extract(
            key, list(self.one_word), scorer=JaroWinkler.normalized_similarity, limit=2
        )
        if not found or found[0][1] < FUZZY_SIMILARITY or found[0][0][0] != key[0]:
            return None
        if not _same_spelling(key, found[0][0]):
            return None  # 'Bilohirka' is not 'Bilozerka': another village
        if len(found) > 1 and found[1][1] > found[0][1] - FUZZY_MARGIN:
            if self.one_word[found[1][0]] != self.one_word[found[0][0]]:
                return None
        return self.one_word[found[0][0]]

    def unknown_names(
        self,
        span: Span,
        body: str,
        mentions: list[PlaceMention] | None = None,
        tokens: list[Token] | None = None,
    ) -> list[tuple[str, int]]:
        """Capitalised names after a place cue ('the village of X', 'in X') not in the gazetteer."""
        found_mentions = self.find(span, body) if mentions is None else mentions
        known = {(m.start, m.end) for m in found_mentions if not m.fuzzy}
        found: list[tuple[str, int]] = []
        tokens = tokenize(span) if tokens is None else tokens
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            prefix = body[max(span.start, tok.start - 40) : tok.start]
            if tok.is_capitalised and tok.text[0].isalpha() and _PLACE_CUE.search(prefix):
                j = i
                words = []
                while (
                    j < len(tokens)
                    and (tokens[j].is_capitalised or tokens[j].lower in ARABIC_ARTICLES)
                    and (j == i or body[tokens[j - 1].end : tokens[j].start] in (" ", "-"))
                ):
                    words.append(tokens[j])
                    j += 1
                name = body[words[0].start : words[-1].end]
                lowered = [w.lower for w in words]
                covered = any(s <= words[0].start < e for s, e in known)
                if (
                    not covered
                    and not all(w in NOT_PLACES or w in ARABIC_ARTICLES for w in lowered)
                    and lowered[0] not in NOT_PLACES
                    and not name.isupper()
                    and not any(re.search(r"[a-z][A-Z]", w.text) for w in words)
                ):
                    found.append((name, words[0].start))
                i = max(j, i + 1)
            else:
                i += 1
        seen = {offset for _name, offset in found}
        found += [(m.surface, m.start) for m in found_mentions if m.fuzzy and m.start not in seen]
        return sorted(found, key=lambda item: item[1])


def _advance(content: list[tuple[Token, int, str]], i: int, end: int) -> int:
    j = i
    while j < len(content) and content[j][0].end <= end:
        j += 1
    return max(j, i + 1)
