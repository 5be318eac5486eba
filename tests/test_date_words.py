"""The date words are data (geomap/rules/en/dates.toml): a translator or a reviewer changes the
file, not the code, and a mistake in it is one clear line."""

import datetime as dt
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.exc import RulesError
from geomap.extract.dates import DateRules, date_rules, find_dates

FRI = dt.date(2018, 12, 14)  # a Friday
ENGLISH = resources.files("geomap.rules").joinpath("en", "dates.toml").read_text(encoding="utf-8")


def rules_with(tmp_path, text):
    path = tmp_path / "dates.toml"
    path.write_text(text, encoding="utf-8")
    return DateRules.read(path)


def test_a_word_added_to_a_copy_of_the_date_words_is_understood(tmp_path):
    text = "They left a couple of days ago and returned on 3 Dezember 2018."
    assert [d.value for d in find_dates(text, FRI)] == []
    edited = ENGLISH.replace('"a few" = 3', '"a few" = 3\n"a couple of" = 2').replace(
        '["December", "Dec.", "Dec"]', '["December", "Dec.", "Dec", "Dezember"]'
    )
    found = rules_with(tmp_path, edited).find(text, FRI)
    assert [(d.text, d.value) for d in found] == [
        ("a couple of days ago", "2018-12-12"),
        ("3 Dezember 2018", "2018-12-03"),
    ]


def test_the_package_file_read_as_a_copy_reads_as_geomap_does(tmp_path):
    text = (
        "The town fell on Friday, two days after rebels took the bridge; last week; in March 2018"
    )
    copy = rules_with(tmp_path, ENGLISH).find(text, FRI)
    assert copy == find_dates(text, FRI) and len(copy) == 4


@pytest.mark.parametrize(
    "old,new,on_line,field,says",
    [
        ('["May"],\n', "", "months = [", "months", "12 entries in order, found 11"),
        ("since = [", "sinse = [", "sinse = [", "weekday.sinse", "unknown key 'sinse'"),
        ('"a few" = 3', '"a few" = "3"', '"a few" = "3"', "numbers.a few", "not a whole number"),
        ('weeks = "week"', 'weeks = "fortnight"', "weeks =", "units.weeks", "is no unit"),
        ("[ago]\nwords =", "[ago]\nword =", "word =", "ago.word", "unknown key 'word'"),
        ('"earlier"]\n\n#', '"earlier"\n\n#', "[after]", None, "not valid TOML"),
        (
            '"Boxing Day" = "12-26"',
            '"Boxing Day" = "26 December"',
            '"Boxing Day" =',
            "holidays.Boxing Day",
            "no day of the year",
        ),
    ],
)
def test_a_bad_date_words_file_names_its_file_line_and_key(
    tmp_path, old, new, on_line, field, says
):
    assert ENGLISH.count(old) == 1
    edited = ENGLISH.replace(old, new)
    with pytest.raises(RulesError) as caught:
        rules_with(tmp_path, edited)
    error = caught.value
    first_line = str(error).split("\n")[0]
    assert str(tmp_path / "dates.toml") in first_line and says in first_line
    lines = edited.splitlines()
    assert lines[error.line - 1].startswith(on_line), lines[error.line - 1]
    assert error.field == field


def test_a_language_without_date_words_is_a_clear_error():
    with pytest.raises(RulesError, match="cannot read the date words"):
        find_dates("on Friday", FRI, language="xx")


def test_this_evening_alone_is_the_report_day():
    assert [d.value for d in find_dates("The convoy left this evening", FRI)] == ["2018-12-14"]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_prefilter_never_drops_a_date(data):
    """The quick test derived from the words passes every text a date pattern matches."""
    rules = date_rules()
    _kind, pattern = data.draw(st.sampled_from(rules.patterns))
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert rules.cue.search(text), text
