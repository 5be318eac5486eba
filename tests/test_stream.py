"""Extraction in batches, spilled by buckets of places: the same outputs as merging the whole
campaign at once, from any input (folder, glob, Parquet, JSONL), on one process, a pool or
a two-worker Dask cluster."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from conftest import DATA, ROOT
from geomap import sources, stream
from geomap.articles import iter_articles
from geomap.campaign import load_campaign
from geomap.cli import main
from geomap.extract import Extractor
from geomap.pipeline import _curation, _reviews, extract, write_event_outputs
from geomap.reviews import apply_reviews
from geomap.timeline import build_timeline

OUTPUTS = ("events.csv", "events.geojson", "mentions.csv")


def whole_campaign_outputs(
    data: Path, out: Path, min_confidence: float = 0.6, reviewed_only: bool = False
) -> dict[str, bytes]:
    """The outputs as one merge over every raw event (the design before batches)."""
    campaign = load_campaign(data)
    extractor = Extractor(campaign.gazetteer, campaign.profile, unknown_names=False)
    raw, mentions = [], []
    for result in extractor.iter(iter_articles(data / "articles")):
        raw += result.events
        mentions += result.mentions
    reviews = _reviews(data, campaign)
    if reviews is not None:
        raw = apply_reviews(raw, reviews, {p.id: p.name for p in campaign.gazetteer}).events
    curated, rejected = _curation(data, campaign)
    timeline = build_timeline(
        raw,
        campaign.gazetteer,
        profile=campaign.profile,
        curated=curated,
        rejected=rejected,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
    )
    out.mkdir()
    write_event_outputs(timeline, mentions, out)
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def written(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.fixture()
def curated_data(tmp_path: Path) -> Path:
    """data/ with a curated row, a rejection and an analyst's decisions."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    first = extract(data, None, jobs=1, keep_claims=True)
    events = first.events
    captured = next(e for e in events if e.kind == "captured" and not e.inferred)
    inferred = next(e for e in events if e.inferred and e.kind == "withdrew")
    (data / "events.csv").write_text(
        "event_id,date,place_id,kind,actor,controller,evidence\n"
        f"{captured.event_id},{captured.date},{captured.place_id},captured,"
        f"{captured.actor},{captured.controller},an analyst's note\n"
        f"{inferred.event_id},,,reject,,,\n",
        encoding="utf-8",
    )
    from geomap.reviews import claim_ids

    claims = first.claims
    ids = claim_ids(claims)
    rows = [
        (ids[0], "reject", "wrong_place"),
        (ids[1], "accept", ""),
        ("cl-00000000-0-00000000", "accept", ""),
    ]
    (data / "reviews.csv").write_text(
        "event_id,decision,corrected_fields,reason,reviewer,time\n"
        + "".join(f"{i},{d},,{r},test,2024-01-01T00:00:00\n" for i, d, r in rows),
        encoding="utf-8",
    )
    return data


def test_buckets_and_batches_write_what_one_merge_of_the_campaign_writes(
    curated_data, tmp_path, monkeypatch
):
    reference = whole_campaign_outputs(curated_data, tmp_path / "whole")
    monkeypatch.setattr(sources, "BATCH_ARTICLES", 1)  # five batches
    for buckets in (1, 7):  # the 'last town held' claims cross buckets
        monkeypatch.setattr(stream, "bucket_count", lambda _n, _w=1, b=buckets: b)
        out = tmp_path / f"b{buckets}"
        result = extract(curated_data, out, jobs=1, in_memory=False)
        assert written(out) == reference, buckets
        assert result.reviews.rejected == 1 and result.reviews.orphans == 1


@pytest.mark.parametrize(("min_confidence", "reviewed_only"), [(0.0, False), (0.6, True)])
def test_the_threshold_and_reviewed_only_apply_bucket_by_bucket(
    curated_data, tmp_path, monkeypatch, min_confidence, reviewed_only
):
    if reviewed_only:  # nothing is inferred from unreviewed claims: no row to reject
        curated = curated_data / "events.csv"
        kept = [line for line in curated.read_text().splitlines() if ",reject," not in line]
        curated.write_text("\n".join(kept) + "\n", encoding="utf-8")
    reference = whole_campaign_outputs(
        curated_data, tmp_path / "whole", min_confidence, reviewed_only
    )
    monkeypatch.setattr(stream, "bucket_count", lambda _n, _w=1: 5)
    out = tmp_path / "out"
    extract(
        curated_data,
        out,
        jobs=1,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
        in_memory=False,
    )
    assert written(out) == reference


def test_in_memory_result_reads_the_same_timeline_back(curated_data, tmp_path):
    result = extract(curated_data, tmp_path / "out", jobs=1)
    assert written(tmp_path / "out") == whole_campaign_outputs(curated_data, tmp_path / "w")
    assert any(e.curated for e in result.timeline.events)
    assert result.counts()["mentions"] == len(result.mentions) > 0


