import datetime as dt

import pytest

from geomap.records import Event, Exclusivity
from geomap.timeline import build_timeline, merge_events, replay, state_at

D = dt.date


def ev(place, kind, date, controller, article="a.txt", actor=None, precision="day", **kw):
    kw.setdefault("confidence", 0.8)  # above MIN_CONFIDENCE: it colours the map
    return Event(
        date=date,
        date_precision=precision,
        place_id=place,
        place=place,
        kind=kind,
        actor=actor if actor is not None else controller,
        controller=controller,
        article=article,
        evidence=f"{place} {kind} sentence in {article}",
        published=kw.pop("published", "2019-01-01"),
        outlet="O",
        **kw,
    )


def test_same_change_from_several_articles_is_one_event_with_all_sources():
    merged = merge_events(
        [
            ev("hajin", "captured", "2018-12-14", "SDF", "a.txt"),
            ev("hajin", "captured", "2018-12-14", "SDF", "b.txt"),
        ]
    )
    assert len(merged) == 1
    assert merged[0].sources == ["a.txt", "b.txt"]
    assert len(merged[0].claims) == 2
    assert merged[0].confidence > ev("hajin", "captured", "2018-12-14", "SDF").confidence


def test_merged_confidence_counts_each_article_once_at_its_most_confident_report():
    merged = merge_events(
        [
            ev("hajin", "captured", "2018-12-14", "SDF", "a.txt", confidence=0.5),
            ev("hajin", "captured", "2018-12-14", "SDF", "a.txt", confidence=0.8, evidence_start=9),
            ev("hajin", "captured", "2018-12-14", "SDF", "b.txt", confidence=0.5),
        ]
    )
    assert len(merged) == 1 and merged[0].sources == ["a.txt", "b.txt"]
    assert merged[0].confidence == 0.9  # 1 - (1 - 0.8) * (1 - 0.5)
    assert merged[0].evidence_start == 9  # the most confident report is the evidence


def test_a_report_without_controller_joins_the_one_known_controller_of_the_change():
    merged = merge_events(
        [
            ev("hajin", "contested", "2018-12-10", "SDF", "a.txt"),
            ev("hajin", "contested", "2018-12-10", "", "b.txt"),
            ev("sousa", "contested", "2018-12-10", "SDF", "a.txt"),
            ev("sousa", "contested", "2018-12-10", "ISIS", "c.txt"),
            ev("sousa", "contested", "2018-12-10", "", "b.txt"),
        ]
    )
    by_place = {}
    for event in merged:
        by_place.setdefault(event.place_id, []).append((event.controller, event.sources))
    assert by_place["hajin"] == [("SDF", ["a.txt", "b.txt"])]
    # two known controllers: the unknown one cannot be assigned to either
    assert sorted(by_place["sousa"]) == [("", ["b.txt"]), ("ISIS", ["c.txt"]), ("SDF", ["a.txt"])]


def test_event_ids_are_stable(gazetteer):
    first = build_timeline([ev("hajin", "captured", "2018-12-14", "SDF")], gazetteer)
    second = build_timeline([ev("hajin", "captured", "2018-12-14", "SDF")], gazetteer)
    assert first.events[0].event_id == second.events[0].event_id
    assert first.events[0].event_id.startswith("ev-")


def test_conflicting_dates_are_kept_and_flagged(gazetteer):
    timeline = build_timeline(
        [
            ev("al_shaafah", "captured", "2019-01-06", "SDF", "a.txt"),
            ev("al_shaafah", "captured", "2019-01-13", "SDF", "b.txt"),
        ],
        gazetteer,
    )
    a, b = [e for e in timeline.events if not e.inferred]
    assert a.conflicts == [b.event_id] and b.conflicts == [a.event_id]


def test_completed_change_outranks_status_on_the_same_day():
    states = replay(
        [
            ev("hajin", "captured", "2018-12-14", "SDF"),
            ev("hajin", "held", "2018-12-14", "ISIS"),
            ev("hajin", "contested", "2018-12-14", "ISIS", actor="SDF"),
        ]
    )
    assert states[-1].controller == "SDF" and states[-1].status == "held"


