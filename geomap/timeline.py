"""Events from many articles -> one timeline of who held which place when.

Merging: the same change (place, kind, date, controller) reported by several articles is one
event with all its sources; an event whose controller is unknown joins the one known event
of the same place, kind and date. Conflicting claims are kept and flagged, never resolved.

State rules (documented in the README, applied the same way by the map, the exports and
the snapshots): a place's state on day *t* comes from its latest evidence on or before *t*.

- ``captured`` -> held by the actor from that day (``since``);
- ``held`` -> confirms (or, if it names another holder, changes) the holder;
- ``contested`` / ``besieged`` -> the holder, with that status and the challenger;
- ``withdrew`` -> no longer held by the actor (the new holder if the source names one);
- inferred 'no longer held' (from 'X is the last town held by H') -> not the old holder,
  marked inferred;
- inferred 'held until then' (a capture with no earlier evidence) -> the loser held the place
  the day (month, year) before the capture, marked inferred (the loser: the holder the
  evidence names, else the one side the profile says the victor fights);
- ``surrendered`` -> noted; control does not change by itself.

On one day, a completed change (captured, withdrew) outranks a status statement. Month- and
year-precision evidence counts from the first day of its period and is marked approximate.

Unconfirmed claims: an event below the confidence threshold (``MIN_CONFIDENCE`` unless told)
that no analyst curated is kept aside (``Timeline.unconfirmed``): it is listed, never used to
infer, to flag conflicts or to give a place its state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from geomap.campaign import Profile, projected_crs
from geomap.gazetteer import Gazetteer
from geomap.records import CHANGE_KINDS, MIN_CONFIDENCE, Claim, Event

DATE_CONFLICT_DAYS = 45
STATUS_RANK = {
    "surrendered": 0,
    "held": 1,
    "besieged": 2,
    "contested": 3,
    "withdrew": 4,
    "captured": 5,
}


def _claim_order(claim: Claim) -> tuple:
    return (claim.published, claim.article, claim.evidence_start)


def _member_order(event: Event) -> tuple:
    return (-event.confidence, event.published, event.article, event.evidence_start)


def merge_events(events: Iterable[Event]) -> list[Event]:
    """One event per (place, kind, date, controller, inferred), with every source and claim."""
    groups: dict[tuple, list[Event]] = defaultdict(list)
    for event in events:
        key = (
            event.place_id,
            event.kind,
            event.date,
            event.date_precision,
            event.controller,
            event.inferred,
        )
        groups[key].append(event)
    # an unknown controller joins the single known controller of the same change
    known_by_change: dict[tuple, list[tuple]] = defaultdict(list)
    for key in groups:
        if key[4]:
            known_by_change[(*key[:4], key[5])].append(key)
    for key in [k for k in groups if k[4] == ""]:
        known = known_by_change.get((*key[:4], key[5]), [])
        if len(known) == 1:
            groups[known[0]].extend(groups.pop(key))
    merged = []
    for key in list(groups):
        members = groups.pop(key)  # freed once merged, if the caller kept no reference
        members.sort(key=_member_order)
        primary = members[0]
        claims = sorted({c for e in members for c in e.claims}, key=_claim_order)
        best: dict[str, float] = {}  # each article's most confident report: its first
        exclusive = None
        curated = False
        reviews = set()
        for e in members:
            best.setdefault(e.article, e.confidence)
            exclusive = exclusive or e.exclusive
            curated = curated or e.curated
            reviews.add(e.review)
        sources = list(dict.fromkeys(c.article for c in claims))
        miss = 1.0
        for article in sources:
            miss *= 1 - best.get(article, primary.confidence)
        event = primary.copy(
            sources=sources,
            claims=claims,
            confidence=round(min(0.99, 1 - miss), 2),
            exclusive=exclusive,
            conflicts=[],
            event_id="",
        )
        event.curated = curated
        event.review = _strongest_review(reviews)
        merged.append(event)
    return sort_events(merged)


def _strongest_review(reviews: set[str]) -> str:
    """A merged event is corrected when any of its claims is, else accepted when any is."""
    return next((r for r in ("corrected", "accepted") if r in reviews), "")


def sort_events(events: list[Event]) -> list[Event]:
    return sorted(
        events,
        key=lambda e: (e.first_day, e.place_id, STATUS_RANK[e.kind], e.controller, e.event_id),
    )


def confirmed(
    event: Event, min_confidence: float = MIN_CONFIDENCE, reviewed_only: bool = False
) -> bool:
    """Whether an event may colour the map: curated or reviewed (accepted, corrected) by an
    analyst; unless ``reviewed_only``, also inferred (the timeline infers only from confirmed
    events) or at least ``min_confidence``."""
    if event.curated or event.review:
        return True
    return not reviewed_only and (event.inferred or event.confidence >= min_confidence)


def split_confirmed(
    events: list[Event], min_confidence: float = MIN_CONFIDENCE, reviewed_only: bool = False
) -> tuple[list[Event], list[Event]]:
    """The events that may colour the map, and the unconfirmed claims (order kept)."""
    kept: list[Event] = []
    unconfirmed: list[Event] = []
    for event in events:
        (kept if confirmed(event, min_confidence, reviewed_only) else unconfirmed).append(event)
    return kept, unconfirmed


def apply_curation(
    events: list[Event], curated: list[Event], rejected: list[str]
) -> tuple[list[Event], list[str]]:
    """Curated rows win: they replace extracted events with the same id; rejections remove.

    Returns the events and the rejected ids that matched nothing."""
    curated_ids = {e.event_id for e in curated}
    known = {e.event_id for e in events} | curated_ids
    unmatched = [r for r in rejected if r not in known]
    return curate(events, curated, curated_ids, set(rejected)), unmatched


def curate(
    events: list[Event], curated: list[Event], curated_ids: set[str], rejected: set[str]
) -> list[Event]:
    """The events without those rejected or replaced by a curated row (``curated_ids``: the
    ids of every curated row, wherever its place), with the ``curated`` rows added."""
    kept = [e for e in events if e.event_id not in rejected and e.event_id not in curated_ids]
    return sort_events(kept + [e.copy(curated=True) for e in curated])


@dataclass(slots=True)
class State:
    """What is known of one place from one evidence day on."""

    day: dt.date
    controller: str
    status: str  # held | contested | besieged | lost | unknown
    since: dt.date
    challenger: str = ""
    approx: bool = False
    inferred: bool = False
    former: str = ""
    surrendered: bool = False
    event_ids: tuple[str, ...] = ()


def replay(events: list[Event]) -> list[State]:
    """The sequence of states of one place from its events (any order)."""
    by_day: dict[dt.date, list[Event]] = defaultdict(list)
    for event in events:
        by_day[event.first_day].append(event)
    states: list[State] = []
    controller, status, since = "", "unknown", dt.date.min
    challenger = former = ""
    approx = inferred = False
    for day in sorted(by_day):
        todays = by_day[day]
        if len(todays) > 1:
            todays.sort(key=lambda e: (STATUS_RANK[e.kind], e.confidence, e.event_id))
        surrendered = False
        for event in todays:
            kind = event.kind
            if kind == "surrendered":
                surrendered = True
                continue
            if kind == "captured":
                new_controller, new_status, challenger, former = (
                    event.controller or event.actor,
                    "held",
                    "",
                    "",
                )
            elif kind == "held":
                new_controller, new_status, challenger, former = event.controller, "held", "", ""
            elif kind in ("contested", "besieged"):
                new_controller = event.controller or controller
                new_status, challenger, former = kind, event.actor, ""
            else:  # withdrew
                if event.inferred and controller != event.actor:
                    continue
                new_controller = event.controller
                new_status = "held" if new_controller else "lost"
                challenger, former = "", event.actor
            if new_controller != controller or (
                status in ("unknown", "lost") and new_status != status
            ):
                since = day
            controller, status = new_controller, new_status
            approx, inferred = event.date_precision != "day", event.inferred
        states.append(
            State(
                day,
                controller,
                status,
                since,
                challenger,
                approx,
                inferred,
                former,
                surrendered,
                tuple(e.event_id for e in todays),
            )
        )
    return states


def state_at(states: list[State], day: dt.date) -> State | None:
    """The state in force on ``day`` (binary search over the evidence days)."""
    lo, hi = 0, len(states)
    while lo < hi:
        mid = (lo + hi) // 2
        if states[mid].day <= day:
            lo = mid + 1
        else:
            hi = mid
    return states[lo - 1] if lo else None


def exclusivity_claims(events: Iterable[Event]) -> list[Event]:
    """The 'X is the last town held by H' claims among the events, in the order they apply."""
    return sorted((e for e in events if e.exclusive), key=lambda e: (e.first_day, e.event_id))


def infer_exclusivity(
    events: list[Event], gazetteer: Gazetteer, claims: list[Event] | None = None
) -> list[Event]:
    """Rows for places a holder no longer holds, from 'X is the last town held by H' claims.

    ``claims``: every claim of the campaign (:func:`exclusivity_claims`), when ``events`` are
    only some places' events (a bucket of them): a claim about one place speaks of others."""
    by_place: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_place[event.place_id].append(event)
    inferred: list[Event] = []
    if claims is None:
        claims = exclusivity_claims(events)
    places = [place for place in gazetteer if place.id in by_place]  # the others have no history
    for claim in claims:
        scope = claim.exclusive
        for place in places:
            if place.id == claim.place_id or place.kind not in scope.kinds:
                continue
            if scope.country and place.country != scope.country:
                continue
            history = by_place[place.id]
            before = [e for e in history if e.first_day < claim.first_day]
            if any(e.first_day == claim.first_day and not e.inferred for e in history):
                continue
            state = replay(before)[-1] if before else None
            if state is None or state.controller != scope.holder:
                continue
            row = Event(
                date=claim.date,
                date_precision=claim.date_precision,
                date_text=claim.date_text,
                place_id=place.id,
                place=place.name,
                kind="withdrew",
                actor=scope.holder,
                controller="",
                article=claim.article,
                outlet=claim.outlet,
                published=claim.published,
                evidence=claim.evidence,
                evidence_start=claim.evidence_start,
                evidence_end=claim.evidence_end,
                confidence=round(min(0.6, claim.confidence), 2),
                inferred=True,
                sources=list(claim.sources),
                claims=list(claim.claims),
            )
            inferred.append(row)
            by_place[place.id].append(row)
    return inferred


