"""Within-article resolution: one node per real-world thing, however it is mentioned.

"Donald Trump", "Trump", "President Donald Trump", "the president" and "he" are one entity; an
acronym joins its long form ("FEMA" and "Federal Emergency Management Agency"); a descriptive
reference ("the union", "the ministry") joins the organisation whose name it heads. Name clusters
are built first (longest names first, so a surname finds its full name wherever it appears), then
pronouns and descriptions are resolved against them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.entities import Mention, acronym_of
from kg.extract.gazetteer import name_key
from kg.extract.lexicon import Lexicon
from kg.extract.names import first_name_gender, weak_first_name_gender


@dataclass
class EntityNode:
    """One entity of the article: its mentions (token spans) and what is known of it."""

    index: int
    type: str
    mentions: list[Mention] = field(default_factory=list)
    name: str = ""
    titles: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)

    @property
    def wikidata(self) -> str | None:
        return next((m.gazetteer.wikidata for m in self.mentions if m.gazetteer), None)

    @property
    def subtype(self) -> str | None:
        return next((m.gazetteer.subtype for m in self.mentions if m.gazetteer), None)

    def name_words(self) -> set[str]:
        return set(name_key(self.name).split())


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper()


class EntityTable:
    """The article's entities, with lookups from tokens and character spans to entity indices."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.nodes: list[EntityNode] = []
        self._token_entity: dict[int, int] = {}
        self._names: list[Mention] | None = None

    def add(self, etype: str, mention: Mention) -> EntityNode:
        node = EntityNode(len(self.nodes), etype)
        self.nodes.append(node)
        self.attach(node, mention)
        return node

    def attach(self, node: EntityNode, mention: Mention) -> None:
        mention.entity = node.index
        node.mentions.append(mention)
        self._names = None
        for i in mention.tokens():
            self._token_entity.setdefault(i, node.index)

    def at_token(self, i: int) -> EntityNode | None:
        idx = self._token_entity.get(i)
        return None if idx is None else self.nodes[idx]

    def at_chars(self, start: int, end: int) -> EntityNode | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        for tok in span:
            node = self.at_token(tok.i)
            if node is not None:
                return node
        return None

    def name_mentions_before(self, i: int) -> list[Mention]:
        if self._names is None:
            names = [m for n in self.nodes for m in n.mentions if m.kind == "name"]
            self._names = sorted(names, key=lambda m: m.start)
        return [m for m in self._names if m.start < i]


def _same_person(short: list[str], full: list[str]) -> bool:
    """A shorter person name that is part of a longer one (surname, first name, no middle)."""
    if len(short) >= len(full):
        return False
    if len(short) == 1:
        return short[0] in (full[-1], full[0])
    return short[0] == full[0] and short[-1] == full[-1]


def cluster_names(doc: Doc, mentions: list[Mention], lex: Lexicon) -> EntityTable:
    """Group name mentions into entities."""
    table = EntityTable(doc)
    order = sorted(mentions, key=lambda m: (-(m.end - m.start), m.start))
    # a word the text shows to be a place somewhere is never a company's short name
    places = {m.key(doc) for m in mentions if m.place_evidence}
    by_key: dict[str, EntityNode] = {}
    by_qid: dict[str, EntityNode] = {}
    for m in order:
        key = m.key(doc)
        words = key.split()
        text = m.text(doc)
        node: EntityNode | None = None
        if m.gazetteer is not None:
            node = by_qid.get(m.gazetteer.wikidata)
        if node is None:
            node = by_key.get(key)
        if node is None and key.endswith("s"):
            node = by_key.get(key[:-1])
        if node is None and m.gazetteer is None:
            persons = [n for n in table.nodes if n.type == "Person" or _has_person(n)]
            for n in persons:
                fulls = [x.key(doc).split() for x in n.mentions]
                if m.type != "Person" and len(words) == 1:
                    # a lone word the model did not call a person joins only a surname
                    hit = any(len(f) > 1 and f[-1] == words[0] for f in fulls)
                else:
                    hit = any(_same_person(words, f) for f in fulls)
                if hit:
                    node = n
                    break
        if node is None and m.type == "Organization" and m.gazetteer is None:
            node = _shortened_name_of(words, table, doc, lex)
        if node is None and _is_acronym(text):
            node = next(
                (
                    n
                    for n in table.nodes
                    if n.type == "Organization"
                    and any(
                        text.replace(".", "") in (acronym_of(x.text(doc)), x.extra.get("acronym"))
                        for x in n.mentions
                    )
                ),
                None,
            )
        if (
            node is None
            and m.gazetteer is None
            and len(words) == 1
            and not m.person_evidence
            and key not in places
        ):
            node = _short_form_of(doc, m, table, lex)
        if (
            node is None
            and m.type == "Organization"
            and len(words) == 1
            and words[0] in lex.org_heads
        ):
            node = next(
                (n for n in table.nodes if n.type == "Organization" and words[0] in n.name_words()),
                None,
            )
        if node is None:
            node = table.add(m.type, m)
            node.name = text
        else:
            table.attach(node, m)
        by_key.setdefault(key, node)
        if m.gazetteer is not None:
            by_qid.setdefault(m.gazetteer.wikidata, node)
        # A long form met after its acronym: join the acronym's node.
    _join_acronyms(doc, table)
    for node in table.nodes:
        node.mentions.sort(key=lambda x: x.start)
        node.type = _node_type(node)
        node.name = _node_name(doc, node)
    return table


