"""The analyst's decisions: data/reviews.csv, its writers, and what build and evaluate make
of it."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from geomap import pipeline
from geomap.app.queue import load_queue
from geomap.exc import ReviewConflict
from geomap.reviews import (
    REVIEW_COLUMNS,
    ReviewStore,
    claim_ids,
    make_review,
    match_reviews,
    read_reviews,
)


def _fake_id(writer: int, n: int) -> str:
    return f"cl-{writer:08x}-0-{n:08x}"


def _write_many(path: str, writer: int, count: int) -> None:
    store = ReviewStore(path)
    for n in range(count):
        store.decide(make_review(_fake_id(writer, n), "accept", reviewer=f"w{writer}"))


def _queue(data_dir: Path):
    return load_queue(data_dir, jobs=1)


def _claim(queue, place_id: str):
    return next(c for c in queue.claims if c.place_id == place_id)


def test_the_file_has_the_issue_columns_one_sorted_row_per_claim(tmp_path):
    store = ReviewStore(tmp_path / "reviews.csv")
    store.decide(make_review(_fake_id(2, 0), "reject", reason="wrong_date", reviewer="ana"))
    store.decide(make_review(_fake_id(1, 0), "correct", corrected={"kind": "held"}, reviewer="b"))
    store.decide(make_review(_fake_id(2, 0), "accept", reviewer="ana"))  # replaces the reject
    lines = (tmp_path / "reviews.csv").read_text().splitlines()
    assert lines[0] == ",".join(REVIEW_COLUMNS)
    assert lines[0] == "event_id,decision,corrected_fields,reason,reviewer,time"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        [_fake_id(1, 0), "correct", "kind=held"],
        [_fake_id(2, 0), "accept", ""],
    ]


def test_two_threads_writing_at_once_lose_no_decision(tmp_path):
    path = str(tmp_path / "reviews.csv")
    threads = [threading.Thread(target=_write_many, args=(path, w, 40)) for w in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reviews = read_reviews(path)
    assert len(reviews) == 80
    assert {r.reviewer for r in reviews.values()} == {"w1", "w2"}


def test_two_processes_writing_at_once_lose_no_decision(tmp_path):
    path = str(tmp_path / "reviews.csv")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, w, 30)) for w in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(read_reviews(path)) == 60


def test_a_decision_on_a_row_another_tab_changed_is_refused(tmp_path):
    store = ReviewStore(tmp_path / "reviews.csv")
    first = store.decide(make_review(_fake_id(1, 1), "accept", reviewer="tab1"), expected="")
    with pytest.raises(ReviewConflict) as error:  # tab 2 still believes there is no decision
        store.decide(
            make_review(_fake_id(1, 1), "reject", reason="duplicate", reviewer="tab2"),
            expected="",
        )
    assert error.value.current == first
    assert read_reviews(tmp_path / "reviews.csv")[_fake_id(1, 1)].decision == "accept"
    store.restore(_fake_id(1, 1), None, expected=first.version)  # undo
    assert read_reviews(tmp_path / "reviews.csv") == {}


@pytest.mark.parametrize(
    "row,field",
    [
        ("cl-00000001-0-00000001,maybe,,,ana,2026-01-01T00:00:00Z", "decision"),
        ("cl-00000001-0-00000001,reject,,because,ana,2026-01-01T00:00:00Z", "reason"),
        ("cl-00000001-0-00000001,correct,colour=red,,ana,2026-01-01T00:00:00Z", "corrected_fields"),
        (
            "cl-00000001-0-00000001,correct,place_id=atlantis,,ana,2026-01-01T00:00:00Z",
            "corrected_fields",
        ),
        ("ev-123,accept,,,ana,2026-01-01T00:00:00Z", "event_id"),
    ],
)
def test_a_bad_row_is_one_error_naming_file_line_and_field(data_copy, cli, row, field):
    path = data_copy / "reviews.csv"
    path.write_text(",".join(REVIEW_COLUMNS) + "\n" + row + "\n")
    result = cli("build", "--data", data_copy, "--out", data_copy.parent / "out", "--jobs", 1)
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[0]
    assert message.startswith(f"error: {path}:2, field '{field}'")
    assert "Traceback" not in result.output


def test_a_claim_keeps_its_review_while_its_sentence_is_unchanged_and_is_flagged_when_edited(
    data_copy,
):
    queue = _queue(data_copy)
    claim = next(c for c in queue.claims if c.sentence.startswith("The capture of Hajin"))
    ReviewStore(data_copy / "reviews.csv").decide(
        make_review(claim.id, "reject", reason="wrong_date", reviewer="ana")
    )
    # another run, same text: the same id, the same decision
    again = _queue(data_copy)
    assert claim.id in {c.id for c in again.claims}
    statuses = match_reviews([c.id for c in again.claims], read_reviews(data_copy / "reviews.csv"))
    assert [s.status for s in statuses].count("rejected") == 1
    # the article's sentence is edited: the claim is flagged to review again
    article = data_copy / "articles" / claim.article
    article.write_text(
        article.read_text().replace("however, does not mark", "however, did not mark")
    )
    edited = _queue(data_copy)
    ids = [c.id for c in edited.claims]
    decided = match_reviews(ids, read_reviews(data_copy / "reviews.csv"))
    statuses = dict(zip(ids, decided, strict=True))
    flagged = [key for key, s in statuses.items() if s.status == "changed"]
    assert len(flagged) == 1
    assert flagged[0] != claim.id and flagged[0][:11] == claim.id[:11]  # same article, place
    assert statuses[flagged[0]].review.reason == "wrong_date"
    assert "rejected" not in {s.status for s in statuses.values()}


def test_claim_ids_are_the_same_for_the_same_sentence_and_place_whatever_the_reading(built):
    queue = load_queue("data", jobs=1)
    claims = pipeline.extract("data", None, jobs=1, keep_claims=True).claims
    redated = [c.copy(date="2018-01-01", date_precision="day", controller="") for c in claims]
    assert claim_ids(redated) == claim_ids(claims)
    assert sorted(claim_ids(claims)) == sorted(c.id for c in queue.claims)


def test_build_applies_reviews_rejected_never_colour_corrected_colour_as_corrected(data_copy):
    queue = _queue(data_copy)
    store = ReviewStore(data_copy / "reviews.csv")
    buqaan, shajla, susah = (_claim(queue, p) for p in ("buqaan", "shajla", "al_susah"))
    store.decide(make_review(buqaan.id, "reject", reason="hedge_prediction", reviewer="ana"))
    store.decide(
        make_review(
            shajla.id,
            "correct",
            corrected={"kind": "captured", "actor": "SDF", "controller": "SDF"},
            reviewer="ana",
        )
    )
    store.decide(make_review(susah.id, "accept", reviewer="ana"))
    result = pipeline.build(data_copy, data_copy.parent / "out", jobs=1)
    timeline = result.extraction.timeline
    assert not any(e.place_id == "buqaan" and not e.inferred for e in timeline.all_events)
    corrected = [e for e in timeline.events if e.place_id == "shajla" and not e.inferred]
    assert [(e.kind, e.controller, e.review) for e in corrected] == [
        ("captured", "SDF", "corrected")
    ]
    assert [e.review for e in timeline.events if e.place_id == "al_susah" and not e.inferred] == [
        "accepted"
    ]
    counts = result.extraction.reviews
    assert (counts.accepted, counts.rejected, counts.corrected) == (1, 1, 1)
    rows = (data_copy.parent / "out" / "events.csv").read_text()
    assert "buqaan" not in rows.split("\n", 1)[1].replace("inferred", "")  # no claim left


def test_reviewed_only_colours_only_accepted_or_corrected_claims(data_copy, cli):
    queue = _queue(data_copy)
    ReviewStore(data_copy / "reviews.csv").decide(
        make_review(_claim(queue, "al_susah").id, "accept", reviewer="ana")
    )
    out = data_copy.parent / "out"
    result = cli("build", "--data", data_copy, "--out", out, "--jobs", 1, "--reviewed-only")
    assert result.exit_code == 0, result.output
    assert "reviews: 1 of" in result.output
    summary = cli("build", "--data", data_copy, "--out", out, "--jobs", 1, "--json").output
    assert json.loads(summary)["reviews"]["accepted"] == 1
    timeline = pipeline.build(data_copy, out, jobs=1, reviewed_only=True).extraction.timeline
    assert {e.place_id for e in timeline.events} == {"al_susah"}
    # every other claim is listed as unconfirmed
    assert {e.place_id for e in timeline.unconfirmed} == {c.place_id for c in queue.claims} - {
        "al_susah"
    }


def test_reviewed_only_refuses_an_events_file(data_copy, cli, built):
    events = built.extraction.written[0]
    result = cli("build", "--data", data_copy, "--events", events, "--reviewed-only")
    assert result.exit_code == 2
    assert "--reviewed-only" in result.output


def test_evaluate_reviews_reports_precision_by_kind_and_reason(data_copy, cli):
    queue = _queue(data_copy)
    store = ReviewStore(data_copy / "reviews.csv")
    store.decide(make_review(_claim(queue, "al_susah").id, "accept", reviewer="ana"))
    store.decide(make_review(_claim(queue, "shajla").id, "accept", reviewer="ana"))
    store.decide(make_review(_claim(queue, "buqaan").id, "reject", reason="wrong_holder"))
    store.decide(
        make_review(_claim(queue, "mosul").id, "correct", corrected={"date": "2014-06-10"})
    )
    path = data_copy / "reviews.csv"
    result = cli("evaluate", "--reviews", path, "--data", data_copy, "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert (scores["accepted"], scores["decided"], scores["precision"]) == (2, 4, 0.5)
    assert scores["by_kind"] == {"held": {"decided": 4, "accepted": 2}}
    assert scores["rejected_by_reason"] == {"wrong holder": 1}
    assert scores["corrected_fields"] == {"date": 1}
    text = cli("evaluate", "--reviews", path, "--data", data_copy).output
    assert "precision  0.500  (2/4" in text
    assert "wrong holder" in text


def test_evaluate_needs_gold_or_reviews(cli):
    result = cli("evaluate")
    assert result.exit_code == 2
    assert "--gold FILE or --reviews FILE" in result.output
