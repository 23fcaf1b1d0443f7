"""Across articles: give an entity the IRI the graph already uses for it.

Within an article the extractor (or the fact sheet) decides what is one node. Across
articles, an entity of the same type is a stored entity when its name is the stored
name or one of its aliases, or one of its aliases is the stored name ("Ruiz" is the known
"Ana Ruiz", whose alias is "Ruiz"). Two aliases alone never merge: "Ana Ruiz" and "Luis
Ruiz" share the alias "Ruiz" and stay two people. A name that fits several stored entities
(two stored "Ruiz"es) makes a new node: safer than a wrong merge.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QuerySolutions

from kg.graphstore import GraphStore
from kg.report import Extraction
from kg.vocab import CG, SCHEMA

_CLASS = {
    "Person": SCHEMA.Person,
    "Organization": SCHEMA.Organization,
    "Publisher": SCHEMA.Organization,
    "Place": SCHEMA.Place,
}


def _sparql_string(value: str) -> str:
    return str(Literal(value))


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
    values = " ".join(
        f"(<{cls}> {_sparql_string(label)} {_sparql_string(kind)})" for cls, label, kind in wanted
    )
    query = (
        "SELECT DISTINCT ?cls ?label ?kind ?e WHERE { "
        f"VALUES (?cls ?label ?kind) {{ {values} }} ?e a ?cls . "
        f'{{ ?e {SCHEMA.name} ?label BIND ("name" AS ?via) }} UNION '
        f'{{ ?e {SCHEMA.alternateName} ?label BIND ("alias" AS ?via) }} '
        'FILTER (?via = "name" || ?kind = "name") '
        f"FILTER NOT EXISTS {{ ?e a {CG.Group} }} }}"
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
