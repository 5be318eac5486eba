import json
import re
from pathlib import Path

import pytest

from conftest import small_data
from geomap.evaluate import confidence_table, read_gold, score
from geomap.exc import GoldFileError
from geomap.pipeline import extract
from geomap.records import MIN_CONFIDENCE, Event

GOLD = Path(__file__).parent / "data" / "seed_events.csv"


def test_seed_scores_meet_the_targets(built, gazetteer):
    """What the map colours (claims at or above MIN_CONFIDENCE), the holder checked."""
    gold = read_gold(GOLD, gazetteer)
    scores = score(built.extraction.events, gold, min_confidence=MIN_CONFIDENCE)
    assert scores.recall >= 0.95, scores.missed_core
    assert scores.precision >= 0.90, scores.unmatched_claims
    assert scores.distractors_triggered == []
    assert scores.distractors_total == 9
    lenient = score(built.extraction.events, gold, lenient=True, min_confidence=MIN_CONFIDENCE)
    assert lenient.recall >= 0.95 and lenient.precision >= 0.90
    every = score(built.extraction.events, gold)  # unconfirmed claims too: recall only grows
    assert every.recall >= scores.recall and every.claims_total >= scores.claims_total


@pytest.mark.parametrize("column", ["sentence", "sentence_start"])
def test_a_triggered_distractor_is_reported(tmp_path, gazetteer, column):
    article = "---\npublished: 2019-03-18\n---\nThe SDF captured Baghouz on Monday.\n"
    data = small_data(tmp_path / "data", {"x.txt": article})
    gold = tmp_path / "gold.csv"
    gold.write_text(
        f"article,tier,place,date,date_precision,kind,actor,controller,{column},note\n"
        "x.txt,distractor,Baghouz,,,,,,The SDF captured Baghouz on Monday.,not captured\n"
        "x.txt,core,Baghouz,2019-03-17,day,captured,SDF,SDF,whatever,\n",
        encoding="utf-8",
    )
    scores = score(extract(data, None, jobs=1).events, read_gold(gold, gazetteer))
    assert [d["place"] for d in scores.distractors_triggered] == ["baghuz_fawqani"]
    assert scores.recall == 0.0 and scores.precision == 0.0


def test_every_event_carries_its_place_mention(built, gazetteer):
    """Non-inferred events quote a sentence that names their place, or refers back to it
    ('the town')."""
    from geomap.extract.mentions import MentionFinder
    from geomap.extract.text import Span

    finder = MentionFinder(gazetteer)
    for event in built.extraction.events:
        if event.inferred:
            continue
        for claim in event.claims:
            found = finder.find(Span(0, len(claim.evidence), claim.evidence), claim.evidence)
            refers_back = re.search(
                r"\b(?:the|this|that) (?:town|city|village|camp)\b", claim.evidence, re.I
            )
            assert event.place_id in {m.place_id for m in found} or refers_back, claim.evidence


HEADER = "article,tier,place,date,date_precision,kind,actor,controller,sentence_start,note\n"


def _event(kind, place_id, controller, *, article="a.txt", date="2018-12-14", **more):
    """An extracted event as the timeline holds it (one claim, from ``article``)."""
    return Event(
        date=date,
        date_precision=more.pop("date_precision", "day"),
        place_id=place_id,
        place=place_id,
        kind=kind,
        actor=more.pop("actor", controller),
        controller=controller,
        article=article,
        evidence=more.pop("evidence", f"{kind} {place_id}."),
        **more,
    )


def _gold(tmp_path, gazetteer, *rows: str, header: str = HEADER):
    path = tmp_path / "gold.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return read_gold(path, gazetteer)


def test_a_claim_with_another_holder_is_a_miss_but_matches_when_lenient(tmp_path, gazetteer):
    gold = _gold(tmp_path, gazetteer, "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,x,")
    events = [_event("captured", "hajin", "ISIS")]
    strict = score(events, gold)
    assert (strict.core_found, strict.claims_correct, strict.claims_total) == (0, 0, 1)
    assert [(w["place"], w["controller"], w["gold"]) for w in strict.wrong_holder] == [
        ("hajin", "ISIS", "SDF")
    ]
    assert strict.confusion == {"captured": {"captured": 1, "none": 1}}
    lenient = score(events, gold, lenient=True)
    assert (lenient.core_found, lenient.claims_correct) == (1, 1)
    assert lenient.wrong_holder == []
    assert lenient.confusion == {"captured": {"captured": 1}}


def test_contested_rows_and_rows_without_a_controller_match_any_holder(tmp_path, gazetteer):
    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,core,Hajin,2018-12-14,day,contested,SDF,ISIS,x,",
        "a.txt,core,Sousa,2018-12-14,day,withdrew,ISIS,,y,",
    )
    events = [_event("contested", "hajin", "SDF"), _event("withdrew", "al_susah", "SDF")]
    scores = score(events, gold)
    assert (scores.core_found, scores.claims_correct, scores.claims_total) == (2, 2, 2)
    assert scores.wrong_holder == []


