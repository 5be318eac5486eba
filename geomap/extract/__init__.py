"""Articles -> mentions -> events: everything one article says about places and their control.

``extract_article`` reads one article; ``extract`` streams a folder, one article in memory
at a time, optionally over several processes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from geomap.articles import Article
from geomap.campaign import Profile
from geomap.extract.calibration import calibrate, load_calibration
from geomap.extract.dates import DateMention, find_dates, publication_date
from geomap.extract.events import (
    ActorRef,
    ArticleSides,
    Rules,
    SideFinder,
    _Context,
    answered,
    countered,
    date_repeats,
    events_in_sentence,
    headed_for,
    load_rules,
    referent,
    retakes,
)
from geomap.extract.figures import find_figures
from geomap.extract.lexicon import Tok, tokens_of, word_tokens
from geomap.extract.mentions import MentionFinder, PlaceMention
from geomap.extract.sites import site_mentions
from geomap.extract.text import Span, split_sentences
from geomap.gazetteer import Gazetteer
from geomap.records import Event, Mention

__all__ = ["ArticleExtraction", "Extractor", "extract_article"]

_GENERIC = Profile()
_FINDERS: dict[int, tuple[Profile, SideFinder]] = {}


def _side_finder(profile: Profile) -> SideFinder:
    """The profile's compiled side words (compiled once per profile object)."""
    kept = _FINDERS.get(id(profile))
    if kept is None or kept[0] is not profile:
        kept = _FINDERS[id(profile)] = (profile, SideFinder.of(profile, profile.language))
    return kept[1]


@dataclass
class ArticleExtraction:
    """What one article yields."""

    article: Article
    events: list[Event] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    unknown_names: list[tuple[str, int]] = field(default_factory=list)  # when asked for


