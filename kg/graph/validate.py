"""The SHACL gate: every write passes here first, and a refusal says what to fix.

pyshacl checks SHACL Core on rdflib graphs, so the quads (pyoxigraph terms) are converted
once, as the union of the article's graphs: a claim's proposition graph refers to entities
typed in the article's graph, and the shapes need both to check the classes of linked nodes.

The shapes' SHACL-SPARQL constraints are evaluated here, by Oxigraph, not by pyshacl:
rdflib parsed the constraint's query again for every article and joined in Python, a third
of each article's validation (bench/SCALE.md). They follow SHACL §5: the query runs once
per focus node with `$this` pre-bound, and each solution is a result.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import ClaimgraphError, ValidationFailed
from kg.graph.resources import shapes_paths
from kg.graph.vocab import CG, NIF, SCHEMA, XSD

_NIF_ANCHOR = rdflib.URIRef(NIF.anchorOf.value)
_SCHEMA_TEXT = rdflib.URIRef(SCHEMA.text.value)
_SCHEMA_NAME = rdflib.URIRef(SCHEMA.name.value)
_SURFACE = rdflib.URIRef(CG.surfaceText.value)
_XSD_STRING = rdflib.URIRef(XSD.string.value)
_THIS = Variable("this")


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in the terms a person acts on."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    text: str | None  # what the offending node says in the article, where it says anything

    def line(self) -> str:
        parts = [f"[{self.severity}] {self.focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        out = " ".join(parts) + f"\n    {self.message}"
        if self.text:
            shown = self.text if len(self.text) <= 160 else self.text[:157] + "..."
            out += f"\n    text: {shown!r}"
        return out


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: list[Violation]

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    def text(self) -> str:
        if not self.violations:
            return "conforms: every shape is satisfied"
        return "\n".join(v.line() for v in self.violations)


@dataclass(frozen=True)
class _SelectConstraint:
    """A node shape's `sh:sparql` SELECT constraint, ready for Oxigraph."""

    targets: tuple[NamedNode, ...]  # sh:targetClass
    query: str  # with the PREFIX declarations of its sh:prefixes
    message: str | None
    severity: str


@dataclass(frozen=True)
class _Gate:
    shapes: rdflib.Graph  # all of them, as written
    core: rdflib.Graph  # without the SPARQL constraints: what pyshacl checks
    sparql: tuple[_SelectConstraint, ...]


class UnsupportedShape(ClaimgraphError):
    """A SHACL-SPARQL form the gate does not evaluate; refused when the shapes load, so that
    no check is silently skipped."""


@lru_cache(maxsize=4)
def _gate(paths: tuple[Path, ...]) -> _Gate:
    shapes = rdflib.Graph()
    for p in paths:
        shapes.parse(p, format="turtle")
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    sparql = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        sparql.append(_select_constraint(shapes, shape, constraint))
        core.remove((shape, SH.sparql, constraint))
    return _Gate(shapes, core, tuple(sparql))


def _select_constraint(
    shapes: rdflib.Graph, shape: rdflib.term.Node, constraint: rdflib.term.Node
) -> _SelectConstraint:
    where = f"the SPARQL constraint of {shape}"
    if (shape, SH.path, None) in shapes:
        raise UnsupportedShape(f"{where}: only node shapes may hold SPARQL constraints here")
    if any(
        (shape, t, None) in shapes for t in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    ):
        raise UnsupportedShape(f"{where}: target it with sh:targetClass")
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, rdflib.Literal):
        raise UnsupportedShape(f"{where}: it needs an sh:select query")
    if "$currentShape" in select or "$shapesGraph" in select:
        raise UnsupportedShape(f"{where}: $currentShape and $shapesGraph are not bound here")
    if shapes.value(constraint, SH.deactivated) == rdflib.Literal(True):
        return _SelectConstraint((), "", None, "Violation")
    prologue = ""
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            prologue += f"PREFIX {prefix}: <{namespace}>\n"
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
    return _SelectConstraint(
        targets=tuple(NamedNode(str(c)) for c in shapes.objects(shape, SH.targetClass)),
        query=prologue + str(select),
        message=str(message) if message is not None else None,
        severity=str(severity or SH.Violation).rsplit("#", 1)[-1],
    )


def shapes_graph() -> rdflib.Graph:
    return _gate(tuple(shapes_paths())).shapes