def _shortened_name_of(
    words: list[str], table: EntityTable, doc: Doc, lex: Lexicon
) -> EntityNode | None:
    """The organisation a name shortens by dropping its leading modifiers ("Coast Guard" for
    "the Norland Coast Guard") or its "of" phrase ("the House" for "House of Delegates"),
    when exactly one organisation of the article fits."""
    if not words or words[-1] in lex.name_connectors:
        return None
    found: list[EntityNode] = []
    for n in table.nodes:
        if n.type != "Organization":
            continue
        for x in n.mentions:
            long = x.key(doc).split()
            if x.kind != "name" or len(long) <= len(words):
                continue
            suffix = long[-len(words) :] == words and long[-1] in lex.org_heads
            prefix = long[: len(words)] == words and long[len(words)] == "of"
            if suffix or prefix:
                found.append(n)
                break
    return found[0] if len(found) == 1 else None


def _short_form_of(doc: Doc, m: Mention, table: EntityTable, lex: Lexicon) -> EntityNode | None:
    """The organisation a lone first word shortens ("Norland" for "Norland Industries").

    "Riverton" before "Riverton City Council" is the place the council governs instead: the
    mention becomes a place of its own.
    """
    word = m.key(doc)
    candidates: list[EntityNode] = []
    for n in table.nodes:
        if n.type != "Organization" or n.wikidata:
            continue
        for x in n.mentions:
            words = x.key(doc).split()
            if x.kind != "name" or len(words) < 2 or words[0] != word:
                continue
            if words[1] in lex.local_government_words:
                m.type = "Place"
                m.place_evidence = True
                return None
            candidates.append(n)
            break
    if not candidates:
        return None
    # "Norland Works Council" is a body of Norland; prefer the company's own name
    plain = [n for n in candidates if name_key(n.name).split()[-1] not in lex.org_heads]
    return (plain or candidates)[0]


def _has_person(node: EntityNode) -> bool:
    return any(m.person_evidence for m in node.mentions)


def _join_acronyms(doc: Doc, table: EntityTable) -> None:
    for node in list(table.nodes):
        if not node.mentions or node.wikidata:
            continue
        texts = {m.text(doc) for m in node.mentions}
        if not all(_is_acronym(t) for t in texts):
            continue
        target = next(
            (
                n
                for n in table.nodes
                if n is not node
                and n.mentions
                and n.type == "Organization"
                and any(
                    acronym_of(m.text(doc)) in {t.replace(".", "") for t in texts}
                    for m in n.mentions
                )
            ),
            None,
        )
        if target is not None:
            for m in node.mentions:
                table.attach(target, m)
            node.mentions = []
    table.nodes = [n for n in table.nodes if n.mentions]
    _reindex(table)


def _reindex(table: EntityTable) -> None:
    table._token_entity = {}
    table._names = None
    for idx, node in enumerate(table.nodes):
        node.index = idx
        for m in node.mentions:
            m.entity = idx
            for i in m.tokens():
                table._token_entity.setdefault(i, idx)


def _node_type(node: EntityNode) -> str:
    gaz = next((m.gazetteer for m in node.mentions if m.gazetteer), None)
    if gaz is not None:
        return gaz.type
    if _has_person(node):
        return "Person"
    if any(m.place_evidence for m in node.mentions):
        return "Place"
    counts = Counter(m.type for m in node.mentions if m.kind == "name")
    # A multi-word person name outweighs a lone surname the model took for an organisation.
    longest = max(node.mentions, key=lambda m: m.end - m.start)
    if longest.type == "Person" and longest.end - longest.start > 1:
        return "Person"
    return counts.most_common(1)[0][0] if counts else node.type


def _node_name(doc: Doc, node: EntityNode) -> str:
    gaz = next((m.gazetteer for m in node.mentions if m.gazetteer), None)
    if gaz is not None:
        return gaz.name
    names = [m.text(doc) for m in node.mentions if m.kind == "name"]
    if not names:
        return node.name
    return max(names, key=lambda t: (len(t.split()), len(t)))


