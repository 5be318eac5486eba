"""Dates with a precision (day, range, week, month, year): the days they cover, and matching."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

PRECISIONS = ("day", "range", "week", "month", "year")
#: The days geomap handles: a year of margin inside Python's dates (0001-9999), so that a day
#: before, a week after or a slider step past any of them is still a date.
FIRST_DAY = dt.date(2, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month (December's without a step into the next year, so 9999-12 has
    one)."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def date_matches(value: str, precision: str, gold_value: str, gold_precision: str) -> bool:
    """Is a found date equal to a gold date at the gold's precision (inside it, for ranges)?"""
    first, last = date_bounds(value, precision)
    gold_first, gold_last = date_bounds(gold_value, gold_precision)
    if gold_precision == "range":
        return gold_first <= first and last <= gold_last
    order = PRECISIONS.index
    if precision in ("week", "range") and gold_precision == "day":
        return False
    if order(precision) > order(gold_precision) and precision != "range":
        return False
    return gold_first <= first and last <= gold_last


@lru_cache(maxsize=65536)
def date_bounds(value: str, precision: str) -> tuple[dt.date, dt.date]:
    """First and last day a date value covers; ValueError for a value that is not a date (or
    not one of Python's, 0001-9999)."""
    try:
        return _bounds(value, precision)
    except OverflowError:
        raise DateOutOfRange(value) from None


def input_bounds(value: str, precision: str) -> tuple[dt.date, dt.date]:
    """:func:`date_bounds` of a date read from a file: it must lie in FIRST_DAY..LAST_DAY, so
    that the days derived from it (the day before a capture, a week's end) are dates too."""
    first, last = date_bounds(value, precision)
    if not FIRST_DAY <= first <= last <= LAST_DAY:
        raise DateOutOfRange(value)
    return first, last


class DateOutOfRange(ValueError):
    """A date outside FIRST_DAY..LAST_DAY."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"{value!r} is outside the dates geomap handles ({FIRST_DAY} to {LAST_DAY})"
        )


def _bounds(value: str, precision: str) -> tuple[dt.date, dt.date]:
    if precision == "range" or "/" in value:
        a, b = value.split("/")
        return dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    if precision == "year" or re.fullmatch(r"\d{4}", value):
        year = int(value[:4])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if precision == "month" or re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:7])
        return dt.date(year, month, 1), month_end(year, month)
    day = dt.date.fromisoformat(value)
    if precision == "week":
        return day, day + dt.timedelta(days=6)
    return day, day
