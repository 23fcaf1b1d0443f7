"""kg.store.formats: the one table of RDF and result formats, and the names that are contracts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat

from kg.store import formats


def test_rdf_xml_answers_to_both_of_its_names() -> None:
    """The CLI has called RDF/XML `xml` and the API `rdfxml`: both names stay accepted."""
    assert formats.rdf_format("xml") == RdfFormat.RDF_XML
    assert formats.rdf_format("rdfxml") == RdfFormat.RDF_XML
    assert formats.results_format("xml") == QueryResultsFormat.XML


@pytest.mark.parametrize(
    "name", ["turtle", "ttl", "ntriples", "nquads", "trig", "jsonld", "xml", "rdfxml"]
)
def test_every_rdf_name_used_today_is_known(name: str) -> None:
    assert name in formats.names(formats.DUMP_FORMATS)


def test_query_output_names_keep_what_the_cli_accepted() -> None:
    accepted = {"table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"}
    assert accepted <= set(formats.query_output_names())


def test_media_types_and_extensions_are_pyoxigraphs() -> None:
    for fmt in formats.DUMP_FORMATS + formats.RESULT_FORMATS:
        assert fmt.syntax is not None
        assert fmt.syntax.media_type.startswith(fmt.media_type)
        assert fmt.extension == fmt.syntax.file_extension
    assert formats.content_type(formats.RESULTS_CSV) == "text/csv; charset=utf-8"
    assert formats.content_type(formats.JSON_LD) == "application/ld+json"


def test_a_format_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        _ = formats.RESULTS_JSON.rdf
    with pytest.raises(ValueError):
        _ = formats.TURTLE.results
    with pytest.raises(KeyError):
        formats.rdf_format("csv")


def test_query_workers_import_no_heavy_module() -> None:
    """api.evaluate runs in every query worker: kg.store.formats and kg.graph.vocab must stay
    light."""
    code = (
        "import sys, api.evaluate\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kg', 'rdflib', 'pyshacl', 'pydantic', 'fastapi')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # The packages' __init__ modules hold a docstring only.
    assert r.stdout.strip() == (
        "['kg', 'kg.graph', 'kg.graph.vocab', 'kg.store', 'kg.store.formats']"
    )
