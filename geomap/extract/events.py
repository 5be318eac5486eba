"""Control events from sentences: which place a trigger governs, who acted, and how surely.

The vocabulary is data (``geomap/rules/<language>/``: triggers, cues, anaphors) and the sides
are the campaign's (``data/campaign.toml``); this module is the engine that reads a
sentence with them:

1. tokens with lemmas; the sentence's places, actors, triggers and cues found by one
   :class:`~geomap.extract.lexicon.Matcher` each;
2. each place gets a role: a *target*, or a *locator* of another place ("near X", "100 km
   east of X", "X, in eastern Y" where Y is a region); coordinated places ("X, Y and nearby
   villages such as Z") form one group;
3. each trigger governs one group: the object after it, reached only across words that may
   stand in a noun phrase ("the strategic town of"), or the subject before it, reached across
   auxiliaries and a comma-bounded aside; a relative clause ("X, which the army took") governs
   its antecedent; "the town" refers back to the last town named;
4. modality: negation and hypotheticals drop the event; proximity, attempts and partial
   objects ("most of X", "buildings inside X") make a capture ``contested``;
5. roles: the agent and patient of the trigger, by its voice, then who holds the place after;
6. confidence: the rule's weight, lowered for every guess (an actor that had to be assumed,
   a back-reference, a skipped aside, a hedge), so that the map can colour only what is sure.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache

from geomap.campaign import Profile
from geomap.extract.dates import DateMention, date_rules, find_dates, publication_date
from geomap.extract.lexicon import (
    BARRIERS,
    QUOTES,
    Match,
    Matcher,
    Tok,
    lemma_of,
    rule_file,
    tokens_of,
)
from geomap.extract.mentions import PlaceMention
from geomap.extract.sites import SiteRules
from geomap.extract.text import Span, split_clauses
from geomap.gazetteer import Gazetteer
from geomap.records import CHANGE_KINDS, Event, Exclusivity

MAX_REACH = 14  # tokens between a trigger and its place, at most
LONG_SENTENCE = 60  # tokens
SETTLEMENT_KINDS = ("city", "town", "village", "neighbourhood", "district")
_WORD_CLASSES = rule_file("words")  # rules/en/words.toml


def _words(name: str) -> frozenset[str]:
    """A word class of the structure (lists, clauses, noun phrases), from the rule data."""
    return frozenset(_WORD_CLASSES[name]["words"])


LIST_WORDS = _words("list_words")
LIST_JOINS = _words("list_joins")
LIST_DIRECTIONS = _words("list_directions")
COMPASS_POINTS = _words("compass_points")
CONTAINER_KINDS = _words("container_kinds")
PART_KINDS = _words("part_kinds")
RELATIVES = _words("relatives")


@dataclass(frozen=True)
class TriggerRule:
    kind: str
    voice: str
    place: str
    weight: float
    direct: bool = False  # the place must be the direct object
    verb: bool = False  # a verb only: after 'the' or in 'rebel-occupied' an adjective, no act


@dataclass(frozen=True)
class Rules:
    """A language's triggers and cues, compiled once."""

    language: str
    triggers: tuple[TriggerRule, ...]
    trigger_matcher: Matcher
    cue_names: tuple[str, ...]  # the cue class of each rule of cue_matcher
    cue_matcher: Matcher  # every cue class in one matcher: one pass per sentence
    exclusive_rule: int  # the rule of cue_matcher that finds 'the last town held by'
    answer_matcher: Matcher  # the cue classes of a sentence answering the one before
    anaphors: dict[str, tuple[str, ...]]
    determiners: frozenset[str]
    object_words: frozenset[str]
    subject_words: frozenset[str]
    sites: SiteRules


ANSWERS = ("denies_before", "unverified", "denies_clause")  # an answer to the sentence before


@cache
def load_rules(language: str = "en") -> Rules:
    """The rule files of ``language`` (``geomap/rules/<language>/``), compiled."""
    data = rule_file("triggers", language)["trigger"]
    triggers = tuple(
        TriggerRule(
            t["kind"],
            t["voice"],
            t["place"],
            float(t.get("weight", 0.8)),
            t.get("direct", False),
            t.get("verb", False),
        )
        for t in data
    )
    matcher = Matcher([t["patterns"] for t in data], language)
    raw_cues = rule_file("cues", language)
    anaphor_data = rule_file("anaphors", language)
    return Rules(
        language=language,
        triggers=triggers,
        trigger_matcher=matcher,
        cue_names=tuple(raw_cues),
        cue_matcher=Matcher([table["patterns"] for table in raw_cues.values()], language),
        exclusive_rule=list(raw_cues).index("exclusive"),
        answer_matcher=Matcher([raw_cues[name]["patterns"] for name in ANSWERS], language),
        anaphors={k: tuple(v) for k, v in anaphor_data["anaphors"].items()},
        determiners=frozenset(anaphor_data["determiners"]["patterns"]),
        object_words=_single_words(raw_cues["object"]["patterns"]),
        subject_words=_single_words(raw_cues["subject"]["patterns"]),
        sites=_site_rules(anaphor_data),
    )


def _site_rules(anaphor_data: dict) -> SiteRules:
    """The ``[sites]`` section of anaphors.toml, with the back-references that name a site."""
    data, anaphors = anaphor_data["sites"], anaphor_data["anaphors"]
    return SiteRules(
        nouns={k: tuple(v) for k, v in anaphors.items() if "site" in v}
        | {noun: ("site",) for noun in data["nouns"]},
        towns={k: tuple(anaphors[k]) for k in data["towns"]},
        determiners=frozenset(data["determiners"]),
        links=frozenset(data["links"]),
        modifiers=int(data["modifiers"]),
        reach_km=float(data["reach_km"]),
    )


def _single_words(patterns: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for p in patterns for w in p.split())


@dataclass(frozen=True)
class SideFinder:
    """The campaign's sides in text: aliases, generic words and 'X-held' adjectives."""

    profile: Profile
    alias_matcher: Matcher
    alias_sides: tuple[str, ...]
    adjective_matcher: Matcher
    adjective_sides: tuple[str, ...]
    opening_matcher: Matcher  # the phrases without 'the', at a sentence's start: 'Troops took X'

    @classmethod
    def of(cls, profile: Profile, language: str = "en") -> SideFinder:
        phrases = tuple(profile.phrases())
        suffixes = _held_suffixes(language)
        adjectives = tuple(
            dict.fromkeys((_bare(a, suffixes), s.id) for s in profile.sides for a in s.adjectives)
        )
        alias_matcher, adjective_matcher, opening = _side_matchers(phrases, adjectives, language)
        return cls(
            profile,
            alias_matcher,
            tuple(side for _, side in phrases),
            adjective_matcher,
            tuple(side for _, side in adjectives),
            opening,
        )

    def find(self, tokens: list[Tok]) -> list[ActorRef]:
        found = [
            ActorRef(self.alias_sides[m.rule], m.start, m.end)
            for m in self.alias_matcher.find(tokens)
            if not _against(tokens, m.start)  # 'an anti-terrorist operation'
        ]
        begin = _opening(tokens)
        if begin < 0 or any(a.start == begin for a in found):
            return found
        opening = [m for m in self.opening_matcher.find(tokens) if m.start == begin]
        if opening:  # 'Troops recaptured X' for the profile's 'the troops'
            m = max(opening, key=lambda m: m.end)
            found.append(ActorRef(self.alias_sides[m.rule], begin, m.end))
            found.sort(key=lambda a: a.start)
        return found


def _opening(tokens: list[Tok]) -> int:
    """Where a sentence's own words begin, past a dateline ('BANGUI, Dec 19 (Reuters) -
    Rebels captured X'): the first token, or the one after the dateline's bracket or dash;
    -1 when that word is not capitalised."""
    k = next((k + 1 for k, t in enumerate(tokens[:12]) if t.text in (")", "—", "–")), 0)
    k = k if k < len(tokens) and k and tokens[k].text[:1].isupper() else 0
    return k if tokens and tokens[k].text[:1].isupper() else -1


@cache
def _held_suffixes(language: str) -> frozenset[str]:
    """The words of the 'held' suffix ('held', 'controlled'), from the cue file."""
    patterns = rule_file("cues", language)["held_suffix"]["patterns"]
    return frozenset(p.lstrip("=").lower() for p in patterns)


def _bare(adjective: str, suffixes: frozenset[str]) -> str:
    """A profile's adjective without the suffix geomap reads itself: 'rebel-held' -> 'rebel'."""
    head, _, last = adjective.rpartition("-")
    return head if head and last.lower() in suffixes else adjective


@lru_cache(maxsize=16)
def _side_matchers(
    phrases: tuple[tuple[str, str], ...], adjectives: tuple[tuple[str, str], ...], language: str
) -> tuple[Matcher, Matcher, Matcher]:
    """The matchers of a profile's side words, compiled once per set of words (each build
    reads its profile anew; compiling took longer than extracting a short article)."""
    bare = [[_without_the(p)] for p, _ in phrases]
    return (
        Matcher([[p] for p, _ in phrases], language),
        Matcher([[a] for a, _ in adjectives], language),
        Matcher(bare, language),
    )


def _without_the(phrase: str) -> str:
    """A side's phrase without its leading 'the' ('the troops' -> 'troops'); a phrase with none
    is kept (it then matches where the phrase itself does)."""
    first, _, rest = phrase.partition(" ")
    return rest if first == "the" and rest else phrase


@dataclass(frozen=True)
class ActorRef:
    side: str
    start: int  # tokens
    end: int


@dataclass
class PlaceRef:
    mention: PlaceMention
    start: int  # tokens
    end: int
    locator: bool = False
    modifier: bool = False  # a region naming where a town is: 'the Tigray regional capital'


@dataclass
class ArticleSides:
    """How often the article names each side, and who it says took or attacked places."""

    counts: Counter = field(default_factory=Counter)
    attackers: Counter = field(default_factory=Counter)

    def opponent(self, side: str, profile: Profile) -> str:
        """The side ``side`` fights in this article: the most named of its opponents, or its
        only opponent; empty when that cannot be told."""
        found, _guessed = self.opponent_of(side, profile)
        return found

    def opponent_of(self, side: str, profile: Profile) -> tuple[str, bool]:
        """(opponent, guessed): the most named of its opponents (a guess when the article
        names more than one); where the article names none, the first the profile lists, as a
        guess."""
        opponents = profile.opponents(side)
        named = [o for o in opponents if self.counts[o]]
        if named:
            best = max(named, key=lambda o: (self.counts[o], -opponents.index(o)))
            return best, len(named) > 1
        if not opponents:
            return "", False
        return opponents[0], len(opponents) > 1

    def sole_attacker(self) -> str:
        """The one side the article has taken or attacked places, twice or more so far."""
        if len(self.attackers) != 1:
            return ""
        side, count = next(iter(self.attackers.items()))
        return side if count >= 2 else ""

    def main(self, profile: Profile, exclude: str = "") -> str:
        """The ground-holding side the article names most (other than ``exclude``)."""
        ranked = [
            (n, -profile.side_ids.index(s), s)
            for s, n in self.counts.items()
            if s != exclude and profile.holds_ground(s)
        ]
        return max(ranked)[2] if ranked else ""


@dataclass
class _Context:
    body: str
    published: dt.date
    article: str
    outlet: str
    gazetteer: Gazetteer
    profile: Profile
    rules: Rules
    sides: SideFinder
    article_sides: ArticleSides
    recent: list[PlaceMention] = field(default_factory=list)  # earlier sentences' places
    # where the places read as reference points ('east of the capital X') begin in the body
    reference_points: set[int] = field(default_factory=set)
    sentence_attacker: str = ""  # the side this sentence has take or attack a place
    sentence_losers: frozenset[str] = frozenset()  # sides this sentence has flee or surrender
    sentence_vague: bool = False  # the sentence tells of a time it does not name
    narrative: DateMention | None = None  # the day the sentences just before named
    published_iso: str = field(init=False)

    def __post_init__(self) -> None:
        self.published_iso = self.published.isoformat()


@dataclass
class _Sentence:
    """One sentence read for events: tokens, clauses, places, actors."""

    span: Span
    tokens: list[Tok]
    clause_of: list[int]  # clause number of each token
    places: list[PlaceRef]
    actors: list[ActorRef]
    place_at: dict[int, PlaceRef]  # token -> place covering it
    matches: list  # the trigger matches
    cue_spans: dict | None = None  # cue class -> its (start, end) spans, once found
    groups: list = field(default_factory=list)  # coordinated target places

    @cached_property
    def clause_bounds(self) -> dict[int, tuple[int, int]]:
        """Clause number -> (its first token, one past its last): clauses are contiguous."""
        bounds: dict[int, tuple[int, int]] = {}
        for i, clause in enumerate(self.clause_of):
            bounds[clause] = (bounds.get(clause, (i, i))[0], i + 1)
        return bounds

    def cues(self, name: str, ctx: _Context) -> list[tuple[int, int]]:
        """Every (start, end) of a cue of class ``name`` in the sentence, in order (found
        once, for every class, by one pass of the cue matcher)."""
        spans = self.cue_spans
        if spans is None:
            found: dict[str, set[tuple[int, int]]] = {}
            names = ctx.rules.cue_names
            months = _months(self.tokens, ctx.rules.language)
            for m in ctx.rules.cue_matcher.all(self.tokens):
                if m.start not in months:  # 'On May 17, rebels seized X': a month, not 'may'
                    found.setdefault(names[m.rule], set()).add((m.start, m.end))
            spans = self.cue_spans = {n: sorted(found) for n, found in found.items()}
        return spans.get(name, _NO_CUES)

    # The questions below are asked many times a sentence, most often of a class that has no
    # cue in it: each reads the class's spans once, building no list.

    def cue_at(self, name: str, ctx: _Context, start: int, end: int) -> list[tuple[int, int]]:
        """The cues of class ``name`` lying inside tokens[start:end]."""
        return [(s, e) for s, e in self.cues(name, ctx) if s >= start and e <= end]

    def has(self, name: str, ctx: _Context, start: int, end: int) -> bool:
        """A cue of class ``name`` lies inside tokens[start:end]."""
        for s, e in self.cues(name, ctx):
            if s >= start and e <= end:
                return True
        return False

    def cue_ending_at(self, name: str, ctx: _Context, end: int, reach: int = 6) -> bool:
        """A cue of class ``name`` ends right before token ``end``."""
        return self.cue_start_ending_at(name, ctx, end, reach) >= 0

    def cue_start_ending_at(self, name: str, ctx: _Context, end: int, reach: int = 6) -> int:
        """Where the longest cue of class ``name`` ending right before token ``end`` starts;
        -1 when none does."""
        for s, e in self.cues(name, ctx):  # in order: the first is the longest
            if e == end and s >= end - reach:
                return s
        return -1

    def cue_starting_at(self, name: str, ctx: _Context, start: int, reach: int = 3) -> int:
        """The end of the longest cue of class ``name`` that starts at token ``start``."""
        longest = -1
        for s, e in self.cues(name, ctx):
            if s == start and e - s <= reach:
                longest = e  # in order: each is longer than the one before
        return longest


_NO_CUES: list[tuple[int, int]] = []  # a class with no cue in the sentence (read, never changed)


def _months(tokens: list[Tok], language: str) -> set[int]:
    """The tokens that name a month as written ('May', 'March'), past the sentence's first
    word unless a day's number follows it: never the modal 'may' nor the verb 'march'."""
    names = date_rules(language).months
    return {
        i
        for i, t in enumerate(tokens)
        if t.text in names and (i > 0 or (i + 1 < len(tokens) and tokens[i + 1].text.isdigit()))
    }


def read_sentence(
    span: Span,
    mentions: list[PlaceMention],
    ctx: _Context,
    tokens: list[Tok] | None = None,
    actors: list[ActorRef] | None = None,
    matches: list[Match] | None = None,
) -> _Sentence:
    """The sentence's clauses, places and their roles, actors and triggers (``tokens``,
    ``actors``, ``matches``: when already found)."""
    tokens = tokens_of(span, ctx.rules.language) if tokens is None else tokens
    clause_starts = [c.start for c in split_clauses(span)]
    clause_of, clause = [], 0
    for tok in tokens:
        while clause + 1 < len(clause_starts) and tok.start >= clause_starts[clause + 1]:
            clause += 1
        clause_of.append(clause)
    places = []
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    for mention in mentions:
        # the tokens overlapping the mention (tokens are in order and do not overlap)
        first, end = bisect_right(ends, mention.start), bisect_left(starts, mention.end)
        if first < end:
            places.append(PlaceRef(mention, first, end))
    actors = ctx.sides.find(tokens) if actors is None else actors
    matches = ctx.rules.trigger_matcher.find(tokens) if matches is None else matches
    places = [  # 'the Donetsk People's Republic', 'Ras Kamboni militia': a side's longer name
        p for p in places if not any(_holds_inside(a, p) for a in actors)
    ]
    covered = {i for p in places for i in range(p.start, p.end)}
    starts = {m.start for m in matches}
    actors = [  # 'the capital Addis Ababa' is a place; 'Kyiv recaptured X' a side
        a for a in actors if not covered & set(range(a.start, a.end)) or a.end in starts
    ]
    _split_at_new_subjects(tokens, clause_of, actors)
    _close_relative_clauses(tokens, clause_of)
    _split_fronted(tokens, clause_of)
    _close_restrictive_relatives(tokens, clause_of, matches)
    for place in places:
        place.mention = _same_name_place(tokens, place, ctx)
    place_at = {i: p for p in places for i in range(p.start, p.end)}
    sentence = _Sentence(span, tokens, clause_of, places, actors, place_at, matches)
    _mark_locators(sentence, ctx)
    sentence.groups = _groups(sentence, ctx)
    return sentence


