"""The SHACL gate: every write passes here first, and a refusal says what to fix.

pyshacl works on rdflib graphs, so the quads (pyoxigraph terms) are converted once, as
the union of the article's graphs: a claim's proposition graph refers to entities typed
in the article's graph, and the shapes need both to check the classes of linked nodes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from kg.errors import ValidationFailed
from kg.resources import shapes_paths
from kg.vocab import CG, NIF, SCHEMA

_NIF_ANCHOR = rdflib.URIRef(NIF.anchorOf.value)
_SCHEMA_TEXT = rdflib.URIRef(SCHEMA.text.value)
_SCHEMA_NAME = rdflib.URIRef(SCHEMA.name.value)
_SURFACE = rdflib.URIRef(CG.surfaceText.value)


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


@lru_cache(maxsize=4)
def _shapes(paths: tuple[Path, ...]) -> rdflib.Graph:
    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


def shapes_graph() -> rdflib.Graph:
    return _shapes(tuple(shapes_paths()))


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


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    with _quiet_ill_typed():
        conforms, results, _ = shacl_validate(
            data,
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,  # SHACL-SPARQL constraints
            allow_warnings=True,
        )
    # Top-level results only: a failed sh:node also reports its nested detail results.
    violations = [_violation(results, r, data) for r in results.objects(None, SH.result)]
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(conforms=bool(conforms), violations=violations)


def validate_quads(quads: Iterable[Quad | Triple]) -> ValidationReport:
    return validate_graph(to_rdflib(quads))


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
