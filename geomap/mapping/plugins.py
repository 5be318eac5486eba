"""The map's parts as folium plugins: a Python class holding options, a Jinja template, and
declared assets (after ``folium/plugins/fullscreen.py``).

Templates hold placeholders only (see :mod:`geomap.mapping.assets`): data and article text
never pass through Jinja, so '{{ 7*7 }}' in an article stays literal text.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from geomap.mapping.assets import CSS_ASSETS, JS_ASSETS, placeholder


class _Plugin(MacroElement):
    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name
        self._id = name.lower()  # deterministic ids: same inputs, same bytes


class OfflineAssets(_Plugin):
    """Leaflet and geomap's runtime, inline (no CDN, no network)."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "{% for name in this.css %}<style>"
        "{{ this.slot(name) }}"
        "</style>\n{% endfor %}"
        "{% for name in this.js %}<script>"
        "{{ this.slot(name) }}"
        "</script>\n{% endfor %}"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__("GeomapAssets")
        self.css = list(CSS_ASSETS)
        self.js = list(JS_ASSETS)

    @staticmethod
    def slot(name: str) -> str:
        return placeholder(name)


class Basemap(_Plugin):
    """Borders, rivers and city names as vector layers embedded in the page."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        '<script type="application/json" id="geomap-basemap">{{ this.slot }}</script>\n'
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__("GeomapBasemap")
        self.slot = placeholder("basemap")


class Legend(_Plugin):
    """Who holds what, how each status is drawn; items are data, drawn by the runtime."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        '<script type="application/json" id="geomap-legend">{{ this.slot }}</script>\n'
        "{% endmacro %}"
    )

    def __init__(self, items: list[dict]) -> None:
        super().__init__("GeomapLegend")
        self.items = items
        self.slot = placeholder("legend")


class TimeSlider(_Plugin):
    """The time slider, play/pause, previous/next event, the date in large type, popups,
    sources panel and ``window.geomap``: the runtime started on the map's data."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        '<script type="application/json" id="geomap-data">{{ this.slot }}</script>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        'window.geomapApp = geomapInit({{ this._parent.get_name() }}, "geomap-data", '
        '"geomap-basemap", "geomap-legend");'
        "{% endmacro %}"
    )

    def __init__(self, *, step: str = "day", play_ms: int = 250, stale_days: int = 30) -> None:
        super().__init__("GeomapTimeSlider")
        if step not in ("day", "week", "month"):
            raise ValueError("step is day, week or month")
        self.step = step
        self.play_ms = play_ms
        self.stale_days = stale_days
        self.slot = placeholder("data")
