"""The user's campaign profile (``data/campaign.toml``): sides, their words and colours, the
title, the projected CRS and the date window.

Everything that makes a map right for one war and wrong for another lives here, as data:
no module of geomap names a side. Without a profile, :func:`load_profile` gives a generic
one (no sides: actors stay unknown, so nothing is coloured by guesswork) and a notice.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from geomap.exc import CampaignError, UsageError, toml_line
from geomap.gazetteer import COLUMNS, Gazetteer, load_gazetteer

PROFILE_NAME = "campaign.toml"
GAZETTEER_NAME = "gazetteer.csv"
ARTICLES_NAME = "articles"
BASEMAP_NAME = "basemap"  # the user's layers, one GeoJSON file each
TEMPLATE = Path(__file__).with_name("templates") / PROFILE_NAME  # what `geomap init` writes
MARKERS = ("circle", "square", "diamond", "triangle", "hexagon")
MAX_SIDES = 7  # the page packs a side in 3 bits of each state and event code (0: unknown)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_SIDE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_TOP_KEYS = {"title", "subtitle", "language", "crs", "window", "map", "side", "words"}
_SIDE_KEYS = {"id", "label", "colour", "color", "marker", "aliases", "adjectives", "opponents"}
_SIDE_KEYS |= {"holds_ground"}
DEFAULT_TITLE = "Control of places over time"


@dataclass(frozen=True)
class Side:
    """One armed side: how the press names it and how the map draws it."""

    id: str
    label: str
    colour: str
    marker: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()  # the word before '-held', '-controlled': 'rebel-held'
    opponents: tuple[str, ...] = ()  # empty: every other side that holds ground
    holds_ground: bool = True  # False for air or advisory support that never holds a place


@dataclass(frozen=True)
class Profile:
    """A campaign: its sides, its generic words, and how its map is titled and projected."""

    title: str = DEFAULT_TITLE
    subtitle: str = ""
    language: str = "en"
    sides: tuple[Side, ...] = ()
    words: dict[str, str] = field(default_factory=dict)  # generic phrase -> side id
    shade: tuple[str, ...] = ()  # sides whose held area is drawn
    crs: str = "auto"
    start: dt.date | None = None
    end: dt.date | None = None
    path: Path | None = None  # None: no profile file, defaults

    @property
    def side_ids(self) -> tuple[str, ...]:
        return tuple(side.id for side in self.sides)

    def side(self, side_id: str) -> Side | None:
        return next((s for s in self.sides if s.id == side_id), None)

    def opponents(self, side_id: str) -> tuple[str, ...]:
        """The sides ``side_id`` fights, in the profile's order."""
        side = self.side(side_id)
        if side is None:
            return ()
        if side.opponents:
            return side.opponents
        return tuple(s.id for s in self.sides if s.id != side_id and s.holds_ground)

    def holds_ground(self, side_id: str) -> bool:
        side = self.side(side_id)
        return side is not None and side.holds_ground

    def phrases(self) -> Iterable[tuple[str, str]]:
        """(phrase, side id) for every alias and generic word."""
        for side in self.sides:
            for alias in side.aliases:
                yield alias, side.id
        yield from self.words.items()


def _line_of(text: str, pattern: str, after: int = 0) -> int | None:
    """The 1-based line where ``pattern`` (a regex) first matches at or after offset ``after``."""
    match = re.compile(pattern, re.M).search(text, after)
    return text.count("\n", 0, match.start()) + 1 if match else None


