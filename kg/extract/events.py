"""Events the article reports: deployments, raids, protests, arrests, attacks and others.

A trigger is a verb or noun whose lemma the lexicon (data/events.json) lists for a type.
Around it the parse gives the actor (the subject, the "by" agent, or the possessor), the
place (a place entity after "to/in/at..."), for deployments the force (the organisation
sent), the day (the nearest resolvable date in the sentence) and the quantities inside the
trigger's phrase. An event inside a claim's content belongs to that claim.

Entity ids come from the caller's `entity_at(start, end)` so that this module never builds
entities of its own; offsets are character offsets into `doc.text`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kg.extract.dates import find_dates
from kg.extract.report import Claim, Event, EventType, Quantity

_DATA = Path(__file__).resolve().parent / "data" / "events.json"
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_FORCE_LABELS = frozenset({"ORG", "NORP"})
_NOT_PLACE_LABELS = frozenset({"ORG", "NORP", "DATE", "TIME", "MONEY", "CARDINAL", "EVENT", "LAW"})
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_CLAUSE_LINKS = frozenset({"xcomp", "advcl", "conj", "pcomp", "relcl", "ccomp", "prep"})
# Children that open another clause: their quantities are not the trigger's.
_OTHER_CLAUSES = frozenset({"advcl", "ccomp", "relcl", "parataxis"})

EntityAt = Callable[[int, int], str | None]


@dataclass(frozen=True)
class EventLexicon:
    verbs: dict[str, EventType]
    nouns: dict[str, EventType]
    needs_force: frozenset[str]
    force_words: frozenset[str]
    place_prepositions: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> EventLexicon:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))

    def invert(table: dict[str, list[str]]) -> dict[str, EventType]:
        return {lemma: kind for kind, lemmas in table.items() for lemma in lemmas}  # type: ignore[misc]

    return EventLexicon(
        verbs=invert(raw["verbs"]),
        nouns=invert(raw["nouns"]),
        needs_force=frozenset(raw["needs_force"]),
        force_words=frozenset(raw["force_words"]),
        place_prepositions=frozenset(raw["place_prepositions"]),
    )


def find_events(
    doc: Doc,
    entity_at: EntityAt,
    claims: list[Claim],
    quantities: list[Quantity],
    published: dt.date | None,
) -> list[Event]:
    """Every event trigger in the document, in text order, ids "ev1", "ev2", ..."""
    lex = lexicon()
    dates = find_dates(doc, published)
    events: list[Event] = []
    for tok in doc:
        kind = _kind(tok, lex)
        if kind is None:
            continue
        is_verb = tok.pos_ == "VERB"
        force_tok = _force_object(tok, lex) if is_verb else None
        if (
            kind == "Deployment"
            and is_verb
            and tok.lemma_.lower() in lex.needs_force
            and force_tok is None
        ):
            continue  # "sent a letter", "ordered an inquiry": nothing deployed
        events.append(
            Event(
                id=f"ev{len(events) + 1}",
                type=kind,
                trigger=tok.text,
                start=tok.idx,
                end=tok.idx + len(tok.text),
                actor=_actor(tok, entity_at),
                place=_place(tok, entity_at, lex),
                force=_force(force_tok, entity_at) if kind == "Deployment" else None,
                date=_date(tok, dates),
                quantities=[q.id for q in quantities if q.id and _in_phrase(tok, q.start)],
                claim=next((c.id for c in claims if c.id and c.start <= tok.idx < c.end), None),
            )
        )
    return events


def _kind(tok: Token, lex: EventLexicon) -> EventType | None:
    lemma = tok.lemma_.lower()
    if tok.ent_type_ in ("DATE", "TIME"):
        return None  # "March" the month
    if tok.pos_ == "VERB":
        return lex.verbs.get(lemma)
    if tok.pos_ == "NOUN":
        return lex.nouns.get(lemma) or lex.nouns.get(tok.lower_)
    return None


def _in_phrase(tok: Token, char: int) -> bool:
    """Whether a character lies in the trigger's phrase, leaving out clauses it governs."""
    left, right = tok.left_edge, tok.right_edge
    if not left.idx <= char < right.idx + len(right.text):
        return False
    for child in tok.children:
        if child.dep_ in _OTHER_CLAUSES or (child.dep_ == "conj" and child.pos_ == "VERB"):
            lo, hi = child.left_edge, child.right_edge
            if lo.idx <= char < hi.idx + len(hi.text):
                return False
    return True


