"""The read queries of the graph: each a function from typed inputs to the SPARQL text.

One place for the SELECTs (and the CONSTRUCT) that the API's handlers and the command line
ask of the graph, between them and the graph's model (`kg.graph.mapping`, the ontology): a
change of the graph's layout (a property renamed, a node added between two others) touches
this file, not every handler that reads it, and each query can be tested without a server.

The functions are pure: they build text and evaluate nothing. IRIs are given as plain
strings and written with `iri_term` (a string that is no IRI raises ValueError, which the
API answers as a 404 before asking); a user's string reaches a query only through `literal`,
which escapes it, never pasted raw. Arguments named `pattern`, `filters` or `dates` are
SPARQL fragments built by the functions here. Each query's cost was measured against the
alternatives (bench/LISTINGS.md): the comments say which shape won and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pyoxigraph import Literal, NamedNode

from kg.graph.vocab import CG, NIF, ORG, OWL, PROV, RDFS, SCHEMA, SEM, XSD

# The classes of the things the graph calls entities.
ENTITY_CLASSES = (SCHEMA.Person, SCHEMA.Organization, SCHEMA.Place, CG.Group)

# The ends of a conflicting pair: each side's claim and figure.
PAIR_ENDS = ("cA", "qA", "cB", "qB")


# -- terms ------------------------------------------------------------------------------


def iri_term(value: str) -> str:
    """An IRI as a SPARQL term (`<…>`); ValueError when `value` is no IRI."""
    return str(NamedNode(value))


def literal(value: str) -> str:
    """A string as a SPARQL literal, escaped by pyoxigraph (quotes, braces, newlines)."""
    return str(Literal(value))


def date_literal(lexical: str) -> str:
    """A YYYY-MM-DD date as an xsd:date literal."""
    return str(Literal(lexical, datatype=XSD.date))


def values_of(var: str, iris: Iterable[str]) -> str:
    """`VALUES ?var { <iri> … }`: the IRIs as constants of the query."""
    return f"VALUES {var} {{ {' '.join(iri_term(x) for x in iris)} }}"


def one_of(var: str, iris: Iterable[str]) -> str:
    """`?var IN (<iri>, …)`: a test of a bound variable against the IRIs."""
    return f"{var} IN ({', '.join(iri_term(x) for x in iris)})"


def date_range(var: str, since: str | None, until: str | None) -> str:
    """A FILTER keeping dates from `since` to `until` (either may be open); "" for neither.

    Dates are compared as their YYYY-MM-DD strings (the same order): once xsd:date literals
    of fact-checks were stored beside the articles', Virtuoso found no article date
    `<= "2025-06-09"^^xsd:date`.
    """
    tests = []
    if since is not None:
        tests.append(f"STR({var}) >= {literal(since)}")
    if until is not None:
        tests.append(f"STR({var}) <= {literal(until)}")
    return f"FILTER ({' && '.join(tests)})" if tests else ""


def after_filter(names: Sequence[str], key: Sequence[str | None]) -> str:
    """SPARQL for "the row sorts after `key`" in ascending order of `names`' expressions,
    an unbound (None) value sorting first, as in SPARQL's ORDER BY. Give expressions that
    are simple literals (`STR(?x)`): Virtuoso finds no xsd:string greater than "b"."""
    first, value = names[0], key[0]
    if value is None:
        head = f"BOUND({_var_of(first)})"
        same = f"!BOUND({_var_of(first)})"
    else:
        head = f"{first} > {literal(value)}"
        same = f"{first} = {literal(value)}"
    if len(names) == 1:
        return head
    return f"{head} || ({same} && ({after_filter(names[1:], key[1:])}))"


def _var_of(expression: str) -> str:
    """The variable an ordering expression reads (`LCASE(STR(?name))` → `?name`)."""
    start = expression.index("?")
    end = start + 1
    while end < len(expression) and (expression[end].isalnum() or expression[end] == "_"):
        end += 1
    return expression[start:end]


# -- dated listings (api.routes.paging) --------------------------------------------------


def publication_dates(
    dated_type: str, *, since: str | None, below: str | None, inclusive: bool, limit: int
) -> str:
    """The distinct publication dates of things of `dated_type`, newest first, from `since`
    and up to `below` (itself included when `inclusive`)."""
    bound = date_range("?d", since, None)
    if below is not None:
        bound += f" FILTER (STR(?d) {'<=' if inclusive else '<'} {literal(below)})"
    return f"""SELECT DISTINCT ?d WHERE {{
  ?x a {dated_type} ; {SCHEMA.datePublished} ?d . {bound}
}} ORDER BY DESC(STR(?d)) LIMIT {limit}"""


def undated(dated: str, dated_type: str) -> str:
    """The things of `dated_type` (bound to the variable `dated`) with no publication date."""
    return (
        f"SELECT {dated} WHERE {{ {dated} a {dated_type} . "
        f"OPTIONAL {{ {dated} {SCHEMA.datePublished} ?d_ }} FILTER (!BOUND(?d_)) }}"
    )


def undated_pattern(dated: str, dated_type: str) -> str:
    """The pattern of a keys query over the things of `dated_type` that have no date."""
    return (
        f"{dated} a {dated_type} . "
        f"OPTIONAL {{ {dated} {SCHEMA.datePublished} ?d_ }} FILTER (!BOUND(?d_))"
    )


def any_date_pattern(dated: str, since: str | None, until: str | None) -> str:
    """The pattern binding `?d` to `dated`'s date: optional, or within the range given."""
    if since is None and until is None:
        return f"OPTIONAL {{ {dated} {SCHEMA.datePublished} ?d }}"
    return f"{dated} {SCHEMA.datePublished} ?d . {date_range('?d', since, until)}"


