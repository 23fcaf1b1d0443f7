"""The HTML pages of the graph's resources: a resource's triples (and a few queries of its
neighbours) turned into a page for people.

`resource_page` picks the page by the resource's types: a claim, an entity (person,
organisation, place, group), a news article, or a generic table of its triples. The page
frame and the escaping are `api.routes.html`; the negotiation that decides to serve a page
at all is `api.routes.linked_data`.
"""

from __future__ import annotations

import asyncio

from api.engine import Engine
from api.routes import html as h
from api.routes.claims import index_keys
from api.routes.common import PAGE_ROWS, Row, local_link, resource_id, select
from kg.graph import queries
from kg.graph.vocab import CG, NIF, OWL, PREFIXES, RDF, RDFS, SCHEMA, WIKIDATA_ENTITY
from kg.store.formats import GRAPH_FORMATS

ENTITY_TYPES = {SCHEMA.Person.value, SCHEMA.Organization.value, SCHEMA.Place.value, CG.Group.value}


async def resource_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    """The HTML page of `subject`, whose own triples are `triples`: the page of a claim, an
    entity or an article by its `rdf:type`, else a table of its triples."""
    types = {t["o"].value for t in triples if t["p"].value == RDF.type.value}
    if SCHEMA.Claim.value in types:
        return await claim_page(engine, subject, triples)
    if types & ENTITY_TYPES:
        return await entity_page(engine, subject, triples)
    if SCHEMA.NewsArticle.value in types:
        return await article_page(engine, subject, triples)
    return generic_page(engine, subject, triples)


def _first(triples: list[Row], predicate: str) -> str | None:
    return next((t["o"].value for t in triples if t["p"].value == predicate), None)


def _all(triples: list[Row], predicate: str) -> list[str]:
    return [t["o"].value for t in triples if t["p"].value == predicate]


def _ref(engine: Engine, row: Row, key: str, label: str | None = None) -> str:
    """A link to the IRI in `row[key]` (local when under the base) labelled by `row[label]`."""
    cell = row.get(key)
    if cell is None:
        return ""
    text = row[label].value if label and label in row else short(cell.value)
    return h.link(local_link(engine, cell.value) or cell.value, text)


def short(value: str) -> str:
    """`value` as a prefixed name (`schema:Person`) when a known namespace starts it."""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def _formats(engine: Engine, subject: str) -> str:
    here = local_link(engine, subject) or ""
    links = " ".join(h.link(f"{here}?format={f.key}", f.key) for f in GRAPH_FORMATS if here)
    return f'<p class="formats">Also as: {links}</p>' if links else ""


def _alternates(engine: Engine, subject: str) -> str:
    here = local_link(engine, subject)
    if not here:
        return ""
    return "\n".join(
        f'<link rel="alternate" type="{h.esc(f.media_type)}" href="{h.esc(here)}?format={f.key}">'
        for f in GRAPH_FORMATS
    )


async def entity_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    offices, made, mentioned = await asyncio.gather(
        select(engine, queries.offices_of(subject, limit=PAGE_ROWS)),
        _newest_claims(engine, claimants=[subject]),
        _newest_claims(engine, mentioning=[subject]),
    )
    names = _all(triples, SCHEMA.name.value)
    title = names[0] if names else short(subject)
    wikidata = [o for o in _all(triples, OWL.sameAs.value) if o.startswith(WIKIDATA_ENTITY)]
    body = [
        h.definitions(
            [
                ("Names", ", ".join(h.esc(n) for n in names)),
                ("Also known as", ", ".join(h.esc(n) for n in _all(triples, _ALT))),
                ("Types", ", ".join(h.esc(short(t)) for t in _all(triples, RDF.type.value))),
                ("Wikidata", ", ".join(h.link(w, w.rsplit("/", 1)[-1]) for w in wikidata)),
            ]
        ),
        "<h2>Offices</h2>",
        h.table(
            ["Post", "Organisation", "Jurisdiction"],
            (
                [
                    _ref(engine, r, "post", "label"),
                    _ref(engine, r, "org", "orgName"),
                    _ref(engine, r, "j", "jName"),
                ]
                for r in offices
            ),
            "no office recorded",
        ),
        "<h2>Claims made</h2>",
        _claims_table(engine, made),
        "<h2>Claims that mention it</h2>",
        _claims_table(engine, mentioned),
        _formats(engine, subject),
    ]
    return h.page(title, body, iri=subject, alternates=_alternates(engine, subject))


_ALT = SCHEMA.alternateName.value


async def _newest_claims(
    engine: Engine, *, claimants: list[str] | None = None, mentioning: list[str] | None = None
) -> list[Row]:
    """The newest PAGE_ROWS claims an entity made or that mention it: their keys from the
    search index (a frequent entity has tens of thousands at 100,000 articles, which SPARQL
    sorted by date for every page view), then their details for those alone."""
    keys = await index_keys(engine, claimants=claimants, mentioning=mentioning, want=PAGE_ROWS)
    iris = [c for _, c in keys if c is not None]
    if not iris:
        return []
    return await select(engine, queries.claim_rows(iris, limit=PAGE_ROWS))


def _claims_table(engine: Engine, rows: list[Row]) -> str:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["c"].value in seen:
            continue
        seen.add(r["c"].value)
        out.append(
            [
                _ref(engine, r, "who", "whoName"),
                h.esc(r["cue"].value),
                _ref(engine, r, "c", "text"),
                h.esc(r["date"].value) if "date" in r else "",
                _ref(engine, r, "a", "url"),
            ]
        )
    return h.table(["Claimant", "Cue", "Claim", "Published", "Article"], out, "no claim")


