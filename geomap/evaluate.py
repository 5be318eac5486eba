"""Score extracted events against a hand-made gold annotation.

Gold CSV columns (as ``tests/data/seed_events.csv``): article, tier (core, optional,
distractor), place, date, date_precision, kind, actor, controller, note, and the sentence
either whole (``sentence``) or as its first 60 characters (``sentence_start``, the format of
``eval/gold.csv``).

- recall: the share of ``core`` rows some extracted claim matches;
- precision: the share of extracted claims (article, place, kind, date, controller) that
  match a ``core`` or ``optional`` row; inferred rows are not claims of the text and are
  left out;
- distractors: each ``distractor`` sentence that produced a control change (captured or
  withdrew) at its place, listed with the sentence.

A strict match (the default) is the same article, place and kind, the date equal at the
gold's precision (inside the gold's range for ranges), and the same holder afterwards: the
claimed controller equals the gold's, unless the gold kind is ``contested`` or the gold
controller is empty (unknown). A lenient match leaves the holder out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from geomap.exc import GoldFileError
from geomap.gazetteer import Gazetteer, _read_text, csv_rows
from geomap.periods import PRECISIONS, date_matches
from geomap.records import CHANGE_KINDS, KINDS, MIN_CONFIDENCE, Event
from geomap.reviews import REASONS, Review, claim_ids, match_reviews
from geomap.timeline import State, state_at

GOLD_COLUMNS = ["article", "tier", "place", "date", "date_precision", "kind"]
SENTENCE_COLUMNS = ("sentence", "sentence_start")
TIERS = ("core", "optional", "distractor")
NONE = "none"  # the confusion table's row or column for "no gold row" / "no claim"
# confidence bins for calibration: [0, 0.5), [0.5, 0.6), ..., [0.9, 1.0]
CONFIDENCE_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class GoldRow:
    """One annotated row: a control statement to find, or a distractor not to act on."""

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
    actor: str = ""
    controller: str = ""
    sentence_start: str = ""

    @property
    def quote(self) -> str:
        """The sentence as the annotator gave it (whole, or its start)."""
        return self.sentence or self.sentence_start


@dataclass(frozen=True)
class Claimed:
    """One article's claim of one (non-inferred) event."""

    article: str
    place_id: str
    kind: str
    date: str
    date_precision: str
    evidence: str
    controller: str = ""
    confidence: float = 0.5

    def as_dict(self) -> dict:
        return {
            "article": self.article,
            "place": self.place_id,
            "kind": self.kind,
            "date": self.date,
            "controller": self.controller,
            "confidence": round(self.confidence, 4),
            "evidence": self.evidence,
        }


@dataclass
class ArticleScores:
    """The counts of one article."""

    core_total: int = 0
    core_found: int = 0
    claims_total: int = 0
    claims_correct: int = 0
    distractors_triggered: int = 0
    distractors_total: int = 0


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
    lenient: bool = False
    # claims with the gold's kind, place and date but another holder afterwards
    wrong_holder: list[dict] = field(default_factory=list)
    # gold kind -> claimed kind -> count; "none" where one side has no counterpart
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    by_article: dict[str, ArticleScores] = field(default_factory=dict)
    # core rows whose place the gazetteer cannot resolve (still in the recall denominator)
    missing_place: int = 0
    missing_places: list[dict] = field(default_factory=list)

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


@dataclass
class ConfidenceRow:
    """Claims whose confidence lies in [low, high) (or at or above ``low``), and how many are
    correct."""

    low: float
    high: float
    claims: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.claims if self.claims else None

    def as_dict(self) -> dict:
        precision = self.precision
        return {
            "low": self.low,
            "high": self.high,
            "claims": self.claims,
            "correct": self.correct,
            "precision": None if precision is None else round(precision, 4),
        }


@dataclass
class ConfidenceTable:
    """Precision of claims by confidence bin, and at or above each bin's lower edge."""

    bins: list[ConfidenceRow]
    at_or_above: list[ConfidenceRow]

    def as_dict(self) -> dict:
        return {
            "bins": [row.as_dict() for row in self.bins],
            "at_or_above": [row.as_dict() for row in self.at_or_above],
        }


