"""Every place within reach of the keyboard, whether or not its name is on the map."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class Places(Part):
    """A "Places" button, hidden until Tab reaches it, that opens a list of every place
    shown (by name); arrows and letters move through it, Enter opens a place's popup."""

    part = "places"
    default_js = ["places.js"]
    default_css = ["places.css"]
