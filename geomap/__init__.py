"""geomap: dated news articles -> a sourced, time-sliced, offline map.

The library behind the ``geomap`` command; every command is a function here::

    import geomap
    result = geomap.extract("data", out_dir=None)
    html = geomap.build_map(result.timeline, result.articles, result.mentions)
"""

from __future__ import annotations

import geomap.extract  # noqa: F401  (the rules subpackage first: the function below keeps the name)
from geomap.articles import Article, iter_articles, read_article
from geomap.campaign import Campaign, Profile, load_campaign, load_profile
from geomap.exc import GeomapError
from geomap.gazetteer import Gazetteer, load_gazetteer, normalise_name
from geomap.pipeline import BuildResult, ExtractResult, build, extract
from geomap.records import EVENT_COLUMNS, Event, Mention
from geomap.timeline import Timeline, build_timeline

__version__ = "0.1.0"


def __getattr__(name: str):
    # geopy is imported only when the geocoder is asked for (PEP 562); the web server only
    # when the review app is; the map's modules (numpy, shapely) only when a map is drawn
    if name in ("MapOptions", "build_map"):
        from geomap import mapping

        return getattr(mapping, name)
    if name == "GazetteerGeocoder":
        from geomap.geocoder import GazetteerGeocoder

        return GazetteerGeocoder
    if name == "review":
        from geomap.app import review

        return review
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")


def events_frame(result: ExtractResult):
    """The events as a pandas DataFrame, in the columns of ``output/events.csv``."""
    import pandas as pd

    frame = pd.DataFrame([e.as_row() for e in result.events], columns=EVENT_COLUMNS)
    frame["inferred"] = frame["inferred"] == "true"
    frame["confidence"] = frame["confidence"].astype(float)
    return frame


def show(html: str, height: int = 600):
    """Display a map page in Jupyter (in a sandboxed iframe, as it would sit in a report)."""
    import html as htmlmod

    from IPython.display import HTML

    return HTML(
        f'<iframe srcdoc="{htmlmod.escape(html, quote=True)}" sandbox="allow-scripts" '
        f'style="width:100%;height:{height}px;border:0"></iframe>'
    )


__all__ = [
    "Article",
    "BuildResult",
    "Campaign",
    "EVENT_COLUMNS",
    "Event",
    "ExtractResult",
    "Gazetteer",
    "GazetteerGeocoder",
    "GeomapError",
    "MapOptions",
    "Mention",
    "Profile",
    "Timeline",
    "build",
    "build_map",
    "build_timeline",
    "events_frame",
    "extract",
    "iter_articles",
    "load_campaign",
    "load_gazetteer",
    "load_profile",
    "normalise_name",
    "read_article",
    "review",
    "show",
]
