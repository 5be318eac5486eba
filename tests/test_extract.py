"""Each extraction rule pinned by a short sentence of its own (not the seed articles')."""

import datetime as dt
import sys
from pathlib import Path

import pytest

from geomap.articles import Article
from geomap.extract import extract_article

FRI = dt.date(2018, 12, 14)
TUE = dt.date(2019, 3, 12)


@pytest.fixture()
def run(gazetteer, profile):
    def _run(text, published=FRI):
        article = Article(name="t.txt", published=published, body=text, outlet="Test")
        return extract_article(article, gazetteer, profile=profile)

    return _run


@pytest.fixture()
def facts(run):
    """(place_id, kind, controller, date) of each non-inferred event."""

    def _facts(text, published=FRI):
        return sorted(
            (e.place_id, e.kind, e.controller, e.date)
            for e in run(text, published).events
            if not e.inferred
        )

    return _facts


# --- place mentions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,place",
    [
        ("SDF fighters captured Hajin on Friday.", "hajin"),
        ("SDF fighters captured Baghouz's last district on Friday.", "baghuz_fawqani"),
        ("SDF fighters captured the village of al-Sha'fah.", "al_shaafah"),
        ("SDF fighters captured the town of Susah.", "al_susah"),
        ("Kurdish-led forces seized al-Bagouz.", "baghuz_fawqani"),
        ("Kurdish-led forces seized Shafa.", "al_shaafah"),
    ],
)
def test_places_found_in_every_spelling(run, text, place):
    mentions = {m.place_id for m in run(text).mentions}
    assert place in mentions


def test_place_beside_its_province_is_a_locator(facts):
    assert facts("SDF fighters captured Hajin, in eastern Deir ez-Zor, on Friday.") == [
        ("hajin", "captured", "SDF", "2018-12-14")
    ]


def test_unknown_place_like_names_are_reported_not_dropped(run):
    result = run("SDF fighters captured the village of Zarqawiyah on Friday.")
    assert [n for n, _ in result.unknown_names] == ["Zarqawiyah"]
    assert run("SDF fighters captured Hajin.").unknown_names == []


# --- event kinds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind,controller",
    [
        ("SDF fighters captured Gharanij on Friday.", "captured", "SDF"),
        ("Gharanij fell to the Syrian Democratic Forces on Friday.", "captured", "SDF"),
        ("Gharanij was retaken by Kurdish-led forces on Friday.", "captured", "SDF"),
        ("US-backed fighters took Gharanij on Friday.", "captured", "SDF"),
        ("The YPG seized Gharanij on Friday.", "captured", "SDF"),
        ("Iraqi forces liberated al-Qaim on Friday.", "captured", "IRAQI_GOV"),
        (
            "The Syrian army drove Islamic State militants from al-Mayadin on Friday.",
            "captured",
            "SYRIAN_GOV",
        ),
        ("Gharanij is still held by ISIS.", "held", "ISIS"),
        ("Daesh still controls Gharanij.", "held", "ISIS"),
        ("Fighting raged inside Gharanij on Friday.", "contested", ""),
        ("The SDF has been laying siege to Gharanij for weeks.", "besieged", "ISIS"),
        ("Hundreds of jihadists surrendered in Gharanij on Friday.", "surrendered", "ISIS"),
    ],
)
def test_event_kinds_and_controllers(facts, text, kind, controller):
    assert facts(text) == [
        (
            "gharanij" if "Gharanij" in text else "al_qaim" if "Qaim" in text else "al_mayadin",
            kind,
            controller,
            "2018-12-14",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The SDF captured a cluster of buildings inside Gharanij on Friday.",
        "Kurdish fighters seized several positions in Gharanij on Friday.",
        "The SDF took the outskirts of Gharanij on Friday.",
        "SDF troops are close to seizing Gharanij.",
        "The SDF launched an attack to capture Gharanij on Friday.",
        "The capture of Gharanij is imminent, commanders say.",
    ],
)
def test_partial_gains_and_near_captures_are_contested(facts, text):
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("gharanij", "contested")]


@pytest.mark.parametrize(
    "text",
    [
        "Gharanij is expected to fall within days.",
        "Commanders predicted Gharanij will fall to the SDF by Sunday.",
        "If Gharanij falls, the jihadists will lose their last bridge.",
        "The total capture of Gharanij would end the campaign.",
        "Gharanij has not yet been captured.",
        "SDF fighters captured Abu Omar al-Iraqi, a commander, on Friday.",
        "Soon we will celebrate the liberation of Gharanij.",
    ],
)
def test_predictions_hypotheticals_negations_and_people_are_not_events(facts, text):
    assert [f for f in facts(text) if f[1] in ("captured", "withdrew")] == []


def test_two_places_in_one_sentence_each_get_their_own_fate(facts):
    text = "The SDF captured Hajin on Friday, while fighting continued in al-Susah."
    assert facts(text) == [
        ("al_susah", "contested", "ISIS", "2018-12-14"),
        ("hajin", "captured", "SDF", "2018-12-14"),
    ]


def test_a_list_of_places_shares_its_verb(facts):
    text = "Villages still held by the extremists include Sousa, Buqaan, Shaafah and Shajla."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [
        ("al_shaafah", "held", "ISIS"),
        ("al_susah", "held", "ISIS"),
        ("buqaan", "held", "ISIS"),
        ("shajla", "held", "ISIS"),
    ]


def test_withdrew_from_and_to(facts):
    assert facts("ISIS fighters withdrew from Gharanij on Friday as the SDF advanced.") == [
        ("gharanij", "withdrew", "SDF", "2018-12-14")
    ]
    assert facts("ISIS fighters withdrew to Gharanij on Friday.") == [
        ("gharanij", "held", "ISIS", "2018-12-14")
    ]


def test_dates_attach_to_their_own_place(facts):
    text = (
        "The SDF defeated ISIS in Raqqa in 2017 and drove it to its last enclave at Baghouz "
        "last year."
    )
    assert facts(text, dt.date(2019, 3, 18)) == [
        ("baghuz_fawqani", "besieged", "ISIS", "2018"),
        ("raqqa", "captured", "SDF", "2017"),
    ]


def test_relative_clause_keeps_its_own_date(facts):
    text = (
        "A reporter in Baghouz saw hundreds surrendering to the SDF, which launched its "
        "final attack to capture Baghouz on Sunday."
    )
    assert facts(text, TUE) == [
        ("baghuz_fawqani", "contested", "ISIS", "2019-03-10"),
        ("baghuz_fawqani", "surrendered", "ISIS", "2019-03-12"),
    ]


def test_undated_sentence_takes_the_publication_day(run):
    event = run("SDF fighters captured Gharanij.").events[0]
    assert (event.date, event.date_precision, event.date_text) == ("2018-12-14", "day", "")


def test_actors_are_normalised(facts):
    for text in [
        "U.S.-backed fighters captured Gharanij.",
        "Kurdish-led forces captured Gharanij.",
        "The People's Protection Units captured Gharanij.",
    ]:
        assert facts(text)[0][2] == "SDF"
    assert facts("Government forces captured al-Mayadin.")[0][2] == "SYRIAN_GOV"


def test_exclusivity_is_recorded(run):
    events = run("Baghouz is the last shred of territory held by the extremists.", TUE).events
    assert any(e.exclusive and e.exclusive.holder == "ISIS" for e in events)
    assert all(e.place_id == "baghuz_fawqani" for e in events)


def test_evidence_holds_the_place_mention_and_offsets(run):
    text = "Intro line.\nSDF fighters captured Hajin on Friday."
    event = run(text).events[0]
    assert text[event.evidence_start : event.evidence_end] == event.evidence
    assert "Hajin" in event.evidence and event.date_text == "on Friday"


# --- mentions and figures -------------------------------------------------------------------


def test_camp_figures_are_picked_out_with_anaphora(run):
    text = (
        "Families were taken to a camp in al-Hol, in northeastern Syria.\n"
        "The camp, designed to accommodate 20,000 people, is now sheltering more than 66,000."
    )
    mentions = [m for m in run(text, TUE).mentions if m.place_id == "al_hol_camp"]
    assert len(mentions) == 2
    figures = {f.label: f.value for f in mentions[1].figures}
    assert figures == {"capacity": 20000, "sheltered": 66000}


@pytest.mark.parametrize(
    "sentence,label,value",
    [
        ("At least 106 people died on the way to al-Hol.", "dead", 106),
        ("Some 5,000 fighters remain in Hajin.", "fighters", 5000),
        ("About 20,000 civilians have been evacuated from Hajin.", "displaced", 20000),
    ],
)
def test_figures(run, sentence, label, value):
    mention = run(sentence).mentions[0]
    assert (mention.figures[0].label, mention.figures[0].value) == (label, value)


@pytest.mark.parametrize(
    "text,published,expected",
    [
        (
            "Abu Kamal was declared free of ISIS by the Syrian army in November 2017.",
            dt.date(2018, 2, 1),
            ("abu_kamal", "captured", "SYRIAN_GOV", "2017-11"),
        ),
        (
            "Hajin has been cleared of the extremists, the SDF said on Friday.",
            FRI,
            ("hajin", "captured", "SDF", "2018-12-14"),
        ),
        (
            "The jihadists were driven out of Gharanij last week.",
            dt.date(2018, 3, 1),
            ("gharanij", "captured", "SDF", "2018-02-19"),
        ),
        (
            "Fighters loyal to Damascus took over al-Mayadin in October.",
            dt.date(2017, 11, 20),
            ("al_mayadin", "captured", "SYRIAN_GOV", "2017-10"),
        ),
        (
            "Iraqi forces retook al-Qaim from Islamic State in November 2017.",
            dt.date(2018, 1, 5),
            ("al_qaim", "captured", "IRAQI_GOV", "2017-11"),
        ),
    ],
)
def test_passive_and_loser_first_phrasings(facts, text, published, expected):
    place, kind, controller, date = expected
    assert facts(text, published) == [(place, kind, controller, date)]


@pytest.mark.parametrize(
    "text",
    [
        "The SDF is expected to capture al-Susah in the coming days.",
        "It was not clear whether ISIS still held al-Bahrah.",
    ],
)
def test_expectations_and_doubts_are_not_captures(facts, text):
    assert [f for f in facts(text, dt.date(2018, 12, 20)) if f[1] == "captured"] == []


def test_one_of_the_last_villages_is_not_an_exclusivity_claim(run):
    text = "The SDF said it had captured Susa, one of the last villages held by ISIS, on Tuesday."
    assert not any(e.exclusive for e in run(text, TUE).events)
    assert any(e.exclusive for e in run("Baghouz is the last village held by ISIS.", TUE).events)


def test_an_actor_after_a_comma_is_not_the_agent_of_fell(run):
    events = run("After Hajin fell, the jihadists regrouped in Sousa.").events
    assert [(e.place_id, e.kind) for e in events] == [("hajin", "captured")]
    assert events[0].confidence < 0.6  # the taker is not named: a guess, not a colour


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Hajin, which the SDF captured last week, remains tense.",
            [("hajin", "captured", "SDF", "2018-12-03")],
        ),
        (
            "Baghouz, which was besieged by the SDF for weeks, is quiet.",
            [("baghuz_fawqani", "besieged", "ISIS", "2018-12-14")],
        ),
        ("The journey to al-Hol, which takes at least six hours, is hard.", []),
    ],
)
def test_a_relative_clause_describes_its_antecedent(facts, text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text,place,holder",
    [
        ("They fled to the Kurdish-held town of Gharanij.", "gharanij", "SDF"),
        ("Shelling hit the government-held city of al-Mayadin.", "al_mayadin", "SYRIAN_GOV"),
        ("The ISIS-held village of Shajla was bombed.", "shajla", "ISIS"),
    ],
)
def test_held_adjective_names_the_holder(facts, text, place, holder):
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [(place, "held", holder)]


# --- which place a trigger governs (sentences written for these tests) ----------------------


def _places(facts, text, kind=None):
    return sorted({(p, k) for p, k, _c, _d in facts(text) if kind is None or k == kind})


def test_a_reference_point_is_not_the_target(facts):
    text = "SDF fighters took Shaafah, 100 kilometres east of Deir ez-Zor."
    assert _places(facts, text) == [("al_shaafah", "captured")]
    assert _places(facts, "SDF fighters captured a village near Hajin.") == []


def test_an_aside_between_subject_and_verb_is_skipped(facts):
    text = "The town of Sousa, in the Hajin area near the border, was taken by the SDF on Friday."
    assert facts(text) == [("al_susah", "captured", "SDF", "2018-12-14")]


def test_a_fronted_locative_sets_the_scene(facts):
    text = "Further north in Shajla, the militants launched a counter-attack against SDF fighters."
    assert _places(facts, text) == [("shajla", "contested")]


def test_a_list_with_descriptors_names_every_place(facts):
    text = "SDF fighters captured Hajin and nearby villages such as Shaafah and Sousa."
    assert _places(facts, text) == [
        ("al_shaafah", "captured"),
        ("al_susah", "captured"),
        ("hajin", "captured"),
    ]


def test_a_city_with_a_compass_word_is_its_province(facts):
    text = "The SDF seized half of the militants' stronghold in eastern Deir ez-Zor."
    assert ("deir_ez_zor", "captured") not in _places(facts, text)
    assert ("deir_ez_zor", "contested") not in _places(facts, text)


def test_the_camp_in_a_village_is_the_camp(facts):
    assert _places(facts, "SDF fighters captured the tent camp in Baghouz on Friday.") == [
        ("baghuz_camp", "captured")
    ]


def test_a_colon_list_after_a_count_names_the_places(facts):
    text = "The SDF confirmed the capture of three villages near Hajin: Sousa, Shaafah and Buqaan."
    assert _places(facts, text) == [
        ("al_shaafah", "captured"),
        ("al_susah", "captured"),
        ("buqaan", "captured"),
    ]


def test_towns_in_a_region_are_not_the_region(facts):
    text = "ISIS militants resisted SDF attempts to capture towns in Deir ez-Zor province."
    assert _places(facts, text) == []


# --- ordinary wording -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Baghouz has been fully liberated by the SDF.", ("baghuz_fawqani", "captured", "SDF")),
        ('The SDF established "full control" over Baghouz.', ("baghuz_fawqani", "captured", "SDF")),
        ("On Friday the SDF controlled the entire town of Hajin.", ("hajin", "held", "SDF")),
        ("Sousa remains under ISIS control.", ("al_susah", "held", "ISIS")),
        ("SDF fighters raised their flag over Hajin.", ("hajin", "captured", "SDF")),
        ("SDF fighters stormed Baghouz.", ("baghuz_fawqani", "contested", "ISIS")),
        ("SDF fighters pushed deeper into Shaafah.", ("al_shaafah", "contested", "ISIS")),
        ("The SDF made inroads into Sousa.", ("al_susah", "contested", "ISIS")),
        ("The fighting in Baghouz continues, the SDF said.", ("baghuz_fawqani", "contested", "")),
        ("ISIS was defeated in Hajin by the SDF.", ("hajin", "captured", "SDF")),
        ("The SDF is now in control of Hajin.", ("hajin", "held", "SDF")),
        ("The SDF announced the liberation of Hajin.", ("hajin", "captured", "SDF")),
        ("Clashes between the SDF and ISIS raged on Friday in Hajin.", ("hajin", "contested", "")),
        (
            "ISIS fighters are besieged in Baghouz by the SDF.",
            ("baghuz_fawqani", "besieged", "ISIS"),
        ),
        ("The allied troops were withdrawn from Hajin, the SDF said.", None),
    ],
)
def test_ordinary_wording(facts, text, expected):
    found = [(p, k, c) for p, k, c, _d in facts(text)]
    if expected is None:
        assert [f for f in found if f[1] == "captured"] == []
    else:
        assert expected in found