# --- references: pronouns and descriptions -------------------------------------------------


def _in_quote(i: int, doc: Doc, quotes: list[tuple[int, int]]) -> bool:
    pos = doc[i].idx
    return any(qs <= pos < qe for qs, qe in quotes)


def resolve_pronoun(
    tok: Token, table: EntityTable, lex: Lexicon, quotes: list[tuple[int, int]]
) -> EntityNode | None:
    """The entity a pronoun refers to: the nearest fitting name outside quotations.

    A subject in the nearest sentence wins over a later non-subject mention, which is how
    reporting prose uses "he" and "she" after a named speaker.
    """
    word = tok.lower_
    want_person = word in lex.person_pronouns
    want_org = word in lex.org_pronouns
    if not (want_person or want_org):
        return None
    # "she" never refers to someone the article already calls "he", nor the reverse
    other = lex.female_pronouns if word in lex.male_pronouns else lex.male_pronouns
    doc = tok.doc
    best: tuple[int, int] | None = None
    chosen: EntityNode | None = None
    for m in table.name_mentions_before(tok.i):
        node = table.nodes[m.entity]
        if want_person and node.type != "Person":
            continue
        if want_person and _has_pronoun(doc, node, other, tok.i):
            continue
        gender = _node_gender(doc, node, lex) if want_person else None
        if gender is not None and gender == _OTHER_GENDER.get(word_gender(word, lex) or ""):
            continue
        if want_org and node.type not in ("Organization", "Group"):
            continue
        if _in_quote(m.start, doc, quotes) and not _in_quote(tok.i, doc, quotes):
            continue
        head = doc[m.start : m.end].root
        subject = head.dep_ in ("nsubj", "nsubjpass") or (
            head.dep_ in ("appos", "compound", "conj") and head.head.dep_ in ("nsubj", "nsubjpass")
        )
        sent_gap = _sentence_index(doc, tok.i) - _sentence_index(doc, m.start)
        points = -sent_gap * 2 + (1 if subject else 0)
        if want_person and gender is None:
            # a name that is mostly the other gender ("mostly male") yields to a fitting one
            weak = _node_gender(doc, node, lex, weak=True)
            if weak is not None and weak == _OTHER_GENDER.get(word_gender(word, lex) or ""):
                points -= 3
        score = (points, m.start)
        if best is None or score >= best:
            best, chosen = score, node
    return chosen


_OTHER_GENDER = {"male": "female", "female": "male"}
_MALE_HONORIFICS = {"mr", "mr.", "sir", "lord"}
_FEMALE_HONORIFICS = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady"}


def word_gender(word: str, lex: Lexicon) -> str | None:
    """The gender a personal pronoun marks ("she": female), None for others."""
    if word in lex.male_pronouns:
        return "male"
    if word in lex.female_pronouns:
        return "female"
    return None


def _node_gender(doc: Doc, node: EntityNode, lex: Lexicon, weak: bool = False) -> str | None:
    """A person's gender from an honorific before a name ("Ms Lee") or from a first name the
    name dictionary strongly genders ("Ingrid Halvorsen"); None when neither tells."""
    for m in node.mentions:
        if m.kind != "name":
            continue
        before = doc[m.start - 1].lower_ if m.start > 0 else ""
        if before in _MALE_HONORIFICS:
            return "male"
        if before in _FEMALE_HONORIFICS:
            return "female"
    for m in sorted(node.mentions, key=lambda x: x.start - x.end):
        if m.kind != "name" or m.end - m.start < 2:
            continue
        words = [t for t in doc[m.start : m.end] if t.lower_ not in lex.title_words]
        if len(words) >= 2:
            guess = weak_first_name_gender if weak else first_name_gender
            return guess(words[0].text)
    return None


def _has_pronoun(doc: Doc, node: EntityNode, words: frozenset[str], before: int) -> bool:
    return any(
        m.kind == "pronoun" and m.start < before and doc[m.start].lower_ in words
        for m in node.mentions
    )


def _sentence_index(doc: Doc, i: int) -> int:
    starts: list[int] = doc.user_data.setdefault("_sent_starts", [s.start for s in doc.sents])
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= i:
            lo = mid
        else:
            hi = mid
    return lo


