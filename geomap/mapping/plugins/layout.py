"""The corners' panels kept clear of one another."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class Layout(Part):
    """The top-right panels (sources, find and filter) end above the bottom corners'
    controls and beside the top-left ones, scrolling inside when they hold more."""

    part = "layout"
    default_js = ["layout.js"]
    default_css = ["layout.css"]
