"""Importing fact-checks into the store: validated, deduplicated, batch by batch.

Each batch is validated with the shapes and written in one atomic update, so an
interrupted import leaves whole reviews only, and a re-run replaces rather than
duplicates (a review's IRI and graph come from its URL). A review that breaks a shape is
left out with its reason while the rest go in; a missing rating is only a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import Quad

from kg.factcheck.claimreview import FactCheck, dedupe
from kg.factcheck.rdf import review_graph, review_iri, review_quads
from kg.graph.mapping import DEFAULT_BASE_IRI, shared_graph
from kg.graph.validate import validate_quads
from kg.store.graphstore import GraphStore, comparable_quads


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0  # counted (and left unwritten) only with `skip_unchanged`
    warnings: int = 0
    refused: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.new + self.updated


def import_factchecks(
    store: GraphStore,
    reviews: Iterable[FactCheck],
    *,
    base: str = DEFAULT_BASE_IRI,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    skip_unchanged: bool = False,
) -> ImportReport:
    """Store the reviews; `skip_unchanged` leaves a review whose stored graph already holds
    exactly its quads unwritten, and counts it (a sync re-reads unchanged reviews often)."""
    report = ImportReport()
    unique = dedupe(reviews)
    for i in range(0, len(unique), batch_size):
        batch = unique[i : i + batch_size]
        if skip_unchanged:
            batch = _changed(store, batch, base, report)
        if batch:
            _import_batch(store, batch, base, report)
        if progress is not None:
            progress(len(batch))
    return report


def _changed(
    store: GraphStore, batch: list[FactCheck], base: str, report: ImportReport
) -> list[FactCheck]:
    """The reviews of the batch whose own graph would change (one read for the batch)."""
    graphs = {r.url: review_graph(review_iri(r.url, base)) for r in batch}
    stored: dict[str, set[Quad]] = {}
    for q in store.stored_quads(list(graphs.values())):
        stored.setdefault(str(q.graph_name), set()).add(q)
    out = []
    for r in batch:
        g = graphs[r.url]
        own = [q for q in review_quads(r, base) if q.graph_name == g]
        if stored.get(str(g)) == comparable_quads(own):
            report.unchanged += 1
        else:
            out.append(r)
    return out


def _import_batch(
    store: GraphStore, batch: list[FactCheck], base: str, report: ImportReport
) -> None:
    by_iri = {review_iri(r.url, base).value: r for r in batch}
    quads = [q for r in batch for q in review_quads(r, base)]
    validation = validate_quads(quads)
    report.warnings += len(validation.violations) - len(validation.errors)
    bad: dict[str, str] = {}
    for v in validation.errors:
        owner = next((iri for iri in by_iri if v.focus.startswith(iri)), None)
        if owner is not None:
            bad.setdefault(owner, v.message)
    if bad:
        for iri, message in bad.items():
            report.refused.append(f"{by_iri[iri].url}: {message}")
        keep = [r for iri, r in by_iri.items() if iri not in bad]
        quads = [q for r in keep for q in review_quads(r, base)]
    if quads:
        new, updated = store.replace_graphs(quads, shared=shared_graph(base))
        report.new += new
        report.updated += updated
