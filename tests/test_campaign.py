"""The campaign as data: the profile and gazetteer read once, `geomap init`, a folder without
a profile, a bad profile, an empty campaign, and the projected CRS."""

import json
import re

import pytest

from conftest import DATA
from geomap.campaign import (
    MAX_SIDES,
    TEMPLATE,
    Profile,
    load_campaign,
    parse_profile,
    projected_crs,
)
from geomap.exc import CampaignError

PLACE = "velmora,Velmora,,-42.1,146.6,town,,AU,test\n"
ARTICLE = "---\ntitle: T\noutlet: O\npublished: 2021-05-04\n---\nVelmora was quiet.\n"


def page_data(map_path) -> dict:
    page = map_path.read_text(encoding="utf-8")
    block = re.search(r'id="geomap-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(block)


def test_the_campaign_reads_profile_and_gazetteer_once_per_build(monkeypatch, tmp_path):
    import geomap.gazetteer
    from geomap.pipeline import build

    calls = []
    parse = geomap.gazetteer.parse_gazetteer
    monkeypatch.setattr(
        geomap.gazetteer, "parse_gazetteer", lambda *a, **k: calls.append(a[1]) or parse(*a, **k)
    )
    build(DATA, tmp_path, jobs=1)
    assert len(calls) == 1


def test_auto_crs_is_the_utm_zone_of_the_gazetteer(campaign):
    assert campaign.crs == "EPSG:32637"  # UTM 37N, which covers this campaign
    assert projected_crs(Profile(crs="EPSG:32638"), campaign.gazetteer) == "EPSG:32638"


@pytest.mark.parametrize(
    "crs,words",
    [("EPSG:4326", "not projected"), ("EPSG:999999", "not an EPSG code"), ("utm", "neither")],
)
def test_a_crs_that_cannot_measure_metres_names_its_line(crs, words):
    with pytest.raises(CampaignError) as info:
        parse_profile(f'title = "T"\ncrs = "{crs}"\n', "c.toml")
    assert (info.value.line, info.value.field) == (2, "crs") and words in info.value.message


def test_a_map_draws_at_most_seven_sides():
    sides = "".join(f'[[side]]\nid = "S{n}"\n' for n in range(MAX_SIDES + 1))
    with pytest.raises(CampaignError, match="at most 7") as info:
        parse_profile(sides, "c.toml")
    assert info.value.line == 2 * MAX_SIDES + 1  # the eighth [[side]]


def test_a_bad_profile_is_one_line_naming_file_line_and_key(cli, data_copy, tmp_path):
    profile = data_copy / "campaign.toml"
    text = profile.read_text(encoding="utf-8").replace('marker = "circle"', 'marker = "star"', 1)
    profile.write_text(text, encoding="utf-8")
    line = text.splitlines().index('marker = "star"') + 1
    for command in (["build", "--out", tmp_path / "out"], ["events"], ["geocode", "Hajin"]):
        result = cli(*command, "--data", data_copy)
        assert result.exit_code == 1, command
        first = result.output.splitlines()[0]
        assert first.startswith(f"error: {profile}:{line}, field 'side.marker': marker 'star'")
        assert "Traceback" not in result.output
    assert not (tmp_path / "map.html").exists()


def test_without_a_profile_a_notice_and_nothing_coloured_by_side(cli, data_copy, tmp_path):
    (data_copy / "campaign.toml").unlink()
    out = tmp_path / "out"
    result = cli("build", "--data", data_copy, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    notices = [line for line in result.output.splitlines() if line.startswith("notice:")]
    assert notices == [
        f"notice: no campaign.toml in {data_copy}: sides unknown, nothing is coloured by side; "
        "`geomap init` writes one"
    ]
    data = page_data(out / "map.html")
    assert data["actors"] == [""] and data["meta"]["colors"] == {} and data["areas"] == []
    assert data["meta"]["title"] == Profile().title
    assert cli("build", "--data", data_copy, "--out", out, "-q").output == ""


def test_init_writes_a_campaign_skeleton_and_refuses_to_overwrite(cli, tmp_path):
    folder = tmp_path / "mosul"
    result = cli("init", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "gazetteer.csv").read_text(encoding="utf-8") == (
        "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
    )
    assert (folder / "articles").is_dir() and not any((folder / "articles").iterdir())
    written = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert written == TEMPLATE.read_text(encoding="utf-8")
    profile = parse_profile(written, folder / "campaign.toml")
    assert len(profile.sides) == 2 and profile.shade == ("GOV",)
    for key in ("title", "subtitle", "crs", "shade", "id", "label", "colour", "marker"):
        assert re.search(rf"^#.*\b{key}\b|^{key} =", written, re.M), key  # every key explained
    for key in ("aliases", "adjectives", "opponents", "holds_ground", "[window]", "[words]"):
        assert key in written
    again = cli("init", folder)
    assert again.exit_code == 2
    assert again.output.strip() == (
        f"error: {folder} already has gazetteer.csv, campaign.toml, articles: "
        "`geomap init` starts a campaign in a new or empty folder"
    )


def test_init_refuses_a_folder_with_any_part_of_a_campaign(cli, tmp_path):
    (tmp_path / "articles").mkdir()
    result = cli("init", tmp_path)
    assert result.exit_code == 2 and "already has articles" in result.output
    assert not (tmp_path / "campaign.toml").exists()


def test_every_command_on_an_empty_campaign_says_what_is_missing(cli, tmp_path):
    folder = tmp_path / "new"
    cli("init", folder)
    out = ["--out", tmp_path / "o"]
    commands = [["build", *out], ["extract", *out], ["export", *out], ["events"], ["check"]]
    for command in [*commands, ["geocode", "X"], ["snapshot", "--date", "2021-05-04", *out]]:
        result = cli(*command, "--data", folder)
        assert result.exit_code == 1, command
        assert f"error: {folder / 'gazetteer.csv'}: no places yet" in result.output
        assert "gazetteer add" in result.output and "Traceback" not in result.output
    with (folder / "gazetteer.csv").open("a", encoding="utf-8") as handle:
        handle.write(PLACE)
    for command in (["build"], ["events"], ["snapshot", "--date", "2021-05-04"]):
        result = cli(*command, "--data", folder)
        assert result.exit_code == 1, command
        assert f"error: {folder / 'articles'}: no articles yet" in result.output
    result = cli("check", "--data", folder)  # a profile is checked before any article
    assert result.exit_code == 0 and "read without error; no articles yet" in result.output
    (folder / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = cli("build", "--data", folder, "--out", tmp_path / "o", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert page_data(tmp_path / "o" / "map.html")["meta"]["labels"] == {
        "GOV": "Government",
        "REBELS": "Rebel alliance",
    }


def test_gazetteer_add_starts_from_an_empty_gazetteer(cli, tmp_path):
    folder = tmp_path / "new"
    cli("init", folder)
    result = cli("gazetteer", "add", "Mosul", "--near", "36.3,43.1", "--data", folder, "--yes")
    assert result.exit_code == 0, result.output
    place = load_campaign(folder).gazetteer.by_id["mosul"]
    assert (place.country, place.kind) == ("IQ", "city") and "km from 36.3,43.1" in place.source


def test_without_a_place_to_search_near_the_most_populous_namesake_comes_first(
    cli, tmp_path, monkeypatch
):
    import numpy as np

    import geomap.candidates

    cities = [
        {"geonameid": 1, "name": "Tripoli", "countrycode": "LB", "latitude": 34.4,
         "longitude": 35.8, "population": 230_000},
        {"geonameid": 2, "name": "Tripoli", "countrycode": "LY", "latitude": 32.9,
         "longitude": 13.2, "population": 1_150_000},
    ]  # fmt: skip
    coords = np.array([(c["latitude"], c["longitude"]) for c in cities])
    monkeypatch.setattr(geomap.candidates, "_cities", lambda: (cities, coords))
    folder = tmp_path / "new"
    cli("init", folder)
    result = cli("gazetteer", "add", "Tripoli", "--data", folder, "--yes")
    assert result.exit_code == 0, result.output
    assert "searching all of GeoNames" in result.output
    assert result.output.index("(LY)") < result.output.index("(LB)")
    assert load_campaign(folder).gazetteer.by_id["tripoli"].country == "LY"


def test_a_far_namesake_is_never_appended(cli, data_copy):
    before = (data_copy / "gazetteer.csv").read_bytes()
    result = cli("gazetteer", "add", "Tripoli", "--within", "100", "--data", data_copy, "--yes")
    assert result.exit_code == 1
    assert "no place called 'Tripoli' within 100 km of the nearest campaign place" in result.output
    assert (data_copy / "gazetteer.csv").read_bytes() == before
    result = cli("gazetteer", "add", "Tripoli", "--data", data_copy, "--yes")  # Lebanon's
    assert result.exit_code == 0 and "(LY)" not in result.output


def test_gazetteer_add_near_a_place_or_a_point(cli, data_copy):
    result = cli("gazetteer", "add", "Kirkuk", "--near", "Mossul", "--within", "200",
                 "--data", data_copy, "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "km from Mosul" in load_campaign(data_copy).gazetteer.by_id["kirkuk"].source
    result = cli("gazetteer", "add", "Tripoli", "--near", "32.9,13.2", "--data", data_copy, "-y")
    assert result.exit_code == 0 and "(LY)" in result.output
    result = cli("gazetteer", "add", "Sirte", "--near", "Atlantis", "--data", data_copy)
    assert result.exit_code == 1 and "no place named 'Atlantis'" in result.output


def test_an_unreachable_online_geocoder_is_one_line(cli, data_copy, monkeypatch):
    from geopy.exc import GeocoderUnavailable
    from geopy.geocoders import Nominatim

    def offline(self, query, **kwargs):
        raise GeocoderUnavailable("Max retries exceeded with url: /search (no network)")

    monkeypatch.setattr(Nominatim, "geocode", offline)
    result = cli("gazetteer", "add", "Tall Hamis", "--online", "--data", data_copy)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "error: the online geocoder could not answer "
        "(GeocoderUnavailable: Max retries exceeded with url: /search (no network))"
    )
    assert "Traceback" not in result.output and "found nothing" not in result.output
