"""The ontology's two promises: HermiT finds it consistent, and its page documents every term.

`check` answers "is ontology/claimgraph.ttl still sound?" (CI runs it through the tests);
`write_docs` writes the page the API serves at /ontology, one anchor per term, so that
`/ontology#Group` explains `cg:Group`. Both read the Turtle file, the single source.

    >>> result = check()                       # doctest: +SKIP
    >>> result.ok, result.unsatisfiable        # doctest: +SKIP
    (True, [])
"""

from __future__ import annotations

import html
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.errors import OntologyError
from kg.graph.resources import ontology_path
from kg.graph.vocab import CG_IRI, PREFIXES

__all__ = ["ONTOLOGY_IRI", "OntologyCheck", "check", "docs_html", "load_graph", "write_docs"]

ONTOLOGY_IRI = CG_IRI.rstrip("#")


@dataclass(frozen=True)
class OntologyCheck:
    """What HermiT says of the ontology.

    Counts are of named terms the file declares, ours and reused ones alike (HermiT reasons
    over both); `n_properties` counts object and datatype properties, not annotation ones.
    `seconds` covers parsing, conversion and the reasoner, JVM start-up included.
    """

    consistent: bool
    unsatisfiable: list[str]
    n_classes: int
    n_properties: int
    n_individuals: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def load_graph(path: Path | None = None) -> Graph:
    """The ontology as an rdflib graph; `OntologyError` if the file cannot be read as Turtle."""
    source = path or ontology_path()
    graph = Graph()
    try:
        graph.parse(source, format="turtle")
    except (OSError, SyntaxError, ValueError, ParserError) as e:
        # rdflib's Turtle parser raises BadSyntax, a SyntaxError; other parsers ParserError.
        raise OntologyError(
            f"cannot parse the ontology {source} as Turtle: {e}. "
            "Fix the file (rdfpipe -i turtle FILE shows the first error) and run again."
        ) from e
    return graph


def check(path: Path | None = None) -> OntologyCheck:
    """Run HermiT on the ontology and report consistency and unsatisfiable classes.

    Inconsistency is an answer, not an error: it is returned, never raised. owlready2 reads
    RDF/XML and N-Triples but not Turtle, so the graph goes through N-Triples in a
    temporary directory. owl:imports are dropped first: the file declares every term it
    reuses, and following an import would need the network.
    """
    started = time.perf_counter()
    graph = load_graph(path)
    graph.remove((None, OWL.imports, None))
    with tempfile.TemporaryDirectory(prefix="claimgraph-owl-") as tmp:
        ntriples = Path(tmp) / "ontology.nt"
        graph.serialize(destination=ntriples, format="nt", encoding="utf-8")
        # A fresh World per check: the default world is process-wide and would keep the
        # terms of every file checked before (a broken test copy, say).
        world = owlready2.World()
        try:
            with ntriples.open("rb") as f:
                world.get_ontology(ONTOLOGY_IRI + "#").load(fileobj=f, format="ntriples")
            n_classes = len(list(world.classes()))
            n_properties = len(list(world.object_properties())) + len(list(world.data_properties()))
            n_individuals = len(list(world.individuals()))
            try:
                owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return OntologyCheck(
                    consistent=False,
                    unsatisfiable=[],
                    n_classes=n_classes,
                    n_properties=n_properties,
                    n_individuals=n_individuals,
                    seconds=time.perf_counter() - started,
                )
            # owlready2 lists owl:Nothing itself among the classes equivalent to it.
            unsatisfiable = sorted(
                c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)
            )
        finally:
            world.close()
    return OntologyCheck(
        consistent=True,
        unsatisfiable=unsatisfiable,
        n_classes=n_classes,
        n_properties=n_properties,
        n_individuals=n_individuals,
        seconds=time.perf_counter() - started,
    )


def write_docs(out_dir: Path, path: Path | None = None) -> list[Path]:
    """Write `index.html` and a copy of the Turtle into `out_dir`; return both paths.

    The page is self-contained (inline style, no script, no CDN) so it renders offline and
    the API can serve it as a static file.
    """
    source = path or ontology_path()
    page = docs_html(load_graph(source))
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    turtle = out_dir / "claimgraph.ttl"
    if source.resolve() != turtle.resolve():
        shutil.copyfile(source, turtle)
    return [index, turtle]


# ----------------------------------------------------------------------------- the page

