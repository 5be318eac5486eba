"""geopy's geocoder interface over the gazetteer (kept apart so that loading a gazetteer
does not import geopy)."""

from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.gazetteer import Gazetteer, Place


class GazetteerGeocoder(Geocoder):
    """geopy's interface over the gazetteer: ``geocode(name) -> Location`` with the row in ``raw``.

    Makes no network request. Code written for geopy's geocoders can take it as it is.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        super().__init__(user_agent="geomap-gazetteer")
        self.gazetteer = gazetteer

    @staticmethod
    def _location(place: Place) -> Location:
        address = f"{place.name}, {place.admin1}, {place.country}".strip(", ")
        return Location(address, Point(place.lat, place.lon), place.as_dict())

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None):  # noqa: D401
        """The place ``query`` names (or ``[place]``), None when unknown."""
        place = self.gazetteer.lookup(str(query))
        if place is None:
            return None
        location = self._location(place)
        return location if exactly_one else [location]

    def reverse(self, query, *, exactly_one: bool = True, timeout=None):
        """The nearest gazetteer place to a (lat, lon) point, by great-circle distance."""
        from geopy.distance import great_circle

        point = Point(query)
        nearest = min(
            self.gazetteer.places,
            key=lambda p: great_circle((p.lat, p.lon), (point.latitude, point.longitude)).km,
        )
        location = self._location(nearest)
        return location if exactly_one else [location]
