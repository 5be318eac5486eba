"""The sources panel: every article with its outlet, date, title and address."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class Sources(Part):
    """Articles listed as text; ``links`` makes their addresses (and the map's credits)
    links, which leave the offline page when clicked."""

    part = "sources"
    default_js = ["sources.js"]
    default_css = ["sources.css"]

    def __init__(self, *, links: bool = False) -> None:
        super().__init__(links=links)
        self.links = links
