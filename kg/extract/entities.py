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
from kg.extract.names import first_name_gender, is_first_name
from kg.extract.places import known_place, place_index

_LABEL_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
}
_DETERMINERS = {"the", "a", "an"}
_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
_PARTY_LETTERS = {"D", "R", "I"}
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
    place_evidence: bool = False
    entity: int = -1
    extra: dict[str, str] = field(default_factory=dict)

    def tokens(self) -> range:
        """The tokens that stand for the entity: the name and any post-nominal letters after
        it ("Ann Lee KC"), which the parser may make the head of the phrase."""
        return range(self.start, self.end + int(self.extra.get("tail", 0)))

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
    while start < end and (doc[start].lower_ in _DETERMINERS or doc[start].is_space):
        start += 1
    if end - start > 2 and doc[start].text in _PARTY_LETTERS and doc[start + 1].text == "-":
        start += 2  # "D-Wash.", "R-Texas": a legislator's party and state; the state is named
    # a name never runs over a line break ("Lee\n\nRiverton Council")
    for i in range(start, end):
        if doc[i].is_space or "\n" in doc[i].text or i + 1 < end and "\n" in doc[i].whitespace_:
            end = i if doc[i].is_space or "\n" in doc[i].text else i + 1
            break
    while end > start and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    if person:
        # post-nominal letters are no part of the name ("Ann Lee KC", "Ravi Shah OBE")
        while end - start > 2 and doc[end - 1].text.rstrip(".") in lex.post_nominals:
            end -= 1
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
    # a capitalised title is tagged as a proper noun ("Bangladesh's Relief Commissioner, X")
    return any(
        t.lemma_.lower() in lex.title_words and t.pos_ in ("NOUN", "PROPN") and not t.ent_type_
        for t in pairs
    )


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


def _extend_of_name(doc: Doc, start: int, lex: Lexicon) -> int:
    """The start of a name "X of Y" whose "X of" the model left out ("Friends of Hill Library")."""

    def name_word(t: Token) -> bool:
        return (
            t.pos_ == "PROPN"
            and t.text[:1].isupper()
            and t.lower_ not in lex.title_words
            and t.lower_ not in lex.honorifics
            and not t.ent_type_
        )

    of = start - 1
    while of > 0 and name_word(doc[of]):
        of -= 1  # "Friends of Hill [Library]": the model may cut the name's start too
    if of < 1 or doc[of].lower_ != "of":
        return start
    new_start = of
    while new_start > 0 and name_word(doc[new_start - 1]):
        new_start -= 1
    return new_start if new_start < of else start


def _has_who_clause(doc: Doc, start: int, end: int) -> bool:
    """A name a "who" clause describes ("Ann Lee, who chairs the board") names a person."""
    head = doc[start:end].root
    return any(
        c.dep_ == "relcl" and any(x.lower_ in ("who", "whom", "whose") for x in c.children)
        for c in head.children
    )


