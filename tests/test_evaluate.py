import re
from pathlib import Path

from geomap.evaluate import read_gold, score
from geomap.pipeline import extract

GOLD = Path(__file__).parent / "data" / "seed_events.csv"


def test_seed_scores_meet_the_targets(built, gazetteer):
    scores = score(built.extraction.events, read_gold(GOLD, gazetteer))
    assert scores.recall >= 0.95, scores.missed_core
    assert scores.precision >= 0.90, scores.unmatched_claims
    assert scores.distractors_triggered == []
    assert scores.distractors_total == 9


def test_a_triggered_distractor_is_reported(tmp_path, gazetteer):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "gazetteer.csv").write_bytes(Path("data/gazetteer.csv").read_bytes())
    (data / "campaign.toml").write_bytes(Path("data/campaign.toml").read_bytes())
    (data / "articles" / "x.txt").write_text(
        "---\npublished: 2019-03-18\n---\nThe SDF captured Baghouz on Monday.\n", encoding="utf-8"
    )
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article,tier,place,date,date_precision,kind,actor,controller,sentence,note\n"
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