def test_inferred_events_are_never_claims(tmp_path, gazetteer):
    gold = _gold(tmp_path, gazetteer, "a.txt,core,Hajin,2018-12-14,day,held,ISIS,ISIS,x,")
    scores = score([_event("held", "hajin", "ISIS", inferred=True)], gold)
    assert (scores.core_found, scores.claims_total) == (0, 0)


def test_a_distractor_is_found_by_the_start_of_its_sentence(tmp_path, gazetteer):
    sentence = "The SDF said it would “soon” capture   Baghouz, the last village."
    gold = _gold(
        tmp_path,
        gazetteer,
        'a.txt,distractor,Baghouz,,,,,,"The SDF said it would ""soon"" capture Bag",prediction',
        "a.txt,distractor,Hajin,,,,,,The SDF said it would,another place",
        "b.txt,distractor,,,,,,,The SDF said it would,another article",
    )
    events = [
        _event("captured", "baghuz_fawqani", "SDF", evidence=sentence),
        _event("contested", "baghuz_fawqani", "SDF", evidence=sentence, date="2018-12-15"),
    ]
    scores = score(events, gold)
    assert [(d["line"], d["place"], d["kind"]) for d in scores.distractors_triggered] == [
        (2, "baghuz_fawqani", "captured")
    ]
    assert scores.by_article["a.txt"].distractors_triggered == 1
    assert scores.by_article["b.txt"].distractors_total == 1
    # a sentence that took in the headline before it still quotes the distractor
    joined = [_event("captured", "baghuz_fawqani", "SDF", evidence="Headline\n" + sentence)]
    assert len(score(joined, gold).distractors_triggered) == 1
    # a sentence without the distractor's start does not
    other = [_event("captured", "baghuz_fawqani", "SDF", evidence="Reports say Baghouz fell.")]
    assert score(other, gold).distractors_triggered == []


def test_a_whole_sentence_distractor_still_matches_exactly(tmp_path, gazetteer):
    header = HEADER.replace("sentence_start", "sentence")
    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,distractor,Hajin,,,,,,The SDF may take Hajin.,hope",
        header=header,
    )
    hit = _event("captured", "hajin", "SDF", evidence="The  SDF may take Hajin.")
    miss = _event("captured", "hajin", "SDF", evidence="The SDF may take Hajin. And more.")
    assert len(score([hit], gold).distractors_triggered) == 1
    assert score([miss], gold).distractors_triggered == []


def test_per_article_and_confusion_counts(tmp_path, gazetteer):
    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,x,",
        "a.txt,core,Sousa,2018-12-14,day,held,ISIS,ISIS,x,",
        "a.txt,optional,Shaafah,2018-12,month,contested,SDF,ISIS,x,",
        "b.txt,core,Baghouz,2019-03-18,day,besieged,SDF,ISIS,x,",
        "b.txt,distractor,Baghouz,,,,,,Nothing here,",
    )
    events = [
        _event("captured", "hajin", "SDF"),  # right
        _event("contested", "al_susah", "ISIS"),  # gold says held: kind confusion
        _event("contested", "al_shaafah", "ISIS", date="2018-12-20"),  # optional, in its month
        _event("captured", "al_mayadin", "SDF"),  # no gold row at all
        _event("besieged", "baghuz_fawqani", "ISIS", article="b.txt", date="2019-03-17"),
    ]
    scores = score(events, gold)
    assert scores.confusion == {
        "captured": {"captured": 1},
        "held": {"contested": 1, "none": 1},
        "besieged": {"none": 1},
        "contested": {"contested": 1},
        "none": {"captured": 1, "besieged": 1},
    }
    a, b = scores.by_article["a.txt"], scores.by_article["b.txt"]
    assert (a.core_total, a.core_found, a.claims_total, a.claims_correct) == (2, 1, 4, 2)
    assert (b.core_total, b.core_found, b.claims_total, b.claims_correct) == (1, 0, 1, 0)
    assert (b.distractors_total, b.distractors_triggered) == (1, 0)
    assert (scores.core_total, scores.core_found, scores.claims_total) == (3, 1, 5)


def test_a_core_row_naming_a_place_the_gazetteer_lacks_is_counted_and_missed(tmp_path, gazetteer):
    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,x,",
        "a.txt,core,Nowhereville,2018-12-14,day,captured,SDF,SDF,x,",
    )
    scores = score([_event("captured", "hajin", "SDF")], gold)
    assert scores.missing_place == 1
    assert [m["place"] for m in scores.missing_places] == ["Nowhereville"]
    assert (scores.core_found, scores.core_total) == (1, 2)