_KINDS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Individuals", OWL.NamedIndividual),
)
_DECLARATIONS = frozenset(kind for _, _, kind in _KINDS) | {RDFS.Datatype}
_CHARACTERISTICS = {
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.TransitiveProperty: "transitive",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
_FACETS = {
    XSD.minInclusive: "≥",
    XSD.maxInclusive: "≤",
    XSD.minExclusive: ">",
    XSD.maxExclusive: "<",
}
# What each reused vocabulary is, for the table; keyed by the prefix the Turtle declares.
_VOCABULARY_TITLES = {
    "schema": "schema.org",
    "prov": "PROV-O, the PROV ontology (W3C)",
    "org": "The Organization Ontology (W3C)",
    "nif": "NIF 2.0 Core",
    "itsrdf": "ITS 2.0 RDF (W3C)",
    "sem": "Simple Event Model (SEM)",
    "time": "OWL-Time (W3C)",
    "skos": "SKOS (W3C)",
    "graspf": "GRaSP factuality values",
    "dcterms": "DCMI Metadata Terms",
    "vann": "VANN, vocabulary annotations",
}
_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1b1b; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
section.term { border-left: 3px solid #3a6ea5; padding: .2rem 0 .2rem 1rem; margin: 1.5rem 0; }
section.term:target { background: #fff8dc; }
section.term h3 { margin: 0; } .iri { color: #555; font-size: 90%; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
code { font-size: 92%; } a { color: #1d4f91; }
"""


def docs_html(graph: Graph) -> str:
    """The documentation page for an ontology graph: a pure function of the graph."""
    names = _Names(graph)
    own = _own_terms(graph)
    title = _text(graph, URIRef(ONTOLOGY_IRI), DCTERMS.title) or "claimgraph ontology"
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>",
        *_header(graph, title),
        '<nav id="section-contents"><h2>Contents</h2><ul>',
    ]
    for anchor, heading, kind in _KINDS:
        if own[kind]:
            out.append(f'<li><a href="#section-{anchor}">{heading}</a> ({len(own[kind])})</li>')
    out.append('<li><a href="#section-reused-usage">Reused classes as used here</a></li>')
    out.append('<li><a href="#section-reused">Reused vocabularies</a></li></ul></nav>')
    for anchor, heading, kind in _KINDS:
        if not own[kind]:
            continue
        out.append(f'<section id="section-{anchor}"><h2>{heading}</h2>')
        out.extend(_term(graph, names, term, kind) for term in own[kind])
        out.append("</section>")
    out.extend(_reused_usage(graph, names))
    out.extend(_reused_table(graph, names))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


class _Names:
    """Prefixed names and links for IRIs; own terms link to their anchor on this page."""

    def __init__(self, graph: Graph) -> None:
        namespaces = {p: str(ns) for p, ns in graph.namespace_manager.namespaces()}
        namespaces.update(PREFIXES)
        # Longest namespace first, so a namespace nested in another wins.
        self.namespaces = sorted(namespaces.items(), key=lambda kv: -len(kv[1]))

    def split(self, iri: str) -> tuple[str, str] | None:
        for prefix, ns in self.namespaces:
            if prefix and iri.startswith(ns) and len(iri) > len(ns):
                return prefix, iri[len(ns) :]
        return None

    def short(self, iri: str) -> str:
        parts = self.split(iri)
        return f"{parts[0]}:{parts[1]}" if parts else iri

    def link(self, iri: str) -> str:
        href = "#" + iri[len(CG_IRI) :] if iri.startswith(CG_IRI) else iri
        return f'<a href="{_esc(href)}"><code>{_esc(self.short(iri))}</code></a>'


def _own_terms(graph: Graph) -> dict[URIRef, list[URIRef]]:
    own: dict[URIRef, list[URIRef]] = {kind: [] for _, _, kind in _KINDS}
    for _, _, kind in _KINDS:
        found = {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        own[kind] = sorted(
            (s for s in found if str(s).startswith(CG_IRI)), key=lambda s: str(s).casefold()
        )
    return own


def _header(graph: Graph, title: str) -> list[str]:
    onto = URIRef(ONTOLOGY_IRI)
    description = _text(graph, onto, DCTERMS.description)
    version = _text(graph, onto, OWL.versionInfo)
    license_ = graph.value(onto, DCTERMS.license)
    rows = [("Ontology IRI", f"<code>{_esc(ONTOLOGY_IRI)}</code>")]
    rows.append(("Namespace", f"<code>{_esc(CG_IRI)}</code> (prefix <code>cg:</code>)"))
    if version:
        rows.append(("Version", _esc(version)))
    if license_ is not None:
        rows.append(("Licence", f'<a href="{_esc(str(license_))}">{_esc(str(license_))}</a>'))
    rows.append(("Source", '<a href="claimgraph.ttl">claimgraph.ttl</a> (Turtle)'))
    out = [f"<header><h1>{_esc(title)}</h1>"]
    if description:
        out.append(f"<p>{_esc(description)}</p>")
    out.append(_dl(rows))
    out.append("</header>")
    return out


def _term(graph: Graph, names: _Names, iri: URIRef, kind: URIRef) -> str:
    local = str(iri)[len(CG_IRI) :]
    label = _text(graph, iri, RDFS.label) or local
    comment = _text(graph, iri, RDFS.comment)
    rows: list[tuple[str, str]] = [("IRI", f'<code class="iri">{_esc(str(iri))}</code>')]
    if kind == OWL.Class:
        rows += _class_rows(graph, names, iri)
    elif kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        rows += _property_rows(graph, names, iri)
    else:
        rows += _individual_rows(graph, names, iri)
    return (
        f'<section class="term" id="{_esc(local)}"><h3>{_esc(label)} '
        f"<code>cg:{_esc(local)}</code></h3>"
        + (f"<p>{_esc(comment)}</p>" if comment else "")
        + _dl(rows)
        + "</section>"
    )


def _class_rows(graph: Graph, names: _Names, iri: URIRef) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    _add(rows, "Subclass of", [_expr(graph, names, o) for o in graph.objects(iri, RDFS.subClassOf)])
    _add(rows, "Superclass of", [names.link(str(s)) for s in _named(graph, RDFS.subClassOf, iri)])
    _add(rows, "Disjoint with", [names.link(str(c)) for c in _disjoint(graph, iri)])
    _add(rows, "Domain of", [names.link(str(p)) for p in _named(graph, RDFS.domain, iri)])
    _add(rows, "Range of", [names.link(str(p)) for p in _named(graph, RDFS.range, iri)])
    return rows


def _property_rows(graph: Graph, names: _Names, iri: URIRef) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    types = set(graph.objects(iri, RDF.type))
    _add(rows, "Characteristics", [label for t, label in _CHARACTERISTICS.items() if t in types])
    _add(rows, "Domain", [_expr(graph, names, o) for o in graph.objects(iri, RDFS.domain)])
    _add(rows, "Range", [_expr(graph, names, o) for o in graph.objects(iri, RDFS.range)])
    _add(
        rows,
        "Subproperty of",
        [_expr(graph, names, o) for o in graph.objects(iri, RDFS.subPropertyOf)],
    )
    _add(rows, "Inverse of", [_expr(graph, names, o) for o in graph.objects(iri, OWL.inverseOf)])
    return rows


def _individual_rows(graph: Graph, names: _Names, iri: URIRef) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    types = [t for t in graph.objects(iri, RDF.type) if t != OWL.NamedIndividual]
    _add(rows, "Type", [_expr(graph, names, t) for t in types])
    _add(rows, "Preferred label", [_esc(str(v)) for v in graph.objects(iri, SKOS.prefLabel)])
    _add(rows, "In scheme", [_expr(graph, names, o) for o in graph.objects(iri, SKOS.inScheme)])
    _add(rows, "Concepts", [names.link(str(s)) for s in _named(graph, SKOS.inScheme, iri)])
    return rows


def _reused_usage(graph: Graph, names: _Names) -> list[str]:
    """Reused classes the file comments on: how claimgraph uses them, anchored prefix-local."""
    out = [
        '<section id="section-reused-usage"><h2>Reused classes as used here</h2>',
        "<p>These terms belong to other vocabularies; the notes say how claimgraph uses them.</p>",
    ]
    terms = sorted(
        (
            s
            for s in graph.subjects(RDFS.comment, None)
            if isinstance(s, URIRef)
            and not str(s).startswith(CG_IRI)
            and str(s) != ONTOLOGY_IRI
            and names.split(str(s))
        ),
        key=lambda s: names.short(str(s)).casefold(),
    )
    for iri in dict.fromkeys(terms):
        prefix, local = names.split(str(iri)) or ("", str(iri))
        rows = [("IRI", names.link(str(iri)))] + _class_rows(graph, names, iri)
        out.append(
            f'<section class="term" id="{_esc(prefix)}-{_esc(local)}">'
            f"<h3><code>{_esc(names.short(str(iri)))}</code></h3>"
            f"<p>{_esc(_text(graph, iri, RDFS.comment) or '')}</p>{_dl(rows)}</section>"
        )
    out.append("</section>")
    return out


def _reused_table(graph: Graph, names: _Names) -> list[str]:
    by_prefix: dict[str, set[str]] = {}
    namespace_of: dict[str, str] = {}
    for kind in _DECLARATIONS:
        for s in graph.subjects(RDF.type, kind):
            if not isinstance(s, URIRef) or str(s).startswith(CG_IRI):
                continue
            parts = names.split(str(s))
            if parts is None:
                continue
            by_prefix.setdefault(parts[0], set()).add(str(s))
            namespace_of[parts[0]] = str(s)[: len(str(s)) - len(parts[1])]
    out = [
        '<section id="section-reused"><h2>Reused vocabularies</h2>',
        "<p>Declared here without <code>owl:imports</code>, so the ontology is OWL 2 DL on "
        "its own and needs no network to load.</p>",
        "<table><thead><tr><th>Prefix</th><th>Vocabulary</th><th>Namespace</th>"
        "<th>Terms declared here</th></tr></thead><tbody>",
    ]
    for prefix in sorted(by_prefix):
        terms = ", ".join(
            names.link(t) for t in sorted(by_prefix[prefix], key=lambda t: t.casefold())
        )
        title = _VOCABULARY_TITLES.get(prefix, prefix)
        ns = namespace_of[prefix]
        out.append(
            f'<tr id="vocab-{_esc(prefix)}"><td><code>{_esc(prefix)}:</code></td>'
            f'<td>{_esc(title)}</td><td><a href="{_esc(ns)}"><code>{_esc(ns)}</code></a></td>'
            f"<td>{terms}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


# ----------------------------------------------------------------------------- small helpers


def _expr(graph: Graph, names: _Names, node: Node) -> str:
    """A class or data range as text: a link for a name, words for an anonymous expression."""
    if isinstance(node, URIRef):
        return names.link(str(node))
    if not isinstance(node, BNode):
        return _esc(str(node))
    for operator, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
        members = graph.value(node, operator)
        if members is not None:
            return "(" + word.join(_expr(graph, names, m) for m in Collection(graph, members)) + ")"
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return "not " + _expr(graph, names, complement)
    one_of = graph.value(node, OWL.oneOf)
    if one_of is not None:
        return "{" + ", ".join(_expr(graph, names, m) for m in Collection(graph, one_of)) + "}"
    base = graph.value(node, OWL.onDatatype)
    restrictions = graph.value(node, OWL.withRestrictions)
    if base is not None and restrictions is not None:
        facets = []
        for r in Collection(graph, restrictions):
            for facet, value in graph.predicate_objects(r):
                sign = _FACETS.get(facet) if isinstance(facet, URIRef) else None
                shown = sign or names.short(str(facet))
                facets.append(f"{_esc(shown)} {_esc(str(value))}")
        return _expr(graph, names, base) + "[" + ", ".join(facets) + "]"
    return "an anonymous class expression"


def _named(graph: Graph, predicate: URIRef, obj: URIRef) -> list[URIRef]:
    found = {s for s in graph.subjects(predicate, obj) if isinstance(s, URIRef)}
    return sorted(found, key=lambda s: str(s).casefold())


def _disjoint(graph: Graph, iri: URIRef) -> list[URIRef]:
    found: set[Node] = set(graph.objects(iri, OWL.disjointWith))
    found |= set(graph.subjects(OWL.disjointWith, iri))
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members_node = graph.value(axiom, OWL.members)
        if members_node is None:
            continue
        members = list(Collection(graph, members_node))
        if iri in members:
            found.update(members)
    found.discard(iri)
    return sorted((n for n in found if isinstance(n, URIRef)), key=lambda s: str(s).casefold())


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    """One literal value, English preferred, so a page never mixes languages at random."""
    values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
    values.sort(key=lambda v: (v.language not in ("en", None), str(v)))
    return str(values[0]) if values else None


def _add(rows: list[tuple[str, str]], name: str, values: Iterable[str]) -> None:
    shown = sorted(set(values), key=str.casefold)
    if shown:
        rows.append((name, ", ".join(shown)))


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{_esc(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
