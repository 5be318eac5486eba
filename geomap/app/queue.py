"""The review queue: every extracted claim with what an analyst needs to decide on it.

Each claim carries its sentence with the place, trigger, date words and sides marked, its
source, the state it would give the place, the claims it conflicts with, and its impact:
claims that change the map's colour first, then conflicts, then low-confidence claims.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from geomap.campaign import Campaign, Profile, load_campaign
from geomap.extract.events import SideFinder, load_rules
from geomap.extract.lexicon import tokens_of
from geomap.extract.mentions import MentionFinder
from geomap.extract.text import Span
from geomap.records import MIN_CONFIDENCE, Event
from geomap.reviews import claim_ids
from geomap.timeline import Timeline

# impact groups, in queue order
IMPACTS = ("changes the map", "conflict", "low confidence", "other")
LOW_CONFIDENCE = 0.7  # below it a claim is queued with the doubtful ones (0.6-0.7: ~77 % right)


@dataclass
class QueueClaim:
    """One extracted claim as the review app shows it."""

    id: str
    article: str
    outlet: str
    published: str
    title: str
    sentence: str
    marks: list[tuple[int, int, str]]  # (start, end, what) in the sentence: place, trigger...
    date: str
    date_precision: str
    date_text: str
    place_id: str
    place: str
    kind: str
    actor: str
    controller: str
    confidence: float
    inferred: bool
    state: str  # what the claim would make of the place
    impact: int  # index into IMPACTS
    conflicts: list[str] = field(default_factory=list)  # claim ids

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "article": self.article,
            "outlet": self.outlet,
            "published": self.published,
            "title": self.title,
            "sentence": self.sentence,
            "marks": [list(m) for m in self.marks],
            "date": self.date,
            "date_precision": self.date_precision,
            "date_text": self.date_text,
            "place_id": self.place_id,
            "place": self.place,
            "kind": self.kind,
            "actor": self.actor,
            "controller": self.controller,
            "confidence": self.confidence,
            "inferred": self.inferred,
            "state": self.state,
            "impact": IMPACTS[self.impact],
            "impact_rank": self.impact,
            "conflicts": self.conflicts,
        }


@dataclass
class ReviewQueue:
    """The claims in review order, and the campaign they belong to."""

    claims: list[QueueClaim]
    campaign: Campaign
    data_dir: Path

    def by_id(self) -> dict[str, QueueClaim]:
        return {c.id: c for c in self.claims}


def state_text(kind: str, actor: str, controller: str, profile: Profile) -> str:
    """What a claim makes of its place, in words: 'held by X', 'contested (X against Y)'."""

    def label(side: str) -> str:
        found = profile.side(side) if side else None
        return found.label if found else (side or "unknown")

    if kind in ("captured", "held"):
        return f"held by {label(controller or actor)}"
    if kind in ("contested", "besieged"):
        return f"{kind}: {label(actor)} against {label(controller)}"
    if kind == "withdrew":
        new = f", now held by {label(controller)}" if controller and controller != actor else ""
        return f"no longer held by {label(actor)}{new}"
    return f"{label(actor)} surrendered there (holder unchanged)"


def sentence_marks(
    sentence: str, event: Event, campaign: Campaign, finder: MentionFinder, sides: SideFinder
) -> list[tuple[int, int, str]]:
    """Where the sentence names the claim's place, its trigger words, its date words and its
    sides: (start, end, what), sorted, not overlapping. ``finder`` and ``sides`` are compiled
    once per queue: compiling the side words took longer than marking a sentence."""
    span = Span(0, len(sentence), sentence)
    found: list[tuple[int, int, str]] = []
    for mention in finder.find(span, sentence):
        if mention.place_id == event.place_id:
            found.append((mention.start, mention.end, "place"))
    rules = load_rules(campaign.profile.language)
    tokens = tokens_of(span, campaign.profile.language)
    for match in rules.trigger_matcher.find(tokens):
        if rules.triggers[match.rule].kind == event.kind:
            found.append((tokens[match.start].start, tokens[match.end - 1].end, "trigger"))
    if event.date_text:
        at = sentence.find(event.date_text)
        if at >= 0:
            found.append((at, at + len(event.date_text), "date"))
    named = {event.actor, event.controller} - {""}
    for actor in sides.find(tokens):
        if actor.side in named:
            found.append((tokens[actor.start].start, tokens[actor.end - 1].end, "actor"))
    found.sort(key=lambda m: (m[0], -m[1]))
    kept: list[tuple[int, int, str]] = []
    for mark in found:
        if not kept or mark[0] >= kept[-1][1]:
            kept.append(mark)
    return kept


def _colour_changes(event: Event, timeline: Timeline) -> bool:
    """Whether a drawn event gives its place another holder or status than the day before."""
    after = timeline.state(event.place_id, event.first_day)
    before = timeline.state(event.place_id, event.first_day - dt.timedelta(days=1))
    if after is None:
        return False
    return before is None or (before.controller, before.status) != (after.controller, after.status)


def build_queue(
    claims: list[Event],
    timeline: Timeline,
    campaign: Campaign,
    titles: dict[str, str],
    data_dir: Path,
    min_confidence: float = MIN_CONFIDENCE,
) -> ReviewQueue:
    """The queue of ``claims`` (the extracted events, before any review) against the
    ``timeline`` they make without review."""
    ids = claim_ids(claims)
    claim_key = {
        (e.article, e.evidence_start, e.place_id, e.kind): key
        for e, key in zip(claims, ids, strict=True)
    }
    merged: dict[tuple, Event] = {}
    for event in timeline.all_events:
        for claim in event.claims:
            merged[(claim.article, claim.evidence_start, event.place_id, event.kind)] = event
    by_event_id = {e.event_id: e for e in timeline.all_events}
    drawn = {e.event_id for e in timeline.events}
    finder = MentionFinder(campaign.gazetteer)
    sides = SideFinder.of(campaign.profile, campaign.profile.language)
    out: list[QueueClaim] = []
    for event, key in zip(claims, ids, strict=True):
        lookup = (event.article, event.evidence_start, event.place_id, event.kind)
        group = merged.get(lookup)
        conflicts: list[str] = []
        for other_id in group.conflicts if group else []:
            other = by_event_id.get(other_id)
            for claim in other.claims if other else []:
                other_key = claim_key.get(
                    (claim.article, claim.evidence_start, other.place_id, other.kind)
                )
                if other_key and other_key != key and other_key not in conflicts:
                    conflicts.append(other_key)
        if group is not None and group.event_id in drawn and _colour_changes(group, timeline):
            impact = 0
        elif conflicts:
            impact = 1
        elif event.confidence < max(LOW_CONFIDENCE, min_confidence):
            impact = 2
        else:
            impact = 3
        out.append(
            QueueClaim(
                id=key,
                article=event.article,
                outlet=event.outlet,
                published=event.published,
                title=titles.get(event.article, ""),
                sentence=event.evidence,
                marks=sentence_marks(event.evidence, event, campaign, finder, sides),
                date=event.date,
                date_precision=event.date_precision,
                date_text=event.date_text,
                place_id=event.place_id,
                place=event.place,
                kind=event.kind,
                actor=event.actor,
                controller=event.controller,
                confidence=event.confidence,
                inferred=event.inferred,
                state=state_text(event.kind, event.actor, event.controller, campaign.profile),
                impact=impact,
                conflicts=conflicts,
            )
        )
    out.sort(key=lambda c: (c.impact, c.confidence, c.date, c.place, c.article, c.id))
    return ReviewQueue(out, campaign, data_dir)


def load_queue(
    data_dir: str | Path = "data",
    *,
    campaign: Campaign | None = None,
    jobs: int | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> ReviewQueue:
    """Extract the data folder's articles and queue every claim for review."""
    from geomap import pipeline

    data_dir = Path(data_dir)
    campaign = campaign or load_campaign(data_dir)
    result = pipeline.extract(
        data_dir,
        None,
        jobs=jobs,
        campaign=campaign,
        min_confidence=min_confidence,
        use_reviews=False,
        keep_claims=True,
    )
    titles = {a["name"]: a.get("title", "") for a in result.articles}
    return build_queue(
        result.claims, result.timeline, campaign, titles, data_dir, min_confidence=min_confidence
    )