def test_read_gold_needs_a_sentence_column(tmp_path, gazetteer):
    path = tmp_path / "gold.csv"
    path.write_text(
        "article,tier,place,date,date_precision,kind,actor,controller,note\n"
        "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,\n",
        encoding="utf-8",
    )
    with pytest.raises(GoldFileError) as caught:
        read_gold(path, gazetteer)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), 1, "sentence_start")
    assert "sentence" in error.message


def test_read_gold_needs_a_distractors_sentence(tmp_path, gazetteer):
    with pytest.raises(GoldFileError) as caught:
        _gold(tmp_path, gazetteer, "a.txt,distractor,Hajin,,,,,,,no sentence")
    assert (caught.value.line, caught.value.field) == (2, "sentence_start")


def test_confidence_table_bins_claims_and_counts_those_at_or_above(tmp_path, gazetteer):
    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,x,",
        "a.txt,core,Sousa,2018-12-14,day,captured,SDF,SDF,x,",
    )
    events = [
        _event("captured", "hajin", "SDF", confidence=0.95),
        _event("captured", "al_susah", "SDF", confidence=1.0),
        _event("captured", "al_shaafah", "SDF", confidence=0.75),
        _event("captured", "al_mayadin", "SDF", confidence=0.2),
    ]
    table = confidence_table(events, gold, (0.0, 0.5, 0.9, 1.0))
    assert [(r.low, r.claims, r.correct) for r in table.bins] == [
        (0.0, 1, 0),
        (0.5, 1, 0),
        (0.9, 2, 2),
    ]
    assert [(r.low, r.claims, r.correct) for r in table.at_or_above] == [
        (0.0, 4, 2),
        (0.5, 3, 2),
        (0.9, 2, 2),
    ]
    assert table.bins[0].precision == 0.0 and table.at_or_above[1].precision == 2 / 3


EVAL = Path(__file__).resolve().parent.parent / "eval"
DEV_TEXT = "The SDF captured Hajin on Friday. Fighting went on near “Sousa”.\n"
TEST_TEXT = "Secret test sentence: the SDF seized Shaafah on Friday.\n"


def _name(prefix: str, url: str) -> str:
    import hashlib

    return f"{prefix}_{hashlib.sha1(url.encode()).hexdigest()[:8]}.txt"


def _corpus(root: Path) -> dict[str, str]:
    """A two-article eval folder (one dev, one test) in the corpus's formats."""
    dev_url, test_url = "https://example.org/dev", "https://example.org/test"
    dev, test = _name("eu", dev_url), _name("eu", test_url)
    (root / "texts").mkdir(parents=True)
    for name, url, body in ((dev, dev_url, DEV_TEXT), (test, test_url, TEST_TEXT)):
        (root / "texts" / name).write_text(
            f"---\ntitle: t\noutlet: Wire\npublished: 2018-12-15\nurl: {url}\n---\n{body}",
            encoding="utf-8",
        )
    (root / "SOURCES.csv").write_text(
        "file,url,outlet,published,title,campaign,split\n"
        f"{dev},{dev_url},Wire,2018-12-15,t,euphrates,dev\n"
        f"{test},{test_url},Wire,2018-12-15,t,euphrates,test\n",
        encoding="utf-8",
    )
    (root / "gold.csv").write_text(
        HEADER + f"{dev},core,Hajin,2018-12-14,day,captured,SDF,SDF,The SDF captured Hajin,\n"
        f'{dev},optional,Sousa,2018-12-15,day,contested,SDF,,"near ""Sousa""",\n'
        f"{test},core,Shaafah,2018-12-14,day,captured,SDF,SDF,Secret test sentence:,\n"
        f"{test},core,Shaafah,2018-12-13,day,besieged,SDF,ISIS,Secret test sentence:,missed\n",
        encoding="utf-8",
    )
    return {"dev": dev, "test": test}


