"""The shaded sides' held area on the chosen date, and its size with its uncertainty."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class HeldArea(Part):
    """Draws each shaded side's area (from the data block's ``areas``) under the places and
    writes 'at least N km²' beside the date."""

    part = "heldarea"
    default_js = ["heldarea.js"]
    default_css = ["heldarea.css"]