def _holds_inside(actor: ActorRef, place: PlaceRef) -> bool:
    """A side's name holds the place's words and more ('the Donetsk People's Republic')."""
    inside = actor.start <= place.start and place.end <= actor.end
    return inside and actor.end - actor.start > place.end - place.start


def _split_at_new_subjects(tokens: list[Tok], clause_of: list[int], actors: list[ActorRef]):
    """', and the army have recaptured X': 'and' before a side opens a new clause (without the
    comma when the side speaks: 'and the army said')."""
    ends = {a.start: a.end for a in actors}
    for i, tok in enumerate(tokens):
        if tok.lower != "and":
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].lower in DETERMINERS:
            j += 1
        if j not in ends:
            continue
        says = ends[j] < len(tokens) and tokens[ends[j]].lower in SAYING_VERBS
        if i == 0 or tokens[i - 1].text == "," or says:  # '... and the army said it held X'
            for k in range(i, len(clause_of)):
                clause_of[k] += 1


def _clause_spans(sentence: _Sentence, span: Span) -> list[Span]:
    """The sentence's clauses as spans of the body (from the tokens' clause numbers)."""
    if not sentence.tokens:
        return [span]
    tokens, offset = sentence.tokens, span.start
    spans = []
    for _clause, (first, end) in sorted(sentence.clause_bounds.items()):
        low, high = tokens[first].start, tokens[end - 1].end
        spans.append(Span(low, high, span.text[low - offset : high - offset]))
    return spans


FRONTED = _words("fronted")
RESTRICTIVE_OPENERS = _words("restrictive_openers")
MAIN_AUXILIARIES = _words("main_auxiliaries")


def _split_fronted(tokens: list[Tok], clause_of: list[int]) -> None:
    """'Since taking X on Saturday, the army has …': a sentence that opens with a clause of
    time ends it at the first comma; the main clause begins there."""
    if not tokens or tokens[0].lower not in FRONTED:
        return
    comma = next((k for k, t in enumerate(tokens) if t.text == ","), None)
    if comma is not None and clause_of[comma] == clause_of[0]:
        for k in range(comma, len(clause_of)):
            clause_of[k] += 1


def _close_restrictive_relatives(
    tokens: list[Tok], clause_of: list[int], matches: list[Match]
) -> None:
    """'Militants who captured X last week have left the town': after a relative clause
    without commas has told its own change, an auxiliary opens the main clause again."""
    for i, tok in enumerate(tokens):
        if tok.lower not in RESTRICTIVE_OPENERS or (i and tokens[i - 1].text == ","):
            continue
        own = next((m for m in matches if m.start > i and clause_of[m.start] == clause_of[i]), None)
        if own is None:
            continue
        for k in range(own.end, len(tokens)):
            if clause_of[k] != clause_of[i] or tokens[k].text in BARRIERS:
                break
            if tokens[k].lower in MAIN_AUXILIARIES:
                for j in range(k, len(clause_of)):
                    clause_of[j] += 1
                break


def _close_relative_clauses(tokens: list[Tok], clause_of: list[int]) -> None:
    """', which took X, is attacking Y': a comma after a relative clause resumes the main one."""
    i = 0
    while i < len(tokens):
        if tokens[i].lower in ("which", "who") and i and tokens[i - 1].text == ",":
            clause = clause_of[i]
            j = i + 1
            while j < len(tokens) and clause_of[j] == clause and tokens[j].text != ",":
                j += 1
            if j < len(tokens) and clause_of[j] == clause:
                for k in range(j, len(clause_of)):
                    clause_of[k] += 1
            i = j
        i += 1


COMPASS = _words("compass")


def _same_name_place(tokens: list[Tok], place: PlaceRef, ctx: _Context) -> PlaceMention:
    """The place a name means here when two share it: 'eastern Deir ez-Zor' is the province,
    not its capital; 'the tent camp in Borna' is the camp, not the village."""
    gazetteer = ctx.gazetteer
    here = gazetteer.by_id[place.mention.place_id]
    before = [t.lower for t in tokens[max(0, place.start - 3) : place.start]]
    wanted = ""
    if (
        before
        and here.kind == "city"
        and (before[-1] in COMPASS or before[-1] == "the" or before[-1].endswith(("'s", "’s")))
    ):
        wanted = "region"  # 'eastern X', 'the X', "Syria's X": the province of that name
    elif set(before[-2:]) & {"camp", "encampment"} and here.kind in SETTLEMENT_KINDS:
        wanted = "camp"
    if not wanted:
        return place.mention
    for other in gazetteer:
        if other.kind == wanted and other.admin1 == here.admin1 and other.id != here.id:
            said = place.mention.surface.lower()
            if any(said in n.lower() for n in (other.name, *other.alt_names)):
                m = place.mention
                return PlaceMention(other.id, m.start, m.end, m.surface)
    return place.mention


_IN_REGION = frozenset(
    (",", "in", "of", "the", "eastern", "western", "northern", "southern", "central", "rural")
    + ("countryside",)
)


def _mark_locators(sentence: _Sentence, ctx: _Context) -> None:
    """Places that only say where another place is."""
    for n, place in enumerate(sentence.places):
        j = _phrase_start(sentence.tokens, _title_start(sentence.tokens, place.start))
        cue = sentence.cue_start_ending_at("locator", ctx, j)
        if cue > 0 and sentence.tokens[cue - 1].lower in ctx.rules.determiners:
            cue = -1  # 'the nearby X': an adjective of the place, not a reference point
        if cue >= 0 and not _named_as_kind(sentence, ctx, place, j):
            place.locator = True
            continue
        if n == 0:
            continue
        prev = sentence.places[n - 1]
        gap = [t.lower for t in sentence.tokens[prev.end : place.start]]
        kind = ctx.gazetteer.by_id[place.mention.place_id].kind
        prev_kind = ctx.gazetteer.by_id[prev.mention.place_id].kind
        # 'Alba, in eastern Deir ez-Zor', 'Alba in Deir ez-Zor province'
        in_region = gap and set(gap) <= _IN_REGION
        if (
            in_region
            and "in" in gap
            and (kind == "region" or kind != prev_kind and kind in ("city", "region"))
        ):
            place.locator = True
        elif gap == [","] and kind == "region":
            place.locator = True
        elif gap == ["of"] and kind == "region" and prev_kind != "region":
            place.locator = True  # 'Maymana of Faryab': the province it lies in
    for place in sentence.places:  # 'Tigray town', 'the Tigray regional capital X'
        if place.end < len(sentence.tokens) and sentence.tokens[place.end].lower == "capital":
            place.locator = place.modifier = True  # 'the Sennar capital': another town
            continue
        if _names_where(sentence, ctx, place):
            place.locator = place.modifier = True  # "East Darfur's Al-Daein": where X is
            continue
        following = [t.lower for t in sentence.tokens[place.end : place.end + 3]]
        if following[:1] and following[0] in PLURAL_PLACES and following[1:2] != ["."]:
            if following[1:2] in (["of"], [":"], [","]) and not _shares_head(sentence, place):
                place.locator = place.modifier = True  # 'three Raqqa districts of A, B'
            continue
        if _suburb_of(sentence, ctx, place):
            place.locator = place.modifier = True  # 'the X suburb of Y'
            continue
        if _names_area(sentence, ctx, place, following):
            place.locator = place.modifier = True  # 'the X border', "X's neighbouring villages"
            continue
        head = next((n for n, w in enumerate(following) if w in HEAD_NOUNS), None)
        if head is not None and ctx.gazetteer.by_id[place.mention.place_id].kind == "region":
            if all(w in ctx.rules.object_words for w in following[:head]):
                place.locator = place.modifier = True


AREA_NOUNS = _words("area_nouns")
PROVINCE_NOUNS = _words("province_nouns")
AROUND = _words("around")


def _names_area(sentence: _Sentence, ctx: _Context, place: PlaceRef, following: list[str]) -> bool:
    """A town's name before a noun of the area around it or named after it ('villages on the
    X border', 'Y, X region,', "X's neighbouring villages"): it says where, it is not the
    place."""
    if not following or ctx.gazetteer.by_id[place.mention.place_id].kind == "region":
        return False
    if following[0] in AREA_NOUNS:
        return True
    tokens = sentence.tokens
    if following[0] in PROVINCE_NOUNS and place.start > 1 and tokens[place.start - 1].text == ",":
        return place.start - 2 in sentence.place_at  # 'Y, X region,'
    possessive = tokens[place.end - 1].lower.endswith(("'s", "’s"))
    return (
        possessive
        and following[0] in AROUND
        and following[1:2] != []
        and following[1] in PLURAL_PLACES
    )


def _suburb_of(sentence: _Sentence, ctx: _Context, place: PlaceRef) -> bool:
    """'the Tripoli suburb of Ain Zara', 'the Mullaitivu district town of X': a noun of
    places after the place, then 'of' and another place: the place says where that one is."""
    tokens = sentence.tokens
    for k in range(place.end, min(place.end + 3, len(tokens) - 2)):
        word = tokens[k].lower
        if word in SUBURB_NOUNS and tokens[k + 1].lower == "of":
            return k + 2 in sentence.place_at
        if word in PREPOSITION_WORDS or word in DETERMINERS:
            return False  # 'a complex in the city of X': the complex is in X, not a modifier
        if word not in ctx.rules.object_words and word not in SUBURB_NOUNS:
            return False
    return False


def _part_after(sentence: _Sentence, ctx: _Context, i: int) -> bool:
    """Words of a part or a site at token ``i``, after a back-reference: 'the town centre',
    "the city's main base" (up to two describing words between)."""
    for k in range(i, min(i + 3, len(sentence.tokens))):
        if (
            max(
                sentence.cue_starting_at("partial", ctx, k, 2),
                sentence.cue_starting_at("site_after", ctx, k, 2),
            )
            > 0
        ):
            return True
        if sentence.tokens[k].lower not in ctx.rules.object_words:
            return False
    return False


def _shares_head(sentence: _Sentence, place: PlaceRef) -> bool:
    """The last of a list before a plural noun it shares: 'the A and B districts, as well
    as', where B is a district, not the place that says where others are."""
    before = _phrase_start(sentence.tokens, place.start) - 1
    if before <= 0 or sentence.tokens[before].lower not in LIST_JOINS:
        return False
    return before - 1 in sentence.place_at or sentence.tokens[before - 1].lower in DETERMINERS


def _names_where(sentence: _Sentence, ctx: _Context, place: PlaceRef) -> bool:
    """A place in the possessive that says where another place is: "East Darfur's Al-Daein",
    "Raqqa's Naim roundabout" (a region before any noun; any place before another place)."""
    if not sentence.tokens[place.end - 1].lower.endswith(("'s", "’s")):
        return False
    if ctx.gazetteer.by_id[place.mention.place_id].kind == "region":
        return True
    j = place.end
    while j < len(sentence.tokens) and j < place.end + 3 and j not in sentence.place_at:
        if sentence.tokens[j].lower not in ctx.rules.object_words:
            return False
        j += 1
    return j in sentence.place_at


def _named_as_kind(sentence: _Sentence, ctx: _Context, place: PlaceRef, j: int) -> bool:
    """'the key district of X' where X is a district: the noun before 'of' names the place's
    own kind, so 'district of' is no reference point here."""
    if j < 2 or sentence.tokens[j - 1].lower != "of":
        return False
    kind = ctx.gazetteer.by_id[place.mention.place_id].kind
    return kind in ctx.rules.anaphors.get(sentence.tokens[j - 2].lemma, ())


def _groups(sentence: _Sentence, ctx: _Context) -> list[list[PlaceRef]]:
    """Coordinated target places ('Sousa, Buqaan and Shajla') as one group each."""
    groups: list[list[PlaceRef]] = []
    for place in sentence.places:
        if place.locator:
            continue
        if groups:
            last = groups[-1][-1]
            gap = _list_gap(sentence, last.end, place.start)
            if ("including" in gap or "such" in gap) and _contains(ctx, last, place):
                groups.append([place])  # 'the Kharkiv region, including X': X is in it
                continue
            if _joins_list(set(gap)) and not _new_subject(sentence, place, gap):
                groups[-1].append(place)
                continue
            if _phrase_then_join(sentence, ctx, last.end, place.start) and _verbless(
                sentence, place
            ):
                groups[-1].append(place)  # 'A on the border and B', 'A on May 3; B on May 9'
                continue
        groups.append([place])
    return groups


def _new_subject(sentence: _Sentence, place: PlaceRef, gap: list[str]) -> bool:
    """'With the capture of A, B is now within range': a place after a bare comma with an
    auxiliary right after it opens a clause of its own; it is no list member."""
    following = sentence.tokens[place.end : place.end + 1]
    return gap == [","] and bool(following) and following[0].lower in MAIN_AUXILIARIES


def _included(sentence: _Sentence, ctx: _Context, group: list[PlaceRef]) -> list[PlaceRef] | None:
    """The places a region's name lists right after it ('X region, including A and B'): what
    was done to the region was done to them, and they are named."""
    head = group[-1]
    if ctx.gazetteer.by_id[head.mention.place_id].kind != "region":
        return None
    following = next((g for g in sentence.groups if g[0].start >= head.end), None)
    if following is None:
        return None
    gap = _list_gap(sentence, head.end, following[0].start)
    if ("including" in gap or "such" in gap) and _contains(ctx, head, following[0]):
        return following
    return None


def _contains(ctx: _Context, outer: PlaceRef, inner: PlaceRef) -> bool:
    """``outer`` is of a kind that holds places of ``inner``'s kind: a region holds any
    place, a city or a town its districts and sites."""
    kind = ctx.gazetteer.by_id[outer.mention.place_id].kind
    inner_kind = ctx.gazetteer.by_id[inner.mention.place_id].kind
    return kind == "region" or kind in CONTAINER_KINDS and inner_kind in PART_KINDS


def _joins_list(gap: set[str]) -> bool:
    """The words between two places make them one list: list words only, one of them a join,
    and at most a direction that places the member before ('A, to the east, and B')."""
    rest = gap - LIST_WORDS
    described = rest <= LIST_DIRECTIONS and bool(rest & COMPASS_POINTS)
    return bool(gap & LIST_JOINS) and (not rest or described)


def _list_gap(sentence: _Sentence, start: int, end: int) -> list[str]:
    """The words between two list items, less the places that only locate the first ('A of
    Balkh, B of Faryab': a known or an unknown name after 'of' or 'in')."""
    tokens = sentence.tokens
    gap: list[str] = []
    for i in range(start, end):
        place = sentence.place_at.get(i)
        if place is not None and place.locator:
            continue
        if _locating_name(tokens, i, start):
            continue
        gap.append(tokens[i].lower)
    return gap


def _locating_name(tokens: list[Tok], i: int, start: int) -> bool:
    """Token ``i`` is a capitalised name after 'of'/'in' (from ``start`` on): 'of Faryab'."""
    j = i
    while j > start and tokens[j].text[:1].isupper():
        j -= 1
    return j < i and tokens[j].lower in ("of", "in")


LIST_PREPOSITIONS = _words("list_prepositions")
ITEM_ENDS = _words("item_ends")


def _phrase_then_join(sentence: _Sentence, ctx: _Context, start: int, end: int) -> bool:
    """Tokens [start, end) are a short place or date phrase, then a join: 'on the Chinese
    border and', 'on January 17;' (no verb, side or clause word in them)."""
    words = [t.lower for t in sentence.tokens[start:end]]
    joins = 0
    while words and words[-1] in ITEM_ENDS:
        words.pop()
        joins += 1
    if not joins or not 0 < len(words) <= 7 or words[0] not in LIST_PREPOSITIONS:
        return False
    if any(start <= m.start < end for m in sentence.matches):
        return False
    if any(start <= a.start < end for a in sentence.actors):
        return False
    return not any(
        w in RELATIVES or w in BACKGROUND_OPENERS or w.endswith(("ed", "ing")) for w in words
    )


def _verbless(sentence: _Sentence, place: PlaceRef) -> bool:
    """No trigger follows the place before the next list mark: 'A; B remains under X control'
    gives B its own verb."""
    tokens = sentence.tokens
    stop = next(
        (i for i in range(place.end, len(tokens)) if tokens[i].lower in ITEM_ENDS),
        len(tokens),
    )
    return not any(place.end <= m.start < stop for m in sentence.matches)


@dataclass
class _Target:
    group: list[PlaceRef]
    before: bool  # the place stands before the trigger
    partial: bool = False
    anaphor: bool = False
    aside: bool = False
    distance: int = 0


def _anaphor(
    sentence: _Sentence, ctx: _Context, i: int, end_before: int, trigger_end: int = -1
) -> PlaceMention | None:
    """The place 'the town' at token ``i`` refers back to: the last place of a matching kind
    named before token ``end_before`` (this sentence), or in the two sentences before.
    ``trigger_end``: where the trigger governing it ends (its own preposition, as in
    'withdrew from the city', is no locator)."""
    noun = sentence.tokens[i].lemma
    kinds = ctx.rules.anaphors.get(noun)
    j = i - 1
    while j > 0 and (
        _actor_adjective(sentence, ctx, j)
        or _is_held_suffix(sentence, ctx, j)
        or (sentence.tokens[j].lower in ANAPHOR_MODIFIERS and i - j <= 3)
    ):
        j -= 1  # 'the rebel-held town', 'the strategic town'
    if not kinds or j < 0 or sentence.tokens[j].lower not in ctx.rules.determiners:
        return None  # 'the town' refers back; 'the last town held by X' describes
    following = sentence.tokens[i + 1 : i + 3]
    if len(following) == 2 and following[0].lower == "of" and following[1].text[:1].isupper():
        return None  # 'the northern city of X' names the place that follows
    if j != trigger_end and sentence.cue_ending_at("locator", ctx, j):
        return None  # 'south of the city': a reference point, not the place
    before = [p for p in sentence.places if p.end <= end_before]
    earlier = [p.mention for p in before if p.locator] + [
        p.mention for p in before if not p.locator
    ]
    return referent(ctx.recent + earlier, kinds, ctx.gazetteer, ctx.reference_points)