def on_dates_pattern(dated: str, dates: Iterable[str]) -> str:
    """The pattern binding `?d` to `dated`'s date, one of `dates` (YYYY-MM-DD): a constant
    object, so an index lookup (a range FILTER is not pushed into the index)."""
    values = " ".join(date_literal(d) for d in dates)
    return f"VALUES ?d {{ {values} }} {dated} {SCHEMA.datePublished} ?d ."


# -- articles ---------------------------------------------------------------------------


def article_keys(dates: str) -> str:
    """The (date, article) keys of the articles listing within the `dates` pattern."""
    return f"SELECT DISTINCT ?d ?a WHERE {{ ?a a {SCHEMA.NewsArticle} . {dates} }}"


def article_summaries(articles: Iterable[str]) -> str:
    """Each article's URL, headline, date, publisher and number of claims."""
    return f"""SELECT ?a (SAMPLE(?u) AS ?url) (SAMPLE(?h) AS ?headline) (SAMPLE(?d) AS ?date)
       (SAMPLE(?pn) AS ?publisher) (COUNT(DISTINCT ?c) AS ?claims) WHERE {{
  {values_of("?a", articles)}
  OPTIONAL {{ ?a {SCHEMA.url} ?u }} OPTIONAL {{ ?a {SCHEMA.headline} ?h }}
  OPTIONAL {{ ?a {SCHEMA.datePublished} ?d }}
  OPTIONAL {{ ?a {SCHEMA.publisher}/{SCHEMA.name} ?pn }}
  OPTIONAL {{ ?c {SCHEMA.appearance} ?a ; a {SCHEMA.Claim} }}
}} GROUP BY ?a"""


# -- claims -----------------------------------------------------------------------------


def any_claim() -> str:
    """Whether the store holds any claim (ASK)."""
    return f"ASK {{ ?c a {SCHEMA.Claim} }}"


def claim_summaries(
    filters: str, more: tuple[str, str] = ("", ""), limit: int = 1, offset: int = 0
) -> str:
    """One row per claim matching `filters` (samples of its details), newest article first.

    `more` adds (projections, patterns) for the details of one claim.
    """
    return f"""SELECT ?c (SAMPLE(?text_) AS ?text) (SAMPLE(?cue_) AS ?cue)
       (SAMPLE(?type_) AS ?type) (SAMPLE(?who_) AS ?who) (SAMPLE(?whoName_) AS ?whoName)
       (SAMPLE(?a_) AS ?a) (SAMPLE(?url_) AS ?url) (SAMPLE(?headline_) AS ?headline)
       (SAMPLE(?date_) AS ?date) (GROUP_CONCAT(DISTINCT STR(?m_); separator=" ") AS ?mentions)
       {more[0]}
WHERE {{
  ?c a {SCHEMA.Claim} ; {SCHEMA.text} ?text_ ; {CG.cue} ?cue_ ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.appearance} ?a_ .
  {filters}
  OPTIONAL {{ ?c {CG.claimType} ?type_ }}
  OPTIONAL {{ ?who_ {SCHEMA.name} ?whoName_ }}
  OPTIONAL {{ ?a_ {SCHEMA.url} ?url_ }} OPTIONAL {{ ?a_ {SCHEMA.headline} ?headline_ }}
  OPTIONAL {{ ?a_ {SCHEMA.datePublished} ?date_ }}
  OPTIONAL {{ ?c {SCHEMA.mentions} ?m_ }}
  {more[1]}
}} GROUP BY ?c ORDER BY DESC(?date) ?c LIMIT {limit} OFFSET {offset}"""