@pytest.mark.parametrize(
    "text",
    [
        "The SDF still have a lot of fighting to do to capture the remaining villages near Hajin.",
        "Retaking Baghouz would mark a milestone for the SDF.",
        "Reports that the SDF took Hajin are false.",
        "'Hajin is just another step towards Baghouz,' the SDF commander said.",
        "Its defeat in Baghouz would end the caliphate, ISIS supporters fear.",
        "SDF commanders said the militants had decided to remain in Hajin.",
    ],
)
def test_hopes_denials_quotes_and_plans_are_not_changes(facts, text):
    assert [f for f in facts(text) if f[1] in ("captured", "withdrew", "held")] == []


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters captured most of Hajin on Friday.",
        "The SDF took half of Hajin on Friday.",
        "Thirty-five percent of Hajin is liberated, the SDF said.",
        "SDF fighters seized the northern part of Hajin.",
        "SDF fighters captured three buildings in Hajin.",
        "SDF fighters captured the Hajin hospital.",
    ],
)
def test_partial_control_is_contested_never_held(facts, text):
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_the_town_refers_back_to_the_last_town(facts):
    text = "SDF fighters surrounded Hajin on Monday. The town fell to the SDF on Friday."
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)


def test_a_camp_is_not_a_town(facts):
    text = "Families fled to the al-Hol camp. The town was captured by the SDF."
    assert facts(text) == []


def test_a_new_subject_after_and_opens_a_clause(facts):
    text = "ISIS took Raqqa in 2014, and the SDF has recaptured Hajin."
    assert ("hajin", "captured", "SDF") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_a_reported_clause_has_its_own_subject(facts):
    text = "ISIS propagandists claimed that the SDF has surrounded Baghouz."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("baghuz_fawqani", "besieged", "ISIS")]


def test_a_siege_takes_the_holder_its_sentence_states(facts):
    text = "The besieged town of Hajin is held by ISIS."
    assert ("hajin", "besieged", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_sides_come_from_the_campaign_profile(gazetteer):
    from geomap.campaign import parse_profile

    profile = parse_profile(
        '[[side]]\nid = "NORTH"\naliases = ["Northern Army", "northern {troop,fighter}"]\n'
        'opponents = ["SOUTH"]\n'
        '[[side]]\nid = "SOUTH"\naliases = ["Southern League"]\nopponents = ["NORTH"]\n'
    )
    body = "Northern Army troops captured Hajin on Friday. The Southern League withdrew from Sousa."
    article = Article(name="t.txt", published=FRI, body=body, outlet="Test")
    events = extract_article(article, gazetteer, profile=profile).events
    assert sorted((e.place_id, e.kind, e.controller) for e in events if not e.inferred) == [
        ("al_susah", "withdrew", "NORTH"),
        ("hajin", "captured", "NORTH"),
    ]
    generic = extract_article(article, gazetteer).events  # no profile: no side is guessed
    assert [e for e in generic if e.kind == "captured"] == []


@pytest.mark.parametrize(
    "text,place",
    [
        ("The SDF captured the village of Shajilah on Friday.", "shajla"),
        ("SDF fighters entered Hajin, Al Murashidah and Buqaan.", "al_marashidah"),
    ],
)
def test_a_near_spelling_is_read_as_its_place_and_listed(run, text, place):
    result = run(text)
    assert place in {e.place_id for e in result.events}
    assert all(e.confidence < 0.9 for e in result.events if e.place_id == place)
    assert [n for n, _ in result.unknown_names if n.lower().startswith(("shaj", "al mur"))]


def test_only_the_near_spelling_of_a_list_carries_the_doubt(run):
    events = run("SDF fighters took Shajilah and Sousa on Monday.").events
    assert {e.place_id: "near spelling" in e.doubts for e in events} == {
        "shajla": True,
        "al_susah": False,
    }


@pytest.mark.parametrize(
    "known,other",
    [("shajla", "shajilah"), ("marashida", "marshada"), ("puthukkudiyiruppu", "puthukuduyiruppu")],
)
def test_spellings_that_differ_in_vowels_h_or_doubling_are_one_name(known, other):
    from geomap.extract.mentions import _same_spelling

    assert _same_spelling(other, known)


def test_names_that_differ_in_consonants_are_two_places():
    from geomap.extract.mentions import _same_spelling

    assert not _same_spelling("bilohirka", "bilozerka")  # two villages 60 km apart
    assert not _same_spelling("bursa", "bursaya")  # a city, and a mountain with more letters


def test_a_far_spelling_is_not_read_as_a_place(run):
    result = run("The SDF captured the village of Zarqawiyah on Friday.")
    assert result.events == [] and [n for n, _ in result.unknown_names] == ["Zarqawiyah"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ISIS retook Hajin from the SDF on Friday.", ("hajin", "captured", "ISIS")),
        (
            "Sousa and its surroundings have been freed from ISIS, the SDF said.",
            ("al_susah", "captured", "SDF"),
        ),
        (
            "The SDF recaptured a string of villages, Sousa, Shaafah and Buqaan.",
            ("buqaan", "captured", "SDF"),
        ),
        (
            "A spokesman for the SDF told AFP they had seized Hajin on Friday.",
            ("hajin", "captured", "SDF"),
        ),
        ("ISIS militants were entirely dislodged from Hajin.", ("hajin", "captured", "SDF")),
    ],
)
def test_more_ordinary_wording(facts, text, expected):
    assert expected in [(p, k, c) for p, k, c, _d in facts(text)]


def test_fighters_from_a_place_are_not_that_place_s_side(facts):
    text = "Fighters from the SDF's Hajin units have taken control of the town of Sousa."
    assert ("al_susah", "captured", "SDF") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_a_date_the_sentence_does_not_name_lowers_the_confidence(run):
    events = run("The SDF captured Hajin. ISIS retook Sousa later that month.").events
    sousa = [e for e in events if e.place_id == "al_susah"]
    assert sousa and all(e.confidence < 0.6 for e in sousa)


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Sousa is in one of the last pockets of territory held by ISIS.",
            ("al_susah", "held", "ISIS"),
        ),
        ("SDF fighters were forced to withdraw from Sousa.", ("al_susah", "withdrew", "ISIS")),
        (
            "Weapons were left by the SDF when they withdrew from Sousa.",
            ("al_susah", "withdrew", "ISIS"),
        ),
        (
            "The militants are besieged in a tiny enclave in Baghouz.",
            ("baghuz_fawqani", "besieged", "ISIS"),
        ),
    ],
)
def test_pronouns_pockets_and_forced_withdrawals(facts, text, expected):
    assert expected in [(p, k, c) for p, k, c, _d in facts(text)]


def test_taking_advantage_is_not_taking_a_place(facts):
    text = "The SDF fought to retake Sousa, where the militants took advantage of the fog."
    assert [f for f in facts(text) if f[1] == "captured"] == []


def test_a_date_that_is_a_name_is_not_a_date(facts):
    assert facts("SDF fighters captured Hajin near the 17 July bridge.") == [
        ("hajin", "captured", "SDF", "2018-12-14")
    ]


def test_background_without_its_own_date_is_not_sure(run):
    events = run("The SDF, which took Hajin, is now attacking Sousa on Friday.").events
    hajin = [e for e in events if e.place_id == "hajin"]
    assert hajin and all(e.confidence < 0.6 for e in hajin)
    dated = run("The SDF, which took Hajin last week, is now attacking Sousa.").events
    assert any(e.place_id == "hajin" and e.confidence >= 0.6 for e in dated)


def test_a_run_on_sentence_costs_in_proportion_to_its_length(gazetteer, profile):
    """A page with no full stop naming places over and over: four times the text takes about
    four times the work (compared in one run, so the machine's speed does not matter)."""
    import time

    clause = "SDF fighters captured Hajin and ISIS held Sousa near Baghouz, "

    def seconds(repeats: int) -> float:
        body = clause * repeats + "the end."
        article = Article(name="t.txt", published=FRI, body=body, outlet="Test")
        started = time.perf_counter()
        extract_article(article, gazetteer, profile=profile)
        return time.perf_counter() - started

    seconds(50)  # warm the caches
    small, large = min(seconds(200) for _ in range(2)), min(seconds(800) for _ in range(2))
    assert large < 8 * small, (small, large)


def test_a_run_on_sentence_is_read_in_bounded_pieces():
    from geomap.extract.text import MAX_SENTENCE_CHARS, Span, split_sentences

    body = "Fighting raged in Hajin, " * 2000
    spans = split_sentences(body)
    assert len(spans) > 1 and all(len(s.text) <= MAX_SENTENCE_CHARS for s in spans)
    assert all(body[s.start : s.end] == s.text for s in spans)
    assert isinstance(spans[0], Span)


def test_a_region_before_town_is_where_the_town_is(facts):
    assert _places(facts, "Kurdish-led forces seized a Deir ez-Zor province town on Friday.") == []


def test_days_back_is_a_date(facts):
    assert facts("Hajin fell to the SDF three days back.") == [
        ("hajin", "captured", "SDF", "2018-12-11")
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "The SDF seized the Deir ez-Zor province capital Deir ez-Zor on Friday.",
            ("deir_ez_zor", "captured", "SDF"),
        ),
        ("The SDF is firmly in control of Hajin.", ("hajin", "held", "SDF")),
        (
            "ISIS fighters are making their last stand in Baghouz.",
            ("baghuz_fawqani", "contested", "ISIS"),
        ),
        ("The SDF recaptured the regional capital Hajin from ISIS.", ("hajin", "captured", "SDF")),
    ],
)
def test_capitals_full_control_and_last_stands(facts, text, expected):
    found = [(p, k, c) for p, k, c, _d in facts(text)]
    assert expected in found
    assert not [f for f in found if f[0] == "deir_ez_zor_province" and f[1] == "captured"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Heavy fighting continues in the vicinity of Hajin.", ("hajin", "contested")),
        ("Hajin is completely out of ISIS control, the SDF said.", ("hajin", "captured")),
        (
            "The liberated villages are Sousa, Shaafah and Buqaan, the SDF said.",
            ("buqaan", "captured"),
        ),
        ("Hajin was ceded to the SDF on Friday.", ("hajin", "captured")),
    ],
)
def test_vicinities_lost_control_lists_and_cessions(facts, text, expected):
    assert expected in [(p, k) for p, k, _c, _d in facts(text)]


def test_a_denied_loss_is_no_change(facts):
    text = "ISIS denied its fighters had lost control of Hajin."
    assert [f for f in facts(text) if f[1] == "captured"] == []


def test_attempts_by_a_side_name_the_attacker(facts):
    text = "ISIS holds Hajin despite several attempts by the SDF to capture the town."
    assert ("hajin", "contested", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The SDF and ISIS have battled for control of Hajin for weeks.", ("hajin", "contested")),
        ("The SDF has gained authority over Hajin.", ("hajin", "captured")),
        ("The SDF expands further into Hajin.", ("hajin", "contested")),
        ("SDF fighters seize Deir ez-Zor province's Hajin.", ("hajin", "captured")),
    ],
)
def test_nouns_authority_expansion_and_possessive_regions(facts, text, expected):
    found = [(p, k) for p, k, _c, _d in facts(text)]
    assert expected in found
    assert not [f for f in found if f[0] == "deir_ez_zor_province" or f[1] == "held"]


def test_days_later_is_not_the_publication_day(run):
    events = run("The SDF surrounded Hajin. Five days later, Hajin was taken by the SDF.").events
    assert all(e.confidence < 0.6 for e in events if e.kind == "captured")


def test_an_occupied_city_names_no_holder(facts):
    text = "Ukrainian-backed SDF troops advanced north of the occupied city of Hajin."
    assert [f for f in facts(text) if f[1] == "held"] == []


def test_the_city_with_a_determiner_is_its_province(facts):
    text = "Thousands have left the last ISIS pocket in the Deir ez-Zor, the SDF said."
    assert ("deir_ez_zor", "held") not in [(p, k) for p, k, _c, _d in facts(text)]


def test_a_stronghold_phrase_yields_to_what_else_the_sentence_says(facts):
    text = "SDF fighters raised their flag atop a building in the ISIS bastion of Baghouz."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("baghuz_fawqani", "contested")]


def test_a_capture_qualified_in_its_sentence_is_a_fight(facts):
    text = "The SDF captured Hajin on Friday, but militants still held out late on Friday."
    assert facts(text) == [("hajin", "contested", "ISIS", "2018-12-14")]


def test_moving_towards_a_place_is_no_holding_and_a_capital_of_is_another_town(facts):
    assert facts("SDF units moved towards Hajin on Friday.") == []
    text = "The SDF says it captured the Deir ez-Zor capital on Friday."
    assert [f for f in facts(text) if f[0] == "deir_ez_zor"] == []


def test_people_surrendering_far_from_a_side_are_not_its_surrender(facts):
    text = (
        "The fall of the last ISIS stronghold in Baghouz ended a battle that saw thousands "
        "of civilians flee the village and surrender."
    )
    assert [f for f in facts(text) if f[1] == "surrendered"] == []


@pytest.mark.parametrize(
    "text,place",
    [
        ("Northern Army troops captured the Old Quay neighbourhood on Friday.", "old_quay"),
        ("Northern Army troops took the neighbourhood of Old Quay on Friday.", "old_quay"),
        ("Northern Army troops seized the Estmoor district on Friday.", "estmoor"),
    ],
)
def test_a_neighbourhood_named_with_its_kind_is_taken_whole(text, place):
    """'the X neighbourhood' is X when X is a neighbourhood: not a part of X (contested)."""
    from geomap.campaign import load_profile
    from geomap.gazetteer import load_gazetteer

    folder = Path(__file__).parent / "data" / "second_campaign"
    gazetteer, profile = load_gazetteer(folder / "gazetteer.csv"), load_profile(folder)
    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, gazetteer, profile=profile).events
    assert [(e.place_id, e.kind, e.controller) for e in events if not e.inferred] == [
        (place, "captured", "NORTH")
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Old Quay was retaken from Southern League fighters.", ("old_quay", "captured", "NORTH")),
        (
            "Southern League fighters still hold parts of Estmoor.",
            ("estmoor", "contested", "SOUTH"),
        ),
        (
            "Estmoor was declared fully liberated by the Northern Army.",
            ("estmoor", "captured", "NORTH"),
        ),
        ("Northern Army troops were clearing Brennick.", ("brennick", "contested", "SOUTH")),
        # the profile's 'the militia' also reads a sentence's first word without 'the'
        ("Militia fighters recaptured Karsk on Friday.", ("karsk", "captured", "SOUTH")),
        (  # past a dateline too
            "VELMORA, May 7 (Reuters) - Militia fighters recaptured Karsk on Friday.",
            ("karsk", "captured", "SOUTH"),
        ),
    ],
)
def test_a_second_campaign_s_sides_and_kinds(text, expected):
    from geomap.campaign import load_profile
    from geomap.gazetteer import load_gazetteer

    folder = Path(__file__).parent / "data" / "second_campaign"
    gazetteer, profile = load_gazetteer(folder / "gazetteer.csv"), load_profile(folder)
    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, gazetteer, profile=profile).events
    assert expected in [(e.place_id, e.kind, e.controller) for e in events if not e.inferred]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The SDF didn’t capture Hajin completely.", None),
        (
            "The SDF pushed into the town, seizing control of the al-Bahrah and Sousa villages.",
            ("al_susah", "captured", "SDF"),
        ),
        (
            "ISIS still controls several villages near the river like Sousa, Buqaan and Shajla.",
            ("buqaan", "held", "ISIS"),
        ),
        ("The SDF entered three Hajin districts, the monitor said.", None),
    ],
)
def test_urban_battle_wording(facts, text, expected):
    found = [(p, k, c) for p, k, c, _d in facts(text)]
    if expected is None:
        assert [f for f in found if f[1] in ("captured", "held") or f[0] == "hajin"] == []
    else:
        assert expected in found