class _Reader:
    """Checks a parsed profile, naming the line of each bad key."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path

    def error(self, message: str, key: str, hint: str | None = None, after: int = 0) -> None:
        bare = key.rsplit(".", 1)[-1]
        line = _line_of(self.text, rf"^\s*{re.escape(bare)}\s*=", after)
        raise CampaignError(message, file=self.path, line=line, field=key, hint=hint)

    def string(self, table: dict, key: str, default: str, name: str, after: int = 0) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.error(f"{name} must be text, not {type(value).__name__}", name, after=after)
        return value

    def strings(self, table: dict, key: str, name: str, after: int = 0) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(f"{name} must be a list of non-empty texts", name, after=after)
        return tuple(v.strip() for v in value)

    def date(self, table: dict, key: str) -> dt.date | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            self.error(f"window.{key} must be a date (YYYY-MM-DD)", f"window.{key}")
        return value


def _side(reader: _Reader, table: object, number: int) -> Side:
    after = _nth_side_offset(reader.text, number)
    if not isinstance(table, dict):
        reader.error("each [[side]] must be a table", "side", after=after)
    unknown = sorted(set(table) - _SIDE_KEYS)
    if unknown:
        reader.error(
            f"unknown key {unknown[0]!r} in [[side]] {number + 1}",
            f"side.{unknown[0]}",
            hint="a side has: " + ", ".join(sorted(_SIDE_KEYS - {"color"})),
            after=after,
        )
    side_id = reader.string(table, "id", "", "side.id", after)
    if not _SIDE_ID.fullmatch(side_id):
        reader.error(
            f"side id {side_id!r} must be a letter then letters, digits or _ (at most 32)",
            "side.id",
            after=after,
        )
    colour = reader.string(table, "colour", table.get("color", "#777777"), "side.colour", after)
    if not _COLOUR.fullmatch(colour):
        reader.error(f"colour {colour!r} is not #rrggbb", "side.colour", after=after)
    marker = reader.string(table, "marker", "circle", "side.marker", after)
    if marker not in MARKERS:
        reader.error(
            f"marker {marker!r} is not one of {', '.join(MARKERS)}", "side.marker", after=after
        )
    holds = table.get("holds_ground", True)
    if not isinstance(holds, bool):
        reader.error("holds_ground must be true or false", "side.holds_ground", after=after)
    return Side(
        id=side_id,
        label=reader.string(table, "label", side_id, "side.label", after),
        colour=colour.lower(),
        marker=marker,
        aliases=reader.strings(table, "aliases", "side.aliases", after),
        adjectives=reader.strings(table, "adjectives", "side.adjectives", after),
        opponents=reader.strings(table, "opponents", "side.opponents", after),
        holds_ground=holds,
    )


def _nth_side_offset(text: str, number: int) -> int:
    headers = list(re.finditer(r"^\s*\[\[side\]\]", text, re.M))
    return headers[number].end() if number < len(headers) else 0


def _check_projected(reader: _Reader, crs: str) -> None:
    """An EPSG code pyproj knows, of a projected CRS (distances and areas are in metres)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        projected = CRS.from_user_input(crs).is_projected
    except CRSError:
        reader.error(f"crs {crs!r} is not an EPSG code pyproj knows", "crs")
    if not projected:
        reader.error(
            f"crs {crs!r} is not projected: distances and areas need metres",
            "crs",
            hint='"auto" takes the UTM zone of the gazetteer',
        )


def parse_profile(text: str, path: str | Path = "<memory>") -> Profile:
    """Read a profile's TOML text; every problem is a :class:`CampaignError` naming its line."""
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CampaignError(
            f"not valid TOML: {error}",
            file=path,
            line=toml_line(error),
            hint="see the commented profile that `geomap init` writes",
        ) from None
    reader = _Reader(text, path)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        reader.error(
            f"unknown key {unknown[0]!r}",
            unknown[0],
            hint="a profile has: " + ", ".join(sorted(_TOP_KEYS)),
        )
    raw_sides = data.get("side", [])
    if not isinstance(raw_sides, list):
        reader.error("sides are written as [[side]] tables", "side")
    sides = tuple(_side(reader, table, n) for n, table in enumerate(raw_sides))
    if len(sides) > MAX_SIDES:
        raise CampaignError(
            f"{len(sides)} sides: a map draws at most {MAX_SIDES}",
            file=path,
            line=_line_of(text, r"^\s*\[\[side\]\]", _nth_side_offset(text, MAX_SIDES - 1)),
            field="side",
            hint="merge allied forces into one side, or leave minor ones out",
        )
    ids = [s.id for s in sides]
    for n, side_id in enumerate(ids):
        if side_id in ids[:n]:
            reader.error(
                f"side id {side_id!r} is used twice", "side.id", after=_nth_side_offset(text, n)
            )
    for n, side in enumerate(sides):
        for other in side.opponents:
            if other not in ids:
                reader.error(
                    f"opponent {other!r} of {side.id} is not a side of this profile",
                    "side.opponents",
                    after=_nth_side_offset(text, n),
                )
    words = data.get("words", {})
    if not isinstance(words, dict):
        reader.error("[words] maps a phrase to a side id", "words")
    for phrase, side_id in words.items():
        if side_id not in ids:
            reader.error(
                f"[words] {phrase!r} names {side_id!r}, which is not a side of this profile",
                "words",
                hint="sides: " + ", ".join(ids),
            )
    owners: dict[str, str] = {}
    for phrase, side_id in [(a, s.id) for s in sides for a in s.aliases] + list(words.items()):
        key = phrase.casefold()
        if owners.setdefault(key, side_id) != side_id:
            reader.error(
                f"the phrase {phrase!r} names both {owners[key]} and {side_id}",
                "side.aliases",
                hint="a phrase may name one side only",
            )
    map_table = data.get("map", {})
    shade = reader.strings(map_table, "shade", "map.shade")
    for side_id in shade:
        if side_id not in ids:
            reader.error(f"map.shade names {side_id!r}, which is not a side", "map.shade")
    window = data.get("window", {})
    if not isinstance(window, dict):
        reader.error("[window] has start and end dates", "window")
    start, end = reader.date(window, "start"), reader.date(window, "end")
    if start and end and end < start:
        reader.error("window.end is before window.start", "window.end")
    crs = reader.string(data, "crs", "auto", "crs")
    if crs != "auto" and not re.fullmatch(r"EPSG:\d{4,6}", crs):
        reader.error(f"crs {crs!r} is neither 'auto' nor 'EPSG:<code>'", "crs")
    if crs != "auto":
        _check_projected(reader, crs)
    return Profile(
        title=reader.string(data, "title", DEFAULT_TITLE, "title"),
        subtitle=reader.string(data, "subtitle", "", "subtitle"),
        language=reader.string(data, "language", "en", "language"),
        sides=sides,
        words={str(k): v for k, v in words.items()},
        shade=shade,
        crs=crs,
        start=start,
        end=end,
        path=path,
    )


