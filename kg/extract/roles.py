"""Offices people hold, read from the titles news prose puts around their names.

Three shapes cover most of it: a title before the name ("Secretary of Defense Pete Hegseth",
"WFP country director Henrik Solberg"), an apposition after it ("Luis Ortega, a spokesperson
for the governor"), and one before it ("Chad's interior minister, Idriss Mahamat"). The
organisation comes from a named organisation inside or before the title, a possessor, or an
organisation word ("Union president") that names an organisation of the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.coref import EntityNode, EntityTable
from kg.extract.entities import Mention
from kg.extract.gazetteer import name_key
from kg.extract.lexicon import Lexicon

_STOP_POS = {"VERB", "AUX", "DET", "PUNCT", "CCONJ", "PRON", "PART", "SCONJ", "NUM", "SPACE"}
_LEADING_DROP = {"the", "a", "an", "former", "then", "now", "acting", "interim"}


@dataclass
class RoleHit:
    """A person's office, with the organisation it belongs to where the text gives one."""

    person: int
    title: str
    organization: int | None
    start: int
    end: int


def _org_of_word(tok: Token, table: EntityTable) -> EntityNode | None:
    """The organisation an organisation word in a title names ("Union" in "Union president")."""
    node = table.at_token(tok.i)
    if node is not None and node.type == "Organization":
        return node
    word = tok.lower_
    for n in table.nodes:
        words = name_key(n.name).split()
        if n.type == "Organization" and len(words) > 1 and words[-1] == word:
            return n
    return None


def _prefix_title(doc: Doc, m: Mention, table: EntityTable, lex: Lexicon) -> RoleHit | None:
    root = doc[m.start : m.tokens().stop].root
    j = m.start - 1
    while j >= 0:
        tok = doc[j]
        if tok.pos_ in _STOP_POS and tok.lower_ not in lex.title_words:
            break
        if root not in tok.ancestors:
            break
        other = table.at_token(j)
        if other is not None and other.type == "Person":
            break
        j -= 1
    start = j + 1
    while start < m.start and doc[start].lower_ in _LEADING_DROP:
        start += 1
    run = list(doc[start : m.start])
    if not any(t.lower_ in lex.title_words for t in run):
        return None
    org: EntityNode | None = None
    # A named organisation or place leading the run is not part of the title.
    lead = table.at_token(start)
    if lead is not None and lead.type in ("Organization", "Place") and start < m.start:
        end_lead = start
        while end_lead < m.start and table.at_token(end_lead) is lead:
            end_lead += 1
        if end_lead < m.start and any(t.lower_ in lex.title_words for t in doc[end_lead : m.start]):
            if lead.type == "Organization":
                org = lead
            start = end_lead
    title_toks = list(doc[start : m.start])
    if not title_toks:
        return None
    if org is None:
        for t in title_toks:
            node = table.at_token(t.i)
            if node is not None and node.type == "Organization":
                org = node
                break
            if t.lower_ in lex.org_heads:
                org = _org_of_word(t, table)
                if org is not None:
                    break
    title = doc[start : m.start].text.strip(" ,")
    return RoleHit(m.entity, title, org.index if org else None, doc[start].idx, doc[m.start].idx)


def _appositive_title(doc: Doc, m: Mention, table: EntityTable, lex: Lexicon) -> RoleHit | None:
    root = doc[m.start : m.tokens().stop].root
    candidates = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        candidates.append(root.head)
    for t in candidates:
        # a capitalised title is tagged as a proper noun ("Bangladesh's Relief Commissioner, X")
        if t.pos_ not in ("NOUN", "PROPN") or t.lemma_.lower() not in lex.title_words:
            continue
        if t.pos_ == "PROPN" and table.at_token(t.i) is not None:
            continue
        left = t.i
        org: EntityNode | None = None
        for c in t.lefts:
            if c.dep_ == "poss":
                org = table.at_token(c.i) or org
                continue
            if c.dep_ in ("det", "punct", "case"):
                continue
            left = min(left, c.left_edge.i)
        right = t.i
        for c in t.rights:
            if c.dep_ in ("prep", "compound", "amod", "nmod"):
                right = max(right, c.right_edge.i)
                for x in c.subtree:
                    node = table.at_token(x.i)
                    if node is not None and node.type == "Organization" and org is None:
                        org = node
        while left < t.i and doc[left].lower_ in _LEADING_DROP:
            left += 1
        lead = table.at_token(left)
        if lead is not None and lead.type == "Organization":
            while left < t.i and table.at_token(left) is lead:
                left += 1
            org = org or lead
        title = doc[left : right + 1].text.strip(" ,")
        if not title:
            continue
        if org is None:
            for x in doc[left : right + 1]:
                if x.lower_ in lex.org_heads:
                    org = _org_of_word(x, table)
                    if org is not None:
                        break
        return RoleHit(
            m.entity,
            title,
            org.index if org else None,
            doc[left].idx,
            doc[right].idx + len(doc[right]),
        )
    return None


def _overlaps(a: str, b: str) -> bool:
    x, y = set(name_key(a).split()), set(name_key(b).split())
    if not x or not y:
        return False
    return x <= y or y <= x or len(x & y) / len(x | y) >= 0.5


def find_roles(doc: Doc, table: EntityTable, lex: Lexicon) -> list[RoleHit]:
    """Every office held by a person of the article, one per person and title."""
    hits: list[RoleHit] = []
    for node in table.nodes:
        if node.type != "Person":
            continue
        for m in node.mentions:
            if m.kind != "name":
                continue
            for finder in (_prefix_title, _appositive_title):
                hit = finder(doc, m, table, lex)
                if hit is None:
                    continue
                if hit.organization == node.index:
                    hit.organization = None
                if any(h.person == hit.person and _overlaps(h.title, hit.title) for h in hits):
                    continue
                hits.append(hit)
                node.titles.append(hit.title)
    return hits
