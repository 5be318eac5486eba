"""Offline assets, declared in one place and inlined in one step.

Leaflet comes from the ``xstatic-leaflet`` package (Leaflet 1.9.3), geomap's runtime and
basemap from this package; which files a page holds is declared by its plugins
(:mod:`geomap.mapping.plugins`). Nothing is linked from a CDN. Templates only ever hold
placeholders; :func:`assemble` swaps them for the assets and data after folium has rendered,
in one pass over the template, so asset and data text never passes through Jinja and is
never scanned for placeholders.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

STATIC = Path(__file__).with_name("static")


@cache
def _leaflet_dir() -> Path:
    return Path(xleaflet.BASE_DIR)


@cache
def asset_text(name: str) -> str:
    """The text of a declared asset."""
    if name == "leaflet.js":
        return (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    if name == "leaflet.css":
        css = (_leaflet_dir() / "leaflet.css").read_text(encoding="utf-8")
        # the default marker and layer-control images are never used: no URL may remain
        return re.sub(r"url\((?!#)[^)]*\)", "none", css)
    return (STATIC / name).read_text(encoding="utf-8")


def placeholder(name: str) -> str:
    return f"@@geomap:{name}@@"


def script_safe_json(value) -> str:
    """JSON that can sit inside <script type="application/json"> whatever its strings hold.

    It is ASCII (other characters as \\u escapes): one en dash in a title made Chromium hold
    a 10,000-place map's 3.4 MB data block as two-byte text, ~40 ms slower to parse."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_text(text: str) -> str:
    """Text for the page outside its scripts: escaped, and ASCII (other characters as ``&#N;``).

    One en dash in the <title> made Chromium decode the whole page as two-byte text: for a
    10,000-place map, ~35 ms more to decode it, and the load event 14-80 ms later."""
    return html.escape(text).encode("ascii", "xmlcharrefreplace").decode("ascii")


def script_safe_js(text: str, name: str) -> str:
    if re.search(r"</script|<!--", text, re.I):
        raise ValueError(f"asset {name} holds '</script' or '<!--' and cannot be inlined")
    return text


PLACEHOLDER = re.compile(r"@@geomap:([\w.-]+)@@")


def asset_block(name: str) -> str:
    """A declared asset's text, safe inside its <script> or <style> element."""
    text = asset_text(name)
    if name.endswith(".js"):
        return script_safe_js(text, name)
    return text.replace("</", "<\\/")


def assemble(template: str, blocks: dict[str, str]) -> str:
    """The page: the rendered template with each placeholder swapped, in one pass, for its
    asset (a ``.js`` or ``.css`` file name) or data block.

    Only the template is scanned: a block's text (an article's, say) is placed by position
    and never read for placeholders, so '@@geomap:basemap@@' in an article is just text."""
    parts = PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    for i in range(1, len(parts), 2):
        name = parts[i]
        if name in blocks:
            parts[i] = blocks[name]
        elif name.endswith((".js", ".css")):
            parts[i] = asset_block(name)
        else:
            raise ValueError(f"unfilled placeholder {placeholder(name)}")
    return "".join(parts)
