"""Score geomap's extractor on the evaluation corpus (eval/SOURCES.csv, eval/texts/, eval/gold.csv).

    python eval/run.py [--split dev|test|all] [--campaign NAME] [--lenient] [--json] [-v]
                       [--calibration] [--map-state]

For each campaign and split, the split's texts are copied into a temporary data folder
beside the campaign's gazetteer.csv (and campaign.toml, if any), extracted with geomap, and
scored against the gold rows of those articles. Prints one row per campaign and split and a
total: articles, core recall, claim precision, distractors triggered. ``--map-state``: on how
many place-days the map's state (the timeline of the claims it colours) agrees with the state
the gold rows give, from each place's first gold row to the last gold day.

Rule writers must not read the test split: its sentences are printed only with -v, --split
test and --i-know-this-is-the-test-split together; otherwise only its counts are shown.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geomap.campaign import load_campaign
from geomap.evaluate import (
    GoldRow,
    MapAgreement,
    Scores,
    confidence_lines,
    confidence_table,
    confusion_lines,
    detail_lines,
    gold_events,
    map_agreement,
    read_gold,
    score,
    table_lines,
)
from geomap.exc import GeomapError
from geomap.pipeline import extract
from geomap.records import MIN_CONFIDENCE, Event
from geomap.timeline import Timeline, build_timeline, merge_events

EVAL = Path(__file__).resolve().parent
REPO = EVAL.parent
# campaign -> its data folder (gazetteer.csv, optional campaign.toml); any other campaign's
# is eval/campaigns/<campaign>/
DATA_DIRS = {"euphrates": REPO / "data"}
PROFILE_FILES = ("gazetteer.csv", "campaign.toml")
SPLITS = ("dev", "test")
# the lists of a Scores that quote the articles or their annotation
QUOTING = ("missed_core", "unmatched_claims", "distractors_triggered", "wrong_holder")
QUOTING += ("missing_places",)


@dataclass
class Run:
    """One campaign's split: its articles, what extraction found, and the scores."""

    campaign: str
    split: str
    articles: list[str]
    events: list[Event] = field(default_factory=list)
    gold: list[GoldRow] = field(default_factory=list)
    scores: Scores | None = None
    every: Scores | None = None
    map_state: MapAgreement | None = None


def data_dir(campaign: str, root: Path) -> Path:
    """The folder holding a campaign's gazetteer.csv (and campaign.toml)."""
    return DATA_DIRS.get(campaign, root / "campaigns" / campaign)


def read_sources(path: Path) -> list[dict[str, str]]:
    """SOURCES.csv's rows (eval/check.py checks them)."""
    text = path.read_text(encoding="utf-8-sig")
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def run_one(
    run: Run, root: Path, gold_path: Path, lenient: bool, threshold: float, map_state: bool = False
) -> None:
    """Extract one campaign's split in a temporary data folder and score it (``map_state``:
    and compare the map's states with the gold rows', day by day)."""
    source = data_dir(run.campaign, root)
    campaign = load_campaign(source)
    gazetteer = campaign.gazetteer
    wanted = set(run.articles)
    run.gold = [g for g in read_gold(gold_path, gazetteer) if g.article in wanted]
    with tempfile.TemporaryDirectory(prefix=f"geomap-eval-{run.campaign}-{run.split}-") as tmp:
        folder = Path(tmp)
        for name in PROFILE_FILES:
            if (source / name).is_file():
                shutil.copyfile(source / name, folder / name)
        (folder / "articles").mkdir()
        for name in run.articles:
            shutil.copyfile(root / "texts" / name, folder / "articles" / name)
        run.events = extract(folder, None, jobs=1).events
    run.scores = score(run.events, run.gold, lenient=lenient, min_confidence=threshold)
    run.every = score(run.events, run.gold, lenient=lenient)
    if map_state:
        drawn = build_timeline(
            run.events, gazetteer, profile=campaign.profile, min_confidence=threshold
        )
        truth = Timeline(merge_events(gold_events(run.gold)), gazetteer)
        run.map_state = map_agreement(drawn.states, truth.states)


def row_of(label: str, split: str, articles: int, scores: Scores) -> list[object]:
    return [
        label,
        split,
        articles,
        f"{scores.recall:.3f} ({scores.core_found}/{scores.core_total})",
        f"{scores.precision:.3f} ({scores.claims_correct}/{scores.claims_total})",
        f"{len(scores.distractors_triggered)}/{scores.distractors_total}",
    ]


def map_row(label: str, split: str, agreement: MapAgreement) -> list[object]:
    return [label, split, agreement.agree, agreement.known, f"{agreement.share:.3f}"]


