import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geomap.extract.dates import find_dates
from geomap.periods import date_matches

FRI = dt.date(2018, 12, 14)  # a Friday
MON = dt.date(2019, 3, 18)
TUE = dt.date(2019, 3, 12)


def one(text, published):
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text,published,value,precision",
    [
        ("captured the town on Friday", FRI, "2018-12-14", "day"),
        ("attacked on Wednesday", FRI, "2018-12-12", "day"),
        ("seized buildings early on Monday", MON, "2019-03-18", "day"),
        ("the assault resumed late Sunday", MON, "2019-03-17", "day"),
        ("on Sunday night, he said", MON, "2019-03-17", "day"),
        ("said yesterday that", FRI, "2018-12-13", "day"),
        ("the battle is on today", dt.date(2019, 2, 11), "2019-02-11", "day"),
        ("the previous day", TUE, "2019-03-11", "day"),
        ("on March 11, 2019.", TUE, "2019-03-11", "day"),
        ("Tuesday, 12 March 2019", TUE, "2019-03-12", "day"),
        ("began on Sept. 10, 922 fighters", FRI, "2018-09-10", "day"),
        ("since Jan. 9, more than 60,000", MON, "2019-01-09", "day"),
        ("this week", FRI, "2018-12-10/2018-12-14", "range"),  # not past the report
        ("earlier this week", FRI, "2018-12-10/2018-12-13", "range"),
        ("earlier this week", dt.date(2018, 12, 11), "2018-12-10", "day"),
        ("last week", FRI, "2018-12-03", "week"),
        ("earlier this month", dt.date(2019, 2, 11), "2019-02-01/2019-02-10", "range"),
        ("this month", dt.date(2019, 2, 11), "2019-02-01/2019-02-11", "range"),
        ("earlier this year", dt.date(2019, 2, 11), "2019-01-01/2019-02-10", "range"),
        ("earlier this month", dt.date(2019, 2, 1), "2019-02-01", "day"),
        ("last month", FRI, "2018-11", "month"),
        ("in mid-January", dt.date(2019, 2, 11), "2019-01", "month"),
        ("in October 2017", FRI, "2017-10", "month"),
        ("in 2014", FRI, "2014", "year"),
        ("last year", MON, "2018", "year"),
        ("over the weekend", dt.date(2019, 2, 11), "2019-02-09/2019-02-10", "range"),
        ("three days ago", FRI, "2018-12-11", "day"),
    ],
)
def test_date_expressions_resolve_against_publication(text, published, value, precision):
    found = one(text, published)
    assert (found.value, found.precision) == (value, precision)


def test_weekday_resolves_to_same_day_when_published_that_day():
    assert one("on Friday", FRI).value == "2018-12-14"


def test_future_tense_weekday_is_the_next_one():
    found = one("the SDF will attack on Friday", FRI)
    assert found.value == "2018-12-21" and found.future


def test_date_words_are_kept():
    assert one("since Jan. 9 they fled", MON).text == "Jan. 9"
    assert one("early on Monday", MON).text == "early on Monday"


@pytest.mark.parametrize(
    "text",
    [
        "a fighter",
        "they may go",
        "2,000 ISIS gunmen",
        "In March 5,000 people",
        "call 0207 782 4368",
        "march on",
    ],
)
def test_non_dates_are_not_dates(text):
    assert find_dates(text, FRI) == []


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
)
def test_past_weekday_is_within_the_last_week(published, weekday):
    found = one(f"fighting on {weekday}", published)
    day = dt.date.fromisoformat(found.value)
    assert day.strftime("%A") == weekday
    assert 0 <= (published - day).days <= 6


@given(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 12), st.integers(1, 28))
def test_month_day_without_year_is_never_after_publication(published, month, day):
    text = f"on {dt.date(2001, month, day):%B} {day}"
    found = one(text, published)
    value = dt.date.fromisoformat(found.value)
    assert value <= published and (published - value).days < 366


def test_date_matching_at_gold_precision():
    assert date_matches("2017-10-05", "day", "2017-10", "month")
    assert not date_matches("2017", "year", "2017-10", "month")
    assert date_matches("2019-02-09", "day", "2019-02-09/2019-02-10", "range")
    assert not date_matches("2019-02-11", "day", "2019-02-09/2019-02-10", "range")


@pytest.mark.parametrize(
    "text,value,precision",
    [
        ("The town fell on Monday, two days after the siege began.", "2018-12-08", "day"),
        ("The town fell, a week after the siege began.", "2018-12-07", "day"),
        ("The town fell on Tuesday, the day after the army left.", "2018-12-10", "day"),
        ("The town fell on Tuesday, hours after the army left.", "2018-12-11", "day"),
        ("The town fell just days after the army left.", "2018-12-08/2018-12-13", "range"),
    ],
)
def test_a_count_back_before_after_counts_from_the_clause_before(text, value, precision):
    found = [d for d in find_dates(text, FRI) if d.ahead]
    assert [(d.value, d.precision) for d in found] == [(value, precision)]