def claims_listed(claims: Iterable[str], limit: int) -> str:
    """The summaries of the claims given (a listing's page)."""
    return claim_summaries(values_of("?c", claims), limit=limit)


def claim_detail(claim: str) -> str:
    """One claim's summary with its factuality, medium, figures and conflicts."""
    projections = """(SAMPLE(?cert_) AS ?certainty) (SAMPLE(?pol_) AS ?polarity)
       (SAMPLE(?tense_) AS ?temporality) (SAMPLE(?conf_) AS ?confidence)
       (SAMPLE(?med_) AS ?medium) (SAMPLE(?medName_) AS ?mediumName)
       (GROUP_CONCAT(DISTINCT STR(?q_); separator=" ") AS ?quantities)
       (GROUP_CONCAT(DISTINCT STR(?x_); separator=" ") AS ?conflicts)"""
    patterns = f"""  OPTIONAL {{ ?c {CG.certainty} ?cert_ }} OPTIONAL {{ ?c {CG.polarity} ?pol_ }}
  OPTIONAL {{ ?c {CG.temporality} ?tense_ }} OPTIONAL {{ ?c {CG.confidence} ?conf_ }}
  OPTIONAL {{ ?c {CG.medium} ?med_ . OPTIONAL {{ ?med_ {SCHEMA.name} ?medName_ }} }}
  OPTIONAL {{ ?c {CG.mentionsQuantity} ?q_ }}
  OPTIONAL {{ ?c {CG.conflictsWith} ?x_ . ?x_ a {SCHEMA.Claim} }}"""
    return claim_summaries(f"FILTER (?c = {iri_term(claim)})", (projections, patterns))


def claim_if_stored(claim: str) -> str:
    """The claim itself when the graph holds it as a schema:Claim, no row otherwise."""
    return f"SELECT ?c WHERE {{ BIND ({iri_term(claim)} AS ?c) ?c a {SCHEMA.Claim} }}"


def claim_filters(
    *,
    claimants: Sequence[str] | None = None,
    mentioning: Sequence[str] | None = None,
    cue: str | None = None,
    text: str | None = None,
) -> tuple[str, str]:
    """The claims listing's filters twice: as joins from their constants (for the query
    that fetches every matching key at once: an index lookup) and as tests of each row
    (for the walk over dates), in that order."""
    joins, tests = [], []
    if claimants is not None:
        joins.append(values_of("?who_", claimants))
        tests.append(f"FILTER ({one_of('?who_', claimants)})")
    if mentioning is not None:
        joins.append(f"?c {SCHEMA.mentions} ?about . " + values_of("?about", mentioning))
        tests.append(
            f"FILTER EXISTS {{ ?c {SCHEMA.mentions} ?about . "
            f"FILTER ({one_of('?about', mentioning)}) }}"
        )
    shared = []
    if cue:
        shared.append(f"FILTER (LCASE(?cue_) = LCASE({literal(cue)}))")
    if text:
        shared.append(f"FILTER (CONTAINS(LCASE(?text_), LCASE({literal(text)})))")
    return " ".join(joins + shared), " ".join(tests + shared)


def claim_keys(filters: str, dates: str) -> str:
    """The (date, claim) keys of the claims listing: only the patterns a listed claim must
    match, the `filters` and the `dates` pattern."""
    return f"""SELECT DISTINCT ?d ?c WHERE {{
  ?c a {SCHEMA.Claim} ; {SCHEMA.text} ?text_ ; {CG.cue} ?cue_ ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.appearance} ?a_ .
  {filters}
  {dates}
}}"""


