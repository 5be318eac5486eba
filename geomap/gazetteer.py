"""Places, their spellings, name normalisation, and a geopy-style geocoder over them.

The gazetteer is a hand-curated CSV (``data/gazetteer.csv``). Every spelling the press uses
goes in ``alt_names``; lookups go through :func:`normalise_name` (case, diacritics,
apostrophes and ʿayn/hamza marks, hyphens, the Arabic article) and, as a fallback,
:func:`name_key`, a transliteration-folding key under which 'Deir el-Zour', 'Deir al-Zor'
and 'Dayr az-Zawr' meet while 'al-Shafa' and 'al-Safa' stay apart.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.exc import GazetteerError, GeomapError

if TYPE_CHECKING:
    import geopandas as gpd

COLUMNS = ["id", "name", "alt_names", "lat", "lon", "kind", "admin1", "country", "source"]
# a settlement, a part of a city, a point site (airport, base, bridge, dam, mosque,
# university), a displacement camp, or a province or governorate (drawn as an outline)
KINDS = ("city", "town", "village", "neighbourhood", "district", "site", "camp", "region")
# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max) to spot swapped or wrong points in
# the countries listed; a row of another country is checked against the others' middle only.
COUNTRY_BOXES = {
    "SY": (32.3, 37.4, 35.6, 42.4),
    "IQ": (29.0, 37.4, 38.7, 48.7),
    "TR": (35.8, 42.2, 25.6, 44.9),
}
MAX_GAZETTEER_BYTES = 50 * 1024 * 1024
FAR_KM = 1000  # a place this far from the others' middle is probably a namesake or a typo
EARTH_RADIUS_KM = 6371.009  # geopy's great_circle radius

# Transliterations of the Arabic definite article, as they appear before a hyphen or a space.
ARABIC_ARTICLES = frozenset(
    "al el il ul ad adh ar as ash at ath az an ed er es et ez en ud un ur us ut uz".split()
)
# Article forms that are also English words: dropped only when hyphenated ("as-Susah").
ENGLISH_LOOKALIKES = frozenset({"as", "at", "an", "ad", "us", "un", "en", "il"})
_APOSTROPHES = "'’‘`ʿʾʻʼ´ʹ"
_ARABIC_ARTICLE = "ال"  # joined to its word
# Arabic letter variants, and the dotless i of Turkish and Azerbaijani names (ı as i)
_ARABIC_FOLD = str.maketrans({"ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None, "ı": "i"})
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE_END = re.compile(f"[{_APOSTROPHES}]s$")
_POSSESSIVE = re.compile(f"[{_APOSTROPHES}][sS]\\b")
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_REPEATS = re.compile(r"(.)\1+")


def _strip_marks(text: str) -> str:
    if text.isascii():  # nothing to decompose or fold
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # marks go, and so do invisible format characters (soft hyphen, zero-width space/joiners)
    return "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    ).translate(_ARABIC_FOLD)


# 'District Three' is 'District 3', 'Sector Two' 'Sector 2' (names spelled either way).
NUMBER_NAMES = {
    word: str(n)
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}


def normalise_token(token: str) -> str:
    """One word, folded: lower case, no diacritics, no apostrophes, no possessive 's."""
    t = _strip_marks(token).lower()
    t = _POSSESSIVE_END.sub("", t)
    t = _APOSTROPHE.sub("", t)
    if t.startswith(_ARABIC_ARTICLE) and len(t) > 3:
        t = t[len(_ARABIC_ARTICLE) :]
    return NUMBER_NAMES.get(t, t)


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Fold a place name to the form lookups compare.

    >>> normalise_name("Deir el-Zour") == normalise_name("deir EL zour")
    True
    >>> normalise_name("al-Sha'fah")
    'shafah'
    """
    text = _POSSESSIVE.sub("", _strip_marks(name))  # possessive
    text = _APOSTROPHE.sub("", text)
    tokens = [normalise_token(t) for t in _TOKEN.findall(text)]
    tokens = [t for t in tokens if t]
    kept = [t for t in tokens if t not in ARABIC_ARTICLES]
    if len(kept) > 1 and kept[0] == "the":
        kept = kept[1:]
    return " ".join(kept or tokens)


_KEY_RULES = [
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("dh", "d"),
    ("ph", "f"),
    ("aw", "u"),
    ("ay", "ai"),
    ("ey", "ai"),
    ("e", "a"),
    ("o", "u"),
    ("y", "i"),
    ("w", "u"),
]


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """Fold one normalised token's transliteration variants (Sousa/Susah, Zour/Zor/Zawr)."""
    if not token.isascii():
        return token
    k = token
    for old, new in _KEY_RULES:
        k = k.replace(old, new)
    k = _REPEATS.sub(r"\1", k)
    if len(k) > 3 and k.endswith("h") and k[-2] in "aiu":
        k = k[:-1]
    return k


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A looser key than :func:`normalise_name`, for spellings the gazetteer does not list.

    >>> name_key("Deir el-Zour") == name_key("Dayr az-Zawr") == name_key("Deir ez-Zor")
    True
    >>> name_key("al-Shafa") == name_key("al-Safa")
    False
    """
    return " ".join(token_key(t) for t in normalise_name(name).split())


def normalisation_rules() -> dict:
    """The rules of :func:`normalise_name` and :func:`name_key` as data, for the map's search
    box, which applies the same rules in the page (one definition: these constants)."""
    return {
        "apostrophes": _APOSTROPHES,
        "possessive": _POSSESSIVE.pattern,  # Python's syntax: the page reads \b as Unicode
        "possessiveEnd": _POSSESSIVE_END.pattern,
        "arabicFold": {chr(k): v or "" for k, v in _ARABIC_FOLD.items()},
        "articles": sorted(ARABIC_ARTICLES),
        "arabicArticle": _ARABIC_ARTICLE,
        "keyRules": [list(rule) for rule in _KEY_RULES],
        "numberNames": NUMBER_NAMES,
    }


@dataclass(frozen=True)
class Place:
    """One gazetteer row."""

    id: str
    name: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    admin1: str
    country: str
    source: str
    line: int = 0

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.alt_names)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "alt_names": "|".join(self.alt_names),
            "lat": self.lat,
            "lon": self.lon,
            "kind": self.kind,
            "admin1": self.admin1,
            "country": self.country,
            "source": self.source,
        }


def region_aliases(name: str) -> list[str]:
    """'Deir ez-Zor province' is also 'the province of Deir ez-Zor' (and 'governorate')."""
    match = re.match(r"(.+?)\s+(province|governorate)$", name, re.I)
    if not match:
        return []
    base = match.group(1)
    return [f"{word} of {base}" for word in ("province", "governorate")] + [
        f"{base} {word}" for word in ("province", "governorate")
    ]


@dataclass
class Gazetteer:
    """All places, indexed by id, normalised spelling and folded key."""

    places: list[Place]
    path: str = "<memory>"
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id: dict[str, Place] = {}
        self._by_norm: dict[str, Place] = {}
        for place in self.places:
            self.by_id[place.id] = place
        for place in self.places:
            for spelling in self.spellings_of(place):
                norm = normalise_name(spelling)
                if not norm:
                    continue
                other = self._by_norm.get(norm)
                if other is not None and other.id != place.id:
                    raise GazetteerError(
                        f"the spelling {spelling!r} is claimed by both {other.id!r} "
                        f"(line {other.line}) and {place.id!r}",
                        file=self.path,
                        line=place.line,
                        field="alt_names",
                        hint="a spelling must name one place; keep it on the row it belongs to "
                        "and qualify the other (e.g. 'al-Hawl camp')",
                    )
                self._by_norm[norm] = place

    def refuse_common_words(self, common_words: frozenset[str]) -> None:
        """A spelling that is a common word ('the') would make every use of the word a
        mention of the place: an error naming the row."""
        for place in self.places:
            for spelling in place.spellings:
                if normalise_name(spelling) in common_words:
                    raise GazetteerError(
                        f"the spelling {spelling!r} of {place.id!r} is a common word: every "
                        f"{spelling!r} in the articles would be taken for the place",
                        file=self.path,
                        line=place.line,
                        field="name" if spelling == place.name else "alt_names",
                        hint="remove it; a spelling names the place and nothing else",
                    )

    @cached_property
    def _by_key(self) -> dict[str, set[str]]:
        """Folded key -> place ids (built on the first lookup that needs it)."""
        by_key: dict[str, set[str]] = {}
        for place in self.places:
            for spelling in self.spellings_of(place):
                if normalise_name(spelling):
                    by_key.setdefault(name_key(spelling), set()).add(place.id)
        return by_key

    def spellings_of(self, place: Place) -> list[str]:
        spellings = list(place.spellings)
        if place.kind == "region":
            for spelling in place.spellings:
                spellings += region_aliases(spelling)
        return spellings

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self.places)

    def lookup(self, name: str) -> Place | None:
        """The place a spelling names, or None. Exact normalised match first, then the key."""
        place = self._by_norm.get(normalise_name(name))
        if place is not None:
            return place
        if name.strip() in self.by_id:
            return self.by_id[name.strip()]
        ids = self._by_key.get(name_key(name), set())
        return self.by_id[next(iter(ids))] if len(ids) == 1 else None

    def key_index(self) -> dict[tuple[str, ...], str]:
        """Token-key sequences of every unambiguous spelling, for scanning running text."""
        index: dict[tuple[str, ...], str] = {}
        ambiguous: set[tuple[str, ...]] = set()
        for place in self.places:
            for spelling in self.spellings_of(place):
                key = tuple(name_key(spelling).split())
                if not key:
                    continue
                if key in index and index[key] != place.id:
                    ambiguous.add(key)
                index[key] = place.id
        for key in ambiguous:
            del index[key]
        return index

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """The spellings nearest to ``name``, for 'did you mean' hints."""
        from rapidfuzz import process
        from rapidfuzz.distance import JaroWinkler

        choices = {}
        for place in self.places:
            for spelling in place.spellings:
                choices.setdefault(spelling, normalise_name(spelling))
        found = process.extract(
            normalise_name(name),
            choices,
            scorer=JaroWinkler.normalized_similarity,
            limit=limit,
            score_cutoff=0.7,
        )
        return [spelling for _norm, _score, spelling in found]

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """The places as points in WGS84 (EPSG:4326)."""
        import geopandas as gpd

        rows = [p.as_dict() for p in self.places]
        frame = gpd.GeoDataFrame(
            rows,
            geometry=gpd.points_from_xy([p.lon for p in self.places], [p.lat for p in self.places]),
            crs="EPSG:4326",
        )
        return frame.set_index("id", drop=False)


def _sniff_delimiter(header_line: str, path: str) -> None:
    if "," in header_line:
        return
    for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
        if delimiter in header_line:
            raise GazetteerError(
                f"the header is separated by {label}, not commas",
                file=path,
                line=1,
                hint="save the file as comma-separated CSV (alt_names use '|' inside one field)",
            )


def _read_text(
    path: Path, error: type[Exception] = GazetteerError, limit: int = MAX_GAZETTEER_BYTES
) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(
            "file not found", file=path, hint="pass --data DIR pointing at a folder with it"
        ) from None
    if size > limit:
        raise error(f"file is {size:,} bytes, over the {limit:,}-byte limit", file=path)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"not UTF-8 text (byte {exc.start}: {exc.reason})",
            file=path,
            line=line,
            hint="re-save the file as UTF-8",
        ) from None


def csv_rows(reader: Iterator, path: str | Path, error: type[GeomapError]) -> Iterator:
    """The rows of a ``csv`` reader; a row it cannot parse (a field over the csv module's limit
    of 131,072 characters, mostly from an unclosed quote) is ``error`` naming the line where
    that row starts (the reader's own count can stop short inside a quoted field)."""
    while True:
        row_start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise error(
                f"not readable as CSV ({exc})",
                file=path,
                line=row_start,
                hint="look for a quote that is never closed; a field holds at most "
                f"{csv.field_size_limit():,} characters",
            ) from None
        yield row


def _float(value: str, path: str, line: int, column: str, low: float, high: float) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise GazetteerError(
            f"{value.strip()!r} is not a number" if value.strip() else "is empty",
            file=path,
            line=line,
            field=column,
            hint="use WGS84 decimal degrees, e.g. 34.6894",
        ) from None
    if not (low <= number <= high) or number != number:
        raise GazetteerError(
            f"{number} is outside {low}..{high}",
            file=path,
            line=line,
            field=column,
            hint="lat is -90..90 and lon -180..180; are lat and lon swapped?",
        )
    return number


def _check_position(place: Place, path: str) -> str | None:
    box = COUNTRY_BOXES.get(place.country)
    if box is None:
        return None
    lat_min, lat_max, lon_min, lon_max = box
    if not (lat_min <= place.lat <= lat_max and lon_min <= place.lon <= lon_max):
        swapped = lat_min <= place.lon <= lat_max and lon_min <= place.lat <= lon_max
        why = "lat and lon look swapped" if swapped else "the point lies outside that country"
        return f"{path}:{place.line}: {place.id}: {why} ({place.lat}, {place.lon})"
    return None


def _far_from_the_others(places: list[Place], path: str) -> list[str]:
    """Rows over FAR_KM from the middle (median lat, lon) of the gazetteer: a namesake far
    away, or a typo. Great-circle distances, all rows at once."""
    if len(places) < 3:
        return []
    import numpy as np

    lat = np.radians([p.lat for p in places])
    lon = np.radians([p.lon for p in places])
    mid_lat, mid_lon = np.median(lat), np.median(lon)
    h = (
        np.sin((lat - mid_lat) / 2) ** 2
        + np.cos(lat) * np.cos(mid_lat) * np.sin((lon - mid_lon) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return [
        f"{path}:{place.line}: {place.id}: {distance:,.0f} km from the other places' middle; "
        "check the row (a namesake? lat and lon swapped?)"
        for place, distance in zip(places, km.tolist(), strict=True)
        if distance > FAR_KM
    ]


def parse_gazetteer(text: str, path: str = "<memory>", *, allow_empty: bool = False) -> Gazetteer:
    """Parse and validate gazetteer CSV text; raises :class:`GazetteerError` on the first fault."""
    first_line = text.split("\n", 1)[0]
    _sniff_delimiter(first_line, path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise GazetteerError(f"not readable as CSV ({exc})", file=path, line=1) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise GazetteerError(
            f"missing column(s): {', '.join(missing)}",
            file=path,
            line=1,
            hint=f"the header must hold: {','.join(COLUMNS)}",
        )
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise GazetteerError(
            f"the header names column(s) twice: {', '.join(twice)}",
            file=path,
            line=1,
            hint=f"the header must hold each of: {','.join(COLUMNS)}, once",
        )
    reader.fieldnames = header
    places: list[Place] = []
    seen: dict[str, int] = {}
    warnings: list[str] = []
    for row in csv_rows(reader, path, GazetteerError):
        line = reader.line_num
        if all((row.get(column) or "").strip() == column for column in COLUMNS):
            raise GazetteerError(
                "the header again (two files joined?)",
                file=path,
                line=line,
                hint="keep one header line, at the top",
            )
        if None in row:
            raise GazetteerError(
                "the row has more fields than the header",
                file=path,
                line=line,
                hint="quote fields that contain commas",
            )
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        pid = values["id"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", pid):
            raise GazetteerError(
                f"id {pid!r} is not a slug" if pid else "id is empty",
                file=path,
                line=line,
                field="id",
                hint="use lower-case letters, digits and underscores, e.g. baghuz_fawqani",
            )
        if pid in seen:
            raise GazetteerError(
                f"duplicate id {pid!r} (first on line {seen[pid]})",
                file=path,
                line=line,
                field="id",
                hint="each place has one row; merge the spellings into alt_names",
            )
        seen[pid] = line
        if not values["name"]:
            raise GazetteerError(
                "name is empty",
                file=path,
                line=line,
                field="name",
                hint="give the common English name",
            )
        kind = values["kind"].lower()
        if kind not in KINDS:
            raise GazetteerError(
                f"kind {values['kind']!r} is not one of {', '.join(KINDS)}",
                file=path,
                line=line,
                field="kind",
            )
        country = values["country"].upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise GazetteerError(
                f"country {values['country']!r} is not an ISO 3166 alpha-2 code",
                file=path,
                line=line,
                field="country",
                hint="e.g. SY, IQ, TR",
            )
        alt_names = tuple(a.strip() for a in values["alt_names"].split("|") if a.strip())
        empty = [a for a in values["alt_names"].split("|") if not a.strip()]
        if empty and values["alt_names"]:
            raise GazetteerError(
                "alt_names has an empty spelling (two '|' in a row or a trailing '|')",
                file=path,
                line=line,
                field="alt_names",
            )
        place = Place(
            id=pid,
            name=values["name"],
            alt_names=alt_names,
            lat=_float(values["lat"], path, line, "lat", -90, 90),
            lon=_float(values["lon"], path, line, "lon", -180, 180),
            kind=kind,
            admin1=values["admin1"],
            country=country,
            source=values["source"],
            line=line,
        )
        if not place.source:
            warnings.append(
                f"{path}:{line}: {pid}: source is empty; say where the point comes from"
            )
        problem = _check_position(place, path)
        if problem:
            warnings.append(problem)
        places.append(place)
    warnings += _far_from_the_others(places, path)
    if not places and not allow_empty:
        raise GazetteerError(
            "no places yet",
            file=path,
            hint="add places with `geomap gazetteer add NAME`, or one row per place by hand",
        )
    return Gazetteer(places, path=path, warnings=warnings)


def load_gazetteer(path: str | Path, *, allow_empty: bool = False) -> Gazetteer:
    """Read and validate ``data/gazetteer.csv`` (``allow_empty``: a header and no rows is
    taken, for ``geomap gazetteer add``)."""
    path = Path(path)
    return parse_gazetteer(_read_text(path), str(path), allow_empty=allow_empty)