def test_state_rules_over_time():
    states = replay(
        [
            ev("hajin", "held", "2018-11-01", "ISIS"),
            ev("hajin", "contested", "2018-12-01", "ISIS", actor="SDF"),
            ev("hajin", "captured", "2018-12-14", "SDF"),
        ]
    )
    assert state_at(states, D(2018, 10, 1)) is None
    assert state_at(states, D(2018, 11, 15)).controller == "ISIS"
    contested = state_at(states, D(2018, 12, 5))
    assert (contested.status, contested.challenger, contested.since) == (
        "contested",
        "SDF",
        D(2018, 11, 1),
    )
    held = state_at(states, D(2019, 1, 1))
    assert (held.controller, held.since) == ("SDF", D(2018, 12, 14))


def test_month_precision_is_approximate():
    states = replay([ev("raqqa", "captured", "2017-10", "SDF", precision="month")])
    assert states[0].day == D(2017, 10, 1) and states[0].approx


def test_exclusivity_infers_what_the_holder_no_longer_holds(gazetteer):
    claim = ev(
        "baghuz_fawqani",
        "besieged",
        "2019-03-12",
        "ISIS",
        actor="SDF",
        exclusive=Exclusivity("ISIS", ("city", "town", "village")),
    )
    timeline = build_timeline(
        [
            ev("al_susah", "held", "2018-12-14", "ISIS"),
            ev("hajin", "captured", "2018-12-14", "SDF"),
            claim,
        ],
        gazetteer,
    )
    inferred = [e for e in timeline.events if e.inferred and e.kind == "withdrew"]
    assert [(e.place_id, e.kind, e.actor, e.controller) for e in inferred] == [
        ("al_susah", "withdrew", "ISIS", "")
    ]
    assert inferred[0].evidence == claim.evidence
    state = timeline.state("al_susah", D(2019, 3, 13))
    assert (state.controller, state.status, state.inferred, state.former) == (
        "",
        "lost",
        True,
        "ISIS",
    )
    assert timeline.state("hajin", D(2019, 3, 13)).controller == "SDF"


def test_curated_rows_win_and_rejections_remove(gazetteer):
    extracted = ev("hajin", "captured", "2018-12-14", "SDF")
    wrong = ev("hajin", "held", "2018-12-14", "ISIS")
    added = ev("al_susah", "captured", "2019-01-20", "SDF", article="curated")
    timeline = build_timeline(
        [extracted, wrong], gazetteer, curated=[added], rejected=[merge_events([wrong])[0].event_id]
    )
    kinds = sorted((e.place_id, e.kind, e.curated) for e in timeline.events if not e.inferred)
    assert kinds == [("al_susah", "captured", True), ("hajin", "captured", False)]


@pytest.mark.parametrize("day,controller", [(D(2018, 12, 13), "ISIS"), (D(2018, 12, 15), "SDF")])
def test_hajin_on_the_five_articles(built, day, controller):
    assert built.extraction.timeline.state("hajin", day).controller == controller


def test_a_capture_says_its_one_opponent_in_the_profile_held_the_place_before(campaign):
    capture = [ev("hajin", "captured", "2018-12-14", "SDF")]
    timeline = build_timeline(capture, campaign.gazetteer, profile=campaign.profile)
    before = timeline.state("hajin", D(2018, 12, 13))
    assert (before.controller, before.inferred) == ("ISIS", True)
    assert timeline.state("hajin", D(2018, 12, 12)) is None  # earlier: no information
    assert timeline.state("hajin", D(2018, 12, 14)).controller == "SDF"


def test_a_capture_by_a_side_with_several_opponents_or_no_profile_infers_no_loser(campaign):
    by_isis = [ev("hajin", "captured", "2018-12-14", "ISIS")]  # it fights three sides
    timeline = build_timeline(by_isis, campaign.gazetteer, profile=campaign.profile)
    assert not any(e.inferred for e in timeline.events)
    by_sdf = [ev("hajin", "captured", "2018-12-14", "SDF")]
    timeline = build_timeline(by_sdf, campaign.gazetteer)  # the generic profile: no sides
    assert not any(e.inferred for e in timeline.events)


