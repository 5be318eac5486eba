"""The map's parts as folium plugins, after ``folium/plugins/fullscreen.py``: each a Python
class holding its options, a Jinja ``_template`` with a ``script`` macro, and its own
JavaScript and CSS files under ``geomap/mapping/static/`` declared in ``default_js`` and
``default_css`` (file names: nothing is linked, :class:`OfflineAssets` inlines them).

A part's script macro only registers the part and its options with the runtime
(``geomapKit.use(name, options)``); :class:`Runtime`, added last, starts the page on its
data. Options are numbers, flags and names chosen in Python; text from articles never
passes through Jinja: it reaches the page as data blocks placed by
:func:`geomap.mapping.assets.assemble`.
"""

from geomap.mapping.plugins.base import DataBlock, OfflineAssets, Part, Runtime
from geomap.mapping.plugins.heldarea import HeldArea
from geomap.mapping.plugins.labels import Labels
from geomap.mapping.plugins.layout import Layout
from geomap.mapping.plugins.legend import Legend
from geomap.mapping.plugins.places import Places
from geomap.mapping.plugins.png import SaveImage
from geomap.mapping.plugins.search import Search
from geomap.mapping.plugins.slider import TimeSlider
from geomap.mapping.plugins.sources import Sources
from geomap.mapping.plugins.title import Title
from geomap.mapping.plugins.webgl import WebGLMarkers

__all__ = [
    "DataBlock",
    "HeldArea",
    "Labels",
    "Layout",
    "Legend",
    "OfflineAssets",
    "Part",
    "Places",
    "Runtime",
    "SaveImage",
    "Search",
    "Sources",
    "TimeSlider",
    "Title",
    "WebGLMarkers",
]
