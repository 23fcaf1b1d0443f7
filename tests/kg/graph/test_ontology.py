"""The ontology: HermiT's verdict, the vocabulary module against the file, and the docs page.

The reasoner tests run HermiT (Java) for real, about a second each; the broken copies prove
that `check` can fail, so a green run means something.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import OntologyError
from kg.graph import vocab
from kg.graph.ontology import ONTOLOGY_IRI, OntologyCheck, check, load_graph, write_docs
from kg.graph.resources import ontology_path
from kg.graph.vocab import CG, CG_IRI

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "articles"
DECLARATIONS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    RDFS.Datatype,
)
# Terms OWL 2 itself defines (rdf:type, rdfs:label, owl:sameAs, xsd:*) need no declaration.
BUILT_IN = {vocab.RDF.iri, vocab.RDFS.iri, vocab.OWL.iri, vocab.XSD.iri}


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return load_graph()


@pytest.fixture(scope="module")
def result() -> OntologyCheck:
    return check()


def broken_copy(tmp_path: Path, extra: str) -> Path:
    """The real ontology plus a few Turtle lines (its prefixes stay in scope)."""
    path = tmp_path / "broken.ttl"
    path.write_text(ontology_path().read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- (a)-(c) HermiT


def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(
    result: OntologyCheck, graph: rdflib.Graph
) -> None:
    assert result.consistent
    assert result.unsatisfiable == []
    assert result.ok
    own_classes = {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(CG_IRI)}
    assert result.n_classes > len(own_classes) > 0
    assert result.n_properties > 0 and result.n_individuals > 0
    assert 0 < result.seconds < 30


@pytest.mark.parametrize(
    "extra",
    [
        # A person and an organisation at once (the classes are disjoint).
        "<https://example.org/x> a owl:NamedIndividual, schema:Person, schema:Organization .",
        # The published GRaSP's own fault: one value typed with two disjoint value classes.
        "graspf:POSITIVE a graspf:CertaintyValue .",
        # A confidence outside [0, 1].
        '<https://example.org/c> a owl:NamedIndividual ; cg:confidence "1.5"^^xsd:decimal .',
    ],
    ids=["person-and-organization", "grasp-two-value-classes", "confidence-above-one"],
)
def test_a_broken_copy_is_reported_inconsistent(tmp_path: Path, extra: str) -> None:
    found = check(broken_copy(tmp_path, extra))
    assert not found.consistent
    assert not found.ok


def test_an_unsatisfiable_class_is_reported(tmp_path: Path) -> None:
    extra = "<https://example.org/RaidArrest> a owl:Class ; rdfs:subClassOf cg:Raid, cg:Arrest ."
    found = check(broken_copy(tmp_path, extra))
    assert found.consistent
    assert found.unsatisfiable == ["https://example.org/RaidArrest"]


def test_a_file_that_does_not_parse_raises_ontology_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix cg: <https://w3id.org/claimgraph/ns#> .\ncg:Group a ", encoding="utf-8")
    with pytest.raises(OntologyError, match="cannot parse"):
        check(bad)
    with pytest.raises(OntologyError):
        write_docs(tmp_path / "docs", tmp_path / "missing.ttl")


# ----------------------------------------------------------------------------- (d) vocab.py


def own_subjects(graph: rdflib.Graph) -> set[str]:
    return {str(s) for s in graph.subjects() if str(s).startswith(CG_IRI)}


def test_every_cg_term_is_declared_with_label_and_comment(graph: rdflib.Graph) -> None:
    for term in sorted(CG.terms):
        iri = rdflib.URIRef(CG_IRI + term)
        kinds = [k for k in DECLARATIONS if (iri, RDF.type, k) in graph]
        assert kinds, f"cg:{term} is in kg/graph/vocab.py but not declared in the ontology"
        assert graph.value(iri, RDFS.label) is not None, f"cg:{term} has no rdfs:label"
        assert graph.value(iri, RDFS.comment) is not None, f"cg:{term} has no rdfs:comment"


def test_every_own_subject_of_the_ontology_is_in_vocab(graph: rdflib.Graph) -> None:
    extra = own_subjects(graph) - {CG_IRI + t for t in CG.terms}
    assert not extra, (
        f"declared in the ontology but missing from kg/graph/vocab.py CG: {sorted(extra)}"
    )
    # The reverse direction, on objects too: no axiom may point at an undeclared cg: term.
    used = {
        str(o)
        for o in graph.objects()
        if isinstance(o, rdflib.URIRef) and str(o).startswith(CG_IRI)
    }
    assert used <= own_subjects(graph)


def test_every_reused_term_in_vocab_is_declared(graph: rdflib.Graph) -> None:
    # The mapping writes these terms; OWL 2 DL needs each declared with one kind.
    missing = [
        f"{v.prefix}:{t}"
        for v in vocab.VOCABULARIES
        if v is not CG and v.iri not in BUILT_IN
        for t in sorted(v.terms)
        if not any((rdflib.URIRef(v.iri + t), RDF.type, k) in graph for k in DECLARATIONS)
    ]
    assert not missing, f"reused terms not declared in the ontology: {missing}"


def test_concepts_have_a_preferred_label_and_one_scheme(graph: rdflib.Graph) -> None:
    concepts = [c for c in graph.subjects(RDF.type, SKOS.Concept) if str(c).startswith(CG_IRI)]
    assert len(concepts) == 14
    for c in concepts:
        assert (c, RDF.type, OWL.NamedIndividual) in graph
        assert graph.value(c, SKOS.prefLabel) is not None, c
        schemes = list(graph.objects(c, SKOS.inScheme))
        assert len(schemes) == 1 and (schemes[0], RDF.type, SKOS.ConceptScheme) in graph, c


def test_the_ontology_header(graph: rdflib.Graph) -> None:
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionInfo) is not None
    assert not list(graph.objects(onto, OWL.imports))
    license_ = graph.value(onto, rdflib.DCTERMS.license)
    assert license_ is not None and "apache.org/licenses/LICENSE-2.0" in str(license_)
    assert graph.value(onto, rdflib.DCTERMS.title) is not None
    assert graph.value(onto, rdflib.DCTERMS.description) is not None


# ----------------------------------------------------------------------------- (e) docs


def test_docs_anchor_every_own_term_and_load_nothing_external(tmp_path: Path) -> None:
    written = write_docs(tmp_path / "site")
    index, turtle = written
    assert index.name == "index.html" and turtle.name == "claimgraph.ttl"
    assert turtle.read_bytes() == ontology_path().read_bytes()
    page = index.read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate HTML ids"
    missing = sorted(t for t in CG.terms if t not in ids)
    assert not missing, f"no anchor for {missing}"
    # Self-contained: no script at all, no external stylesheet, font or import.
    assert "<script" not in page.lower()
    assert not re.search(r"<link\b[^>]*\bhref=[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|url\(", page, re.I)
    assert 'id="schema-Claim"' in page and "nanopublication" in page


# ----------------------------------------------------------------------------- (f) OWL 2 DL


def test_no_iri_has_two_property_kinds(graph: rdflib.Graph) -> None:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1 :]:
            both = set(graph.subjects(RDF.type, a)) & set(graph.subjects(RDF.type, b))
            assert not both, f"both {a} and {b}: {sorted(map(str, both))}"
    assert not set(graph.subjects(RDF.type, OWL.Class)) & set(
        graph.subjects(RDF.type, RDFS.Datatype)
    )


def test_every_property_an_axiom_uses_is_declared(graph: rdflib.Graph) -> None:
    """A predicate outside RDF/RDFS/OWL that is not declared makes the file OWL 2 Full."""
    declared = {s for k in DECLARATIONS for s in graph.subjects(RDF.type, k)}
    structural = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
    undeclared = {
        str(p)
        for p in graph.predicates()
        if not str(p).startswith(structural) and p not in declared
    }
    assert not undeclared


# ----------------------------------------------------------------------------- the mapping's data


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="no examples/articles in this checkout")
def test_the_example_articles_as_mapped_are_consistent_with_the_ontology() -> None:
    """The light domains and ranges must hold for what kg.graph.mapping really writes."""
    from kg.extract.report import Extraction
    from kg.graph.mapping import article_graphs
    from kg.graph.validate import to_rdflib

    data = load_graph()
    for text_file in sorted(EXAMPLES.glob("*.txt")):
        facts = text_file.with_name(text_file.name.removesuffix(".txt") + ".facts.json")
        report = Extraction.model_validate_json(facts.read_text(encoding="utf-8"))
        graphs = article_graphs(
            text_file.read_text(encoding="utf-8"),
            report,
            ingested_at=dt.datetime(2025, 6, 10, tzinfo=dt.UTC),
            model_version="test-model 1",
        )
        data += to_rdflib(graphs.quads)
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "data.nt"
        data.serialize(destination=nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            with nt.open("rb") as f:
                world.get_ontology(ONTOLOGY_IRI + "#").load(fileobj=f, format="ntriples")
            # The data carries xsd:date literals, which HermiT does not know; the ontology
            # itself has none, so `check` needs no such switch.
            owlready2.sync_reasoner(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            pytest.fail("the mapped example articles contradict the ontology")
        finally:
            world.close()
