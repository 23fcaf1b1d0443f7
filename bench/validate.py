"""The SHACL gate against pyshacl alone, on the example articles, in the same run.

    .venv/bin/python bench/validate.py --rounds 5

claimgraph's gate (`kg.graph.validate.ensure_valid`) leaves SHACL Core to pyshacl and evaluates
the shapes' SHACL-SPARQL constraints with Oxigraph. The peer is what the gate did before:
pyshacl on all the shapes, its SHACL-SPARQL included (`advanced=True`). Both see the same
quads, converted the same way; the bench checks they agree on conformance and on the
number of results, then reports median milliseconds per article.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyshacl import validate as pyshacl_validate  # noqa: E402
from rdflib.namespace import SH  # noqa: E402

from kg.extract.textio import read_facts  # noqa: E402
from kg.graph.validate import shapes_graph, to_rdflib, validate_quads  # noqa: E402
from kg.ingest.article import build_graphs  # noqa: E402

ARTICLES = ROOT / "examples" / "articles"


def peer(quads: list) -> tuple[bool, int]:  # type: ignore[type-arg]
    conforms, results, _ = pyshacl_validate(
        to_rdflib(quads),
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return bool(conforms), len(list(results.objects(None, SH.result)))


def gate(quads: list) -> tuple[bool, int]:  # type: ignore[type-arg]
    report = validate_quads(quads)
    return report.conforms, len(report.violations)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the articles")
    args = ap.parse_args()
    articles = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        report = read_facts(path.with_suffix(".facts.json"), text)
        articles.append((path.stem, build_graphs(text, report).quads))
    for name, quads in articles:  # warm-up, and both must say the same
        assert gate(quads) == peer(quads), name
    seconds: dict[str, list[float]] = {"pyshacl alone": [], "claimgraph gate": []}
    for _ in range(args.rounds):
        for label, check in (("pyshacl alone", peer), ("claimgraph gate", gate)):
            for _, quads in articles:
                started = time.perf_counter()
                check(quads)
                seconds[label].append(time.perf_counter() - started)
    medians = {k: statistics.median(v) for k, v in seconds.items()}
    quads = statistics.median(len(q) for _, q in articles)
    print(f"{len(articles)} articles (median {quads:.0f} quads), {args.rounds} rounds")
    for label, m in medians.items():
        print(f"  {label:<16} median {1000 * m:6.1f} ms/article")
    print(f"  ratio {medians['pyshacl alone'] / medians['claimgraph gate']:.2f}")


if __name__ == "__main__":
    main()
