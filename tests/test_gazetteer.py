from pathlib import Path

import pytest
from geopy.location import Location
from hypothesis import given
from hypothesis import strategies as st

from geomap.exc import GazetteerError
from geomap.gazetteer import (
    load_gazetteer,
    name_key,
    normalise_name,
    parse_gazetteer,
)
from geomap.geocoder import GazetteerGeocoder

HEADER = "id,name,alt_names,lat,lon,kind,admin1,country,source\n"


@pytest.mark.parametrize(
    "spelling",
    [
        "Deir el-Zour",
        "Deir al-Zor",
        "Deir ez-Zor",
        "deir ezzor",
        "Dayr az-Zawr",
        "DEIR EL ZOUR",
        "Deir-el-Zour",
    ],
)
def test_deir_ez_zor_spellings_find_one_row(gazetteer, spelling):
    assert gazetteer.lookup(spelling).id == "deir_ez_zor"


@pytest.mark.parametrize(
    "spelling,place",
    [
        ("Sousa", "al_susah"),
        ("Susah", "al_susah"),
        ("al-Sousah", "al_susah"),
        ("Shaafah", "al_shaafah"),
        ("al-Shafa", "al_shaafah"),
        ("al-Sha'fah", "al_shaafah"),
        ("al-Sha‘fah", "al_shaafah"),
        ("Baghouz", "baghuz_fawqani"),
        ("Baghuz", "baghuz_fawqani"),
        ("al-Bagouz", "baghuz_fawqani"),
        ("Baghouz's", "baghuz_fawqani"),
        ("al-Hol", "al_hol_camp"),
        ("al-Hawl", "al_hol_camp"),
        ("هجين", "hajin"),
        ("الباغوز فوقاني", "baghuz_fawqani"),
        ("Abu Kemal", "abu_kamal"),
        ("the province of Deir-el-Zour", "deir_ez_zor_province"),
    ],
)
def test_press_spellings_resolve(gazetteer, spelling, place):
    assert gazetteer.lookup(spelling).id == place


def test_al_shafa_and_al_safa_stay_distinct():
    assert normalise_name("al-Shafa") != normalise_name("al-Safa")
    assert name_key("al-Shafa") != name_key("al-Safa")


