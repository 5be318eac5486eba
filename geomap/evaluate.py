"""Score extracted events against a hand-made gold annotation.

Gold CSV columns (as ``shared/eval/seed_events.csv``): article, tier (core, optional,
distractor), place, date, date_precision, kind, actor, controller, sentence, note.

- recall: the share of ``core`` rows some extracted claim matches;
- precision: the share of extracted claims (article, place, kind, date) that match a
  ``core`` or ``optional`` row; inferred rows are not claims of the text and are left out;
- distractors: each ``distractor`` sentence that produced a control change (captured or
  withdrew) at its place, listed with the sentence.

A match is the same article, place and kind, with the date equal at the gold's precision
(inside the gold's range for ranges).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from geomap.exc import GoldFileError
from geomap.gazetteer import Gazetteer, _read_text
from geomap.periods import PRECISIONS, date_matches
from geomap.records import Event

GOLD_COLUMNS = ["article", "tier", "place", "date", "date_precision", "kind", "sentence"]
TIERS = ("core", "optional", "distractor")
CHANGE_KINDS = ("captured", "withdrew")


@dataclass(frozen=True)
class GoldRow:
    line: int
    article: str
    tier: str
    place: str
    place_id: str | None
    date: str
    date_precision: str
    kind: str
    sentence: str
    note: str


@dataclass(frozen=True)
class Claimed:
    article: str
    place_id: str
    kind: str
    date: str
    date_precision: str
    evidence: str


@dataclass
class Scores:
    core_total: int
    core_found: int
    claims_total: int
    claims_correct: int
    missed_core: list[dict] = field(default_factory=list)
    unmatched_claims: list[dict] = field(default_factory=list)
    distractors_triggered: list[dict] = field(default_factory=list)
    distractors_total: int = 0

    @property
    def recall(self) -> float:
        return self.core_found / self.core_total if self.core_total else 1.0

    @property
    def precision(self) -> float:
        return self.claims_correct / self.claims_total if self.claims_total else 1.0

    def as_dict(self) -> dict:
        out = asdict(self)
        out["recall"] = round(self.recall, 4)
        out["precision"] = round(self.precision, 4)
        return out


def read_gold(path: str | Path, gazetteer: Gazetteer) -> list[GoldRow]:
    """Read and check a gold CSV."""
    path = Path(path)
    text = _read_text(path, GoldFileError)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in GOLD_COLUMNS if c not in header]
    if missing:
        raise GoldFileError(
            f"missing column(s): {', '.join(missing)}",
            file=path,
            line=1,
            hint=f"a gold file has: {','.join(GOLD_COLUMNS)},note",
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k}
        tier = values["tier"].lower()
        if tier not in TIERS:
            raise GoldFileError(
                f"tier {values['tier']!r} is not one of {', '.join(TIERS)}",
                file=path,
                line=reader.line_num,
                field="tier",
            )
        precision = values["date_precision"].lower()
        if tier != "distractor" and precision not in PRECISIONS:
            raise GoldFileError(
                f"date_precision {precision!r} is not one of {', '.join(PRECISIONS)}",
                file=path,
                line=reader.line_num,
                field="date_precision",
            )
        place = gazetteer.lookup(values["place"]) if values["place"] else None
        rows.append(
            GoldRow(
                reader.line_num,
                values["article"],
                tier,
                values["place"],
                place.id if place else None,
                values["date"],
                precision,
                values["kind"].lower(),
                values["sentence"],
                values.get("note", ""),
            )
        )
    return rows


def claims_of(events: list[Event]) -> list[Claimed]:
    """One claim per article reporting each (non-inferred) event."""
    seen: dict[tuple, Claimed] = {}
    for event in events:
        if event.inferred:
            continue
        for claim in event.claims:
            key = (claim.article, event.place_id, event.kind, event.date)
            seen.setdefault(
                key,
                Claimed(
                    claim.article,
                    event.place_id,
                    event.kind,
                    event.date,
                    event.date_precision,
                    claim.evidence,
                ),
            )
    return list(seen.values())


def _same(claimed: Claimed, gold: GoldRow) -> bool:
    return (
        claimed.article == gold.article
        and claimed.place_id == gold.place_id
        and claimed.kind == gold.kind
        and bool(gold.date)
        and date_matches(claimed.date, claimed.date_precision, gold.date, gold.date_precision)
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("“", '"').replace("”", '"')).strip()


def score(events: list[Event], gold: list[GoldRow]) -> Scores:
    """Compare extracted events with gold rows."""
    claims = claims_of(events)
    positives = [g for g in gold if g.tier in ("core", "optional")]
    core = [g for g in gold if g.tier == "core"]
    scores = Scores(core_total=len(core), core_found=0, claims_total=len(claims), claims_correct=0)
    for row in core:
        if any(_same(c, row) for c in claims):
            scores.core_found += 1
        else:
            scores.missed_core.append(
                {
                    "line": row.line,
                    "article": row.article,
                    "place": row.place,
                    "kind": row.kind,
                    "date": row.date,
                    "sentence": row.sentence,
                }
            )
    for claimed in claims:
        if any(_same(claimed, g) for g in positives):
            scores.claims_correct += 1
        else:
            scores.unmatched_claims.append(
                {
                    "article": claimed.article,
                    "place": claimed.place_id,
                    "kind": claimed.kind,
                    "date": claimed.date,
                    "evidence": claimed.evidence,
                }
            )
    distractors = [g for g in gold if g.tier == "distractor"]
    scores.distractors_total = len(distractors)
    for row in distractors:
        sentence = _norm(row.sentence)
        for claimed in claims:
            if (
                claimed.article == row.article
                and _norm(claimed.evidence) == sentence
                and claimed.kind in CHANGE_KINDS
                and (row.place_id is None or claimed.place_id == row.place_id)
            ):
                scores.distractors_triggered.append(
                    {
                        "line": row.line,
                        "article": row.article,
                        "place": claimed.place_id,
                        "kind": claimed.kind,
                        "sentence": row.sentence,
                        "note": row.note,
                    }
                )
                break
    return scores
