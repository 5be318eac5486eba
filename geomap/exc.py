"""Every error geomap raises for bad input, in one place (after geopy's ``exc`` module).

Each error names where the problem is (file, line, field) and what to do about it, so the
CLI can print one clear line instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

# C0 and C1 controls (ANSI escapes, newlines, carriage returns), line and paragraph
# separators, and the bidirectional overrides and isolates that reorder what a terminal shows
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: every control character shown as its escape
    (``\\x1b``, ``\\n``), so a file name or a sentence cannot colour, move or forge a line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def toml_line(error: Exception) -> int | None:
    """The line a TOML parser's error names ('... (at line 3, column 7)'), if it names one."""
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None


class GeomapError(Exception):
    """Base class: a problem with the user's input or environment, never a bug of ours."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        """One line (and the hint on a second); text from the input is made :func:`printable`."""
        where = printable(self.location())
        message = printable(self.message)
        text = f"{where}: {message}" if where else message
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text


class GazetteerError(GeomapError):
    """A row or column of the gazetteer CSV is unusable."""


class ArticleError(GeomapError):
    """An article file cannot be read: front matter, date, encoding, size."""


class EventsFileError(GeomapError):
    """A row of an events CSV (curated ``data/events.csv`` or ``--events FILE``) is unusable."""


class CampaignError(GeomapError):
    """A key of the campaign profile (``data/campaign.toml``) is unusable."""


class BasemapError(GeomapError):
    """A user basemap layer (``data/basemap/*.geojson``) is unusable."""


class RulesError(GeomapError):
    """A reading-rule file (``geomap/rules/<language>/*.toml``) is unusable."""


class GoldFileError(GeomapError):
    """A row of a gold annotation CSV is unusable."""


class ReviewsFileError(GeomapError):
    """A row of the analyst's reviews (``data/reviews.csv``) or a decision is unusable."""


class ReviewConflict(GeomapError):
    """A decision replaces a row that another reviewer changed meanwhile; ``current`` is what
    is there now (compare-and-swap)."""

    def __init__(self, message: str, *, current=None) -> None:
        super().__init__(message, hint="reload the claim and decide again")
        self.current = current


class GeocoderError(GeomapError):
    """A name could not be geocoded."""


class UnknownPlace(GeocoderError):
    """No gazetteer row matches a name; ``suggestions`` holds the nearest spellings."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = (
            "did you mean: " + ", ".join(suggestions)
            if suggestions
            else "add the spelling to alt_names in data/gazetteer.csv"
        )
        super().__init__(f"no place named {name!r} in the gazetteer", hint=hint)
        self.name = name
        self.suggestions = suggestions


class OutputError(GeomapError):
    """An output cannot be written: a read-only folder, a full disk, a library's write error."""


class UsageError(GeomapError):
    """The command was called wrongly (exit code 2, like click's usage errors)."""

    exit_code = 2
