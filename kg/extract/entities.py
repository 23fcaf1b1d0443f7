"""Named mentions: the model's entities, corrected by rules and completed by the gazetteer.

The small English model misses acronyms ("ICE"), splits names ("Lewis" + "Clark River"), keeps
titles inside names ("FEMA Administrator") and mistypes people as organisations ("Trump decided").
Each correction below is one rule over the parsed Doc; together they give clean name spans whose
type reflects the context, ready for within-article resolution (kg.extract.coref).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.extract.gazetteer import Gazetteer, GazetteerEntry, name_key
from kg.extract.lexicon import Lexicon

_LABEL_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
}
_DETERMINERS = {"the", "a", "an"}
_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
_CONNECTORS = {"of", "and", "for", "the", "&", "de", "du", "des", "on", "in"}


@dataclass
class Mention:
    """A span of tokens naming or referring to an entity.

    `kind` is "name", "pronoun" or "description"; `person_evidence` records that the context
    shows a person (a title before the name, an appositive title, a pronoun that refers back).
    """

    start: int
    end: int
    type: str
    kind: str = "name"
    gazetteer: GazetteerEntry | None = None
    person_evidence: bool = False
    entity: int = -1
    extra: dict[str, str] = field(default_factory=dict)

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]

    def text(self, doc: Doc) -> str:
        return doc[self.start : self.end].text

    def key(self, doc: Doc) -> str:
        return name_key(self.text(doc))


def build_matcher(doc_vocab: object, gazetteer: Gazetteer, make_doc: object) -> PhraseMatcher:
    """A case-sensitive phrase matcher over every gazetteer form (so "WHO" is not "who")."""
    matcher = PhraseMatcher(doc_vocab, attr="ORTH")  # type: ignore[arg-type]
    for i, (form, _entry) in enumerate(gazetteer.match_forms()):
        matcher.add(f"G{i}", [make_doc(form)])  # type: ignore[operator]
    return matcher


def _trim(doc: Doc, start: int, end: int, lex: Lexicon, person: bool) -> tuple[int, int]:
    """Drop a leading article, a trailing possessive, and titles around a name."""
    while start < end and doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    if person:
        while end - start > 1 and (
            doc[start].lower_ in lex.title_words or doc[start].lower_ in lex.honorifics
        ):
            start += 1
    return start, end


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper()


def _split_trailing_title(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """The end of an organisation name that the model ran into a title ("FEMA Administrator")."""
    new_end = end
    while new_end - start > 1 and doc[new_end - 1].lower_ in lex.title_words:
        new_end -= 1
    return new_end


def _has_title_before(doc: Doc, start: int, lex: Lexicon) -> bool:
    return start > 0 and (
        doc[start - 1].lower_ in lex.title_words or doc[start - 1].lower_ in lex.honorifics
    )


def _has_appositive_title(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    """A name in apposition with a title noun ("Chad's interior minister, Idriss Mahamat")."""
    head = doc[start:end].root
    pairs: list[Token] = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        pairs.append(head.head)
    return any(t.lemma_.lower() in lex.title_words and t.pos_ == "NOUN" for t in pairs)


def _ends_with_org_head(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    words = [t.lower_ for t in doc[start:end]]
    return words[-1] in lex.org_heads or (len(words) > 2 and words[0] in lex.org_heads)


def _extend_conjoined_place(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """The start of a place name joined by "and" ("Lewis and Clark River")."""
    if doc[end - 1].lower_ not in lex.place_heads:
        return start
    if (
        start >= 2
        and doc[start - 1].lower_ == "and"
        and doc[start - 2].pos_ == "PROPN"
        and doc[start - 2].ent_type_ not in ("GPE", "LOC", "FAC", "ORG")
    ):
        new_start = start - 2
        while new_start > 0 and doc[new_start - 1].pos_ == "PROPN" and doc[new_start - 1].is_title:
            new_start -= 1
        return new_start
    return start


def _is_plural_junk(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """A capitalised plural phrase the model took for an organisation ("Federal Agents")."""
    words = [t for t in doc[start:end] if not t.is_punct]
    if not words or len(words) > 4 or doc[start:end].text.isupper():
        return False
    if words[-1].tag_ not in ("NNS", "NNPS") or any(
        t.lower_ in _CONNECTORS - {"and"} for t in words
    ):
        return False
    if gazetteer.lookup(doc[start:end].text.rstrip("s")) is not None:
        return False
    before = doc[start - 1] if start > 0 else None
    # "our Federal Agents", "all relevant Departments": a possessive or quantifier shows a
    # common noun phrase in capitals, which an organisation's name never takes
    if before is not None and (
        before.tag_ in ("PRP$", "JJ", "PDT") or before.lower_ in ("all", "these", "those", "other")
    ):
        return True
    return all(t.tag_ in ("NNS", "NNPS", "JJ", "CC") or t.pos_ == "ADJ" for t in words)


def find_name_mentions(
    doc: Doc, gazetteer: Gazetteer, lex: Lexicon, matcher: PhraseMatcher
) -> list[Mention]:
    """Every named mention in the document, typed from the model, the gazetteer and context."""
    mentions: list[Mention] = []
    for ent in doc.ents:
        etype = _LABEL_TYPES.get(ent.label_)
        if etype is None:
            continue
        start, end = _trim(doc, ent.start, ent.end, lex, person=etype == "Person")
        if start >= end:
            continue
        if etype == "Organization":
            end = _split_trailing_title(doc, start, end, lex)
        if etype == "Place":
            start = _extend_conjoined_place(doc, start, end, lex)
        if not any(c.isalpha() for c in doc[start:end].text):
            continue
        mentions.append(Mention(start, end, etype))

    # Gazetteer forms: they replace a model span they contain and fill in what the model missed.
    forms = gazetteer.match_forms()
    for match_id, m_start, m_end in matcher(doc):
        entry = forms[int(doc.vocab.strings[match_id][1:])][1]
        clash = [m for m in mentions if m.start < m_end and m_start < m.end]
        if any(m.end - m.start > m_end - m_start for m in clash):
            continue
        if any(m.gazetteer is not None and (m.start, m.end) == (m_start, m_end) for m in clash):
            continue
        mentions = [m for m in mentions if m not in clash]
        mentions.append(Mention(m_start, m_end, entry.type, gazetteer=entry))
    mentions.sort(key=lambda m: m.start)

    kept: list[Mention] = []
    person_tokens = {
        doc[m.end - 1].lower_ for m in mentions if m.type == "Person" and m.end - m.start > 1
    }
    for m in mentions:
        text = m.text(doc)
        if m.gazetteer is None:
            m.gazetteer = gazetteer.lookup(text)
            if m.gazetteer is None and text.endswith("s") and not _is_acronym(text):
                m.gazetteer = gazetteer.lookup(text[:-1])
        if m.gazetteer is not None:
            m.type = m.gazetteer.type
            kept.append(m)
            continue
        words_proper = all(t.pos_ == "PROPN" or t.lower_ in _CONNECTORS for t in m.span(doc))
        org_like = _ends_with_org_head(doc, m.start, m.end, lex)
        if org_like and m.type == "Place" and doc[m.start].lower_ in lex.org_heads:
            m.type = "Organization"  # "Port of Oakland", "Bank of England"
        if (
            not org_like
            and words_proper
            and (
                _has_title_before(doc, m.start, lex)
                or _has_appositive_title(doc, m.start, m.end, lex)
            )
        ):
            m.type = "Person"
            m.person_evidence = True
        if (
            m.type == "Organization"
            and not org_like
            and m.start > 0
            and doc[m.start - 1].lower_ in lex.place_preps
        ):
            m.type = "Place"
        if (
            m.type == "Person"
            and not m.person_evidence
            and m.end + 1 < len(doc)
            and doc[m.end].lower_ in lex.title_words
            and doc[m.end].is_lower
            and doc[m.end + 1].pos_ == "PROPN"
        ):
            m.type = "Organization"  # "Cal Fire spokesman Dan Ruiz": the title's organisation
        if m.type == "Organization" and _is_plural_junk(doc, m.start, m.end, gazetteer):
            continue
        if (
            m.type == "Person"
            and m.end - m.start == 1
            and not m.person_evidence
            and doc[m.start].lower_ not in person_tokens
            and doc[m.start].dep_ in ("compound", "amod")
            and doc[m.start].head.pos_ == "NOUN"
        ):
            continue  # a capitalised modifier ("Migrant riots"), not a person
        kept.append(m)
    kept.sort(key=lambda m: (-(m.end - m.start), m.start))
    final: list[Mention] = []
    for m in kept:
        if not any(m.start < o.end and o.start < m.end for o in final):
            final.append(m)
    final.sort(key=lambda m: m.start)
    final = _add_title_organisations(doc, final, lex)
    return _add_acronyms(doc, _add_titled_names(doc, final, lex))


def _add_title_organisations(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """The capitalised name before a lower-case title and a person ("Metro Transit spokesman
    Ravi Patel") is the organisation the person speaks for, whatever the model tagged."""
    for tok in doc[1:-1]:
        if tok.lower_ not in lex.title_words or not tok.is_lower:
            continue
        if doc[tok.i + 1].pos_ != "PROPN":
            continue
        start = tok.i
        while (
            start > 0
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].text[:1].isupper()
            and doc[start - 1].lower_ not in lex.title_words
        ):
            start -= 1
        if start == tok.i:
            continue
        clash = [m for m in mentions if m.start < tok.i and start < m.end]
        if any(m.type == "Organization" and m.start <= start and m.end >= tok.i for m in clash):
            continue
        if any(m.start < start or m.end > tok.i for m in clash):
            continue
        mentions = [m for m in mentions if m not in clash]
        mentions.append(Mention(start, tok.i, "Organization"))
    return sorted(mentions, key=lambda m: m.start)


