"""kg.graph.vocab: terms declared so that mypy rejects a misspelt one, and no IRI spelt
elsewhere."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.graph import vocab
from kg.graph.vocab import CG, SCHEMA

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(
    p
    for d in ("kg", "api")
    for p in (ROOT / d).rglob("*.py")
    if "static" not in p.parts and "node_modules" not in p.parts
)
ONTOLOGY = ROOT / "ontology" / "claimgraph.ttl"
SHAPES = ROOT / "shapes" / "claimgraph.shapes.ttl"


def _variable(v: vocab.Vocabulary) -> str:
    return next(name for name, value in vars(vocab).items() if value is v)


def test_terms_are_named_nodes_and_a_misspelt_one_fails_at_run_time() -> None:
    assert CG.cue.value == CG.iri + "cue"
    assert CG["cue"] == CG.cue and CG.cue in CG and SCHEMA.Claim not in CG
    with pytest.raises(AttributeError):
        _ = CG.cueSapn  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        CG["cueSapn"]


def test_a_misspelt_term_is_a_type_error(tmp_path: Path) -> None:
    """mypy, not only a run, rejects `CG.cueSapn`: each term is a declared attribute."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text("from kg.graph.vocab import CG, SCHEMA\nx = CG.cueSapn\ny = SCHEMA.name\n")
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'has no attribute "cueSapn"' in r.stdout
    assert "Found 1 error" in r.stdout  # SCHEMA.name is accepted


def test_every_term_is_used_by_the_code_the_ontology_or_the_shapes() -> None:
    """The lists are what claimgraph writes, reads or declares: no term kept for nothing.

    The tests count as users: some build the wrong datatypes the shapes must refuse.
    """
    tests = sorted((ROOT / "tests").rglob("*.py"))
    code = "".join(p.read_text(encoding="utf-8") for p in SOURCES + tests if p.name != "vocab.py")
    declared = ONTOLOGY.read_text(encoding="utf-8") + SHAPES.read_text(encoding="utf-8")
    unused = [
        f"{v.prefix}:{t}"
        for v in vocab.VOCABULARIES
        for t in sorted(v.terms)
        if not re.search(rf"\b{_variable(v)}\.{t}\b", code)
        and not re.search(rf"(?<![\w:]){v.prefix}:{t}\b", declared)
        and v.iri + t not in declared
    ]
    assert not unused, f"terms in kg/graph/vocab.py that nothing uses: {unused}"


@pytest.mark.parametrize("v", [CG, SCHEMA], ids=["cg", "schema"])
def test_every_term_the_shapes_use_is_declared(v: vocab.Vocabulary) -> None:
    graph = rdflib.Graph().parse(SHAPES)
    used = {
        str(n)[len(v.iri) :]
        for triple in graph
        for n in triple
        if isinstance(n, rdflib.URIRef) and str(n).startswith(v.iri)
    }
    assert not used - v.terms, f"{v.prefix}: terms of the shapes missing from kg/graph/vocab.py"


# Addresses that are not vocabulary: a setting's default, a web API, the User-Agent's
# contact page, example data.
NOT_VOCABULARY = {
    ("kg/factcheck/fetch.py", "https://claimgraph.org/"),
    ("kg/settings.py", "https://claimgraph.org/id/"),
    ("kg/factcheck/sources.py", "https://factchecktools.googleapis.com/v1alpha1/claims:search"),
    ("api/routes/factchecks.py", "https://factcheck.example.org/2026/06/troops"),
}
_IRI = re.compile(r"https?://[^\s\"'<>{}()]+")


def _strings(tree: ast.AST) -> list[str]:
    """Every string constant of a module except docstrings (prose may cite an address)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_iri_is_written_as_a_string_outside_the_vocabulary() -> None:
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "kg/graph/vocab.py":
            continue
        for text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            for iri in _IRI.findall(text):
                if (rel, iri) not in NOT_VOCABULARY:
                    found.append(f"{rel}: {iri}")
    assert not found, "IRIs spelt outside kg/graph/vocab.py:\n" + "\n".join(found)
