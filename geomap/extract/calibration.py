"""How likely an extracted claim is to be right: the rules' own score, recalibrated.

The rules score each event by hand-set weights (a trigger's weight, less for every guess).
That score ranks claims, but it did not say how often they are right on articles the rules
were not written from. A small logistic model, fitted on the development split of ``eval/``
by ``eval/calibrate.py``, turns the score and a few facts about the claim (its kind, whether
the place is a region or a city, whether its date is a whole day, how many other sentences of
the article say the same, how many places the sentence names) into the share of such claims
that were right. The weights are data (``rules/<language>/calibration.toml``), refitted
whenever the rules change.

The rules' sure readings (a score of at least ``sure``: right 92 % of the time on the
development split) keep their score. The model may lower any other claim, but never raises one
with a doubt listed in ``never_raised``
(the event's ``doubts``, e.g. a side the rules had to assume, a vague date, a place far from
its trigger): an ambiguous reading stays an unconfirmed claim.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from geomap.extract.lexicon import rule_file
from geomap.gazetteer import Gazetteer
from geomap.records import Event

CORROBORATION_CAP = 3  # other sentences saying the same: more than 3 counts as 3
SENTENCE_CAP = 6  # events in one sentence: more than 6 counts as 6
FLOOR, CEILING = 0.1, 0.95  # never certain either way


@dataclass(frozen=True)
class Calibration:
    """A logistic model's weights, by feature name (see :func:`features`), its bias, and the
    doubts that keep a claim from being raised above the rules' own score."""

    weights: dict[str, float]
    bias: float
    never_raised: frozenset[str] = frozenset()
    sure: float = 1.0  # the rules' score from which a claim keeps it

    def chance(self, facts: dict[str, float]) -> float:
        """The modelled chance that a claim with these facts is right."""
        logit = self.bias + sum(w * facts[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-logit))

    def confidence(self, facts: dict[str, float], doubts: tuple[str, ...] = ()) -> float:
        """The claim's confidence, in [FLOOR, CEILING]: the rules' own score when it is at
        least ``sure``, else the modelled chance (below ``sure``), but never above the rules'
        score when one of the claim's doubts is ``never_raised``."""
        if facts["rule_score"] >= self.sure:
            return facts["rule_score"]
        chance = min(self.chance(facts), self.sure - 0.01)  # below the rules' sure readings
        if self.never_raised.intersection(doubts):
            chance = min(chance, facts["rule_score"])
        return round(min(CEILING, max(FLOOR, chance)), 2)


@lru_cache(maxsize=8)
def load_calibration(language: str = "en") -> Calibration | None:
    """The language's fitted model (``rules/<language>/calibration.toml``); None when the rules
    of that language have none (their scores are then used as they are)."""
    try:
        table = rule_file("calibration", language)
    except FileNotFoundError:
        return None
    return Calibration(
        weights={name: float(w) for name, w in table["weights"].items()},
        bias=float(table["bias"]),
        never_raised=frozenset(table.get("never_raised", ())),
        sure=float(table.get("sure", 1.0)),
    )


def features(events: list[Event], gazetteer: Gazetteer) -> list[dict[str, float]]:
    """The facts the model weighs, for each of one article's events (in order)."""
    told = {(e.place_id, e.kind, e.evidence_start) for e in events}
    said = Counter((place, kind) for place, kind, _ in told)  # sentences saying it
    in_sentence = Counter(e.evidence_start for e in events)
    rows = []
    for e in events:
        place_kind = gazetteer.by_id[e.place_id].kind
        others = said[e.place_id, e.kind] - 1
        rows.append(
            {
                "rule_score": e.confidence,
                "captured": float(e.kind == "captured"),
                "held": float(e.kind == "held"),
                "contested": float(e.kind == "contested"),
                "besieged": float(e.kind == "besieged"),
                "region": float(place_kind == "region"),
                "city": float(place_kind == "city"),
                "not_a_day": float(e.date_precision != "day"),
                "said_again": min(others, CORROBORATION_CAP) / CORROBORATION_CAP,
                "sentence_places": min(in_sentence[e.evidence_start], SENTENCE_CAP) / SENTENCE_CAP,
            }
        )
    return rows


def calibrate(events: list[Event], gazetteer: Gazetteer, model: Calibration | None) -> None:
    """Replace each event's rule score with the model's calibrated confidence (in place)."""
    if model is None or not events:
        return
    for event, facts in zip(events, features(events, gazetteer), strict=True):
        event.confidence = model.confidence(facts, event.doubts)