def _candidates(tok: Token) -> Iterator[tuple[int, int]]:
    """Spans to ask `entity_at` about, narrowest first: the entity, the word, the phrase."""
    doc = tok.doc
    if tok.ent_type_:
        for ent in doc.ents:
            if ent.start <= tok.i < ent.end:
                yield ent.start_char, ent.end_char
                span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
                yield span.start_char, span.end_char
                break
    yield tok.idx, tok.idx + len(tok.text)
    compounds = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "poss")]
    if compounds:
        yield compounds[0].idx, tok.idx + len(tok.text)
    yield tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


def _ask(tok: Token | None, entity_at: EntityAt) -> str | None:
    if tok is None:
        return None
    for start, end in _candidates(tok):
        found = entity_at(start, end)
        if found:
            return found
    return None


def _actor(tok: Token, entity_at: EntityAt) -> str | None:
    if tok.pos_ == "NOUN":
        for child in tok.children:
            if child.dep_ == "poss" or (
                child.dep_ == "compound" and child.ent_type_ in _ACTOR_LABELS
            ):
                return _ask(child, entity_at)
            if child.dep_ == "prep" and child.lower_ == "by":
                return _ask(_pobj(child), entity_at)
        return None
    current: Token = tok
    for _ in range(4):
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in current.children)
        for child in current.children:
            if passive and child.dep_ == "agent":
                return _ask(_pobj(child), entity_at)
            if not passive and child.dep_ == "nsubj":
                return _ask(child, entity_at)
        if passive or current.dep_ not in _CLAUSE_LINKS or current.head is current:
            return None
        # "Trump decided to send ...", "after sending ...": the governing clause's subject
        current = current.head
    return None


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _place(tok: Token, entity_at: EntityAt, lex: EventLexicon) -> str | None:
    holders = [tok]
    if tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "nsubj", "pobj"):
        holders.append(tok.head)
    # "raided a compound in Timbuktu": the place hangs off the object
    holders.extend(c for c in tok.children if c.dep_ in ("dobj", "nsubjpass"))
    for holder in holders:
        for child in holder.children:
            if child.dep_ not in ("prep", "dative") or child.lower_ not in lex.place_prepositions:
                continue
            obj = _pobj(child)
            if obj is None or not _place_like(obj, child):
                continue
            found = _ask(obj, entity_at)
            if found:
                return found
    return None


def _place_like(obj: Token, prep: Token) -> bool:
    if obj.ent_type_ in _PLACE_LABELS:
        return True
    if obj.pos_ != "PROPN" or obj.ent_type_ in _NOT_PLACE_LABELS:
        return False
    # Small models often take an unfamiliar town for a person; "in Gao", "to Yuma" are places.
    return prep.lower_ in ("in", "into", "to", "near", "outside", "across", "throughout")


def _force_object(tok: Token, lex: EventLexicon) -> Token | None:
    """What a deployment verb moves, if it is a force ("troops", "the National Guard")."""
    passive = any(c.dep_ == "auxpass" for c in tok.children)
    wanted = ("nsubjpass",) if passive else ("dobj",)
    for child in tok.children:
        if child.dep_ not in wanted:
            continue
        words = {t.lower_ for t in child.subtree}
        if child.lower_ in lex.force_words or words & lex.force_words:
            return child
        if child.ent_type_ in _FORCE_LABELS:
            return child
    return None


def _force(obj: Token | None, entity_at: EntityAt) -> str | None:
    if obj is None:
        return None
    for t in obj.subtree:
        if t.ent_type_ in _FORCE_LABELS:
            found = _ask(t, entity_at)
            if found:
                return found
    return None


def _date(tok: Token, dates: list[tuple[int, int, dt.date]]) -> dt.date | None:
    sent: Span = tok.sent
    inside = [d for d in dates if sent.start_char <= d[0] < sent.end_char]
    if not inside:
        return None
    return min(inside, key=lambda d: abs(d[0] - tok.idx))[2]