async def claim_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    info, quantities, events, conflicts, checks = await asyncio.gather(
        select(engine, queries.claim_in_context(subject)),
        select(engine, queries.quantities_of_claim(subject, limit=PAGE_ROWS)),
        select(engine, queries.events_of_claim(subject, limit=PAGE_ROWS)),
        select(engine, queries.claims_conflicting_with(subject, limit=PAGE_ROWS)),
        select(engine, queries.factchecks_of_claim(subject, limit=PAGE_ROWS)),
    )
    body: list[str] = []
    title = short(subject)
    if info:
        r = info[0]
        text = r["string"].value
        begin, end = int(r["begin"].value), int(r["end"].value)
        title = f"{r['whoName'].value if 'whoName' in r else 'Someone'} {r['cueText'].value}: "
        title += "“" + text[begin:end][:80] + "”"
        grasp = " · ".join(
            short(r[k].value).split("#")[-1].split(":")[-1]
            for k in ("certainty", "polarity", "tense")
            if k in r
        )
        body += [
            h.definitions(
                [
                    ("Claimant", _ref(engine, r, "who", "whoName")),
                    ("Cue", h.esc(r["cueText"].value)),
                    ("Claim type", h.esc(r["typeLabel"].value) if "typeLabel" in r else ""),
                    ("Factuality", h.esc(grasp)),
                    ("Confidence", h.esc(r["confidence"].value) if "confidence" in r else ""),
                    ("Medium", _ref(engine, r, "medium", "mediumName")),
                    ("Article", _ref(engine, r, "a", "headline" if "headline" in r else "url")),
                    ("Published", h.esc(r["date"].value) if "date" in r else ""),
                ]
            ),
            "<h2>In the article</h2>",
            f'<div class="article">{h.highlighted(text, begin, end)}</div>',
        ]
    body += [
        "<h2>Figures</h2>",
        h.table(
            ["Figure", "Value", "Qualifier", "Counted"],
            (
                [
                    h.esc(q["surface"].value),
                    h.esc(q["value"].value),
                    h.esc(q["qualifier"].value) if "qualifier" in q else "",
                    h.esc(q["counted"].value) if "counted" in q else "",
                ]
                for q in quantities
            ),
            "no figure",
        ),
        "<h2>What it asserts (its proposition graph)</h2>",
        h.table(
            ["Event", "Types", "Actor", "Place", "Date"],
            (
                [
                    _ref(engine, e, "e", "label"),
                    h.esc(e["types"].value) if "types" in e else "",
                    h.esc(e["actor"].value) if "actor" in e else "",
                    h.esc(e["place"].value) if "place" in e else "",
                    h.esc(e["when"].value) if "when" in e else "",
                ]
                for e in events
            ),
            "no event",
        ),
        "<h2>Conflicting claims</h2>",
        _claims_table(engine, conflicts),
        "<h2>Fact-checks</h2>",
        h.table(
            ["Review", "Claim reviewed", "Verdict", "Score", "Method"],
            (
                [
                    h.link(f["url"].value, f["url"].value),
                    h.esc(f["reviewed"].value),
                    h.esc(f["verdict"].value) if "verdict" in f else "",
                    h.esc(f["score"].value) if "score" in f else "",
                    h.esc(f["method"].value) if "method" in f else "",
                ]
                for f in checks
            ),
            "no fact-check linked yet",
        ),
        _formats(engine, subject),
    ]
    return h.page(title, body, iri=subject, alternates=_alternates(engine, subject))


async def article_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    claims = await select(engine, queries.claims_in_article(subject, limit=PAGE_ROWS))
    title = _first(triples, SCHEMA.headline.value) or _first(triples, SCHEMA.url.value) or subject
    url = _first(triples, SCHEMA.url.value)
    publishers = _all(triples, SCHEMA.publisher.value)
    body = [
        h.definitions(
            [
                ("URL", h.link(url, url) if url else ""),
                ("Published", h.esc(_first(triples, SCHEMA.datePublished.value) or "")),
                (
                    "Publisher",
                    ", ".join(h.link(local_link(engine, p), short(p)) for p in publishers),
                ),
                ("Language", h.esc(_first(triples, SCHEMA.inLanguage.value) or "")),
            ]
        ),
        "<h2>Claims</h2>",
        _claims_table(engine, claims),
        "<h2>Text</h2>",
        f'<div class="article">{h.esc(_first(triples, NIF.isString.value) or "")}</div>',
        _formats(engine, subject),
    ]
    return h.page(str(title), body, iri=subject, alternates=_alternates(engine, subject))


def generic_page(engine: Engine, subject: str, triples: list[Row]) -> str:
    label = _first(triples, RDFS.label.value) or _first(triples, SCHEMA.name.value)
    rows = []
    for t in triples:
        o = t["o"]
        value = (
            h.link(local_link(engine, o.value) or o.value, short(o.value))
            if o.is_iri
            else h.esc(o.value)
        )
        rows.append([h.link(t["p"].value, short(t["p"].value)), value])
    body = [h.table(["Property", "Value"], rows), _formats(engine, subject)]
    return h.page(
        label or short(resource_id(engine, subject)),
        body,
        iri=subject,
        alternates=_alternates(engine, subject),
    )
