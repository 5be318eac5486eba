"""Fit the confidence calibration (geomap/rules/en/calibration.toml) on the dev split.

Every dev article is extracted with the rules' own scores; each event is labelled right when
it matches a core or optional gold row of its article (strictly: place, kind, date and holder);
a logistic model (L2-penalised, Newton's method) learns the chance of being right from the
features of ``geomap.extract.calibration.features``. Before writing, it reports how well the
model ranks and separates claims of a war it was not fitted on (leave one campaign out, on the
dev split), next to the rules' own score. The test split is never read.

    python eval/calibrate.py            # report, and write the weights
    python eval/calibrate.py --dry-run  # report only
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from geomap.articles import read_article
from geomap.campaign import load_campaign
from geomap.evaluate import claims_of, matches, read_gold
from geomap.extract import Extractor
from geomap.extract.calibration import features, load_calibration

EVAL = Path(__file__).resolve().parent
sys.path.insert(0, str(EVAL))
from run import data_dir, read_sources  # noqa: E402

OUT = EVAL.parent / "geomap" / "rules" / "en" / "calibration.toml"
SEEDS = EVAL.parent / "data" / "articles"
SEED_GOLD = EVAL.parent / "tests" / "data" / "seed_events.csv"
PENALTY = 1.0  # L2 on the weights (not the bias), in units of one claim
THRESHOLDS = (0.6, 0.7, 0.8)
SURE = 0.8  # the rules' score from which a claim keeps it, unless calibration.toml says


Labelled = tuple[list[dict[str, float]], list[bool], list[str], list[tuple[str, ...]]]


def labelled(root: Path = EVAL) -> Labelled:
    """The dev split's events as (features, right?, campaign, doubts), the rules' own scores
    kept."""
    sources = [s for s in read_sources(root / "SOURCES.csv") if s["split"] == "dev"]
    # the seed articles (data/articles, tests/data/seed_events.csv) were read while writing
    # the rules: development text too, of this campaign
    seeds = [{"campaign": "euphrates", "file": p.name} for p in sorted(SEEDS.glob("*.txt"))]
    rows, right, campaigns, doubts = [], [], [], []
    for campaign in sorted({s["campaign"] for s in sources}):
        data = load_campaign(data_dir(campaign, root))
        extractor = Extractor(data.gazetteer, data.profile, unknown_names=False, calibrated=False)
        gold = read_gold(root / "gold.csv", data.gazetteer)
        ours = [s for s in sources if s["campaign"] == campaign]
        texts = [(s, root / "texts" / s["file"], gold) for s in ours]
        if campaign == "euphrates":
            seed_gold = read_gold(SEED_GOLD, data.gazetteer)
            texts += [(s, SEEDS / s["file"], seed_gold) for s in seeds]
        for source, path, gold in texts:
            events = extractor(read_article(path)).events
            positives = [
                g for g in gold if g.article == source["file"] and g.tier in ("core", "optional")
            ]
            rows += features(events, data.gazetteer)
            for event in events:
                claim = claims_of([event])[0]
                right.append(any(matches(claim, g) for g in positives))
            campaigns += [campaign] * len(events)
            doubts += [event.doubts for event in events]
    return rows, right, campaigns, doubts


def fit(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY) -> np.ndarray:
    """Logistic regression weights (the bias last) by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    ridge = penalty * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    w = np.zeros(xb.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        gradient = xb.T @ (p - y) + ridge @ w
        hessian = (xb.T * (p * (1 - p))) @ xb + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """The chance that a right claim scores above a wrong one (ties count half)."""
    right, wrong = score[y == 1], score[y == 0]
    above = (right[:, None] > wrong[None, :]).sum() + 0.5 * (right[:, None] == wrong[None, :]).sum()
    return float(above / (len(right) * len(wrong)))


def at_or_above(score: np.ndarray, y: np.ndarray, threshold: float) -> str:
    kept = score >= threshold
    share = y[kept].mean() if kept.any() else 0.0
    return f"{int(y[kept].sum())}/{int(kept.sum())} ({share:.3f})"


def report(
    x: np.ndarray,
    y: np.ndarray,
    campaigns: Sequence[str],
    doubts: Sequence[tuple[str, ...]],
    never_raised: frozenset[str],
    sure: float,
    names: list[str],
) -> list[str]:
    """How often each doubt's claims were right; then, leave one campaign out: each war's
    claims scored by a model fitted on the others, against the rules' own score."""
    lines = [f"dev claims: {len(y)}, right {int(y.sum())} ({y.mean():.3f})"]
    for doubt in sorted({d for ds in doubts for d in ds} | {""}):
        rows = np.array([(doubt in ds) if doubt else not ds for ds in doubts])
        mark = " (never raised)" if doubt in never_raised else ""
        lines.append(f"  {doubt or 'no doubt'}: {int(y[rows].sum())}/{int(rows.sum())} right{mark}")
    rule = x[:, names.index("rule_score")]
    held_out = rule.copy()
    groups = np.array(campaigns)
    unsure = rule < sure
    for campaign in sorted(set(campaigns)):
        out = groups == campaign
        fitted = fit(x[~out & unsure], y[~out & unsure])
        held_out[out & unsure] = np.minimum(predict(fitted, x[out & unsure]), sure - 0.01)
    capped = np.array([bool(never_raised.intersection(ds)) for ds in doubts])
    held_out = np.where(capped, np.minimum(rule, held_out), held_out)
    held_out = np.clip(np.round(held_out, 2), 0.1, 0.95)
    lines.append(f"AUC: rules' score {auc(rule, y):.3f}, calibrated {auc(held_out, y):.3f}")
    for t in THRESHOLDS:
        lines.append(
            f"at >= {t}: rules' score {at_or_above(rule, y, t)}, "
            f"calibrated {at_or_above(held_out, y, t)}"
        )
    return lines


def toml_text(
    names: list[str], w: np.ndarray, never_raised: frozenset[str], sure: float, lines: list[str]
) -> str:
    comment = "\n".join(f"#   {line}" for line in lines)
    weights = "\n".join(f"{name} = {value:.4f}" for name, value in zip(names, w[:-1], strict=True))
    kept = ", ".join(f'"{doubt}"' for doubt in sorted(never_raised))
    return (
        "# The confidence calibration: a logistic model over an event's facts (their meaning:\n"
        "# geomap/extract/calibration.py), fitted by eval/calibrate.py on the dev split of eval/.\n"
        "# Refit it whenever the rules change. How often the dev claims were right, by the\n"
        "# rules' doubts; then a war the model was not fitted on, scored by a model fitted on\n"
        "# the others (leave one campaign out, dev split):\n"
        f"{comment}\n\n"
        "# A claim with one of these doubts (events.py's names) is never raised above the rules'\n"
        "# own score: kept by a person, not fitted (eval/calibrate.py writes the list back).\n"
        f"never_raised = [{kept}]\n\n"
        "# A claim the rules scored at or above this keeps their score (their sure readings);\n"
        "# the model is fitted on, and applied to, the others. Kept by a person.\n"
        f"sure = {sure}\n\nbias = {w[-1]:.4f}\n\n[weights]\n{weights}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report, do not write")
    args = parser.parse_args(argv)
    if not (EVAL / "texts").is_dir():
        print(f"{EVAL / 'texts'}/ is missing (the texts are not in git)", file=sys.stderr)
        return 1
    rows, right, campaigns, doubts = labelled()
    model = load_calibration("en")
    never_raised = model.never_raised if model else frozenset()
    sure = model.sure if model else SURE
    names = list(rows[0])
    x = np.array([[row[n] for n in names] for row in rows])
    y = np.array(right, dtype=float)
    lines = report(x, y, campaigns, doubts, never_raised, sure, names)
    unsure = x[:, names.index("rule_score")] < sure
    print("\n".join(lines))
    if not args.dry_run:
        weights = fit(x[unsure], y[unsure])
        OUT.write_text(toml_text(names, weights, never_raised, sure, lines), encoding="utf-8")
        print(f"wrote {OUT.relative_to(EVAL.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