def referent(
    candidates: list[PlaceMention],
    kinds: tuple[str, ...],
    gazetteer: Gazetteer,
    reference_points: set[int],
) -> PlaceMention | None:
    """The place 'the town' refers to among ``candidates`` (in the order read): a named target
    before a reference point or a destination ('east of the capital X', 'retreated towards
    X'), then a place of the noun's own kind before one it may also name ('the town': a town
    before a city), the latest first."""
    targets = [m for m in candidates if m.start not in reference_points]
    points = [m for m in candidates if m.start in reference_points]
    for pool in (targets, points):
        for allowed in (kinds[:1], kinds):
            for mention in reversed(pool):
                if gazetteer.by_id[mention.place_id].kind in allowed:
                    return mention
    return None


def _group_of(sentence: _Sentence, place: PlaceRef) -> list[PlaceRef]:
    """The list a target place belongs to. A place the trigger's own preposition made a
    locator ('withdrew from X and Y') heads the list that follows it."""
    for group in sentence.groups:
        if place in group:
            return group
    if place.locator:
        following = next((g for g in sentence.groups if g[0].start >= place.end), None)
        if following is not None:
            gap = {t.lower for t in sentence.tokens[place.end : following[0].start]}
            if _joins_list(gap):
                return [place, *following]
    return [place]


NEAR = _words("near")
REMAINDER = _words("remainder")


def _target_after(
    sentence: _Sentence, ctx: _Context, start: int, end: int, near_ok: bool = False
) -> _Target | None:
    """The object of a trigger ending at token ``end``: the first target place reached across
    noun-phrase words only."""
    tokens = sentence.tokens
    partial = False
    partial_words: list[list[str]] = []  # the partial cues read before the place
    part = False  # 'the town centre', "the city's army base": a part of the place referred to
    comma_crossed = False
    anaphor: PlaceMention | None = None
    i = end
    while i < len(tokens) and i - end <= MAX_REACH:
        place = sentence.place_at.get(i)
        if place is not None:
            region = ctx.gazetteer.by_id[place.mention.place_id].kind == "region"
            if comma_crossed and anaphor is not None and region:
                break  # 'entered the city, the capital of X state': the city, X says where
            if place.modifier:
                i = place.end  # 'the Tigray regional capital X': read on to the town
                while i < len(tokens) and tokens[i].lower in SUBURB_NOUNS:
                    i += 1  # 'the X district town of Y': nouns of where Y is
                continue
            near = near_ok and any(t.lower in NEAR for t in tokens[max(end, i - 4) : i])
            if near:  # 'fighting continues in the vicinity of X': fought over, around X
                return _Target(_group_of(sentence, place), False, False, distance=MAX_REACH)
            own = all(t.lower in DETERMINERS or t.lower in TITLES for t in tokens[end:i])
            if place.locator and not own:  # 'withdrew from (the) X': the trigger's own preposition
                if any(t.lower in PLURAL_PLACES for t in tokens[end:i]):
                    return _enumerated(sentence, i + 1, False)  # 'villages near X: A, B'
                return None
            if any(t.lower in PLURAL_PLACES for t in tokens[end:i]):
                listed = _enumerated(sentence, place.end, False)  # 'areas in X like A, B'
                if listed is not None:
                    return listed
            if _inside_region(sentence, ctx, end, i, place):
                # 'captured towns in the province', unless it names them: 'including X'
                return _enumerated(sentence, place.end, False)
            included = _included(sentence, ctx, _group_of(sentence, place))
            if included is not None:  # 'secured most of southern X, including A and B'
                return _Target(included, False, False, distance=i - end)
            partial = any(not _names_kind(w, place, ctx) for w in partial_words)
            partial = partial or _possessive_partial(sentence, ctx, place)
            after = _group_of(sentence, place)[-1].end
            after_end = max(
                sentence.cue_starting_at("partial", ctx, after, 2),
                sentence.cue_starting_at("site_after", ctx, after, 2),
            )
            if after_end > 0:  # 'the Alba hospital': a part of the place, unless it is one
                words = [t.lower for t in tokens[after:after_end]]
                partial = partial or not _names_kind(words, place, ctx)
            group = _group_of(sentence, place)
            group = group + _and_listed(sentence, group[-1].end)
            return _Target(group, False, partial, distance=i - end)
        tok = tokens[i]
        if tok.text in QUOTES:
            i += 1
            continue
        if i == end and sentence.has("not_object", ctx, i, i + 1):
            return None
        partial_end = sentence.cue_starting_at("partial", ctx, i)
        site_end = sentence.cue_starting_at("site_after", ctx, i, 1)
        if site_end > 0 and site_end < len(tokens) and tokens[site_end].lower == "in":
            partial_end = site_end  # 'the Islamic State headquarters in X': a part of X
        if partial_end > 0:
            if tokens[i - 1].lower not in REMAINDER:  # 'the last parts of X': all that was left
                partial_words.append([t.lower for t in tokens[i:partial_end]])
            i = partial_end
            continue
        if anaphor is None and ctx.rules.anaphors.get(tok.lemma):
            anaphor = _anaphor(sentence, ctx, i, start, trigger_end=end)
            part = anaphor is not None and _part_after(sentence, ctx, i + 1)  # 'the town centre'
        if _actor_adjective(sentence, ctx, i):
            i += 1
            continue
        agent = _actor_at(sentence, i)
        modifier = (
            agent is not None
            and agent.end < len(tokens)
            and (
                tokens[agent.end].lower in HEAD_NOUNS  # 'a building in the rebel bastion of X'
            )
        )
        if agent is not None and (modifier or all(t.lower in DETERMINERS for t in tokens[end:i])):
            i = agent.end  # 'held by extremists in the enclave are X', 'drove the rebels from X'
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if _noun_phrase_word(tok, ctx, after) or (near_ok and tok.lower in NEAR):
            i += 1
            continue
        if _nested_locative(tokens, i):
            i += 2  # 'its last stand in Syria in the town of X': the country says where
            continue
        region_end = max(_region_name_end(tokens, i), _described_place(sentence, ctx, i))
        if region_end > i:
            i = region_end  # 'the Nord-Kivu province towns of X', 'the lakeside city of X'
            continue
        if _coordinated_compass(tokens, i) or _coordinated_part(sentence, ctx, i, partial_words):
            i += 1  # 'areas of northern and western X', 'tunnels and the edges of X'
            continue
        if tok.text == "," and not comma_crossed and i > end and tokens[i - 1].lower in HEAD_NOUNS:
            comma_crossed = True  # 'the group's final enclave, the village of X'
            partial_words = partial_words if anaphor else []  # "the main base, X": X itself
            i += 1
            continue
        break
    if anaphor is not None:
        ref = PlaceRef(anaphor, -1, -1)
        partial = partial or part or any(not _names_kind(w, ref, ctx) for w in partial_words)
        return _Target([ref], False, partial, anaphor=True, distance=i - end)  # 'parts of the town'
    if any(t.lower in PLURAL_PLACES for t in tokens[end:i]):
        return _enumerated(sentence, i, False)  # the villages named after it, whole
    return None


REGION_NOUNS = _words("region_nouns")
ANAPHOR_MODIFIERS = _words("anaphor_modifiers")


def _region_name_end(tokens: list[Tok], i: int) -> int:
    """After 'Nord Kivu province' when token ``i`` opens a name (capitalised words) that a
    region's noun closes; else ``i``."""
    j = i
    while j < len(tokens) and j - i < 3 and tokens[j].text[:1].isupper():
        j += 1
    return j + 1 if j > i and j < len(tokens) and tokens[j].lower in REGION_NOUNS else i


DESCRIPTOR_REACH = 4  # words that may describe a place's noun: 'the coltan mining town of X'


def _described_place(sentence: _Sentence, ctx: _Context, i: int) -> int:
    """Where the place begins when the words from token ``i`` describe a noun of places that
    'of' and the place follow ('the lakeside city of X', 'the rail hub of X'); else 0. The
    describing words are plain words: no preposition, place, side or trigger among them."""
    tokens = sentence.tokens
    for k in range(i, min(i + DESCRIPTOR_REACH + 1, len(tokens) - 2)):
        tok = tokens[k]
        noun = tok.lemma in ctx.rules.anaphors or tok.lower in DESCRIBED_NOUNS
        if noun and tokens[k + 1].lower == "of" and k + 2 in sentence.place_at:
            return k + 2
        place = sentence.place_at.get(k)
        if (
            not tok.text[:1].isalnum()
            or tok.lower in PREPOSITION_WORDS
            or (place is not None and not place.modifier)
            or (_actor_at(sentence, k) is not None and not _actor_adjective(sentence, ctx, k))
            or any(m.start <= k < m.end for m in sentence.matches)
        ):
            return 0
    return 0


def _nested_locative(tokens: list[Tok], i: int) -> bool:
    """Token ``i`` is a name no gazetteer holds (a country) between two 'in's: 'in Syria in
    the town of X' names X."""
    return (
        0 < i < len(tokens) - 2
        and tokens[i - 1].lower in ("in", "at")
        and tokens[i].text[:1].isupper()
        and tokens[i + 1].lower == "in"
    )


def _coordinated_compass(tokens: list[Tok], i: int) -> bool:
    """Token ``i`` joins two compass words of one noun phrase: 'northern and western X'."""
    return (
        0 < i < len(tokens) - 1
        and tokens[i].lower in ("and", "or")
        and tokens[i - 1].lower in COMPASS
        and tokens[i + 1].lower in COMPASS
    )


def _coordinated_part(
    sentence: _Sentence, ctx: _Context, i: int, partial_words: list[list[str]]
) -> bool:
    """Token ``i`` joins two parts of one place: 'confined to tunnels and the edges of X'."""
    if sentence.tokens[i].lower not in ("and", "or") or not partial_words:
        return False
    return sentence.cue_starting_at("partial", ctx, _object_start(sentence, i + 1)) > 0


HEAD_NOUNS = _words("head_nouns")
SUBURB_NOUNS = _words("suburb_nouns")
DESCRIBED_NOUNS = SUBURB_NOUNS | HEAD_NOUNS | _words("described_nouns")
PLURAL_PLACES = _words("plural_places")
PARTS = _words("parts")
HELD_PARTS = _words("held_parts")
ENUMERATORS = _words("enumerators")


def _enumerated(sentence: _Sentence, i: int, partial: bool) -> _Target | None:
    """'the liberation of five settlements near Lyman: they are A, B and C' names A, B, C."""
    tokens = sentence.tokens
    for j in range(i, min(len(tokens), i + 12)):
        comma_list = tokens[j].text == "," and j > 0 and tokens[j - 1].lower in PLURAL_PLACES
        if tokens[j].lower in ENUMERATORS or tokens[j].text == ":" or comma_list:
            for k in range(j + 1, min(len(tokens), j + 5)):
                place = sentence.place_at.get(k)
                if place is not None:
                    return _Target(_group_of(sentence, place), False, partial, distance=k - i)
            return None
        if tokens[j].text in (";", "."):
            return None
    return None


def _and_listed(sentence: _Sentence, end: int) -> list[PlaceRef]:
    """'captured X and two nearby villages – A and B': the places a second conjunct's plural
    noun lists."""
    tokens = sentence.tokens
    if end >= len(tokens) or tokens[end].lower != "and":
        return []
    for k in range(end + 1, min(len(tokens), end + 5)):
        if k in sentence.place_at or tokens[k].text in BARRIERS:
            return []
        if tokens[k].lower in PLURAL_PLACES:
            listed = _enumerated(sentence, k + 1, False)
            return listed.group if listed is not None else []
    return []


def _noun_phrase_word(tok: Tok, ctx: _Context, following: Tok | None = None) -> bool:
    """A word that may stand in a noun phrase before a place: 'the strategic town of',
    'Iraq's second largest city', 'their Syrian headquarters at', 'the Rakhine township of'
    (a name before a kind of place)."""
    if tok.lower in ctx.rules.object_words or tok.text.isdigit():
        return True
    if following is not None and tok.text[:1].isupper() and following.lemma in ctx.rules.anaphors:
        return True
    if tok.text[:1].isupper() and tok.lower.endswith(("'s", "’s")):
        return True  # a possessive name: "Iraq's"
    return tok.text[:1].isupper() and tok.lower.endswith(("ian", "ish", "ese", "iqi", "ani"))


def _actor_at(sentence: _Sentence, i: int) -> ActorRef | None:
    return next((a for a in sentence.actors if a.start == i), None)


def _actor_adjective(sentence: _Sentence, ctx: _Context, i: int) -> bool:
    """Token ``i`` belongs to an 'rebel-held' adjective: a side's words before the suffix, or
    any word joined to it by a hyphen ('Kremlin-held': the holder unknown, an adjective still)."""
    tokens = sentence.tokens
    for actor in sentence.actors:
        if actor.start <= i < actor.end and actor.end < len(tokens):
            return sentence.has("held_suffix", ctx, actor.end, actor.end + 1)
    return _hyphen_suffix(sentence, ctx, i + 1)


def _hyphen_suffix(sentence: _Sentence, ctx: _Context, i: int) -> bool:
    """Token ``i`` is a held suffix joined by a hyphen to the word before ('-held')."""
    return (
        0 < i < len(sentence.tokens)
        and _hyphenated(sentence, i)
        and sentence.has("held_suffix", ctx, i, i + 1)
    )


CONTAINERS = _words("containers")


def _inside_region(sentence: _Sentence, ctx: _Context, end: int, i: int, place: PlaceRef) -> bool:
    """The object is a thing inside the place ('towns in the region', 'its stronghold in
    eastern Deir ez-Zor'), not the place: a head noun, then 'in', then a region."""
    words = [t.lower for t in sentence.tokens[end:i]]
    if not any(w in CONTAINERS for w in words):
        return False
    head = next((w for w in words if w in PLURAL_PLACES or w in HEAD_NOUNS), "")
    kind = ctx.gazetteer.by_id[place.mention.place_id].kind
    if kind != "region" and head in PARTS:
        return False  # 'several areas in the city': a part of it (partial), not another place
    return bool(head) and (head in PLURAL_PLACES or kind == "region")


def _names_kind(words: list[str], place: PlaceRef, ctx: _Context) -> bool:
    """'the X neighbourhood' when X is a neighbourhood, 'the Y bridge' when Y is a bridge: the
    word names the place itself, not a part of it."""
    kind = ctx.gazetteer.by_id[place.mention.place_id].kind
    return any(kind in ctx.rules.anaphors.get(lemma_of(w), ()) for w in words)


def _hyphenated(sentence: _Sentence, i: int) -> bool:
    """Token ``i`` is joined to the one before by a hyphen ('rebel-held'), not a space."""
    tokens, offset = sentence.tokens, sentence.span.start
    return i > 0 and sentence.span.text[tokens[i - 1].end - offset : tokens[i].start - offset] in (
        "-",
        "‐",
        "–",
    )


def _is_held_suffix(sentence: _Sentence, ctx: _Context, i: int) -> bool:
    return _hyphen_suffix(sentence, ctx, i) or (
        i > 0
        and sentence.has("held_suffix", ctx, i, i + 1)
        and _actor_adjective(sentence, ctx, i - 1)
    )


def _possessive_partial(sentence: _Sentence, ctx: _Context, place: PlaceRef) -> bool:
    """'Alba's outskirts', 'the outskirts of Alba' (the latter is caught before the place)."""
    tok = sentence.tokens[place.end - 1]
    if tok.lower.endswith(("'s", "’s")):
        return sentence.has("partial", ctx, place.end, place.end + 2)
    return False