def test_a_thing_abandoned_at_a_place_is_no_withdrawal(facts):
    assert facts("Soldiers found a bomb the militants had abandoned at Hajin.") == []
    assert ("hajin", "withdrew") in [(p, k) for p, k, _c, _d in facts("ISIS abandoned Hajin.")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ISIS militants have occupied several areas in Hajin.", ("hajin", "contested")),
        ("ISIS fighters are holding portions of Hajin and Sousa.", ("al_susah", "contested")),
        ("The SDF commander declared Hajin liberated on Friday.", ("hajin", "captured")),
    ],
)
def test_areas_portions_and_declarations(facts, text, expected):
    assert expected in [(p, k) for p, k, _c, _d in facts(text)]


def test_a_modal_of_the_reporting_frame_is_not_the_claim_s(facts):
    text = (
        "Monitors would like to remind readers that ISIS still controls several villages "
        "near the river like Sousa and Buqaan."
    )
    assert ("al_susah", "held", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]
    assert facts("The SDF hopes that it will capture Sousa.") == []


def test_a_withdrawal_from_a_list_leaves_every_place(facts):
    for text in (
        "ISIS fighters withdrew from Sousa and Shaafah on Friday.",
        "ISIS fighters pulled out of the Sousa and Shaafah villages on Friday.",
    ):
        assert [(p, k) for p, k, _c, _d in facts(text)] == [
            ("al_shaafah", "withdrew"),
            ("al_susah", "withdrew"),
        ]


def test_fighting_that_spreads_to_a_place_contests_it(facts):
    assert [(p, k) for p, k, _c, _d in facts("Heavy fighting spread to Shajla.")] == [
        ("shajla", "contested")
    ]


def test_a_place_in_the_possessive_locates_the_next_one(facts):
    found = [(p, k) for p, k, _c, _d in facts("Clashes persist in Deir ez-Zor's Hajin.")]
    assert found == [("hajin", "contested")]


def test_an_unnamed_subject_is_not_the_side_of_another_clause(run):
    text = "ISIS fighters resisted fiercely before troops regained control of Sousa."
    (event,) = [e for e in run(text).events if e.place_id == "al_susah"]
    assert event.confidence < 0.6  # the taker is only a guess: an unconfirmed claim
    named = "ISIS fighters said troops regained control of Sousa."
    (event,) = [e for e in run(named).events if e.place_id == "al_susah"]
    assert event.confidence < 0.6  # the speaker is not the subject either


def test_in_their_hands_refers_back_to_the_side_named_before(facts):
    text = "An ISIS commander in Iraq's west said Sousa remained in their hands."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("al_susah", "held", "ISIS")]


def test_days_later_counts_from_the_article_s_last_day(facts):
    text = "On December 2, SDF fighters stormed Hajin. Five days later, they took Hajin."
    assert ("hajin", "captured", "SDF", "2018-12-07") in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "There is a suspicion that ISIS leaders have already evacuated from Hajin.",
        "There are fears that the SDF will lose Hajin.",
        "Officials voiced concerns that ISIS had retaken Sousa.",
    ],
)
def test_a_suspicion_or_a_fear_is_no_claim(facts, text):
    assert facts(text) == []


def test_holding_out_is_a_fight_not_a_holding(facts):
    text = "The SDF has taken back most of Hajin, where ISIS is holding out with snipers."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Combat operations in Hajin are finally over, the SDF announced.", []),
        ("The fighting in Hajin has ended.", []),
        ("The fight in Hajin is expected to be over soon.", [("hajin", "contested")]),
    ],
)
def test_a_fight_that_is_over_no_longer_contests_the_place(facts, text, expected):
    assert [(p, k) for p, k, _c, _d in facts(text)] == expected


def test_working_to_encircle_is_no_siege(facts):
    assert facts("The SDF has been working to encircle Hajin since November.") == []


def test_a_list_of_places_each_with_its_own_date(facts):
    text = (
        "The SDF said it seized Hajin on December 3; Sousa on December 9; "
        "and Shaafah on December 11."
    )
    assert facts(text) == [
        ("al_shaafah", "captured", "SDF", "2018-12-11"),
        ("al_susah", "captured", "SDF", "2018-12-09"),
        ("hajin", "captured", "SDF", "2018-12-03"),
    ]


def test_a_list_item_with_a_verb_of_its_own_keeps_it(facts):
    found = facts("The SDF captured Hajin on Friday; Sousa remains under ISIS control.")
    assert [(p, k, c) for p, k, c, _d in found] == [
        ("al_susah", "held", "ISIS"),
        ("hajin", "captured", "SDF"),
    ]
    found = facts("The SDF captured Hajin near the river and attacked Sousa.")
    assert ("al_susah", "captured") not in [(p, k) for p, k, _c, _d in found]


def test_a_place_phrase_inside_a_list_does_not_break_it(facts):
    text = "The SDF seized Hajin on the river bank and Sousa and Shaafah villages on Friday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [
        ("al_shaafah", "captured"),
        ("al_susah", "captured"),
        ("hajin", "captured"),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The SDF now had complete control of Hajin.", ("hajin", "captured", "SDF")),
        ("The SDF is now fully in control of Hajin.", ("hajin", "captured", "SDF")),
        ("ISIS says the town of Hajin is under its full control.", ("hajin", "captured", "ISIS")),
        ("Hajin remains under the full control of ISIS.", ("hajin", "held", "ISIS")),
        ("The SDF is in control of Hajin.", ("hajin", "held", "SDF")),
    ],
)
def test_full_control_is_news_of_a_change_plain_control_a_holding(facts, text, expected):
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [expected]


def test_half_of_the_town_is_a_part_of_it(facts):
    found = facts("Around half of the Hajin town is now controlled by the SDF.")
    assert [(p, k) for p, k, _c, _d in found] == [("hajin", "contested")]


def test_the_first_town_seized_by_a_side(facts):
    text = "Sousa in Deir ez-Zor province is the first town seized by the SDF this month."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("al_susah", "captured", "SDF")]


@pytest.mark.parametrize(
    "text",
    [
        "All that is left for the SDF to take in Hajin are a few outposts.",
        "Hajin remains to be captured by the SDF.",
    ],
)
def test_what_is_left_to_take_is_not_taken(facts, text):
    assert facts(text) == []


def test_a_since_clause_does_not_date_the_event(facts):
    text = "Sousa is the first town seized by the SDF since the army seized power in February 2014."
    assert facts(text) == [("al_susah", "captured", "SDF", "2018-12-14")]
    text = "Ever since the war began, the SDF and ISIS have battled for control of Hajin."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_an_undated_sentence_goes_on_with_the_day_just_named(run):
    text = (
        "SDF fighters stormed Hajin on Wednesday. ISIS withdrew from Sousa. "
        "Aid groups reached the camp. The SDF captured Shaafah."
    )
    dated = {e.place_id: (e.date, e.confidence) for e in run(text).events if not e.inferred}
    assert dated["al_susah"][0] == "2018-12-12"  # the sentence right after Wednesday's
    assert dated["al_shaafah"][0] == "2018-12-14"  # too far: the day of publication


def test_a_later_report_dates_an_undated_event(facts):
    text = '"Hajin has fallen; the SDF holds the town," a commander said on Wednesday.'
    assert ("hajin", "captured", "SDF", "2018-12-12") in facts(text)


def test_a_day_later_counts_from_the_day_named_before_in_the_sentence(facts):
    text = "The SDF seized Sousa on Monday and took Shaafah a day later."
    assert facts(text) == [
        ("al_shaafah", "captured", "SDF", "2018-12-11"),
        ("al_susah", "captured", "SDF", "2018-12-10"),
    ]


def test_a_list_of_places_each_of_its_province(facts):
    text = (
        "Two places, Hajin of Deir ez-Zor province and al-Hol of Hasakah province, fell to the SDF."
    )
    assert [(p, k) for p, k, _c, _d in facts(text)] == [
        ("al_hol_camp", "captured"),
        ("hajin", "captured"),
    ]


def test_the_district_of_a_district_names_it(gazetteer, profile):
    from geomap.gazetteer import parse_gazetteer

    rows = (
        "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
        "hajin,Hajin,,34.68944,40.83083,town,Deir ez-Zor,SY,test\n"
        "baqqara,Baqqara,,34.69,40.84,neighbourhood,Deir ez-Zor,SY,test\n"
    )
    places = parse_gazetteer(rows, "g.csv")
    for text, expected in (
        ("The SDF wrested control of the key district of Baqqara.", ("baqqara", "captured")),
        ("The SDF seized the district of Hajin.", None),  # a town's district: a part of it
    ):
        article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
        found = [
            (e.place_id, e.kind) for e in extract_article(article, places, profile=profile).events
        ]
        assert (expected in found) if expected else ("hajin", "captured") not in found


def test_the_last_parts_of_a_place_are_all_of_it(facts):
    text = "ISIS retreated overnight from the last parts of Hajin."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "withdrew")]


def test_a_sentence_opening_with_but_qualifies_nothing_in_it(facts):
    text = "But ISIS retreated from the parts of Sousa it held, after the SDF seized Hajin."
    assert ("hajin", "captured") in [(p, k) for p, k, _c, _d in facts(text)]


def test_there_were_no_clashes_is_no_fight(facts):
    assert facts("There were no clashes in Hajin on Friday.") == []


def test_closer_than_ever_to_a_capture_is_no_capture(facts):
    text = "The SDF appeared closer than ever to retaking all of Hajin."
    assert ("hajin", "captured") not in [(p, k) for p, k, _c, _d in facts(text)]


def test_a_name_before_a_kind_of_place_stays_in_the_noun_phrase(facts):
    text = "Clashes intensified in the neighbouring Khabur township of Hajin on Tuesday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_an_article_that_names_no_place_is_skipped_whole(gazetteer, profile, monkeypatch):
    """Off-topic prose costs a scan of its words, not a reading of every sentence."""
    extract = sys.modules["geomap.extract"]  # the package (geomap.extract is also a function)

    def no_tokens(*_args, **_kwargs):
        raise AssertionError("an article naming no place was read sentence by sentence")

    monkeypatch.setattr(extract, "tokens_of", no_tokens)
    body = "Markets reopened on Friday. " * 50 + "The harvest was good this year."
    article = Article(name="t.txt", published=FRI, body=body, outlet="Test")
    found = extract_article(article, gazetteer, profile=profile, unknown_names=False)
    assert found.events == [] and found.mentions == []


@pytest.mark.parametrize(
    "text,captured",
    [
        ("Officials say Hajin is secure and the SDF is in control.", False),
        ("It is clear that Hajin will be the SDF's next target.", False),
        ("Hajin was secured by the SDF on Friday.", True),
        ("Hajin has been fully cleared by the SDF.", True),
    ],
)
def test_secure_and_clear_as_adjectives_are_no_capture(facts, text, captured):
    """'is secure' (safe) and 'is clear' are adjectives; 'was secured', 'was cleared' are
    captures."""
    assert (("hajin", "captured") in [(p, k) for p, k, _c, _d in facts(text)]) is captured


def test_the_nearby_place_is_the_place_itself_nearby_a_place_is_a_reference(facts):
    """'the nearby X' describes X (the target); 'villages nearby X' only locates them."""
    found = [(p, k) for p, k, _c, _d in facts("SDF fighters captured the nearby Shaafah.")]
    assert found == [("al_shaafah", "captured")]
    assert facts("SDF fighters attacked villages nearby Hajin on Friday.") == []


def test_an_appositive_list_after_a_plural_head_is_the_subject(facts):
    text = "Two important centres, Hajin and Sousa, fell to the SDF on Friday."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [
        ("al_susah", "captured", "SDF"),
        ("hajin", "captured", "SDF"),
    ]


def test_planting_a_flag_is_a_capture_and_the_desert_town_is_no_flight(facts):
    found = [(p, k, c) for p, k, c, _d in facts("SDF fighters planted their flag in Hajin.")]
    assert found == [("hajin", "captured", "SDF")]
    assert facts("ISIS fighters drove through the desert town of Hajin on Friday.") == []


def test_a_state_held_since_a_date_is_said_of_the_report_s_day(facts):
    found = facts("Hajin has been held by ISIS since 2014, when it swept across the region.")
    assert ("hajin", "held", "ISIS", "2018-12-14") in found
    assert facts("ISIS captured Hajin in 2014.") == [("hajin", "captured", "ISIS", "2014")]


@pytest.mark.parametrize(
    "text",
    [
        "Thousands of residents fled Hajin on Friday.",
        "Refugees fleeing Hajin reached the camp on Friday.",
        "Civilians have been evacuated from Hajin.",
    ],
)
def test_people_fleeing_a_place_is_no_withdrawal(facts, text):
    assert [f for f in facts(text) if f[1] == "withdrew"] == []


def test_fighters_fleeing_a_place_is_a_withdrawal_and_gearing_up_is_no_capture(facts):
    assert [(p, k) for p, k, _c, _d in facts("ISIS fighters fled Hajin on Friday.")] == [
        ("hajin", "withdrew")
    ]
    assert facts("The SDF is gearing up to retake Hajin.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Retaking Hajin would mark a milestone for the SDF.",
        "Recapturing Sousa, which ISIS seized in May, would be a victory for the SDF.",
        "Capturing Shaafah could take weeks.",
    ],
)
def test_a_gerund_subject_of_a_modal_is_no_capture(facts, text):
    assert [f for f in facts(text) if f[1] == "captured" and f[2] == "SDF"] == []


def test_falling_into_the_hands_of_a_side_is_its_capture_and_fully_besieged_is_a_siege(facts):
    text = "Hajin has fallen completely into the hands of ISIS fighters."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("hajin", "captured", "ISIS")]
    found = [(p, k) for p, k, _c, _d in facts("Hajin is now fully besieged by the SDF.")]
    assert ("hajin", "besieged") in found


def test_withdrew_from_the_town_refers_back_the_preposition_is_the_trigger_s_own(facts):
    text = "SDF fighters entered Hajin on Friday after ISIS fighters withdrew from the town."
    found = [(p, k, c) for p, k, c, _d in facts(text)]
    assert ("hajin", "withdrew", "SDF") in found
    assert facts("Fighting raged south of the town.") == []


def _read_with(rows, profile, text):
    """(place, kind, holder) of the non-inferred events of ``text`` read with the gazetteer
    ``rows`` (a CSV text)."""
    from geomap.gazetteer import parse_gazetteer

    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, parse_gazetteer(rows, "g.csv"), profile=profile).events
    return sorted((e.place_id, e.kind, e.controller) for e in events if not e.inferred)


