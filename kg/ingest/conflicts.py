"""Conflicting figures: two claimants who give different numbers for the same thing.

A sheriff says 40 people were arrested and the city says 25; a union counts 12,000
strikers and the employers 6,500. Two claims conflict when different claimants give
figures for the same kind of thing (the counted nouns share their head: "dockworkers" and
"workers") in the same article, or in articles a week apart that mention the same place
or organisation, and the figures cannot both be right: the ranges their qualifiers allow
do not meet ("about 4,500" meets "more than 4,000"; "6,500" does not meet "about 12,000").

The links are derived data: they live in one graph of their own, recomputed as a whole.
Figures of time, money and percentages are left out: "two weeks" and "40 percent" are
rarely counts of the same thing, and nearly always false alarms. So is a per-item figure
("each able to shelter about 15,000 people").
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from kg.graph.mapping import DEFAULT_BASE_IRI, ArticleGraphs
from kg.graph.vocab import CG, PROV, SCHEMA, XSD
from kg.store.embedded import ClaimStore
from kg.store.graphstore import GraphStore, replace_request

# "about", "roughly": a reporter's rounding; 10% either way is what such figures carry.
APPROXIMATE = 0.10
NEARBY_DAYS = 7
MEASURES = frozenset(
    "percent per cent percentage point minute hour day week month year decade "
    "dollar euro pound yen usd eur gbp".split()
)


@dataclass(frozen=True)
class Figure:
    quantity: str
    claim: str
    claimant: str
    article: str
    value: float
    low: float
    high: float
    counted: str
    published: dt.date | None
    about: frozenset[str]


@dataclass(frozen=True)
class Conflict:
    a: Figure
    b: Figure


def conflicts_graph(base: str = DEFAULT_BASE_IRI) -> NamedNode:
    return NamedNode(f"{base}graph/conflicts")


def bounds(
    value: float, qualifier: str, low: float | None, high: float | None
) -> tuple[float, float]:
    """The range of true values a figure with this qualifier allows."""
    if low is not None and high is not None:
        return low, high
    match qualifier:
        case "Approximately":
            return value * (1 - APPROXIMATE), value * (1 + APPROXIMATE)
        case "AtLeast":
            return value, math.inf
        case "MoreThan":
            return math.nextafter(value, math.inf), math.inf
        case "AtMost":
            return 0.0, value
        case "LessThan":
            return 0.0, math.nextafter(value, -math.inf)
        case _:
            return value, value


def head(counted: str) -> str:
    """The counted noun's head, singular and lower case ("National Guard troops": troop)."""
    words = [w for w in counted.lower().replace("-", " ").split() if w.isalpha()]
    if not words:
        return ""
    w = words[-1]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def same_thing(a: str, b: str) -> bool:
    """Heads that name the same kind: equal, or one a compound of the other (dockworker)."""
    ha, hb = head(a), head(b)
    if not ha or not hb:
        return False
    return ha == hb or (len(hb) >= 4 and ha.endswith(hb)) or (len(ha) >= 4 and hb.endswith(ha))


def countable(f: Figure, unit: str | None, context: str) -> bool:
    """A count of things, not a measure or a per-item figure."""
    if unit or head(f.counted) in MEASURES:
        return False
    before = context.split()[-4:]
    return "each" not in (w.lower().strip(",") for w in before)


def comparable(a: Figure, b: Figure) -> bool:
    if a.claimant == b.claimant or a.claim == b.claim or not same_thing(a.counted, b.counted):
        return False
    if a.article == b.article:
        return True
    if a.published is None or b.published is None:
        return False
    near = abs((a.published - b.published).days) <= NEARBY_DAYS
    return near and bool(a.about & b.about)


def find_conflicts(figures: list[Figure]) -> list[Conflict]:
    """Pairs of figures that cannot both be right. Pure.

    Figures are grouped by the last four letters of their head, which every pair that
    `same_thing` accepts shares, so the pairwise comparison stays within small groups.
    """
    by_head: dict[str, list[Figure]] = {}
    for f in figures:
        by_head.setdefault(head(f.counted)[-4:], []).append(f)
    found: list[Conflict] = []
    for group in by_head.values():
        for a, b in _candidates(group):
            if comparable(a, b) and (a.high < b.low or b.high < a.low):
                found.append(Conflict(a, b) if a.quantity < b.quantity else Conflict(b, a))
    return sorted(set(found), key=lambda c: (c.a.quantity, c.b.quantity))