def _day_before(event: Event) -> tuple[str, str]:
    """The period just before an event's date, at the event's precision."""
    first = event.first_day
    if event.date_precision in ("day", "range", "week"):
        return (first - dt.timedelta(days=1)).isoformat(), "day"
    if event.date_precision == "month":
        prev = first - dt.timedelta(days=1)
        return f"{prev.year:04d}-{prev.month:02d}", "month"
    return f"{first.year - 1:04d}", "year"


def infer_prior_holders(events: list[Event], profile: Profile) -> list[Event]:
    """'Captured by X on D' also says the loser held the place until D: one inferred row each.

    The loser is the holder the same day's or earlier statements name (one only), else X's
    one ground-holding opponent in the profile (none when X fights several or is unknown).
    Nothing is added when earlier evidence already says who held it.
    """
    by_place: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_place[event.place_id].append(event)
    inferred: list[Event] = []
    for event in events:
        if event.inferred or event.kind not in CHANGE_KINDS:
            continue
        history = by_place[event.place_id]
        if any(e.first_day < event.first_day for e in history):
            continue
        if event.kind == "withdrew":
            loser = event.actor
        else:
            named = {
                e.controller
                for e in history
                if e.first_day == event.first_day
                and e.kind in ("held", "contested", "besieged")
                and e.controller
                and e.controller != event.controller
            }
            loser = named.pop() if len(named) == 1 else _only_opponent(profile, event.controller)
        if not loser:
            continue
        date, precision = _day_before(event)
        inferred.append(
            event.copy(
                date=date,
                date_precision=precision,
                kind="held",
                actor=loser,
                controller=loser,
                inferred=True,
                confidence=round(min(0.6, event.confidence), 2),
                event_id="",
                conflicts=[],
                exclusive=None,
                date_text="",
            )
        )
    return inferred