def _script(name: str, *args, cwd: Path):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, str(EVAL / name), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_check_passes_a_consistent_corpus_and_counts_it(tmp_path):
    _corpus(tmp_path / "eval")
    result = _script("check.py", "--root", "eval", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert ["euphrates", "1", "1", "2"] in [line.split() for line in lines]
    assert ["core", "1", "2", "3"] in [line.split() for line in lines]
    assert "outlets: 1" in lines


def test_check_lists_each_problem_on_a_line_and_exits_1(tmp_path):
    root = tmp_path / "eval"
    names = _corpus(root)
    text = root / "texts" / names["dev"]
    text.write_text(text.read_text().replace("2018-12-15", "2018-12-16"), encoding="utf-8")
    (root / "texts" / "eu_stray.txt").write_text("---\npublished: 2018-12-15\n---\nx\n")
    sources = (root / "SOURCES.csv").read_text()
    (root / "SOURCES.csv").write_text(
        sources + "eu_other.txt,https://example.org/dev,Wire,2018-12-15,t,euphrates,train\n"
    )
    gold = (root / "gold.csv").read_text()
    (root / "gold.csv").write_text(
        gold.replace("The SDF captured Hajin", "The SDF took Hajin")
        + "nowhere.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,x,\n"
    )
    result = _script("check.py", "--root", "eval", cwd=tmp_path)
    assert result.returncode == 1
    problems = result.stderr.splitlines()
    expected = [
        "eval/SOURCES.csv:4: field 'split': 'train' is not dev or test",
        "eval/SOURCES.csv:4: field 'file': 'eu_other.txt' should be",
        "eval/SOURCES.csv:4: field 'url': 'https://example.org/dev' is listed already on line 2",
        f"eval/texts/{names['dev']}: field 'published': 2018-12-16 in the front matter",
        "eval/texts/eu_other.txt: not found",
        "eval/texts/eu_stray.txt: not listed in SOURCES.csv",
        "eval/gold.csv:2: field 'sentence_start': not found in",
        "eval/gold.csv:6: field 'article': 'nowhere.txt' is not listed",
    ]
    for start in expected:
        assert sum(p.startswith(start) for p in problems) == 1, (start, problems)
    assert len(problems) == len(expected), problems


def test_check_without_the_texts_says_so_and_exits_0(tmp_path):
    import shutil

    _corpus(tmp_path / "eval")
    shutil.rmtree(tmp_path / "eval" / "texts")
    result = _script("check.py", "--root", "eval", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stdout.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and "eval/texts/ is missing" in notices[0]


def test_run_scores_each_split_and_keeps_the_test_sentences_back(tmp_path):
    _corpus(tmp_path / "eval")
    result = _script("run.py", "--root", "eval", "--split", "all", "-v", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[1][:3] == ["claims", "the", "map"]  # the first table: what the map colours
    assert ["euphrates", "dev", "1", "1.000", "(1/1)"] == rows[3][:5]
    assert rows[4][:2] == ["euphrates", "test"] and rows[5][:2] == ["total", "all"]
    assert "details withheld" in result.stdout
    assert "Secret test sentence" not in result.stdout

    hidden = _script("run.py", "--root", "eval", "--split", "test", "--json", cwd=tmp_path)
    report = json.loads(hidden.stdout)
    assert report["runs"][0]["scores"]["core_total"] == 2
    assert "missed_core" not in report["runs"][0]["scores"] and "Secret" not in hidden.stdout

    shown = _script(
        "run.py",
        *("--root", "eval", "--split", "test", "-v", "--i-know-this-is-the-test-split"),
        cwd=tmp_path,
    )
    assert "Secret test sentence" in shown.stdout


def test_the_map_s_state_is_compared_with_the_core_rows_day_by_day(tmp_path, gazetteer):
    from geomap.evaluate import gold_events, map_agreement
    from geomap.timeline import Timeline

    gold = _gold(
        tmp_path,
        gazetteer,
        "a.txt,core,Hajin,2018-12-10,day,contested,SDF,ISIS,SDF fighters attacked Hajin,",
        "a.txt,core,Hajin,2018-12-14,day,captured,SDF,SDF,SDF fighters captured Hajin,",
        "a.txt,optional,Sousa,2018-12-10,day,held,ISIS,ISIS,ISIS holds Sousa,",
        "a.txt,core,Shaafah,2018-12,month,captured,SDF,SDF,SDF took Shaafah this month,",
    )
    truth = Timeline(gold_events(gold), gazetteer).states
    assert set(truth) == {"hajin", "al_shaafah"}  # core rows only
    found = Timeline(
        [
            _event("contested", "hajin", "ISIS", date="2018-12-10", actor="SDF"),
            _event("captured", "hajin", "SDF", date="2018-12-16"),  # two days late
        ],
        gazetteer,
    ).states
    agreement = map_agreement(found, truth)
    # the truth knows Hajin fought over on the 10th (a fight: that day only) and held by the
    # SDF from the 14th (to the truth's last day, the 14th); the map is right on the 10th,
    # wrong on the 14th (the capture two days late); Shaafah's month-dated capture tells no day
    assert (agreement.agree, agreement.known) == (1, 2)
    assert agreement.places["hajin"] == (1, 2) and agreement.places["al_shaafah"] == (0, 0)
    later = Timeline(
        [*gold_events(gold), _event("held", "hajin", "SDF", date="2018-12-20")], gazetteer
    ).states
    assert map_agreement(found, later).places["hajin"] == (6, 8)  # 10th; held 14th-20th: 16th on
    assert map_agreement({}, truth).agree == 0