def test_normaliser_folds_case_diacritics_apostrophes_and_article():
    assert normalise_name("Al-Sūsah") == normalise_name("as-Susah") == "susah"
    assert normalise_name("ash-Sha'fah") == normalise_name("Shaʿfah")
    assert normalise_name("Baghouz’s") == "baghouz"


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent_and_never_raises(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert name_key(text) == name_key(text.upper()) or not text.isascii()


@given(
    st.sampled_from(["Hajin", "Baghouz", "Deir ez-Zor", "al-Hol", "Sousa"]),
    st.sampled_from(["upper", "lower", "title"]),
)
def test_lookup_ignores_case(gazetteer, name, case):
    assert gazetteer.lookup(getattr(name, case)()) == gazetteer.lookup(name)


def test_gazetteer_has_the_campaign(gazetteer):
    assert len(gazetteer) >= 30
    for needed in [
        "Hajin",
        "Sousa",
        "Buqaan",
        "Shaafah",
        "Baghouz",
        "Shajla",
        "al-Hol",
        "Raqqa",
        "Mosul",
        "Deir ez-Zor province",
        "al-Marashidah",
        "Abu al-Hasan",
        "al-Kashmah",
        "Gharanij",
        "al-Bahrah",
        "al-Safafinah",
        "Baghuz Tahtani",
        "Baghouz camp",
        "Abu Kamal",
        "al-Mayadin",
        "Deir ez-Zor",
        "al-Qaim",
        "al-Hasakah",
    ]:
        assert gazetteer.lookup(needed) is not None, needed
    assert all(p.source for p in gazetteer)
    assert gazetteer.warnings == []


def test_published_points_are_real_positions(gazetteer):
    """Within 2 km of the published point (GeoNames / encyclopedia) for these towns."""
    from geopy.distance import geodesic

    published = {
        "hajin": (34.68944, 40.83083),
        "al_susah": (34.53366, 40.95819),
        "baghuz_fawqani": (34.45861, 40.95056),
        "abu_kamal": (34.45226, 40.91854),
        "al_mayadin": (35.01982, 40.45154),
        "al_hol_camp": (36.37556, 41.14861),
    }
    for pid, point in published.items():
        place = gazetteer.by_id[pid]
        assert geodesic((place.lat, place.lon), point).km < 2.0, pid


def test_geodataframe_is_wgs84_points(gazetteer):
    frame = gazetteer.to_geodataframe()
    assert frame.crs.to_epsg() == 4326
    assert frame.loc["hajin"].geometry.y == pytest.approx(34.68944)


def test_geocoder_follows_geopy(gazetteer):
    location = GazetteerGeocoder(gazetteer).geocode("Baghuz")
    assert isinstance(location, Location)
    assert location.raw["id"] == "baghuz_fawqani"
    assert (location.latitude, location.longitude) == pytest.approx((34.45861, 40.95056))
    assert GazetteerGeocoder(gazetteer).geocode("Atlantis") is None
    nearest = GazetteerGeocoder(gazetteer).reverse((34.69, 40.83))
    assert nearest.raw["id"] == "hajin"


def test_suggestions_for_unknown_names(gazetteer):
    assert any("Bag" in s for s in gazetteer.suggest("Bagoose"))


def row(**overrides):
    values = {
        "id": "x",
        "name": "X",
        "alt_names": "",
        "lat": "34.5",
        "lon": "40.9",
        "kind": "town",
        "admin1": "A",
        "country": "SY",
        "source": "test",
    }
    values.update(overrides)
    return (
        ",".join(
            values[c]
            for c in [
                "id",
                "name",
                "alt_names",
                "lat",
                "lon",
                "kind",
                "admin1",
                "country",
                "source",
            ]
        )
        + "\n"
    )


@pytest.mark.parametrize(
    "text,line,field,words",
    [
        (HEADER + row(lat="abc"), 2, "lat", "not a number"),
        (HEADER + row(lat=""), 2, "lat", "empty"),
        (HEADER + row(lat="134.5"), 2, "lat", "outside"),
        (HEADER + row() + row(name="Y"), 3, "id", "duplicate id"),
        (HEADER + row(name=""), 2, "name", "empty"),
        (HEADER + row(kind="hamlet"), 2, "kind", "not one of"),
        (
            HEADER + row(id="a", alt_names="Foo") + row(id="b", name="Foo"),
            3,
            "alt_names",
            "claimed",
        ),
        (HEADER + row(id="Bad Id"), 2, "id", "slug"),
    ],
)
def test_bad_gazetteer_rows_name_line_and_field(text, line, field, words):
    with pytest.raises(GazetteerError) as info:
        parse_gazetteer(text, "g.csv")
    error = info.value
    assert (error.line, error.field) == (line, field)
    assert words in error.message
    assert "g.csv" in str(error)


def test_missing_columns_and_wrong_delimiter():
    with pytest.raises(GazetteerError, match="missing column"):
        parse_gazetteer("id,name\nx,X\n", "g.csv")
    with pytest.raises(GazetteerError, match="semicolons"):
        parse_gazetteer(HEADER.replace(",", ";") + row().replace(",", ";"), "g.csv")


def test_bom_and_windows_line_endings_are_read(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes(("\ufeff" + HEADER + row()).replace("\n", "\r\n").encode("utf-8"))
    assert load_gazetteer(path).by_id["x"].name == "X"


def test_swapped_or_far_points_warn_with_row():
    gaz = parse_gazetteer(HEADER + row(lat="40.9", lon="34.5"), "g.csv")
    assert "swapped" in gaz.warnings[0] and "g.csv:2" in gaz.warnings[0]
    near = row(id="a", name="A") + row(id="b", name="B", lat="34.9")
    near += row(id="c", name="C", lat="36.3", lon="43.1", country="IQ")
    assert parse_gazetteer(HEADER + near, "g.csv").warnings == []
    gaz = parse_gazetteer(
        HEADER + near + row(id="far", lat="46.2", lon="2.2", country="FR"), "g.csv"
    )
    assert len(gaz.warnings) == 1
    assert "g.csv:5: far: 3," in gaz.warnings[0] and "km from the other places" in gaz.warnings[0]


def test_a_campaign_in_any_country_reads_without_warnings():
    second = Path(__file__).parent / "data" / "second_campaign" / "gazetteer.csv"
    assert load_gazetteer(second).warnings == []


@pytest.mark.parametrize("kind", ["neighbourhood", "district", "site"])
def test_a_city_campaign_has_neighbourhoods_districts_and_sites(kind):
    gaz = parse_gazetteer(HEADER + row(kind=kind), "g.csv")
    assert gaz.by_id["x"].kind == kind


def test_every_kind_has_a_place_on_the_page_and_in_the_figures():
    from geomap.gazetteer import KINDS
    from geomap.mapping import PLACE_KINDS, RADIUS
    from geomap.snapshot import SIZES

    assert sorted(PLACE_KINDS) == sorted(KINDS) == sorted(RADIUS)
    assert set(SIZES) == set(KINDS) - {"region"}  # a province is an outline, not a point


@pytest.mark.parametrize(
    "spelling,kept",
    [("Fizuli", True), ("Физули", True), ("FZL", False), ("fdwly", False), ("shwshy", False)],
)
def test_gazetteer_add_keeps_only_spellings_people_write(spelling, kept):
    from geomap.candidates import written_by_people

    assert written_by_people(spelling) is kept


def test_a_possessive_in_capitals_is_a_possessive():
    assert name_key("HAJIN'S") == name_key("Hajin's") == name_key("Hajin")
    assert name_key("'S") == name_key("'s")


def test_a_number_in_a_name_may_be_spelled_out():
    assert normalise_name("District Three") == normalise_name("district 3")
    assert normalise_name("Sector Twelve") == normalise_name("Sector 12")


def test_a_common_word_is_no_mention_of_a_place_whose_key_it_shares():
    from geomap.extract.mentions import MentionFinder
    from geomap.extract.text import Span

    finder = MentionFinder(parse_gazetteer(HEADER + row(id="ann", name="Ann"), "g.csv"))
    text = "An ethnic army said it had entered Ann."
    found = finder.find(Span(0, len(text), text), text)
    assert [(m.place_id, m.surface) for m in found] == [("ann", "Ann")]
