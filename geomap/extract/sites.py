"""Sites named by their kind and their town: "the city's airport", "X's airport", "its
nearby dam", "a government complex in the city of X". The site is the gazetteer place
whose name has that word ('X airport') and lies near the town; one only, or none.

The words (which nouns name a site, which words link it to its town, how near it must lie)
are data: ``geomap/rules/<language>/anaphors.toml``, section ``[sites]``."""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from geomap.extract.lexicon import Tok, lemma_of
from geomap.extract.mentions import PlaceMention
from geomap.gazetteer import Gazetteer, Place

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class SiteRules:
    """The ``[sites]`` words of a language."""

    nouns: dict[str, tuple[str, ...]]  # a lemma naming a site -> its kinds ('dam' -> site)
    towns: dict[str, tuple[str, ...]]  # a back-reference's noun -> kinds ('city' -> city, town)
    determiners: frozenset[str]  # 'the', 'a': a site phrase begins with one
    links: frozenset[str]  # 'in', 'of': the site, then its town
    modifiers: int  # how many words may stand between the owner and the noun
    reach_km: float  # how far from its town a site may lie


def site_mentions(
    toks: Sequence[Tok],
    mentions: list[PlaceMention],
    recent: Sequence[PlaceMention],
    rules: SiteRules,
    gazetteer: Gazetteer,
) -> list[PlaceMention]:
    """The sentence's mentions, with each site phrase it names in place of its owner's
    possessive ("X's airport" names the airport, not X)."""
    found: list[PlaceMention] = []
    for i, tok in enumerate(toks):
        if tok.lemma not in rules.nouns or (i + 1 < len(toks) and toks[i + 1].lemma in rules.nouns):
            continue
        site = _site_at(toks, i, mentions, recent, rules, gazetteer)
        if site is not None:
            found.append(site)
    if not found:
        return mentions
    kept = [m for m in mentions if not any(s.start <= m.start < s.end for s in found)]
    return sorted(kept + found, key=lambda m: m.start)


def _site_at(
    toks: Sequence[Tok],
    i: int,
    mentions: list[PlaceMention],
    recent: Sequence[PlaceMention],
    rules: SiteRules,
    gazetteer: Gazetteer,
) -> PlaceMention | None:
    """The site the noun at ``i`` names, from its owner before it or its town after it."""
    owner, first = _owner_before(toks, i, mentions, recent, rules, gazetteer)
    if owner is None:
        owner, first = _town_after(toks, i, mentions, rules)
    if owner is None:
        return None
    noun = toks[i].lemma
    site = _site_near(gazetteer, gazetteer.by_id[owner], noun, rules.nouns[noun], rules.reach_km)
    if site is None:
        return None
    surface = " ".join(t.text for t in toks[first : i + 1])
    return PlaceMention(site.id, toks[first].start, toks[i].end, surface)


def _owner_before(
    toks: Sequence[Tok],
    i: int,
    mentions: list[PlaceMention],
    recent: Sequence[PlaceMention],
    rules: SiteRules,
    gazetteer: Gazetteer,
) -> tuple[str | None, int]:
    """The place owning the noun at ``i`` ("X's", "the city's", "its" before it) and the
    token its phrase begins at."""
    for j in range(i - 1, max(-1, i - 2 - rules.modifiers), -1):
        tok = toks[j]
        if tok.lower == "its":
            earlier = [m for m in mentions if m.end <= tok.start] or list(recent)
            towns = [m for m in earlier if gazetteer.by_id[m.place_id].kind in _town_kinds(rules)]
            return (towns[-1].place_id, j) if towns else (None, 0)
        if tok.lower.endswith(("'s", "’s")):
            named = next((m for m in mentions if m.start == tok.start), None)
            if named is not None:
                return named.place_id, j
            kinds = rules.towns.get(tok.lemma)
            if kinds and j > 0 and toks[j - 1].lower in rules.determiners:
                earlier = [m for m in mentions if m.end <= tok.start]
                back = [m for m in [*recent, *earlier] if gazetteer.by_id[m.place_id].kind in kinds]
                return (back[-1].place_id, j - 1) if back else (None, 0)
            return None, 0
        if not _modifier(tok):
            return None, 0
    return None, 0


def _town_after(
    toks: Sequence[Tok], i: int, mentions: list[PlaceMention], rules: SiteRules
) -> tuple[str | None, int]:
    """'the airport of X', 'a government complex in the city of X': the town named
    just after the noun, which opens a phrase with a determiner (the token it begins at)."""
    j = i - 1
    while j >= 0 and i - j <= rules.modifiers and _modifier(toks[j]):
        j -= 1
    if j < 0 or toks[j].lower not in rules.determiners:
        return None, 0
    k = i + 1
    if k >= len(toks) or toks[k].lower not in rules.links:
        return None, 0
    after = toks[k].end
    town = next((m for m in mentions if m.start >= after), None)
    if town is None:
        return None, 0
    between = {t.lower for t in toks[k + 1 :] if after <= t.start < town.start}
    if not between <= {"the", "of", *rules.towns}:
        return None, 0  # 'in the city of X', not 'in the north of X'
    return town.place_id, j


def _modifier(tok: Tok) -> bool:
    """A word that may stand inside the phrase: 'nearby', 'strategic', 'government'."""
    return tok.text.isalpha() and tok.text.islower() and tok.lower not in _NOT_MODIFIERS


_NOT_MODIFIERS = frozenset("and or of in at on to from by with for near the a an".split())


def _town_kinds(rules: SiteRules) -> frozenset[str]:
    return frozenset(k for kinds in rules.towns.values() for k in kinds)


def _site_near(
    gazetteer: Gazetteer, town: Place, noun: str, kinds: tuple[str, ...], reach_km: float
) -> Place | None:
    """The one place of ``kinds`` whose name has ``noun`` within ``reach_km`` of ``town``."""
    near = [
        p
        for p in _places_by_word(gazetteer).get(noun, ())
        if p.kind in kinds and p.id != town.id and _km(p, town) <= reach_km
    ]
    return near[0] if len(near) == 1 else None


# the index of each gazetteer in use, by its id (kept while the gazetteer lives)
_WORDS: dict[int, tuple[weakref.ref[Gazetteer], dict[str, tuple[Place, ...]]]] = {}


def _places_by_word(gazetteer: Gazetteer) -> dict[str, tuple[Place, ...]]:
    """The gazetteer's places by each word of their spellings, built once per gazetteer."""
    held = _WORDS.get(id(gazetteer))
    if held is not None and held[0]() is gazetteer:
        return held[1]
    index: dict[str, dict[str, Place]] = {}
    for place in gazetteer.places:
        for spelling in place.spellings:
            for word in spelling.lower().split():
                index.setdefault(lemma_of(word), {})[place.id] = place
    words = {k: tuple(v[i] for i in sorted(v)) for k, v in index.items()}
    key = id(gazetteer)
    _WORDS[key] = (weakref.ref(gazetteer, lambda _ref: _WORDS.pop(key, None)), words)
    return words


def _km(a: Place, b: Place) -> float:
    """Great-circle distance in kilometres."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
