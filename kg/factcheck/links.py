"""Linking our claims to published fact-checks: the matcher over what the store holds.

The matcher (kg.factcheck.matching: BM25 and MiniLM retrieval, a re-ranker learned on the
CheckThat! training queries) is built from the reviews in the store; its embeddings are
cached on disk beside the store, so a restart does not recompute them. Links are
`cg:ClaimMatch` nodes with their score and method, in one graph of their own that each
`link_claims` run replaces whole: they are derived data, recomputed from validated nodes. A
link also records when it was first made (`prov:generatedAtTime`), carried over when a later
run makes it again, so that new links can be listed (`GET /factchecks/matches?since=`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from kg.factcheck.matching import Matcher, Review
from kg.factcheck.rdf import review_iri
from kg.graph.mapping import DEFAULT_BASE_IRI
from kg.graph.vocab import CG, PROV, RDF, SCHEMA, XSD
from kg.store.graphstore import GraphStore

METHOD = "bm25+all-MiniLM-L6-v2, logistic re-ranker (CheckThat! 2022 train)"

_REVIEWS = f"""
SELECT ?url ?identifier ?claim ?headline ?description ?date ?author ?creator WHERE {{
  ?r a {SCHEMA.ClaimReview} ; {SCHEMA.url} ?url ; {SCHEMA.claimReviewed} ?claim .
  OPTIONAL {{ ?r {SCHEMA.identifier} ?identifier }}
  OPTIONAL {{ ?r {SCHEMA.headline} ?headline }}
  OPTIONAL {{ ?r {SCHEMA.description} ?description }}
  OPTIONAL {{ ?r {SCHEMA.datePublished} ?date }}
  OPTIONAL {{ ?r {SCHEMA.author}/{SCHEMA.name} ?author }}
  OPTIONAL {{ ?r {SCHEMA.creator} ?creator }}
}} ORDER BY ?url
"""

_CLAIMS = f"""
SELECT ?claim ?text WHERE {{ ?claim a {SCHEMA.Claim} ; {SCHEMA.text} ?text }} ORDER BY ?claim
"""


def default_cache(store_path: Path | None) -> Path | None:
    """Embeddings live beside the store: `<store>.cache/embeddings`."""
    return None if store_path is None else Path(f"{store_path}.cache") / "embeddings"


def stored_reviews(store: GraphStore) -> list[Review]:
    import datetime as dt

    result = store.query(_REVIEWS)
    assert isinstance(result, QuerySolutions)
    out: list[Review] = []
    seen: set[str] = set()
    for row in result:

        def text(name: str, row: object = row) -> str:
            term = row[name]  # type: ignore[index]
            return term.value if term is not None else ""

        review = Review(
            identifier=text("identifier"),
            url=text("url"),
            claim_reviewed=text("claim"),
            name=text("headline"),
            description=text("description"),
            date_published=dt.date.fromisoformat(text("date")) if text("date") else None,
            author=text("author"),
            creator=text("creator"),
        )
        if review.key not in seen:
            seen.add(review.key)
            out.append(review)
    return out


def build_matcher(store: GraphStore, cache_dir: Path | None) -> Matcher:
    reviews = stored_reviews(store)
    if not reviews:
        from kg.errors import NoFactchecks

        raise NoFactchecks("no fact-checks in the store: run `claimgraph factcheck import` first")
    return Matcher.build(reviews, cache_dir=cache_dir)


def links_graph(base: str = DEFAULT_BASE_IRI) -> NamedNode:
    return NamedNode(f"{base}graph/factcheck-links")


def link_times(store: GraphStore, base: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """When each stored link was first made (`prov:generatedAtTime`), by its IRI."""
    result = store.query(
        f"SELECT ?m ?t WHERE {{ GRAPH {links_graph(base)} {{ ?m a {CG.ClaimMatch} ; "
        f"{PROV.generatedAtTime} ?t }} }}"
    )
    assert isinstance(result, QuerySolutions)
    return {
        row["m"].value: row["t"].value
        for row in result
        if row["m"] is not None and row["t"] is not None
    }


def now_stamp(now: dt.datetime | None = None) -> str:
    """A link's time: UTC to the second, `YYYY-MM-DDTHH:MM:SSZ`, so that the lexical order
    the listings sort by is the order in time."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_claims(
    store: GraphStore,
    matcher: Matcher,
    *,
    base: str = DEFAULT_BASE_IRI,
    top: int = 3,
    now: dt.datetime | None = None,
) -> int:
    """Link every claim in the store to its `top` best fact-checks; returns the link count.

    A link the store held already keeps the time it was first made, and a new one (or one
    stored before links were timed) gets `now`: so `/factchecks/matches?since=` lists what a
    sync or a match run added.
    """
    result = store.query(_CLAIMS)
    assert isinstance(result, QuerySolutions)
    claims = [(row["claim"], row["text"]) for row in result]
    claims = [(c, t.value) for c, t in claims if isinstance(c, NamedNode) and t is not None]
    g = links_graph(base)
    made = link_times(store, base)
    stamp = now_stamp(now)
    url_of = {r.key: r.url for r in matcher.reviews}
    quads: list[Quad] = []
    ranked = matcher.rank([text for _, text in claims], top=top) if claims else []
    for (claim, _), hits in zip(claims, ranked, strict=True):
        for key, score in hits:
            url = url_of[key]
            node = NamedNode(
                f"{claim.value}/factcheck/{hashlib.sha256(url.encode()).hexdigest()[:12]}"
            )
            quads += [
                Quad(node, RDF.type, CG.ClaimMatch, g),
                Quad(node, CG.matchedClaim, claim, g),
                Quad(node, CG.matchedReview, review_iri(url, base), g),
                Quad(node, CG.matchScore, Literal(f"{score:.6f}", datatype=XSD.decimal), g),
                Quad(node, CG.matchMethod, Literal(METHOD), g),
                Quad(
                    node,
                    PROV.generatedAtTime,
                    Literal(made.get(node.value, stamp), datatype=XSD.dateTime),
                    g,
                ),
            ]
    if quads:
        store.replace_graphs(quads)  # drops the old links in the same request
    else:
        store.update(f"DROP SILENT GRAPH {g}")
    return len(quads) // 6