def _retype_by_context(doc: Doc, m: Mention, lex: Lexicon) -> None:
    """Type a name from the words around it, which the small model does not weigh.

    "the town of X", "residents of X", "X, a port city", "X Mayor Ann Lee", "in X" (for a
    word the model took for a person) and a geographic head ("X Province") show a place;
    "officers from X" and a facility tag without a facility word show an organisation.
    """
    start, end = m.start, m.end
    head = doc[start:end].root
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    place = False
    k = start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k >= 1 and doc[k].lower_ in ("of", "from"):
        noun = doc[k - 1]
        if (
            doc[k].lower_ == "of"
            and noun.pos_ == "NOUN"
            and (noun.lower_ in lex.place_nouns or noun.lemma_.lower() in lex.place_nouns)
        ):
            place = True  # "the town of X", "residents of X", "rural areas of X"
        elif doc[k].lower_ == "of" and noun.lower_ in lex.compass_words:
            place = True  # "east of X", "50km north of X"
        elif (
            noun.lower_ in lex.member_nouns
            and m.type in ("Place", "Person")
            and head.ent_type_ not in ("GPE", "LOC")
        ):
            m.type = "Organization"  # "officers from the Guardia Civil"
            return
    pairs = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        pairs.append(head.head)
    if any(
        t.pos_ == "NOUN"
        and t.tag_ == "NN"
        and t.lemma_.lower() in lex.place_nouns
        and t.lower_ not in lex.title_words
        for t in pairs
    ):
        place = True  # "Riverton, a port city"
    if (
        after is not None
        and after.lower_ in lex.jurisdiction_titles
        and end + 1 < len(doc)
        and any(t.pos_ == "PROPN" for t in doc[end + 1 : end + 3])
    ):
        place = True  # "Riverton Mayor Ann Lee": the title's jurisdiction
    words = doc[start:end]
    if (
        len(words) > 1
        and words[-1].lower_ in lex.place_heads
        and words[-1].text[:1].isupper()
        and not (m.type == "Person" and first_name_gender(words[0].text) is not None)
    ):
        place = True  # "Lakeside Park", but not "Grace Park" the person
    if (
        after is not None
        and after.is_lower
        and after.lower_ in lex.area_words
        and after.pos_ == "NOUN"
        and (before is None or before.tag_ != "POS")
    ):
        place = True  # "the X district", "residents of the X neighbourhood"
    if (
        len(words) > 1
        and words[-1].lower_ in lex.place_nouns
        and words[-1].text[:1].isupper()
        and start > 1
        and doc[start - 1].tag_ == "POS"
        and doc[start - 2].ent_type_ in ("GPE", "LOC")
    ):
        place = True  # "Spain's Basque State": a region of a named country
    if (
        m.type == "Person"
        and len(words) == 1
        and before is not None
        and (before.lower_ == "in" or before.lower_ in lex.place_preps)
        and not (after is not None and after.tag_ == "POS")
    ):
        place = True
    if place:
        m.type = "Place"
        m.place_evidence = True
        return
    if (
        m.type == "Place"
        and doc[start:end].root.ent_type_ == "FAC"
        and not any(t.lower_ in lex.facility_heads for t in words)
    ):
        m.type = "Organization"  # a facility tag on a name with no building word


def _is_sentence_initial_word(doc: Doc, m: Mention, person_tokens: set[str]) -> bool:
    """A lone capitalised first word the model took for a name, never seen again in the text."""
    if m.end - m.start != 1 or not doc[m.start].is_sent_start:
        return False
    word = doc[m.start]
    if word.lower_ in person_tokens:
        return False
    return sum(1 for t in doc if t.text == word.text) == 1


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


def _joined_ents(doc: Doc) -> list[tuple[int, int, str]]:
    """The model's entity spans, with a long name it cut at a comma or an inner "and" put back
    together ("the Institute of Marine, Coastal and" + "Polar Research")."""
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if spans:
            start, end, label = spans[-1]
            last = doc[end - 1]
            gap = doc[end : ent.start]
            if (
                label == ent.label_ == "ORG"
                and (last.lower_ in _CONNECTORS or last.text in (",", "&"))
                and all(t.text in (",", "&") or t.lower_ in _CONNECTORS for t in gap)
                and not any("\n" in t.text_with_ws for t in doc[start : ent.start])
            ):
                spans[-1] = (start, ent.end, label)
                continue
        spans.append((ent.start, ent.end, ent.label_))
    return spans


