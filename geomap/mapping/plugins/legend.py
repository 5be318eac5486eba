"""The legend: who holds what and how each state is drawn."""

from __future__ import annotations

from folium.template import Template

from geomap.mapping.assets import placeholder
from geomap.mapping.plugins.base import Part


class Legend(Part):
    """Items are data (from the campaign profile, placed in the ``geomap-legend`` block),
    drawn by ``legend.js`` with the map's own marker shapes; a button on narrow screens."""

    part = "legend"
    default_js = ["legend.js"]
    default_css = ["legend.css"]
    _template = Template(
        "{% macro header(this, kwargs) %}"
        '<script type="application/json" id="geomap-legend">{{ this.slot }}</script>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        'geomapKit.use("{{ this.part }}", {{ this.options|tojson }});'
        "{% endmacro %}"
    )

    def __init__(self, items: list[dict]) -> None:
        super().__init__()
        self.items = items
        self.slot = placeholder("legend")