def _target_before(sentence: _Sentence, ctx: _Context, start: int) -> _Target | None:
    """The subject of a trigger starting at token ``start``: a target place before it, across
    auxiliaries and adverbs and at most one comma-bounded aside."""
    tokens = sentence.tokens
    i = start - 1
    aside = False
    while i >= 0 and start - i <= MAX_REACH + 8:
        place = sentence.place_at.get(i)
        if place is not None and place.locator and place.start > 0:
            i = place.start - 1  # 'X in Y region is the first town seized by': Y says where X is
            i -= tokens[i].lower in LOCATIVES or tokens[i].text == ","
            continue
        if (
            place is not None
            and not place.locator
            and tokens[place.end].lower in ("the", "a", "an")
        ):
            return None  # 'advancing into X the area held by': a new noun phrase is the subject
        if place is not None and not place.locator:
            j = _phrase_start(tokens, place.start)  # 'half of the X town'
            partial = sentence.cue_ending_at("partial", ctx, j)
            if j > 0 and tokens[j - 1].lower == "of":  # 'the last neighbourhoods of X held by'
                partial = partial or sentence.cue_ending_at("partial", ctx, j - 1)
            part_end = sentence.cue_starting_at("partial", ctx, place.end, 2)
            if part_end > 0:  # 'the first X neighbourhood to fall': a part of X
                words = [t.lower for t in tokens[place.end : part_end]]
                partial = partial or not _names_kind(words, place, ctx)
            return _Target(
                _group_of(sentence, place), True, partial, aside=aside, distance=start - i
            )
        tok = tokens[i]
        if tok.text in QUOTES or tok.lower in ctx.rules.subject_words:
            i -= 1
            continue
        if (
            tok.lower == "to"
            and i == start - 1
            and i > 0
            and tokens[i - 1].lemma in ctx.rules.sites.towns  # not 'the first X district to'
        ):
            i -= 1  # 'X is the latest town to fall to the rebels'
            continue
        owner = next((a for a in sentence.actors if a.end == i + 1 == start), None)
        if owner is not None:
            i = owner.start - 1  # 'X, a rebel stronghold': the side says whose
            continue
        if i >= 2 and tok.text[:1].isupper() and tokens[i - 1].lower == "of":
            if i - 2 in sentence.place_at:
                i -= 2  # 'Gardez of Paktia fell': Paktia says where Gardez is
                continue
        if ctx.rules.anaphors.get(tok.lemma) and not aside:
            mention = _anaphor(sentence, ctx, i, i)
            if mention is not None:
                partial = sentence.cue_ending_at("partial", ctx, i - 1)  # 'half of the town'
                ref = PlaceRef(mention, -1, -1)
                return _Target([ref], True, partial, anaphor=True, distance=start - i)
        if _noun_phrase_word(tok, ctx):
            i -= 1  # 'X is the last town held by': a predicate noun phrase
            continue
        if (
            tok.lower == "and"
            and i + 1 < start
            and tokens[i + 1].lower in ("its", "their", "surrounding")
        ):
            i -= 1  # 'X and its surroundings have been freed'
            continue
        if tok.lower in CURRENT and all(t.lower in CURRENT for t in tokens[i:start]):
            i -= 1  # 'X, now under Y control': the adverb before the holding
            continue
        if tok.text == "," and not aside:
            adverbs = all(t.lower in CURRENT for t in tokens[i + 1 : start])
            beside = sentence.place_at.get(i - 1) if adverbs else None
            verb = tokens[start]
            by = start + 1 < len(tokens) and tokens[start + 1].lower == "by"
            participle = by and _participle(verb) and verb.lower not in PASSIVE_AUX
            participle = participle or verb.lower in PREDICATE_PREPOSITIONS  # 'X, under Y control'
            if beside is not None and not beside.locator and participle:
                group = _group_of(sentence, beside)  # 'X, held by the rebels since 2014,'
                return _Target(group, True, distance=1)
            named = _appositive_head(sentence, ctx, i)
            if named is not None:  # 'X, the last town held by', 'the capital, X, as the last'
                return _Target(_group_of(sentence, named), True, distance=start - i)
            # skip back over an aside: ', in the Alba area near the border,'
            j = i - 1
            while j >= 0 and tokens[j].text not in (",", ";", "(", ")") and i - j <= 20:
                j -= 1
            relative = j + 1 < i and tokens[j + 1].lower in RELATIVES  # its own event
            if (
                j >= 0
                and tokens[j].text == ","
                and (relative or not _has_trigger(sentence, ctx, j, i))
            ):
                listed = _appositive_list(sentence, j, i)
                if listed is not None:  # 'seven capitals, A of X and B of Y, fell'
                    return _Target(
                        _group_of(sentence, listed), True, aside=True, distance=start - j
                    )
                aside = True
                i = j - 1
                continue
            return None
        return None
    return None


LIST_HEADS = PLURAL_PLACES | _words("list_heads")
LOCATED = _words("located")


def _located_in(sentence: _Sentence, ctx: _Context, start: int) -> _Target | None:
    """The place said to lie in the area a held adjective at ``start`` opens: 'X is in the
    last rebel-held pocket', 'X, located in rebel-held territory'."""
    tokens = sentence.tokens
    j = start - 1
    while j >= 0 and (tokens[j].lower in DETERMINERS or tokens[j].lower in REMAINDER):
        j -= 1
    if j < 1 or tokens[j].lower not in ("in", "inside", "within"):
        return None
    j -= 1
    while j >= 0 and (tokens[j].lower in LOCATED or tokens[j].lower in ctx.rules.subject_words):
        j -= 1
    if j > 0 and tokens[j].text == "," and tokens[j + 1].lower in LOCATED:
        j -= 1  # 'X, located in'
    place = sentence.place_at.get(j)
    if place is None or place.locator or j == start - 1:
        return None
    return _Target(_group_of(sentence, place), True, distance=start - j)


def _appositive_head(sentence: _Sentence, ctx: _Context, comma: int) -> PlaceRef | None:
    """The place a noun phrase after ``comma`` describes: a place right before the comma when
    the phrase opens with a determiner ('X, the last town held by'), or a name set between
    commas after a title ('the capital, X, as the last')."""
    tokens = sentence.tokens
    place = sentence.place_at.get(comma - 1)
    if place is None:
        return None
    opens = comma + 1 < len(tokens) and tokens[comma + 1].lower in DETERMINERS
    if opens and tokens[comma + 1].lower != "its":
        return place
    before = place.start - 1
    boxed = before > 0 and tokens[before].text == "," and tokens[before - 1].lower in TITLES
    return place if boxed and not place.locator else None


def _appositive_list(sentence: _Sentence, comma: int, end: int) -> PlaceRef | None:
    """The first target place of a list between two commas that names the plural noun before
    it ('seven provincial capitals, A of X and B of Y,')."""
    if comma == 0 or sentence.tokens[comma - 1].lower not in LIST_HEADS:
        return None
    inside = [p for p in sentence.places if comma < p.start < end and not p.locator]
    return inside[0] if inside else None


def _has_trigger(sentence: _Sentence, ctx: _Context, start: int, end: int) -> bool:
    """A change of control is told inside tokens[start:end] (the sentence's own matches)."""
    return any(
        ctx.rules.triggers[m.rule].kind in CHANGE_KINDS
        for m in sentence.matches
        if start <= m.start and m.end <= end
    )


def _relative_antecedent(sentence: _Sentence, start: int, passive: bool = False) -> _Target | None:
    """'Alba, which the army captured': the trigger's clause opens with a relative pronoun
    right after a place. ``passive``: the clause needs no side ('X, which was seized on
    Friday'); an active one does ('al-Hol, which takes six hours' is no control)."""
    first = _clause_first(sentence, sentence.clause_of[start])
    if sentence.tokens[first].lower not in RELATIVES:
        return None
    clause = sentence.clause_of[start]
    where = sentence.tokens[first].lower == "where"
    named = any(sentence.clause_of[a.start] == clause for a in sentence.actors)
    pronoun = any(t.lower in PRONOUNS for t in sentence.tokens[first + 1 : start])
    named = named or (pronoun and any(a.end <= first for a in sentence.actors))  # 'which it took'
    if not (where or named or passive):
        return None  # 'al-Hol, which takes six hours': no side, no control
    j = first - 1
    while j >= 0 and sentence.tokens[j].text == ",":
        j -= 1
    place = sentence.place_at.get(j)
    if place is None or (place.locator and where):
        return None
    return _Target([place], True, distance=start - j)


def _progressive(sentence: _Sentence, m: Match) -> bool:
    """'were clearing X': a capture under way, not done."""
    return any(t.lower.endswith("ing") for t in sentence.tokens[m.start : m.end])


def _reduced_passive(sentence: _Sentence, m) -> bool:
    """'the first capital seized by the rebels', 'X retaken from the rebels': a one-word
    participle after a noun, then 'by' or 'from' and a side."""
    tokens = sentence.tokens
    if (
        m.end - m.start != 1
        or m.end + 1 >= len(tokens)
        or tokens[m.end].lower not in ("by", "from")
    ):
        return False  # '... seized by the rebels', 'X retaken from the rebels (by Y)'
    by_side = any(a.start in (m.end + 1, m.end + 2) for a in sentence.actors)
    return by_side and _participle(tokens[m.start]) and tokens[m.start - 1].text.isalpha()


def _participle(tok: Tok) -> bool:
    """'defeated', 'taken' (not 'laying', not the bare 'control')."""
    return tok.lower != tok.lemma and not tok.lower.endswith("ing")


PREPOSITION_WORDS = _words("preposition_words")
DESTINATIONS = _words("destinations")
APPOSITION = 5  # tokens from a place to the noun set beside it: 'X, a rebel stronghold'
NOUN_PREPOSITIONS = _words("noun_prepositions")
PASSIVE_AUX = _words("passive_aux")
NOUN_MARKS = _words("noun_marks")
LOCATIVES = _words("locatives")
SCENE_KINDS = ("contested", "surrendered", "besieged")


def find_target(sentence: _Sentence, ctx: _Context, rule: TriggerRule, start: int, end: int):
    """The place group a trigger (tokens start..end) governs, or None."""
    target = None
    if rule.place == "inside":  # 'declared X liberated'
        inside = [p for p in sentence.places if start <= p.start < end and not p.locator]
        return _Target(_group_of(sentence, inside[0]), False) if inside else None
    if end < len(sentence.tokens) and sentence.has("not_object", ctx, end, end + 1):
        return None  # 'took advantage of', 'took part in': not the place's fate
    if rule.place in ("after", "either"):
        target = _target_after(sentence, ctx, start, end)
        if target is not None and rule.direct and not target.before and not target.anaphor:
            crossed = {t.lower for t in sentence.tokens[end : target.group[0].start]}
            target = None if crossed & PREPOSITION_WORDS else target
        if target is not None and rule.kind == "withdrew" and not target.anaphor:
            crossed = {t.lower for t in sentence.tokens[end : target.group[0].start]}
            target = None if crossed & DESTINATIONS else target  # '... from the capital to X'
        if target is None and rule.voice in ("active", "participle", "nominal", "noun", "held_in"):
            target = _relative_antecedent(sentence, start)
    if (
        target is not None
        and rule.kind == "held"
        and not target.before
        and start > 0
        and sentence.tokens[start - 1].lower in HELD_PARTS
    ):
        target.partial = True  # 'the final area held by X in Y': a part of Y
    if target is None and rule.place in ("before", "either"):
        target = _target_before(sentence, ctx, start) or _relative_antecedent(
            sentence, start, passive=rule.voice == "passive"
        )
        if target is not None and rule.voice == "possessed" and target.distance > APPOSITION:
            target = None  # 'X, a rebel stronghold': the noun stands right beside its place
    if target is None and rule.voice == "noun":
        target = _target_after(sentence, ctx, start, end, near_ok=True)
    if target is None and rule.kind in SCENE_KINDS:
        target = _scene(sentence, start)
    return target


def _scene(sentence: _Sentence, start: int) -> _Target | None:
    """Where fighting or a surrender happens when its words name no place: a place set in
    front of it ('In X, the militants launched a counter-attack', 'A reporter in X saw
    hundreds surrendering')."""
    for place in reversed(sentence.places):
        if place.end > start or place.locator or place.start == 0:
            continue
        if sentence.tokens[place.start - 1].lower in LOCATIVES:
            return _Target([place], True, distance=MAX_REACH)
    return None


# --- modality --------------------------------------------------------------------------------


def modality(sentence: _Sentence, ctx: _Context, rule: TriggerRule, start: int, end: int) -> str:
    """'drop' (negated or not real), 'contested' (near, attempted), or 'plain'."""
    first, last = sentence.clause_bounds[sentence.clause_of[start]]
    near = max(first, start - 5)
    unopposed = {k for s, e in sentence.cue_at("unopposed", ctx, near, end) for k in range(s, e)}
    if any(s not in unopposed for s, _e in sentence.cue_at("negation", ctx, near, end)):
        return "drop"  # 'did not take X'; not 'rolled into X without any resistance'
    if sentence.clause_of[start] == 0 and sentence.tokens[0].lower == "had":
        return "drop"  # 'Had the army taken X earlier, ...': it did not
    if sentence.has("denial", ctx, end, len(sentence.tokens)):
        return "drop"  # 'Reports that the army took X are false'
    if sentence.has("disputed", ctx, first, start):
        return "drop"  # 'Armenia denied its forces had lost control of X'
    if rule.kind == "withdrew" and _cue_in_phrase_before(sentence, ctx, "intended", start, 6):
        return "drop"  # 'Russia orders withdrawal from X', 'began withdrawing from X'
    verb = rule.voice not in ("noun", "nominal")  # not 'until clashes broke out in X'
    opener = sentence.tokens[first].lower
    if verb and opener in PENDING_OPENERS and _present(sentence, first, start):
        return "drop"  # 'we will not stop until X is freed': not yet
    if opener in TIME_OPENERS and first > 0 and _planned(sentence, ctx, first):
        return "drop"  # 'Turkey would push to Y after clearing X': the plan's step, not done
    if sentence.cue_ending_at("arranged", ctx, start, reach=3):
        return "drop"  # 'X is to be handed over on Nov. 25': not yet done
    if rule.kind != "surrendered" and _civilians(sentence, ctx, start):
        return "drop"  # 'refugees fleeing X', 'thousands of Kurds fled to X': people, not a side
    if rule.kind == "held" and sentence.cue_ending_at("captives", ctx, start):
        return "drop"  # 'hostages held in X': people are held, not the place
    if rule.kind == "captured" and sentence.has("captives", ctx, start + 1, end):
        return "drop"  # 'driving officials out of X': people driven out, not a side
    if rule.voice == "noun" and _fight_ended(sentence, ctx, end, last):
        return "drop"  # 'combat operations in X are over'
    if rule.kind == "contested" and sentence.has("ends", ctx, max(first, start - 5), start):
        return "drop"  # 'ends Haftar's 14-month offensive against Tripoli'
    if rule.kind == "besieged" and _cue_in_phrase_before(sentence, ctx, "lifted", start, 4):
        return "drop"  # 'the army broke the siege of X': no longer besieged
    scope_end = last if rule.voice in ("nominal", "participle") else start
    if sentence.has("proximity", ctx, max(first, start - 6), scope_end):
        return "contested"
    that = [j for j in range(first, start) if sentence.tokens[j].lower == "that"]
    frame = that[-1] + 1 if that else first  # 'X would like to remind that the rebels hold Y'
    if sentence.has("hypothetical", ctx, frame, scope_end):
        return "drop"
    if sentence.cue_ending_at("attempt", ctx, start, reach=6):
        return "contested"
    if rule.kind == "captured" and _purpose(sentence, ctx, start):
        return "contested"  # 'sent reinforcements to retake X': an operation, not its outcome
    return "plain"


PENDING_OPENERS = _words("pending_openers")
TIME_OPENERS = _words("time_openers")
PLAN_WORDS = _words("plan_words")


def _planned(sentence: _Sentence, ctx: _Context, first: int) -> bool:
    """The clause before a clause of time (which opens at ``first``) is a plan or a
    prediction: 'would push to Y after clearing X', 'will march on Y once X falls'."""
    begin, _end = sentence.clause_bounds[sentence.clause_of[first - 1]]
    cues = sentence.cue_at("hypothetical", ctx, begin, first)  # not 'vowed to … after taking X'
    return any(sentence.tokens[s].lower in PLAN_WORDS for s, _e in cues)


def _present(sentence: _Sentence, first: int, start: int) -> bool:
    """The clause from token ``first`` to the trigger at ``start`` is in the present tense:
    an auxiliary of the present, or a trigger verb in its present form ('until we take X')."""
    tokens = sentence.tokens
    if any(t.lower in PRESENT_AUXILIARIES for t in tokens[first : start + 1]):
        return True
    verb = tokens[start]
    return verb.lower in (verb.lemma, verb.lemma + "s", verb.lemma + "es")


def _civilians(sentence: _Sentence, ctx: _Context, start: int) -> bool:
    """People, not a side, right before the trigger: 'refugees fled to X', or one word after
    'thousands of' ('thousands of Kurds fled to X'; not 'thousands of rebel fighters')."""
    if sentence.cue_ending_at("civilians", ctx, start):
        return True
    if start < 2 or not sentence.cue_ending_at("civilians", ctx, start - 1):
        return False
    armed = sentence.has("member", ctx, start - 1, start)  # 'thousands of fighters fled'
    return not armed and not any(a.start <= start - 1 < a.end for a in sentence.actors)


PHRASE_BREAKS = frozenset({",", ";", "and"})


def _cue_in_phrase_before(
    sentence: _Sentence, ctx: _Context, name: str, start: int, reach: int
) -> bool:
    """A cue of class ``name`` begins at most ``reach`` tokens before the trigger at ``start``
    and ends before it, with no comma, semicolon or 'and' between: the same phrase
    ('Russia orders withdrawal from X', 'broke the siege of X')."""
    for s, e in sentence.cues(name, ctx):
        between = {t.text for t in sentence.tokens[e:start]}
        if start - reach <= s and e <= start and not between & PHRASE_BREAKS:
            return True
    return False


def _purpose(sentence: _Sentence, ctx: _Context, start: int) -> bool:
    """The trigger at ``start`` is an infinitive of purpose ('... to retake X'), not one of a
    done deed ('managed (earlier this week) to retake X', 'went on to capture X')."""
    tokens = sentence.tokens
    if start == 0 or tokens[start - 1].lower != "to" or tokens[start].lower == "have":
        return False  # 'claimed to have taken X': done
    return not sentence.cue_at("achieved", ctx, max(0, start - 6), start - 1)


def _fight_ended(sentence: _Sentence, ctx: _Context, end: int, last: int) -> bool:
    """'the fighting in X is over' (not 'is expected to be over soon')."""
    ended = sentence.cue_at("ended", ctx, end, last)
    return bool(ended) and not sentence.has("hypothetical", ctx, end, ended[0][0])


# --- roles -----------------------------------------------------------------------------------


def _members_owner(sentence: _Sentence, ctx: _Context, first: int, start: int) -> ActorRef | None:
    """The side whose members are the subject right before a trigger ('its forces overran
    X', 'their fighters took X'): the side named last before them in the sentence."""
    tokens = sentence.tokens
    j = start - 1
    while j > first and tokens[j].lower in ctx.rules.subject_words:
        j -= 1
    if j <= first or tokens[j].lower not in MEMBERS or tokens[j - 1].lower not in ("its", "their"):
        return None
    if any(a.start <= j < a.end for a in sentence.actors):
        return None  # 'their rebel fighters': named
    earlier = [a for a in sentence.actors if a.end <= j - 1]
    if earlier:
        return earlier[-1]
    said = sentence.cue_at("attribution", ctx, 0, j - 1)  # 'Georgian officials said their
    return _speaker_adjective(sentence, ctx, said[-1][0]) if said else None  # troops took X'


