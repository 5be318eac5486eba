"""An analyst's decisions on extracted claims: ``data/reviews.csv``, read, written and applied.

One row per claim, sorted by its id, so the file diffs and merges in git::

    event_id,decision,corrected_fields,reason,reviewer,time
    cl-1a2b3c4d-0-5e6f7a8b,reject,,hedge_prediction,ana,2026-12-04T22:10:00Z
    cl-1a2b3c4d-1-9c0d1e2f,correct,date=2018-12-14;date_precision=day,,ana,2026-12-04T22:11:02Z

A claim is one article's sentence about one place. Its id (``event_id``, the column name a
reviewer already knows from events.csv) is the hash of the article and the place, the
sentence's position among that article's sentences about the place, and the hash of the
sentence. A claim therefore keeps its review across rebuilds while its sentence and place
are unchanged, whatever the extractor now reads in it (date, kind, holder), and wherever the
sentence moved in the article; when the sentence's text changes, the review made at its
position is shown, but the claim is flagged as ``changed``: to review again. (The id of
events.csv hashes the place, kind, date and holder: it changes when the extractor reads a
date differently, and it names an event merged from many articles' sentences, so it cannot
carry a decision on one sentence.)

Every write takes an exclusive lock on a lock file beside the reviews and replaces the file
atomically, so two writers (tabs, reviewers, processes) never lose each other's decisions,
and a decision is compare-and-swap: it names the row it replaces, and is refused when
another writer changed that row since.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from geomap.exc import ReviewConflict, ReviewsFileError
from geomap.periods import PRECISIONS, date_bounds
from geomap.records import KINDS, Event

REVIEWS_NAME = "reviews.csv"
REVIEW_COLUMNS = ["event_id", "decision", "corrected_fields", "reason", "reviewer", "time"]
DECISIONS = ("accept", "reject", "correct")
STATUS_OF = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}
# why a claim is rejected: the short list the app offers (code -> what it says)
REASONS = {
    "not_control_change": "not a control change",
    "wrong_place": "wrong place",
    "wrong_date": "wrong date",
    "wrong_holder": "wrong holder",
    "hedge_prediction": "hedge/prediction",
    "duplicate": "duplicate",
}
CORRECTABLE = ("place_id", "date", "date_precision", "kind", "actor", "controller")
MAX_REVIEWS_BYTES = 256 * 1024**2
_ID = re.compile(r"^cl-[0-9a-f]{8}-[0-9]{1,6}-[0-9a-f]{8}$")
_HINT = "a row as geomap review writes it: " + ",".join(REVIEW_COLUMNS)


@dataclass(frozen=True)
class Review:
    """One decision on one claim."""

    event_id: str
    decision: str  # accept | reject | correct
    corrected: tuple[tuple[str, str], ...] = ()  # (field, value), in CORRECTABLE order
    reason: str = ""  # a REASONS code, for a rejection
    reviewer: str = ""
    time: str = ""  # UTC, ISO 8601 to the second

    @property
    def status(self) -> str:
        return STATUS_OF[self.decision]

    @property
    def changes(self) -> dict[str, str]:
        return dict(self.corrected)

    def as_list(self) -> list[str]:
        """The row in REVIEW_COLUMNS order."""
        fields = ";".join(f"{name}={value}" for name, value in self.corrected)
        return [self.event_id, self.decision, fields, self.reason, self.reviewer, self.time]

    def as_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "decision": self.decision,
            "status": self.status,
            "corrected": self.changes,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "time": self.time,
            "version": self.version,
        }

    @property
    def version(self) -> str:
        """What a compare-and-swap names: this row exactly."""
        return hashlib.sha1("\x1f".join(self.as_list()).encode("utf-8")).hexdigest()[:16]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_review(
    event_id: str,
    decision: str,
    *,
    corrected: Mapping[str, str] | None = None,
    reason: str = "",
    reviewer: str = "",
    time: str | None = None,
) -> Review:
    """A decision, checked: a known decision, a reason from the list for a rejection, only
    correctable fields for a correction (field meanings are checked by :func:`check_review`)."""
    if not _ID.match(event_id):
        raise ReviewsFileError(f"{event_id!r} is not a claim id", field="event_id", hint=_HINT)
    if decision not in DECISIONS:
        raise ReviewsFileError(
            f"unknown decision {decision!r}",
            field="decision",
            hint=f"one of {', '.join(DECISIONS)}",
        )
    corrected = {k: v.strip() for k, v in (corrected or {}).items()}
    unknown = sorted(set(corrected) - set(CORRECTABLE))
    if unknown:
        raise ReviewsFileError(
            f"cannot correct {', '.join(unknown)}",
            field="corrected_fields",
            hint=f"fields that can be corrected: {', '.join(CORRECTABLE)}",
        )
    if decision == "correct" and not corrected:
        raise ReviewsFileError(
            "a correction names the fields it corrects",
            field="corrected_fields",
            hint="e.g. date=2018-12-14;date_precision=day",
        )
    if decision != "correct" and corrected:
        raise ReviewsFileError(
            f"only a correction has corrected fields, not {decision!r}", field="corrected_fields"
        )
    if decision == "reject" and reason not in REASONS:
        raise ReviewsFileError(
            f"unknown reason {reason!r}", field="reason", hint=f"one of {', '.join(REASONS)}"
        )
    if decision != "reject" and reason:
        raise ReviewsFileError(f"only a rejection has a reason, not {decision!r}", field="reason")
    if any(c in reviewer for c in "\r\n\x00"):
        raise ReviewsFileError("a reviewer's name is one line", field="reviewer")
    pairs = tuple((name, corrected[name]) for name in CORRECTABLE if name in corrected)
    for name, value in pairs:
        if not value or any(c in value for c in ";=\r\n"):
            raise ReviewsFileError(f"unusable value {value!r}", field=name)
    return Review(event_id, decision, pairs, reason, reviewer.strip(), time or now_utc())


def check_review(
    review: Review, place_ids: Collection[str], sides: Collection[str]
) -> tuple[str, str] | None:
    """The first corrected field that the campaign cannot use, as (field, why); None if all
    are usable."""
    changes = review.changes
    for name, value in review.corrected:
        if name == "place_id" and value not in place_ids:
            return name, f"unknown place id {value!r} (geomap geocode NAME prints it)"
        if name == "kind" and value not in KINDS:
            return name, f"unknown kind {value!r}: one of {', '.join(KINDS)}"
        if name in ("actor", "controller") and value not in sides:
            return name, f"unknown side {value!r}: one of {', '.join(sides) or '(none)'}"
        if name == "date_precision" and value not in PRECISIONS:
            return name, f"unknown precision {value!r}: one of {', '.join(PRECISIONS)}"
    if "date" in changes or "date_precision" in changes:
        date = changes.get("date", "")
        precision = changes.get("date_precision") or _precision_of(date)
        try:
            date_bounds(date, precision)
        except (ValueError, IndexError):
            return "date", f"{date!r} is not a date at precision {precision!r}"
    return None


def _precision_of(value: str) -> str:
    if "/" in value:
        return "range"
    return {4: "year", 7: "month"}.get(len(value), "day")


def read_reviews(
    path: str | Path,
    *,
    place_ids: Collection[str] | None = None,
    sides: Collection[str] | None = None,
) -> dict[str, Review]:
    """The decisions of a reviews CSV by claim id ({} when the file does not exist). With
    ``place_ids`` and ``sides`` each correction is checked against the campaign."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    if len(data) > MAX_REVIEWS_BYTES:
        raise ReviewsFileError("file too large", file=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReviewsFileError(
            f"not UTF-8 (byte {error.start})", file=path, hint="save the file as UTF-8"
        ) from None
    return _parse(text, path, place_ids, sides)


def _parse(text, path, place_ids, sides) -> dict[str, Review]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not header:
        return {}
    missing = [c for c in REVIEW_COLUMNS if c not in header]
    if missing:
        raise ReviewsFileError(
            f"missing column(s): {', '.join(missing)}", file=path, line=1, hint=_HINT
        )
    index = [header.index(c) for c in REVIEW_COLUMNS]
    reviews: dict[str, Review] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        event_id, decision, fields, reason, reviewer, time = (
            row[i].strip() if i < len(row) else "" for i in index
        )
        try:
            corrected = _fields(fields)
            review = make_review(
                event_id,
                decision,
                corrected=corrected,
                reason=reason,
                reviewer=reviewer,
                time=time or "-",
            )
        except ReviewsFileError as error:
            raise ReviewsFileError(
                error.message, file=path, line=line, field=error.field, hint=error.hint
            ) from None
        if place_ids is not None and sides is not None:
            bad = check_review(review, place_ids, sides)
            if bad:
                raise ReviewsFileError(
                    bad[1],
                    file=path,
                    line=line,
                    field="corrected_fields",
                    hint=f"correct {bad[0]} in the review app, or fix the row",
                )
        if event_id in reviews:
            raise ReviewsFileError(
                f"a second row for {event_id}",
                file=path,
                line=line,
                field="event_id",
                hint="keep one decision per claim (the later one)",
            )
        reviews[event_id] = review
    return reviews


def _fields(text: str) -> dict[str, str]:
    """'date=2018-12-14;kind=captured' -> {'date': '2018-12-14', 'kind': 'captured'}."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ReviewsFileError(
                f"{part!r} is not field=value", field="corrected_fields", hint="e.g. kind=captured"
            )
        out[name.strip()] = value.strip()
    return out


def reviews_text(reviews: Mapping[str, Review]) -> str:
    """The CSV text of the decisions: header, then one row per claim in id order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for key in sorted(reviews):
        writer.writerow(_safe_cells(reviews[key].as_list()))
    return buffer.getvalue()


def _safe_cells(cells: list[str]) -> list[str]:
    """A reviewer's name opening with = + - @ would be a formula in a spreadsheet: quote it."""
    return [("'" + c if c[:1] in ("=", "+", "-", "@") else c) for c in cells]


class ReviewStore:
    """The reviews file of a data folder, safe for many writers at once (see the module)."""

    def __init__(
        self,
        path: str | Path,
        *,
        place_ids: Collection[str] | None = None,
        sides: Collection[str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self.place_ids = place_ids
        self.sides = sides

    def load(self) -> dict[str, Review]:
        return read_reviews(self.path, place_ids=self.place_ids, sides=self.sides)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock on the lock file beside the reviews (between processes, and
        between threads: each call opens the file anew)."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def decide(
        self, review: Review, expected: str | None = None, replaces: str | None = None
    ) -> Review:
        """Record ``review`` (replacing the claim's earlier decision). ``expected``: the
        version of the row this decision replaces ('' for none); when another writer changed
        the row since, nothing is written and :class:`ReviewConflict` says what is there.
        ``replaces``: the id of that row when it was made on an earlier text of the article
        (it is removed)."""
        self._check(review)
        with self.locked():
            reviews = self.load()
            self._compare(reviews.get(replaces or review.event_id), expected)
            if replaces:
                reviews.pop(replaces, None)
            reviews[review.event_id] = review
            self._write(reviews)
        return review

    def restore(self, event_id: str, previous: Review | None, expected: str | None) -> None:
        """Undo: remove the claim's row and put back the one it replaced (``previous``, which
        may bear the id of the claim on an earlier text; None: no row)."""
        if previous is not None:
            self._check(previous)
        with self.locked():
            reviews = self.load()
            self._compare(reviews.get(event_id), expected)
            reviews.pop(event_id, None)
            if previous is not None:
                reviews[previous.event_id] = previous
            self._write(reviews)

    def _check(self, review: Review) -> None:
        if self.place_ids is not None and self.sides is not None:
            bad = check_review(review, self.place_ids, self.sides)
            if bad:
                raise ReviewsFileError(bad[1], field=bad[0])

    def _compare(self, current: Review | None, expected: str | None) -> None:
        if expected is None:
            return
        found = current.version if current else ""
        if found != expected:
            raise ReviewConflict(
                "another reviewer changed this claim's decision meanwhile", current=current
            )

    def _write(self, reviews: Mapping[str, Review]) -> None:
        from geomap.pipeline import atomic_write

        atomic_write(self.path, reviews_text(reviews))


# --- claims and their ids ------------------------------------------------------------------


def normalise_sentence(text: str) -> str:
    """Whitespace collapsed: a reflowed sentence is the same sentence."""
    return " ".join(text.split())


def _hash8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def claim_anchor(article: str, place_id: str) -> str:
    """The first part of a claim id: which article says something about which place."""
    return "cl-" + _hash8(f"{article}\x1f{place_id}")


def claim_id(article: str, place_id: str, ordinal: int, sentence: str, kind: str = "") -> str:
    """A claim's id, ``cl-<article and place>-<n>-<sentence>``: the n-th sentence of the
    article with a claim about the place, and the sentence's text (with ``kind`` only when
    one sentence makes claims of several kinds about one place)."""
    text = normalise_sentence(sentence) + (f"\x1f{kind}" if kind else "")
    return f"{claim_anchor(article, place_id)}-{ordinal}-{_hash8(text)}"


def _parts(key: str) -> tuple[str, str, str]:
    anchor, ordinal, text = key.rsplit("-", 2)
    return anchor, ordinal, text


def claim_ids(events: Sequence[Event]) -> list[str]:
    """The claim id of each extracted event (in the order given)."""
    kinds: dict[tuple, set[str]] = defaultdict(set)
    starts: dict[tuple, set[int]] = defaultdict(set)
    keys = [(e.article, e.place_id, normalise_sentence(e.evidence)) for e in events]
    for key, event in zip(keys, events, strict=True):
        kinds[key].add(event.kind)
        starts[key[:2]].add(event.evidence_start)
    ordinals = {pair: {s: i for i, s in enumerate(sorted(v))} for pair, v in starts.items()}
    return [
        claim_id(
            e.article,
            e.place_id,
            ordinals[key[:2]][e.evidence_start],
            e.evidence,
            e.kind if len(kinds[key]) > 1 else "",
        )
        for key, e in zip(keys, events, strict=True)
    ]


@dataclass(frozen=True)
class ClaimStatus:
    """Where a claim stands: unreviewed, accepted, rejected, corrected, or changed (its
    sentence changed since the ``review`` made on the earlier text)."""

    status: str
    review: Review | None = None


def match_reviews(ids: Sequence[str], reviews: Mapping[str, Review]) -> list[ClaimStatus]:
    """Each claim's status: its own decision; else the decision on the same sentence of the
    same article about the same place, now at another position in the article (a sentence
    added before it); else 'changed' when a decision on the same article, place and position
    matches no claim any more (its sentence was edited); else 'unreviewed'.

    A claim's ``review.event_id`` differs from its own id when the decision was made on an
    earlier version of the article."""
    current = set(ids)
    by_text: dict[tuple[str, str], Review] = {}
    by_position: dict[tuple[str, str], Review] = {}
    for key, review in reviews.items():
        if key in current:
            continue
        anchor, ordinal, text = _parts(key)
        by_text.setdefault((anchor, text), review)
        by_position.setdefault((anchor, ordinal), review)
    out = []
    for key in ids:
        anchor, ordinal, text = _parts(key)
        if key in reviews:
            out.append(ClaimStatus(reviews[key].status, reviews[key]))
        elif (moved := by_text.get((anchor, text))) is not None:
            out.append(ClaimStatus(moved.status, moved))
        elif (edited := by_position.get((anchor, ordinal))) is not None:
            out.append(ClaimStatus("changed", edited))
        else:
            out.append(ClaimStatus("unreviewed"))
    return out


@dataclass
class ReviewCounts:
    """What applying the decisions did to the extracted claims."""

    claims: int = 0
    accepted: int = 0
    rejected: int = 0
    corrected: int = 0
    changed: int = 0  # reviewed on an earlier text: to review again, applied as unreviewed
    orphans: int = 0  # decisions on claims no article makes any more

    @property
    def reviewed(self) -> int:
        return self.accepted + self.rejected + self.corrected


@dataclass
class AppliedReviews:
    events: list[Event]
    counts: ReviewCounts = field(default_factory=ReviewCounts)


def apply_reviews(
    events: Iterable[Event], reviews: Mapping[str, Review], place_names: Mapping[str, str]
) -> AppliedReviews:
    """The extracted events with the analyst's decisions: rejected ones dropped, corrected
    ones changed (and marked ``corrected``), accepted ones marked ``accepted``; a claim whose
    sentence changed since its review is left as extracted."""
    events = list(events)
    ids = claim_ids(events)
    statuses = match_reviews(ids, reviews)
    counts = ReviewCounts(claims=len(events))
    kept: list[Event] = []
    for event, status in zip(events, statuses, strict=True):
        if status.status == "rejected":
            counts.rejected += 1
            continue
        if status.status == "accepted":
            counts.accepted += 1
            kept.append(event.copy(review="accepted", claims=[]))
        elif status.status == "corrected":
            counts.corrected += 1
            kept.append(_corrected(event, status.review.changes, place_names))
        else:
            counts.changed += status.status == "changed"
            kept.append(event)
    counts.orphans = len(set(reviews) - set(ids))
    return AppliedReviews(kept, counts)


def _corrected(event: Event, changes: dict[str, str], place_names: Mapping[str, str]) -> Event:
    """The event as corrected: its place, date, kind or sides replaced; a new id and claim."""
    values: dict = dict(changes)
    if "date" in changes and "date_precision" not in changes:
        try:  # the date at the precision the claim had, if it is one
            date_bounds(changes["date"], event.date_precision)
        except (ValueError, IndexError):
            values["date_precision"] = _precision_of(changes["date"])
    if "place_id" in changes:
        values["place"] = place_names.get(changes["place_id"], changes["place_id"])
    return event.copy(**values, review="corrected", claims=[], event_id="")
