"""The map's title and subtitle (the text is in the page's data, set by the profile)."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class Title(Part):
    """The title box, top left."""

    part = "title"
    default_js = ["title.js"]
    default_css = ["title.css"]