def test_an_inferred_row_can_be_rejected(campaign):
    raw = [ev("hajin", "captured", "2018-12-14", "SDF")]
    gazetteer, profile = campaign.gazetteer, campaign.profile
    inferred = next(e for e in build_timeline(raw, gazetteer, profile=profile).events if e.inferred)
    timeline = build_timeline(raw, gazetteer, profile=profile, rejected=[inferred.event_id])
    assert not any(e.inferred for e in timeline.events)
    assert timeline.unmatched_rejections == []


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"curated": True},
        {"date": "2018-12", "date_precision": "month", "event_id": ""},
        {"date": "2018-12-13", "kind": "held", "controller": "ISIS", "inferred": True},
        {"event_id": "", "sources": [], "claims": [], "conflicts": []},
        {"article": "", "sources": [], "claims": [], "event_id": ""},
    ],
)
def test_copy_is_what_dataclasses_replace_makes(changes):
    import dataclasses

    base = ev("hajin", "captured", "2018-12-14", "SDF", published="2018-12-15")
    base.conflicts = ["x"]
    copied, replaced = base.copy(**changes), dataclasses.replace(base, **changes)
    for field in dataclasses.fields(Event):
        assert getattr(copied, field.name) == getattr(replaced, field.name), field.name
    assert copied is not base and base.date == "2018-12-14"


def test_a_claim_below_the_threshold_is_unconfirmed_and_gives_no_state(gazetteer):
    weak = ev("al_susah", "captured", "2019-01-20", "SDF", "b.txt", confidence=0.4)
    strong = ev("hajin", "captured", "2018-12-14", "SDF")
    timeline = build_timeline([weak, strong], gazetteer, min_confidence=0.6)
    assert [e.place_id for e in timeline.unconfirmed] == ["al_susah"]
    assert [e.place_id for e in timeline.events] == ["hajin"]
    assert timeline.state("al_susah", D(2019, 2, 1)) is None
    assert timeline.state("hajin", D(2019, 2, 1)).controller == "SDF"
    assert [e.place_id for e in timeline.all_events] == ["hajin", "al_susah"]
    assert timeline.days == (D(2018, 12, 14), D(2019, 1, 20))  # the slider reaches the claim


def test_the_threshold_is_inclusive_and_zero_draws_every_claim(gazetteer):
    raw = [
        ev("al_susah", "captured", "2019-01-20", "SDF", confidence=0.6),
        ev("hajin", "captured", "2018-12-14", "SDF", confidence=0.1),
    ]
    assert [e.place_id for e in build_timeline(raw, gazetteer).unconfirmed] == ["hajin"]
    assert build_timeline(raw, gazetteer, min_confidence=0).unconfirmed == []


def test_reports_merged_above_the_threshold_count(gazetteer):
    raw = [
        ev("hajin", "captured", "2018-12-14", "SDF", "a.txt", confidence=0.4),
        ev("hajin", "captured", "2018-12-14", "SDF", "b.txt", confidence=0.4),
    ]
    timeline = build_timeline(raw, gazetteer)  # 1 - 0.6 * 0.6 = 0.64
    assert timeline.unconfirmed == [] and timeline.events[0].confidence == 0.64


def test_unconfirmed_claims_infer_nothing_and_flag_no_conflict(campaign):
    weak_capture = ev("hajin", "captured", "2018-12-14", "SDF", confidence=0.3)
    weak_last = ev(
        "baghuz_fawqani",
        "besieged",
        "2019-03-12",
        "ISIS",
        actor="SDF",
        confidence=0.5,
        exclusive=Exclusivity("ISIS", ("city", "town", "village")),
    )
    held = ev("al_shaafah", "held", "2018-12-14", "ISIS")
    capture = ev("al_susah", "captured", "2019-01-06", "SDF", "b.txt")
    weak_date = ev("al_susah", "captured", "2019-01-13", "SDF", "c.txt", confidence=0.2)
    raw = [weak_capture, weak_last, held, capture, weak_date]
    gazetteer, profile = campaign.gazetteer, campaign.profile
    every = build_timeline(raw, gazetteer, profile=profile, min_confidence=0)
    assert {e.place_id for e in every.events if e.inferred} >= {"hajin", "al_shaafah"}
    assert any(e.conflicts for e in every.events)
    timeline = build_timeline(raw, gazetteer, profile=profile)
    inferred = {e.place_id for e in timeline.all_events if e.inferred}
    assert inferred == {"al_susah"}  # only the confirmed capture's loser
    assert all(e.conflicts == [] for e in timeline.all_events)
    assert timeline.state("al_shaafah", D(2019, 3, 13)).controller == "ISIS"
    assert timeline.state("hajin", D(2018, 12, 13)) is None


def test_a_curated_row_always_counts_whatever_its_confidence(gazetteer):
    curated = ev("al_susah", "captured", "2019-01-20", "SDF", article="curated", confidence=0.1)
    timeline = build_timeline([], gazetteer, curated=[curated], min_confidence=0.9)
    assert timeline.unconfirmed == []
    assert timeline.state("al_susah", D(2019, 1, 21)).controller == "SDF"