def _candidates(group: list[Figure]) -> Iterator[tuple[Figure, Figure]]:
    """The pairs `comparable` can accept: within an article, or a week apart at most and
    about a shared place or organisation.

    Across articles the group is walked per thing mentioned, in date order, stopping at the
    first figure more than a week later: the work grows with the figures about one thing in
    one week, not with all the figures of a busy week (at 100,000 generated articles a
    thousand articles a week share a few heads). A pair that shares several things is
    yielded for the first of them only.
    """
    by_article: dict[str, list[Figure]] = {}
    by_about: dict[str, list[Figure]] = {}
    for f in group:
        by_article.setdefault(f.article, []).append(f)
        if f.published is not None:
            for thing in f.about:
                by_about.setdefault(thing, []).append(f)
    for same in by_article.values():
        yield from itertools.combinations(same, 2)
    for thing, figures in by_about.items():
        figures.sort(key=lambda f: f.published or dt.date.min)
        for i, a in enumerate(figures):
            assert a.published is not None
            for b in figures[i + 1 :]:
                assert b.published is not None
                if (b.published - a.published).days > NEARBY_DAYS:
                    break
                if b.article != a.article and min(a.about & b.about) == thing:
                    yield a, b


_FIGURES = f"""
SELECT ?q ?claim ?claimant ?article ?value ?min ?max ?qualifier ?counted ?unit ?published
       ?text ?surface (GROUP_CONCAT(DISTINCT STR(?about); separator=" ") AS ?abouts)
WHERE {{
  #NEAR
  ?claim a {SCHEMA.Claim} ; {PROV.wasAttributedTo} ?claimant ; {SCHEMA.appearance} ?article ;
         {SCHEMA.text} ?text ; {CG.mentionsQuantity} ?q .
  ?q {SCHEMA.value} ?value ; {CG.qualifier} ?qual ; {CG.counted} ?counted ;
     {CG.surfaceText} ?surface .
  OPTIONAL {{ ?q {SCHEMA.unitCode} ?unit }}
  BIND (STRAFTER(STR(?qual), "#") AS ?qualifier)
  OPTIONAL {{ ?q {SCHEMA.minValue} ?min }}
  OPTIONAL {{ ?q {SCHEMA.maxValue} ?max }}
  OPTIONAL {{ ?article {SCHEMA.datePublished} ?published }}
  OPTIONAL {{ ?claim {SCHEMA.mentions} ?about }}
  #FILTER
}}
GROUP BY ?q ?claim ?claimant ?article ?value ?min ?max ?qualifier ?counted ?unit ?published
         ?text ?surface
"""


def stored_figures(
    store: GraphStore, near: tuple[frozenset[str], dt.date] | None = None
) -> list[Figure]:
    """The store's countable figures; with `near` (things and a day), only those of claims
    that mention one of the things, in articles published within a week of the day: the
    only figures of other articles a figure of that day about those things can conflict
    with (`comparable`)."""
    query = _FIGURES
    if near is not None:
        claims = claims_near(store, *near)
        if not claims:
            return []
        query = _FIGURES.replace("#NEAR", f"VALUES ?claim {{ {' '.join(claims)} }}")
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    out: list[Figure] = []
    for row in result:
        value = float(_v(row["value"]) or 0)
        low, high = bounds(
            value,
            _v(row["qualifier"]) or "Exact",
            _float(_v(row["min"])),
            _float(_v(row["max"])),
        )
        published = _v(row["published"])
        figure = Figure(
            quantity=_v(row["q"]) or "",
            claim=_v(row["claim"]) or "",
            claimant=_v(row["claimant"]) or "",
            article=_v(row["article"]) or "",
            value=value,
            low=low,
            high=high,
            counted=_v(row["counted"]) or "",
            published=dt.date.fromisoformat(published) if published else None,
            about=frozenset((_v(row["abouts"]) or "").split()),
        )
        text, surface = _v(row["text"]) or "", _v(row["surface"]) or ""
        context = text[: max(0, text.find(surface))] if surface in text else ""
        if countable(figure, _v(row["unit"]), context):
            out.append(figure)
    return out


