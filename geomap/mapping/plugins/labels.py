"""Place names on the map, placed without overlap."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class Labels(Part):
    """At most ``max_labels`` names in view: larger places and places with evidence in the
    last ``recent_days`` first, then the basemap's towns; the rest appear as you zoom."""

    part = "labels"
    default_js = ["labels.js"]
    default_css = ["labels.css"]

    def __init__(self, *, max_labels: int = 200, recent_days: int = 7) -> None:
        super().__init__(maxLabels=max_labels, recentDays=recent_days)