def _subject(sentence: _Sentence, ctx: _Context, start: int) -> ActorRef | None:
    """The side that is the subject of a trigger at ``start``: the antecedent of a relative
    clause ('the army, which took X'), else the nearest actor before it in its clause (after a
    'said that'), that no preposition governs, that is no verb's object ('defeated the rebels')
    and that does not speak in an attribution; else the first such in the sentence."""
    clause = sentence.clause_of[start]
    first = _clause_first(sentence, clause)
    if sentence.tokens[first].lower in RELATIVES:
        j = first - 1
        while j >= 0 and sentence.tokens[j].text in BARRIERS:
            j -= 1
        antecedent = next((a for a in sentence.actors if a.end == j + 1), None)
        if antecedent is not None:
            return antecedent
    owner = _members_owner(sentence, ctx, first, start)
    if owner is not None:  # 'held by ISIL since May, when its forces overran the city'
        return owner
    objects = {  # inside an earlier trigger or right after it: its object
        i
        for m in sentence.matches
        if m.end <= start
        for i in range(m.start + 1, _object_start(sentence, m.end) + 1)
    }
    candidates = [
        a
        for a in sentence.actors
        if a.end <= start
        and not _governed(sentence, ctx, a)
        and not _in_attribution(sentence, ctx, a)
        and a.start not in objects
    ]
    by_agent = _attempt_agent(sentence, ctx, start)
    if by_agent is not None:  # 'attempts by the Azerbaijani military to capture X'
        return by_agent
    window = _complement_start(sentence, ctx, first, start)
    in_clause = [
        a for a in candidates if sentence.clause_of[a.start] == clause and a.start >= window
    ]
    if _unnamed_subject(sentence, ctx, first, start):
        return None  # '... resisted before troops regained X': troops of no named side
    if in_clause:
        return _first_conjunct(sentence, in_clause)
    speaker = _speaker(sentence, ctx, start)
    if speaker is not None:
        return speaker
    pronoun = [j for j in range(max(0, start - 3), start) if sentence.tokens[j].lower in PRONOUNS]
    if pronoun:  # '... were left by the army when they withdrew from X'
        earlier = [a for a in sentence.actors if a.end <= pronoun[-1]]
        return earlier[-1] if earlier else None
    return candidates[0] if candidates else None


def _losers(sentence: _Sentence, ctx: _Context) -> frozenset[str]:
    """The sides the sentence has flee, withdraw or surrender ('after junta soldiers fled'):
    never the taker a capture must guess."""
    found = set()
    tokens = sentence.tokens
    for m in sentence.matches:
        kind = ctx.rules.triggers[m.rule].kind
        if kind in ("withdrew", "surrendered"):
            subject = next((a for a in sentence.actors if 0 <= m.start - a.end <= 2), None)
            if subject is not None:
                found.add(subject.side)
        elif kind == "captured" and _took_it_before(sentence, m):
            first, end = sentence.clause_bounds[sentence.clause_of[m.start]]
            found.update(a.side for a in sentence.actors if first <= a.start < end)
        elif kind == "captured" and tokens[m.start].lower in FELL:
            announcer = _announcer(sentence, ctx, m.start)  # 'rebel leaders said X fell'
            found.update([announcer.side] if announcer else [])
    taken = [m.end for m in sentence.matches if ctx.rules.triggers[m.rule].kind == "captured"]
    for actor in sentence.actors:  # 'killing scores of insurgents', 'took X, …, from the rebels'
        after = [t.lower for t in tokens[actor.end : actor.end + 2]]
        if after and (after[0] in FLED or after[:1] == ["had"] and after[1:] and after[1] in FLED):
            found.add(actor.side)  # '… after the rebels fled': no place, still the losers
        before = [t.lower for t in tokens[max(0, actor.start - 4) : actor.start]]
        after_capture = "from" in before[-2:] and any(end <= actor.start for end in taken)
        if not HARMED.isdisjoint(before) or after_capture:
            found.add(actor.side)
    return frozenset(found)


HARMED = _words("harmed")
FELL = _words("fell")
FLED = _words("fled")


def _took_it_before(sentence: _Sentence, m: Match) -> bool:
    """A capture of 'it' in a clause of 'after' ('… a month after the rebels overran it',
    'seven weeks after it was seized by X'): who took the place before."""
    tokens = sentence.tokens
    first, _end = sentence.clause_bounds[sentence.clause_of[m.start]]
    if tokens[first].lower not in ("after", "since"):
        return False
    nearby = [t.lower for t in tokens[max(first, m.start - 3) : m.end + 1]]
    return "it" in nearby


def _first_conjunct(sentence: _Sentence, candidates: list[ActorRef]) -> ActorRef:
    """The last candidate, or the first of a subject 'A and B' it ends ('Iraqi troops and
    Shi'ite militias recaptured X': the first named leads; the second may hold no ground)."""
    last = candidates[-1]
    j = last.start - 1
    while j >= 0 and sentence.tokens[j].lower in DETERMINERS:
        j -= 1
    if j >= 1 and sentence.tokens[j].lower == "and":
        earlier = [a for a in candidates if j - 1 <= a.end <= j]  # 'Kurdish fighters and …'
        if earlier:
            return earlier[-1]
    return last


def _unnamed_subject(sentence: _Sentence, ctx: _Context, first: int, start: int) -> bool:
    """The trigger's own clause has a subject no side names: 'troops', 'the fighters' right
    before it (past the words a subject may stand apart by: 'have', 'now')."""
    j = start - 1
    while j >= first and sentence.tokens[j].lower in ctx.rules.subject_words:
        j -= 1
    if j < first or not sentence.has("member", ctx, j, j + 1):
        return False
    if j > 0 and sentence.tokens[j - 1].lower in POSSESSIVE_PRONOUNS:
        return False  # 'its forces': a side named before
    named = [a for a in sentence.actors if a.start <= j]
    if not named:
        return True
    between = sentence.tokens[max(a.end for a in named) : j]  # 'the Northern Army (NA) fighters'
    return not all(t.text in "()[]-" or t.text.isupper() for t in between)


PRONOUNS = _words("pronouns")
POSSESSIVE_PRONOUNS = _words("possessive_pronouns")


def _speaker(sentence: _Sentence, ctx: _Context, start: int) -> ActorRef | None:
    """'A spokesman for the Tigrayan forces told AFP they had seized X': a pronoun subject
    after a verb of saying is the speaker's side."""
    tokens = sentence.tokens
    for j in range(start - 1, max(-1, start - 8), -1):
        if tokens[j].lower in PRONOUNS:
            said = sentence.cue_at("attribution", ctx, j - 5, j)
            if not said and tokens[j].lower in FIRST_PERSON:
                return _quoted_speaker(sentence, ctx, start)
            if not said:
                return None
            before = [a for a in sentence.actors if a.end <= said[-1][0]]
            return before[-1] if before else _speaker_adjective(sentence, ctx, said[-1][0])
    return None


FIRST_PERSON = _words("first_person")


def _quoted_speaker(sentence: _Sentence, ctx: _Context, start: int) -> ActorRef | None:
    """'"We have liberated X," said a rebel commander': 'we' in a quote is the side of the one
    who says it after the quote closes."""
    tokens = sentence.tokens
    close = next((k for k in range(start, len(tokens)) if tokens[k].text in QUOTES), -1)
    saying = sentence.cue_at("attribution", ctx, close, close + 6) if close >= 0 else []
    if not saying:
        return None
    near = [a for a in sentence.actors if close < a.start <= close + 6]
    if near:
        return near[0]
    said = saying[0][0]
    # '," a rebel commander said': the words between the quote and the verb; never the
    # quote's own ('… after the rebels fled," said Colonel A')
    before = _speaker_adjective(sentence, ctx, said) if said > close + 2 else None
    return before or _speaker_adjective(sentence, ctx, min(said + 5, len(tokens)))


def _announcer(sentence: _Sentence, ctx: _Context, start: int) -> ActorRef | None:
    """'The army announced that X had been recaptured': a side that says a place was taken,
    naming no taker, says it took it. The side must open the sentence's report (before a
    verb of saying that comes before the trigger)."""
    said = sentence.cue_at("attribution", ctx, 0, start)
    if not said:
        return None
    first_said = said[0][0]
    before = [a for a in sentence.actors if a.end <= first_said]
    if not before or any(t.text in QUOTES for t in sentence.tokens[:start]):
        return None
    return before[-1] if before[-1].end >= first_said - 1 else None


def _speaker_adjective(sentence: _Sentence, ctx: _Context, said: int) -> ActorRef | None:
    """'Malian officials said they ...': a side's adjective in the few words that speak (an
    adjective: a noun follows it; in 'an ethnic minority army said' the word is the noun)."""
    low = max(0, said - 4)
    tokens = sentence.tokens
    found = [
        m
        for m in _adjectives(ctx, tokens, low, said)
        if low + m.end < len(tokens) and tokens[low + m.end].lower not in SAYING_VERBS
    ]
    if not found:
        return None
    last = found[-1]
    return ActorRef(ctx.sides.adjective_sides[last.rule], low + last.start, low + last.end)


def _attempt_agent(sentence: _Sentence, ctx: _Context, start: int) -> ActorRef | None:
    """'... attempts by X to capture Y': the side after 'by' in an attempt is the agent."""
    if not sentence.cue_ending_at("attempt", ctx, start, reach=8):
        return None
    for actor in sentence.actors:
        if start - 8 <= actor.start < start and actor.start > 0:
            j = _phrase_start(sentence.tokens, actor.start)
            if j > 0 and sentence.tokens[j - 1].lower == "by":
                return actor
    return None


TITLES = _words("titles")


def _title_start(tokens: list[Tok], start: int) -> int:
    """Where a title before a place's name begins: 'near the provincial capital X', 'from
    the town of X'."""
    j = start
    while j > 0 and start - j < 3 and tokens[j - 1].lower in TITLES:
        j -= 1
    named = start - j >= 2 and tokens[start - 1].lower == "of"  # 'the town of X'
    return j if j < start and (tokens[start - 1].lower == "capital" or named) else start


def _phrase_start(tokens: list[Tok], start: int) -> int:
    """Where the noun phrase of the word at ``start`` begins: back over its determiners."""
    while start > 0 and tokens[start - 1].lower in DETERMINERS:
        start -= 1
    return start


def _object_start(sentence: _Sentence, end: int) -> int:
    j = end
    while j < len(sentence.tokens) and sentence.tokens[j].lower in DETERMINERS:
        j += 1
    return j


def _complement_start(sentence: _Sentence, ctx: _Context, first: int, start: int) -> int:
    """Where the reported clause of 'X said that Y took Z' begins (``first`` if none)."""
    for j in range(start - 1, first, -1):
        if sentence.tokens[j].lower == "that" and sentence.has(
            "attribution", ctx, max(first, j - 3), j
        ):
            return j + 1
    return first


def _governed(sentence: _Sentence, ctx: _Context, actor: ActorRef) -> bool:
    """A preposition governs the actor ('backed by a US-led coalition', 'against the rebels'),
    unless it names whom the subject belongs to ('troops for the army', 'fighters with IS')."""
    j = _phrase_start(sentence.tokens, actor.start)
    if not sentence.cue_ending_at("not_subject", ctx, j, reach=2):
        return False
    belongs = j >= 2 and sentence.tokens[j - 1].lower in ("for", "with", "of")
    return not (belongs and sentence.has("member", ctx, j - 2, j - 1))


def _clause_first(sentence: _Sentence, clause: int) -> int:
    """The first word of a clause (its leading commas skipped)."""
    first = sentence.clause_bounds[clause][0]
    while first + 1 < len(sentence.tokens) and sentence.tokens[first].text in BARRIERS:
        first += 1
    return first


def _in_attribution(sentence: _Sentence, ctx: _Context, actor: ActorRef) -> bool:
    """'..., an army commander said': the actor is the speaker's side, not an agent."""
    window_end = min(len(sentence.tokens), actor.end + 3)
    before_quote = actor.start > 0 and any(
        t.text in QUOTES for t in sentence.tokens[max(0, actor.start - 3) : actor.start]
    )
    return before_quote and sentence.has("attribution", ctx, actor.start, window_end)


DETERMINERS = _words("determiners")
SAYING_VERBS = _words("saying_verbs")


def _after(sentence: _Sentence, end: int, words: tuple[str, ...], reach: int = 4) -> str:
    """The side named after token ``end`` (within ``reach`` tokens, in the clause), whose
    nearest word before it (determiners aside) is one of ``words`` ('by the army'); ``""`` in
    ``words``: right after token ``end``."""
    tokens = sentence.tokens
    for actor in sentence.actors:
        if not end <= actor.start <= end + reach:
            continue
        if any(t.text in BARRIERS for t in tokens[end : actor.start]):
            return ""
        j = _before_actor_phrase(tokens, end, actor.start - 1)
        if j < end:
            if "" in words or (end > 0 and tokens[end - 1].lower in words):
                return actor.side
        elif tokens[j].lower in words:
            return actor.side
    return ""


AFFILIATIONS = _words("affiliations")
PERSON_TITLES = _words("person_titles")
MEMBERS = _words("members")


def _before_actor_phrase(tokens: list[Tok], end: int, j: int) -> int:
    """The word before the noun phrase that ends with an actor's name at token ``j + 1``:
    back over determiners, an affiliation ('the al-Qaida-linked X': 'al Qaida linked') and
    a members' noun ('fighters from the X'), and the person whose forces they are ('of Field
    Marshal Khalifa Haftar's forces')."""
    if tokens[j + 1].lower.endswith(("'s", "’s")):
        while j >= end and (tokens[j].lower in PERSON_TITLES or tokens[j].text[:1].isupper()):
            j -= 1
    while j >= end and tokens[j].lower in DETERMINERS:
        j -= 1
    if j >= end and tokens[j].lower in AFFILIATIONS:
        j -= 1
        while j >= end and (tokens[j].text[:1].isupper() or tokens[j].lower == "al"):
            j -= 1  # the name the affiliation is with: 'al Qaida', 'US', 'Iran'
        while j >= end and tokens[j].lower in DETERMINERS:
            j -= 1
    if j - 1 >= end and tokens[j].lower in ("from", "of") and tokens[j - 1].lower in MEMBERS:
        j -= 2  # 'into the hands of fighters from the X'
    return j


AGAINST = _words("against_prefixes")


def _against(tokens: list[Tok], i: int) -> bool:
    """The word at ``i`` follows 'anti-' or 'counter-': 'an anti-terrorist operation' names what
    it is against, not its side."""
    return i > 0 and tokens[i - 1].lower in AGAINST and tokens[i - 1].end == tokens[i].start - 1


def _adjectives(ctx: _Context, tokens: list[Tok], low: int, high: int) -> list[Match]:
    """The side adjectives in tokens[low:high] (offsets within the slice), not after 'anti-'."""
    found = ctx.sides.adjective_matcher.find(tokens[low:high])
    return [m for m in found if not _against(tokens, low + m.start)]


def _adjective_in(sentence: _Sentence, ctx: _Context, start: int, end: int) -> str:
    found = _adjectives(ctx, sentence.tokens, start, end)
    return ctx.sides.adjective_sides[found[0].rule] if found else ""


def _adjective_near(sentence: _Sentence, ctx: _Context, start: int, end: int) -> str:
    """The side an adjective names in or just before the words ('Ukrainian flag')."""
    low = max(0, start - 3)
    return _adjective_in(sentence, ctx, low, end) or _inside(sentence, low, end)


POSSESSOR_GAP = _words("possessor_gap")


def _possessor(sentence: _Sentence, ctx: _Context, start: int) -> str:
    """The side whose stronghold it is: named right before it ('rebel stronghold',
    "the militants' last bastion"); a former stronghold is nobody's now."""
    j = start
    while j > 0 and (sentence.tokens[j - 1].lower in POSSESSOR_GAP):
        if sentence.tokens[j - 1].lower in FORMER:
            return ""
        j -= 1
    for actor in sentence.actors:
        if actor.end == j or (actor.end == j - 1 and sentence.tokens[j - 1].text in QUOTES):
            return "" if _former(sentence, actor.start) else actor.side
    found = _adjectives(ctx, sentence.tokens, max(0, j - 3), j)
    if not found or _former(sentence, max(0, j - 3) + found[-1].start):
        return ""
    return ctx.sides.adjective_sides[found[-1].rule]


FORMER = _words("former")


def _former(sentence: _Sentence, i: int) -> bool:
    """'the former rebel stronghold', 'once a rebel bastion': the word before the side."""
    return i > 0 and sentence.tokens[i - 1].lower in FORMER


def _inside(sentence: _Sentence, start: int, end: int) -> str:
    for actor in sentence.actors:
        if start <= actor.start and actor.end <= end:
            return actor.side
    return ""


