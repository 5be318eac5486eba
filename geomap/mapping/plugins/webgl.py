"""The places drawn with WebGL, for maps of many places."""

from __future__ import annotations

from geomap.mapping.plugins.base import Part


class WebGLMarkers(Part):
    """Draws the places as WebGL point sprites (one buffer, one draw call) with the canvas
    layer's symbols, picking and popups; the canvas layer draws where the browser has no
    WebGL. Added to the page only above ``MapOptions.webgl_above`` places."""

    part = "webgl"
    default_js = ["webgl.js"]