def withheld(scores: dict) -> dict:
    """The scores without the lists that quote the test split (counts kept)."""
    return {k: v for k, v in scores.items() if k not in QUOTING}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev")
    parser.add_argument("--campaign", help="only this campaign (default: all)")
    parser.add_argument("--lenient", action="store_true", help="match without the holder")
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=MIN_CONFIDENCE,
        help=f"score the claims the map colours (default {MIN_CONFIDENCE}); 0: every claim",
    )
    parser.add_argument("--json", action="store_true", help="print everything as JSON")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list misses, unmatched claims, wrong holders and triggered distractors",
    )
    parser.add_argument(
        "--calibration", action="store_true", help="precision of claims by confidence"
    )
    parser.add_argument(
        "--i-know-this-is-the-test-split",
        dest="test_ok",
        action="store_true",
        help="with -v and --split test: show the test split's sentences",
    )
    parser.add_argument(
        "--map-state",
        action="store_true",
        help="place-days on which the map's state agrees with the gold rows' state",
    )
    parser.add_argument("--root", type=Path, default=EVAL, help="the eval folder (default: here)")
    args = parser.parse_args(argv)
    root: Path = args.root
    show_test = args.verbose and args.split == "test" and args.test_ok

    if not (root / "texts").is_dir():
        print(f"{root / 'texts'}/ is missing (the texts are not in git): nothing to score")
        return 1
    try:
        sources = read_sources(root / "SOURCES.csv")
    except OSError as error:
        print(f"{root / 'SOURCES.csv'}: {error.strerror or error}", file=sys.stderr)
        return 1
    splits = SPLITS if args.split == "all" else (args.split,)
    campaigns = sorted({s["campaign"] for s in sources})
    if args.campaign:
        if args.campaign not in campaigns:
            known = ", ".join(campaigns) or "none"
            print(f"no campaign {args.campaign!r} in SOURCES.csv ({known})", file=sys.stderr)
            return 1
        campaigns = [args.campaign]

    runs: list[Run] = []
    failed = False
    for campaign in campaigns:
        if not (data_dir(campaign, root) / "gazetteer.csv").is_file():
            where = data_dir(campaign, root) / "gazetteer.csv"
            print(f"{campaign}: {where} not found; skipped", file=sys.stderr)
            failed = True
            continue
        for split in splits:
            articles = sorted(
                s["file"] for s in sources if s["campaign"] == campaign and s["split"] == split
            )
            if not articles:
                continue
            run = Run(campaign, split, articles)
            try:
                run_one(
                    run, root, root / "gold.csv", args.lenient, args.min_confidence, args.map_state
                )
            except (GeomapError, OSError) as error:
                print(f"{campaign} {split}: {error}", file=sys.stderr)
                print("  (python eval/check.py lists the corpus's problems)", file=sys.stderr)
                failed = True
                continue
            runs.append(run)
    if not runs:
        print("nothing was scored", file=sys.stderr)
        return 1

    all_events = [e for run in runs for e in run.events]
    all_gold = [g for run in runs for g in run.gold]
    total = score(all_events, all_gold, lenient=args.lenient, min_confidence=args.min_confidence)
    every = score(all_events, all_gold, lenient=args.lenient)
    has_test = any(run.split == "test" for run in runs)
    calibration = confidence_table(all_events, all_gold, lenient=args.lenient)

    if args.json:

        def shown(run_split: str, scores: Scores) -> dict:
            out = scores.as_dict()
            hidden = run_split == "test" or (run_split == "all" and has_test)
            return out if show_test or not hidden else withheld(out)

        report = {
            "lenient": args.lenient,
            "runs": [
                {
                    "campaign": run.campaign,
                    "split": run.split,
                    "articles": len(run.articles),
                    "scores": shown(run.split, run.scores),
                }
                for run in runs
            ],
            "total": shown("all", total),
        }
        if args.calibration:
            report["calibration"] = calibration.as_dict()
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 1 if failed else 0

    header = ["campaign", "split", "articles", "core recall", "claim precision", "distractors"]
    rows = [row_of(run.campaign, run.split, len(run.articles), run.scores) for run in runs]
    rows.append(row_of("total", args.split, sum(len(run.articles) for run in runs), total))
    print(f"matching: {'lenient (holder not checked)' if args.lenient else 'strict'}")
    print(f"claims the map colours (confidence >= {args.min_confidence:g}):")
    print("\n".join(table_lines(header, rows)))
    if args.min_confidence > 0:
        print("every claim, unconfirmed ones too (--min-confidence 0):")
        rows = [row_of(run.campaign, run.split, len(run.articles), run.every) for run in runs]
        rows.append(row_of("total", args.split, sum(len(run.articles) for run in runs), every))
        print("\n".join(table_lines(header, rows)))
    if args.verbose:
        for run in runs:
            print(f"\n{run.campaign} {run.split}:")
            if run.split == "test" and not show_test:
                print(
                    "  details withheld: rule writers must not read the test split "
                    "(-v --split test --i-know-this-is-the-test-split shows them)"
                )
                continue
            print(
                "\n".join(
                    ["  " + line for line in confusion_lines(run.scores)] + detail_lines(run.scores)
                )
            )
    if args.map_state:
        print("\nthe map's state against the gold rows' state, place-days:")
        rows = [map_row(run.campaign, run.split, run.map_state) for run in runs]
        both = MapAgreement(
            sum(run.map_state.agree for run in runs), sum(run.map_state.known for run in runs)
        )
        rows.append(map_row("total", args.split, both))
        print("\n".join(table_lines(["campaign", "split", "agree", "known", "share"], rows)))
    if args.calibration:
        print(f"\ncalibration ({args.split}):")
        print("\n".join(f"  {line}" for line in confidence_lines(calibration)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