def _with_districts(profile, text):
    """Events of ``text`` read with a gazetteer in which Hajin has two districts."""
    rows = (
        "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
        "hajin,Hajin,,34.68944,40.83083,town,Deir ez-Zor,SY,test\n"
        "baqqara,Baqqara,,34.69,40.84,neighbourhood,Deir ez-Zor,SY,test\n"
        "jazra,Jazra,,34.68,40.82,neighbourhood,Deir ez-Zor,SY,test\n"
        "sousa,Sousa,,34.47,40.89,town,Deir ez-Zor,SY,test\n"
    )
    return _read_with(rows, profile, text)


def test_districts_included_in_a_town_s_parts_are_taken_the_town_is_not(profile):
    text = (
        "SDF fighters captured areas of northern and western Hajin on Monday, including the"
        " Baqqara and Jazra districts, as well as Sousa."
    )
    found = _with_districts(profile, text)
    assert ("baqqara", "captured", "SDF") in found
    assert ("jazra", "captured", "SDF") in found  # 'the A and B districts': B is one too
    assert ("sousa", "captured", "SDF") in found
    assert [f for f in found if f[0] == "hajin" and f[1] == "captured"] == []


def test_areas_of_two_compass_parts_of_a_town_are_a_part_of_it(facts):
    text = "The SDF seized areas of southern and eastern Hajin."
    found = [(p, k) for p, k, _c, _d in facts(text)]
    assert found == [("hajin", "contested")]


def test_a_side_after_an_affiliation_or_its_members_is_named_not_assumed(run):
    for text in (
        "Hajin was captured on Monday by the Pentagon-backed SDF.",
        "Hajin has fallen into the hands of fighters from the Washington-backed SDF.",
        "Hajin has fallen into the hands of fighters from the SDF.",
    ):
        found = [(e.place_id, e.kind, e.controller, e.doubts) for e in run(text).events]
        assert found == [("hajin", "captured", "SDF", ())], text


def test_a_capital_named_after_a_distance_is_a_reference_point_not_the_town(facts):
    text = (
        "SDF fighters took Sousa, 40 kilometres (25 miles) from the provincial capital"
        " Deir ez-Zor, after ISIS had claimed control of the town in May."
    )
    found = [(p, k, c) for p, k, c, _d in facts(text)]
    assert [f for f in found if f[0] == "deir_ez_zor"] == []
    assert ("al_susah", "captured", "SDF") in found


def test_the_last_urban_area_under_a_side_s_control_is_held_by_it(facts):
    text = "ISIS lost Sousa, leaving Hajin as the last major urban area under its control."
    assert ("hajin", "held", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_a_day_counted_from_the_first_dates_the_second_event_not_the_first(facts):
    text = "On Monday the SDF took Sousa, and followed it up two days later by seizing Shaafah."
    assert [(p, k, d) for p, k, _c, d in facts(text)] == [
        ("al_shaafah", "captured", "2018-12-12"),
        ("al_susah", "captured", "2018-12-10"),
    ]


def test_now_controlling_all_of_a_place_is_its_capture_plain_control_a_holding(facts):
    assert [(p, k) for p, k, _c, _d in facts("SDF fighters now control all of Hajin.")] == [
        ("hajin", "captured")
    ]
    assert [(p, k) for p, k, _c, _d in facts("The SDF controls Hajin.")] == [("hajin", "held")]


def test_a_day_said_after_the_place_dates_the_saying_not_the_event(facts):
    text = (
        "On Sunday the SDF took the town of Hajin, and the commander said Tuesday such gains"
        " would be repeated."
    )
    assert [(p, d) for p, _k, _c, d in facts(text)] == [("hajin", "2018-12-09")]


def test_the_town_of_x_after_a_distance_is_a_reference_point_and_still_an_antecedent(facts):
    text = (
        "SDF fighters took Shaafah, 20 kilometres from the town of Sousa, after ISIS had"
        " claimed control of the town in May."
    )
    assert {p for p, _k, _c, _d in facts(text)} == {"al_shaafah"}  # 'the town' is Shaafah
    text = "Hajin lies 40 kilometres from the town of Sousa, which ISIS still holds."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("al_susah", "held", "ISIS")]
    text = "SDF fighters withdrew from the town of Hajin on Monday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "withdrew")]


def test_a_state_held_since_a_date_is_the_report_s_even_after_a_dated_sentence(facts):
    text = "On Monday the SDF took Sousa. Hajin is still held by ISIS since 2014."
    assert ("hajin", "held", "ISIS", "2018-12-14") in facts(text)


def test_a_list_whose_members_are_placed_by_directions_names_them_all(facts):
    text = (
        "The SDF captured the villages of Sousa, to the east, and Shaafah and al-Bahra, to"
        " the west of the town, on Monday."
    )
    assert [(p, k) for p, k, _c, _d in facts(text)] == [
        ("al_bahrah", "captured"),
        ("al_shaafah", "captured"),
        ("al_susah", "captured"),
    ]
    text = "The SDF took Sousa, east of the town, and Shaafah in the west."
    assert {p for p, _k, _c, _d in facts(text)} == {"al_susah", "al_shaafah"}


@pytest.mark.parametrize(
    "text",
    [
        "Shaafah lies 10 miles from the river town of Hajin, the last major town held by ISIS.",
        "ISIS lost Sousa, leaving the capital, Hajin, as the last major town under ISIS control.",
    ],
)
def test_an_appositive_after_a_comma_describes_the_place_before_it(facts, text):
    assert ("hajin", "held", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_a_hard_wrapped_text_is_read_as_sentences_not_as_lines(facts):
    text = (
        "SDF fighters on Monday captured the\n"
        "town of Hajin after weeks of heavy\n"
        "fighting, a spokesman said, and then\n"
        "moved on towards the south of the\n"
        "valley, where ISIS still holds the\n"
        "town of Sousa, residents said.\n"
    )
    found = [(p, k, c, d) for p, k, c, d in facts(text)]
    assert ("hajin", "captured", "SDF", "2018-12-10") in found
    # a text of ordinary paragraphs keeps its line breaks: the second line is no continuation
    assert facts("SDF fighters captured the\nHajin residents fled.") == []


def test_a_date_after_another_trigger_s_place_is_that_event_s(facts):
    text = "The fall of Hajin followed the SDF capturing Sousa on Monday."
    found = {p: d for p, _k, _c, d in facts(text)}
    assert found["al_susah"] == "2018-12-10"
    assert found["hajin"] == "2018-12-14"  # not Monday: that is Sousa's day
    text = "The SDF took Hajin and then Sousa on Monday."
    assert {d for _p, _k, _c, d in facts(text)} == {"2018-12-10"}


@pytest.mark.parametrize(
    "text",
    [
        "Sousa is in the last ISIS-held pocket in Syria.",
        "Sousa, located in ISIS-held territory, was shelled on Monday.",
    ],
)
def test_a_place_said_to_lie_in_a_side_held_area_is_held_by_it(facts, text):
    assert ("al_susah", "held", "ISIS") in [(p, k, c) for p, k, c, _d in facts(text)]


def test_a_place_beside_a_side_held_area_is_not_held(facts):
    found = facts("Sousa is near the last ISIS-held pocket in Syria.")
    assert [f for f in found if f[:2] == ("al_susah", "held")] == []


def test_two_parts_of_a_place_joined_by_and_are_parts_of_it(facts):
    text = "The last ISIS fighters were confined to a network of tunnels and the edges of Hajin."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_a_fall_told_without_a_side_goes_to_the_article_s_only_attacker(run):
    text = (
        "SDF fighters captured Hajin on Saturday. The SDF then took al-Bahra on Sunday."
        " Sousa fell on Monday."
    )
    found = {e.place_id: (e.controller, e.doubts) for e in run(text).events}
    assert found["al_susah"] == ("SDF", ("side from the article",))
    text = "SDF fighters captured Hajin on Saturday. Sousa fell on Monday."  # once: a guess
    found = {e.place_id: (e.controller, e.doubts) for e in run(text).events}
    assert found["al_susah"] == ("SDF", ("side assumed",))


def test_its_forces_are_the_side_named_before_and_a_when_clause_takes_the_date_before_it(run):
    text = "Hajin has been held by ISIS, since May when its fighters overran the town as SDF fled."
    found = [(e.kind, e.controller, e.date, e.doubts) for e in run(text).events]
    assert [f[:3] for f in found if "side assumed" not in f[3]] == [("captured", "ISIS", "2018-05")]


def test_a_capture_answered_by_another_side_s_holding_is_disputed_not_coloured(run):
    text = "ISIS claimed to have retaken Hajin, but the SDF said the town stayed under its control."
    found = {(e.kind, e.controller): e for e in run(text).events}
    assert set(found) == {("captured", "ISIS"), ("held", "SDF")}
    assert all("disputed" in e.doubts and e.confidence < 0.6 for e in found.values())


def test_now_in_full_control_is_news_of_a_capture_in_full_control_a_holding(facts):
    assert [(p, k) for p, k, _c, _d in facts("The SDF is now in full control of Hajin.")] == [
        ("hajin", "captured")
    ]
    assert [(p, k) for p, k, _c, _d in facts("The SDF remains in full control of Hajin.")] == [
        ("hajin", "held")
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Hajin came under SDF control on Monday.", ("hajin", "captured", "SDF")),
        ("ISIS handed Hajin to the SDF on Monday under a deal.", ("hajin", "captured", "SDF")),
        ("The SDF consolidated its control over Hajin on Monday.", ("hajin", "held", "SDF")),
        (
            "Sousa, which ISIS seized in May, was retaken by the SDF on Monday.",
            ("al_susah", "captured", "SDF"),
        ),
    ],
)
def test_ordinary_wordings_of_a_change_or_a_holding(facts, text, expected):
    assert expected in [(p, k, c) for p, k, c, _d in facts(text)]


def test_people_returning_to_a_town_is_no_handover(facts):
    assert facts("Residents of Hajin started returning to Sousa on Monday.") == []


def test_a_country_between_two_ins_says_where_the_place_is(facts):
    text = "ISIS is making its last stand in Syria in the town of Hajin."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_an_undated_repeat_of_a_change_dated_in_the_article_takes_that_date(facts):
    text = "SDF fighters retake Hajin.\nThe SDF retook Hajin on Wednesday, a spokesman said."
    assert {d for p, k, _c, d in facts(text) if (p, k) == ("hajin", "captured")} == {"2018-12-12"}
    text = "SDF fighters retake Hajin.\nThe SDF had first taken Hajin in October."  # no repeat
    assert {d for p, k, _c, d in facts(text) if (p, k) == ("hajin", "captured")} == {
        "2018-12-14",
        "2018-10",
    }


def _with_sites(profile, text):
    """Events of ``text`` read with a gazetteer in which Hajin has an airport and a stadium
    (and Sousa, 25 km away, a stadium of its own)."""
    rows = (
        "id,name,alt_names,lat,lon,kind,admin1,country,source\n"
        "hajin,Hajin,,34.68944,40.83083,town,Deir ez-Zor,SY,test\n"
        "hajin_airport,Hajin airfield,,34.70,40.85,site,Deir ez-Zor,SY,test\n"
        "hajin_stadium,Hajin municipal stadium,,34.69,40.83,site,Deir ez-Zor,SY,test\n"
        "hajin_complex,Hajin government complex,,34.685,40.835,site,Deir ez-Zor,SY,test\n"
        "sousa,Sousa,,34.47,40.89,town,Deir ez-Zor,SY,test\n"
        "sousa_stadium,Sousa stadium,,34.471,40.891,site,Deir ez-Zor,SY,test\n"
    )
    return _read_with(rows, profile, text)


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters reached Hajin on Thursday. On Friday they seized the city's stadium.",
        "SDF fighters seized Hajin's stadium on Friday.",
        "SDF fighters seized the main stadium of Hajin on Friday.",
        "SDF fighters seized the stadium in the town of Hajin on Friday.",
    ],
)
def test_a_site_named_by_its_kind_and_its_town_is_that_site_not_the_town(profile, text):
    found = _with_sites(profile, text)
    assert ("hajin_stadium", "captured", "SDF") in found
    assert [f for f in found if f[0] == "hajin" and f[1] == "captured"] == []


def test_a_site_noun_that_never_refers_back_alone_needs_its_town(profile):
    found = _with_sites(profile, "SDF fighters seized a government complex in central Hajin.")
    assert ("hajin_complex", "captured", "SDF") not in found  # 'in central X': no owner
    found = _with_sites(profile, "SDF fighters seized a government complex in the city of Hajin.")
    assert ("hajin_complex", "captured", "SDF") in found
    found = _with_sites(profile, "SDF fighters cleared the streets around the complex.")
    assert found == []


def test_a_site_is_named_only_when_one_site_of_that_kind_lies_near_the_town(profile):
    # Sousa's stadium is 25 km from Hajin: too far to be 'the city's stadium' of Hajin
    found = _with_sites(profile, "SDF fighters reached Sousa. They seized its stadium on Friday.")
    assert ("sousa_stadium", "captured", "SDF") in found
    found = _with_sites(profile, "SDF fighters seized Hajin's hospital on Friday.")
    assert [f for f in found if f[0].endswith(("_stadium", "_airport"))] == []


def test_a_dateline_is_where_the_report_was_filed_not_a_place_it_tells_of(facts):
    text = "DEIR EZ-ZOR, Syria (Reuters) - ISIS fighters still hold the city, a monitor said."
    assert facts(text) == []  # 'the city' does not refer back to the dateline
    text = "DEIR EZ-ZOR, Syria (Reuters) - SDF fighters captured Hajin on Friday."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]


@pytest.mark.parametrize(
    "text,fact",
    [
        ("ISIS maintains its grip on Hajin.", ("hajin", "held", "ISIS")),
        ("ISIS keeps a tight hold on Hajin.", ("hajin", "held", "ISIS")),
        ("Hajin is now firmly in SDF hands.", ("hajin", "held", "SDF")),
        ("The SDF wrested Hajin from ISIS on Friday.", ("hajin", "captured", "SDF")),
        ("The SDF won back Hajin on Friday.", ("hajin", "captured", "SDF")),
        ("ISIS pulled its fighters out of Hajin on Friday.", ("hajin", "withdrew", "")),
        ("The SDF reached the outskirts of Hajin on Friday.", ("hajin", "contested", "ISIS")),
        ("ISIS is putting up fierce resistance in Hajin.", ("hajin", "contested", "ISIS")),
    ],
)
def test_everyday_wordings_of_holding_taking_leaving_and_fighting(run, text, fact):
    found = [(e.place_id, e.kind, e.controller) for e in run(text).events if e.confidence >= 0.5]
    assert fact in found


def test_people_held_in_a_place_do_not_make_its_holder(facts):
    assert facts("The SDF freed hostages held in Hajin on Friday.") == []
    assert facts("Prisoners were held in Hajin by ISIS.") == []


def test_an_assault_being_prepared_is_not_a_fight(facts):
    assert facts("The SDF was preparing an assault on Hajin.") == []
    assert facts("The SDF is planning a new offensive against Hajin.") == []


def test_a_capture_answered_after_a_second_clause_by_another_side_s_holding_is_disputed(run):
    text = (
        "ISIS claimed to have retaken Hajin, but the claim could not be verified and the SDF"
        " said it still controlled the town."
    )
    events = [e for e in run(text).events if e.place_id == "hajin"]
    assert events and all("disputed" in e.doubts and e.confidence < 0.6 for e in events)


