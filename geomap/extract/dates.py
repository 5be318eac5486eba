"""Dates in article text, resolved against the publication date, each with its precision.

Rules rather than a general date parser: the library parsers read 'a' or 'may' as dates,
drop the day of 'Jan. 9' inside sentences, and move a weekday that falls on the publication
day a week back. Here 'on Friday' in a Friday article is that day; in the future tense
('will attack on Friday') it is the next Friday.

This module is the grammar: which slots each kind of date has and how it resolves. The words
that fill the slots (months, weekdays, 'yesterday', 'three days ago', 'last week', the
prepositions, the future tense) are the language's, in ``geomap/rules/<language>/dates.toml``
(read by :mod:`geomap.extract.date_words`).

Precisions: ``day`` (YYYY-MM-DD), ``range`` (YYYY-MM-DD/YYYY-MM-DD), ``week`` (the Monday,
YYYY-MM-DD), ``month`` (YYYY-MM), ``year`` (YYYY).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from geomap.extract.date_words import Words, read_date_words
from geomap.extract.gate import PatternGate, Taken
from geomap.periods import FIRST_DAY, LAST_DAY
from geomap.periods import month_end as _month_end


# The grammar of each kind of date, in the order tried (longer, more specific forms first;
# overlaps are resolved in that order): its slots, filled from the language's date words
# (``geomap/rules/<language>/dates.toml``: ``w``), and its flags (``re.I``: any case).
def _grammar(w: dict[str, Any]) -> list[tuple[str, str, int]]:
    month = rf"(?P<month>{_any(w['months'])})"
    day = rf"(?P<day>[0-3]?\d)(?:{_any(w['ordinals'])})?"
    year = r"(?P<year>(?:19|20)\d\d)"
    weekday = rf"(?P<weekday>{_any(w['weekdays'])})"
    num = rf"(?P<num>\d+|{_any(w['numbers'])})"
    of = rf"(?:{_any(w['of'])}\s+)?"
    the, parts = f"(?:{_any(w['the'])})", _any(w["parts"]["words"])
    wd, we, after, later, rel = w["weekday"], w["weekend"], w["after"], w["later"], w["relative"]
    alone, year_alone = w["month_alone"], w["year_alone"]
    units = w["units"]
    short_units = [word for word, unit in units.items() if unit in ("day", "week")]  # 'later'
    month_rel = _any(alone["last"] + alone["this"])
    return [
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b", 0),
        ("mdy", rf"\b{weekday},?\s+{month}\s+{day},?\s+{year}\b", 0),
        ("dmy", rf"\b{weekday},?\s+{day}\s+{of}{month}\s*,?\s+{year}\b", 0),
        ("mdy", rf"\b{month}\s+{day},?\s+{year}\b", 0),
        ("dmy", rf"\b{day}\s+{of}{month}\s*,?\s+{year}\b", 0),
        (
            "my",
            rf"\b(?:(?P<part>{parts})[- ](?:{_any(w['parts']['then'])}\s+)?)?{month}\s+{of}{year}\b",
            0,
        ),
        ("md", rf"\b{month}\s+{day}\b(?![.,]\d)", 0),
        (
            "holiday",
            rf"\b(?P<holiday>{_any(list(w['holidays']))})(?:,?\s+(?P<hyear>\d{{4}}))?\b",
            re.I,
        ),
        ("dm", rf"\b{day}\s+{of}{month}\b", 0),
        (
            "weekend",
            rf"\b(?P<which>{_any(we['before_the'])})\s+{the}\s+{_any(we['nouns'])}\b|"
            rf"\b(?P<which2>{_any(we['before'])})\s+{_any(we['nouns'])}\b",
            re.I,
        ),
        (
            "weekday",
            rf"\b(?:(?P<part>{_any(wd['parts'])})\s+(?:{_any(wd['parts_then'])}\s+)?)?"
            rf"(?:(?P<rel>{_any(wd['before'] + wd['last'] + wd['since'] + wd['next'])})\s+)?"
            rf"{weekday}(?:\s+(?P<tod>{_any(wd['times'])}))?\b",
            0,
        ),
        ("yesterday", rf"\b(?:{_any(w['days_before'])})\b", re.I),
        ("today", rf"\b(?:{_any(w['today']['words'])})\b", re.I),
        ("tomorrow", rf"\b(?:{_any(w['days_after'])})\b", re.I),
        (
            "ago",
            rf"\b{num}\s+(?P<unit>{_any(units)})\s+"
            rf"(?:{_any(w['ago']['words'])}|(?P<earlier>{_any(w['ago']['earlier'])}))\b",
            re.I,
        ),
        (
            "after",  # counted back from the clause before: 'X fell, two days after Y was taken'
            rf"\b(?:{num}\s+(?P<unit>{_any(short_units)})|(?P<the>{the})\s+(?:{_any(after['day'])})|"
            rf"(?P<few>{_any(after['same_day'] + after['days'])}))"
            rf"(?=\s+(?:{_any(after['words'])})\b(?!\s+(?:{_any(after['not_before'])})\b))",
            re.I,
        ),
        (
            "later",  # counted from the date the text gave before: 'Five days later, X fell'
            rf"\b{num}\s+(?P<unit>{_any(short_units)})\s+(?:{_any(later['words'])})\b|"
            rf"\b(?:{the}\s+)?(?P<next>{_any(later['next'])})\s+(?:{_any(later['day'])})\b",
            re.I,
        ),
        *(
            (
                f"rel_{unit}",
                rf"\b(?P<which>{_relative(rel[unit])})\s+(?:{_any(rel[unit]['nouns'])})\b",
                re.I,
            )
            for unit in ("week", "month")
        ),
        (
            "month_only",
            # the word before in any case ('In June, …' opens a sentence), the month as written
            rf"\b(?P<prep>(?i:{_any(alone['before'] + w['parts']['words'] + alone['last'] + alone['this'])}))"
            rf"[- ](?:(?P<part>{parts})[- ])?{month}"
            rf"(?:\s+{of}(?P<rel>{month_rel})\s+(?:{_any(alone['year'])}))?\b(?!\s+\d)",
            0,
        ),
        # after month_only: 'June last year' is a month
        (
            "rel_year",
            rf"\b(?P<which>{_relative(rel['year'])})\s+(?:{_any(rel['year']['nouns'])})\b",
            re.I,
        ),
        (
            "year_only",
            rf"\b(?P<prep>{_any(year_alone['before'] + w['parts']['words'] + year_alone['seasons'])})"
            rf"[- ](?:(?:{parts})[- ])?{year}\b(?![,.]?\d)",
            re.I,
        ),
    ]


def _glossed(text: str, offset: int, date: DateMention, nxt: DateMention | None) -> bool:
    """'this morning (Monday 23 March)': a day the brackets right after it name exactly."""
    if nxt is None or date.precision != "day" or nxt.precision != "day":
        return False
    return text[date.end - offset : nxt.start - offset].strip() == "("


def _any(words: Iterable[str]) -> str:
    """The words as alternatives of a pattern, the longest first (a phrase never loses to its
    own beginning: 'the day before yesterday', not 'the day before'); none matches nothing."""
    unique = sorted(dict.fromkeys(words), key=len, reverse=True)
    return "|".join(map(re.escape, unique)) or "(?!)"


def _relative(words: dict[str, Words]) -> str:
    return _any(words["last"] + words["this"] + words["earlier"])


@dataclass(frozen=True)
class DateMention:
    """A date expression: its words, where it is, and what it resolves to."""

    text: str
    start: int
    end: int
    value: str
    precision: str
    first_day: dt.date
    last_day: dt.date
    future: bool = False
    later: bool = False  # counted from a day named before it: 'a day later', 'the next day'
    # dates the clause 'after' opens, not its own: 'X fell two days after rebels took Y'
    ahead: bool = False


class DateRules:
    """A language's date words and the patterns built from them (:func:`date_rules` builds
    each language's once)."""

    def __init__(self, words: dict[str, Any]) -> None:
        self.patterns = [(kind, re.compile(p, flags)) for kind, p, flags in _grammar(words)]
        self.gate = PatternGate([pattern for _kind, pattern in self.patterns])
        self.cue = _cue(words)
        self.future = re.compile(rf"\b(?:{_any(words['future']['words'])})\b[^.;]*$", re.I)
        vague, seasons = words["vague"], words["vague"]["seasons"]
        self.vague = re.compile(
            rf"\b(?:{_any(vague['words'])})\b"  # 'later that month'
            # a season with no year: 'last summer', 'in the autumn' (not 'in the spring of 2014')
            rf"|\b(?:{_any(vague['season_before'])})[- ](?:{_any(seasons)})\b(?!,?\s+(?:of\b|\d))",
            re.I,
        )
        self.scope = re.compile(rf"\b(?:{_any(words['scope']['words'])})\b[^.;,]*$", re.I)
        # nouns that make a date before them part of a name ('the 17 July neighbourhood')
        self.named_after = re.compile(rf"\s+(?:{_any(words['names']['nouns'])})\b", re.I)
        self.months, self.weekdays = words["months"], words["weekdays"]
        self.holidays = {name.lower(): day for name, day in words["holidays"].items()}
        self.numbers, self.units = words["numbers"], words["units"]
        self.days_before, self.days_after = words["days_before"], words["days_after"]
        self.few = _meanings(words["after"], ("same_day", "days"))
        self.lead_ins = frozenset(word.lower() for word in words["after"]["lead_ins"])
        self.weekday_rel = _meanings(words["weekday"], ("last", "since", "next"))
        self.weekend_rel = _meanings(words["weekend"], ("this", "last"))
        self.relative = {
            unit: _meanings(words["relative"][unit], ("last", "this", "earlier"))
            for unit in ("week", "month", "year")
        }
        alone, year_alone = words["month_alone"], words["year_alone"]
        self.month_rel = _meanings(alone, ("last", "this"))
        self.not_after = {
            month: frozenset(word.lower() for word in words)
            for month, words in alone["not_after"].items()
        }
        # the words before a month or year alone that are the date's too ('early March')
        kept = words["parts"]["words"] + alone["last"] + alone["this"] + year_alone["seasons"]
        self.kept = frozenset(word.lower() for word in kept)

    def _bounds_a_comparison(self, text: str, m: re.Match) -> bool:
        """'The biggest defeat for Iraq this year': a superlative a few words before."""
        return bool(self.scope.search(text[max(0, m.start() - 40) : m.start()]))

    @classmethod
    def read(cls, path: str | Path | Traversable) -> DateRules:
        """The rules of a dates.toml file (a :class:`~geomap.exc.RulesError` if it is bad)."""
        return cls(read_date_words(path))

    def find(
        self, text: str, published: dt.date, offset: int = 0, anchor: dt.date | None = None
    ) -> list[DateMention]:
        """Every date expression in ``text``, resolved against ``published`` (and 'N days
        later' against ``anchor``, the last day the text named before), in text order."""
        if not self.cue.search(text):
            return []
        found: list[DateMention] = []
        taken = Taken()
        later: list[re.Match] = []
        ahead: list[re.Match] = []
        for index, m in self.gate.scan(text):
            kind = self.patterns[index][0]
            if taken.overlaps(m):
                continue
            if kind in ("later", "after") or self._counted_from_a_day(kind, m):
                (ahead if kind == "after" else later).append(m)  # resolved last, from a day named
                taken.add(m)
                continue
            mention = self._resolve(kind, m, text, published, offset)
            if mention is None or self.named_after.match(text, m.end()):
                continue  # 'the 17 July neighbourhood' is a name, not a date
            if kind in ("month_only", "year_only") and m.group("prep").lower() not in self.kept:
                # keep the preposition out of the date's words: 'in 2014' -> '2014'
                cut = len(m.group("prep")) + 1
                mention = replace(mention, text=m.group(0)[cut:], start=mention.start + cut)
            found.append(mention)
            taken.add(m)
        named = list(found)  # 'N days later' counts from a day named, not from another 'later'
        for m in later:
            before = [d for d in named if d.start < offset + m.start() and d.precision == "day"]
            mention = self._later(m, published, before[-1].first_day if before else anchor, offset)
            if mention is not None:
                found.append(replace(mention, later=True))
        for m in ahead:
            try:
                mention = self._after(m, text, named, published, offset)
            except (ValueError, OverflowError):  # '99999 days after': no date geomap handles
                mention = None
            if mention is not None:
                found.append(mention)
        found.sort(key=lambda d: d.start)
        following: list[DateMention | None] = [*found[1:], None] if found else []
        return [
            d for d, nxt in zip(found, following, strict=True) if not _glossed(text, offset, d, nxt)
        ]

    def _count(self, number: str) -> int:
        """A count in words ('a few') or digits; 0 for neither."""
        return _meaning(self.numbers, number) or (int(number) if number.isdigit() else 0)

    def _counted_from_a_day(self, kind: str, m: re.Match) -> bool:
        """'a day earlier', 'two weeks earlier': counted back from the day the text tells of,
        not from the report's ('two days ago')."""
        return (
            kind == "ago"
            and bool(m.group("earlier"))
            and _meaning(self.units, m.group("unit")) in ("day", "week")
        )

    def _later(self, m: re.Match, published: dt.date, anchor: dt.date | None, offset: int):
        """'Five days later', 'the next day': from ``anchor``, the last date the text gave
        before (none: unresolved); never past the publication day. 'A day earlier': back from
        ``anchor`` (none: from the publication day)."""
        g = m.groupdict()
        back = bool(g.get("earlier"))
        if anchor is None and back:
            anchor = published
        if anchor is None:
            return None
        if g.get("next"):
            days = 1
        else:
            unit = _meaning(self.units, g["unit"])
            days = self._count(g["num"]) * (7 if unit == "week" else 1) * (-1 if back else 1)
        try:
            day = anchor + dt.timedelta(days=days)
        except OverflowError:  # '99999999 days later': no date at all
            return None
        return _mention(m, day, "day", offset=offset) if days and day <= published else None

    def _after(
        self, m: re.Match, text: str, named: list[DateMention], published: dt.date, offset: int
    ):
        """'X fell on Monday, two days after Y was taken': the clause 'after' opens is that
        many days before the day of the clause before it (its day named, else the report's);
        none when no clause stands before it ('Two days after Y was taken, X fell')."""
        before = [d for d in named if d.start < offset + m.start()]
        told = text[: m.start()]
        for date in reversed(before):
            told = told[: date.start - offset] + told[date.end - offset :]
        words = re.findall(r"[^\W\d_]+", told)
        if len([w for w in words if w.lower() not in self.lead_ins]) < 2:
            # 'Three weeks after rebels took Y, X fell on Friday': from the day the sentence
            # names after it (the main clause's); none named, nothing to count from
            before = [d for d in named if d.start >= offset + m.end()][:1]
            if not before:
                return None
        if before and (before[-1].precision != "day" or before[-1].future):
            return None  # 'in March, days after ...': no day to count from
        anchor = before[-1].first_day if before else published
        g = m.groupdict()
        if g.get("few"):
            if _meaning(self.few, g["few"]) == "same_day":
                return replace(_mention(m, anchor, "day", offset=offset), ahead=True)
            first, last = anchor - dt.timedelta(days=6), anchor - dt.timedelta(days=1)
            return replace(_mention(m, first, "range", last=last, offset=offset), ahead=True)
        if g.get("the"):
            days = 1
        else:
            number = _meaning(self.numbers, g["num"]) or int(g["num"])
            days = number * (7 if _meaning(self.units, g["unit"]) == "week" else 1)
        day = anchor - dt.timedelta(days=days)
        return replace(_mention(m, day, "day", offset=offset), ahead=True)

    def _resolve(self, kind: str, m: re.Match, text: str, published: dt.date, offset: int):
        if kind in ("rel_week", "rel_month", "rel_year") and self._bounds_a_comparison(text, m):
            return None  # 'the biggest defeat for Iraq this year'
        future = _is_future(self.future, text, m.start())
        try:
            return self._resolved(kind, m, m.groupdict(), published, future, offset)
        except (ValueError, KeyError, OverflowError):  # not a date, or none geomap handles
            return None

    def _resolved(  # one branch per kind of _grammar
        self, kind: str, m: re.Match, g: dict, published: dt.date, future: bool, offset: int
    ) -> DateMention | None:
        if kind == "iso":
            return _mention(
                m, dt.date(int(g["year"]), int(g["m"]), int(g["day"])), "day", offset=offset
            )
        if kind in ("mdy", "dmy"):
            day = dt.date(int(g["year"]), self.months[g["month"]], int(g["day"]))
            return _mention(m, day, "day", offset=offset)
        if kind == "my":
            return _mention(
                m, dt.date(int(g["year"]), self.months[g["month"]], 1), "month", offset=offset
            )
        if kind == "holiday":  # 'on Christmas Day': the last one up to the report's day
            month, day = self.holidays[g["holiday"].lower()]
            year = int(g["hyear"]) if g.get("hyear") else _recent(published, month, day, future)
            return _mention(m, dt.date(year, month, day), "day", future=future, offset=offset)
        if kind in ("md", "dm"):
            month, day = self.months[g["month"]], int(g["day"])
            year = _recent(published, month, day, future)
            return _mention(m, dt.date(year, month, day), "day", future=future, offset=offset)
        if kind == "weekend":
            which = _meaning(self.weekend_rel, g.get("which") or g.get("which2") or "")
            days_back = (published.weekday() - 5) % 7  # to the last Saturday on or before
            saturday = published - dt.timedelta(days=days_back)
            if which == "this" and future:
                saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7)
            elif which == "last" and days_back <= 1:
                saturday -= dt.timedelta(days=7)
            sunday = saturday + dt.timedelta(days=1)
            return _mention(m, saturday, "range", last=sunday, offset=offset)
        if kind == "weekday":
            target = self.weekdays[g["weekday"]]
            rel = _meaning(self.weekday_rel, g.get("rel") or "")
            if rel == "next" or (future and rel not in ("last", "since")):
                delta = (target - published.weekday()) % 7 or 7
                day = published + dt.timedelta(days=delta)
                return _mention(m, day, "day", future=True, offset=offset)
            delta = (published.weekday() - target) % 7
            if rel == "last" and delta == 0:
                delta = 7
            return _mention(m, published - dt.timedelta(days=delta), "day", offset=offset)
        if kind == "yesterday":
            days = _meaning(self.days_before, m.group(0))
            return _mention(m, published - dt.timedelta(days=days), "day", offset=offset)
        if kind == "today":
            return _mention(m, published, "day", offset=offset)
        if kind == "tomorrow":
            day = published + dt.timedelta(days=_meaning(self.days_after, m.group(0)))
            return _mention(m, day, "day", future=True, offset=offset)
        if kind == "ago":
            number = _meaning(self.numbers, g["num"]) or int(g["num"])
            unit = _meaning(self.units, g["unit"])
            if unit == "day":
                return _mention(m, published - dt.timedelta(days=number), "day", offset=offset)
            if unit == "week":
                day = published - dt.timedelta(weeks=number)
                return _mention(m, day - dt.timedelta(days=day.weekday()), "week", offset=offset)
            if unit == "month":
                total = published.year * 12 + published.month - 1 - number
                return _mention(m, dt.date(total // 12, total % 12 + 1, 1), "month", offset=offset)
            return _mention(m, dt.date(published.year - number, 1, 1), "year", offset=offset)
        if kind == "rel_week":
            which = _meaning(self.relative["week"], g["which"])
            monday = published - dt.timedelta(days=published.weekday())
            if which == "last":
                monday -= dt.timedelta(days=7)
            elif not future:  # 'earlier this week': from Monday to the report, no later
                return _so_far(m, monday, published, which, offset)
            return _mention(m, monday, "week", offset=offset)
        if kind == "rel_month":
            which = _meaning(self.relative["month"], g["which"])
            year, month = published.year, published.month
            if which == "last":
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            elif not future:  # 'earlier this month': from the 1st to the report, no later
                return _so_far(m, dt.date(year, month, 1), published, which, offset)
            return _mention(m, dt.date(year, month, 1), "month", offset=offset)
        if kind == "rel_year":
            which = _meaning(self.relative["year"], g["which"])
            year = published.year - (which == "last")
            if year == published.year and not future:  # 'earlier this year'
                return _so_far(m, dt.date(year, 1, 1), published, which, offset)
            return _mention(m, dt.date(year, 1, 1), "year", offset=offset)
        if kind == "month_only":
            if g["prep"].lower() in self.not_after.get(g["month"], ()):
                return None  # 'backed by May'
            month = self.months[g["month"]]
            prep = _meaning(self.month_rel, g["prep"])
            rel = _meaning(self.month_rel, g.get("rel") or "")
            if rel:  # 'in June last year', 'March this year'
                year = published.year - (rel == "last")
            elif prep == "last":
                year = published.year - (month >= published.month)
            elif prep == "this":
                year = published.year
            else:
                year = _recent(published, month, None, future)
            return _mention(m, dt.date(year, month, 1), "month", offset=offset)
        if kind == "year_only":
            return _mention(m, dt.date(int(g["year"]), 1, 1), "year", offset=offset)
        return None


def _meanings(table: dict[str, Words], meanings: Iterable[str]) -> dict[str, str]:
    """{lower-case word: meaning} for the lists of ``table`` that say what a word means."""
    return {word.lower(): meaning for meaning in meanings for word in table[meaning]}


def _meaning(table: dict[str, Any], words: str) -> Any:
    """What matched words mean in ``table`` (of lower-case words), or None. Words matched in
    any case are looked up by the pattern's own matching when lower-casing misses them ('ſ'
    matches 's')."""
    found = table.get(words.lower())
    if found is None and words and not words.isascii():
        found = next(
            (value for word, value in table.items() if re.fullmatch(re.escape(word), words, re.I)),
            None,
        )
    return found


def _cue(w: dict[str, Any]) -> re.Pattern:
    """A quick test that a text may hold a date: every date has a digit or one of the words
    below (a month, a weekday, a unit, 'yesterday'...), in any case. A word holding another is
    left out ('Monday' holds 'day'); one that begins every word it stands for is looked for
    at a word's start. Exact: a text it rejects has no date."""
    needed = [*w["months"], *w["weekdays"], *w["weekend"]["nouns"], *w["days_before"]]
    needed += [*w["today"]["words"], *w["days_after"], *w["units"], *w["later"]["day"]]
    needed += [*w["after"]["day"], *w["after"]["same_day"], *w["after"]["days"]]
    needed += [noun for unit in ("week", "month", "year") for noun in w["relative"][unit]["nouns"]]
    needed += list(w["holidays"])  # 'on Christmas Eve'
    lowered = sorted({word.lower() for word in needed}, key=lambda word: (len(word), word))
    kept: list[str] = []  # none holds another, so none begins another
    for word in lowered:
        if not any(shorter in word for shorter in kept):
            kept.append(word)
    starts = [
        word
        for word in kept
        if word[0].isalnum() and all(x.startswith(word) for x in lowered if word in x)
    ]
    inside = [word for word in kept if word not in starts]
    alternatives = [r"\d"] + ([_trie(inside)] if inside else [])
    alternatives += [rf"\b{_trie(starts)}"] if starts else []
    first = "".join(re.escape(c) for c in sorted({word[0] for word in kept}))
    # (?=...): the letters a match begins with, tried before the alternatives
    return re.compile(rf"(?=[\d{first}])(?:{'|'.join(alternatives)})", re.I)


def _trie(words: list[str]) -> str:
    """Words none of which begins another as one pattern, their shared beginnings written
    once ('t(?:onight|omorrow)'): the regex engine reads each letter of the text once."""
    if len(words) == 1:
        return re.escape(words[0])
    by_first: dict[str, list[str]] = {}
    for word in sorted(words):
        by_first.setdefault(word[0], []).append(word[1:])
    branches = [
        re.escape(first) + _trie(rests) if len(rests) > 1 else re.escape(first + rests[0])
        for first, rests in by_first.items()
    ]
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


@cache
def date_rules(language: str = "en") -> DateRules:
    """A language's date rules (``geomap/rules/<language>/dates.toml``), read once."""
    return DateRules.read(resources.files("geomap.rules").joinpath(language, "dates.toml"))


def __getattr__(name: str) -> Any:
    """``PATTERNS``: English's (kind, pattern) pairs in the order tried, read when first asked
    for (a bad dates.toml is then a command's one-line error, not a failed import)."""
    if name == "PATTERNS":
        return date_rules().patterns
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _recent(published: dt.date, month: int, day: int | None = None, future: bool = False) -> int:
    """The year of the most recent (or, in the future tense, next) such month/day."""
    year = published.year
    candidate = (month, day or 1)
    now = (published.month, published.day if day else 1)
    if future:
        return year if candidate >= now else year + 1
    return year if candidate <= now else year - 1


def _mention(m, value_date, precision, last=None, future=False, offset=0) -> DateMention:
    first = value_date
    if precision == "day":
        value, last = first.isoformat(), first
    elif precision == "month":
        value, last = f"{first.year:04d}-{first.month:02d}", _month_end(first.year, first.month)
    elif precision == "year":
        value, last = f"{first.year:04d}", dt.date(first.year, 12, 31)
    elif precision == "week":
        value, last = first.isoformat(), first + dt.timedelta(days=6)
    else:  # range
        value = f"{first.isoformat()}/{last.isoformat()}"
    if not FIRST_DAY <= first <= last <= LAST_DAY:
        raise ValueError(f"{value} is outside the dates geomap handles")
    return DateMention(
        m.group(0), offset + m.start(), offset + m.end(), value, precision, first, last, future
    )


def _is_future(future: re.Pattern, text: str, position: int) -> bool:
    before = text[max(0, position - 80) : position]
    return bool(future.search(before))


def _so_far(
    m: re.Match, first: dt.date, published: dt.date, which: str | None, offset: int
) -> DateMention:
    """'this week', 'earlier this month' told in the past: from ``first`` to the report's day
    (the day before it, for 'earlier')."""
    last = published - dt.timedelta(days=which == "earlier")
    if last > first:
        return _mention(m, first, "range", last=last, offset=offset)
    return _mention(m, first, "day", offset=offset)


def find_dates(
    text: str,
    published: dt.date,
    offset: int = 0,
    anchor: dt.date | None = None,
    language: str = "en",
) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``published`` (and 'N days later'
    against ``anchor``, the last day the text named before), in text order; read with the
    date words of ``language``."""
    return date_rules(language).find(text, published, offset, anchor)


@lru_cache(maxsize=256)  # one shared value per day, not one per sentence
def publication_date(published: dt.date) -> DateMention:
    """The fallback when a sentence has no date of its own: the day of publication."""
    return DateMention("", -1, -1, published.isoformat(), "day", published, published)