def factchecks_of_claim(claim: str, limit: int) -> str:
    """The stored cg:ClaimMatch links of a claim, with their reviews, best score first."""
    return f"""SELECT ?m ?r ?url ?reviewed ?verdict ?score ?method WHERE {{
  ?m a {CG.ClaimMatch} ; {CG.matchedClaim} {iri_term(claim)} ; {CG.matchedReview} ?r .
  ?r {SCHEMA.url} ?url ; {SCHEMA.claimReviewed} ?reviewed .
  OPTIONAL {{ ?r {CG.normalizedVerdict} ?v .
              BIND (UCASE(STRAFTER(STR(?v), "#Verdict")) AS ?verdict) }}
  OPTIONAL {{ ?m {CG.matchScore} ?score }} OPTIONAL {{ ?m {CG.matchMethod} ?method }}
}} ORDER BY DESC(?score) LIMIT {limit}"""


def _claim_rows(pattern: str, limit: int) -> str:
    return f"""SELECT ?c ?text ?cue ?who ?whoName ?a ?url ?date WHERE {{
  {pattern}
  ?c {SCHEMA.text} ?text ; {CG.cue} ?cue ; {PROV.wasAttributedTo} ?who ; {SCHEMA.appearance} ?a .
  OPTIONAL {{ ?who {SCHEMA.name} ?whoName }}
  OPTIONAL {{ ?a {SCHEMA.url} ?url }} OPTIONAL {{ ?a {SCHEMA.datePublished} ?date }}
}} ORDER BY DESC(?date) ?c LIMIT {limit}"""


def claim_rows(claims: Iterable[str], limit: int) -> str:
    """The text, cue, claimant and article of each claim given, newest first."""
    return _claim_rows(values_of("?c", claims), limit)


def claims_conflicting_with(claim: str, limit: int) -> str:
    """The claims in conflict with `claim` (text, cue, claimant, article), newest first."""
    return _claim_rows(f"{iri_term(claim)} {CG.conflictsWith} ?c . ?c a {SCHEMA.Claim} .", limit)


def claims_in_article(article: str, limit: int) -> str:
    """The claims an article carries (text, cue, claimant, article), newest first."""
    return _claim_rows(f"?c a {SCHEMA.Claim} ; {SCHEMA.appearance} {iri_term(article)} .", limit)


def claim_in_context(claim: str) -> str:
    """A claim's article text and span, claimant, cue, type, factuality and medium."""
    s = iri_term(claim)
    return f"""SELECT ?a ?string ?begin ?end ?url ?headline ?date ?who ?whoName ?typeLabel
       ?certainty ?polarity ?tense ?medium ?mediumName ?cueText ?confidence WHERE {{
  {s} {SCHEMA.appearance} ?a ; {PROV.wasAttributedTo} ?who ; {CG.contentSpan} ?span ;
     {CG.cue} ?cueText .
  ?span {NIF.beginIndex} ?begin ; {NIF.endIndex} ?end .
  ?a {NIF.isString} ?string .
  OPTIONAL {{ ?a {SCHEMA.url} ?url }} OPTIONAL {{ ?a {SCHEMA.headline} ?headline }}
  OPTIONAL {{ ?a {SCHEMA.datePublished} ?date }}
  OPTIONAL {{ ?who {SCHEMA.name} ?whoName }}
  OPTIONAL {{ {s} {CG.claimType} ?type . BIND (STRAFTER(STR(?type), "#") AS ?typeLabel) }}
  OPTIONAL {{ {s} {CG.certainty} ?certainty }} OPTIONAL {{ {s} {CG.polarity} ?polarity }}
  OPTIONAL {{ {s} {CG.temporality} ?tense }} OPTIONAL {{ {s} {CG.confidence} ?confidence }}
  OPTIONAL {{ {s} {CG.medium} ?medium . OPTIONAL {{ ?medium {SCHEMA.name} ?mediumName }} }}
}} LIMIT 1"""


def quantities_of_claim(claim: str, limit: int) -> str:
    """The figures a claim reports: surface text, value, qualifier, what is counted."""
    s = iri_term(claim)
    return f"""SELECT ?q ?surface ?value ?qualifier ?counted WHERE {{
  {s} {CG.mentionsQuantity} ?q . ?q {CG.surfaceText} ?surface ; {SCHEMA.value} ?value .
  OPTIONAL {{ ?q {CG.qualifier} ?qual . BIND (STRAFTER(STR(?qual), "#") AS ?qualifier) }}
  OPTIONAL {{ ?q {CG.counted} ?counted }}
}} ORDER BY ?q LIMIT {limit}"""