def load_profile(data_dir: str | Path) -> Profile:
    """The profile in ``data_dir/campaign.toml``, or the generic defaults when there is none."""
    path = Path(data_dir) / PROFILE_NAME
    if not path.is_file():
        return Profile()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CampaignError(
            f"not UTF-8 text (byte {error.start})", file=path, hint="save the file as UTF-8"
        ) from None
    except OSError as error:
        raise CampaignError(f"cannot be read: {error.strerror}", file=path) from None
    return parse_profile(text, path)


def no_profile_notice(data_dir: str | Path) -> str:
    """The one line a command prints when the data folder has no profile."""
    return (
        f"no {PROFILE_NAME} in {data_dir}: sides unknown, nothing is coloured by side; "
        "`geomap init` writes one"
    )


def projected_crs(profile: Profile, gazetteer: Gazetteer) -> str:
    """The CRS for distances and areas: the profile's EPSG code, or (``crs = "auto"``) the UTM
    zone geopandas estimates for the gazetteer's points."""
    if profile.crs != "auto":
        return profile.crs
    if not len(gazetteer):
        raise CampaignError(
            'crs = "auto" needs places in the gazetteer to choose a UTM zone',
            file=profile.path,
            field="crs",
            hint='add places, or give crs = "EPSG:<code>"',
        )
    import geopandas as gpd

    points = gpd.points_from_xy([p.lon for p in gazetteer], [p.lat for p in gazetteer])
    west, south, east, north = gpd.GeoSeries(points, crs="EPSG:4326").total_bounds
    return _utm_crs(float(west), float(south), float(east), float(north))


@lru_cache(maxsize=64)
def _utm_crs(west: float, south: float, east: float, north: float) -> str:
    """The UTM zone geopandas estimates for points spanning this box: it looks at the box
    alone, and asks pyproj's database (0.1 s) once per box, not once per build."""
    import geopandas as gpd

    corners = gpd.points_from_xy([west, east], [south, north])
    return gpd.GeoSeries(corners, crs="EPSG:4326").estimate_utm_crs().to_string()


@dataclass
class Campaign:
    """One campaign's inputs, read once per command and handed to every stage: the profile,
    the gazetteer and the folder they came from."""

    profile: Profile
    gazetteer: Gazetteer
    data_dir: Path | None = None

    @cached_property
    def crs(self) -> str:
        return projected_crs(self.profile, self.gazetteer)


def common_words(language: str) -> frozenset[str]:
    """The language's common words, never a place's spelling (rules/<language>/not_places)."""
    from geomap.extract.lexicon import rule_file

    return frozenset(rule_file("not_places", language).get("common_words", "").split())


def load_campaign(data_dir: str | Path, *, allow_empty: bool = False) -> Campaign:
    """The profile and gazetteer of ``data_dir``, each read and checked once.

    ``allow_empty``: a gazetteer with a header and no rows is taken (``geomap gazetteer add``
    starts from one); otherwise it is an error that says how to add places."""
    data_dir = Path(data_dir)
    profile = load_profile(data_dir)
    gazetteer = load_gazetteer(data_dir / GAZETTEER_NAME, allow_empty=allow_empty)
    gazetteer.refuse_common_words(common_words(profile.language))
    return Campaign(profile=profile, gazetteer=gazetteer, data_dir=data_dir)


def init_campaign(folder: str | Path) -> list[Path]:
    """A new campaign's skeleton in ``folder``: the gazetteer's header, the commented profile
    template and an empty articles folder. Refuses when the folder has any of them."""
    folder = Path(folder)
    gazetteer, profile, articles = (
        folder / name for name in (GAZETTEER_NAME, PROFILE_NAME, ARTICLES_NAME)
    )
    present = [path.name for path in (gazetteer, profile, articles) if path.exists()]
    if present:
        raise UsageError(
            f"{folder} already has {', '.join(present)}: "
            "`geomap init` starts a campaign in a new or empty folder"
        )
    folder.mkdir(parents=True, exist_ok=True)
    gazetteer.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    profile.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    articles.mkdir()
    return [gazetteer, profile, articles]