def _term(t: object) -> rdflib.term.Node:
    if isinstance(t, NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, BlankNode):
        return rdflib.BNode(t.value)
    if isinstance(t, Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
    raise TypeError(f"RDF-star terms are not supported here: {t!r}")


class _IllTypedLiterals(logging.Filter):
    """Drops rdflib's log of a literal whose lexical form its datatype does not allow.

    rdflib logs each such literal with a full traceback on stderr ("Failed to convert Literal
    lexical form"), which a user would take for a crash; the shapes' sh:datatype reports the
    same literal as a violation, with its node and path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextmanager
def _quiet_ill_typed() -> Iterator[None]:
    logger = logging.getLogger("rdflib.term")
    quiet = _IllTypedLiterals()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def to_rdflib(items: Iterable[Quad | Triple]) -> rdflib.Graph:
    """The union of the quads' graphs as one rdflib graph (what the shapes see)."""
    g = rdflib.Graph()
    with _quiet_ill_typed():
        for q in items:
            g.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return g


def _oxigraph_term(t: rdflib.term.Node) -> NamedNode | BlankNode | Literal:
    if isinstance(t, rdflib.URIRef):
        return NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return Literal(str(t), language=t.language)
        return Literal(str(t), datatype=NamedNode(str(t.datatype or _XSD_STRING)))
    raise TypeError(f"not an RDF term: {t!r}")


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    triples = Store()
    triples.extend(
        Quad(_oxigraph_term(s), _oxigraph_term(p), _oxigraph_term(o), DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in data
    )
    return _validate(data, triples)


def validate_quads(quads: Iterable[Quad | Triple]) -> ValidationReport:
    items = list(quads)
    triples = Store()
    triples.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in items)
    return _validate(to_rdflib(items), triples)


def _validate(data: rdflib.Graph, triples: Store) -> ValidationReport:
    """SHACL Core by pyshacl on `data`; SHACL-SPARQL by Oxigraph on `triples` (the same)."""
    gate = _gate(tuple(shapes_paths()))
    with _quiet_ill_typed():
        conforms, results, _ = shacl_validate(
            data, shacl_graph=gate.core, inference="none", allow_warnings=True
        )
    # Top-level results only: a failed sh:node also reports its nested detail results.
    violations = [_violation(results, r, data) for r in results.objects(None, SH.result)]
    for constraint in gate.sparql:
        violations.extend(_sparql_results(constraint, triples, data))
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    conforms = bool(conforms) and all(v.severity != "Violation" for v in violations)
    return ValidationReport(conforms=conforms, violations=violations)


def _solutions(store: Store, query: str, substitutions: dict[Variable, Any]) -> QuerySolutions:
    result = store.query(query, substitutions=substitutions)
    assert isinstance(result, QuerySolutions), "a SHACL-SPARQL constraint is a SELECT"
    return result


def _sparql_results(
    constraint: _SelectConstraint, triples: Store, data: rdflib.Graph
) -> list[Violation]:
    """SHACL §5.3: one result per solution, `$this` pre-bound to each focus node."""
    out = []
    for target in constraint.targets:
        instances = f"SELECT DISTINCT ?n WHERE {{ ?n <{RDF.type}>/<{RDFS.subClassOf}>* {target} }}"
        for (node,) in _solutions(triples, instances, {}):
            solutions = _solutions(triples, constraint.query, {_THIS: node})
            for row in solutions:
                bound = {v.value: row[v] for v in solutions.variables if row[v] is not None}
                value = bound.get("value", node)
                path = bound.get("path")
                message = constraint.message or "SPARQL constraint not satisfied"
                for name, term in bound.items():
                    for sigil in "?$":
                        message = message.replace("{" + sigil + name + "}", term.value)
                out.append(
                    Violation(
                        severity=constraint.severity,
                        focus=node.value,
                        path=path.value if path is not None else None,
                        value=value.value,
                        message=message,
                        text=_said(data, _term(value)),
                    )
                )
    return out


def ensure_valid(quads: Iterable[Quad | Triple], *, what: str = "the data") -> ValidationReport:
    """Validate, and refuse with the full report unless no result is a violation."""
    report = validate_quads(quads)
    if report.errors:
        n = len(report.errors)
        raise ValidationFailed(
            f"{what} was refused: {n} SHACL violation{'s' if n != 1 else ''}, nothing was stored",
            report.text(),
            list(report.violations),
        )
    return report


def _violation(results: rdflib.Graph, r: rdflib.term.Node, data: rdflib.Graph) -> Violation:
    def one(p: rdflib.URIRef) -> rdflib.term.Node | None:
        return results.value(r, p)

    severity = str(one(SH.resultSeverity)).rsplit("#", 1)[-1]
    focus = one(SH.focusNode)
    path = one(SH.resultPath)
    value = one(SH.value)
    message = one(SH.resultMessage)
    return Violation(
        severity=severity,
        focus=str(focus),
        path=str(path) if path is not None else None,
        value=str(value) if value is not None else None,
        message=str(message) if message is not None else "constraint not satisfied",
        text=_said(data, value) or _said(data, focus),
    )


def _said(data: rdflib.Graph, node: rdflib.term.Node | None) -> str | None:
    if node is None or isinstance(node, rdflib.Literal):
        return None
    for p in (_NIF_ANCHOR, _SCHEMA_TEXT, _SURFACE, _SCHEMA_NAME):
        v = data.value(node, p)
        if v is not None:
            return str(v)
    return None