def events_of_claim(claim: str, limit: int) -> str:
    """The events of a claim's proposition graph, with their types, actor, place and date."""
    s = iri_term(claim)
    return f"""SELECT ?e (GROUP_CONCAT(DISTINCT STRAFTER(STR(?type), "#"); separator=", ")
       AS ?types) (SAMPLE(?l) AS ?label) (SAMPLE(?actorName) AS ?actor)
       (SAMPLE(?placeName) AS ?place) (SAMPLE(?ts) AS ?when) WHERE {{
  GRAPH {s} {{ ?e a ?type . OPTIONAL {{ ?e {RDFS.label} ?l }}
    OPTIONAL {{ ?e {SEM.hasTimeStamp} ?ts }} }}
  OPTIONAL {{ GRAPH {s} {{ ?e {SEM.hasActor} ?actor_ }} ?actor_ {SCHEMA.name} ?actorName }}
  OPTIONAL {{ GRAPH {s} {{ ?e {SEM.hasPlace} ?place_ }} ?place_ {SCHEMA.name} ?placeName }}
}} GROUP BY ?e ORDER BY ?e LIMIT {limit}"""


# -- entities ---------------------------------------------------------------------------


def entity_summaries(entities: Iterable[str]) -> str:
    """Each entity's least name and its types."""
    return f"""SELECT ?e (MIN(?n) AS ?name)
       (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types) WHERE {{
  {values_of("?e", entities)} ?e a ?t . OPTIONAL {{ ?e {SCHEMA.name} ?n }}
}} GROUP BY ?e"""


def entity_detail(entity: str) -> str:
    """An entity's name, types, other names and sameAs links; no row when it is none."""
    kinds = " ".join(str(k) for k in ENTITY_CLASSES)
    return f"""SELECT ?e (SAMPLE(?n) AS ?name)
       (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
       (GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?alts)
       (GROUP_CONCAT(DISTINCT STR(?same); separator=" ") AS ?sameAs) WHERE {{
  BIND ({iri_term(entity)} AS ?e) VALUES ?kind {{ {kinds} }} ?e a ?kind ; a ?t .
  OPTIONAL {{ ?e {SCHEMA.name} ?n }} OPTIONAL {{ ?e {SCHEMA.alternateName} ?alt }}
  OPTIONAL {{ ?e {OWL.sameAs} ?same }}
}} GROUP BY ?e"""


def offices_of(entity: str, limit: int) -> str:
    """The posts an entity holds, with their organisation and jurisdiction, by label."""
    return f"""SELECT DISTINCT ?post ?label ?org ?orgName ?j ?jName WHERE {{
  {iri_term(entity)} {ORG.holds} ?post . ?post {RDFS.label} ?label .
  OPTIONAL {{ ?post {ORG.postIn} ?org . OPTIONAL {{ ?org {SCHEMA.name} ?orgName }} }}
  OPTIONAL {{ ?post {CG.jurisdiction} ?j . OPTIONAL {{ ?j {SCHEMA.name} ?jName }} }}
}} ORDER BY ?label LIMIT {limit}"""


# -- conflicts --------------------------------------------------------------------------

_PAIR_ORDER = ("STR(?qA)", "STR(?qB)")


def conflict_pairs(
    after: Sequence[str | None] | None = None, limit: int | None = None, offset: int = 0
) -> str:
    """The conflicting pairs of figures (each pair once) with a claim of each side: all of
    them unordered when `limit` is None, else a page in the order of the figures' IRIs'
    strings, after the (figure A, figure B) key `after`."""
    start = f"FILTER ({after_filter(_PAIR_ORDER, after)})" if after is not None else ""
    query = f"""SELECT ?qA ?qB (SAMPLE(?cA_) AS ?cA) (SAMPLE(?cB_) AS ?cB) WHERE {{
  ?qA {CG.conflictsWith} ?qB . FILTER (STR(?qA) < STR(?qB))
  {start}
  ?cA_ {CG.mentionsQuantity} ?qA ; {CG.conflictsWith} ?cB_ . ?cB_ {CG.mentionsQuantity} ?qB .
}} GROUP BY ?qA ?qB"""
    if limit is None:
        return query
    return query + f" ORDER BY {' '.join(_PAIR_ORDER)} LIMIT {limit + 1} OFFSET {offset}"


