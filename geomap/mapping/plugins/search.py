"""Find a place by any spelling, filter by side and event kind, the date's events."""

from __future__ import annotations

from geomap.gazetteer import normalisation_rules
from geomap.mapping.plugins.base import Part


class Search(Part):
    """The search box and filters; spellings are compared by the gazetteer's rules
    (:func:`geomap.gazetteer.normalisation_rules`), applied in the page."""

    part = "search"
    default_js = ["search.js"]
    default_css = ["search.css"]

    def __init__(self) -> None:
        super().__init__(rules=normalisation_rules())