class Extractor:
    """Holds the gazetteer index; call it on each article."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        profile: Profile | None = None,
        *,
        unknown_names: bool = True,
        calibrated: bool = True,
    ) -> None:
        self.gazetteer = gazetteer
        self.profile = profile or _GENERIC
        self.finder = MentionFinder(gazetteer)
        self.unknown_names = unknown_names
        self.calibrated = calibrated
        # the profile's side words are compiled (and the lemmatizer's dictionary read) when
        # the first article that may name a place needs them (:func:`_side_finder`)

    def skips(self, article: Article) -> bool:
        """Whether calling this on ``article`` yields nothing, found without reading it
        further (:func:`yields_nothing`)."""
        return yields_nothing(article.body, self.finder, self.unknown_names)

    def __call__(self, article: Article) -> ArticleExtraction:
        return extract_article(
            article,
            self.gazetteer,
            self.finder,
            profile=self.profile,
            unknown_names=self.unknown_names,
            calibrated=self.calibrated,
        )

    def iter(self, articles: Iterable[Article]) -> Iterator[ArticleExtraction]:
        for article in articles:
            yield self(article)


def _referred_back(
    toks: list[Tok],
    recent: list[tuple[int, PlaceMention]],
    number: int,
    rules: Rules,
    gazetteer: Gazetteer,
    reference_points: set[int],
) -> list[PlaceMention]:
    """A sentence opening with 'The town …' names the place of that kind of the two sentences
    before that it refers to (``referent``; the kinds each noun refers to are
    rules/en/anaphors.toml's)."""
    words = [t for t in toks if t.text[:1].isalnum()]
    if len(words) < 2 or words[0].lower not in rules.determiners:
        return []
    kinds = rules.anaphors.get(words[1].lemma)
    if not kinds:
        return []
    candidates = [m for n, m in recent if number - n <= 2]
    earlier = referent(candidates, kinds, gazetteer, reference_points)
    if earlier is None:
        return []
    surface = " ".join(t.text for t in words[:2])
    return [PlaceMention(earlier.place_id, words[0].start, words[1].end, surface)]


DATELINE_REACH = 40  # characters before a dateline's place: '[Jan. 11, 2013] BAMAKO, Mali'


def _filed_on(date: DateMention, sentence: Span, published: dt.date) -> bool:
    """The publication day written out in full (with its year) where a sentence opens
    ('November 21, 2023 (EL DAEIN) -', 'date 2020-11-30 ...'): when the report was filed,
    not when the events it tells of happened."""
    if date.precision != "day" or date.start - sentence.start > DATELINE_REACH:
        return False
    if _DATELINE_PLACE.match(sentence.text[: date.start - sentence.start]):
        return True  # 'KABUL, Aug 9 (Reuters) -': the day it was filed
    return date.first_day == published and str(published.year) in date.text


# A dateline's place in capitals and its comma, right before the filing day.
_DATELINE_PLACE = re.compile(r"^\s*[A-Z][A-Z\s.'’-]{2,},\s*$")


def _dateline(mention: PlaceMention, sentence: Span, body: str) -> bool:
    """A place in capitals opening a sentence ('BAGHDAD, Dec. 27 (UPI) — Iraqi forces took X')
    is where the report was filed, not a place the sentence tells of."""
    before = body[sentence.start : mention.start]
    letters = [c for c in mention.surface if c.isalpha()]
    return (
        len(before) <= DATELINE_REACH
        and len(letters) >= 4
        and all(c.isupper() for c in letters)
        and not any(w.isalpha() and w.islower() and len(w) > 4 for w in before.split())
    )


def _without_dateline(
    mentions: list[PlaceMention],
    actors: list[ActorRef],
    toks: list[Tok],
    sentence: Span,
    body: str,
) -> tuple[list[PlaceMention], list[ActorRef]]:
    """The sentence's mentions and actors but its dateline: neither a place the sentence tells
    of nor a side (:func:`_dateline`)."""
    filed = [m for m in mentions if _dateline(m, sentence, body)]
    if not filed:
        return mentions, actors
    kept = [m for m in mentions if m not in filed]
    return kept, [
        a for a in actors if not any(m.start <= toks[a.start].start < m.end for m in filed)
    ]


def _refers_back(toks: list[Tok], rules: Rules) -> bool:
    """A word of the sentence may refer back to a place named before ('the town')."""
    return any(rules.anaphors.get(t.lemma) for t in toks)


NARRATIVE_REACH = 1  # sentences an undated sentence looks back for the day it tells of


def _anchors(date: DateMention) -> bool:
    """A date 'N days later' may count from: a past day the text names (not one counted
    back for the clause after it: 'two days after …')."""
    return date.precision == "day" and not (date.future or date.ahead)


def yields_nothing(body: str, finder: MentionFinder, unknown_names: bool) -> bool:
    """The article prefilter: no word of ``body`` can begin a place, so that it yields no
    mention and no event (unless the names the gazetteer lacks are asked for)."""
    return not unknown_names and not finder.may_mention(body)


def extract_article(
    article: Article,
    gazetteer: Gazetteer,
    finder: MentionFinder | None = None,
    *,
    profile: Profile | None = None,
    sides: SideFinder | None = None,
    unknown_names: bool = True,
    calibrated: bool = True,
) -> ArticleExtraction:
    """Mentions, figures and control events of one article (and, if asked, the place-like
    names the gazetteer lacks). ``profile``: the campaign's sides (none by default).
    ``calibrated``: events carry the calibrated confidence (``calibration.py``), else the
    rules' own score (what ``eval/calibrate.py`` fits the model on)."""
    finder = finder or MentionFinder(gazetteer)
    profile = profile or _GENERIC
    body = article.body
    if yields_nothing(body, finder, unknown_names):
        return ArticleExtraction(article)
    rules = load_rules(profile.language)
    sides = sides or _side_finder(profile)
    sentences = split_sentences(body)
    tokens = [tokens_of(sentence, rules.language) for sentence in sentences]
    actors = [sides.find(toks) for toks in tokens]
    counts = Counter(a.side for found in actors for a in found)
    ctx = _Context(
        body=body,
        published=article.published,
        article=article.name,
        outlet=article.outlet,
        gazetteer=gazetteer,
        profile=profile,
        rules=rules,
        sides=sides,
        article_sides=ArticleSides(counts),
    )
    result = ArticleExtraction(article)
    recent: list[tuple[int, PlaceMention]] = []  # (sentence number, mention) for anaphora
    anchor: dt.date | None = None  # the last day the text named: 'five days later' counts from it
    narrative: tuple[int, DateMention] | None = None  # (sentence number, day) for undated ones
    for number, sentence in enumerate(sentences):
        words = []  # most sentences of real articles name no place
        if unknown_names or finder.may_mention(sentence.text):
            words = word_tokens(sentence, tokens[number])
        mentions = finder.find(sentence, body, words) if words else []
        if unknown_names:
            toks = tokens[number]
            named = [(toks[a.start].start, toks[a.end - 1].end) for a in actors[number]]
            result.unknown_names.extend(
                (name, at)
                for name, at in finder.unknown_names(sentence, body, mentions, words)
                if not any(s <= at < e for s, e in named)  # a side's name, not a place
            )
        recent = [(n, m) for n, m in recent if number - n <= 2]  # kept short: linear cost
        ctx.recent = [m for _n, m in recent]
        if mentions or ctx.recent:  # "X's airport", "the city's stadium"
            mentions = site_mentions(tokens[number], mentions, ctx.recent, rules.sites, gazetteer)
        mentions, actors[number] = _without_dateline(
            mentions, actors[number], tokens[number], sentence, body
        )
        dates = find_dates(sentence.text, article.published, sentence.start, anchor, rules.language)
        # a day after publication told in the past is the page's furniture ('Saturday July 27
        # 2024' above a 2020 story): no event's date, no anchor
        dates = [d for d in dates if d.future or d.first_day <= article.published]
        dates = [d for d in dates if not _filed_on(d, sentence, article.published)]
        if narrative is not None and number - narrative[0] > NARRATIVE_REACH:
            narrative = None
        ctx.narrative = narrative[1] if narrative else None
        last_day = next((d for d in reversed(dates) if _anchors(d)), None)
        if last_day is not None:
            anchor, narrative = last_day.first_day, (number, last_day)
        told = (
            result.events
            and number
            and result.events[-1].evidence_start == sentences[number - 1].start
        )
        if told:  # 'Russia said it had taken X. Ukraine denied the claim.'
            answered(result.events, sentences[number - 1].start, tokens[number], rules)
        if not mentions and not (ctx.recent and _refers_back(tokens[number], rules)):
            continue  # no place named, none referred to: no event, no mention
        ctx.reference_points.update(headed_for(tokens[number], mentions))  # 'toward X'
        found = events_in_sentence(sentence, mentions, ctx, dates, tokens[number], actors[number])
        result.events.extend(found)
        if found and told:  # 'Turkey said it still held X' after 'the YPG took X'
            countered(result.events, sentences[number - 1].start, sentence.start)
        referred = list(mentions)
        if not mentions:
            referred = _referred_back(
                tokens[number], recent, number, rules, gazetteer, ctx.reference_points
            )
        if referred:
            past = [d for d in dates if not (d.future or d.ahead)]
            date = past[0] if past else publication_date(article.published)
            figures = find_figures(sentence.text)
            for mention in {m.place_id: m for m in referred}.values():
                place = gazetteer.by_id[mention.place_id]
                result.mentions.append(
                    Mention(
                        place_id=place.id,
                        place=place.name,
                        date=date.value,
                        date_precision=date.precision,
                        article=article.name,
                        outlet=article.outlet,
                        published=ctx.published_iso,
                        sentence=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        mention=mention.surface,
                        figures=figures,
                    )
                )
        recent.extend((number, m) for m in mentions)
    result.events = date_repeats(result.events)
    result.events = retakes(result.events, lambda side: ctx.article_sides.opponent(side, profile))
    if calibrated:
        calibrate(result.events, gazetteer, load_calibration(rules.language))
    return result