def test_they_after_speakers_a_side_s_adjective_names_is_that_side(facts):
    text = (
        "Jihadist fighters took Hajin on Thursday. Kurdish officials said on Friday they had"
        " regained control of Hajin."
    )
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)
    assert facts("Residents said they had seen fighting in Hajin.") == [
        ("hajin", "contested", "", "2018-12-14")
    ]


def test_a_held_adjective_is_not_a_holding_by_the_sentence_s_subject(facts):
    found = facts("The SDF launched an assault on ISIS-held Hajin on Friday.")
    assert ("hajin", "held", "SDF", "2018-12-14") not in found
    assert ("hajin", "contested", "ISIS", "2018-12-14") in found


def test_the_fall_of_a_place_to_a_side_names_the_taker(facts):
    text = "The fall of Hajin to the SDF on Friday left ISIS with a few villages."
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)


def test_under_full_side_control_is_news_of_a_capture(facts):
    text = "Hajin was under full SDF control on Friday, a spokesman said."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]


def test_a_sentence_opening_with_a_gerund_whose_place_is_referred_back_to_is_read(facts):
    text = "SDF fighters reached Hajin on Thursday. Fighting around the town continues."
    assert [f[:2] for f in facts(text)] == [("hajin", "contested")]  # once raised ValueError


def test_forces_pushed_back_from_a_place_were_repelled_not_victorious(facts):
    assert facts("Pro-government forces pushed back from Hajin") == [
        ("hajin", "contested", "ISIS", "2018-12-14")
    ]


def test_a_capture_someone_prevents_or_whose_chances_are_weighed_did_not_happen(facts):
    assert facts("The SDF is fighting to prevent ISIS from capturing Hajin.") == []
    text = "The chances of ISIS taking back control of Hajin were slim, the SDF said."
    assert [f for f in facts(text) if f[1] == "captured"] == []


def test_a_date_between_the_verb_and_control_keeps_the_capture(facts):
    text = "SDF forces seized Friday morning control of Hajin after attacking it."
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)


def test_the_town_refers_to_a_town_before_a_city_and_to_a_target_before_a_reference(facts):
    # Deir ez-Zor is a city, Hajin a town: 'the town' is Hajin though the city came last
    text = "ISIS fighters fled Hajin for Deir ez-Zor. On Friday the SDF said the town had fallen."
    assert ("hajin", "captured") in [f[:2] for f in facts(text)]
    # Sousa lies 'south of' Hajin in the sentence before: Hajin is the reference point
    text = (
        "Sousa, 10 kilometres south of Hajin, came under attack on Thursday. On Friday the SDF"
        " said the town had fallen."
    )
    assert ("al_susah", "captured") in [f[:2] for f in facts(text)]


def test_a_region_s_name_the_gazetteer_lacks_may_stand_in_the_object(facts):
    text = "SDF fighters took the Euphrates Valley province towns of Hajin and Sousa on Friday."
    found = [f[:3] for f in facts(text)]
    assert ("hajin", "captured", "SDF") in found and ("al_susah", "captured", "SDF") in found


def test_another_town_named_after_a_comma_is_the_object(facts):
    text = "SDF fighters took another town, Sousa, on Friday."
    assert ("al_susah", "captured", "SDF", "2018-12-14") in facts(text)


def test_a_back_reference_may_carry_adjectives_but_not_a_name_after_it(facts):
    text = "ISIS fighters fled Hajin on Thursday. The SDF captured the strategic town on Friday."
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)
    text = "SDF fighters reached Hajin. They later captured the northern town of Qamishli."
    assert [f for f in facts(text) if f[0] == "hajin" and f[1] == "captured"] == []


def test_people_driven_out_of_a_place_are_not_a_side_losing_it(facts):
    text = "ISIS fighters seized buildings in Hajin, driving officials out of the town."
    assert [f for f in facts(text) if f[1] == "captured"] == []


def test_a_withdrawal_s_destination_is_not_the_place_left(facts):
    text = "ISIS fighters retreated with their heavy equipment from the capital to Sousa."
    assert [f for f in facts(text) if f[0] == "al_susah" and f[1] == "withdrew"] == []
    text = "ISIS fighters withdrew from Hajin to Sousa on Friday."
    assert ("hajin", "withdrew", "", "2018-12-14") in facts(text)  # who moved in: not said


def test_a_side_named_by_its_leader_s_possessive_after_titles_is_the_agent(gazetteer):
    from geomap.campaign import parse_profile

    profile = parse_profile(
        '[[side]]\nid = "NORTH"\naliases = ["Northern Army", "Haftar\'s {force,army}"]\n'
        'opponents = ["SOUTH"]\n'
        '[[side]]\nid = "SOUTH"\naliases = ["Southern League"]\nopponents = ["NORTH"]\n'
    )
    body = (
        "The Southern League lost Sousa on Thursday. Hajin came under the control of Field"
        " Marshal Khalifa Haftar's forces on Friday."
    )
    article = Article(name="t.txt", published=FRI, body=body, outlet="Test")
    events = extract_article(article, gazetteer, profile=profile).events
    found = [(e.place_id, e.kind, e.controller, e.doubts) for e in events]
    assert ("hajin", "captured", "NORTH", ()) in found


@pytest.mark.parametrize(
    "text,kinds",
    [
        ("The SDF sent reinforcements to retake Hajin.", {"contested"}),
        ("The SDF moved fighters to Sousa to capture Hajin.", {"contested"}),
        ("The SDF managed to retake Hajin on Friday.", {"captured"}),
        ("The SDF managed earlier this week to retake Hajin.", {"captured"}),
        ("The SDF went on to capture Hajin on Friday.", {"captured"}),
        ("The SDF claimed on Friday to have full control of Hajin.", {"captured"}),
        ('The SDF said on Thursday it was preparing for "war" to retake Hajin.', set()),
        ("The coalition called on the SDF to retake Hajin.", set()),
    ],
)
def test_a_capture_in_an_infinitive_of_purpose_is_a_fight_not_its_outcome(facts, text, kinds):
    assert {f[1] for f in facts(text) if f[0] == "hajin"} == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Had the SDF captured Hajin earlier, fewer civilians would have died.",
        "The former ISIS stronghold of Hajin was quiet on Friday.",
        "The SDF is still far from capturing Hajin.",
        "The SDF stopped short of entering Hajin.",
    ],
)
def test_counterfactuals_former_holders_and_near_misses_colour_nothing(facts, text):
    assert facts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters reached the centre of Hajin on Friday.",
        "The SDF controls all but a few streets of Hajin.",
        "ISIS still holds a small pocket in Hajin.",
        "Fighting raged on the outskirts of Hajin on Friday.",
    ],
)
def test_partial_holdings_and_fights_at_a_place_s_edge_are_contested(facts, text):
    assert [f[:2] for f in facts(text)] == [("hajin", "contested")]


def test_a_side_before_a_holding_verb_is_its_subject_not_a_held_adjective(facts):
    # 'ISIS-held' is an adjective; 'the caliphate ruled over X' is a holding by its subject
    text = "In 2014 the Islamic State's self-styled caliphate ruled over Hajin."
    assert ("hajin", "held", "ISIS", "2014") in facts(text)


def test_a_side_s_stronghold_set_beside_a_place_is_held_by_that_side(facts):
    assert facts("Coalition jets struck Hajin, an ISIS stronghold, on Friday.") == [
        ("hajin", "held", "ISIS", "2018-12-14")
    ]
    text = "The town and its fields, which lie 40 km west of ISIS-stronghold Hajin, were freed."
    assert [f for f in facts(text) if f[1] == "held" and f[0] != "hajin"] == []


def test_a_capture_someone_prevents_without_from_did_not_happen(facts):
    assert facts("Rebels used all their resources to prevent the troops capturing Hajin.") == []
    found = facts("The SDF captured Hajin, preventing ISIS from regrouping.")
    assert ("hajin", "captured", "SDF", "2018-12-14") in found


def test_part_of_a_place_is_contested_and_took_part_in_is_not_an_object(facts):
    assert [f[:2] for f in facts("SDF troops captured part of the highly strategic Hajin.")] == [
        ("hajin", "contested")
    ]
    assert ("hajin", "contested") in [
        f[:2] for f in facts("They took part in the assault on Hajin.")
    ]


def test_a_passive_relative_clause_without_a_side_tells_of_its_antecedent(facts):
    text = "The SDF advanced on Sousa from Hajin which was seized on Thursday."
    assert ("hajin", "captured", "SDF", "2018-12-13") in facts(text)


def test_the_crossroads_at_a_town_is_the_town(facts):
    text = "The capture of the crossroads at Hajin by the SDF on Friday was a blow to ISIS."
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)


def test_an_agentless_capture_takes_the_taker_its_own_sentence_names(facts):
    text = (
        "ISIS fighters seized Baghouz in a raid on Monday. On Friday Sousa fell to SDF troops"
        " advancing from Hajin which was seized on Thursday."
    )
    found = [f[:3] for f in facts(text)]
    assert ("hajin", "captured", "SDF") in found and ("hajin", "captured", "ISIS") not in found


@pytest.mark.parametrize(
    "text,places",
    [
        ("Control of Hajin passed to the SDF on Friday.", {"hajin"}),
        ("Hajin was among several villages captured by the SDF on Friday.", {"hajin"}),
        ("Villages captured by the SDF on Friday include Hajin and Sousa.", {"hajin", "al_susah"}),
        ("Among the towns retaken by the SDF on Friday was Hajin.", {"hajin"}),
        ("Hajin is the latest town to fall to the SDF.", {"hajin"}),
        ("Hajin became the latest town to be retaken by the SDF.", {"hajin"}),
    ],
)
def test_captures_told_through_lists_inversions_and_the_latest_town_to_fall(facts, text, places):
    found = {f[0] for f in facts(text) if f[1:3] == ("captured", "SDF")}
    assert found == places


def test_we_in_a_quote_is_the_side_of_its_speaker(facts):
    text = '"We have liberated Hajin," said an SDF commander.'
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]
    text = 'ISIS fighters took Sousa. "We have retaken Hajin," a Kurdish commander told AFP.'
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(text)


def test_a_hedge_inside_an_aside_does_not_hedge_the_claim(run):
    text = (
        "Some 300 ISIS militants, with hundreds of civilians believed to be their families,"
        " have been under siege in Hajin for a week."
    )
    events = [e for e in run(text).events if e.place_id == "hajin"]
    assert events and all("hedged" not in e.doubts for e in events)
    events = run("ISIS fighters have reportedly been under siege in Hajin for a week.").events
    assert all("hedged" in e.doubts for e in events if e.place_id == "hajin")


def test_a_site_named_after_its_town_is_a_part_of_it_and_rumours_are_hedged(run, facts):
    text = "Iraqi forces took full control of the Islamic State's Hajin headquarters."
    assert [f[:2] for f in facts(text)] == [("hajin", "contested")]
    text = "After driving ISIS from its headquarters at Hajin in October, the SDF moved south."
    assert ("hajin", "captured") in [f[:2] for f in facts(text)]
    events = run("Social media pages shared news saying the SDF captured Hajin.").events
    assert events and all("hedged" in e.doubts for e in events)


def test_de_occupied_and_into_side_hands_are_captures(facts):
    assert ("hajin", "captured") in [
        f[:2] for f in facts("Hajin has been de-occupied, the SDF said.")
    ]
    assert ("hajin", "captured", "SDF", "2018-12-14") in facts(
        "Hajin fell into SDF hands on Friday."
    )


def test_the_first_neighbourhood_of_a_town_to_fall_is_a_part_of_it(facts):
    text = "Baqqara was the first Hajin neighbourhood to fall to the SDF, in 2017."
    assert [f for f in facts(text) if f[0] == "hajin" and f[1] == "captured"] == []


def test_a_side_inside_the_main_verb_s_object_is_not_a_participle_s_subject(run):
    text = "Fighters overran the last ISIS positions in Hajin, taking full control of the town."
    captures = [e for e in run(text).events if e.kind == "captured"]
    assert captures and all("side assumed" in e.doubts for e in captures)  # the taker is not told


def test_declaring_victory_in_a_place_is_its_capture(facts):
    text = "The SDF declared victory in Hajin on Friday."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]


def test_a_side_announcing_an_agentless_capture_is_its_taker(run):
    text = "ISIS fighters held Sousa. The SDF announced on Friday that Hajin had been captured."
    found = [(e.place_id, e.kind, e.controller, e.doubts) for e in run(text).events]
    assert ("hajin", "captured", "SDF", ()) in found
    text = 'The SDF said: "Hajin has been captured."'  # a quote: the side may be telling of a loss
    assert [e for e in run(text).events if e.kind == "captured" and not e.doubts] == []


def test_the_last_area_held_by_a_side_in_a_place_is_a_part_of_it(facts):
    text = "SDF fighters stormed Baghouz, the final area held by ISIS in eastern Hajin."
    assert ("hajin", "held", "ISIS", "2018-12-14") not in facts(text)
    text = "With troops advancing into Hajin the area held by ISIS had shrunk to 5 square km."
    assert [f for f in facts(text) if f[0] == "hajin" and f[1] == "held"] == []


def test_places_a_region_lists_after_including_are_what_was_taken(facts):
    text = "SDF fighters secured most of Deir ez-Zor province, including Hajin and Sousa."
    found = [f[:3] for f in facts(text)]
    assert ("hajin", "captured", "SDF") in found and ("al_susah", "captured", "SDF") in found


def test_fighting_near_a_place_is_a_fight_for_it_but_a_capture_near_it_is_not(facts):
    assert [f[:2] for f in facts("Intense fighting is now taking place near Hajin.")] == [
        ("hajin", "contested")
    ]
    found = facts("SDF fighters took Sousa, near Hajin, on Friday.")
    assert [f for f in found if f[0] == "hajin"] == []


@pytest.mark.parametrize(
    "text",
    [
        "The SDF asserted control over Hajin on Friday.",
        "The SDF extended its control to Hajin on Friday.",
    ],
)
def test_asserting_or_extending_control_to_a_place_is_its_capture(facts, text):
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]


@pytest.mark.parametrize(
    "text",
    [
        "ISIS ousted from Hajin",
        "Hajin retaken from ISIS by SDF",
        "ISIS fighters driven out of Hajin",
    ],
)
def test_headline_passives_without_an_auxiliary_name_the_loser_as_loser(facts, text):
    assert [f[:3] for f in facts(text)] == [("hajin", "captured", "SDF")]


def test_a_number_s_thousands_comma_does_not_end_an_aside(facts):
    text = "Hajin, a town of 60,000 people on the river, fell to the SDF on Friday."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-14")]


def test_entering_a_place_unopposed_is_taking_it(facts):
    assert facts("SDF fighters entered Hajin unopposed on Friday.") == [
        ("hajin", "captured", "SDF", "2018-12-14")
    ]
    assert [f[:2] for f in facts("SDF fighters entered Hajin on Friday.")] == [
        ("hajin", "contested")
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "The SDF pushed into Shaafah on Wednesday, two days after it seized Sousa.",
            [("al_shaafah", "contested", "2018-12-12"), ("al_susah", "captured", "2018-12-10")],
        ),
        (
            "Fighting raged in Shaafah, a day after the SDF captured Sousa.",
            [("al_susah", "captured", "2018-12-13")],
        ),
        (
            "The advance comes a week after the SDF took Hajin.",
            [("hajin", "captured", "2018-12-07")],
        ),
        (
            "The SDF took Sousa on Monday, a day after capturing Shaafah.",
            [("al_shaafah", "captured", "2018-12-09"), ("al_susah", "captured", "2018-12-10")],
        ),
        (
            "ISIS regrouped in Shaafah hours after losing Sousa to the SDF on Tuesday.",
            [("al_susah", "captured", "2018-12-11")],
        ),
    ],
)
def test_a_count_back_before_after_dates_the_clause_it_opens(facts, text, expected):
    found = [(p, k, d) for p, k, _c, d in facts(text)]
    assert all(e in found for e in expected), found


