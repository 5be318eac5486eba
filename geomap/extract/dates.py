"""Dates in article text, resolved against the publication date, each with its precision.

Rules rather than a general date parser: the library parsers read 'a' or 'may' as dates,
drop the day of 'Jan. 9' inside sentences, and move a weekday that falls on the publication
day a week back. Here 'on Friday' in a Friday article is that day; in the future tense
('will attack on Friday') it is the next Friday.

Precisions: ``day`` (YYYY-MM-DD), ``range`` (YYYY-MM-DD/YYYY-MM-DD), ``week`` (the Monday,
YYYY-MM-DD), ``month`` (YYYY-MM), ``year`` (YYYY).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from geomap.extract.gate import PatternGate, Taken
from geomap.periods import FIRST_DAY, LAST_DAY
from geomap.periods import month_end as _month_end

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "several": 3,
    "a few": 3,
}

_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sept(?:ember|\.)?|Sep\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<num>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)"
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|going to|expected to|set to|due to|plans? to|planning to|"
    r"scheduled to|next)\b[^.;]*$",
    re.I,
)

# Ordered: longer, more specific forms first; overlaps are resolved in that order.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_WEEKDAY},?\s+{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b{_WEEKDAY},?\s+{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\b")),
    (
        "my",
        re.compile(rf"\b(?:(?P<part>early|mid|late)[- ](?:in\s+)?)?{_MONTH}\s+(?:of\s+)?{_YEAR}\b"),
    ),
    ("md", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?![.,]\d)")),
    ("dm", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b")),
    (
        "weekend",
        re.compile(
            r"\b(?P<which>over|at|during|this|last|on)\s+the\s+weekend\b|"
            r"\b(?P<which2>this|last)\s+weekend\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<part>early|late)\s+(?:on\s+)?)?(?:(?P<rel>last|this|next|on|since|by|until|"
            rf"from)\s+)?{_WEEKDAY}(?:\s+(?P<tod>morning|afternoon|evening|night))?\b"
        ),
    ),
    (
        "yesterday",
        re.compile(
            r"\b(?:the day before yesterday|yesterday|the previous day|"
            r"the day before|overnight|last night)\b",
            re.I,
        ),
    ),
    (
        "today",
        re.compile(
            r"\b(?:today|this morning|this afternoon|this evening|tonight|"
            r"earlier today|later today)\b",
            re.I,
        ),
    ),
    ("tomorrow", re.compile(r"\btomorrow\b", re.I)),
    (
        "ago",
        re.compile(
            rf"\b{_NUM}\s+(?P<unit>day|week|month|year)s?\s+(?:ago|back|(?P<earlier>earlier))\b",
            re.I,
        ),
    ),
    (
        "after",  # counted back from the clause before: 'X fell, two days after Y was taken'
        re.compile(
            rf"\b(?:{_NUM}\s+(?P<unit>day|week)s?|(?P<the>the)\s+day|(?P<few>days|hours))"
            r"(?=\s+after\b(?!\s+that\b))",
            re.I,
        ),
    ),
    (
        "later",  # counted from the date the text gave before: 'Five days later, X fell'
        re.compile(
            rf"\b{_NUM}\s+(?P<unit>day|week)s?\s+(?:later|afterwards|after that)\b|"
            r"\b(?:the\s+)?(?P<next>next|following)\s+day\b",
            re.I,
        ),
    ),
    ("rel_week", re.compile(r"\b(?P<which>last|this|earlier this|past|previous)\s+week\b", re.I)),
    ("rel_month", re.compile(r"\b(?P<which>last|this|earlier this|previous)\s+month\b", re.I)),
    (
        "month_only",
        re.compile(
            rf"\b(?P<prep>in|since|until|by|during|from|before|after|early|late|mid|of|through|"
            rf"throughout|last|this)[- ](?:(?P<part>early|mid|late)[- ])?{_MONTH}"
            r"(?:\s+(?:of\s+)?(?P<rel>last|this)\s+year)?\b(?!\s+\d)"
        ),
    ),
    # after month_only: 'June last year' is a month
    ("rel_year", re.compile(r"\b(?P<which>last|this|earlier this|previous)\s+year\b", re.I)),
    (
        "year_only",
        re.compile(
            rf"\b(?P<prep>in|since|until|by|during|from|before|after|of|around|early|late|mid|"
            rf"summer|spring|autumn|winter|fall|year)[- ](?:(?:early|mid|late)[- ])?{_YEAR}\b(?![,.]?\d)",
            re.I,
        ),
    ),
]


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


def _month_number(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


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


def _is_future(text: str, position: int) -> bool:
    before = text[max(0, position - 80) : position]
    return bool(_FUTURE.search(before))


def _counted_from_a_day(kind: str, m: re.Match) -> bool:
    """'a day earlier', 'two weeks earlier': counted back from the day the text tells of, not
    from the report's ('two days ago')."""
    return kind == "ago" and bool(m.group("earlier")) and m.group("unit").lower() in ("day", "week")