def _only_opponent(profile: Profile, side: str) -> str:
    """The one ground-holding side ``side`` fights, or '' when it fights several or none."""
    opponents = [o for o in profile.opponents(side) if profile.holds_ground(o)]
    return opponents[0] if len(opponents) == 1 else ""


def flag_conflicts(events: list[Event]) -> None:
    """Mark claims that disagree: one capture on different dates (within 45 days), or one day
    with two holders. Sorted sweeps per place, so the cost grows with n log n, not n²."""
    by_place: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if not event.inferred:
            by_place[event.place_id].append(event)
    for place_events in by_place.values():
        captures = sorted(
            (e for e in place_events if e.kind == "captured" and e.date_precision == "day"),
            key=lambda e: e.first_day,
        )
        for i, a in enumerate(captures):
            for b in captures[i + 1 :]:
                if (b.first_day - a.first_day).days > DATE_CONFLICT_DAYS:
                    break
                if a.controller == b.controller and a.date != b.date:
                    _link(a, b)
        same_day: dict[dt.date, list[Event]] = defaultdict(list)
        for event in place_events:
            if event.kind in ("captured", "held") and event.controller:
                same_day[event.first_day].append(event)
        for day_events in same_day.values():
            if len(day_events) < 2 or len({e.controller for e in day_events}) < 2:
                continue
            for i, a in enumerate(day_events):
                for b in day_events[i + 1 :]:
                    if a.controller == b.controller:
                        continue
                    both_captures = a.kind == b.kind == "captured"
                    no_capture = "captured" not in (a.kind, b.kind)
                    day_precision = a.date_precision == b.date_precision == "day"
                    if both_captures or (no_capture and day_precision):
                        _link(a, b)
    for event in events:
        event.conflicts = sorted(set(event.conflicts))