def roles(
    sentence: _Sentence, ctx: _Context, rule: TriggerRule, start: int, end: int, target: _Target
) -> tuple[str, str]:
    """(agent, patient): who did it and who it was done to."""
    place_end = max((p.end for p in target.group), default=end)
    after_place = place_end if not target.before and place_end > 0 else end
    by = ("by", "to")
    if rule.voice == "passive":
        by = ("by", "to", "of")
        agent = _inside(sentence, start, end) or _after(sentence, end, by, reach=8)
        agent = agent or _after(sentence, after_place, by)
        agent = agent or _adjective_in(sentence, ctx, start, end)  # 'under Ukrainian attack'
        loser = _after(sentence, end, ("from",)) or _after(sentence, after_place, ("from",))
        fell = sentence.tokens[start].lower in FELL  # 'rebel leaders said X fell': their loss
        if not agent and not loser and rule.kind == "captured" and not fell:
            announcer = _announcer(sentence, ctx, start)
            agent = announcer.side if announcer else ""
        return agent, (loser if loser != agent else "")  # 'X was retaken from the rebels'
    if rule.voice == "status":  # 'X remains under the rebels control', 'under Russian occupation'
        agent = _inside(sentence, start, end) or _after(sentence, end, ("of", "the"))
        agent = agent or _adjective_in(sentence, ctx, start, end)
        if not agent and any(t.lower in POSSESSIVE_PRONOUNS for t in sentence.tokens[start:end]):
            earlier = [  # 'X remained in their hands'; not 'in Iraq's north': a where
                a
                for a in sentence.actors
                if a.end <= start and sentence.tokens[a.start - 1].lower not in LOCATIVES
            ]
            agent = earlier[-1].side if earlier else ""
        return agent, ""
    if rule.voice == "lost":  # 'X is out of the Armenian side's control', 'X was ceded to Y'
        loser = _inside(sentence, start, end) or _adjective_in(sentence, ctx, start, end)
        return _after(sentence, end, ("to",), reach=6) if not loser else "", loser
    if rule.voice == "rid":  # 'X was cleared of the rebels by the army'
        patient = _after(sentence, end, ("of", "from"))
        agent = _after(sentence, end, ("by",), reach=8) or _after(sentence, after_place, by)
        return (agent if agent != patient else ""), patient
    if rule.voice == "flag":  # 'the Ukrainian flag was raised in X'
        subject = _subject(sentence, ctx, start)
        return _adjective_near(sentence, ctx, start, end) or (subject.side if subject else ""), ""
    if rule.voice == "possessed":  # 'the rebel stronghold of X', "the jihadists' bastion of X"
        return _possessor(sentence, ctx, start), ""
    if rule.voice == "held_in":  # 'rebel fighters were confined to the edges of X'
        subject = _subject(sentence, ctx, start)
        holder = subject.side if subject else ""
        return (holder, "") if rule.kind == "held" else ("", holder)
    if rule.voice == "from":
        subject = _subject(sentence, ctx, start)
        return _after(sentence, after_place, ("by",)), subject.side if subject else ""
    if rule.voice == "loss":
        subject = _subject(sentence, ctx, start)
        return _after(sentence, after_place, ("to",)), subject.side if subject else ""
    if rule.voice == "nominal":
        subject = _subject(sentence, ctx, start)  # 'the army announced the liberation of X'
        by_agent = _after(sentence, after_place, ("by",), reach=6)
        if (
            not by_agent
            and sentence.tokens[after_place : after_place + 1]
            and (sentence.tokens[after_place].lower == "to")
        ):
            by_agent = _after(sentence, after_place + 1, ("",), reach=3)  # 'the fall of X to Y'
        named = min((a.start for a in sentence.actors if a.start >= after_place), default=0)
        if any(after_place <= m.start < named for m in sentence.matches):
            by_agent = ""  # 'the besieged town of X is held by the rebels': another verb's agent
        agent = by_agent or (subject.side if subject else "")
        if not agent and start > 0:
            possessor = [a for a in sentence.actors if a.end == start or a.end == start - 1]
            agent = possessor[-1].side if possessor else ""
        return agent, ""
    subject = _subject(sentence, ctx, start)
    if rule.voice == "participle":  # the main clause's subject: the first side not governed
        first_verb = min((m.start for m in sentence.matches), default=start)
        free = [  # before the main verb: 'overran the junta's posts, taking X' is not the junta's
            a for a in sentence.actors if a.end <= first_verb and not _governed(sentence, ctx, a)
        ]
        subject = free[0] if free else None
    agent = subject.side if subject else ""
    patient = (
        _inside(sentence, start + 1, end)
        or _after(sentence, end, ("from", "against", "the", ""))
        or _after(sentence, after_place, ("from",))  # 'retook X from the federal military'
    )
    if (
        rule.voice == "noun"
    ):  # 'clashes between the army and the rebels in X': who holds X is not said
        agent, patient = (agent if subject else ""), ""
    if rule.kind == "surrendered" and subject is not None and start - subject.end > 8:
        agent = ""  # 'the last rebel stronghold ... saw thousands of people surrender'
    if rule.kind == "surrendered" and not agent and not patient:
        receiver = _after(sentence, end, ("to",))  # 'hundreds surrendering to the army'
        agent = ctx.article_sides.opponent(receiver, ctx.profile) if receiver else ""
    return agent, patient if patient != agent else ""


# --- the events of a sentence ---------------------------------------------------------------


@dataclass
class _Claim:
    kind: str
    actor: str
    controller: str
    confidence: float
    doubts: tuple[str, ...] = ()  # what makes the reading less sure (events.py's names)


def decide(
    rule: TriggerRule,
    agent: str,
    patient: str,
    contested: bool,
    ctx: _Context,
) -> _Claim | None:
    """The event's kind, actor and holder after it, from the trigger and its roles; every
    side that had to be assumed lowers the confidence."""
    profile, sides = ctx.profile, ctx.article_sides
    changes = ("captured", "held", "withdrew", "besieged")
    kind = "contested" if contested and rule.kind in changes else rule.kind
    confidence = rule.weight if not contested else min(rule.weight, 0.7)
    guesses = 0
    told = False  # the side comes from what the article says elsewhere

    def opponent(side: str) -> str:
        nonlocal guesses
        found, guessed = sides.opponent_of(side, profile) if side else ("", False)
        guesses += guessed
        return found

    if agent and not profile.holds_ground(agent) and rule.kind in ("captured", "held"):
        agent = ""  # air support never holds a place: the ground side is another
    if kind == "captured":
        actor = agent or opponent(patient)
        if not actor:  # the side this sentence or the article has take places, else the
            # one the article names most ('X fell to troops from Y, which was seized on Friday')
            attacker = ctx.sentence_attacker or (sides.attackers.most_common(1) or [("", 0)])[0][0]
            actor = attacker or sides.main(profile)
            if actor in ctx.sentence_losers:  # '… had taken X after junta soldiers fled'
                actor = opponent(actor)
                attacker = ""
            if sides.sole_attacker() == attacker != "":
                told = True  # the article has this side alone take places: no guess
            else:
                guesses += 1 if attacker else 2
        if not actor:
            return None
        controller = actor
    elif kind == "held":
        actor = controller = agent
        if not actor:
            return None
    elif kind in ("contested", "besieged"):
        if rule.kind == "held":  # 'the rebels still holds parts of X': the holder keeps a foothold
            holder = agent
            actor = opponent(holder)
        else:
            holder = patient or opponent(agent)
            actor = agent or opponent(holder)
        if not actor and not holder:
            guesses += 1  # fighting, no side named: a claim of fighting, sides unknown
        controller = holder
    elif kind == "withdrew":
        actor = agent or patient
        if not actor:
            return None
        found, guessed = sides.opponent_of(actor, profile)
        controller = "" if guessed else found  # which of several opponents moved in is not said
    else:  # surrendered
        actor = agent or patient
        if not actor:
            return None
        controller = actor
    confidence -= 0.15 * guesses + 0.05 * told
    doubts = ("side assumed",) if guesses else ("side from the article",) if told else ()
    return _Claim(kind, actor, controller, confidence, doubts)


def events_in_sentence(
    span: Span,
    mentions: list[PlaceMention],
    ctx: _Context,
    dates: list[DateMention] | None = None,
    tokens: list[Tok] | None = None,
    actors: list[ActorRef] | None = None,
) -> list[Event]:
    """The control events one sentence states."""
    tokens = tokens_of(span, ctx.rules.language) if tokens is None else tokens
    matches = ctx.rules.trigger_matcher.find(tokens)
    if not matches and not (mentions and _may_state_holder(tokens, ctx)):
        return []
    sentence = read_sentence(span, mentions, ctx, tokens, actors, matches)
    ctx.reference_points.update(p.mention.start for p in sentence.places if p.locator)
    ctx.reference_points.update(  # 'traders in X said …': where the speakers are
        p.mention.start
        for p in sentence.places
        if sentence.cue_ending_at("people_at", ctx, p.start)
    )
    if not matches and not sentence.places:
        return []
    if dates is None:
        dates = find_dates(span.text, ctx.published, span.start, language=ctx.rules.language)
    clauses = _clause_spans(sentence, span)
    exclusive = _exclusivity(sentence, ctx)
    events: list[Event] = []
    seen: dict[tuple[str, str, str], int] = {}  # (place, kind, date) -> index in events
    weak: list[Event] = []
    qualified = False  # '..., but militants still held out': the capture is not complete
    held_out: set[str] = set()  # '..., but they still held out in the town's east': of X only
    # '..., but the rebels said the town remained under their control': place -> holder
    countered: dict[str, str] = {}
    ctx.sentence_attacker = ""
    ctx.sentence_losers = _losers(sentence, ctx)
    ctx.sentence_vague = _vague_date(span, ctx.rules.language, dates)
    for m in matches:
        rule = ctx.rules.triggers[m.rule]
        before = sentence.tokens[m.start - 1].lower if m.start else ""
        gerund = sentence.tokens[m.start].lower.endswith("ing") and (
            not before or before in BARRIERS
        )
        if (
            rule.kind == "held"
            and rule.voice == "active"
            and before in NOUN_PREPOSITIONS | NOUN_MARKS
        ):
            continue  # 'battled for control of X', 'the occupied city of X': no holder named
        if rule.verb and (
            before in NOUN_PREPOSITIONS | NOUN_MARKS or _hyphenated(sentence, m.start)
        ):
            continue  # 'the occupied city of X', 'rebel-occupied X': an adjective
        if (
            rule.kind == "held"
            and _hyphenated(sentence, m.start)
            and _is_held_suffix(sentence, ctx, m.start)
        ):
            continue  # 'rebel-held X': the adjective names its holder (_held_adjectives)
        if rule.voice == "active" and gerund and before == ",":
            rule = replace(rule, voice="participle")  # 'the army pushed in, seizing X': its subject
        elif rule.voice == "passive" and rule.kind == "captured" and _progressive(sentence, m):
            rule = replace(
                rule, voice="active", place="after", kind="contested"
            )  # 'were clearing X'
        elif rule.voice == "active" and (before in NOUN_MARKS or gerund):
            rule = replace(rule, voice="nominal")  # 'its defeat at X', 'the attack on X'
        elif (
            rule.voice == "active"
            and before in PASSIVE_AUX
            and _participle(sentence.tokens[m.start])
        ):
            rule = replace(rule, voice="from")  # 'the rebels was defeated in X': the subject lost
        elif rule.voice == "active" and before in PASSIVE_AUX and not gerund:
            if not sentence.tokens[m.start].lower.endswith("ing"):
                continue  # 'it is clear that X', 'the city is secure': an adjective, no act
        elif rule.voice == "active" and rule.kind == "captured" and _reduced_passive(sentence, m):
            rule = replace(rule, voice="passive", place="before")  # 'the first town seized by Y'
        if rule.kind == "captured" and rule.voice == "active" and _moved_from(sentence, m):
            continue  # 'the army pushed north from X': it set off from its own ground
        target = find_target(sentence, ctx, rule, m.start, m.end)
        if target is None:
            # '…, but militants still held out' (not '… still held the airport': a site)
            thing = m.end < len(sentence.tokens) and sentence.tokens[m.end].lower in DETERMINERS
            qualified = qualified or (_qualifies(sentence, ctx, rule, m.start) and not thing)
            continue
        if target.before and not target.anaphor:
            target.group = target.group + _gapped(sentence, m.end, dates)
        if rule.kind == "held" and sentence.tokens[m.end - 1].lower in DESTINATIONS:
            # 'the garrison retreated towards X': where a side went, not what the next
            # sentences' 'the town' is about
            ctx.reference_points.update(p.mention.start for p in target.group)
        fight = rule.kind == "contested" or target.partial  # a holding answers: _dispute
        if fight and not target.before and _qualifies(sentence, ctx, rule, m.start):
            # '..., but fighters still held out in the town's east': that place is not taken
            held_out.update(p.mention.place_id for p in target.group)
        mood = modality(sentence, ctx, rule, m.start, m.end)
        if mood == "drop" or _hypothetical_gerund(sentence, ctx, m.start, target):
            continue
        agent, patient = roles(sentence, ctx, rule, m.start, m.end, target)
        if rule.kind == "besieged" and _state_adjective(sentence, m.start):
            agent = patient = ""  # 'troops pulled out of the besieged town of X': no besieger
        claim = decide(rule, agent, patient, mood == "contested" or target.partial, ctx)
        if claim is None:
            continue
        doubts = _doubts(sentence, ctx, target, m.start)
        holds = rule.kind == "held" and rule.voice in ("active", "passive", "held_in")
        background = _background(sentence, ctx, m.start, dates, "held" if holds else "")
        if holds and _lasted(sentence, m.start, m.end):
            background = BACKGROUND_COST  # 'the town was held by the rebels for four years'
        if rule.voice == "nominal" and _recap(sentence, ctx, m.start):
            background = BACKGROUND_COST  # 'Ukraine marked the liberation of X on Sunday'
        if background:
            doubts["background"] = background  # 'the army, which took X, is attacking Y'
        claim.confidence -= sum(doubts.values()) + _region_cost(ctx, target)
        claim.doubts += tuple(doubts)
        if claim.kind == "held" and _qualifies(sentence, ctx, rule, m.start):
            countered.update((p.mention.place_id, claim.controller) for p in target.group)
        if agent and claim.kind in ("captured", "contested", "besieged") and agent == claim.actor:
            ctx.article_sides.attackers[agent] += 1
            ctx.sentence_attacker = agent
        for place in target.group:
            anchor = place.mention
            date = _date_for(anchor, span, clauses, dates, ctx, sentence, m.start)
            since = _since(ctx, date) and (
                (claim.kind in STATES and not _pluperfect(sentence, m.start))
                or (
                    claim.kind in CHANGE_KINDS
                    and _since_after(ctx, date, sentence.tokens[m.end - 1])
                )
            )
            if since:  # 'still held by X since 2014': now; 'took X, held by Y since 2014': now
                date = publication_date(ctx.published)
            told = not date.text and ctx.narrative is not None and not since
            # 'the army now controlled X', 'says it has now advanced into X': the report's day
            holding = claim.kind in STATES or rule.kind in STATES  # "still hold parts of X"
            told = told and not _of_the_present(sentence, m.start, holding)
            date = ctx.narrative if told else date  # 'On Friday, … . The rebels took X.'
            scope = exclusive[1] if exclusive and exclusive[0] == anchor.place_id else None
            event = _event(ctx, span, anchor.place_id, claim, date, scope)
            event.confidence = round(event.confidence - 0.05 * told - NEAR_COST * anchor.fuzzy, 4)
            if anchor.fuzzy:  # a spelling the gazetteer lacks, read as its nearest place
                event.doubts += ("near spelling",)
            if rule.voice == "possessed":
                weak.append(event)  # 'the group's bastion of X': only if nothing else says more
            else:
                _add(events, seen, event)
    for side, start, end in _held_adjectives(sentence, ctx):
        target = _target_after(sentence, ctx, start, end) or _located_in(sentence, ctx, start)
        if target is None:
            continue
        weight = 0.6 if target.anaphor else 0.7
        doubts = ("back-reference",) if target.anaphor else ()
        claim = _Claim("contested" if target.partial else "held", side, side, weight, doubts)
        suffix, named = sentence.tokens[end - 1], sentence.tokens[end - 2]
        if suffix.lower in BESIEGING:  # 'rebel-besieged X': the other side's, under siege
            if ctx.body[named.end : suffix.start] != "-":
                continue  # 'the rebels besieged X': a verb (its trigger reads it)
            holder = ctx.article_sides.opponent(side, ctx.profile)
            claim = _Claim("besieged", side, holder, weight, doubts)
        for place in target.group:
            date = _date_for(place.mention, span, clauses, dates, ctx, sentence, start)
            _add(events, seen, _event(ctx, span, place.mention.place_id, claim, date, None))
    if qualified:
        _not_complete(events, ctx)
    _not_complete([e for e in events if e.place_id in held_out], ctx)
    _dispute(events, countered)
    said = {e.place_id for e in events}
    for event in weak:
        if event.place_id not in said:
            _add(events, seen, event)
    _share_holders(events)
    changed = {e.place_id for e in events if e.kind in CHANGE_KINDS and "disputed" not in e.doubts}
    events[:] = [e for e in events if not (e.kind == "held" and e.place_id in changed)]
    if exclusive and not any(e.exclusive for e in events):
        place_id, scope = exclusive
        same = [e for e in events if e.place_id == place_id and e.kind != "captured"]
        if same:  # 'fighting in the group's final enclave of X': the fight carries the claim
            same[0].exclusive = scope
        else:
            anchor = next(p.mention for p in sentence.places if p.mention.place_id == place_id)
            date = _date_for(anchor, span, clauses, dates, ctx, sentence, 0)
            claim = _Claim(
                "held", scope.holder, scope.holder, 0.65
            )  # 'X, the last town the rebels holds'
            events.append(_event(ctx, span, place_id, claim, date, scope))
    return events


MOVERS = _words("movers")
DIRECTIONS = _words("directions")


