"""A seeded synthetic campaign of any size: places, control changes, and articles.

Places are scattered along the Euphrates, Khabur and Tigris (from geomap's basemap) and
along roads between the region's cities, each a few kilometres off the line. Each place gets
a realistic sequence of control changes (held, contested, besieged, captured, withdrew, ...)
over 2014-2019. Articles are written from templates with the sentences the press uses, so
the extractor has real work to do.

    python bench/generate.py OUT --places 10000 --changes 50 --articles 1000 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, shape

PROFILE = Path(__file__).resolve().parent.parent / "data" / "campaign.toml"  # its sides
SIDES = ["ISIS", "SDF", "SYRIAN_GOV", "IRAQI_GOV"]
ACTOR_WORDS = {
    "ISIS": [
        "ISIS",
        "Islamic State militants",
        "the jihadists",
        "Daesh fighters",
        "the extremists",
    ],
    "SDF": ["the SDF", "US-backed fighters", "Kurdish-led forces", "the Syrian Democratic Forces"],
    "SYRIAN_GOV": ["the Syrian army", "government forces", "regime forces"],
    "IRAQI_GOV": ["Iraqi forces", "the Iraqi army", "Iraqi troops"],
}
SYLLABLES = [
    "tal",
    "abu",
    "kha",
    "mar",
    "sha",
    "bag",
    "hus",
    "dei",
    "zor",
    "ham",
    "ras",
    "ain",
    "jab",
    "sab",
    "kas",
    "hal",
    "qar",
    "mal",
    "bir",
    "saf",
    "nur",
    "dar",
    "wad",
    "kab",
]
START = dt.date(2014, 1, 1)


def _name(rng: random.Random, index: int) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word} {index}"


# The rivers and cities the synthetic places are scattered along: the fixed eastern-Syria
# basemap geomap shipped before it derived one for each campaign (kept here so that the
# seeded corpora stay the same from one session's benchmarks to the next).
LINES = Path(__file__).resolve().parent / "syria_basemap.geojson"


def _lines() -> list[LineString]:
    basemap = json.loads(LINES.read_text(encoding="utf-8"))
    rivers = [
        shape(f["geometry"]) for f in basemap["features"] if f["properties"]["layer"] == "river"
    ]
    cities = [
        shape(f["geometry"]) for f in basemap["features"] if f["properties"]["layer"] == "city"
    ]
    roads = [LineString([a, b]) for i, a in enumerate(cities) for b in cities[i + 1 : i + 4]]
    return rivers + roads


def places(count: int, rng: random.Random) -> list[dict]:
    lines = _lines()
    weights = np.array([line.length for line in lines])
    weights /= weights.sum()
    np_rng = np.random.default_rng(rng.randint(0, 2**31))
    picks = np_rng.choice(len(lines), size=count, p=weights)
    out = []
    for index, line_index in enumerate(picks, start=1):
        line = lines[line_index]
        point = line.interpolate(rng.random(), normalized=True)
        lat = point.y + rng.uniform(-0.05, 0.05)
        lon = point.x + rng.uniform(-0.05, 0.05)
        kind = "town" if rng.random() < 0.15 else "village"
        country = (
            "TR" if lat > 37.1 else "IQ" if lon > 42.0 or (lon > 41.2 and lat < 34.6) else "SY"
        )
        out.append(
            {
                "id": f"p{index:06d}",
                "name": _name(rng, index),
                "alt_names": "",
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "kind": kind,
                "admin1": "Synthetic",
                "country": country,
                "source": "synthetic (bench)",
            }
        )
    return out


def changes(place: dict, count: int, rng: random.Random, articles: int) -> list[dict]:
    """A plausible sequence: holders alternate through fighting, sieges and captures."""
    holder = rng.choice(SIDES)
    day = START + dt.timedelta(days=rng.randint(0, 400))
    rows = []
    for _ in range(count):
        day += dt.timedelta(days=rng.randint(1, 30))
        challenger = rng.choice([s for s in SIDES if s != holder])
        roll = rng.random()
        if roll < 0.30:
            kind, actor, controller = "held", holder, holder
        elif roll < 0.55:
            kind, actor, controller = "contested", challenger, holder
        elif roll < 0.63:
            kind, actor, controller = "besieged", challenger, holder
        elif roll < 0.93:
            kind, actor, controller = "captured", challenger, challenger
            holder = challenger
        elif roll < 0.97:
            kind, actor, controller = "withdrew", holder, challenger
            holder = challenger
        else:
            kind, actor, controller = "surrendered", holder, holder
        precision = "day" if rng.random() < 0.96 else "month"
        date = day.isoformat() if precision == "day" else day.strftime("%Y-%m")
        rows.append(
            {
                "event_id": "",
                "date": date,
                "date_precision": precision,
                "place_id": place["id"],
                "kind": kind,
                "actor": actor,
                "controller": controller,
                "article": f"syn{rng.randrange(max(articles, 1)):06d}.txt",
                "published": (day + dt.timedelta(days=1)).isoformat(),
                "evidence": "",
            }
        )
    return rows


TEMPLATES = [
    "{A} captured {P} on {WD}, {src} said.",
    "{P} fell to {A} after weeks of fierce fighting.",
    "Fighting raged in {P} as {A} pushed into the village.",
    "{P} is still held by {B}, according to activists.",
    "{A} are close to seizing the town of {P}, in eastern Syria.",
    "{A} seized a cluster of buildings inside {P} early on {WD}.",
    "Among the villages still held by {B} are {P}, {Q} and {R}.",
    "{A} has been laying siege to {P} for weeks.",
    "Hundreds of fighters surrendered in {P} on {WD}.",
    "{B} withdrew from {P} {REL}.",
    "Commanders say {P} is expected to fall within days.",
    "More than {N} people have fled {P} since {MON} {D}, aid groups said.",
    "The capture of {P} would mark the end of the campaign in the area.",
    "Last month, {A} said it captured a senior commander in a raid near the border.",
    "Residents described shortages of food and medicine in the besieged areas.",
]


def article_text(rng: random.Random, places_: list[dict], published: dt.date) -> str:
    lines = []
    for _ in range(rng.randint(12, 20)):
        a_side, b_side = rng.sample(SIDES, 2)
        p, q, r = (rng.choice(places_)["name"] for _ in range(3))
        lines.append(
            rng.choice(TEMPLATES).format(
                A=rng.choice(ACTOR_WORDS[a_side]),
                B=rng.choice(ACTOR_WORDS[b_side]),
                P=p,
                Q=q,
                R=r,
                WD=rng.choice(["Monday", "Tuesday", "Friday", "Sunday"]),
                REL=rng.choice(["yesterday", "last week", "on Saturday", "in October 2017"]),
                src=rng.choice(["the Syrian Observatory", "a spokesman", "Reuters"]),
                N=f"{rng.randint(2, 90)},000",
                MON=rng.choice(["Jan.", "March", "Sept."]),
                D=rng.randint(1, 28),
            )
        )
    body = " ".join(lines[:3]) + "\n\n" + "\n\n".join(lines[3:])
    return (
        f"---\ntitle: Synthetic report {published}\noutlet: Bench Wire\n"
        f"published: {published.isoformat()}\n---\n{body}\n"
    )


def generate(out: Path, n_places: int, n_changes: int, n_articles: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROFILE, out / "campaign.toml")  # the sides the events name
    rows = places(n_places, rng)
    with (out / "gazetteer.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if n_changes:
        columns = [
            "event_id",
            "date",
            "date_precision",
            "place_id",
            "kind",
            "actor",
            "controller",
            "article",
            "published",
            "evidence",
        ]
        with (out / "events_input.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for place in rows:
                writer.writerows(changes(place, n_changes, rng, n_articles or n_places // 10))
    articles = out / "articles"
    articles.mkdir(exist_ok=True)
    size = 0
    for index in range(n_articles):
        published = START + dt.timedelta(days=rng.randint(0, 2000))
        text = article_text(rng, rows, published)
        size += len(text.encode("utf-8"))
        (articles / f"syn{index:06d}.txt").write_text(text, encoding="utf-8")
    return {"places": n_places, "changes": n_changes, "articles": n_articles, "article_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.places, args.changes, args.articles, args.seed))


if __name__ == "__main__":
    main()