def _link(a: Event, b: Event) -> None:
    a.conflicts.append(b.event_id)
    b.conflicts.append(a.event_id)


@dataclass
class Timeline:
    """The events the map is drawn from, the unconfirmed claims beside them, and for each place
    its states over time (from ``events`` only)."""

    events: list[Event]
    gazetteer: Gazetteer
    states: dict[str, list[State]] = field(default_factory=dict)
    unmatched_rejections: list[str] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)  # the sides the outputs draw
    unconfirmed: list[Event] = field(default_factory=list)  # below min_confidence, uncurated
    min_confidence: float = MIN_CONFIDENCE  # the threshold ``unconfirmed`` was split at
    reviewed_only: bool = False  # only claims an analyst accepted or corrected colour
    reviews_read: bool = False  # the events carry an analyst's decisions (geomap review)

    def __post_init__(self) -> None:
        by_place: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            by_place[event.place_id].append(event)
        self.states = {pid: replay(evts) for pid, evts in sorted(by_place.items())}

    @cached_property
    def all_events(self) -> list[Event]:
        """Every event, unconfirmed claims too, sorted: what events.csv lists."""
        return sort_events(self.events + self.unconfirmed)

    @cached_property
    def days(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day of any event (unconfirmed claims too: the slider reaches
        them)."""
        events = self.all_events
        if not events:
            return None
        return (min(e.first_day for e in events), max(e.first_day for e in events))

    def state(self, place_id: str, day: dt.date) -> State | None:
        return state_at(self.states.get(place_id, []), day)

    def holders_on(self, day: dt.date) -> dict[str, State]:
        return {pid: s for pid in self.states if (s := self.state(pid, day)) is not None}

    @cached_property
    def crs(self) -> str:
        """The projected CRS for its distances and areas (the profile's, or the UTM zone of
        the gazetteer)."""
        return projected_crs(self.profile, self.gazetteer)

    def digest(self) -> str:
        text = "\n".join(e.event_id for e in self.events)
        return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass
class Settled:
    """Events merged, curated, split and with their prior holders inferred: what the
    exclusivity claims then apply to (:func:`settle`, :func:`finish`)."""

    events: list[Event]  # confirmed, sorted
    unconfirmed: list[Event]
    known: set[str]  # the merged events' ids (a rejection of one of them matched)


def settle(
    raw_events: Iterable[Event],
    profile: Profile,
    curated: list[Event],
    curated_ids: set[str],
    rejected: set[str],
    min_confidence: float = MIN_CONFIDENCE,
    reviewed_only: bool = False,
) -> Settled:
    """Merge the raw events, apply the curation, set the unconfirmed claims aside and infer
    who held a place before its first capture. Every step is per place, so it gives the same
    events for all places at once or for a bucket of places at a time (``curated``: the
    curated rows of these places; ``curated_ids``: those of every place)."""
    events = merge_events(raw_events)
    known = {e.event_id for e in events}
    events = curate(events, curated, curated_ids, rejected)
    events, unconfirmed = split_confirmed(events, min_confidence, reviewed_only)
    events = sort_events(events + merge_events(infer_prior_holders(events, profile)))
    return Settled(events, unconfirmed, known)


def finish(
    settled: Settled,
    gazetteer: Gazetteer,
    unmatched: list[str],
    claims: list[Event] | None = None,
) -> tuple[list[Event], set[str]]:
    """The settled events with the exclusivity claims' inferred rows, the rejections no
    merged or curated event matched (``unmatched``) applied to the inferred rows, and the
    conflicts flagged; and the rejected ids that matched an inferred row."""
    events = settled.events
    events = sort_events(events + merge_events(infer_exclusivity(events, gazetteer, claims)))
    matched: set[str] = set()
    if unmatched:  # an analyst may also reject an inferred row
        inferred_ids = {e.event_id for e in events if e.inferred}
        events = [e for e in events if e.event_id not in set(unmatched)]
        matched = inferred_ids & set(unmatched)
    flag_conflicts(events)
    return events, matched


def build_timeline(
    raw_events: Iterable[Event],
    gazetteer: Gazetteer,
    *,
    profile: Profile | None = None,
    curated: list[Event] | None = None,
    rejected: list[str] | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    reviewed_only: bool = False,
    reviews_read: bool = False,
) -> Timeline:
    """Merge, curate, set the unconfirmed claims aside, infer and flag: the one timeline every
    output is drawn from.

    ``profile``: the campaign's sides (who a victor fights); None: the generic profile, with
    no sides. ``min_confidence``: events below it that no analyst curated are unconfirmed
    claims, listed but never drawn (see :func:`confirmed`); ``reviewed_only``: so is every
    claim no analyst accepted or corrected. ``reviews_read``: the raw events carry the
    decisions of a reviews file (the map says how much of it is reviewed)."""
    profile = profile or Profile()
    curated = curated or []
    rejected = rejected or []
    curated_ids = {e.event_id for e in curated}
    settled = settle(
        raw_events,
        profile,
        curated,
        curated_ids,
        set(rejected),
        min_confidence,
        reviewed_only,
    )
    known = settled.known | curated_ids
    unmatched = [r for r in rejected if r not in known]
    events, matched = finish(settled, gazetteer, unmatched)
    return Timeline(
        events=events,
        gazetteer=gazetteer,
        unmatched_rejections=[r for r in unmatched if r not in matched],
        profile=profile,
        unconfirmed=settled.unconfirmed,
        min_confidence=min_confidence,
        reviewed_only=reviewed_only,
        reviews_read=reviews_read or reviewed_only,
    )
