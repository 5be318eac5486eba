"""Numbers the text attaches to a place: people sheltered, capacity, fighters, dead, displaced."""

from __future__ import annotations

import math
import re

from geomap.extract.gate import PatternGate
from geomap.records import Figure

_NUMBER = re.compile(
    r"(?P<qual>\b(?:more than|over|about|around|some|up to|at least|nearly|almost|roughly|"
    r"an estimated|approximately|fewer than|less than)\s+)?"
    r"(?P<num>\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\s*(?:million|thousand)\b|\b\d{2,}\b)"
    r"(?P<noun>(?:\s+[\w-]+){0,3}?\s+(?:people|civilians|fighters|jihadists|jihadis|militants|"
    r"gunmen|families|children|women|refugees|displaced|residents|inhabitants|persons|"
    r"individuals|men|infants|relatives|detainees|prisoners|extremists|members))?",
    re.I,
)
_NUMBERS = PatternGate([_NUMBER])
_DIGIT = re.compile(r"\d")  # what every match of _NUMBER holds
_UNIT = re.compile(r"\s*(?:km|kilomet|mile|hour|day|week|month|year|percent|per cent|%)", re.I)
_NAME_BEFORE = re.compile(r"[A-Z][\w-]*\s+$")  # 'DeirEzzor 24': a number in a name
_DEAD_AFTER = re.compile(r"[^.;]{0,60}\b(?:killed|dead|died)\b")
# (label, cue words near the number); the first that matches wins
LABELS: list[tuple[str, re.Pattern]] = [
    ("capacity", re.compile(r"\b(?:designed|built|capacity|accommodate|meant|intended)\b", re.I)),
    (
        "sheltered",
        re.compile(
            r"\b(?:shelter(?:s|ing|ed)?|hous(?:es|ing|ed)|host(?:s|ing|ed)|"
            r"home to|holds|holding|living)\b",
            re.I,
        ),
    ),
    ("dead", re.compile(r"\b(?:died|dead|killed|deaths?|bodies|graves?)\b", re.I)),
    (
        "displaced",
        re.compile(
            r"\b(?:displaced|fled|evacuated|left|quit|arrived|transported|"
            r"exodus|flee(?:ing)?|leaving)\b",
            re.I,
        ),
    ),
    ("surrendered", re.compile(r"\bsurrender", re.I)),
    (
        "fighters",
        re.compile(r"\b(?:fighters|gunmen|jihadists|jihadis|militants|extremists)\b", re.I),
    ),
]


def _value(text: str) -> int | None:
    """The number written in ``text``; None when it is too long for a float ('99…9' of 400
    digits), which counts no people."""
    text = text.lower().replace(",", "").strip()
    factor = 1
    if text.endswith("million"):
        factor, text = 1_000_000, text[: -len("million")]
    elif text.endswith("thousand"):
        factor, text = 1000, text[: -len("thousand")]
    value = float(text.strip()) * factor
    return int(value) if math.isfinite(value) else None


def find_figures(sentence: str) -> list[Figure]:
    """Counts of people in a sentence, each with a label from the words around it."""
    figures: list[Figure] = []
    if not _DIGIT.search(sentence):
        return figures  # every count is written with digits
    for _index, m in _NUMBERS.scan(sentence):
        raw = m.group("num")
        value = _value(raw)
        if value is None:
            continue
        if 1900 <= value <= 2100 and "," not in raw and not m.group("noun"):
            continue  # a year
        tail = sentence[m.end() : m.end() + 3]
        if tail.lstrip().startswith(("%", "km", "per", "miles", "square")):
            continue
        if value < 10:
            continue
        if _UNIT.match(sentence, m.end("num"), m.end("num") + 12):
            continue
        noun = (m.group("noun") or "").strip()
        before = sentence[max(0, m.start() - 45) : m.start()]
        if not noun and _NAME_BEFORE.search(before) and not m.group("qual"):
            continue  # part of a name: 'DeirEzzor 24', 'Resolution 2254'
        after = sentence[m.end() : m.end() + 60]
        label = _nearest_label(before, after, noun)
        if label in ("fighters", "people") and _DEAD_AFTER.match(after):
            label = "dead"
        text = m.group(0).strip()
        figures.append(Figure(value=value, label=label, text=text))
    return figures


def _nearest_label(before: str, after: str, noun: str) -> str:
    """The label whose cue word stands closest to the number (before it first, then after)."""
    best: tuple[int, str] | None = None
    for name, cue in LABELS:
        if name == "fighters":
            continue
        for found in cue.finditer(before):
            distance = len(before) - found.end()
            if best is None or distance < best[0]:
                best = (distance, name)
    if best is None:
        for name, cue in LABELS:
            found = cue.search(after)
            if name != "fighters" and found and (best is None or found.start() < best[0]):
                best = (found.start(), name)
    if best is not None and not (best[0] > 25 and LABELS[-1][1].search(noun)):
        return best[1]
    return "fighters" if LABELS[-1][1].search(noun) else "people"