def _conflict_side(x: str) -> str:
    return f"""?c{x} {CG.mentionsQuantity} ?q{x} ; {PROV.wasAttributedTo} ?who{x} ;
      {SCHEMA.text} ?text{x} ; {SCHEMA.appearance} ?a{x} .
  ?q{x} {CG.surfaceText} ?fig{x} ; {SCHEMA.value} ?val{x} .
  OPTIONAL {{ ?q{x} {CG.counted} ?counted{x} }}
  OPTIONAL {{ ?who{x} {SCHEMA.name} ?name{x} }}
  OPTIONAL {{ ?a{x} {SCHEMA.url} ?url{x} }} OPTIONAL {{ ?a{x} {SCHEMA.datePublished} ?date{x} }}"""


def conflict_details(pairs: Sequence[Mapping[str, str]]) -> str:
    """Both sides of each pair (the IRIs of `PAIR_ENDS`): claimant, text, figure, article.

    Each pair is its own UNION branch with its claims and figures written in as constants
    and numbered `?n`, so the engine starts each branch from them; a VALUES block over the
    pairs (tried in fb52c68) let it join every claim's figures first, 4 s a page at 10,000
    articles.
    """
    both = _conflict_side("A") + "\n  " + _conflict_side("B")
    branches = []
    for n, pair in enumerate(pairs):
        pattern = both
        for k in PAIR_ENDS:
            pattern = pattern.replace(f"?{k} ", iri_term(pair[k]) + " ")
        branches.append(f"{{ SELECT * WHERE {{ {pattern}\n  BIND({n} AS ?n) }} LIMIT 1 }}")
    return "SELECT * WHERE {\n" + "\nUNION\n".join(branches) + "\n}"


# -- fact-checks and the links to them --------------------------------------------------


def review_keys(dates: str) -> str:
    """The (date, review) keys of the fact-checks listing within the `dates` pattern."""
    return f"""SELECT DISTINCT ?d ?r WHERE {{
  ?r a {SCHEMA.ClaimReview} ; {SCHEMA.url} ?u ; {SCHEMA.claimReviewed} ?cr . {dates}
}}"""


def review_summaries(reviews: Iterable[str]) -> str:
    """Each review's URL, claim reviewed, verdict, rating, publisher and date."""
    return f"""SELECT ?r (SAMPLE(?u) AS ?url) (SAMPLE(?cr) AS ?reviewed) (SAMPLE(?vl) AS ?verdict)
       (SAMPLE(?rl) AS ?rating) (SAMPLE(?pn) AS ?publisher) (SAMPLE(?d) AS ?date) WHERE {{
  {values_of("?r", reviews)}
  ?r {SCHEMA.url} ?u ; {SCHEMA.claimReviewed} ?cr .
  OPTIONAL {{ ?r {CG.normalizedVerdict} ?v . BIND (UCASE(STRAFTER(STR(?v), "#Verdict")) AS ?vl) }}
  OPTIONAL {{ ?r {SCHEMA.reviewRating}/{SCHEMA.alternateName} ?rl }}
  OPTIONAL {{ ?r {SCHEMA.author}/{SCHEMA.name} ?pn }}
  OPTIONAL {{ ?r {SCHEMA.datePublished} ?d }}
}} GROUP BY ?r"""


def match_keys(since: str | None, after: Sequence[str | None] | None, limit: int) -> str:
    """The (link, time) keys of the claim-to-review links made at or after `since` (a UTC
    time's lexical form), newest first, after the (time, link) key `after`; `limit` + 1 rows."""
    tests = []
    if since is not None:
        tests.append(f"STR(?t) >= {literal(since)}")
    if after is not None:
        t0, m0 = literal(after[0] or ""), literal(after[1] or "")
        tests.append(f"(STR(?t) < {t0} || (STR(?t) = {t0} && STR(?m) > {m0}))")
    where = f"FILTER ({' && '.join(tests)})" if tests else ""
    # The order a cursor's FILTER follows: the time's string (UTC, one fixed form, so its
    # lexical order is the order in time), newest first, then the IRI's string.
    return f"""SELECT ?m ?t WHERE {{
  ?m a {CG.ClaimMatch} ; {PROV.generatedAtTime} ?t . {where}
}} ORDER BY DESC(STR(?t)) STR(?m) LIMIT {limit + 1}"""