def test_a_count_back_does_not_date_its_own_clause_nor_the_next_sentence(facts):
    text = "The SDF took Sousa on Monday, two days after ISIS left Hajin. The SDF took Shaafah."
    found = [(p, d) for p, _k, _c, d in facts(text)]
    assert ("al_susah", "2018-12-10") in found and ("hajin", "2018-12-08") in found
    assert ("al_shaafah", "2018-12-10") in found  # the day the narrative named, not Saturday
    assert [(p, d) for p, _k, _c, d in facts("The SDF took Sousa two days after ISIS fled.")] == [
        ("al_susah", "2018-12-14")
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ISIS occupied Sousa on Monday.", [("al_susah", "captured", "ISIS", "2018-12-10")]),
        (
            "Hundreds have died since ISIS occupied Sousa on December 3.",
            [("al_susah", "captured", "ISIS", "2018-12-03")],
        ),
        ("ISIS has occupied Hajin for four years.", [("hajin", "held", "ISIS", "2018-12-14")]),
        ("The ISIS-occupied town of Hajin was bombed.", [("hajin", "held", "ISIS", "2018-12-14")]),
        ("The occupied town of Hajin was bombed.", []),
    ],
)
def test_occupied_as_a_verb_is_the_day_taken_as_an_adjective_a_holding(facts, text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Hajin, held by ISIS since 2014, was bombed.", [("hajin", "held", "ISIS", "2018-12-14")]),
        (
            "The town of Hajin, controlled by ISIS, was shelled.",
            [("hajin", "held", "ISIS", "2018-12-14")],
        ),
        # the holding before the change is not told; 'since 2014' dates the holding, not the taking
        (
            "The SDF took Hajin, held by ISIS since 2014.",
            [("hajin", "captured", "SDF", "2018-12-14")],
        ),
    ],
)
def test_a_participle_after_a_place_and_its_comma_tells_of_that_place(facts, text, expected):
    assert facts(text) == expected


def test_a_verb_after_a_region_s_comma_is_not_the_region_s(facts):
    text = "Hajin, the main town of Deir ez-Zor province, fell to the SDF on Wednesday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "captured")]


def test_a_hyphened_holder_is_the_place_s_not_the_clause_subject_s(facts):
    # 'Kurdish' is an adjective of the SDF, not an alias: the suffix still makes it an adjective
    text = "ISIS mortars shelled Kurdish-held Hajin on Wednesday."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("hajin", "held", "SDF")]
    text = "The coalition shelled Kremlin-held Hajin on Wednesday."  # an unknown holder
    assert [(p, k, c) for p, k, c, _d in facts(text)] == []


def test_a_profile_adjective_written_with_its_suffix_is_read(gazetteer, profile):
    from dataclasses import replace

    sides = tuple(
        replace(s, adjectives=("ISIS-held", "jihadist-controlled")) if s.id == "ISIS" else s
        for s in profile.sides
    )
    text = "Kurdish artillery shelled jihadist-held Hajin and ISIS-controlled Sousa."
    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, gazetteer, profile=replace(profile, sides=sides)).events
    assert sorted((e.place_id, e.kind, e.controller) for e in events) == [
        ("al_susah", "held", "ISIS"),
        ("hajin", "held", "ISIS"),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("SDF fighters seized the riverside farming town of Hajin.", [("hajin", "captured")]),
        ("SDF fighters seized the oil-rich desert town of Hajin.", [("hajin", "captured")]),
        ("SDF fighters stormed the dusty market hub of Hajin.", [("hajin", "contested")]),
        # a preposition, a place or a side among the words: not a description of the noun
        ("SDF fighters seized the bridge near the town of Hajin.", []),
    ],
)
def test_words_that_describe_a_noun_of_places_lead_to_the_place_of_names(facts, text, expected):
    assert [(p, k) for p, k, _c, _d in facts(text)] == expected


def test_a_place_before_a_noun_of_places_and_of_says_where_the_next_is(facts):
    text = "SDF fighters took the Hajin district village of al-Sha'fah on Monday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("al_shaafah", "captured")]
    text = "SDF fighters took a hospital in the town of Hajin on Monday."  # in X: not a modifier
    assert "al_shaafah" not in [p for p, _k, _c, _d in facts(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The SDF said it had captured Hajin, but ISIS fighters still held out in the town's"
        " eastern neighbourhoods late on Friday.",
        "The SDF captured Hajin, but ISIS fighters were still holding out in the eastern part"
        " of the town.",
    ],
)
def test_a_capture_answered_by_a_fight_in_part_of_the_place_is_not_complete(facts, text):
    assert {(p, k, c) for p, k, c, _d in facts(text)} == {("hajin", "contested", "ISIS")}


def test_a_fight_elsewhere_after_but_leaves_the_capture_whole(facts):
    text = "The SDF captured Hajin, but fighting continued in Sousa."
    assert ("hajin", "captured", "SDF") in [(p, k, c) for p, k, c, _d in facts(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("SDF fighters fought their way into Hajin on Monday.", ("hajin", "contested", "ISIS")),
        ("SDF fighters walked into the centre of Hajin on Monday.", ("hajin", "contested", "ISIS")),
        ("SDF fighters breached ISIS defences at Hajin on Monday.", ("hajin", "contested", "ISIS")),
        ("Hajin was wrested from ISIS by the SDF on Monday.", ("hajin", "captured", "SDF")),
        ("SDF columns marched into Hajin on Monday.", ("hajin", "captured", "SDF")),
        (
            "SDF fighters rolled into Hajin without meeting any resistance.",
            ("hajin", "captured", "SDF"),
        ),
    ],
)
def test_ways_of_getting_into_a_place(facts, text, expected):
    assert expected in [(p, k, c) for p, k, c, _d in facts(text)]


def test_without_a_fight_denies_nothing_but_did_not_still_does(facts):
    text = "SDF fighters entered Hajin without a fight on Monday."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("hajin", "captured", "SDF")]
    assert facts("SDF fighters did not enter Hajin without a fight.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Hajin, now under SDF control, was calm.",
        "Hajin, which is now in the hands of the SDF, was calm.",
        "Hajin, firmly under SDF control, was calm.",
    ],
)
def test_a_present_holding_beside_a_place_is_read_and_is_no_background(run, text):
    events = [e for e in run(text).events if not e.inferred]
    assert [(e.place_id, e.kind, e.controller) for e in events] == [("hajin", "held", "SDF")]
    assert "background" not in events[0].doubts


def test_a_place_s_aside_without_a_holding_says_nothing(facts):
    assert facts("Sousa, in eastern Syria, was bombed.") == []


def test_a_holding_since_an_event_is_told_of_the_report_s_day(facts):
    assert facts("ISIS has held Hajin since taking it in 2014.") == [
        ("hajin", "held", "ISIS", "2018-12-14")
    ]


def test_a_fronted_clause_of_its_own_event_keeps_its_day_to_itself(facts):
    text = "Since taking Sousa on Saturday, the SDF has entered Hajin."
    assert ("hajin", "contested", "ISIS", "2018-12-14") in facts(text)
    # a fronted time with no event of its own dates the sentence
    assert facts("Before dawn on Monday, the SDF entered Hajin.") == [
        ("hajin", "contested", "ISIS", "2018-12-10")
    ]


def test_an_arrangement_not_yet_carried_out_is_no_change(facts):
    assert facts("Hajin is to be handed over to the SDF on Dec. 25.") == []
    assert facts("ISIS fighters are to withdraw from Hajin by Sunday.") == []
    text = "Hajin, which is to the north of Sousa, fell to the SDF on Thursday."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-13")]


def test_a_headline_s_side_defeated_in_a_place_lost_it(facts):
    assert [(p, k, c) for p, k, c, _d in facts("Islamic State defeated in Hajin, SDF says")] == [
        ("hajin", "captured", "SDF")
    ]


def test_a_side_s_word_as_the_noun_that_speaks_is_no_side_s_adjective(run, gazetteer, profile):
    from dataclasses import replace

    # 'Kurdish' is an adjective of the SDF; 'a Kurdish commander said' names the SDF, 'an
    # Arab Kurdish-allied militia leader said' does too, but 'the Kurdish said' is no phrase:
    # with 'militia' as an adjective of ISIS, 'a tribal militia said they' is not ISIS
    sides = tuple(
        replace(s, adjectives=s.adjectives + ("militia",)) if s.id == "ISIS" else s
        for s in profile.sides
    )
    text = "A tribal militia said they had taken Hajin on Friday."
    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, gazetteer, profile=replace(profile, sides=sides)).events
    assert all(e.controller != "ISIS" for e in events)
    text = "A militia commander said they had taken Hajin on Friday."
    article = Article(name="t.txt", published=FRI, body=text, outlet="Test")
    events = extract_article(article, gazetteer, profile=replace(profile, sides=sides)).events
    assert [(e.place_id, e.controller) for e in events] == [("hajin", "ISIS")]


def test_a_back_reference_s_part_is_a_part(facts):
    text = "The SDF entered Hajin on Monday. SDF fighters took the town centre on Wednesday."
    assert ("hajin", "captured", "SDF", "2018-12-12") not in facts(text)
    text = "The SDF entered Hajin on Monday. SDF fighters took the town on Wednesday."
    assert ("hajin", "captured", "SDF", "2018-12-12") in facts(text)


def test_a_holding_of_the_present_is_not_dated_by_the_sentence_before(facts):
    text = "The SDF entered Sousa on Monday. A commander said ISIS still held Hajin."
    assert ("hajin", "held", "ISIS", "2018-12-14") in facts(text)
    text = "The SDF entered Sousa on Monday. The SDF now had full control of Hajin."
    assert ("hajin", "captured", "SDF", "2018-12-10") in facts(text)  # news of a change


def test_the_town_is_not_where_the_speakers_are(facts):
    text = (
        "SDF fighters captured Sousa on Wednesday. Residents of Hajin, across the river, said"
        " the SDF flag was flying over the town."
    )
    assert "hajin" not in [p for p, _k, _c, _d in facts(text)]
    text = "Residents of Hajin said SDF fighters had entered the town."  # no other: that one
    assert [p for p, _k, _c, _d in facts(text)] == ["hajin"]


def test_the_city_s_appositive_region_only_says_where_it_is(facts):
    text = (
        "The SDF took Hajin on Tuesday. SDF fighters entered the town, the main town of"
        " Deir ez-Zor province, on Monday."
    )
    assert [(p, k) for p, k, _c, _d in facts(text)] == [
        ("hajin", "captured"),
        ("hajin", "contested"),
    ]


def test_the_month_of_may_is_no_modal(facts):
    assert facts("On May 17, ISIS seized Hajin.") == [("hajin", "captured", "ISIS", "2018-05-17")]
    assert facts("BAGHDAD, May 18 (Reuters) - ISIS fighters seized Hajin on Sunday.") == [
        ("hajin", "captured", "ISIS", "2018-12-09")
    ]
    assert facts("The SDF may take Hajin.") == []


def test_a_headline_s_bare_army_is_a_subject_not_the_other_clause_s_side(run):
    events = run("ISIS near defeat as army takes Hajin").events
    assert not [e for e in events if e.controller == "ISIS" and e.confidence >= 0.6]


def test_earlier_in_the_offensive_is_a_vague_date(run):
    text = "The SDF took Sousa on Monday. The SDF took Hajin earlier in the offensive."
    hajin = [e for e in run(text).events if e.place_id == "hajin"]
    assert hajin and all("vague date" in e.doubts and e.confidence < 0.6 for e in hajin)


def test_a_holdout_in_a_site_leaves_the_town_taken_a_holdout_anywhere_does_not(facts):
    text = (
        "SDF fighters captured Hajin on Sunday, but ISIS fighters were still holding the hospital."
    )
    assert ("hajin", "captured", "SDF", "2018-12-09") in facts(text)
    text = "SDF fighters captured Hajin on Sunday, but ISIS fighters were still holding out."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


@pytest.mark.parametrize(
    "text,date",
    [
        (
            "BEIRUT, Dec 15 (Reuters) - SDF fighters captured Hajin from Islamic State on"
            " Thursday.",
            "2018-12-13",
        ),
        ("SDF fighters took Hajin, in Deir ez-Zor state, on Thursday.", "2018-12-13"),
        ("SDF fighters took Hajin, a commander said on Wednesday.", "2018-12-12"),
    ],
)
def test_state_in_a_name_is_no_verb_of_saying(facts, text, date):
    assert [(p, d) for p, _k, _c, d in facts(text)] == [("hajin", date)]


def test_a_date_in_an_aside_after_the_subject_is_the_aside_s(facts):
    text = "The SDF, in disarray after an ISIS raid on December 3, withdrew from Sousa."
    assert [(p, d) for p, _k, _c, d in facts(text)] == [("al_susah", "2018-12-14")]
    assert [(p, d) for p, _k, _c, d in facts("The SDF, on Monday, took Hajin.")] == [
        ("hajin", "2018-12-10")
    ]


def test_a_site_in_a_town_is_a_part_of_it_a_site_at_a_town_names_it(facts):
    text = "The SDF captured the ISIS headquarters in Hajin on Wednesday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]
    text = "The SDF captured the ISIS headquarters at Hajin on Wednesday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "captured")]


def test_the_parts_of_a_place_held_by_a_side_are_a_part(facts):
    text = "The last two neighbourhoods of Hajin held by ISIS were shelled."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_a_fight_ended_or_called_off_is_no_fight(facts):
    assert facts("The fall of Sousa ends the SDF's long offensive against Hajin.") == [
        ("al_susah", "captured", "SDF", "2018-12-14")
    ]
    assert facts("The SDF called off its assault on Hajin.") == []
    assert [p for p, *_ in facts("The SDF resumed its assault on Hajin.")] == ["hajin"]


def test_a_retaking_by_an_assumed_side_is_not_by_the_side_that_took_it_before(facts):
    text = (
        "Kurdish officials said on Thursday the town had been recaptured. ISIS fighters seized"
        " Hajin on Monday. The SDF shelled Sousa."
    )
    assert ("hajin", "captured", "ISIS", "2018-12-13") not in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "The SDF captured Hajin and two nearby villages – Sousa and Shaafah.",
        "The SDF captured Hajin and two nearby villages: Sousa and Shaafah.",
        "The SDF captured two nearby villages – Sousa and Shaafah – on Friday.",
    ],
)
def test_a_plural_noun_s_list_after_a_dash_or_a_second_conjunct_names_the_places(facts, text):
    assert {"al_susah", "al_shaafah"} <= {p for p, _k, _c, _d in facts(text)}


def test_a_plural_noun_near_a_place_lists_nothing(facts):
    assert [p for p, *_ in facts("The SDF captured Hajin and two villages near Sousa.")] == [
        "hajin"
    ]