def corpus(tmp_path: Path, articles: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    data = tmp_path / "gen"
    generate(data, 150, 0, articles, seed=11)
    return data


def test_two_dask_workers_write_the_bytes_of_the_local_run(tmp_path):
    pytest.importorskip("distributed")
    data = corpus(tmp_path, 240)
    runner = CliRunner()
    local = runner.invoke(main, ["extract", "--data", str(data), "--out", str(tmp_path / "l")])
    assert local.exit_code == 0, local.output
    args = ["extract", "--data", str(data), "--out", str(tmp_path / "d"), "--json"]
    on_dask = runner.invoke(main, [*args, "--dask", "--jobs", "2"])
    assert on_dask.exit_code == 0, on_dask.output
    assert json.loads(on_dask.stdout)["articles"] == 240
    assert written(tmp_path / "d") == written(tmp_path / "l")
    assert not list(tmp_path.glob(".d.spill-*"))  # the spill folder is removed


def table_rows(data: Path) -> list[dict]:
    rows = []
    for article in iter_articles(data / "articles"):
        rows.append(
            {
                "name": article.name,
                "title": article.title,
                "outlet": article.outlet,
                "published": article.published.isoformat(),
                "url": article.url,
                "text": article.body,
            }
        )
    return rows


def run_extract(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["extract", "-q", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", ["folder", "glob", "parquet", "jsonl"])
def test_every_input_kind_gives_the_outputs_of_the_articles_folder(tmp_path, kind):
    reference = tmp_path / "ref"
    assert run_extract("--data", str(DATA), "--out", str(reference))[0] == 0
    if kind == "folder":
        source = tmp_path / "feed"
        shutil.copytree(DATA / "articles", source)
    elif kind == "glob":
        source = f"{DATA / 'articles'}/*.txt"
    elif kind == "parquet":
        source = tmp_path / "feed.parquet"
        pq.write_table(pa.Table.from_pylist(table_rows(DATA)), source, row_group_size=2)
    else:
        source = tmp_path / "feed.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in table_rows(DATA)), "utf-8")
    out = tmp_path / "out"
    code, output = run_extract("--data", str(DATA), "--out", str(out), "--input", str(source))
    assert code == 0, output
    assert written(out) == written(reference)


def test_rows_without_a_name_are_named_by_file_and_row(tmp_path):
    rows = table_rows(DATA)[:2]
    for row in rows:
        del row["name"]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    result = extract(DATA, None, source=feed, jobs=1)
    assert sorted(a["name"] for a in result.articles) == ["feed.jsonl#1", "feed.jsonl#2"]


def one_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


def test_a_parquet_file_without_a_text_column_is_one_line_naming_file_and_column(tmp_path):
    feed = tmp_path / "feed.parquet"
    pq.write_table(pa.table({"body": ["x"], "published": ["2018-12-14"]}), feed)
    code, output = run_extract(
        "--data", str(DATA), "--out", str(tmp_path / "o"), "--input", str(feed)
    )
    assert code == 1
    assert one_error(output) == f"error: {feed}, field 'text': has no column 'text'"


def test_a_parquet_column_of_numbers_is_refused_by_name(tmp_path):
    feed = tmp_path / "feed.parquet"
    pq.write_table(pa.table({"text": ["x"], "published": [20181214]}), feed)
    code, output = run_extract(
        "--data", str(DATA), "--out", str(tmp_path / "o"), "--input", str(feed)
    )
    assert code == 1 and "field 'published'" in one_error(output)
    assert "int64, not text" in output


def test_a_bad_date_in_a_parquet_row_names_the_row(tmp_path):
    rows = table_rows(DATA)[:3]
    rows[2]["published"] = "14/12/2018"
    feed = tmp_path / "feed.parquet"
    pq.write_table(pa.Table.from_pylist(rows), feed)
    code, output = run_extract(
        "--data", str(DATA), "--out", str(tmp_path / "o"), "--input", str(feed)
    )
    assert code == 1
    assert one_error(output).startswith(
        f"error: {feed} (row 3), field 'published': 'published' is '14/12/2018', not a date"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"text": "Hajin fell.", "published": "2018-12-14"', "is not a JSON object"),
        ('{"text": "Hajin fell."}', "field 'published': has no 'published'"),
        ('{"text": 5, "published": "2018-12-14"}', "field 'text': 'text' is int, not text"),
        ('{"text": "  ", "published": "2018-12-14"}', "field 'text': has an empty 'text'"),
    ],
)
def test_a_bad_jsonl_line_is_one_line_naming_file_line_and_field(tmp_path, line, expected):
    good = json.dumps(table_rows(DATA)[0])
    feed = tmp_path / "feed.jsonl"
    feed.write_text(f"{good}\n{line}\n", "utf-8")
    code, output = run_extract(
        "--data", str(DATA), "--out", str(tmp_path / "o"), "--input", str(feed)
    )
    assert code == 1
    assert one_error(output).startswith(f"error: {feed}:2")
    assert expected in output


def test_keep_going_lists_a_bad_row_and_reads_the_others(tmp_path):
    rows = table_rows(DATA)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps(r) + "\n" for r in rows[:2]) + "not json\n", encoding="utf-8"
    )
    result = extract(DATA, None, source=feed, jobs=1, keep_going=True)
    assert len(result.articles) == 2 and len(result.report.errors) == 1
    assert f"{feed}:3" in str(result.report.errors[0])


def test_a_glob_matching_nothing_says_so(tmp_path):
    code, output = run_extract(
        "--data", str(DATA), "--out", str(tmp_path / "o"), "--input", str(tmp_path / "*.jsonl")
    )
    assert code == 1 and "no file matches this pattern" in one_error(output)


def test_an_output_folder_inside_the_input_is_refused(tmp_path):
    feed = tmp_path / "feed"
    shutil.copytree(DATA / "articles", feed)
    code, output = run_extract(
        "--data", str(DATA), "--out", str(feed / "out"), "--input", str(feed)
    )
    assert code == 2 and "field '--out'" in one_error(output)