def claims_near(store: GraphStore, things: frozenset[str], day: dt.date) -> list[str]:
    """The claims (as SPARQL terms) that mention one of `things`, in articles published
    within a week of `day`.

    From the dates, not from the things: the articles of a fortnight are a bounded set,
    while a thing in the news (a president, a capital) is mentioned by a share of the whole
    archive; on a 5,000-article store this reads the claims in 12 to 60 ms against 115 to
    360 ms from the things. A query of its own: as a sub-select of the figures' query it
    took 4 to 8 s there (Oxigraph evaluated the figures first)."""
    if not things:
        return []
    first, last = (
        Literal((day + dt.timedelta(days=d)).isoformat(), datatype=XSD.date)
        for d in (-NEARBY_DAYS, NEARBY_DAYS)
    )
    listed = ", ".join(str(NamedNode(t)) for t in sorted(things))
    result = store.query(
        f"SELECT DISTINCT ?claim WHERE {{ ?article {SCHEMA.datePublished} ?day "
        f"FILTER (?day >= {first} && ?day <= {last}) "
        f"?claim {SCHEMA.appearance} ?article ; {SCHEMA.mentions} ?thing "
        f"FILTER (?thing IN ({listed})) }}"
    )
    assert isinstance(result, QuerySolutions)
    return [str(row["claim"]) for row in result]


def conflict_quads(found: list[Conflict], base: str = DEFAULT_BASE_IRI) -> list[Quad]:
    """The links of `found`, both ways, on claims and on figures, in the conflicts graph."""
    g = conflicts_graph(base)
    return [
        Quad(NamedNode(getattr(x, part)), CG.conflictsWith, NamedNode(getattr(y, part)), g)
        for c in found
        for x, y in ((c.a, c.b), (c.b, c.a))
        for part in ("claim", "quantity")
    ]


def conflicts_with(store: GraphStore, graphs: ArticleGraphs) -> list[Conflict]:
    """The conflicts the article's new version has with the rest of the store.

    Only figures that could match its own are read: those about the same things within a
    week (`stored_figures(near=...)`), so the cost follows the article, not the archive.
    The new version is read from memory, so its links can be written with it in one update
    (`link_update`).
    """
    article = graphs.article.value
    with ClaimStore() as scratch:
        scratch.replace_articles([graphs])
        mine = stored_figures(scratch)
    dated = [f for f in mine if f.published is not None]
    others: list[Figure] = []
    if dated and dated[0].published is not None:
        things = frozenset().union(*(f.about for f in dated))
        near = stored_figures(store, (things, dated[0].published))
        others = [f for f in near if f.article != article]
    return [c for c in find_conflicts(others + mine) if article in (c.a.article, c.b.article)]


def link_update(graphs: ArticleGraphs, found: list[Conflict], base: str = DEFAULT_BASE_IRI) -> str:
    """SPARQL update operations: drop the links of the article's old version, add `found`'s."""
    g = conflicts_graph(base)
    own = Literal(graphs.article.value + "/")
    ops = [
        f"DELETE {{ GRAPH {g} {{ ?x {CG.conflictsWith} ?y }} }} WHERE {{ GRAPH {g} "
        f"{{ ?x {CG.conflictsWith} ?y }} FILTER (STRSTARTS(STR(?x), {own}) "
        f"|| STRSTARTS(STR(?y), {own})) }}"
    ]
    if found:
        ops.append(replace_request([], conflict_quads(found, base)))
    return " ;\n".join(ops)


def count_conflicts(store: GraphStore, base: str = DEFAULT_BASE_IRI) -> int:
    """Conflicting pairs of figures in the graph (each linked both ways)."""
    result = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {conflicts_graph(base)} "
        f'{{ ?x {CG.conflictsWith} ?y }} FILTER (CONTAINS(STR(?x), "/quantity/")) }}'
    )
    assert isinstance(result, QuerySolutions)
    for row in result:
        n = row["n"]
        return int(n.value) // 2 if n is not None else 0
    return 0


def refresh_conflicts(store: GraphStore, base: str = DEFAULT_BASE_IRI) -> list[Conflict]:
    """Recompute every conflict link in the store, in one update of their graph."""
    found = find_conflicts(stored_figures(store))
    g = conflicts_graph(base)
    quads = conflict_quads(found, base)
    if quads:
        store.replace_graphs(quads)
    else:
        store.update(f"DROP SILENT GRAPH {g}")
    return found


def _v(term: object) -> str | None:
    if isinstance(term, (NamedNode, Literal)):
        return term.value
    return None


def _float(s: str | None) -> float | None:
    return float(s) if s is not None else None