def test_was_occupied_by_is_a_taking_occupied_by_since_a_holding(facts):
    assert facts("Hajin was occupied by ISIS on Monday.") == [
        ("hajin", "captured", "ISIS", "2018-12-10")
    ]
    assert facts("Hajin, occupied by ISIS since 2014, was bombed.") == [
        ("hajin", "held", "ISIS", "2018-12-14")
    ]


def test_a_headline_s_capture_takes_the_day_its_lead_gives_the_same_side_in_the_place(facts):
    text = "SDF takes Hajin\nSDF fighters entered Hajin on Wednesday, a commander said."
    assert ("hajin", "captured", "SDF", "2018-12-12") in facts(text)
    assert ("hajin", "captured", "SDF", "2018-12-14") not in facts(text)


def test_a_headline_s_entry_takes_the_day_its_lead_gives_the_same_side_in_the_place(facts):
    text = "SDF fighters enter Hajin\nSDF fighters entered Hajin on Wednesday amid resistance."
    assert set(facts(text)) == {("hajin", "contested", "ISIS", "2018-12-12")}


def test_a_headline_s_fight_with_no_side_keeps_the_report_s_day(facts):
    text = "Fighting rages in Hajin\nSDF fighters attacked Hajin on Wednesday."
    assert ("hajin", "contested", "", "2018-12-14") in facts(text)


def test_a_date_in_a_relative_clause_after_the_place_is_the_clause_s(facts):
    text = "The capture of Hajin is a success for the SDF force that arrived last month."
    assert [(p, d) for p, _k, _c, d in facts(text)] == [("hajin", "2018-12-14")]
    text = "ISIS raided Sousa, which the SDF captured on Monday."  # the clause's own event
    assert ("al_susah", "captured", "SDF", "2018-12-10") in facts(text)


def test_an_auxiliary_after_a_relative_clause_s_own_change_opens_the_main_clause(facts):
    text = "ISIS fighters who captured Sousa last week have left the town."
    found = [(p, k, d) for p, k, _c, d in facts(text)]
    assert ("al_susah", "withdrew", "2018-12-14") in found
    assert ("al_susah", "captured", "2018-12-03") in found  # the week before's Monday


def test_a_month_after_a_capitalised_in_opens_a_sentence_and_dates_it(facts):
    assert facts("In June, ISIS seized Hajin.") == [("hajin", "captured", "ISIS", "2018-06")]


def test_a_dateline_s_day_is_the_filing_day_not_the_event_s(facts):
    text = (
        "BEIRUT, Dec 14 (Reuters) - SDF fighters have captured Hajin, officials said on Thursday."
    )
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-13")]


def test_a_subject_a_and_b_is_led_by_a(facts):
    text = "SDF fighters and Iraqi troops took Hajin on Friday."
    assert [(p, k, c) for p, k, c, _d in facts(text)] == [("hajin", "captured", "SDF")]


def test_people_fleeing_to_a_place_make_nobody_its_holder(facts):
    assert [p for p, *_ in facts("ISIS attacked Sousa, forcing thousands to flee to Hajin.")] == [
        "al_susah"
    ]
    assert facts("Thousands of residents fled to Hajin.") == []
    assert facts("ISIS fighters fled to Hajin.") == [("hajin", "held", "ISIS", "2018-12-14")]


@pytest.mark.parametrize(
    "text",
    [
        "ISIS seized Hajin, known as the gateway to the river, on Monday.",
        "ISIS seized Hajin, which lies on the river, on Monday.",
    ],
)
def test_a_date_that_ends_the_sentence_after_an_aside_is_the_event_s(facts, text):
    assert facts(text) == [("hajin", "captured", "ISIS", "2018-12-10")]


def test_a_foothold_still_held_is_of_the_report_s_day(facts):
    text = "The SDF took Sousa on Monday. ISIS fighters still hold parts of Hajin."
    assert ("hajin", "contested", "ISIS", "2018-12-14") in facts(text)


def test_a_side_the_sentence_has_flee_is_not_the_guessed_taker(run):
    events = run("ISIS was mentioned. The town of Hajin was taken after ISIS fighters fled.").events
    assert not [e for e in events if e.kind == "captured" and e.controller == "ISIS"]


def test_the_town_is_not_where_the_losers_went(facts):
    text = (
        "ISIS seized Hajin on Monday. The SDF fighters retreated towards Sousa. Officials said"
        " fighting went on in the town."
    )
    assert "al_susah" not in [p for p, k, _c, _d in facts(text) if k == "contested"]


def test_civilians_going_into_a_place_are_no_fight_for_it(facts):
    assert facts("Civilians entered Hajin on Monday.") == []
    assert [p for p, *_ in facts("SDF fighters entered Hajin on Monday.")] == ["hajin"]


@pytest.mark.parametrize(
    "text",
    [
        "ISIS was beaten. Sousa was captured on November 20 and Hajin on November 25.",
        "ISIS was beaten. Sousa was ceded on November 20, and Hajin on November 25.",
    ],
)
def test_a_verbless_conjunct_after_a_passive_shares_its_trigger_with_its_own_date(facts, text):
    found = [(p, k, d) for p, k, _c, d in facts(text)]
    assert found == [("al_susah", "captured", "2018-11-20"), ("hajin", "captured", "2018-11-25")]


def test_a_conjunct_with_a_verb_of_its_own_is_not_gapped(facts):
    text = "ISIS was beaten. Sousa was captured on November 20 and Hajin was shelled."
    assert [p for p, k, _c, _d in facts(text) if k == "captured"] == ["al_susah"]


def test_broke_into_is_a_fight_for_the_place(facts):
    assert facts("SDF fighters broke into Hajin on Wednesday.") == [
        ("hajin", "contested", "ISIS", "2018-12-12")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters broke the siege of Hajin on Wednesday.",
        "The SDF lifted the three-year siege of Hajin on Wednesday.",
    ],
)
def test_a_siege_broken_or_lifted_is_no_siege(facts, text):
    assert [k for _p, k, _c, _d in facts(text)] == []


def test_a_side_that_broke_lines_and_besieged_a_town_besieges_it(facts):
    text = "SDF fighters broke the lines and besieged Hajin on Wednesday."
    assert [k for _p, k, _c, _d in facts(text)] == ["besieged"]


def test_won_control_is_a_capture(facts):
    assert facts("The SDF won full control of Hajin on Wednesday.") == [
        ("hajin", "captured", "SDF", "2018-12-12")
    ]


def test_a_fight_told_in_the_present_with_now_is_of_the_report_s_day(facts):
    text = "ISIS seized Sousa on Monday. The SDF says it has now advanced into Hajin."
    assert ("hajin", "contested", "ISIS", "2018-12-14") in facts(text)
    text = "ISIS seized Sousa on Monday. SDF fighters were now advancing into Hajin."
    assert ("hajin", "contested", "ISIS", "2018-12-10") in facts(text)  # the narrative's day


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters repelled an ISIS attack on Hajin on Sunday.",
        "SDF fighters beat back an attack by ISIS on Hajin on Sunday.",
        "SDF repel ISIS assault on Hajin",
        "SDF fighters repelled an attack on Hajin on Sunday.",
    ],
)
def test_the_side_that_repels_an_attack_on_a_place_holds_it(run, text):
    events = [e for e in run(text).events if not e.inferred]
    assert [(e.place_id, e.kind, e.actor, e.controller) for e in events] == [
        ("hajin", "contested", "ISIS", "SDF")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ISIS refused to withdraw from Hajin.",
        "ISIS offered to withdraw from Hajin.",
        "The SDF wants ISIS to withdraw from Hajin.",
        "The SDF demanded an unconditional ISIS withdrawal from Hajin.",
        "ISIS orders withdrawal from Hajin",
        "ISIS announced the withdrawal of its forces from Hajin on Wednesday.",
        "ISIS began withdrawing from Hajin on Wednesday.",
    ],
)
def test_a_withdrawal_refused_offered_ordered_or_begun_is_not_done(facts, text):
    assert facts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ISIS announced that it withdrew from Hajin on Wednesday.",
        "ISIS completed its withdrawal from Hajin on Wednesday.",
        "ISIS fighters were forced to withdraw from Hajin on Wednesday.",
    ],
)
def test_a_withdrawal_told_as_done_is_done(facts, text):
    assert [(p, k, d) for p, k, _c, d in facts(text)] == [("hajin", "withdrew", "2018-12-12")]


@pytest.mark.parametrize(
    "answer",
    [
        "The SDF denied the claim.",
        "SDF officials rejected the claim as false.",
        "The SDF dismissed the reports.",
        "A commander denied this.",
        "ISIS denied the claim.",
    ],
)
def test_a_claim_the_next_sentence_denies_is_disputed_never_a_colour(run, answer):
    """Whoever denies: the taker named ('ISIS denied the claim') or the other side."""
    events = run(f"ISIS said on Tuesday that it had recaptured Hajin. {answer}").events
    [event] = [e for e in events if not e.inferred]
    assert event.confidence < 0.6 and "disputed" in event.doubts


@pytest.mark.parametrize(
    "answer",
    [
        "The SDF denied reports of heavy losses.",  # another matter
    ],
)
def test_an_answer_that_denies_something_else_leaves_the_claim(run, answer):
    events = run(f"ISIS said on Tuesday that it had recaptured Hajin. {answer}").events
    [event] = [e for e in events if not e.inferred]
    assert "disputed" not in event.doubts


def test_a_claim_nobody_could_verify_is_hedged(run):
    text = "ISIS said on Tuesday that it had recaptured Hajin. The claim could not be verified."
    [event] = [e for e in run(text).events if not e.inferred]
    assert "hedged" in event.doubts


@pytest.mark.parametrize(
    "text",
    [
        '"We will not stop until Hajin is freed," the commander said.',
        "The SDF vowed to fight on until ISIS is driven out of Hajin.",
        "The SDF will keep fighting until they take Hajin.",
    ],
)
def test_a_change_in_a_clause_of_until_told_in_the_present_has_not_happened(facts, text):
    assert facts(text) == []


def test_a_change_in_a_clause_of_until_told_in_the_past_happened(facts):
    text = "ISIS held out until the SDF captured Hajin on Monday."
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-10")]
    text = "ISIS held out until clashes broke out in Hajin on Monday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_forms_the_lemma_table_misreads_are_the_verbs_of_war():
    from geomap.extract.lexicon import lemma_of

    assert (lemma_of("broke"), lemma_of("won")) == ("break", "win")


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters retake villages on Hajin border",
        "SDF fighters took two villages on the Hajin front on Monday.",
        "ISIS fighters still occupy Hajin's neighbouring villages.",
    ],
)
def test_a_town_naming_the_area_around_it_is_not_the_place(facts, text):
    assert "hajin" not in [p for p, *_ in facts(text)]


def test_a_province_named_after_a_town_after_another_place_says_where(facts):
    text = "SDF fighters liberated Sousa, Hajin region, on Monday."
    assert facts(text) == [("al_susah", "captured", "SDF", "2018-12-10")]
    text = "SDF fighters recaptured the key Hajin region from ISIS."  # the town's area
    assert [p for p, *_ in facts(text)] == ["hajin"]


def test_the_last_village_on_the_way_somewhere_is_no_last_holding(run):
    text = "SDF fighters took Sousa, the last village on the road to Hajin, on Thursday."
    assert not any(e.exclusive for e in run(text).events)


def test_the_last_village_held_by_a_side_is_that_side_s_last_holding(run):
    text = "SDF fighters took Sousa, the last village on the river held by ISIS, on Thursday."
    assert [e.exclusive.holder for e in run(text).events if e.exclusive] == ["ISIS"]


@pytest.mark.parametrize(
    "text",
    [
        "Fighters recaptured Hajin on Saturday, killing scores of ISIS militants.",
        "Fighters took back Hajin on Saturday, seven weeks after it was seized by ISIS.",
        "Hajin was recaptured on Saturday, a month after ISIS overran it.",
        "Fighters liberated Hajin on Tuesday and chased ISIS out.",
        "Fighters retook Hajin on Tuesday, forcing ISIS to retreat.",
    ],
)
def test_a_side_a_sentence_names_as_hurt_or_as_the_earlier_taker_did_not_retake(run, text):
    events = [e for e in run(text).events if not e.inferred and e.kind == "captured"]
    assert events and all(e.controller != "ISIS" for e in events)


@pytest.mark.parametrize(
    "text",
    ["SDF fighters pushed north from Hajin towards Sousa.", "SDF fighters pushed out from Hajin."],
)
def test_a_side_moving_on_from_a_place_took_nothing(facts, text):
    assert "hajin" not in [p for p, k, _c, _d in facts(text) if k == "captured"]


def test_a_side_driving_another_from_a_place_took_it(facts):
    assert facts("SDF fighters pushed ISIS out of Hajin.") == [
        ("hajin", "captured", "SDF", "2018-12-14")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ISIS seized Hajin on the first day of the offensive.",
        "ISIS seized Hajin in the first days of the war.",
        "ISIS seized Hajin at the beginning of the war.",
    ],
)
def test_a_time_counted_from_the_war_s_start_is_a_vague_date(run, text):
    [event] = [e for e in run(text).events if not e.inferred]
    assert "vague date" in event.doubts and event.confidence < 0.6


def test_a_holding_in_a_relative_clause_told_in_the_present_is_no_background(run):
    text = "ISIS, which controls Hajin and Sousa, has not commented."
    events = [e for e in run(text).events if not e.inferred]
    assert {(e.place_id, e.kind) for e in events} == {("hajin", "held"), ("al_susah", "held")}
    assert all("background" not in e.doubts for e in events)
    text = "ISIS, which held Hajin until Monday, has not commented."
    assert all("background" in e.doubts for e in run(text).events if not e.inferred)


def test_a_holding_that_had_lasted_since_a_date_is_of_that_date_not_the_report_s(facts):
    text = "Hajin had been held by ISIS since November and was used as a base."
    assert facts(text) == [("hajin", "held", "ISIS", "2018-11")]
    text = "ISIS has held Hajin since 2014."
    assert facts(text) == [("hajin", "held", "ISIS", "2018-12-14")]


def test_parts_of_the_town_are_a_part_of_the_place_referred_back_to(run):
    text = "SDF fighters seized Sousa on Thursday. ISIS said it had recaptured parts of the town."
    assert [e.kind for e in run(text).events if e.actor == "ISIS"] == ["contested"]


def test_the_town_is_not_where_a_side_was_heading(run):
    text = (
        "SDF fighters seized Sousa on Thursday. The forces were now pushing toward Hajin."
        " ISIS said it had recaptured parts of the town."
    )
    assert "hajin" not in {e.place_id for e in run(text).events}


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters dislodged ISIS from Hajin on Saturday.",
        "SDF fighters sacked ISIS militants from Hajin on Saturday.",
        "SDF fighters recovered Hajin on Saturday.",
    ],
)
def test_dislodged_sacked_and_recovered_are_captures(facts, text):
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-08")]


def test_things_recovered_in_a_place_are_no_capture(facts):
    assert facts("SDF fighters recovered bodies in Hajin on Saturday.") == []


def test_a_relative_clause_s_pronoun_subject_is_the_side_named_before(facts):
    text = "ISIS fighters hold Hajin, which they seized in October."
    assert ("hajin", "captured", "ISIS", "2018-10") in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters captured Syria's largest air base, Hajin, on Monday.",
        "SDF fighters captured the main base, Hajin, on Monday.",
    ],
)
def test_a_noun_set_beside_the_place_by_commas_is_the_place_itself(facts, text):
    assert facts(text) == [("hajin", "captured", "SDF", "2018-12-10")]


