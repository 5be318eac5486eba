"""Every error geomap raises for bad input, in one place (after geopy's ``exc`` module).

Each error names where the problem is (file, line, field) and what to do about it, so the
CLI can print one clear line instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path


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
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
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


class UsageError(GeomapError):
    """The command was called wrongly (exit code 2, like click's usage errors)."""

    exit_code = 2