def match_details(links: Iterable[str]) -> str:
    """Each link's time, claim and its text, review, verdict, rating, publisher and score."""
    return f"""SELECT ?m ?t ?c ?text ?r ?url ?cr ?vl ?rl ?pn ?s WHERE {{
  {values_of("?m", links)}
  ?m {CG.matchedClaim} ?c ; {CG.matchedReview} ?r ; {CG.matchScore} ?s ;
     {PROV.generatedAtTime} ?t .
  OPTIONAL {{ ?c {SCHEMA.text} ?text }}
  OPTIONAL {{ ?r {SCHEMA.url} ?url }}
  OPTIONAL {{ ?r {SCHEMA.claimReviewed} ?cr }}
  OPTIONAL {{ ?r {CG.normalizedVerdict} ?v . BIND (UCASE(STRAFTER(STR(?v), "#Verdict")) AS ?vl) }}
  OPTIONAL {{ ?r {SCHEMA.reviewRating}/{SCHEMA.alternateName} ?rl }}
  OPTIONAL {{ ?r {SCHEMA.author}/{SCHEMA.name} ?pn }}
}}"""


# -- quantities -------------------------------------------------------------------------


def figure_concerns(var: str, within: str = "") -> str:
    """The pattern "`?var` is what the figure `?q` of the claim `?c` concerns": mentioned by
    the claim, counted, or its event's place or actor.

    `within` (the page's `VALUES`) goes inside each branch of the union, where Oxigraph joins
    it first; outside, it evaluated the union (proposition graphs included) for every figure.
    """
    branches = (
        f"?c {SCHEMA.mentions} ?{var} .",
        f"?q {CG.countedOf} ?{var} .",
        f"GRAPH ?c {{ ?ev {CG.count} ?q ; {SEM.hasPlace}|{SEM.hasActor} ?{var} }}",
    )
    return " UNION ".join(f"{{ {within} {branch} }}" for branch in branches)


def quantity_filters(
    *,
    counted: str | None = None,
    concerning: Sequence[str] | None = None,
    claimants: Sequence[str] | None = None,
) -> tuple[str, str, str]:
    """The quantities listing's filters as (joins, tests) for the query that fetches every
    matching key at once, and the tests of each row for the walk over dates."""
    joins, checks, tests = [], [], ""
    if counted:
        tests = f"FILTER (CONTAINS(LCASE(STR(?counted_)), LCASE({literal(counted)})))"
    if concerning is not None:
        joins.append(values_of("?target", concerning) + " " + figure_concerns("target"))
        checks.append(
            f"FILTER EXISTS {{ {figure_concerns('target')} "
            f"FILTER ({one_of('?target', concerning)}) }}"
        )
    if claimants is not None:
        joins.append(values_of("?who_", claimants))
        checks.append(f"FILTER ({one_of('?who_', claimants)})")
    return " ".join(joins), tests, " ".join([*checks, tests])


def quantity_keys(patterns: str, tests: str, dates: str) -> str:
    """The (date, figure, claim) keys of the quantities listing: only the patterns a listed
    figure must match, and the filters.

    The OPTIONAL comes after the dates and the filters' constants: placed before them,
    Oxigraph evaluated it for every figure of the store first (19.7 s for one date's keys
    at 10,000 articles, against milliseconds).
    """
    return f"""SELECT DISTINCT ?d ?q ?c WHERE {{
  ?c a {SCHEMA.Claim} ; {CG.mentionsQuantity} ?q ; {PROV.wasAttributedTo} ?who_ ;
     {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
  ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
  {patterns}
  {dates}
  OPTIONAL {{ ?q {CG.counted} ?counted_ }}
  {tests}
}}"""


def _pairs_values(pairs: Iterable[tuple[str, str]]) -> str:
    values = " ".join(f"({iri_term(q)} {iri_term(c)})" for q, c in pairs)
    return f"VALUES (?q ?c) {{ {values} }}"