def _moved_from(sentence: _Sentence, m: Match) -> bool:
    """'pushed north from X', 'pushed out from X': a verb of moving with only directions
    before 'from' (nobody driven out), so the subject left its own ground."""
    tokens = sentence.tokens
    if tokens[m.start].lemma not in MOVERS:
        return False
    words = [t.lower for t in tokens[m.start + 1 : m.end]]
    ends = [k for k, w in enumerate(words) if w == "from"] or [len(words) - 2]
    return all(w in DIRECTIONS for w in words[: ends[-1]])


HEADING = _words("heading")


def headed_for(tokens: list[Tok], mentions: list[PlaceMention]) -> list[int]:
    """Where the places a side is heading for begin ('the forces were pushing toward X',
    'fled towards X'): not what the next sentences' 'the town' is about."""
    found = []
    for mention in mentions:
        k = next((j for j, t in enumerate(tokens) if t.start >= mention.start), 0) - 1
        while k >= 0 and tokens[k].lower in DETERMINERS:
            k -= 1
        if k >= 0 and tokens[k].lower in HEADING:
            found.append(mention.start)
    return found


BESIEGING = _words("besieging")


def _state_adjective(sentence: _Sentence, start: int) -> bool:
    """'the besieged town', 'the encircled city': a participle after a determiner describes
    the place's state; the sentence's subject need not be who besieges it."""
    tok = sentence.tokens[start]
    before = sentence.tokens[start - 1].lower if start else ""
    return before in DETERMINERS and _participle(tok)


def _may_state_holder(tokens: list[Tok], ctx: _Context) -> bool:
    """Without a trigger, a sentence states who holds a place only through a side's
    'X-held' adjective or a 'last town held by' phrase: may either be there?"""
    if ctx.rules.exclusive_rule in ctx.rules.cue_matcher.rules_begun(tokens):
        return True
    return bool(ctx.sides.adjective_matcher.rules_begun(tokens))


def _hypothetical_gerund(sentence: _Sentence, ctx: _Context, start: int, target: _Target) -> bool:
    """'Retaking X would mark a milestone', 'Recapturing X, which fell in May, would be a
    victory': a gerund opening the sentence is the subject of a modal verb after its object
    (and a relative clause between commas), not an act."""
    tokens = sentence.tokens
    if start != 0 or not tokens[0].lower.endswith("ing") or target.before:
        return False
    # the object's end; a place referred back to ('the airport') stands nowhere in the sentence
    j = max((p.end for p in target.group if p.start >= 0), default=start + 1)
    if j + 1 < len(tokens) and tokens[j].text == "," and tokens[j + 1].lower in RELATIVES:
        j = next((k + 1 for k in range(j + 1, len(tokens)) if tokens[k].text == ","), j)
    return sentence.cue_starting_at("hypothetical", ctx, j) > j


def _qualifies(sentence: _Sentence, ctx: _Context, rule: TriggerRule, start: int) -> bool:
    """'..., but militants still held out': a clause of contrast in which somebody still holds
    or fights, naming no place: it takes back the completeness of the sentence's capture."""
    if rule.kind not in ("held", "contested"):
        return False
    for clause in range(sentence.clause_of[start], 0, -1):  # '..., but A, and B said it held'
        first = _clause_first(sentence, clause)
        if sentence.cue_starting_at("contrast", ctx, first, reach=1) > 0:
            return True
        if sentence.tokens[first].lower != "and":
            return False
    return False  # 'But rebels retreated from what they held': about the sentence before


def _not_complete(events: list[Event], ctx: _Context) -> None:
    """Captures of a qualified sentence become fights, the loser still holding."""
    for event in events:
        if event.kind == "captured":
            loser = ctx.article_sides.opponent(event.actor, ctx.profile)
            event.kind, event.controller = "contested", loser
            event.confidence = min(event.confidence, 0.7)
            event.event_id = event.make_id()


def _dispute(events: list[Event], countered: dict[str, str]) -> None:
    """'X claimed to have retaken Y, but Z said the town remained under its control': a
    capture a clause of contrast answers with another side's holding is a disputed claim,
    and so is the answer."""
    taken = {
        e.place_id
        for e in events
        if e.kind == "captured" and countered.get(e.place_id, e.controller) != e.controller
    }
    for event in events:
        if event.place_id in taken and event.kind in ("captured", "held"):
            event.confidence = min(round(event.confidence - 0.3, 4), DISPUTED)  # never a colour
            event.doubts += ("disputed",)


@cache
def _answer_words(language: str) -> frozenset[str]:
    """The words a denial or a doubt of the sentence before needs one of (not its
    determiners or auxiliaries): a sentence with none is no answer."""
    cues = rule_file("cues", language)
    patterns = [p for name in ANSWERS for p in cues[name]["patterns"]]
    words = {w.strip("=?").lower() for p in patterns for part in p.split() for w in part.split("|")}
    common = {"not", "could", "can", "no", "it", "be", "this", "that", "these", "those", "such"}
    return frozenset(words - DETERMINERS - PASSIVE_AUX - common)


DENIABLE = ("captured", "withdrew", "held")  # what a denied clause must tell again


def _names_a_place(tokens: list[Tok], rules: Rules, places: set[str]) -> bool:
    """Words that name the place of the claim before: one of its name's words (``places``,
    lower case), 'it', 'the town' ('denied losing Y' after a capture of X denies nothing)."""
    return any(t.lower in places or t.lower == "it" or t.lemma in rules.anaphors for t in tokens)


NEAR_COST = 0.1  # a place read from a spelling the gazetteer lacks (that place only)


def countered(events: list[Event], told_at: int, start: int) -> None:
    """'The YPG drove the rebels out of X on Tuesday. Turkey said it still held X.': a sentence
    (at ``start``) whose holding or same-day capture of a place by another side answers the
    capture the sentence before (at ``told_at``) told, within a week, makes both disputed
    claims (at most ``DISPUTED``): the article does not say which is true."""
    told = [e for e in events if e.evidence_start == told_at and _claimed_change(e)]
    answers = [e for e in events if e.evidence_start == start and not e.inferred]
    for answer in answers:
        if answer.kind not in ("held", "captured") or not answer.controller:
            continue
        words = {w.strip(".,;:\"'“”").lower() for w in answer.evidence.split()}
        if answer.kind == "held" and words.isdisjoint(CURRENT):
            continue  # 'the town was held by the rebels for four years': before, not now
        for change in told:
            other = change.controller and change.controller != answer.controller
            soon = 0 <= (answer.first_day - change.last_day).days <= REPEAT_REACH
            same_day = answer.kind == "captured" and answer.first_day == change.first_day
            if (
                change.place_id == answer.place_id
                and other
                and ((answer.kind == "held" and soon) or same_day)
            ):
                for event in (change, answer):
                    event.confidence = min(event.confidence, DISPUTED)
                    event.doubts += ("disputed",) * ("disputed" not in event.doubts)


def _claimed_change(event: Event) -> bool:
    return event.kind == "captured" and not event.inferred


NEW_TOPIC = _words("new_topic")
DISPUTED = 0.5  # the most a claim the next sentence denies may keep: never a colour
HEDGE_COST = 0.15


def answered(events: list[Event], told_at: int, tokens: list[Tok], rules: Rules) -> None:
    """The sentence ``tokens`` answers the one before it (which starts at ``told_at``):
    'Russia said it had captured X. Ukraine denied the claim.' makes that sentence's claims
    disputed (at most ``DISPUTED``); 'The claim could not be verified.' hedges them, whoever
    denies: 'Russian troops have taken X, Georgia said. Russia denied the claim.'"""
    words = _answer_words(rules.language)
    if words.isdisjoint(t.lower for t in tokens) and words.isdisjoint(t.lemma for t in tokens):
        return  # most sentences: no word of a denial (the cue pass is not run)
    answers = rules.answer_matcher.all(tokens)
    found = {
        ANSWERS[m.rule]
        for m in answers
        if m.end >= len(tokens) or tokens[m.end].lower not in NEW_TOPIC
    }  # not 'Russia denied reports of heavy losses': another matter
    clause = min((m.end for m in answers if ANSWERS[m.rule] == "denies_clause"), default=-1)
    denied, doubted = "denies_before" in found, "unverified" in found
    if clause >= 0 and not denied:  # 'denied that the town had fallen', not '… took part'
        changes = [m for m in rules.trigger_matcher.find(tokens) if m.start >= clause]
        told = any(rules.triggers[m.rule].kind in DENIABLE for m in changes)
        places = {  # the words of the told places' names ('al-Susah': 'susah')
            w.lower()
            for e in events
            if e.evidence_start == told_at
            for w in re.findall(r"[^\W\d_]{3,}", e.place)
        }
        denied = told and _names_a_place(tokens[clause:], rules, places)  # not '… took part'
    if not (denied or doubted):
        return
    for event in reversed(events):
        if event.evidence_start != told_at:
            break  # the events of one sentence stand together, last
        if event.inferred:
            continue
        if denied:
            event.confidence = min(event.confidence, DISPUTED)
            event.doubts += ("disputed",)
        elif "hedged" not in event.doubts:
            event.confidence = round(event.confidence - HEDGE_COST, 4)
            event.doubts += ("hedged",)


def _add(events: list[Event], seen: dict, event: Event) -> None:
    """One event per place, kind and date in a sentence: the surest reading wins."""
    key = (event.place_id, event.kind, event.date)
    if key not in seen:
        seen[key] = len(events)
        events.append(event)
    elif event.confidence > events[seen[key]].confidence:
        events[seen[key]] = event


def _share_holders(events: list[Event]) -> None:
    """'The besieged enclave of X is held by the rebels': a siege or fight whose holder the words
    left open takes the holder the same sentence states for the place."""
    holders = {e.place_id: e.controller for e in events if e.kind != "captured" and e.controller}
    for event in events:
        if event.kind in ("contested", "besieged") and not event.controller:
            event.controller = holders.get(event.place_id, "")
            event.event_id = event.make_id()


BACKGROUND_OPENERS = _words("background_openers")
CURRENT = _words("current")
PREDICATE_PREPOSITIONS = _words("predicate_prepositions")  # 'X, under Y control'


def _background(
    sentence: _Sentence, ctx: _Context, start: int, dates: list[DateMention], verb: str = ""
) -> float:
    """How much less sure an event told as background is: in an 'after ...', 'since ...' or
    relative clause with no date of its own ('the army, which took X, is attacking Y';
    'officials said on Sunday that 5,000 remained, after thousands fled'), the date of the
    sentence is not the event's."""
    clause = sentence.clause_of[start]
    first = _clause_first(sentence, clause)
    if clause == 0 or sentence.tokens[first].lower not in BACKGROUND_OPENERS:
        return 0.0
    begin, end = sentence.clause_bounds[clause]
    if any(t.lower in CURRENT for t in sentence.tokens[begin:end]):
        return 0.0  # 'X, which is now under Y control': the present, not background
    if verb == "held" and _present(sentence, begin, start):
        return 0.0  # 'the rebels, who control X and Y, said': a holding of the present
    low, high = sentence.tokens[begin].start, sentence.tokens[end - 1].end
    dated = any(low <= d.start < high for d in dates) or _counted_back(ctx, dates, low)
    return 0.0 if dated else BACKGROUND_COST


BACKGROUND_COST = 0.3
DURATION_OPENERS = _words("duration_openers")
DURATION_UNITS = _words("duration_units")


def _lasted(sentence: _Sentence, start: int, end: int) -> bool:
    """A holding told in the past with how long it lasted ('X was held by the rebels for four
    years', 'the rebels controlled X for months'): it ended, background to the news."""
    tokens = sentence.tokens
    if _present(sentence, _clause_first(sentence, sentence.clause_of[start]), start):
        return False  # 'have held X for four years': still held
    first, last = sentence.clause_bounds[sentence.clause_of[start]]
    for k in range(end, last):
        if tokens[k].lower in DURATION_OPENERS:
            if any(t.lower in DURATION_UNITS for t in tokens[k + 1 : k + 4]):
                return True
    return False


def _recap(sentence: _Sentence, ctx: _Context, start: int) -> bool:
    """A change told as a noun that a verb celebrates or marks ('marked the liberation of X'):
    the cue ends right before the noun, within a few words."""
    for s, e in sentence.cues("recap", ctx):
        if e <= start and start - e <= 2 and s >= start - 6:
            return True
    return False


def _held_adjectives(sentence: _Sentence, ctx: _Context) -> list[tuple[str, int, int]]:
    """(side, start, end) of 'rebel-held', 'Russian-occupied', 'government-controlled'."""
    found: list[tuple[str, int, int]] = []
    if not sentence.cues("held_suffix", ctx):
        return found  # most sentences: no 'held' to follow a side's name
    tokens = sentence.tokens
    for m in _adjectives(ctx, tokens, 0, len(tokens)):
        if not sentence.has("held_suffix", ctx, m.end, m.end + 1):
            continue
        joined = ctx.body[tokens[m.end - 1].end : tokens[m.end].start] == "-"
        after = m.end + 1
        verb = after < len(tokens) and (
            tokens[after].lower in DETERMINERS or after in sentence.place_at
        )
        if joined or not verb:  # not 'the rebels controlled the town': a verb, its trigger's
            found.append((ctx.sides.adjective_sides[m.rule], m.start, m.end + 1))
    return found


def _doubts(sentence: _Sentence, ctx: _Context, target: _Target, start: int) -> dict[str, float]:
    """What makes the reading of this trigger and target less sure, each with what it costs
    the rules' score (the names are the ``doubts`` an event carries)."""
    doubts = {
        "back-reference": 0.1 * target.anaphor,
        "aside": 0.05 * target.aside,
        "far from its trigger": 0.1 * (target.distance > 6),
        # run-on text (a caption glued to a headline): attachment is less sure
        "run-on sentence": 0.1 * (len(sentence.tokens) > LONG_SENTENCE),
        "hedged": HEDGE_COST * _hedged(sentence, ctx, start),
    }
    return {reason: cost for reason, cost in doubts.items() if cost}


def _hedged(sentence: _Sentence, ctx: _Context, start: int) -> bool:
    """A hedge before the trigger ('reportedly', 'claimed'), unless it stands in an aside set
    off by commas that closes before the trigger ('300 militants, with civilians believed to
    be their families, are besieged in X')."""
    commas = [k for k in range(start) if sentence.tokens[k].text == ","]
    for h, _end in sentence.cue_at("hedge", ctx, 0, start):
        opened = any(k < h for k in commas)
        closed = any(h < k for k in commas)
        if not (opened and closed):
            return True
    return False


def _region_cost(ctx: _Context, target: _Target) -> float:
    """A province or region is rarely what a change of control is about."""
    regions = (ctx.gazetteer.by_id[p.mention.place_id].kind == "region" for p in target.group)
    return 0.3 if any(regions) else 0.0


REPEAT_REACH = 7  # days before publication a dated change may be the one its headline tells


def _surest_earliest(event: Event) -> tuple[float, int]:
    return event.confidence, -event.first_day.toordinal()


def _days_before(event: Event) -> int:
    return (dt.date.fromisoformat(event.published) - event.first_day).days


def date_repeats(events: list[Event]) -> list[Event]:
    """An article's undated claim (its publication day) of a change the same article dates
    to a day of the week before, for the same place, kind and holder, is that change: it takes
    that date ('Late on Friday the army retook X' below the headline 'Army retakes X')."""
    dated: dict[tuple[str, str, str], Event] = {}  # the surest, then the earliest, of each
    for event in events:
        key = (event.place_id, event.kind, event.controller)
        recent = event.date_precision == "day" and _days_before(event) <= REPEAT_REACH
        if event.date_text and recent and not event.inferred and event.kind in CHANGE_KINDS:
            dated[key] = max(dated.get(key, event), event, key=_surest_earliest)
    led = _lead_days(events)
    out = []
    for event in events:
        source = dated.get((event.place_id, event.kind, event.controller))
        if source is None and event.evidence_start == 0 and event.kind in LEAD_KINDS:
            # the headline tells the lead: the same side, or the lead's one such event there
            # ('Somali, AU troops take X' over 'African Union and Somali troops took X')
            source = led.get((event.place_id, event.actor))
            if source is None and event.actor and event.kind in CHANGE_KINDS:
                source = led.get((event.place_id, event.kind))
        if (
            event.date_text
            or event.inferred
            or source is None
            or source.first_day > event.first_day
        ):
            out.append(event)
            continue
        out.append(
            replace(
                event,
                date=source.date,
                date_precision=source.date_precision,
                date_text=source.date_text,
                claims=[],
                sources=[],
                event_id="",
            )
        )
    return out


RETAKE = _words("retake")


LEAD_REACH = 800  # characters of the body after the headline that are its lead
LEAD_KINDS = (*CHANGE_KINDS, "contested")  # what a headline and its lead tell alike


def _lead_days(events: list[Event]) -> dict[tuple[str, str], Event]:
    """(place, actor) -> the first dated change or fight the lead tells of: the day a
    headline's 'Army takes X' stands for when its lead says 'troops entered X on Saturday';
    (place, kind) -> the lead's one dated event of that kind there, whoever its side (actors
    are side ids, kinds are not: the keys do not meet)."""
    led: dict[tuple[str, str], Event] = {}
    only: dict[tuple[str, str], Event | None] = {}  # (place, kind) -> the lead's one such
    for event in events:
        recent = event.date_precision == "day" and _days_before(event) <= REPEAT_REACH
        lead = 0 < event.evidence_start <= LEAD_REACH and event.kind in LEAD_KINDS
        if event.date_text and recent and lead and not event.inferred and event.actor:
            key = (event.place_id, event.actor)
            led.setdefault(key, event)  # the first the lead dates
            told = (event.place_id, event.kind)
            only[told] = event if told not in only else None
    led.update((told, event) for told, event in only.items() if event is not None)
    return led