def _add_titled_names(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """People the model missed, found by the title before their name ("Mayor Ana Ruiz")."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    for tok in doc[:-1]:
        if tok.lower_ not in lex.title_words and tok.lower_ not in lex.honorifics:
            continue
        end = tok.i + 1
        while (
            end < len(doc)
            and end - tok.i <= 3
            and doc[end].pos_ == "PROPN"
            and doc[end].is_title
            and doc[end].lower_ not in lex.title_words
            and end not in covered
        ):
            end += 1
        if end - tok.i >= 2 and not (end < len(doc) and doc[end].pos_ == "PROPN"):
            added.append(Mention(tok.i + 1, end, "Person", person_evidence=True))
            covered.update(range(tok.i + 1, end))
    return sorted(mentions + added, key=lambda m: m.start)


def acronym_of(name: str) -> str:
    """The initials of a name's content words ("Federal Emergency Management Agency": FEMA)."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _CONNECTORS]
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def _add_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Acronyms the model left untagged whose long form the article spells out ("NFCB")."""
    long_forms = {
        acronym_of(m.text(doc)): m.type
        for m in mentions
        if m.type == "Organization" and m.end - m.start > 1
    }
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added = [
        Mention(t.i, t.i + 1, long_forms[t.text.replace(".", "")])
        for t in doc
        if t.i not in covered and _is_acronym(t.text) and t.text.replace(".", "") in long_forms
    ]
    return sorted(mentions + added, key=lambda m: m.start)