def quantity_summaries(pairs: Iterable[tuple[str, str]]) -> str:
    """Each (figure, claim) pair's figure, value range, qualifier, unit, claimant, article."""
    return f"""SELECT ?q ?c (SAMPLE(?surface_) AS ?surface) (SAMPLE(?value_) AS ?value)
       (SAMPLE(?min_) AS ?min) (SAMPLE(?max_) AS ?max) (SAMPLE(?qual_) AS ?qualifier)
       (SAMPLE(?counted_) AS ?counted) (SAMPLE(?unit_) AS ?unit) (SAMPLE(?who_) AS ?who)
       (SAMPLE(?whoName_) AS ?whoName) (SAMPLE(?text_) AS ?text) (SAMPLE(?a_) AS ?a)
       (SAMPLE(?url_) AS ?url) (SAMPLE(?date_) AS ?date) WHERE {{
  {_pairs_values(pairs)}
  ?c {PROV.wasAttributedTo} ?who_ ; {SCHEMA.text} ?text_ ; {SCHEMA.appearance} ?a_ .
  ?q {SCHEMA.value} ?value_ ; {CG.surfaceText} ?surface_ .
  OPTIONAL {{ ?a_ {SCHEMA.datePublished} ?date_ }}
  OPTIONAL {{ ?q {CG.counted} ?counted_ }}
  OPTIONAL {{ ?q {CG.qualifier} ?ql . BIND (STRAFTER(STR(?ql), "#") AS ?qual_) }}
  OPTIONAL {{ ?q {SCHEMA.minValue} ?min_ }} OPTIONAL {{ ?q {SCHEMA.maxValue} ?max_ }}
  OPTIONAL {{ ?q {SCHEMA.unitCode}|{SCHEMA.unitText} ?unit_ }}
  OPTIONAL {{ ?who_ {SCHEMA.name} ?whoName_ }}
  OPTIONAL {{ ?a_ {SCHEMA.url} ?url_ }}
}} GROUP BY ?q ?c"""


def quantity_concerns(pairs: Iterable[tuple[str, str]]) -> str:
    """What each (figure, claim) pair concerns, as `?about_`.

    In a query of its own with the pairs inside each branch of the union: as an OPTIONAL of
    `quantity_summaries`, Oxigraph evaluated the union apart and joined it after (0.08 s
    against 0.001 s for 20 figures at 10,000 articles).
    """
    about = figure_concerns("about_", within=_pairs_values(pairs))
    return f"SELECT DISTINCT ?q ?c ?about_ WHERE {{ {about} }}"


# -- any resource -----------------------------------------------------------------------


def resource_triples(subject: str, limit: int) -> str:
    """The (predicate, object) pairs of the triples about `subject`, in order."""
    s = iri_term(subject)
    return f"SELECT DISTINCT ?p ?o WHERE {{ {s} ?p ?o }} ORDER BY ?p ?o LIMIT {limit}"


def resource_description(subject: str) -> str:
    """The resource's triples, its blank nodes', its spans', and its proposition graph."""
    s = iri_term(subject)
    return f"""CONSTRUCT {{ {s} ?p ?o . ?x ?xp ?xo . ?y ?yp ?yo }} WHERE {{
  {{ {s} ?p ?o }}
  UNION {{ {s} ?bp ?x . ?x ?xp ?xo . FILTER (isBlank(?x) || ?bp IN
           ({CG.contentSpan}, {CG.cueSpan}, {CG.span}, {SCHEMA.reviewRating})) }}
  UNION {{ GRAPH {s} {{ ?y ?yp ?yo }} }}
}}"""


def dataset_counts() -> str:
    """How many triples, graphs, entities, claims, articles and reviews the store holds."""
    kinds = " ".join(str(k) for k in ENTITY_CLASSES)
    return f"""SELECT * WHERE {{
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE {{ GRAPH ?g {{ }} }} }}
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
      VALUES ?t {{ {kinds} }}
      ?e a ?t }} }}
  {{ SELECT (COUNT(DISTINCT ?c) AS ?claims) WHERE {{ ?c a {SCHEMA.Claim} }} }}
  {{ SELECT (COUNT(DISTINCT ?a) AS ?articles) WHERE {{ ?a a {SCHEMA.NewsArticle} }} }}
  {{ SELECT (COUNT(DISTINCT ?r) AS ?reviews) WHERE {{ ?r a {SCHEMA.ClaimReview} }} }}
}}"""