def retakes(events: list[Event], opponent: Callable[[str], str]) -> list[Event]:
    """A retaking whose taker had to be assumed cannot be by the side the same article names as
    having taken the place on an earlier day ('… had recaptured X. The jihadists had overrun X
    on May 5.'): it is that side's opponent's, if the article tells which."""
    taken: dict[str, list[Event]] = {}
    for event in events:
        guessed = {"side assumed", "side from the article"} & set(event.doubts)
        if event.kind == "captured" and not guessed and not event.inferred:
            taken.setdefault(event.place_id, []).append(event)
    out = []
    for event in events:
        if _assumed_retaking(event) and any(
            e.controller == event.controller and e.last_day < event.first_day
            for e in taken.get(event.place_id, [])
        ):
            other = opponent(event.controller)
            if other:
                event = replace(
                    event, actor=other, controller=other, claims=[], sources=[], event_id=""
                )
        out.append(event)
    return out


def _assumed_retaking(event: Event) -> bool:
    """A capture told with a word of taking back ('recaptured') whose taker was assumed."""
    return (
        event.kind == "captured"
        and "side assumed" in event.doubts
        and not RETAKE.isdisjoint(w.lower() for w in event.evidence.split())
    )


def _event(
    ctx: _Context,
    span: Span,
    place_id: str,
    claim: _Claim,
    date: DateMention,
    scope: Exclusivity | None,
    inferred: bool = False,
) -> Event:
    place = ctx.gazetteer.by_id[place_id]
    confidence = claim.confidence - (0.05 if not date.text else 0.0)  # the report's day
    doubts = claim.doubts
    if ctx.sentence_vague:
        confidence -= 0.3  # 'later that month': a month the sentence does not name
        doubts += ("vague date",)
    return Event(
        date=date.value,
        date_precision=date.precision,
        date_text=date.text,
        place_id=place.id,
        place=place.name,
        kind=claim.kind,
        actor=claim.actor,
        controller=claim.controller,
        article=ctx.article,
        outlet=ctx.outlet,
        published=ctx.published_iso,
        evidence=span.text,
        evidence_start=span.start,
        evidence_end=span.end,
        confidence=round(max(0.1, min(0.95, confidence)), 2),
        exclusive=scope,
        inferred=inferred,
        doubts=doubts,
    )


def _vague_date(span: Span, language: str, dates: list[DateMention]) -> bool:
    """'later that month': the sentence tells of a time it does not name ('a day later' after
    a named day is named: a date counted from it)."""
    counted = [(d.start, d.end) for d in dates if d.later]
    for m in date_rules(language).vague.finditer(span.text):
        start, end = span.start + m.start(), span.start + m.end()
        if not any(s <= start and end <= e for s, e in counted):
            return True
    return False


DATE_PREPOSITIONS = _words("date_prepositions")


def _gapped(sentence: _Sentence, end: int, dates: list[DateMention]) -> list[PlaceRef]:
    """'X was ceded on November 20 and Y on November 25': the place of a verbless conjunct
    after a trigger (a date in each conjunct, nothing else but the date's prepositions)
    shares the trigger, with its own date."""
    tokens = sentence.tokens

    def dated(i: int) -> bool:
        return any(d.start <= tokens[i].start < d.end for d in dates)

    i = end
    while i < len(tokens) and (dated(i) or tokens[i].lower in DATE_PREPOSITIONS):
        i += 1
    i += i < len(tokens) and tokens[i].text == ","
    if i == end or i + 1 >= len(tokens) or tokens[i].lower != "and":
        return []
    if not any(dated(k) for k in range(end, i)):
        return []
    place = sentence.place_at.get(i + 1)
    if place is None or place.locator or place.start != i + 1:
        return []
    rest = range(place.end, len(tokens))
    rest = [k for k in rest if tokens[k].text not in (".", "!")]
    if not rest or tokens[rest[-1]].text == ";":
        return []
    if all(dated(k) or tokens[k].lower in DATE_PREPOSITIONS for k in rest):
        return _group_of(sentence, place)
    return []


def _date_for(
    mention: PlaceMention,
    span: Span,
    clauses: list[Span],
    dates: list[DateMention],
    ctx: _Context,
    sentence: _Sentence,
    trigger_start: int,
) -> DateMention:
    """The date of an event: a date of the trigger's clause (after the place first), else of
    the clauses before it (not across a relative clause), else the day of a report that
    follows ('…, an official said on Sunday'), else the publication day."""
    offset = sentence.tokens[trigger_start].start if sentence.tokens else span.start
    trigger_at = offset
    offset = max(offset, mention.start)  # 'took A on May 3; B on May 9': B's own clause
    index = next((i for i, c in enumerate(clauses) if c.start <= offset < c.end), 0)
    inside = _past_dates_in(dates, clauses[index])
    before = [
        d
        for d in inside
        if d.end <= mention.start and not _in_aside(ctx, span.start, d, trigger_at=offset)
    ]
    after = [  # 'On Sunday they took X, and Y said Tuesday...': Tuesday dates the saying
        d
        for d in inside
        if d.start >= mention.end
        and not (before and _said_on(sentence, ctx, d))
        and not _nearer_place(sentence, ctx, mention, d)
        and not _relative_between(ctx, max(mention.end, trigger_at), d.start)
    ]
    counted = _counted_back(ctx, dates, clauses[index].start)
    if counted and after and "," in ctx.body[mention.end : after[0].start]:
        return counted  # 'Three weeks after rebels took X, Y fell on Friday': X's is weeks before
    if after and not (before and _next_conjunct(ctx, mention, after[0])):
        return after[0]  # 'took A on May 3 and B on May 9', 'took B a day later'
    if before:
        return before[-1]  # 'On Friday they took A, and a day later B': A's is Friday
    if counted and not re.search(r",\s+and\b|;", ctx.body[counted.end : mention.start]):
        return counted  # 'X fell on Monday, two days after rebels took Y': Y's is Saturday
    if _opener(clauses[index]) in RELATIVES:
        return publication_date(ctx.published)
    if index and _opener(clauses[index]) == "when":  # 'since May, when its forces overran X'
        previous = clauses[index - 1]
        told = _past_dates_in(dates, previous)
        if told and not previous.text[told[-1].end - previous.start :].strip(" ,"):
            return told[-1]  # the clause before ends with the date the 'when' points to
    for earlier in range(index - 1, -1, -1):
        opener = _opener(clauses[earlier])
        if earlier and (opener in RELATIVES or opener == "since"):
            continue  # 'who had held it since August': another time than the event's
        if (
            not earlier
            and opener in FRONTED
            and _has_trigger(sentence, ctx, *sentence.clause_bounds[0])
        ):
            continue  # 'Since taking X on Saturday, the army has …': another event's day
        found = _past_dates_in(dates, clauses[earlier])
        if found:
            return found[-1]
    reported = _report_date(sentence, ctx, dates, clauses[index].end)
    trailing = _trailing_date(ctx, span, dates, clauses[index].end)
    return reported or trailing or publication_date(ctx.published)


_DATE_PREPOSITION_END = re.compile(
    rf"\s(?:{'|'.join(map(re.escape, sorted(_words('date_prepositions'))))})$"
)


def _trailing_date(
    ctx: _Context, span: Span, dates: list[DateMention], after: int
) -> DateMention | None:
    """'Rebels seized X, known as the gateway to Afar, on Saturday.': a date set off by a comma
    that ends the sentence, after an aside that closed the trigger's clause, is the event's."""
    for date in dates:
        if date.start < after or date.future or date.ahead:
            continue
        rest = ctx.body[date.end : span.end].strip(" .\"'”’)")
        before = ctx.body[span.start : date.start].rstrip()
        before = _DATE_PREPOSITION_END.sub("", before)
        if not rest and before.endswith(","):
            return date
    return None


RELATIVE_WORDS = sorted(_words("relative_words"))  # 'that', 'which', 'who', 'whom', 'whose'
_RELATIVE_WORD = re.compile(rf"\b(?:{'|'.join(map(re.escape, RELATIVE_WORDS))})\b", re.I)


def _relative_between(ctx: _Context, start: int, end: int) -> bool:
    """A relative clause opens between the place and a date after it ('… of X is a success for
    the force that deployed last month'): the date is that clause's."""
    return bool(_RELATIVE_WORD.search(ctx.body, start, end))


def _in_aside(ctx: _Context, sentence_start: int, date: DateMention, trigger_at: int) -> bool:
    """The date stands in an aside set off by commas before the trigger, with words of its own
    ('The army, in disarray after a coup on March 22, withdrew to X'): the aside's time, not
    the event's ('The army, on Friday, took X' is the event's)."""
    opened = ctx.body.rfind(",", sentence_start, date.start)
    closed = ctx.body.find(",", date.end, trigger_at)
    if opened < 0 or closed < 0:
        return False
    aside = ctx.body[opened + 1 : date.start] + ctx.body[date.end : closed]
    words = aside.split()
    return len(words) >= 2 and words[0][:1].islower()  # not 'X, November 1 – Since …'


def _nearer_place(
    sentence: _Sentence, ctx: _Context, mention: PlaceMention, date: DateMention
) -> bool:
    """Another trigger's place (a town, not a region) stands between the mention and a date
    after it: the date is that event's ('the fall of X followed the Taliban capturing Y on
    Saturday'), not the mention's ('took X and Y on Monday', 'the attack on X and on Y
    overnight')."""
    here = next((p for p in sentence.places if p.mention is mention), None)
    if here is None:
        return False
    for place in sentence.places:
        if place.start < here.end or place.mention.end > date.start or place.locator:
            continue
        if ctx.gazetteer.by_id[place.mention.place_id].kind == "region":
            continue  # 'amid the Tigray region conflict on November 20'
        if any(here.end <= m.start < place.start for m in sentence.matches):
            return True
    return False


def _next_conjunct(ctx: _Context, mention: PlaceMention, date: DateMention) -> bool:
    """A day counted from another ('a day later') opens the next conjunct after the place
    ('took A, and followed it up a day later by taking B'): it dates what follows."""
    between = ctx.body[mention.end : date.start].lower()
    return date.later and (" and " in f" {between} " or ";" in between)


STATES = ("held", "besieged")  # kinds that last: 'held since X' is said of the report's day


PRESENT_AUXILIARIES = _words("present_auxiliaries")


def _pluperfect(sentence: _Sentence, start: int) -> bool:
    """'X had been held by Y since November', 'Y had held X since 2014': a holding that ended
    before the story; its 'since' dates it, not the report's day."""
    return any(t.lower == "had" for t in sentence.tokens[max(0, start - 3) : start])


def _of_the_present(sentence: _Sentence, start: int, holding: bool) -> bool:
    """The trigger's clause tells of the report's present ('the army now controlled X', 'the
    rebels still hold X'; a change or a fight in the present tense: 'says it has now advanced
    into X'): the day the sentences before named is not its day."""
    first, end = sentence.clause_bounds[sentence.clause_of[start]]
    words = {t.lower for t in sentence.tokens[first:end]}
    if holding:
        return not words.isdisjoint(CURRENT)
    before = {t.lower for t in sentence.tokens[first:start]}
    return not words.isdisjoint(CURRENT) and not before.isdisjoint(PRESENT_AUXILIARIES)


def _since_after(ctx: _Context, date: DateMention, last: Tok) -> bool:
    """'took X, held by Y since 2014': the 'since' stands after the change's words."""
    return date.start > last.end and "since" in ctx.body[last.end : date.start].lower()


_SINCE = re.compile(r"\bsince(?:\s+[\w'’]+){0,3}\s+(?:in|on|at)\s*$|\bsince\s*$")


def _since(ctx: _Context, date: DateMention) -> bool:
    """Is the date the start of a state ('since 2014', 'since May 23', 'since taking it in
    2014')?"""
    return bool(date.text) and bool(
        _SINCE.search(ctx.body[max(0, date.start - 40) : date.start].lower())
    )


def _past_dates_in(dates: list[DateMention], clause: Span) -> list[DateMention]:
    """The dates inside a clause that are not in the future tense (nor a count back that
    dates the next clause: 'took X two days after ...')."""
    return [d for d in dates if clause.start <= d.start < clause.end and not (d.future or d.ahead)]


def _counted_back(ctx: _Context, dates: list[DateMention], start: int) -> DateMention | None:
    """The date of the clause beginning at ``start`` that the words right before it count
    back ('two days' in 'X fell two days after rebels took Y' dates the taking of Y)."""
    for date in dates:
        if date.ahead and date.end <= start and not ctx.body[date.end : start].strip(" ,"):
            return date
    return None


def _opener(clause: Span) -> str:
    """A clause's first word, lower case ('which', 'since')."""
    return clause.text.lstrip(" ,").split(" ", 1)[0].lower()


def _report_date(
    sentence: _Sentence, ctx: _Context, dates: list[DateMention], after: int
) -> DateMention | None:
    """'X has fallen, a correspondent said on Sunday': the day of the report that follows
    (an attribution word right before the date), when the event's own clauses name none."""
    for date in dates:
        if date.start >= after and not date.future and _said_on(sentence, ctx, date):
            return date
    return None


def _said_on(sentence: _Sentence, ctx: _Context, date: DateMention) -> bool:
    """The date is a saying's: an attribution word right before it ('said on Sunday')."""
    at = sum(1 for t in sentence.tokens if t.end <= date.start)  # the date's first token
    return any(
        not _names_word(sentence, s, e) for s, e in sentence.cue_at("attribution", ctx, at - 3, at)
    )


def _names_word(sentence: _Sentence, start: int, end: int) -> bool:
    """Tokens start..end belong to a name: a side's ('Islamic State') or a region's after its
    place ('Sennar state'), not a verb of saying."""
    if any(a.start <= start and end <= a.end for a in sentence.actors):
        return True
    return start > 0 and start - 1 in sentence.place_at


# --- 'the last town held by X' ---------------------------------------------------------------

PLURALS = _words("plurals")
QUALIFIERS = _words("qualifiers")


def _exclusivity(sentence: _Sentence, ctx: _Context) -> tuple[str, Exclusivity] | None:
    """'X is the last town held by the rebels': X's place id and the holder's exclusive claim."""
    tokens = sentence.tokens
    longest = {}
    for start, end in sentence.cues("exclusive", ctx):
        longest[start] = max(end, longest.get(start, end))
    for m in (Match(0, start, end) for start, end in sorted(longest.items())):
        words = [t.lower for t in tokens[m.start : m.end]]
        if sentence.cue_ending_at("not_exclusive", ctx, m.start, reach=4):
            continue
        if QUALIFIERS & set(words):
            continue  # 'the last major stronghold': smaller places may still be held
        noun = words[-1]
        if noun in PLURALS:
            continue  # 'the last villages held by X are A and B' names a set
        if _on_the_way(tokens, m.end):
            continue  # 'the last village on the road to X': geography
        nearest = _nearest_place(sentence, m.start, m.end)
        if nearest is None:
            continue
        kind = ctx.gazetteer.by_id[nearest.mention.place_id].kind
        if kind not in SETTLEMENT_KINDS + ("camp",):
            continue
        holder = _exclusive_holder(sentence, ctx, m.start, m.end)
        if not holder:
            continue
        kinds = (
            ("city", "town")
            if noun in ("town", "city")
            else ("village",)
            if noun == "village"
            else SETTLEMENT_KINDS[:3]
        )
        if _scoped(sentence, ctx, m.end):
            continue  # 'the last stronghold in <a country>': not a claim about every place
        return nearest.mention.place_id, Exclusivity(holder=holder, kinds=kinds)
    return None


ON_THE_WAY = _words("on_the_way")
HOLDING_WORDS = _words("holding_words")


def _on_the_way(tokens: list[Tok], end: int) -> bool:
    """'the last village on the road to X', not '... on the river held by Y'."""
    if end >= len(tokens) or tokens[end].lower not in ON_THE_WAY:
        return False
    return not any(t.lower in HOLDING_WORDS for t in tokens[end : end + 8])


def _nearest_place(sentence: _Sentence, start: int, end: int) -> PlaceRef | None:
    best, best_gap = None, 9
    for place in sentence.places:
        if place.locator:
            continue
        if place.end <= start:
            gap = sentence.tokens[place.end : start]
        elif place.start >= end:
            gap = sentence.tokens[end : place.start]
        else:
            continue
        words = [t for t in gap if t.text not in BARRIERS or t.text == ","]
        if any(t.text == ";" for t in gap):
            continue
        if len(words) < best_gap:
            best, best_gap = place, len(words)
    return best


def _exclusive_holder(sentence: _Sentence, ctx: _Context, start: int, end: int) -> str:
    """The side that holds the last town: the agent of 'held by' after the phrase, else one
    named within a few words of it."""
    tokens = sentence.tokens
    by = next((k for k in range(end, min(end + 8, len(tokens))) if tokens[k].lower == "by"), -1)
    agent = next((a for a in sentence.actors if by >= 0 and a.start in (by + 1, by + 2)), None)
    if agent is not None and ctx.profile.holds_ground(agent.side):
        return agent.side  # 'the last village on the river held by the rebels'
    near = [
        a
        for a in sentence.actors
        if start - 6 <= a.start <= end + 6 and ctx.profile.holds_ground(a.side)
    ]
    inside = [a for a in near if start <= a.start < end + 4]
    chosen = inside or near
    return chosen[0].side if chosen else ""


def _scoped(sentence: _Sentence, ctx: _Context, end: int) -> bool:
    """'... in Iraq', 'in eastern Syria': a place the gazetteer does not hold limits the claim."""
    tokens = sentence.tokens
    if end < len(tokens) and tokens[end].lower in ("in", "east", "west", "north", "south"):
        following = tokens[end + 1 : end + 4]
        named = [t for t in following if t.text[:1].isupper()]
        if named and not any(sentence.place_at.get(end + 1 + k) for k in range(len(following))):
            return True
    return False