def _later(m: re.Match, published: dt.date, anchor: dt.date | None, offset: int):
    """'Five days later', 'the next day': from ``anchor``, the last date the text gave before
    (none: unresolved); never past the publication day. 'A day earlier': back from
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
        number = NUMBER_WORDS.get(g["num"].lower()) or (int(g["num"]) if g["num"].isdigit() else 0)
        days = number * (7 if g["unit"].lower() == "week" else 1) * (-1 if back else 1)
    try:
        day = anchor + dt.timedelta(days=days)
    except OverflowError:  # '99999999 days later': no date at all
        return None
    return _mention(m, day, "day", offset=offset) if days and day <= published else None


# Words that may stand before 'two days after' without telling of an event of their own.
_LEAD_INS = frozenset(("on", "in", "at", "by", "just", "only", "barely", "nearly", "almost"))
_LEAD_INS |= frozenset(("about", "some", "and", "but", "then", "less", "more", "than"))


def _after(m: re.Match, text: str, named: list[DateMention], published: dt.date, offset: int):
    """'X fell on Monday, two days after Y was taken': the clause 'after' opens is that many
    days before the day of the clause before it (its day named, else the report's); none
    when no clause stands before it ('Two days after Y was taken, X fell')."""
    before = [d for d in named if d.start < offset + m.start()]
    told = text[: m.start()]
    for date in reversed(before):
        told = told[: date.start - offset] + told[date.end - offset :]
    if len([w for w in re.findall(r"[^\W\d_]+", told) if w.lower() not in _LEAD_INS]) < 2:
        return None
    if before and (before[-1].precision != "day" or before[-1].future):
        return None  # 'in March, days after ...': no day to count from
    anchor = before[-1].first_day if before else published
    g = m.groupdict()
    if g.get("few"):
        if g["few"].lower() == "hours":
            return replace(_mention(m, anchor, "day", offset=offset), ahead=True)
        first, last = anchor - dt.timedelta(days=6), anchor - dt.timedelta(days=1)
        return replace(_mention(m, first, "range", last=last, offset=offset), ahead=True)
    if g.get("the"):
        days = 1
    else:
        number = NUMBER_WORDS.get(g["num"].lower()) or int(g["num"])
        days = number * (7 if g["unit"].lower() == "week" else 1)
    return replace(_mention(m, anchor - dt.timedelta(days=days), "day", offset=offset), ahead=True)


def _resolve(kind: str, m: re.Match, text: str, published: dt.date, offset: int):
    future = _is_future(text, m.start())
    g = m.groupdict()
    try:
        if kind == "iso":
            return _mention(
                m, dt.date(int(g["year"]), int(g["m"]), int(g["day"])), "day", offset=offset
            )
        if kind in ("mdy", "dmy"):
            return _mention(
                m,
                dt.date(int(g["year"]), _month_number(g["month"]), int(g["day"])),
                "day",
                offset=offset,
            )
        if kind == "my":
            return _mention(
                m, dt.date(int(g["year"]), _month_number(g["month"]), 1), "month", offset=offset
            )
        if kind in ("md", "dm"):
            month, day = _month_number(g["month"]), int(g["day"])
            year = _recent(published, month, day, future)
            return _mention(m, dt.date(year, month, day), "day", future=future, offset=offset)
        if kind == "weekend":
            which = (g.get("which") or g.get("which2") or "").lower()
            days_back = (published.weekday() - 5) % 7  # to the last Saturday on or before
            saturday = published - dt.timedelta(days=days_back)
            if which == "this" and future:
                saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7)
            elif which == "last" and days_back <= 1:
                saturday -= dt.timedelta(days=7)
            sunday = saturday + dt.timedelta(days=1)
            return _mention(m, saturday, "range", last=sunday, offset=offset)
        if kind == "weekday":
            target = WEEKDAYS[g["weekday"].lower()]
            rel = (g.get("rel") or "").lower()
            if rel == "next" or (future and rel not in ("last", "since")):
                delta = (target - published.weekday()) % 7 or 7
                day = published + dt.timedelta(days=delta)
                return _mention(m, day, "day", future=True, offset=offset)
            delta = (published.weekday() - target) % 7
            if rel == "last" and delta == 0:
                delta = 7
            return _mention(m, published - dt.timedelta(days=delta), "day", offset=offset)
        if kind == "yesterday":
            days = 2 if m.group(0).lower().startswith("the day before yesterday") else 1
            return _mention(m, published - dt.timedelta(days=days), "day", offset=offset)
        if kind == "today":
            return _mention(m, published, "day", offset=offset)
        if kind == "tomorrow":
            return _mention(m, published + dt.timedelta(days=1), "day", future=True, offset=offset)
        if kind == "ago":
            number = NUMBER_WORDS.get(g["num"].lower()) or int(g["num"])
            unit = g["unit"].lower()
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
            monday = published - dt.timedelta(days=published.weekday())
            if g["which"].lower() in ("last", "previous"):
                monday -= dt.timedelta(days=7)
            elif not future:  # 'earlier this week': from Monday to the report, no later
                return _so_far(m, monday, published, g["which"], offset)
            return _mention(m, monday, "week", offset=offset)
        if kind == "rel_month":
            year, month = published.year, published.month
            if g["which"].lower() in ("last", "previous"):
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            elif not future:  # 'earlier this month': from the 1st to the report, no later
                return _so_far(m, dt.date(year, month, 1), published, g["which"], offset)
            return _mention(m, dt.date(year, month, 1), "month", offset=offset)
        if kind == "rel_year":
            year = published.year - (g["which"].lower() in ("last", "previous"))
            if year == published.year and not future:  # 'earlier this year'
                return _so_far(m, dt.date(year, 1, 1), published, g["which"], offset)
            return _mention(m, dt.date(year, 1, 1), "year", offset=offset)
        if kind == "month_only":
            if not g["month"][0].isupper():
                return None
            if g["month"] == "May" and g["prep"].lower() in ("by", "of"):
                return None
            month = _month_number(g["month"])
            prep = g["prep"].lower()
            rel = (g.get("rel") or "").lower()
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
    except (ValueError, KeyError, OverflowError):  # not a date, or none geomap handles
        return None
    return None


def _so_far(
    m: re.Match, first: dt.date, published: dt.date, which: str, offset: int
) -> DateMention:
    """'this week', 'earlier this month' told in the past: from ``first`` to the report's day
    (the day before it, for 'earlier')."""
    last = published - dt.timedelta(days=which.lower() == "earlier this")
    if last > first:
        return _mention(m, first, "range", last=last, offset=offset)
    return _mention(m, first, "day", offset=offset)


_CUE = re.compile(  # (?=...): the letters a match begins with, tried before the alternatives
    r"(?=[\ddljfmasonwyth])(?:\d|day|hour|later|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"week|month|year|tonight|tomorrow|morning|overnight|night))",
    re.I,
)


_GATE = PatternGate([pattern for _kind, pattern in PATTERNS])


def find_dates(
    text: str, published: dt.date, offset: int = 0, anchor: dt.date | None = None
) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``published`` (and 'N days later'
    against ``anchor``, the last day the text named before), in text order."""
    if not _CUE.search(text):
        return []
    found: list[DateMention] = []
    taken = Taken()
    later: list[re.Match] = []
    ahead: list[re.Match] = []
    for index, m in _GATE.scan(text):
        kind = PATTERNS[index][0]
        if taken.overlaps(m):
            continue
        if kind in ("later", "after") or _counted_from_a_day(kind, m):
            (ahead if kind == "after" else later).append(m)  # resolved last, from a day named
            taken.add(m)
            continue
        mention = _resolve(kind, m, text, published, offset)
        if mention is None or _NAMED_AFTER.match(text, m.end()):
            continue  # 'the 17 July neighbourhood' is a name, not a date
        if kind in ("month_only", "year_only") and m.group("prep").lower() not in (
            "early",
            "late",
            "mid",
            "last",
            "this",
            "summer",
            "spring",
            "autumn",
            "winter",
            "fall",
        ):
            # keep the preposition out of the date's words: 'in 2014' -> '2014'
            words = m.group(0)
            cut = len(m.group("prep")) + 1
            mention = DateMention(
                words[cut:],
                mention.start + cut,
                mention.end,
                mention.value,
                mention.precision,
                mention.first_day,
                mention.last_day,
                mention.future,
            )
        found.append(mention)
        taken.add(m)
    named = list(found)  # 'N days later' counts from a day named, not from another 'later'
    for m in later:
        before = [d for d in named if d.start < offset + m.start() and d.precision == "day"]
        mention = _later(m, published, before[-1].first_day if before else anchor, offset)
        if mention is not None:
            found.append(replace(mention, later=True))
    for m in ahead:
        try:
            mention = _after(m, text, named, published, offset)
        except (ValueError, OverflowError):  # '99999 days after': no date geomap handles
            mention = None
        if mention is not None:
            found.append(mention)
    return sorted(found, key=lambda d: d.start)


# Nouns that make a date before them part of a name ('the 17 July neighbourhood').
_NAMED_AFTER = re.compile(
    r"\s+(?:neighbou?rhood|district|quarter|street|square|avenue|bridge|hospital|mosque|"
    r"school|camp|brigade|division|battalion|movement|revolution|stadium|park|road)s?\b",
    re.I,
)


@lru_cache(maxsize=256)  # one shared value per day, not one per sentence
def publication_date(published: dt.date) -> DateMention:
    """The fallback when a sentence has no date of its own: the day of publication."""
    return DateMention("", -1, -1, published.isoformat(), "day", published, published)
