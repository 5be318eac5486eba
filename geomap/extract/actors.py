"""Armed actors named in text, normalised to SDF, ISIS, SYRIAN_GOV, IRAQI_GOV, COALITION."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from geomap.extract.gate import PatternGate, Taken

_US = r"(?:U\.\s?S\.|US|U\.S|American|America)"
# (actor, pattern); tried in order, earlier patterns win overlaps.
LEXICON: list[tuple[str, re.Pattern]] = [
    ("COALITION", re.compile(rf"\b{_US}[- ]led (?:international |global )?coalition\b", re.I)),
    ("COALITION", re.compile(r"\b(?:international |anti-(?:ISIS|IS|ISIL) )?coalition\b", re.I)),
    ("COALITION", re.compile(r"\bCJTF-OIR\b|\bOperation Inherent Resolve\b")),
    (
        "SDF",
        re.compile(
            r"\bSyrian Democratic Forces\b|\bSDF\b|\bYPG\b|\bYPJ\b|"
            r"\bPeople'?s Protection Units\b"
        ),
    ),
    (
        "SDF",
        re.compile(
            rf"\b{_US}[- ]backed,?\s+(?:(?:Syrian\s+)?Kurdish[- ]led\s+|Kurdish\s+|Syrian\s+|Arab\s+)?"
            r"(?:fighters|forces|force|troops|militias?|alliance|coalition fighters)\b",
            re.I,
        ),
    ),
    (
        "SDF",
        re.compile(
            r"\b(?:Syrian\s+)?Kurd(?:ish)?[- ]led\s+(?:fighters|forces|force|alliance|"
            r"militias?|troops)\b",
            re.I,
        ),
    ),
    ("SDF", re.compile(r"\bKurdish\s+(?:fighters|forces|militias?|troops|YPG)\b", re.I)),
    (
        "SYRIAN_GOV",
        re.compile(
            r"\b(?:(?:Russian|Iranian)[- ]backed\s+)?Syrian\s+(?:army|government\s+forces|government|"
            r"regime|troops|military|Arab Army)\b|\b(?:pro-)?(?:government|regime)\s+(?:forces|troops)\b|"
            r"\bSAA\b|\bAssad(?:'s)?\s+(?:forces|troops|regime)\b|"
            r"\b(?:fighters|forces|troops|militias?|units)\s+loyal\s+to\s+(?:Damascus|(?:President\s+)?"
            r"(?:Bashar\s+al-)?Assad|the\s+(?:Syrian\s+)?government)\b|\bpro-(?:Damascus|Assad)\s+"
            r"(?:forces|fighters|troops|militias?)\b",
            re.I,
        ),
    ),
    (
        "IRAQI_GOV",
        re.compile(
            r"\bIraqi\s+(?:army|forces|troops|security forces|government|military|soldiers)\b|"
            r"\bPopular Mobili[sz]ation\s+(?:Forces|Units)\b|\bPMF\b|\bPMU\b|\bHashd(?: al-Shaabi)?\b",
            re.I,
        ),
    ),
    ("ISIS", re.compile(r"\bISIS\b|\bISIL\b|\bIS\b|\bDaesh\b|\bDa'esh\b")),
    (
        "ISIS",
        re.compile(
            r"\bIslamic State(?: group)?\b|\bjihadis(?:ts)?\b|\bextremists?\b|"
            r"\bmilitants?\b|\bterror(?:ist)? (?:group|organi[sz]ation)\b|"
            r"\bdeath cult\b|\bcaliphate\b|\bmercenaries\b|\bholdouts?\b|"
            r"\bextremist group\b",
            re.I,
        ),
    ),
]
_GATE = PatternGate([pattern for _actor, pattern in LEXICON])
HELD_ADJECTIVE = re.compile(
    r"\b(SDF|ISIS|IS|ISIL|Kurdish|government|regime|Daesh|jihadist|militant)[- ]"
    r"(?:held|controlled|run)\b",
    re.I,
)
_ADJ_ACTORS = {
    "sdf": "SDF",
    "kurdish": "SDF",
    "isis": "ISIS",
    "is": "ISIS",
    "isil": "ISIS",
    "daesh": "ISIS",
    "jihadist": "ISIS",
    "militant": "ISIS",
    "government": "SYRIAN_GOV",
    "regime": "SYRIAN_GOV",
}


@dataclass(frozen=True)
class ActorMention:
    actor: str
    start: int
    end: int
    text: str


def find_actors(text: str, offset: int = 0) -> list[ActorMention]:
    """Actor mentions in text order (offsets shifted by ``offset``)."""
    found: list[ActorMention] = []
    taken = Taken()
    for index, m in _GATE.scan(text):
        actor = LEXICON[index][0]
        if taken.overlaps(m):
            continue
        # "IS" only as the group's acronym, not a capitalised verb starting a sentence
        if m.group(0) == "IS" and text[m.end() : m.end() + 1].isalpha():
            continue
        found.append(ActorMention(actor, offset + m.start(), offset + m.end(), m.group(0)))
        taken.add(m)
    return sorted(found, key=lambda a: a.start)


def held_adjective(text: str) -> str | None:
    """The holder in 'SDF-held territory', 'ISIS-controlled villages'."""
    m = HELD_ADJECTIVE.search(text)
    return _ADJ_ACTORS.get(m.group(1).lower()) if m else None


@dataclass
class ArticleActors:
    """Who the article is about: its main attacker and the side being attacked.

    In this campaign one side is ISIS; the other is whichever actor the article names most.
    """

    attacker: str = "SDF"
    defender: str = "ISIS"

    @classmethod
    def from_actors(cls, actors: Iterable[ActorMention]) -> ArticleActors:
        counts = Counter(a.actor for a in actors)
        others = [(n, a) for a, n in counts.items() if a not in ("ISIS", "COALITION")]
        attacker = max(others)[1] if others else "SDF"
        return cls(attacker=attacker, defender="ISIS")

    def opponent(self, actor: str) -> str:
        if not actor:
            return ""
        return self.attacker if actor == self.defender else self.defender
