"""The plugins' common shape, the data blocks, the assets and the runtime's start."""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from geomap.mapping.assets import placeholder

PART_TEMPLATE = Template(
    "{% macro script(this, kwargs) %}"
    'geomapKit.use("{{ this.part }}", {{ this.options|tojson }});'
    "{% endmacro %}"
)


class Part(MacroElement):
    """A part of the page: a name the runtime knows it by, its options, its assets."""

    part = ""
    default_js: list[str] = []
    default_css: list[str] = []
    _template = PART_TEMPLATE

    def __init__(self, **options) -> None:
        super().__init__()
        self._name = "Geomap" + self.part.title()
        self._id = self.part or self._name.lower()  # deterministic ids: same bytes
        self.options = options


class DataBlock(MacroElement):
    """A ``<script type="application/json">`` block whose text is placed by position."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        '<script type="application/json" id="geomap-{{ this.slot }}">'
        "{{ this.placeholder }}</script>\n"
        "{% endmacro %}"
    )

    def __init__(self, slot: str) -> None:
        super().__init__()
        self._name = "GeomapBlock"
        self._id = slot
        self.slot = slot
        self.placeholder = placeholder(slot)


class OfflineAssets(MacroElement):
    """The one place assets go into the page: Leaflet, the runtime's core and every part's
    declared JavaScript and CSS, inline (no CDN, no network), each once, in order."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "{% for name in this.css %}<style>{{ this.slot(name) }}</style>\n{% endfor %}"
        "{% for name in this.js %}<script>{{ this.slot(name) }}</script>\n{% endfor %}"
        "{% endmacro %}"
    )

    def __init__(self, parts: list[Part]) -> None:
        super().__init__()
        self._name = "GeomapAssets"
        self._id = "assets"
        self.js = _unique(["leaflet.js", "geomap.js", *(n for p in parts for n in p.default_js)])
        self.css = _unique(
            ["leaflet.css", "geomap.css", *(n for p in parts for n in p.default_css)]
        )

    @staticmethod
    def slot(name: str) -> str:
        return placeholder(name)


class Runtime(MacroElement):
    """Starts the runtime on the map's data once every part is registered (add it last)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        'window.geomapApp = geomapInit({{ this._parent.get_name() }}, "geomap-data", '
        '"geomap-basemap", "geomap-legend");'
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeomapRuntime"
        self._id = "runtime"


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))