def find_name_mentions(
    doc: Doc, gazetteer: Gazetteer, lex: Lexicon, matcher: PhraseMatcher
) -> list[Mention]:
    """Every named mention in the document, typed from the model, the gazetteer and context."""
    mentions: list[Mention] = []
    for ent_start, ent_end, label in _joined_ents(doc):
        etype = _LABEL_TYPES.get(label)
        if etype is None:
            continue
        start, end = _trim(doc, ent_start, ent_end, lex, person=etype == "Person")
        if start >= end:
            continue
        if etype == "Organization":
            end = _split_trailing_title(doc, start, end, lex)
        if etype == "Place":
            start = _extend_conjoined_place(doc, start, end, lex)
        of_start = _extend_of_name(doc, start, lex)
        if of_start < start:
            # "the Friends of Hill Library": the name's head is the word before "of"
            of = next(t.i for t in doc[of_start:start] if t.lower_ == "of")
            head = doc[of - 1].lower_
            etype = "Place" if head in lex.place_heads else "Organization"
            start = of_start
        if not any(c.isalpha() for c in doc[start:end].text):
            continue
        tail = 0
        while end + tail < ent_end and doc[end + tail].text.rstrip(".") in lex.post_nominals:
            tail += 1
        if end - start > 1 and doc[start].lower_ in lex.storm_words and doc[start].is_title:
            continue  # "Hurricane Ida", "Tropical Storm Ana": a weather event, not an entity
        mention = Mention(start, end, etype)
        if tail:
            mention.extra["tail"] = str(tail)
        mentions.append(mention)

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
        if _is_lower_case_phrase(doc, m):
            continue  # "state rail operator": a description the model tagged, not a name
        if _is_plural_acronym(text):
            continue  # "MPs", "NGOs": a common noun written in capitals, not one entity
        if _opens_with_foreign_place_word(doc, m, lex):
            m.type = "Place"  # "Plaza de la Luz", "Palacio Real": a square, a building
            m.place_evidence = True
            kept.append(m)
            continue
        if _is_regional_branch(doc, m, lex):
            m.type = "Organization"  # "Oxfam India", "Amnesty Europe": a branch, not a person
            kept.append(m)
            continue
        if _is_known_place(doc, m, lex, person_tokens):
            m.type = "Place"  # "Ankara said", "Lisbon" tagged a person: a known place
            m.place_evidence = True
            kept.append(m)
            continue
        if m.type == "Place" and _is_acronym(text) and place_index() and known_place(text) is None:
            continue  # "AI", "EV": an acronym the model took for a place that is no place
        if _described_as_organisation(doc, m, lex):
            m.type = "Organization"  # "the media regulator X", "the Lyon-based retailer X"
            kept.append(m)
            continue
        if _looks_like_person_name(doc, m, lex):
            m.type = "Person"  # "Ana Silva" tagged an organisation: a first name and a surname
        words_proper = all(t.pos_ == "PROPN" or t.lower_ in _CONNECTORS for t in m.span(doc))
        org_like = _ends_with_org_head(doc, m.start, m.end, lex)
        if _has_org_suffix(doc, m.start, m.end, lex):
            m.type = "Organization"  # "Halden Capital", "Acme Industries"
            kept.append(m)
            continue
        if org_like and m.type == "Place" and doc[m.start].lower_ in lex.org_heads:
            m.type = "Organization"  # "Port of Oakland", "Bank of England"
        if (
            not org_like
            and words_proper
            and (
                _has_title_before(doc, m.start, lex)
                or _has_appositive_title(doc, m.start, m.end, lex)
                or _has_who_clause(doc, m.start, m.end)
            )
        ):
            m.type = "Person"
            m.person_evidence = True
        if not org_like and not m.person_evidence:
            _retype_by_context(doc, m, lex)
        if (
            m.type == "Person"
            and not m.person_evidence
            and _is_sentence_initial_word(doc, m, person_tokens)
        ):
            continue  # "Turnout was low": a capitalised first word, not a person
        if (
            m.type == "Organization"
            and not org_like
            and m.start > 0
            and (
                doc[m.start - 1].lower_ in lex.place_preps
                or m.start > 1
                and doc[m.start - 1].lower_ == "the"
                and doc[m.start - 2].lower_ in lex.place_preps
            )
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
        if (
            m.type == "Organization"
            and doc[m.start].lower_ not in person_tokens
            and _is_plural_junk(doc, m.start, m.end, gazetteer)
        ):
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
    _type_coordinated_places(doc, final, lex)
    final = _add_coordinated_places(doc, final)
    final = _add_title_organisations(doc, final, lex)
    final = _add_titled_names(doc, final, lex)
    final = _add_suffixed_organisations(doc, final, lex)
    final = _add_foreign_organisations(doc, final, lex)
    final = _add_known_places(doc, final, lex)
    final = _add_landmarks(doc, final, lex)
    final = _add_bracketed_long_forms(doc, final)
    return _add_acronyms(doc, _add_known_names(doc, final))


def _is_plural_acronym(text: str) -> bool:
    return len(text) >= 3 and text.endswith("s") and _is_acronym(text[:-1])


def _opens_with_foreign_place_word(doc: Doc, m: Mention, lex: Lexicon) -> bool:
    """A name opened by another language's word for a square, street or building."""
    span = doc[m.start : m.end]
    return (
        len(span) > 1
        and not (m.type == "Person" and m.person_evidence)
        and span[0].is_title
        and span[0].lower_ in lex.foreign_place_heads
        and all(t.text[:1].isupper() or t.lower_ in lex.name_connectors for t in span[1:])
    )


def _is_regional_branch(doc: Doc, m: Mention, lex: Lexicon) -> bool:
    """A "person" whose last word is a country or continent and whose first word is no first
    name ("Oxfam India") is an organisation's branch for that region."""
    span = doc[m.start : m.end]
    if m.type != "Person" or m.person_evidence or len(span) < 2:
        return False
    if first_name_gender(span[0].text) is not None or known_place(span[0].text) is not None:
        return False
    last = span[-1]
    info = known_place(last.text)
    return last.lower_ in lex.continents or info is not None and info.kind == "country"


def _is_lower_case_phrase(doc: Doc, m: Mention) -> bool:
    """A model entity with no capitalised word ("state rail operator") names nothing."""
    return not any(t.text[:1].isupper() or t.like_num for t in doc[m.start : m.end])


def _is_known_place(doc: Doc, m: Mention, lex: Lexicon, person_tokens: set[str]) -> bool:
    """A model entity that is a country, region, capital or large city by name.

    A person's name that is also a city ("Florence") stays a person unless the context says
    otherwise, and so does a word that is part of a person's name elsewhere in the article.
    """
    if m.person_evidence:
        return False
    span = doc[m.start : m.end]
    if not all(t.text[:1].isupper() or t.lower_ in lex.name_connectors for t in span):
        return False
    if _ends_with_org_head(doc, m.start, m.end, lex):
        return False
    info = known_place(span.text)
    if info is None:
        return False
    if m.type == "Person":
        if len(span) == 1 and doc[m.start].lower_ in person_tokens:
            return False
        if is_first_name(span[0].text) and info.kind == "city":
            return False
    return True


def _described_as_organisation(doc: Doc, m: Mention, lex: Lexicon) -> bool:
    """A name right after a lower-case organisation description ("the state rail operator X")
    names that organisation, unless it begins with a first name ("the owner Ann Lee")."""
    if m.start == 0 or m.type == "Place" and m.place_evidence:
        return False
    prev = doc[m.start - 1]
    if not prev.is_lower or prev.pos_ != "NOUN" or prev.lemma_.lower() not in lex.descriptor_nouns:
        return False
    if prev.lemma_.lower() in lex.person_title_heads or prev.lower_ in lex.honorifics:
        return False
    return first_name_gender(doc[m.start].text) is None or m.end - m.start == 1


def _looks_like_person_name(doc: Doc, m: Mention, lex: Lexicon) -> bool:
    """An "organisation" of two or three capitalised words whose first is a first name the
    name dictionary strongly genders and whose last is no organisation word, used as a person:
    the subject of a person's verb, or its surname found alone elsewhere."""
    if m.type != "Organization" or not 2 <= m.end - m.start <= 3:
        return False
    span = doc[m.start : m.end]
    if not all(t.is_title and t.is_alpha for t in span):
        return False
    last = span[-1]
    if last.lower_ in lex.org_suffixes or last.lower_ in lex.org_heads:
        return False
    if first_name_gender(span[0].text) is None or known_place(last.text) is not None:
        return False
    head = span.root
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in lex.person_verbs:
        return True
    return any(t.text == last.text and not (m.start <= t.i < m.end) for t in doc)


def _add_foreign_organisations(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Organisation names in another language, opened by an organisation word ("Banco do X",
    "Société des Y", "Deutsche Z"): the whole capitalised name is one organisation."""
    added: list[Mention] = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if not (tok.lower_ in lex.foreign_org_words and tok.is_title):
            i += 1
            continue
        end = i + 1
        last_cap = i
        while end < n and end - i < 8:
            t = doc[end]
            if t.text[:1].isupper() and t.is_alpha or t.text == "-" and end + 1 < n:
                if t.text[:1].isupper():
                    last_cap = end
                end += 1
            elif t.lower_ in lex.name_connectors and t.is_lower:
                end += 1
            else:
                break
        end = last_cap + 1
        if (
            end - i < 2
            or not any(t.lower_ in lex.name_connectors for t in doc[i:end])
            and (tok.lower_ in lex.org_suffixes or tok.lower_ in lex.org_heads)
        ):
            # an English organisation word opening a name ("Bank Holiday") needs "of"-like help
            i += 1
            continue
        if doc[i:end].text.isupper():
            i += 1
            continue
        clash = [m for m in mentions if m.start < end and i < m.end]
        if any(m.gazetteer is not None or m.start < i or m.end > end for m in clash):
            i = end
            continue
        mentions = [m for m in mentions if m not in clash]
        added.append(Mention(i, end, "Organization"))
        i = end
    return sorted(mentions + added, key=lambda m: m.start)


def _proper_run_end(doc: Doc, start: int) -> int:
    end = start
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].is_title:
        end += 1
    return end


def _add_known_places(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Countries, regions, capitals and large cities the model left untagged: a run of
    capitalised proper nouns that is exactly a known place name and not a first name."""
    if not place_index():
        return mentions
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        if tok.pos_ != "PROPN" or not tok.is_title or i in covered:
            i += 1
            continue
        if i > 0 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].text[:1].isupper():
            i += 1
            continue
        end = _proper_run_end(doc, i)
        if end - i <= 3 and not any(j in covered for j in range(i, end)):
            text = doc[i:end].text
            info = known_place(text)
            if (
                info is not None
                and not (end - i == 1 and is_first_name(text) and info.kind == "city")
                and not (
                    end < len(doc) and doc[end].lower_ in lex.title_words and doc[end].is_lower
                )
                and doc[end - 1].lower_ not in lex.org_suffixes
            ):
                added.append(Mention(i, end, "Place", place_evidence=True))
        i = max(end, i + 1)
    return sorted(mentions + added, key=lambda m: m.start)


def _add_landmarks(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """A name before a lower-case landmark word ("X station") is that landmark, a place."""
    by_end = {m.end: m for m in mentions}
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    for tok in doc[1:]:
        if tok.lower_ not in lex.landmark_words or not tok.is_lower or tok.i in covered:
            continue
        m = by_end.get(tok.i)
        if m is not None:
            if m.type == "Person" and m.person_evidence or m.gazetteer is not None:
                continue
            m.end = tok.i + 1
            m.type = "Place"
            m.place_evidence = True
            continue
        start = tok.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
            start -= 1
        if start < tok.i and not any(j in covered for j in range(start, tok.i)):
            added.append(Mention(start, tok.i + 1, "Place", place_evidence=True))
    return sorted(mentions + added, key=lambda m: m.start)


def _has_org_suffix(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    words = doc[start:end]
    return (
        len(words) > 1
        and words[-1].lower_ in lex.org_suffixes
        and all(t.text[:1].isupper() or t.lower_ in _CONNECTORS for t in words)
    )


def _add_suffixed_organisations(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Company names the model missed, ended by a corporate word ("Norland Industries")."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    for tok in doc[1:]:
        if (
            tok.lower_ not in lex.org_suffixes
            or not tok.text[:1].isupper()
            or tok.pos_ != "PROPN"
            or tok.i in covered
        ):
            continue
        start = tok.i
        while (
            start > 0
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].text[:1].isupper()
            and doc[start - 1].lower_ not in lex.title_words
            and start - 1 not in covered
        ):
            start -= 1
        if start < tok.i:
            added.append(Mention(start, tok.i + 1, "Organization"))
            covered.update(range(start, tok.i + 1))
    return sorted(mentions + added, key=lambda m: m.start)


def _type_coordinated_places(doc: Doc, mentions: list[Mention], lex: Lexicon) -> None:
    """Names coordinated with a place are places ("in Riverton, Lakeside and Dunmore")."""
    at_root = {m.span(doc).root.i: m for m in mentions}

    def is_place(m: Mention) -> bool:
        return m.type == "Place" and (
            m.gazetteer is not None or m.place_evidence or m.span(doc).root.ent_type_ in ("GPE",)
        )

    for m in mentions:
        if not is_place(m):
            continue
        root = m.span(doc).root
        chain = [root]
        top = root
        while top.dep_ == "conj" and top.head is not top:
            top = top.head
            chain.append(top)
        todo = [top]
        while todo:
            t = todo.pop()
            for c in t.children:
                if c.dep_ == "conj":
                    chain.append(c)
                    todo.append(c)
        for t in chain:
            other = at_root.get(t.i)
            if (
                other is None
                or other is m
                or other.gazetteer is not None
                or other.person_evidence
                or other.type == "Place"
                or _ends_with_org_head(doc, other.start, other.end, lex)
                or other.end - other.start > 2
            ):
                continue
            other.type = "Place"
            other.place_evidence = True


def _add_coordinated_places(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """An untagged capitalised name coordinated with a place is a place too ("in Riverton
    and Dunmore" where the model tagged only the first)."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    for m in mentions:
        if m.type != "Place" or not (m.place_evidence or m.gazetteer is not None):
            continue
        for c in m.span(doc).root.children:
            if (
                c.dep_ != "conj"
                or c.pos_ != "PROPN"
                or not c.is_title
                or c.i in covered
                or c.i < m.end
                or any(x.dep_ == "compound" or x.pos_ == "ADP" for x in c.children)
            ):
                continue
            added.append(Mention(c.i, c.i + 1, "Place", place_evidence=True))
            covered.add(c.i)
    return sorted(mentions + added, key=lambda m: m.start)


def _add_known_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Names the model tagged once and missed later: a person's surname ("Lee said"), an
    organisation or a place written the same way again."""
    surnames = {
        doc[m.end - 1].text
        for m in mentions
        if m.type == "Person" and m.end - m.start > 1 and doc[m.end - 1].text[:1].isupper()
    }
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added = [
        Mention(t.i, t.i + 1, "Person")
        for t in doc
        if t.text in surnames
        and t.i not in covered
        and (t.pos_ == "PROPN" or t.i + 1 < len(doc) and doc[t.i + 1].pos_ in ("VERB", "AUX"))
        and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN")
        and not (t.i > 0 and doc[t.i - 1].pos_ == "PROPN")
    ]
    covered.update(m.start for m in added)
    # a name of an organisation or place the model tagged once and missed elsewhere
    names: dict[str, Mention] = {}
    for m in mentions:
        if m.type != "Person" and m.kind == "name" and m.text(doc)[:1].isupper():
            names.setdefault(m.text(doc), m)
    for text, known in names.items():
        n = len(text.split())
        first = text.split()[0]
        for t in doc:
            if t.text != first or t.i in covered or t.i + n > len(doc):
                continue
            span = doc[t.i : t.i + n]
            if span.text != text or any(i in covered for i in range(t.i, t.i + n)):
                continue
            if t.i + n < len(doc) and doc[t.i + n].pos_ == "PROPN" and doc[t.i + n].is_title:
                continue
            if t.i > 0 and doc[t.i - 1].pos_ == "PROPN" and doc[t.i - 1].is_title:
                continue
            added.append(
                Mention(
                    t.i,
                    t.i + n,
                    known.type,
                    gazetteer=known.gazetteer,
                    place_evidence=known.place_evidence,
                )
            )
            covered.update(range(t.i, t.i + n))
    return sorted(mentions + added, key=lambda m: m.start)


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
    replaced: list[Mention] = []
    for tok in doc[:-1]:
        if tok.lower_ not in lex.title_words and tok.lower_ not in lex.honorifics:
            continue
        # a first name the model tagged alone ("Mayor [Ann] Lee") is extended, not kept
        partial = next((m for m in mentions if m.start == tok.i + 1 and m.type == "Person"), None)
        own = set(range(partial.start, partial.end)) if partial is not None else set()
        end = tok.i + 1
        while (
            end < len(doc)
            and end - tok.i <= 3
            and doc[end].pos_ == "PROPN"
            and doc[end].is_title
            and doc[end].lower_ not in lex.title_words
            and (end not in covered or end in own)
        ):
            end += 1
        if end - tok.i >= 2 and not (end < len(doc) and doc[end].pos_ == "PROPN"):
            if (
                tok.is_lower
                and tok.lemma_.lower() in lex.descriptor_nouns
                and tok.lemma_.lower() not in lex.person_title_heads
                and first_name_gender(doc[tok.i + 1].text) is None
            ):
                # "the media regulator X": an organisation's description, not a person's title
                if partial is None:
                    added.append(Mention(tok.i + 1, end, "Organization"))
                    covered.update(range(tok.i + 1, end))
                continue
            if partial is not None:
                if end <= partial.end:
                    continue
                replaced.append(partial)
            added.append(Mention(tok.i + 1, end, "Person", person_evidence=True))
            covered.update(range(tok.i + 1, end))
    kept = [m for m in mentions if not any(m is r for r in replaced)]
    return sorted(kept + added, key=lambda m: m.start)


def acronym_of(name: str) -> str:
    """The initials of a name's content words ("Federal Emergency Management Agency": FEMA)."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _CONNECTORS]
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def _add_bracketed_long_forms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """The long name before a bracketed acronym whose letters are the initials of its
    capitalised words ("the Coastal, Hydrographic and Marine Agency (CHMA)"), one organisation
    whether or not the model tagged it, and the acronym its short form wherever it appears."""
    for i in range(1, len(doc) - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")" or not _is_acronym(doc[i + 1].text):
            continue
        letters = doc[i + 1].text.replace(".", "")
        best = None
        j = i - 1
        while j >= 0 and i - j <= 14:
            t = doc[j]
            if "\n" in t.text_with_ws:
                break
            if t.text[:1].isupper() and t.is_alpha:
                if acronym_of(doc[j:i].text.replace(",", " ")) == letters:
                    best = j
            elif not (t.text in (",", "&", "-") or t.lower_ in _CONNECTORS):
                break
            j -= 1
        if best is None or best == i - 1:
            continue
        if doc[best].lower_ in _DETERMINERS:
            best += 1
        if any(m.gazetteer is not None and best < m.end and m.start < i for m in mentions):
            continue
        if any(m.start < best < m.end or m.start < i < m.end for m in mentions):
            continue
        mentions = [m for m in mentions if not (best <= m.start and m.end <= i)]
        mention = Mention(best, i, "Organization")
        mention.extra["acronym"] = letters
        mentions.append(mention)
        for m in mentions:
            if m.end - m.start == 1 and doc[m.start].text.replace(".", "") == letters:
                m.type = "Organization"
    return sorted(mentions, key=lambda m: m.start)


def _mark_parenthetical_acronyms(doc: Doc, mentions: list[Mention]) -> None:
    """An acronym in brackets right after a name is that name's short form, whatever its
    letters ("the Agency for Coastal Works (ACOWA)")."""
    for m in mentions:
        if (
            m.type == "Organization"
            and m.end - m.start > 1
            and m.end + 2 < len(doc)
            and doc[m.end].text == "("
            and doc[m.end + 2].text == ")"
            and _is_acronym(doc[m.end + 1].text)
        ):
            m.extra["acronym"] = doc[m.end + 1].text.replace(".", "")


def _add_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Acronyms the model left untagged whose long form the article spells out ("NFCB")."""
    _mark_parenthetical_acronyms(doc, mentions)
    long_forms = {
        acronym_of(m.text(doc)): m.type
        for m in mentions
        if m.type == "Organization" and m.end - m.start > 1
    }
    long_forms.update({m.extra["acronym"]: m.type for m in mentions if "acronym" in m.extra})
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added = [
        Mention(t.i, t.i + 1, long_forms[t.text.replace(".", "")])
        for t in doc
        if t.i not in covered and _is_acronym(t.text) and t.text.replace(".", "") in long_forms
    ]
    return sorted(mentions + added, key=lambda m: m.start)