def resolve_description(tok: Token, table: EntityTable, lex: Lexicon) -> EntityNode | None:
    """The entity a definite description headed by `tok` refers to ("the union", "the governor").

    An organisation word joins the latest organisation whose name contains it; a company word
    ("the retailer") the latest non-government organisation; a title ("the president") the
    person who holds that title in the article.
    """
    word = tok.lemma_.lower()
    lower = tok.lower_
    earlier = table.name_mentions_before(tok.i)
    for m in reversed(earlier):
        node = table.nodes[m.entity]
        if node.type == "Organization" and (
            word in node.name_words() or lower in node.name_words()
        ):
            return node
    if word in lex.company_nouns:
        # the most mentioned company so far, the latest on a tie: a description follows the
        # article's subject, not whichever organisation was named last
        counts: Counter[int] = Counter()
        latest: dict[int, int] = {}
        for m in earlier:
            node = table.nodes[m.entity]
            if (
                node.type == "Organization"
                and node.subtype != "GovernmentOrganization"
                and not node.name_words() & lex.public_body_heads
            ):
                counts[node.index] += 1
                latest[node.index] = m.start
        if counts:
            best = max(counts, key=lambda k: (counts[k], latest[k]))
            return table.nodes[best]
    if word in lex.title_words:
        for m in reversed(earlier):
            node = table.nodes[m.entity]
            if node.type == "Person" and any(word in t.lower().split() for t in node.titles):
                return node
    return None


def is_definite_description(tok: Token) -> bool:
    """A common noun with "the" (or "this"/"that") and no proper-noun modifier of its own."""
    if tok.pos_ != "NOUN":
        return False
    dets = [c for c in tok.children if c.dep_ == "det"]
    if not dets or dets[0].lower_ not in ("the", "this", "that"):
        return False
    return not any(
        c.dep_ in ("compound", "amod", "poss", "nmod") and c.pos_ == "PROPN" for c in tok.children
    )


def join_descriptions(doc: Doc, table: EntityTable, lex: Lexicon) -> None:
    """A description in apposition before a name ("the state rail operator X", "media regulator
    X", "the Lyon-based retailer X") is a mention of X, and its head word ("operator") later
    refers back to X ("the operator said")."""
    for tok in doc[:-1]:
        if tok.pos_ != "NOUN" or not tok.is_lower:
            continue
        word = tok.lemma_.lower()
        if word not in lex.descriptor_nouns and word not in lex.company_nouns:
            continue
        if table.at_token(tok.i) is not None:
            continue
        node = table.at_token(tok.i + 1)
        if node is None or node.type != "Organization":
            continue
        if not any(m.start == tok.i + 1 and m.kind == "name" for m in node.mentions):
            continue
        start = tok.i
        while start > 0:
            prev = doc[start - 1]
            if table.at_token(prev.i) is not None or prev.text in (",", "(", "\u2014"):
                break
            if prev.pos_ in ("NOUN", "ADJ", "PROPN") or prev.text == "-" or prev.tag_ == "VBN":
                start -= 1
                continue
            break
        while start < tok.i and not doc[start].is_alpha:
            start += 1
        table.attach(node, Mention(start, tok.i + 1, node.type, kind="description"))
        node.descriptors.add(word)


def described_entity(tok: Token, table: EntityTable) -> EntityNode | None:
    """The latest entity an apposition described with this head word ("the operator")."""
    word = tok.lemma_.lower()
    best: tuple[int, EntityNode] | None = None
    for node in table.nodes:
        if word not in node.descriptors:
            continue
        before = [m.start for m in node.mentions if m.start < tok.i]
        if before and (best is None or max(before) > best[0]):
            best = (max(before), node)
    return None if best is None else best[1]


def add_references(
    doc: Doc, table: EntityTable, lex: Lexicon, quotes: list[tuple[int, int]]
) -> None:
    """Attach pronouns and definite descriptions to the entities they refer to."""
    for tok in doc:
        if table.at_token(tok.i) is not None:
            continue
        node: EntityNode | None = None
        kind = "pronoun"
        if tok.pos_ == "PRON" and tok.lower_ in lex.person_pronouns:
            node = resolve_pronoun(tok, table, lex, quotes)
        elif is_definite_description(tok) and described_entity(tok, table) is not None:
            node = described_entity(tok, table)
            kind = "description"
        elif is_definite_description(tok) and (
            tok.lemma_.lower() in lex.org_heads
            or tok.lemma_.lower() in lex.company_nouns
            or tok.lemma_.lower() in lex.person_title_heads
        ):
            node = resolve_description(tok, table, lex)
            kind = "description"
        if node is None:
            continue
        start = tok.left_edge.i if kind == "description" else tok.i
        if kind == "description":
            start = min(
                (c.i for c in tok.children if c.dep_ in ("det", "amod", "compound")),
                default=tok.i,
            )
        table.attach(node, Mention(start, tok.i + 1, node.type, kind=kind))