@pytest.mark.parametrize(
    "text",
    [
        "Two days after the siege began, the town fell.",  # no clause before it
        "In March, days after the siege began, the town fell.",  # no day to count from
        "The town fell two days after that.",  # 'after that': two days later
        "It fell 99999999 days after the army left.",  # past the calendar
    ],
)
def test_a_count_back_with_nothing_to_count_from_is_no_date(text):
    assert not [d for d in find_dates(text, FRI) if d.ahead]


@pytest.mark.parametrize(
    "text,value",
    [
        ("Five days later, the town fell.", "2018-12-07"),
        ("The next day the militants withdrew.", "2018-12-03"),
        ("It fell two weeks later.", "2018-12-16"),
    ],
)
def test_days_later_count_from_the_day_named_before(text, value):
    anchor = dt.date(2018, 12, 2)
    found = find_dates(text, dt.date(2018, 12, 20), anchor=anchor)
    assert [(d.value, d.precision) for d in found] == [(value, "day")]


@pytest.mark.parametrize(
    "text,anchor,value",
    [
        (
            "The army retook it on Tuesday; the rebels had seized it a day earlier.",
            None,
            "2018-12-10",
        ),
        ("The rebels had seized it two days earlier.", dt.date(2018, 12, 11), "2018-12-09"),
        ("The rebels had seized it two days earlier.", None, "2018-12-12"),  # the report's day
        ("The rebels had seized it two days ago.", dt.date(2018, 12, 1), "2018-12-12"),
    ],
)
def test_days_earlier_count_back_from_the_day_told_of_days_ago_from_the_report(text, anchor, value):
    found = find_dates(text, FRI, anchor=anchor)
    assert found[-1].value == value


def test_days_later_without_a_day_before_or_past_publication_is_no_date():
    assert find_dates("Five days later, the town fell.", FRI) == []
    assert find_dates("Five days later, it fell.", FRI, anchor=dt.date(2018, 12, 12)) == []
    far = "It fell 99999999 days later."  # past the calendar: no date, no traceback
    assert find_dates(far, FRI, anchor=dt.date(2018, 12, 1)) == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("seized the city in June last year", "2015-06"),
        ("lost it in March of this year", "2016-03"),
        ("taken in late June last year", "2015-06"),
    ],
)
def test_a_month_of_last_or_this_year(text, value):
    assert [d.value for d in find_dates(text, dt.date(2016, 8, 10))] == [value]


def test_a_day_after_publication_told_in_the_past_is_no_event_s_date(gazetteer, profile):
    """A page's date stamp above an older story ('Saturday July 27 2024') dates nothing."""
    from geomap.articles import Article
    from geomap.extract import extract_article

    body = "Saturday July 27 2024\nThe SDF captured Hajin."
    article = Article(name="t.txt", published=dt.date(2018, 12, 14), body=body, outlet="x")
    events = extract_article(article, gazetteer, profile=profile).events
    assert [(e.place_id, e.date) for e in events] == [("hajin", "2018-12-14")]


def test_the_publication_day_opening_a_sentence_files_the_report_it_dates_no_event():
    import datetime as dt

    from geomap.articles import Article
    from geomap.campaign import load_profile
    from geomap.extract import extract_article
    from geomap.gazetteer import load_gazetteer

    gazetteer, profile = load_gazetteer("data/gazetteer.csv"), load_profile("data")
    for opening in ("December 14, 2018 (DEIR EZ-ZOR) - ", "date 2018-12-14 "):
        body = opening + "The SDF has seized Sousa. SDF fighters took Sousa on Thursday."
        article = Article(name="t.txt", published=dt.date(2018, 12, 14), body=body, outlet="T")
        events = extract_article(article, gazetteer, profile=profile).events
        dates = {e.date for e in events if e.place_id == "al_susah" and e.kind == "captured"}
        assert dates == {"2018-12-13"}, opening  # the undated claim is Thursday's capture


@pytest.mark.parametrize(
    "text",
    [
        "The rebels seized the town in the biggest defeat for the army this year.",
        "It was the first town to fall to the rebels this month.",
    ],
)
def test_this_year_after_a_superlative_bounds_it_and_dates_nothing(text):
    assert find_dates(text, FRI) == []


def test_this_year_alone_still_dates():
    assert [d.value for d in find_dates("The rebels took it earlier this year.", FRI)] == [
        "2018-01-01/2018-12-13"
    ]


def test_a_day_glossed_in_brackets_is_the_bracket_s():
    found = find_dates("It was taken this morning (Monday 10 December).", FRI)
    assert {d.value for d in found} == {"2018-12-10"}


@pytest.mark.parametrize(
    "text,value",
    [
        ("The rebels seized the town on Christmas Day.", "2012-12-25"),
        ("The rebels captured the town on New Year's Day.", "2013-01-01"),
        ("The town fell on Christmas Eve 2011.", "2011-12-24"),
        ("The town fell on Christmas Eve.", "2012-12-24"),  # no digit, no other date word
    ],
)
def test_a_day_named_for_a_holiday_is_that_day(text, value):
    assert [(d.value, d.precision) for d in find_dates(text, dt.date(2013, 1, 2))] == [
        (value, "day")
    ]
