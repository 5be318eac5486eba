"""The confidence calibration: a claim's confidence is the share of such claims that were
right on the development corpus, and an ambiguous reading is never raised by it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest

from geomap.articles import Article
from geomap.extract import extract_article
from geomap.extract.calibration import Calibration, features, load_calibration

FRI = dt.date(2018, 12, 14)
EVAL = Path(__file__).resolve().parent.parent / "eval"


@pytest.fixture()
def run(gazetteer, profile):
    def _run(text: str, calibrated: bool = True):
        article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
        return extract_article(article, gazetteer, profile=profile, calibrated=calibrated).events

    return _run


def _confidence(events, place_id: str, kind: str) -> float:
    return max(e.confidence for e in events if e.place_id == place_id and e.kind == kind)


def test_the_shipped_model_weighs_only_facts_the_extractor_gives(run, gazetteer):
    model = load_calibration("en")
    assert model is not None and model.weights
    events = run("SDF fighters captured Hajin on Friday.", calibrated=False)
    assert set(model.weights) <= set(features(events, gazetteer)[0])
    assert model.never_raised  # the doubts an ambiguous reading keeps


def test_a_language_without_a_model_keeps_the_rules_scores():
    assert load_calibration("xx") is None


def test_a_fight_in_a_city_or_province_is_less_sure_than_in_a_town(run):
    def fight(place: str, place_id: str) -> float:
        return _confidence(run(f"SDF fighters attacked {place} on Friday."), place_id, "contested")

    town, city = fight("Hajin", "hajin"), fight("Deir ez-Zor", "deir_ez_zor")
    province = fight("Deir ez-Zor province", "deir_ez_zor_province")
    assert town > city > province and province < 0.6


def test_a_fight_the_article_says_again_is_surer(run):
    once = run("SDF fighters attacked Deir ez-Zor on Friday.")
    twice = run(
        "SDF fighters attacked Deir ez-Zor on Friday. "
        "SDF fighters attacked Deir ez-Zor again on Friday."
    )
    assert _confidence(twice, "deir_ez_zor", "contested") > _confidence(
        once, "deir_ez_zor", "contested"
    )


def test_the_rules_sure_readings_keep_their_score_and_the_others_are_calibrated(run):
    def both(text: str, place_id: str, kind: str) -> tuple[float, float]:
        return (
            _confidence(run(text), place_id, kind),
            _confidence(run(text, calibrated=False), place_id, kind),
        )

    calibrated, rules = both("SDF fighters captured Hajin on Friday.", "hajin", "captured")
    assert calibrated == rules >= load_calibration("en").sure  # colours the map
    calibrated, rules = both(
        "SDF fighters attacked Deir ez-Zor on Friday.", "deir_ez_zor", "contested"
    )
    assert calibrated != rules and calibrated < load_calibration("en").sure


@pytest.mark.parametrize(
    "text,place",
    [
        ("After Hajin fell, the jihadists regrouped in Sousa.", "hajin"),  # side assumed
        ("The SDF captured Hajin. ISIS retook Sousa later that month.", "al_susah"),  # vague date
    ],
)
def test_an_ambiguous_reading_is_never_raised(run, text, place):
    kind = "captured"
    calibrated = _confidence(run(text), place, kind)
    assert calibrated <= _confidence(run(text, calibrated=False), place, kind)
    assert calibrated < 0.6


def test_the_confidence_stays_between_its_bounds():
    high = Calibration({"rule_score": 100.0}, 0.0)
    low = Calibration({"rule_score": -100.0}, 0.0)
    assert high.confidence({"rule_score": 0.5}) == 0.95
    assert low.confidence({"rule_score": 0.5}) == 0.1
    capped = Calibration({"rule_score": 100.0}, 0.0, frozenset({"side assumed"}))
    assert capped.confidence({"rule_score": 0.55}, ("side assumed",)) == 0.55
    sure = Calibration({"rule_score": -100.0}, 0.0, sure=0.8)
    assert sure.confidence({"rule_score": 0.85}) == 0.85  # kept
    assert Calibration({"rule_score": 100.0}, 0.0, sure=0.8).confidence({"rule_score": 0.5}) == 0.79


def test_the_fit_recovers_a_known_model_and_ranks_by_it():
    sys.path.insert(0, str(EVAL))
    import calibrate

    rng = np.random.default_rng(7)
    x = rng.normal(size=(4000, 2))
    truth = np.array([2.0, -1.0, 0.5])  # two weights, then the bias
    y = (rng.random(4000) < 1 / (1 + np.exp(-(x @ truth[:2] + truth[2])))).astype(float)
    w = calibrate.fit(x, y)
    assert np.allclose(w, truth, atol=0.2)
    assert calibrate.auc(np.array([0.9, 0.8, 0.2, 0.1]), np.array([1.0, 1.0, 0.0, 0.0])) == 1.0
    assert calibrate.auc(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == 0.5