def read_gold(path: str | Path, gazetteer: Gazetteer | None) -> list[GoldRow]:
    """Read and check a gold CSV; places are resolved with ``gazetteer`` (none: left
    unresolved, for checking the file alone)."""
    path = Path(path)
    text = _read_text(path, GoldFileError)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in GOLD_COLUMNS if c not in header]
    hint = f"a gold file has: {','.join(GOLD_COLUMNS)},actor,controller,sentence_start,note"
    if missing:
        raise GoldFileError(
            f"missing column(s): {', '.join(missing)}", file=path, line=1, hint=hint
        )
    if not any(c in header for c in SENTENCE_COLUMNS):
        raise GoldFileError(
            "has neither a 'sentence' nor a 'sentence_start' column",
            file=path,
            line=1,
            field="sentence_start",
            hint=hint,
        )
    reader.fieldnames = header
    rows = []
    for row in csv_rows(reader, path, GoldFileError):
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
        sentence, start = values.get("sentence", ""), values.get("sentence_start", "")
        if tier == "distractor" and not (sentence or start):
            raise GoldFileError(
                "a distractor row needs its sentence",
                file=path,
                line=reader.line_num,
                field="sentence" if "sentence" in header else "sentence_start",
                hint="a distractor is found by its sentence: give its first 60 characters",
            )
        place = gazetteer.lookup(values["place"]) if gazetteer and values["place"] else None
        rows.append(
            GoldRow(
                line=reader.line_num,
                article=values["article"],
                tier=tier,
                place=values["place"],
                place_id=place.id if place else None,
                date=values["date"],
                date_precision=precision,
                kind=values["kind"].lower(),
                sentence=sentence,
                note=values.get("note", ""),
                actor=values.get("actor", ""),
                controller=values.get("controller", ""),
                sentence_start=start,
            )
        )
    return rows


def claims_of(events: Iterable[Event], *, by_controller: bool = True) -> list[Claimed]:
    """One claim per article reporting each (non-inferred) event; claims of one article that
    differ only in the controller are one claim when ``by_controller`` is false."""
    seen: dict[tuple, Claimed] = {}
    for event in events:
        if event.inferred:
            continue
        for claim in event.claims:
            key = (claim.article, event.place_id, event.kind, event.date)
            if by_controller:
                key += (event.controller,)
            known = seen.get(key)
            if known is None:
                seen[key] = Claimed(
                    claim.article,
                    event.place_id,
                    event.kind,
                    event.date,
                    event.date_precision,
                    claim.evidence,
                    event.controller,
                    event.confidence,
                )
            elif event.confidence > known.confidence:
                seen[key] = replace(known, confidence=event.confidence)
    return list(seen.values())


def _same_when(claimed: Claimed, gold: GoldRow) -> bool:
    """Same article, place and date (at the gold's precision)."""
    return (
        claimed.article == gold.article
        and gold.place_id is not None
        and claimed.place_id == gold.place_id
        and bool(gold.date)
        and date_matches(claimed.date, claimed.date_precision, gold.date, gold.date_precision)
    )


def holder_agrees(claimed: Claimed, gold: GoldRow) -> bool:
    """Does the claimed holder afterwards agree with the gold's (contested: any holder;
    empty gold controller: unknown, any holder)?"""
    if gold.kind == "contested" or not gold.controller:
        return True
    return claimed.controller.casefold() == gold.controller.casefold()


def matches(claimed: Claimed, gold: GoldRow, *, lenient: bool = False) -> bool:
    """Does a claim match a gold row (strict: the holder too; lenient: without it)?"""
    return (
        claimed.kind == gold.kind
        and _same_when(claimed, gold)
        and (lenient or holder_agrees(claimed, gold))
    )


