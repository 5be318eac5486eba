"""Control events from sentences: which trigger governs which place, who acted, and when.

The rules are general (a lexicon of triggers with their voice, modality and partial-object
cues), not the sentences of any article:

- a *trigger* ('captured', 'fell to', 'held by', 'fighting in', 'laying siege to', ...) has a
  kind and a direction: its place follows it (active verbs, 'the capture of X'), precedes it
  ('X fell to'), or either ('held by');
- each place mention (a list 'Sousa, Buqaan and Shajla' counts as one) takes the nearest
  trigger of its clause, so two places in one sentence each get their own fate;
- modality: negation and future or hypothetical wording drop the event ('will fall',
  'would mark', 'has not been captured'); proximity and attempts ('close to seizing',
  'attack to capture', 'imminent') and partial objects ('a cluster of buildings inside X',
  'the outskirts of X') turn a capture into ``contested``;
- 'X is the last town held by ISIS' is recorded as an :class:`Exclusivity` on the event
  (or on a bare ``held`` event when the sentence has no other trigger), for the timeline to
  infer what ISIS no longer holds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from geomap.extract.actors import (
    HELD_ADJECTIVE,
    ActorMention,
    ArticleActors,
    find_actors,
    held_adjective,
)
from geomap.extract.dates import DateMention, find_dates, publication_date
from geomap.extract.gate import PatternGate, Taken
from geomap.extract.mentions import PlaceMention
from geomap.extract.text import Span, split_clauses, tokenize
from geomap.gazetteer import Gazetteer
from geomap.records import Event, Exclusivity

AFTER, BEFORE, BOTH = "after", "before", "both"
MAX_AFTER_TOKENS = 12
MAX_BEFORE_TOKENS = 8

_R = r"(?:re)?"
# (kind, voice, direction, pattern)
TRIGGERS: list[tuple[str, str, str, re.Pattern]] = [
    # completed changes of control
    (
        "captured",
        "nominal",
        AFTER,
        re.compile(
            r"\b(?:(?:full|total|complete|final)\s+)?(?:capture|fall|liberation|recapture|seizure|loss|"
            r"takeover|retaking|surrender)\s+of\b",
            re.I,
        ),
    ),
    (
        "captured",
        "passive_of",
        BEFORE,
        re.compile(
            r"\b(?:declared|announced|pronounced|now|been|was|were|is|are)\s+(?:fully\s+|completely\s+)?"
            r"(?:free|freed|cleared|rid|liberated)\s+of\b",
            re.I,
        ),
    ),
    (
        "captured",
        "passive",
        BEFORE,
        re.compile(
            r"\bfell\s+(?:back\s+)?(?:in)?to\b|\b(?:has|have|had)\s+fallen\b|\bfell\b", re.I
        ),
    ),
    (
        "captured",
        "active",
        AFTER,
        re.compile(
            rf"\b(?:{_R}gain(?:ed|ing|s)?|took|taken|tak(?:e|es|ing)|seiz(?:e|ed|es|ing)|assum(?:e|ed|ing)|"
            rf"wrest(?:ed|ing|s)?|{_R}establish(?:ed|ing)?)\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)\b",
            re.I,
        ),
    ),
    (
        "captured",
        "active",
        AFTER,
        re.compile(
            rf"\b{_R}captur(?:e|ed|es|ing)\b|\b{_R}(?:took|tak(?:e|es|en|ing))\b|\bseiz(?:e|ed|es|ing)\b|"
            r"\bliberat(?:e|ed|es|ing)\b|\bfreed\b|\bclear(?:ed|ing)?\b|\bover(?:ran|run|running)\b|"
            r"\bretook\b|\bretaken\b",
            re.I,
        ),
    ),
    (
        "captured",
        "active",
        AFTER,
        re.compile(
            r"\b(?:dr(?:o|i)v(?:e|es|en|ing)|expell?(?:ed|ing|s)?|oust(?:ed|ing|s)?|push(?:ed|es|ing)|"
            r"forc(?:ed|es|ing)|flush(?:ed|es|ing)|chas(?:ed|es|ing)|rout(?:ed|s|ing)|kick(?:ed|s|ing))"
            r"\b(?=[^.;]{0,60}?\b(?:from|out of)\b)",
            re.I,
        ),
    ),
    (
        "captured",
        "active",
        AFTER,
        re.compile(r"\bdefeat(?:ed|ing|s)?\b(?=\s+\w+(?:\s+\w+)?\s+(?:in|at)\b)", re.I),
    ),
    # statements of who holds a place
    (
        "held",
        "passive",
        BOTH,
        re.compile(
            r"\b(?:held|controlled|occupied|run|ruled|dominated|governed)\s+by\b|\bin\s+the\s+hands\s+of\b|"
            r"\bunder\s+(?:the\s+)?(?:full\s+|complete\s+|total\s+)?control\s+of\b",
            re.I,
        ),
    ),
    (
        "held",
        "passive",
        BEFORE,
        re.compile(
            r"\bunder\s+(?:the\s+)?(?:full\s+|complete\s+)?(?P<holder>[\w'’.-]+)\s+control\b|\bin\s+(?P<holder2>[\w'’.-]+)\s+hands\b",
            re.I,
        ),
    ),
    (
        "held",
        "active",
        AFTER,
        re.compile(
            r"\b(?:retain(?:s|ed|ing)?|keep(?:s|ing)?|kept|maintain(?:s|ed|ing)?|hold(?:s|ing)?\s+on\s+to)"
            r"\s+(?:full\s+|complete\s+)?control\s+(?:of|over)\b",
            re.I,
        ),
    ),
    (
        "held",
        "active",
        AFTER,
        re.compile(
            r"\b(?:still\s+)?(?:holds?|controls?|controlled|occupies|occupy|occupied|ruled\s+over|rules\s+over|"
            r"ruled|rules|retains?|retained|keeps?|kept)\b(?!\s+by\b)(?!\s+(?:talks|a\s+meeting|meetings|elections|hostage))",
            re.I,
        ),
    ),
    (
        "held",
        "adjective",
        AFTER,
        HELD_ADJECTIVE,
    ),
    # fighting, sieges, withdrawals, surrenders
    (
        "contested",
        "active",
        BOTH,
        re.compile(
            r"\b(?:fighting|clashes|battles?|combat|skirmishes|firefights?|street\s+fighting)\b",
            re.I,
        ),
    ),
    (
        "contested",
        "active",
        AFTER,
        re.compile(
            r"\b(?:fought|fight|fights|battled|battling)\s+(?:for|in|over|inside|around)\b|"
            r"\b(?:assaults?|attacks?|offensives?|onslaughts?|raids?|push|advance)\s+(?:on|against|into)\b|"
            r"\battack(?:ed|ing|s)\b|\bstorm(?:ed|ing|s)?\b|\bentered\b|\bbreached\b|"
            r"\bfront[- ]?lines?\b|\bcounter-?attack(?:ed|s|ing)?\b|\boutposts?\s+(?:inside|in)\b|"
            r"\b(?:launched|launches|launch|began|begun|started|resumed)\s+(?:an?\s+|its\s+|their\s+|the\s+)?"
            r"(?:final\s+|new\s+|renewed\s+|ground\s+)?(?:attack|assault|offensive|operation|push)\s+(?:on|against)\b",
            re.I,
        ),
    ),
    (
        "contested",
        "passive",
        BEFORE,
        re.compile(r"\bholed\s+up\b|\bdug\s+in\b|\bentrenched\b", re.I),
    ),
    (
        "besieged",
        "active",
        BOTH,
        re.compile(
            r"\bbesieg(?:e|ed|es|ing)\b|\bunder\s+siege\b|\bencircl(?:e|ed|es|ing)\b|\bsurrounded\b",
            re.I,
        ),
    ),
    (
        "besieged",
        "active",
        AFTER,
        re.compile(r"\b(?:lay|laid|laying|lays)\s+siege\s+to\b|\bsiege\s+of\b", re.I),
    ),
    (
        "besieged",
        "active",
        AFTER,
        re.compile(
            r"\b(?:dr(?:o|i)v(?:e|es|en|ing)|push(?:ed|es|ing)|pinn(?:ed|ing)|confin(?:ed|ing)|"
            r"squeez(?:ed|ing))\b(?=[^.;]{0,40}?\b(?:to|into|back\s+to)\b)(?![^.;]{0,60}?\bfrom\b)",
            re.I,
        ),
    ),
    (
        "withdrew",
        "active",
        AFTER,
        re.compile(
            r"\bwithdr(?:ew|awn|aw|aws|awing)\b|\bretreat(?:ed|ing|s)?\b|\bpull(?:ed|ing|s)?\s+(?:out|back)\b|"
            r"\babandon(?:ed|ing|s)?\b",
            re.I,
        ),
    ),
    (
        "surrendered",
        "active",
        BOTH,
        re.compile(
            r"\bsurrender(?:ed|ing|s)?\b|\bgave\s+themselves\s+up\b|\bturn(?:ed|ing)?\s+themselves\s+in\b|"
            r"\blaid\s+down\s+(?:their\s+)?(?:arms|weapons)\b",
            re.I,
        ),
    ),
]

NEGATION = re.compile(
    r"\b(?:not|never|no\s+longer|yet\s+to|failed\s+to|fail\s+to|without|neither|nor|denied|denies|"
    r"deny|rejected|unable\s+to|cannot)\b|n['’]t\b",
    re.I,
)
FUTURE = re.compile(
    r"\b(?:will|would|could|might|may|shall|should|must|going\s+to|expected\s+to|predicted\s+to|"
    r"likely\s+to|set\s+to|plan(?:s|ned)?\s+to|intend(?:s|ed)?\s+to|vow(?:s|ed)?\s+to|"
    r"threaten(?:s|ed)?\s+to|hope(?:s|d)?\s+to|wants?\s+to|wanted\s+to|if|unless|whether|"
    r"await(?:s|ing|ed)?|to\s+be|soon)\b|['’]ll\b",
    re.I,
)
PROXIMITY = re.compile(
    r"\b(?:close\s+to|closing\s+in\s+on|closer\s+to|on\s+the\s+verge\s+of|poised\s+to|about\s+to|"
    r"nearly|almost|near\s+to|on\s+the\s+brink\s+of|within\s+reach\s+of|imminent|imminently)\b",
    re.I,
)
ATTEMPT = re.compile(
    r"\b(?:attempts?|attempted|attempting|tr(?:y|ies|ied|ying)|bids?|battles?|battled|battling|"
    r"fights?|fought|fighting|struggl(?:e|es|ed|ing)|push(?:es|ed|ing)?|attacks?|assaults?|"
    r"offensives?|operations?|campaigns?|efforts?|aim(?:s|ed)?|seek(?:s|ing)?|sought|moved?|"
    r"advanc(?:e|es|ed|ing)|launch(?:ed|es)?)\b(?:\s+[\w'’]+){0,4}?\s+to\s+$",
    re.I,
)
PARTIAL = re.compile(
    r"\b(?:clusters?\s+of|several|some|parts?\s+of|most\s+of|much\s+of|half\s+of|areas?\s+of|"
    r"neighbou?rhoods?|districts?|quarters?|positions?|buildings?|blocks?|streets?|outskirts|"
    r"edges?|fields?|pockets?|sections?|inside|within|sides?|villages?\s+near|areas?\s+(?:near|around)|"
    r"posts?|checkpoints?|ammunition|depots?|bases?|hills?|roads?)\b",
    re.I,
)
HOLDER_CUE = re.compile(r"\b(?:retain|keep|hold\s+on\s+to|hold\s+onto|defend|maintain)\b", re.I)
EXCLUSIVE = re.compile(
    r"\b(?P<adj>last(?:\s+remaining)?|final|only|sole|remaining|single\s+remaining)\s+"
    r"(?:(?!held\b|controlled\b)[\w'’-]+\s+){0,3}?"
    r"(?P<noun>towns?|city|cities|villages?|strongholds?|enclaves?|territory|bastions?|redoubts?|"
    r"pockets?|holdouts?|footholds?|urban\s+areas?|shred\s+of\s+territory|patch\s+of\s+territory|"
    r"piece\s+of\s+territory|populated\s+territory|area)\b",
    re.I,
)
LOCATOR_GAP = re.compile(
    r"^\s*,?\s*(?:in|of|near|outside)\s+(?:the\s+)?(?:(?:north|south|east|west|central)(?:ern)?\s+|"
    r"(?:north|south)-?(?:east|west)(?:ern)?\s+)?$|^\s*,\s*$",
    re.I,
)
_GATE = PatternGate([pattern for *_rule, pattern in TRIGGERS])
LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|&|/)\s*$", re.I)
SETTLEMENT_KINDS = ("city", "town", "village")


@dataclass(frozen=True)
class Trigger:
    kind: str
    voice: str
    direction: str
    start: int
    end: int
    text: str
    holder_hint: str = ""


def find_triggers(span: Span) -> list[Trigger]:
    """Every trigger phrase in a sentence, longest first where they overlap."""
    found: list[Trigger] = []
    taken = Taken()
    for index, m in _GATE.scan(span.text):
        kind, voice, direction, _pattern = TRIGGERS[index]
        if taken.overlaps(m):
            continue
        taken.add(m)
        start, end = span.start + m.start(), span.start + m.end()
        holder = m.groupdict().get("holder") or m.groupdict().get("holder2") or ""
        trig_voice, trig_direction = voice, direction
        if voice == "active" and kind == "captured":
            before = span.text[max(0, m.start() - 16) : m.start()].lower()
            is_passive = re.search(r"\b(?:was|were|been|being|be|is|are|got|get)\s+$", before)
            if is_passive and re.match(r"[^.;]{0,60}?\b(?:from|out\s+of)\b", span.text[m.end() :]):
                # 'the jihadists were driven out of X': X follows, the subject lost it
                found.append(Trigger(kind, "passive_from", AFTER, start, end, m.group(0)))
                continue
            after = span.text[m.end() : m.end() + 4].lower()
            if (
                is_passive
                or (after.startswith(" by") and not after.startswith(" by "))
                or re.match(r"\s+by\b", span.text[m.end() :])
            ):
                trig_voice, trig_direction = "passive", BEFORE
        found.append(Trigger(kind, trig_voice, trig_direction, start, end, m.group(0), holder))
    return sorted(found, key=lambda t: t.start)


@dataclass
class _Context:
    body: str
    published: dt.date
    article: str
    outlet: str
    gazetteer: Gazetteer
    sides: ArticleActors
    published_iso: str = field(init=False)  # one string per article, shared by its records

    def __post_init__(self) -> None:
        self.published_iso = self.published.isoformat()


def _token_index(tokens, offset: int) -> int:
    for i, tok in enumerate(tokens):
        if tok.end > offset:
            return i
    return len(tokens)


def _groups(mentions: list[PlaceMention], body: str) -> list[list[PlaceMention]]:
    """Coordinated place lists ('Sousa, Buqaan and Shajla') become one group."""
    groups: list[list[PlaceMention]] = []
    for mention in mentions:
        if groups and LIST_GAP.match(body[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _locators(mentions: list[PlaceMention], body: str, gazetteer: Gazetteer) -> set[int]:
    """Mentions that only locate the previous one ('Hajin, in eastern Deir ez-Zor')."""
    out = set()
    for prev, cur in zip(mentions, mentions[1:], strict=False):
        gap = body[prev.end : cur.start]
        kind = gazetteer.by_id[cur.place_id].kind
        if LOCATOR_GAP.match(gap) and (
            kind == "region"
            or gap.strip(" ,").lower() in ("in", "in the", "near", "outside", "of")
            or gap.strip().startswith(",")
        ):
            if kind == "region" or not LIST_GAP.match(gap):
                out.add(cur.start)
    return out


def _relative_clauses(clauses: list[Span], mentions: list[PlaceMention], body: str) -> dict:
    """Clause index -> the place it describes, for clauses like ', which the SDF captured'."""
    out = {}
    for index, clause in enumerate(clauses):
        head = clause.text.lstrip(" ,").lower()
        if index and head.startswith(("which ", "that ")):
            before = [
                m
                for m in mentions
                if m.end <= clause.start and not body[m.end : clause.start].strip(" ,")
            ]
            if before:
                out[index] = before[-1]
    return out


def _clause_of(clauses: list[Span], offset: int) -> int:
    for i, clause in enumerate(clauses):
        if clause.start <= offset < clause.end:
            return i
    return len(clauses) - 1


def _modality(trigger: Trigger, clause: Span, body: str, place_start: int) -> str:
    """'drop', 'contested' (proximity, attempt or partial), or 'plain'."""
    before = body[clause.start : trigger.start]
    near_before = " ".join(before.split()[-5:])
    if trigger.voice == "nominal":
        scope = body[clause.start : clause.end]
        if NEGATION.search(" ".join(before.split()[-3:])):
            return "drop"
        if PROXIMITY.search(scope):
            return "contested"
        if FUTURE.search(scope):
            return "drop"
    else:
        if NEGATION.search(near_before) or re.search(r"\bnot\b", body[trigger.start : trigger.end]):
            return "drop"
        if PROXIMITY.search(near_before):
            return "contested"
        if ATTEMPT.search(before):
            return "contested"
        if FUTURE.search(before):
            return "drop"
    if trigger.kind == "captured" and trigger.direction == AFTER and place_start > trigger.end:
        between = body[trigger.end : place_start]
        if PARTIAL.search(between):
            return "contested"
    return "plain"


NOUN_TRIGGERS = re.compile(
    r"^(?:fighting|clashes|battles?|combat|skirmishes|firefights?|street\s+fighting)$", re.I
)
_PREP_BEFORE = re.compile(r"\b(?:by|from|against|with|to)\s+(?:an?\s+|the\s+)?$", re.I)


def _roles(
    trigger: Trigger, actors: list[ActorMention], clause: Span, sentence: Span, body: str
) -> tuple[str, str]:
    """(agent, patient) of a trigger from the actor mentions around it."""
    agent = patient = ""
    after = [a for a in actors if a.start >= trigger.end]
    before = [a for a in actors if a.end <= trigger.start]
    if NOUN_TRIGGERS.match(trigger.text):
        return "", ""
    if trigger.voice in ("passive_of", "passive_from"):
        by = re.search(r"\bby\s+(?:the\s+)?", body[trigger.end : clause.end])
        if by:
            found = [a for a in after if a.start >= trigger.end + by.end() - 1]
            agent = found[0].actor if found else ""
        if trigger.voice == "passive_of":
            losers = [a for a in after if len(body[trigger.end : a.start].split()) <= 2]
        else:
            losers = [a for a in before if a.start >= clause.start]
        patient = (
            losers[-1].actor
            if losers and trigger.voice == "passive_from"
            else (losers[0].actor if losers else "")
        )
        return agent if agent != patient else "", patient
    if trigger.voice == "nominal":
        m = re.match(r"[^,;]{0,60}?\bby\s+(?:the\s+)?", body[trigger.end : clause.end])
        if m:
            found = [a for a in after if a.start >= trigger.end + m.end() - 1]
            agent = found[0].actor if found else ""
        if re.match(r"(?:the\s+)?loss", trigger.text, re.I):
            owners = [a for a in before if a.start >= clause.start]
            patient, agent = (owners[-1].actor if owners else ""), ""
        return agent, patient
    if trigger.voice == "passive" or (trigger.kind == "held" and trigger.voice != "active"):
        for a in after:
            gap = body[trigger.end : a.start]
            if len(gap.split()) <= 3 and not re.search(r"[,;:]", gap):
                agent = a.actor
                break
        if not agent and trigger.holder_hint:
            found = find_actors(trigger.holder_hint)
            agent = found[0].actor if found else ""
        return agent, patient
    for a in after:
        if a.start >= clause.end:
            break
        gap = body[trigger.end : a.start]
        words = gap.split()
        if re.fullmatch(r"\s*by\s+(?:the\s+)?", gap):
            agent = a.actor  # 'was besieged by the SDF'
            break
        if len(words) <= 2 and not re.search(r"[,;]", gap):
            patient = a.actor
            break
        if re.search(r"\b(?:from|against)\s+(?:the\s+)?(?:\w+\s+){0,2}$", gap) and len(words) <= 14:
            patient = a.actor
            break
    clause_head = body[clause.start : clause.start + 12].lstrip(" ,").lower()
    if clause_head.startswith(("which", "who", "that")) and clause.start > sentence.start:
        antecedents = [a for a in before if a.end <= clause.start]
        if antecedents and len(body[antecedents[-1].end : clause.start].split()) <= 2:
            return antecedents[-1].actor, patient
    subjects = [
        a
        for a in before
        if not _PREP_BEFORE.search(body[max(sentence.start, a.start - 12) : a.start])
        and a.actor != patient
    ]
    in_clause = [a for a in subjects if a.start >= clause.start]
    if agent:
        return agent, patient
    if in_clause:
        agent = in_clause[0].actor
    elif subjects:
        agent = subjects[-1].actor
    else:
        for a in after:
            if a.start >= clause.end:
                break
            if a.actor != patient:
                agent = a.actor
                break
    return agent, patient


def _date_for(
    mention: PlaceMention,
    clause_index: int,
    clauses: list[Span],
    dates: list[DateMention],
    published: dt.date,
) -> DateMention:
    clause = clauses[clause_index]
    inside = [d for d in dates if clause.start <= d.start < clause.end and not d.future]
    after = [d for d in inside if d.start >= mention.end]
    if after:
        return after[0]
    before = [d for d in inside if d.end <= mention.start]
    if before:
        return before[-1]
    for earlier in range(clause_index - 1, -1, -1):
        text = clauses[earlier].text.lstrip(" ,").lower()
        if earlier != 0 and text.startswith(("which", "who", "where", "whom")):
            continue
        if clause_index and clauses[clause_index].text.lstrip(" ,").lower().startswith(
            ("which", "who", "where", "whom")
        ):
            break
        found = [
            d
            for d in dates
            if clauses[earlier].start <= d.start < clauses[earlier].end and not d.future
        ]
        if found:
            return found[-1]
    return publication_date(published)


def _exclusivity(
    sentence: Span, body: str, mentions: list[PlaceMention], gazetteer: Gazetteer
) -> tuple[PlaceMention, Exclusivity] | None:
    for m in EXCLUSIVE.finditer(sentence.text):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        prefix = body[max(sentence.start, start - 30) : start].lower()
        if re.search(
            r"\bnot\s+(?:the\s+)?$|\bonce\s+(?:the\s+)?$|\bthe\s+(?:first|next)\b|"
            r"\b(?:one|some|two|three|several|many|few|among|any)\s+of\s+(?:the\s+|its\s+|their\s+)?$",
            prefix,
        ):
            continue
        if re.search(
            r"(?:towns|cities|villages|strongholds|enclaves|bastions|redoubts|pockets|"
            r"holdouts|footholds|areas)$",
            m.group("noun"),
            re.I,
        ):
            continue  # 'the last villages held by ISIS are X and Y' names a set, not one place
        nearest = None
        best = 999
        for mention in mentions:
            if mention.end <= start:
                gap = body[mention.end : start]
            elif mention.start >= end:
                gap = body[end : mention.start]
            else:
                continue
            words = len(gap.split())
            if words <= 8 and words < best and not re.search(r"[;]", gap):
                nearest, best = mention, words
        if nearest is None:
            continue
        noun = m.group("noun").lower()
        if noun.startswith(("town", "city", "cities", "urban")):
            kinds = ("city", "town")
        elif noun.startswith("village"):
            kinds = ("village",)
        else:
            kinds = SETTLEMENT_KINDS
        window = body[max(sentence.start, start - 40) : min(sentence.end, end + 40)]
        holder = "ISIS"
        for actor in find_actors(window):
            if actor.actor != "COALITION":
                holder = actor.actor if actor.actor == "ISIS" else holder
        tail = body[end : min(sentence.end, end + 25)].lower()
        country = ""
        if re.search(r"\bsyrian\b", m.group(0).lower()) or re.match(r"\s+in\s+syria\b", tail):
            country = "SY"
        elif re.search(r"\biraqi\b", m.group(0).lower()) or re.match(r"\s+in\s+iraq\b", tail):
            country = "IQ"
        if gazetteer.by_id[nearest.place_id].kind not in SETTLEMENT_KINDS + ("camp",):
            continue
        return nearest, Exclusivity(holder=holder, kinds=kinds, country=country)
    return None


def events_in_sentence(
    sentence: Span,
    mentions: list[PlaceMention],
    ctx: _Context,
    dates: list[DateMention] | None = None,
    tokens: list | None = None,
    actors: list[ActorMention] | None = None,
) -> list[Event]:
    """The control events one sentence states (``dates``, ``tokens``, ``actors``: the
    sentence's, if found already)."""
    body = ctx.body
    if not mentions:
        return []
    triggers = find_triggers(sentence)
    exclusive = _exclusivity(sentence, body, mentions, ctx.gazetteer)
    if not triggers and not exclusive:
        return []
    clauses = split_clauses(sentence)
    tokens = tokenize(sentence) if tokens is None else tokens
    if actors is None:
        actors = find_actors(sentence.text, sentence.start)
    if dates is None:
        dates = find_dates(sentence.text, ctx.published, sentence.start)
    locators = _locators(mentions, body, ctx.gazetteer)
    targets = [m for m in mentions if m.start not in locators]
    events: list[Event] = []
    seen: set[tuple[str, str, str]] = set()
    relative = _relative_clauses(clauses, targets, body)
    for group in _groups(targets, body):
        best: tuple[int, Trigger, PlaceMention, int] | None = None
        for mention in group:
            clause_index = _clause_of(clauses, mention.start)
            clause = clauses[clause_index]
            m_index = _token_index(tokens, mention.start)
            for trig in triggers:
                trig_clause = _clause_of(clauses, trig.start)
                if not (clause.start <= trig.start < clause.end):
                    # 'Hajin, which the SDF captured last week': the antecedent is the object
                    if relative.get(trig_clause) is not mention:
                        continue
                    rel = clauses[trig_clause]
                    if not any(rel.start <= a.start < rel.end for a in actors):
                        continue  # 'al-Hol, which takes six hours': no actor, no control
                    if trig.direction == AFTER and any(
                        trig.end <= m.start < clauses[trig_clause].end for m in targets
                    ):
                        continue
                    distance = 1
                elif trig.end <= mention.start:  # place after the trigger
                    if trig.direction == BEFORE:
                        continue
                    distance = m_index - _token_index(tokens, trig.end - 1)
                    if distance > MAX_AFTER_TOKENS:
                        continue
                elif trig.start >= mention.end:  # place before the trigger
                    if trig.direction == AFTER:
                        continue
                    distance = _token_index(tokens, trig.start) - m_index
                    if distance > MAX_BEFORE_TOKENS:
                        continue
                else:
                    continue
                if best is None or distance < best[0]:
                    best = (distance, trig, mention, trig_clause)
        if best is None:
            continue
        distance, trig, anchor, clause_index = best
        clause = clauses[clause_index]
        modality = _modality(trig, clause, body, anchor.start)
        if modality == "drop":
            continue
        kind = trig.kind
        if modality == "contested" and kind in ("captured", "held"):
            kind = "contested"
        agent, patient = _roles(trig, actors, clause, sentence, body)
        fallback_actor = False
        gap_after = body[trig.end : anchor.start].lower() if trig.end <= anchor.start else ""
        if kind == "withdrew" and re.search(r"\b(?:to|towards|into|toward)\b", gap_after):
            kind = "held"
            controller = actor = agent or ctx.sides.defender
        elif kind == "captured":
            actor = agent or (ctx.sides.opponent(patient) if patient else "")
            if not actor:
                actor, fallback_actor = ctx.sides.attacker, True
            controller = actor
        elif kind == "held":
            holder = agent or ""
            if not holder:
                holder = held_adjective(trig.text) or ""
            if not holder:
                holder, fallback_actor = ctx.sides.defender, True
            actor = controller = holder
        elif kind in ("contested", "besieged"):
            holder = ""
            if trig.kind == "held" or HOLDER_CUE.search(body[clause.start : trig.end]):
                holder = agent  # 'battled to retain control of X': the agent holds X
            else:
                holder_phrase = re.search(
                    r"\b(?:held|controlled|occupied)\s+by\b", body[clause.start : clause.end]
                )
                if holder_phrase:
                    found = [a for a in actors if a.start >= clause.start + holder_phrase.end()]
                    holder = found[0].actor if found else ""
                if trig.voice == "passive" and trig.kind == "contested" and not agent:
                    # 'ISIS fighters are holed up in X': the subject holds out, X is fought over
                    subj = [a for a in actors if a.end <= trig.start and a.start >= clause.start]
                    holder = subj[-1].actor if subj else ctx.sides.defender
            if agent and agent != holder:
                actor = agent
            elif patient:
                actor = ctx.sides.opponent(patient)
            elif holder:
                actor = ctx.sides.opponent(holder)
            else:
                actor, fallback_actor = ctx.sides.attacker, True
            controller = holder or patient or ctx.sides.opponent(actor)
        elif kind == "withdrew":
            actor = agent or ctx.sides.defender
            controller = ctx.sides.opponent(actor)
        else:  # surrendered
            surrendering = [
                a
                for a in actors
                if a.end <= trig.start
                and a.start >= clause.start
                and not re.search(r"\bto\s+(?:the\s+)?$", body[a.start - 8 : a.start])
            ]
            receiver = re.match(r"\s+to\s+(?:the\s+)?", body[trig.end : trig.end + 12])
            if surrendering:
                actor = surrendering[-1].actor
            elif receiver:
                after = [a for a in actors if a.start >= trig.end]
                actor = ctx.sides.opponent(after[0].actor) if after else ctx.sides.defender
            else:
                actor = ctx.sides.defender
            controller = actor
        date = _date_for(anchor, clause_index, clauses, dates, ctx.published)
        confidence = {
            "active": 0.85,
            "passive": 0.85,
            "passive_of": 0.8,
            "passive_from": 0.8,
            "nominal": 0.75,
            "adjective": 0.7,
        }[trig.voice]
        if fallback_actor:
            confidence -= 0.15
        if not date.text:
            confidence -= 0.1
        if distance <= 2:
            confidence += 0.05
        if modality == "contested":
            confidence = min(confidence, 0.7)
        for mention in group:
            place = ctx.gazetteer.by_id[mention.place_id]
            key = (place.id, kind, date.value)
            if key in seen:
                continue
            seen.add(key)
            excl = exclusive[1] if exclusive and exclusive[0].place_id == place.id else None
            events.append(
                Event(
                    date=date.value,
                    date_precision=date.precision,
                    date_text=date.text,
                    place_id=place.id,
                    place=place.name,
                    kind=kind,
                    actor=actor,
                    controller=controller,
                    article=ctx.article,
                    outlet=ctx.outlet,
                    published=ctx.published_iso,
                    evidence=sentence.text,
                    evidence_start=sentence.start,
                    evidence_end=sentence.end,
                    confidence=round(max(0.3, min(0.95, confidence)), 2),
                    exclusive=excl,
                )
            )
    if exclusive and not any(e.exclusive for e in events):
        mention, scope = exclusive
        place = ctx.gazetteer.by_id[mention.place_id]
        clause_index = _clause_of(clauses, mention.start)
        date = _date_for(mention, clause_index, clauses, dates, ctx.published)
        # no statement of control beyond 'the last ...': keep the claim for the timeline only
        events.append(
            Event(
                date=date.value,
                date_precision=date.precision,
                date_text=date.text,
                place_id=place.id,
                place=place.name,
                kind="held",
                actor=scope.holder,
                controller=scope.holder,
                article=ctx.article,
                outlet=ctx.outlet,
                published=ctx.published_iso,
                evidence=sentence.text,
                evidence_start=sentence.start,
                evidence_end=sentence.end,
                confidence=0.6,
                exclusive=scope,
                inferred=True,
            )
        )
    return events