def test_a_base_in_a_place_is_a_part_of_it(facts):
    text = "SDF fighters captured the main base in Hajin on Monday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


def test_the_holder_among_several_opponents_the_article_names_is_a_guess(run):
    one = "SDF fighters patrolled Shaafah. ISIS fighters entered Hajin on Sunday."
    two = "Government forces shelled Sousa. " + one
    [sure] = [e for e in run(one).events if e.place_id == "hajin"]
    [guess] = [e for e in run(two).events if e.place_id == "hajin"]
    assert "side assumed" not in sure.doubts and "side assumed" in guess.doubts


def test_a_capture_celebrated_or_marked_is_background_not_that_day_s(run):
    [marked] = [e for e in run("The SDF marked the capture of Hajin on Friday.").events]
    assert "background" in marked.doubts and marked.confidence < 0.6
    [told] = [e for e in run("The SDF announced the capture of Hajin on Friday.").events]
    assert "background" not in told.doubts


def test_we_in_a_quote_is_not_a_side_the_quote_names_as_fleeing(run):
    text = '"We took Hajin yesterday evening after ISIS fled," said Colonel Abdi Omar.'
    assert [e.controller for e in run(text).events if e.kind == "captured"] != ["ISIS"]
    text = '"We have liberated Hajin," an ISIS commander said.'
    assert [e.controller for e in run(text).events if e.kind == "captured"] == ["ISIS"]


def test_a_withdrawal_from_a_side_with_several_opponents_names_no_new_holder(run):
    text = "The SDF and government forces advanced. ISIS fighters withdrew from Hajin on Friday."
    [event] = [e for e in run(text).events if e.kind == "withdrew"]
    assert (event.actor, event.controller) == ("ISIS", "")
    text = "SDF fighters advanced. ISIS fighters withdrew from Hajin on Friday."
    [event] = [e for e in run(text).events if e.kind == "withdrew"]
    assert event.controller == "SDF"  # the one opponent the article names


def test_a_denial_of_another_matter_in_the_next_sentence_leaves_the_claim(run):
    text = "SDF fighters captured Hajin on Monday. Damascus denied that its soldiers took part."
    [event] = [e for e in run(text).events if not e.inferred]
    assert "disputed" not in event.doubts


def test_a_side_after_anti_names_what_is_fought_not_who_fights(run):
    text = "Government forces launched an anti-ISIS offensive on Hajin on Sunday."
    events = [e for e in run(text).events if not e.inferred]
    assert [(e.kind, e.actor, e.controller) for e in events] == [
        ("contested", "SYRIAN_GOV", "ISIS")
    ]


@pytest.mark.parametrize(
    "text", ["ISIS took Hajin last summer.", "Hajin fell to ISIS during the summer offensive."]
)
def test_a_season_with_no_year_is_a_vague_date(run, text):
    [event] = [e for e in run(text).events if not e.inferred]
    assert "vague date" in event.doubts and event.confidence < 0.6


def test_a_season_with_its_year_is_that_year(facts):
    assert facts("ISIS took Hajin in the spring of 2014.") == [
        ("hajin", "captured", "ISIS", "2014")
    ]


def test_the_fall_of_a_place_is_no_season(run):
    [event] = [e for e in run("The fall of Hajin to the SDF on Friday ended the battle.").events]
    assert "vague date" not in event.doubts


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters seized the Hajin airfield on Monday.",
        "SDF fighters captured the Hajin railway station on Monday.",
        "SDF fighters retook the Hajin TV tower on Monday.",
    ],
)
def test_a_site_named_after_a_town_is_a_part_of_it_not_the_town(facts, text):
    assert [k for p, k, _c, _d in facts(text) if p == "hajin"] in ([], ["contested"])


@pytest.mark.parametrize(
    "text", ["SDF fighters seized the Hajin crossing.", "SDF fighters captured the Hajin road."]
)
def test_a_road_or_crossing_named_after_a_town_only_says_where(facts, text):
    assert facts(text) == []


def test_a_place_after_a_bare_comma_that_opens_a_clause_is_no_list_member(facts):
    text = "With the capture of Sousa, Hajin is now within range of SDF artillery."
    assert "hajin" not in [p for p, *_ in facts(text)]
    text = "SDF fighters took Sousa, Shaafah and Hajin on Monday."
    assert [p for p, *_ in facts(text)] == ["al_shaafah", "al_susah", "hajin"]


def test_the_besieged_town_names_no_besieger_and_a_besieger_holds_nothing(run):
    text = "SDF forces pulled out of the besieged town of Hajin on Wednesday."
    sieges = [e for e in run(text).events if e.kind == "besieged"]
    assert sieges and all(e.actor != "SDF" for e in sieges)  # who pulled out besieged nobody
    events = run("ISIS besieged Hajin on Wednesday.").events
    assert not [e for e in events if e.kind == "held" and e.controller == "ISIS"]
    [siege] = run("Aid reached ISIS-besieged Hajin on Wednesday.").events
    assert (siege.kind, siege.actor) == ("besieged", "ISIS")


@pytest.mark.parametrize(
    "text",
    [
        "The SDF would push to Sousa after clearing Hajin.",
        "The SDF plans to march on Sousa once Hajin falls.",
    ],
)
def test_a_change_in_a_clause_of_time_after_a_plan_is_planned(facts, text):
    assert "hajin" not in [p for p, *_ in facts(text)]


def test_a_change_in_a_clause_of_time_after_a_deed_is_done(facts):
    text = "The SDF pushed to Sousa after clearing Hajin on Monday."
    assert ("hajin", "captured", "SDF", "2018-12-10") in facts(text)


def test_another_side_s_holding_right_after_a_capture_disputes_both(run):
    text = (
        "SDF fighters drove ISIS out of Hajin on Tuesday. ISIS said its fighters still held Hajin."
    )
    events = [e for e in run(text).events if not e.inferred]
    assert {(e.kind, e.controller) for e in events} == {("captured", "SDF"), ("held", "ISIS")}
    assert all("disputed" in e.doubts and e.confidence < 0.6 for e in events)


def test_a_later_holding_by_another_side_is_a_sequence_not_a_dispute(run):
    events = run("ISIS captured Hajin in 2014. The SDF now holds Hajin.").events
    assert not [e for e in events if "disputed" in e.doubts]
    events = run("The SDF captured Hajin on Monday. ISIS recaptured Hajin on Tuesday.").events
    assert not [e for e in events if "disputed" in e.doubts]


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters advanced this week. Hajin was taken under control on Sunday.",
        "SDF fighters advanced this week. Hajin was recovered on Sunday.",
    ],
)
def test_taken_under_control_and_recovered_are_captures(facts, text):
    assert ("hajin", "captured", "SDF", "2018-12-09") in facts(text)


def test_a_side_whose_name_holds_a_place_is_the_side(run):
    from geomap.campaign import parse_profile

    profile = parse_profile(
        '[[side]]\nid = "GOV"\nlabel = "Government"\ncolour = "#1f77b4"\nmarker = "circle"\n'
        'aliases = ["the Hajin People\'s Republic"]\nopponents = ["REB"]\n'
        '[[side]]\nid = "REB"\nlabel = "Rebels"\ncolour = "#d62728"\nmarker = "square"\n'
        'aliases = ["rebels"]\nopponents = ["GOV"]\n'
    )
    from geomap.campaign import load_campaign

    gazetteer = load_campaign(Path(__file__).parent.parent / "data").gazetteer
    article = Article(
        name="t.txt",
        published=FRI,
        body="Sousa is now under the control of the Hajin People's Republic.",
        outlet="Test",
    )
    events = extract_article(article, gazetteer, profile=profile).events
    assert [(e.place_id, e.kind, e.controller) for e in events] == [("al_susah", "held", "GOV")]


def test_a_headline_takes_the_day_of_the_lead_s_one_change_there_whoever_leads_it(facts):
    text = "Iraqi troops take Hajin\nSDF and Iraqi troops on Wednesday captured the town of Hajin."
    assert {d for p, k, _c, d in facts(text) if k == "captured"} == {"2018-12-12"}


def test_mines_cleared_in_a_place_are_no_fight_for_it(facts):
    assert facts("SDF fighters in Hajin were clearing mines left by ISIS on Friday.") == []
    assert facts("SDF fighters were clearing Hajin on Friday.") == [
        ("hajin", "contested", "ISIS", "2018-12-14")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "SDF troops took Sousa on Friday. The town was held by ISIS for four years.",
        "SDF troops took Sousa on Friday. ISIS controlled the town for four years.",
    ],
)
def test_a_past_holding_with_how_long_it_lasted_is_background(run, text):
    events = [e for e in run(text).events if e.kind == "held"]
    assert events and all("background" in e.doubts and e.confidence < 0.6 for e in events)
    [taken] = [e for e in run(text).events if e.kind == "captured"]
    assert "disputed" not in taken.doubts  # a past holding answers no capture


def test_a_holding_that_lasts_is_of_the_present(facts):
    assert facts("ISIS has held Hajin for four years.") == [("hajin", "held", "ISIS", "2018-12-14")]


def test_the_town_hall_of_a_place_is_a_part_of_it(facts):
    text = "SDF fighters captured the town hall of Hajin on Saturday."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


@pytest.mark.parametrize(
    "answer",
    [
        "ISIS denied that the town had fallen.",
        "ISIS denied Hajin had fallen.",
        "ISIS called it a lie.",
        '"This is disinformation," an ISIS official said.',
    ],
)
def test_a_denial_of_the_change_itself_in_the_next_sentence_disputes_it(run, answer):
    [event] = [e for e in run(f"SDF fighters captured Hajin on Friday. {answer}").events]
    assert "disputed" in event.doubts


@pytest.mark.parametrize(
    "text",
    ["ISIS refused on Friday to withdraw from Hajin.", "ISIS agreed on Friday to leave Hajin."],
)
def test_a_refusal_or_promise_with_its_day_before_to_is_not_done(facts, text):
    assert facts(text) == []


def test_a_withdrawal_a_deal_requires_is_not_done(facts):
    assert facts("The ceasefire requires ISIS fighters to withdraw from Hajin.") == []
    assert [k for _p, k, _c, _d in facts("Under the deal, ISIS fighters withdrew from Hajin.")] == [
        "withdrew"
    ]


def test_their_fighters_after_a_side_s_officials_said_are_that_side_s(facts):
    assert facts("Kurdish officials said their fighters had taken Hajin.") == [
        ("hajin", "captured", "SDF", "2018-12-14")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters captured Hajin's port on Friday.",
        "SDF fighters captured the Hajin university.",
    ],
)
def test_a_town_s_port_or_university_is_a_part_of_it(facts, text):
    assert [k for p, k, _c, _d in facts(text) if p == "hajin"] == ["contested"]


@pytest.mark.parametrize(
    "text,day",
    [
        ("Three weeks after ISIS seized Hajin, residents fled on Friday.", "2018-11-23"),
        ("Two days after ISIS seized Hajin, the SDF shelled Sousa on Friday.", "2018-12-12"),
    ],
)
def test_a_fronted_clause_of_after_is_counted_back_from_the_main_clause_s_day(facts, text, day):
    assert ("hajin", "captured", "ISIS", day) in facts(text)


def test_the_last_position_held_by_a_side_in_a_town_is_a_part_of_it(facts):
    text = "SDF fighters took the last position held by ISIS in Hajin."
    assert [(p, k) for p, k, _c, _d in facts(text)] == [("hajin", "contested")]


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters repelled an attempt to storm Hajin on Sunday.",
        "SDF fighters fought off an ISIS assault on Hajin on Sunday.",
    ],
)
def test_a_side_that_repels_an_attempt_or_fights_off_an_assault_holds_the_place(run, text):
    [event] = [e for e in run(text).events if not e.inferred]
    assert (event.place_id, event.kind, event.controller) == ("hajin", "contested", "SDF")


def test_thousands_of_a_people_fleeing_to_a_place_are_no_side(facts):
    text = "The SDF took Sousa on Monday, and thousands of Kurds fled to Hajin."
    assert "hajin" not in [p for p, *_ in facts(text)]


def test_a_side_that_announces_a_fall_told_of_its_loss(run):
    [event] = [e for e in run("ISIS leaders said Hajin fell on Friday.").events]
    assert event.controller != "ISIS"
    [event] = [e for e in run("The SDF announced that Hajin had been retaken on Friday.").events]
    assert event.controller == "SDF"


def test_a_denial_of_losing_another_place_leaves_the_claim(run):
    [event] = run("SDF fighters took Sousa on Friday. ISIS denied losing Hajin.").events
    assert "disputed" not in event.doubts
    [event] = run("SDF fighters took Hajin on Friday. ISIS denied losing Hajin.").events
    assert "disputed" in event.doubts


@pytest.mark.parametrize(
    "text", ["SDF fighters took Dzhani-Hajin on Monday.", "SDF fighters took Hajin-Yurt on Monday."]
)
def test_a_place_s_name_inside_a_longer_hyphenated_name_is_not_the_place(facts, text):
    assert facts(text) == []


def test_two_places_joined_by_a_hyphen_are_both_read(run):
    text = "Fighting raged on the Hajin-Sousa road and in the Hajin-Karin Tak section."
    assert "hajin" in {m.place_id for m in run(text).mentions}


@pytest.mark.parametrize(
    "text",
    [
        "SDF fighters seized a Hajin railway depot on Monday.",
        "SDF fighters captured the Hajin heights on Monday.",
    ],
)
def test_a_town_s_depot_or_heights_are_a_part_of_it(facts, text):
    assert [k for p, k, _c, _d in facts(text) if p == "hajin"] == ["contested"]


def test_a_sure_capture_answered_in_its_own_sentence_is_never_a_colour(run):
    text = (
        "The SDF retook Hajin on Tuesday, Kurdish radio said, but ISIS said the town was still"
        " under its control."
    )
    events = [e for e in run(text).events if not e.inferred]
    assert events and all("disputed" in e.doubts and e.confidence < 0.6 for e in events)


@pytest.mark.parametrize(
    "answer", ["Independent confirmation was impossible.", "It was impossible to verify the claim."]
)
def test_a_claim_nobody_could_confirm_in_other_words_is_hedged(run, answer):
    [event] = run(f"SDF fighters retook Hajin on Sunday, the SDF said. {answer}").events
    assert "hedged" in event.doubts


def test_a_day_counted_from_a_named_day_is_no_vague_date(run):
    events = run("The SDF took Sousa on Monday and Hajin a day later.").events
    assert [(e.place_id, e.date) for e in events] == [
        ("al_susah", "2018-12-10"),
        ("hajin", "2018-12-11"),
    ]
    assert not [e for e in events if "vague date" in e.doubts]
    [event] = run("Later that month, the SDF took Hajin.").events
    assert "vague date" in event.doubts


def test_a_place_that_remains_held_is_held_on_the_report_s_day(facts):
    text = (
        "SDF fighters pulled out of Sousa on Tuesday. The town of Hajin remains under ISIS control."
    )
    assert ("hajin", "held", "ISIS", "2018-12-14") in facts(text)
    text = "SDF fighters pulled out of Sousa on Tuesday. Hajin remained under ISIS control."
    assert ("hajin", "held", "ISIS", "2018-12-11") in facts(text)  # the narrative's day
