"""A language's date words (``geomap/rules/<language>/dates.toml``), read and checked.

The file is the vocabulary; :mod:`geomap.extract.dates` builds its patterns from it. Every
key the engine reads is checked here, so a mistake in the file is one line naming the file,
the line and the key, never a traceback or a date quietly lost.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from geomap.exc import RulesError, toml_line

Words = tuple[str, ...]

# What each key holds: "words" (a list of words or phrases), "counts" (phrase -> a whole
# number of 1 or more), "units" (word -> day, week, month or year), "months" (twelve lists of
# spellings), "weekdays" (seven), "lists" (word -> a list of words), "holidays" (a day's name
# -> "MM-DD"), or a table of such keys.
_SCHEMA: dict[str, Any] = {
    "months": "months",
    "weekdays": "weekdays",
    "ordinals": "words",
    "of": "words",
    "the": "words",
    "numbers": "counts",
    "units": "units",
    "parts": {"words": "words", "then": "words"},
    "days_before": "counts",
    "today": {"words": "words"},
    "days_after": "counts",
    "weekday": dict.fromkeys(
        ("before", "last", "since", "next", "parts", "parts_then", "times"), "words"
    ),
    "weekend": dict.fromkeys(("nouns", "before_the", "before", "this", "last"), "words"),
    "ago": {"words": "words", "earlier": "words"},
    "after": dict.fromkeys(("words", "not_before", "day", "same_day", "days", "lead_ins"), "words"),
    "later": dict.fromkeys(("words", "next", "day"), "words"),
    "relative": {
        unit: dict.fromkeys(("nouns", "last", "this", "earlier"), "words")
        for unit in ("week", "month", "year")
    },
    "month_alone": dict.fromkeys(("before", "last", "this", "year"), "words")
    | {"not_after": "lists"},
    "year_alone": {"before": "words", "seasons": "words"},
    "future": {"words": "words"},
    "scope": {"words": "words"},
    "vague": {"words": "words", "season_before": "words", "seasons": "words"},
    "names": {"nouns": "words"},
    "holidays": "holidays",
}
UNITS = ("day", "week", "month", "year")
_LENGTHS = {"months": 12, "weekdays": 7}


def read_date_words(path: str | Path | Traversable) -> dict[str, Any]:
    """The checked contents of a dates.toml: lists as tuples, tables as dicts; months and
    weekdays as {spelling: number} (January 1, Monday 0); the words of [numbers] and [units]
    lower-cased."""
    path = Path(path) if isinstance(path, str) else path
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"cannot read the date words: {error}", file=path) from None
    except tomllib.TOMLDecodeError as error:
        raise RulesError(
            f"not valid TOML: {error}",
            file=path,
            line=toml_line(error),
            hint="compare it with geomap/rules/en/dates.toml",
        ) from None
    return _Checker(text, path).table(data, _SCHEMA, ())


class _Checker:
    """Checks a parsed dates.toml against the schema, naming the line of each bad key."""

    def __init__(self, text: str, path: Path | Traversable) -> None:
        self.text, self.path = text, path

    def error(self, keys: tuple[str, ...], message: str, hint: str | None = None) -> RulesError:
        return RulesError(
            message, file=self.path, line=self.line_of(keys), field=".".join(keys), hint=hint
        )

    def line_of(self, keys: tuple[str, ...]) -> int | None:
        """The line of a key (``keys``: its tables, then its name), or of its table."""
        after = 0
        for depth in range(len(keys) - 1, 0, -1):  # the innermost table header written
            header = re.escape(".".join(keys[:depth]))
            found = re.search(rf"^\s*\[\s*{header}\s*\]", self.text, re.M)
            if found:
                after = found.end()
                break
        name = re.escape(keys[-1])
        found = re.compile(rf"^\s*(?:{name}|\"{name}\")\s*=", re.M).search(self.text, after)
        if found is None:
            found = re.compile(rf"^\s*\[\s*{re.escape('.'.join(keys))}\s*\]", re.M).search(
                self.text
            )
        return self.text.count("\n", 0, found.start()) + 1 if found else None

    def table(self, data: Any, schema: dict, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.error(keys, "should be a table ([name] and its keys)")
        for key in data:
            if key not in schema:
                raise self.error(
                    (*keys, key), f"unknown key {key!r}", hint="known: " + ", ".join(schema)
                )
        checked = {}
        for key, kind in schema.items():
            if key not in data:
                raise self.error((*keys, key), f"missing key {key!r}")
            value, here = data[key], (*keys, key)
            if isinstance(kind, dict):
                checked[key] = self.table(value, kind, here)
            else:
                checked[key] = getattr(self, kind)(value, here)
        return checked

    def words(self, value: Any, keys: tuple[str, ...]) -> Words:
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise self.error(keys, "should be a list of words in quotes", hint='["in", "since"]')
        for word in value:
            if not word.strip() or word != word.strip() or "  " in word:
                raise self.error(
                    keys, f"{word!r}: a word or phrase without spaces around it or doubled"
                )
        return tuple(value)

    def counts(self, value: Any, keys: tuple[str, ...]) -> dict[str, int]:
        if not isinstance(value, dict):
            raise self.error(keys, "should be a table of words and numbers", hint='"a few" = 3')
        for word, count in value.items():
            self.words([word], (*keys, word))
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise self.error((*keys, word), f"{count!r} is not a whole number of 1 or more")
        return {word.lower(): count for word, count in value.items()}

    def units(self, value: Any, keys: tuple[str, ...]) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.error(keys, "should be a table of words and units", hint='days = "day"')
        for word, unit in value.items():
            self.words([word], (*keys, word))
            if unit not in UNITS:
                raise self.error(
                    (*keys, word), f"{unit!r} is no unit", hint="one of: " + ", ".join(UNITS)
                )
        return {word.lower(): unit for word, unit in value.items()}

    def lists(self, value: Any, keys: tuple[str, ...]) -> dict[str, Words]:
        if not isinstance(value, dict):
            raise self.error(keys, "should be a table of words and lists", hint='May = ["by"]')
        return {word: self.words(words, (*keys, word)) for word, words in value.items()}

    def holidays(self, value: Any, keys: tuple[str, ...]) -> dict[str, tuple[int, int]]:
        """A day's name and its month and day ('"Christmas Day" = "12-25"')."""
        if not isinstance(value, dict):
            raise self.error(
                keys, "should be a table of names and days", hint='"Christmas Day" = "12-25"'
            )
        days = {}
        for name, day in value.items():
            self.words([name], (*keys, name))
            found = re.fullmatch(r"(\d\d)-(\d\d)", day) if isinstance(day, str) else None
            month, date = (int(found[1]), int(found[2])) if found else (0, 0)
            if not (1 <= month <= 12 and 1 <= date <= 31):
                raise self.error((*keys, name), f"{day!r} is no day of the year", hint='"12-25"')
            days[name] = (month, date)
        return days

    def months(self, value: Any, keys: tuple[str, ...]) -> dict[str, int]:
        return self._named(value, keys, first=1)

    def weekdays(self, value: Any, keys: tuple[str, ...]) -> dict[str, int]:
        return self._named(value, keys, first=0)

    def _named(self, value: Any, keys: tuple[str, ...], first: int) -> dict[str, int]:
        """Months or weekdays in order, each a spelling or a list of spellings."""
        wanted = _LENGTHS[keys[-1]]
        if not isinstance(value, list) or len(value) != wanted:
            found = len(value) if isinstance(value, list) else "none"
            raise self.error(
                keys,
                f"should list {wanted} entries in order, found {found}",
                hint='each a spelling or a list of spellings: ["January", "Jan.", "Jan"]',
            )
        numbers: dict[str, int] = {}
        folded: dict[str, int] = {}  # 'Sept.' and 'sept' are one spelling
        for number, entry in enumerate(value, start=first):
            for spelling in self.words([entry] if isinstance(entry, str) else entry, keys):
                key = spelling.lower().rstrip(".")
                if folded.setdefault(key, number) != number:
                    raise self.error(keys, f"{spelling!r} stands for two entries")
                numbers[spelling] = number
        return numbers