def normalise_sentence(text: str) -> str:
    """Whitespace collapsed and curly quotes made straight, for comparing quotations."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def quotes(claimed: Claimed, gold: GoldRow) -> bool:
    """Is the claim's evidence the gold row's sentence? Equal to ``sentence``, or beginning
    with ``sentence_start`` (or holding it, when the claim's sentence took in a headline or
    dateline before it)."""
    evidence = normalise_sentence(claimed.evidence)
    if gold.sentence and evidence == normalise_sentence(gold.sentence):
        return True
    start = normalise_sentence(gold.sentence_start)
    return bool(start) and start in evidence


def triggers(claimed: Claimed, distractor: GoldRow) -> bool:
    """Did a claim make the control change a distractor row must not produce?"""
    return (
        claimed.article == distractor.article
        and claimed.kind in CHANGE_KINDS
        and (not distractor.place or claimed.place_id == distractor.place_id)
        and quotes(claimed, distractor)
    )


def _gold_dict(row: GoldRow) -> dict:
    return {
        "line": row.line,
        "article": row.article,
        "place": row.place,
        "kind": row.kind,
        "date": row.date,
        "controller": row.controller,
        "sentence": row.quote,
    }


def score(
    events: Iterable[Event],
    gold: Sequence[GoldRow],
    lenient: bool = False,
    min_confidence: float = 0.0,
) -> Scores:
    """Compare extracted events with gold rows (strict: the holder must agree too).

    ``min_confidence``: score only the claims the map colours (events at or above it);
    0 scores every claim, the unconfirmed ones too."""
    events = [e for e in events if e.inferred or e.confidence >= min_confidence]
    claims = claims_of(events, by_controller=not lenient)
    positives = [g for g in gold if g.tier in ("core", "optional")]
    core = [g for g in gold if g.tier == "core"]
    distractors = [g for g in gold if g.tier == "distractor"]
    scores = Scores(
        core_total=len(core),
        core_found=0,
        claims_total=len(claims),
        claims_correct=0,
        distractors_total=len(distractors),
        lenient=lenient,
    )
    articles = sorted({g.article for g in gold} | {c.article for c in claims})
    scores.by_article = {name: ArticleScores() for name in articles}
    claims_in: dict[str, list[Claimed]] = {name: [] for name in articles}
    for claimed in claims:
        claims_in[claimed.article].append(claimed)
    positives_in: dict[str, list[GoldRow]] = {name: [] for name in articles}
    for row in positives:
        positives_in[row.article].append(row)
    confusion: Counter[tuple[str, str]] = Counter()

    for row in core:
        counts = scores.by_article[row.article]
        counts.core_total += 1
        if row.place_id is None:
            scores.missing_place += 1
            scores.missing_places.append(_gold_dict(row))
        if any(matches(c, row, lenient=lenient) for c in claims_in[row.article]):
            scores.core_found += 1
            counts.core_found += 1
        else:
            scores.missed_core.append(_gold_dict(row))
            confusion[row.kind, NONE] += 1

    for claimed in claims:
        counts = scores.by_article[claimed.article]
        counts.claims_total += 1
        when = [g for g in positives_in[claimed.article] if _same_when(claimed, g)]
        full = next((g for g in when if matches(claimed, g, lenient=lenient)), None)
        if full is not None:
            scores.claims_correct += 1
            counts.claims_correct += 1
            confusion[full.kind, claimed.kind] += 1
            continue
        scores.unmatched_claims.append(claimed.as_dict())
        same_kind = next((g for g in when if g.kind == claimed.kind), None)
        if same_kind is not None:  # only the holder differs
            confusion[same_kind.kind, claimed.kind] += 1
            scores.wrong_holder.append(
                {**claimed.as_dict(), "gold_line": same_kind.line, "gold": same_kind.controller}
            )
        elif when:
            confusion[when[0].kind, claimed.kind] += 1
        else:
            confusion[NONE, claimed.kind] += 1

    for row in distractors:
        scores.by_article[row.article].distractors_total += 1
        hit = next((c for c in claims_in[row.article] if triggers(c, row)), None)
        if hit is not None:
            scores.by_article[row.article].distractors_triggered += 1
            scores.distractors_triggered.append(
                {
                    "line": row.line,
                    "article": row.article,
                    "place": hit.place_id,
                    "kind": hit.kind,
                    "sentence": row.quote,
                    "note": row.note,
                }
            )

    scores.confusion = {
        gold_kind: {
            claimed_kind: confusion[gold_kind, claimed_kind]
            for claimed_kind in _kinds_in(k for _, k in confusion)
            if confusion[gold_kind, claimed_kind]
        }
        for gold_kind in _kinds_in(k for k, _ in confusion)
    }
    return scores


def _kinds_in(kinds: Iterable[str]) -> list[str]:
    """The kinds present, in KINDS order, others after them alphabetically, "none" last."""
    present = set(kinds)
    known = [k for k in KINDS if k in present]
    other = sorted(present - set(KINDS) - {NONE})
    return known + other + ([NONE] if NONE in present else [])


def confidence_table(
    events: Iterable[Event],
    gold: Sequence[GoldRow],
    edges: Sequence[float] = CONFIDENCE_EDGES,
    *,
    lenient: bool = False,
) -> ConfidenceTable:
    """Precision of claims by confidence bin ([edges[i], edges[i+1]), the last bin closed),
    and of the claims at or above each lower edge: does a higher confidence mean a claim is
    more often right?"""
    positives = [g for g in gold if g.tier in ("core", "optional")]
    graded = [
        (c.confidence, any(matches(c, g, lenient=lenient) for g in positives))
        for c in claims_of(events, by_controller=not lenient)
    ]
    last = len(edges) - 2
    bins = [ConfidenceRow(edges[i], edges[i + 1]) for i in range(last + 1)]
    at_or_above = [ConfidenceRow(edges[i], edges[-1]) for i in range(last + 1)]
    for confidence, correct in graded:
        for index, row in enumerate(bins):
            if row.low <= confidence < row.high or (index == last and confidence == row.high):
                row.claims += 1
                row.correct += correct
        for row in at_or_above:
            if confidence >= row.low:
                row.claims += 1
                row.correct += correct
    return ConfidenceTable(bins, at_or_above)


def table_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Plain-text columns: the first left-aligned, the others right-aligned."""
    cells = [[str(h) for h in header], *[[str(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    ]


def confusion_lines(scores: Scores) -> list[str]:
    """The per-kind confusion table: gold kind down, claimed kind across."""
    golds = list(scores.confusion)
    claimed = _kinds_in(k for counts in scores.confusion.values() for k in counts)
    if not golds:
        return ["(no claims and no core rows)"]
    rows = [[g, *(scores.confusion[g].get(k, 0) or "." for k in claimed)] for g in golds]
    return table_lines(["gold \\ claimed", *claimed], rows)


def article_lines(scores: Scores) -> list[str]:
    """The per-article table."""
    rows = [
        [
            name,
            f"{a.core_found}/{a.core_total}",
            f"{a.claims_correct}/{a.claims_total}",
            f"{a.distractors_triggered}/{a.distractors_total}",
        ]
        for name, a in scores.by_article.items()
    ]
    return table_lines(["article", "core found", "claims correct", "distractors"], rows)


def detail_lines(scores: Scores) -> list[str]:
    """The lists behind the counts: misses, unmatched claims, wrong holders, distractors."""
    lines = []
    for row in scores.missed_core:
        lines.append(
            f"  missed core line {row['line']}: {row['article']} {row['kind']} {row['place']} "
            f"{row['date']}: {row['sentence']}"
        )
    for row in scores.unmatched_claims:
        lines.append(
            f"  unmatched claim: {row['article']} {row['kind']} {row['place']} {row['date']} "
            f"({row['controller'] or 'no holder'}): {row['evidence']}"
        )
    for row in scores.wrong_holder:
        lines.append(
            f"  wrong holder: {row['article']} {row['kind']} {row['place']} {row['date']} held "
            f"by {row['controller'] or '(none)'}, gold line {row['gold_line']} says "
            f"{row['gold']}: {row['evidence']}"
        )
    for row in scores.distractors_triggered:
        lines.append(
            f"  TRIGGERED line {row['line']}: {row['article']} {row['kind']} {row['place']}: "
            f"{row['sentence']}"
        )
    return lines


def confidence_lines(table: ConfidenceTable) -> list[str]:
    """The calibration table: each bin, and everything at or above its lower edge."""

    def precision(row: ConfidenceRow) -> str:
        return "-" if row.precision is None else f"{row.precision:.3f}"

    rows = []
    for row, above in zip(table.bins, table.at_or_above, strict=True):
        closing = "]" if row is table.bins[-1] else ")"
        rows.append(
            [
                f"[{row.low:.2f}, {row.high:.2f}{closing}",
                f"{row.correct}/{row.claims}",
                precision(row),
                f"{above.correct}/{above.claims}",
                precision(above),
            ]
        )
    header = ["confidence", "correct", "precision", ">= low: correct", "precision"]
    return table_lines(header, rows)


# --- precision on an analyst's decisions (geomap evaluate --reviews) ------------------------


@dataclass
class ReviewScores:
    """How often the extractor was right on the claims an analyst decided: a claim accepted
    as it was is right; a corrected or rejected one is wrong."""

    decided: int = 0
    accepted: int = 0
    colouring_decided: int = 0  # of the claims at or above min_confidence
    colouring_accepted: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [decided, accepted]
    by_reason: dict[str, int] = field(default_factory=dict)  # rejection reason -> claims
    corrected_fields: dict[str, int] = field(default_factory=dict)  # field -> claims
    changed: int = 0  # reviewed on an earlier text of their sentence: not counted
    orphans: int = 0  # decisions on claims the articles no longer make: not counted
    min_confidence: float = MIN_CONFIDENCE

    @property
    def precision(self) -> float:
        return self.accepted / self.decided if self.decided else 0.0

    @property
    def colouring_precision(self) -> float:
        return self.colouring_accepted / self.colouring_decided if self.colouring_decided else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 3),
            "decided": self.decided,
            "accepted": self.accepted,
            "colouring_precision": round(self.colouring_precision, 3),
            "colouring_decided": self.colouring_decided,
            "colouring_accepted": self.colouring_accepted,
            "min_confidence": self.min_confidence,
            "by_kind": {k: {"decided": d, "accepted": a} for k, (d, a) in self.by_kind.items()},
            "rejected_by_reason": self.by_reason,
            "corrected_fields": self.corrected_fields,
            "changed": self.changed,
            "orphans": self.orphans,
        }


def score_reviews(
    claims: Sequence[Event], reviews: Mapping[str, Review], min_confidence: float = MIN_CONFIDENCE
) -> ReviewScores:
    """The extractor's precision on the ``claims`` (as extracted, before review) an analyst
    decided in ``reviews``, overall, on what the map colours, by kind and by reason."""
    scores = ReviewScores(min_confidence=min_confidence)
    ids = claim_ids(claims)
    statuses = match_reviews(ids, reviews)
    for claim, status in zip(claims, statuses, strict=True):
        if status.status == "changed":
            scores.changed += 1
        if status.status in ("unreviewed", "changed") or status.review is None:
            continue
        right = status.status == "accepted"
        scores.decided += 1
        scores.accepted += right
        if claim.confidence >= min_confidence:
            scores.colouring_decided += 1
            scores.colouring_accepted += right
        row = scores.by_kind.setdefault(claim.kind, [0, 0])
        row[0] += 1
        row[1] += right
        if status.status == "rejected":
            reason = REASONS.get(status.review.reason, status.review.reason)
            scores.by_reason[reason] = scores.by_reason.get(reason, 0) + 1
        for name, _value in status.review.corrected:
            scores.corrected_fields[name] = scores.corrected_fields.get(name, 0) + 1
    scores.orphans = len(set(reviews) - set(ids))
    scores.by_kind = dict(sorted(scores.by_kind.items(), key=lambda kv: KINDS.index(kv[0])))
    scores.by_reason = dict(sorted(scores.by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    return scores


def review_lines(scores: ReviewScores) -> list[str]:
    """The plain-text report of :func:`score_reviews`."""
    lines = [
        f"precision  {scores.precision:.3f}  ({scores.accepted}/{scores.decided} decided claims "
        "accepted as extracted)",
        f"           {scores.colouring_precision:.3f}  ({scores.colouring_accepted}/"
        f"{scores.colouring_decided} at confidence >= {scores.min_confidence:g}: what the map "
        "colours)",
        "",
        "by kind (the extractor's):",
    ]
    rows = [
        (kind, decided, accepted, f"{accepted / decided:.3f}")
        for kind, (decided, accepted) in scores.by_kind.items()
    ]
    lines += ["  " + line for line in table_lines(("kind", "decided", "right", "precision"), rows)]
    lines += ["", "rejected, by reason:"]
    reasons = list(scores.by_reason.items()) or [("(none)", 0)]
    lines += ["  " + line for line in table_lines(("reason", "claims"), reasons)]
    if scores.corrected_fields:
        lines += ["", "corrected, by field:"]
        fields = sorted(scores.corrected_fields.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += ["  " + line for line in table_lines(("field", "claims"), fields)]
    if scores.changed:
        lines.append(f"\n{scores.changed} claim(s) changed since their review: not counted")
    if scores.orphans:
        lines.append(f"{scores.orphans} decision(s) on claims no article makes now: not counted")
    return lines


# --- the map's state against the annotated truth, place by place and day by day --------------

FOUGHT = ("contested", "besieged")  # one class: the place is fought over


@dataclass
class MapAgreement:
    """On how many place-days the map's state agrees with the state the gold rows give."""

    agree: int = 0
    known: int = 0  # place-days whose state core gold rows dated to the day tell (see below)
    places: dict[str, tuple[int, int]] = field(default_factory=dict)  # place -> (agree, known)

    @property
    def share(self) -> float:
        return self.agree / self.known if self.known else 0.0


def gold_events(gold: Iterable[GoldRow]) -> list[Event]:
    """The core gold rows (what an article must be found to state), as events."""
    events = []
    for row in gold:
        if row.tier != "core" or not row.place_id or row.kind not in KINDS or not row.date:
            continue
        events.append(
            Event(
                date=row.date,
                date_precision=row.date_precision,
                place_id=row.place_id,
                place=row.place,
                kind=row.kind,
                actor=row.actor,
                controller=row.controller,
                article=row.article,
                evidence=row.quote,
                confidence=1.0,
            )
        )
    return events


def _same_state(found: State | None, truth: State) -> bool:
    """The map's state says what the truth's does: the same class of status (held, fought
    over, lost) and, for a holding, the same holder."""
    if found is None:
        return False
    fought = truth.status in FOUGHT
    if (found.status in FOUGHT) != fought or (found.status == "lost") != (truth.status == "lost"):
        return False
    return fought or found.controller.casefold() == truth.controller.casefold()


def _known_days(states: list[State], last: dt.date) -> Iterable[tuple[dt.date, State]]:
    """The days whose state the truth knows: a holding from the day it is told until the next
    thing told of the place (or the truth's last day); a fight, a siege or a loss on the day
    it is told; nothing from a row dated only to a week, a month or a range."""
    for n, state in enumerate(states):
        if state.status == "unknown" or state.approx:
            continue
        end = states[n + 1].day if n + 1 < len(states) else last + dt.timedelta(days=1)
        if state.status != "held":
            end = state.day + dt.timedelta(days=1)
        day = state.day
        while day < end:
            yield day, state
            day += dt.timedelta(days=1)


def map_agreement(
    map_states: Mapping[str, list[State]], truth_states: Mapping[str, list[State]]
) -> MapAgreement:
    """Compare two timelines' states (``Timeline.states``: place -> states) on the days the
    truth knows (see :func:`_known_days`), up to the truth's last evidence day."""
    days = [s.day for states in truth_states.values() for s in states]
    result = MapAgreement()
    if not days:
        return result
    last = max(days)
    for place_id, states in sorted(truth_states.items()):
        agree = known = 0
        for day, truth in _known_days(states, last):
            known += 1
            agree += _same_state(state_at(map_states.get(place_id, []), day), truth)
        result.places[place_id] = (agree, known)
        result.agree += agree
        result.known += known
    return result
