"""Across articles: give an entity the IRI the graph already uses for it.

Within an article the extractor (or the fact sheet) decides what is one node. Across
articles, an entity of the same type is a stored entity when its name is the stored
name or one of its aliases, or one of its aliases is the stored name ("Ruiz" is the known
"Ana Ruiz", whose alias is "Ruiz"). Two aliases alone never merge: "Ana Ruiz" and "Luis
Ruiz" share the alias "Ruiz" and stay two people. A name that fits several stored entities
(two stored "Ruiz"es) makes a new node: safer than a wrong merge.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, QuerySolutions

from kg.extract.report import Extraction
from kg.graph.queries import literal
from kg.graph.vocab import CG, SCHEMA
from kg.store.graphstore import GraphStore

_CLASS = {
    "Person": SCHEMA.Person,
    "Organization": SCHEMA.Organization,
    "Publisher": SCHEMA.Organization,
    "Place": SCHEMA.Place,
}


def known_entities(
    store: GraphStore, report: Extraction, *, pending: GraphStore | None = None
) -> dict[str, NamedNode]:
    """Report entity id → the stored IRI it resolves to (only unambiguous matches).

    `pending` holds articles about to be written with this one (a bulk batch): their
    entities count as stored, so two new articles of one batch share their new people.
    """
    # (class, label, "name" | "alias") → report entity ids
    wanted: dict[tuple[str, str, str], set[str]] = {}
    for e in report.entities:
        cls = _CLASS.get(e.type)
        if cls is None:
            continue  # unnamed groups belong to their article
        wanted.setdefault((cls.value, e.name, "name"), set()).add(e.id)
        for alias in set(e.aliases) - {e.name}:
            wanted.setdefault((cls.value, alias, "alias"), set()).add(e.id)
    if not wanted:
        return {}
    # One block per label, the label a constant: each is an index lookup. A VALUES table
    # joined to `?e a ?cls` first made the engine scan every entity of the class, so the
    # cost per article grew with the store (1.3 s at 4,000 articles; bench/SCALE.md).
    blocks = []
    for cls_iri, label, kind in wanted:
        lit = literal(label)
        binds = f"BIND (<{cls_iri}> AS ?cls) BIND ({lit} AS ?label) BIND ({literal(kind)} AS ?kind)"
        blocks.append(f"{{ ?e {SCHEMA.name} {lit} . ?e a <{cls_iri}> . {binds} }}")
        if kind == "name":  # a stored alias matches only a full name, never another alias
            blocks.append(f"{{ ?e {SCHEMA.alternateName} {lit} . ?e a <{cls_iri}> . {binds} }}")
    query = (
        "SELECT DISTINCT ?cls ?label ?kind ?e WHERE { "
        + " UNION ".join(blocks)
        + f" FILTER NOT EXISTS {{ ?e a {CG.Group} }} }}"
    )
    candidates: dict[str, set[str]] = {}
    for source in (store, pending):
        if source is None:
            continue
        result = source.query(query)
        assert isinstance(result, QuerySolutions)
        for row in result:
            cls, label, kind, node = row["cls"], row["label"], row["kind"], row["e"]
            if cls is None or label is None or kind is None or not isinstance(node, NamedNode):
                continue
            for entity_id in wanted.get((cls.value, label.value, kind.value), ()):
                candidates.setdefault(entity_id, set()).add(node.value)
    return {eid: NamedNode(next(iter(iris))) for eid, iris in candidates.items() if len(iris) == 1}
