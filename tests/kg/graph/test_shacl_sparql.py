"""The gate's own SHACL-SPARQL evaluation (Oxigraph, not pyshacl), on shapes written here.

The project's shapes are covered case by case in test_shapes.py; these pin the parts of
SHACL §5 that its one constraint does not exercise: SHACL instances through
rdfs:subClassOf, several solutions per focus node, warnings, and the forms refused when
the shapes load rather than skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

import kg.graph.validate as validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""

CONSTRAINT = '''
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex:decl ; {extra}
        sh:message "{{$this}} knows {{?value}}, who knows nobody" ;
        sh:select """SELECT $this ?value WHERE {{ $this ex:knows ?value .
                     FILTER NOT EXISTS {{ ?value ex:knows ?x }} }}""" ] .
ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
'''


def gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shapes: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + shapes)
    monkeypatch.setattr(validate, "shapes_paths", lambda: [path])


def data(turtle: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")


DATA = """
ex:Student rdfs:subClassOf ex:Person .
ex:ann a ex:Student ; ex:knows ex:bob, ex:cy .
ex:bob ex:knows ex:ann .
ex:dan a ex:Robot ; ex:knows ex:cy .
"""


def test_every_solution_of_every_instance_is_a_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;" + CONSTRAINT.format(extra="")
    gate(tmp_path, monkeypatch, shapes)
    report = validate.validate_graph(data(DATA + "ex:ann ex:knows ex:eve .\n"))
    assert not report.conforms
    # ex:ann is a Person through rdfs:subClassOf; ex:dan is not a Person, so not checked.
    assert [(v.focus, v.value, v.message, v.severity) for v in report.violations] == [
        (
            "http://example.org/ann",
            f"http://example.org/{who}",
            f"http://example.org/ann knows http://example.org/{who}, who knows nobody",
            "Violation",
        )
        for who in ("cy", "eve")
    ]


def test_a_warning_conforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;" + CONSTRAINT.format(
        extra="sh:severity sh:Warning ;"
    )
    gate(tmp_path, monkeypatch, shapes)
    report = validate.validate_graph(data(DATA))
    assert report.conforms
    assert [(v.value, v.severity) for v in report.violations] == [
        ("http://example.org/cy", "Warning")
    ]


def test_a_deactivated_constraint_reports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;" + CONSTRAINT.format(
        extra="sh:deactivated true ;"
    )
    gate(tmp_path, monkeypatch, shapes)
    report = validate.validate_graph(data(DATA))
    assert report.conforms and report.violations == []


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:PropertyShape ; sh:targetClass ex:Person ; sh:path ex:knows ;",
        "ex:S a sh:NodeShape ; sh:targetNode ex:ann ;",
        "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:knows ;",
    ],
)
def test_forms_it_cannot_evaluate_are_refused_not_skipped(
    shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate(tmp_path, monkeypatch, shape + CONSTRAINT.format(extra=""))
    with pytest.raises(validate.UnsupportedShape, match="ex:S|example.org/S"):
        validate.validate_graph(data(DATA))
