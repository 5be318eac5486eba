"""The extractor never raises, whatever an article says (issue 20: "never a traceback").

Articles are built from the rules' own vocabulary (tests/fuzz_articles.py) and read with this
campaign's profile and gazetteer and with another campaign's. A small derandomized run here;
``python scripts/fuzz_extract.py`` runs thousands. Each crash it found is pinned below by
a sentence of our own."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import DATA, ROOT
from fuzz_articles import articles
from geomap.articles import Article
from geomap.campaign import load_campaign
from geomap.extract import extract_article
from geomap.extract.text import split_sentences

MALI = ROOT / "eval" / "campaigns" / "mali"
SMALL_RUN = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def campaigns():
    return {folder: load_campaign(folder) for folder in (DATA, MALI)}


def _extract(campaign, article: Article) -> None:
    found = extract_article(article, campaign.gazetteer, profile=campaign.profile)
    for event in found.events:  # its evidence is the article's own words, at their place
        assert article.body[event.evidence_start : event.evidence_end] == event.evidence
        assert event.place_id in campaign.gazetteer.by_id


@SMALL_RUN
@given(article=articles(DATA, max_sentences=4))
def test_any_article_of_this_campaigns_words_is_read_without_an_error(campaigns, article):
    _extract(campaigns[DATA], article)


@SMALL_RUN
@given(article=articles(MALI, max_sentences=4))
def test_any_article_of_another_campaigns_words_is_read_without_an_error(campaigns, article):
    _extract(campaigns[MALI], article)


def _read(campaign, body: str):
    article = Article(name="t.txt", published=dt.date(2018, 12, 14), body=body, outlet="Test")
    return extract_article(article, campaign.gazetteer, profile=campaign.profile)


# --- what the fuzzer found ----------------------------------------------------------------


def test_a_number_too_long_for_a_float_is_no_figure(campaigns):
    """A run of 400 digits beside a place raised OverflowError (float infinity to int)."""
    found = _read(campaigns[DATA], f"Hajin sheltered {'9' * 400} people and 2,000 fighters.")
    assert [(f.value, f.label) for f in found.mentions[0].figures] == [(2000, "fighters")]


def test_a_run_of_dots_and_of_abbreviations_splits_as_before():
    """A sentence end may only begin where a run of end marks begins, and an abbreviation is
    read from the word before it alone (both were quadratic in a long line: BENCHMARKS.md)."""
    body = "The SDF took Hajin.... Then Sousa fell!?! Gen. Mahmoud said so. E.g. A and U.S. B."
    assert [s.text for s in split_sentences(body)] == [
        "The SDF took Hajin....",
        "Then Sousa fell!?!",
        "Gen. Mahmoud said so.",
        "E.g. A and U.S. B.",
    ]
    dots = split_sentences("Hajin" + "." * 500 + " Sousa fell.")
    assert [(s.start, s.end) for s in dots] == [(0, 505), (506, 517)]
