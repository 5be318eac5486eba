"""A "Save as PNG" button: the current view as one image, drawn in the page."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class SaveImage(Part):
    """Draws the view with its title, date, held area, legend and source line from the
    page's own canvases and data (no network), saved as ``<file_name>-<date>.png``."""

    part = "png"
    default_js = ["png.js"]
    default_css = ["png.css"]

    def __init__(self, *, file_name: str = "map") -> None:
        super().__init__(fileName=file_name)
