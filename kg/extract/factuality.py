"""How a claim is presented: certain or hedged, affirmed or denied, past/present or future.

The values are GRaSP's (certainty, polarity, tense). The text marks them on the main verb
of the claimed content (its auxiliaries, negation and adverbs), on a governing verb or
adjective ("plans to", "is likely to", "is set to"), on the subject ("no one was hurt") or
on the reporting verb ("denied that", "vowed to", "suggested"). Reading only these
positions, rather than every word of the span, keeps a "not" inside a relative clause
from negating the whole claim. Word lists are in data/factuality.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kg.extract.report import Certainty, Factuality, Polarity, Tense

_DATA = Path(__file__).resolve().parent / "data" / "factuality.json"
_MARKER_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "acomp", "amod", "det", "preconj"})
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "expl"})


@dataclass(frozen=True)
class FactualityLexicon:
    future_auxiliaries: frozenset[str]
    future_verbs: frozenset[str]
    future_adjectives: frozenset[str]
    future_cues: frozenset[str]
    negators: frozenset[str]
    negative_cues: frozenset[str]
    possible_words: frozenset[str]
    probable_words: frozenset[str]
    probable_cues: frozenset[str]
    possible_cues: frozenset[str]
    unlikely_words: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> FactualityLexicon:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return FactualityLexicon(**{k: frozenset(v) for k, v in raw.items() if not k.startswith("_")})


def factuality_of(
    doc: Doc, cue_start: int | None, content_start: int, content_end: int
) -> Factuality:
    """The factuality of the content [content_start, content_end) reported by the cue.

    Offsets are character offsets into `doc.text` (as in `Claim`); `cue_start` is the
    first character of the reporting word, or None for a claim without one.
    """
    lex = lexicon()
    span = doc.char_span(content_start, content_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return Factuality()
    cue = _token_at(doc, cue_start)
    markers = _markers(span)
    words = {t.lower_ for t in markers} | {t.lemma_.lower() for t in markers}

    tense: Tense = "non_future"
    if _is_future(markers, lex) or (
        cue is not None and cue.lemma_.lower() in lex.future_cues and span[0].lower_ == "to"
    ):
        tense = "future"

    negated = any(_negates(t, lex) for t in markers)
    if cue is not None and cue.lemma_.lower() in lex.negative_cues:
        negated = not negated

    certainty: Certainty = "certain"
    if words & lex.possible_words:
        certainty = "possible"
    elif words & lex.probable_words:
        certainty = "probable"
    elif words & lex.unlikely_words:
        certainty, negated = "probable", not negated
    elif cue is not None and cue.lemma_.lower() in lex.possible_cues:
        certainty = "possible"
    elif cue is not None and cue.lemma_.lower() in lex.probable_cues:
        certainty = "probable"
    if cue is not None and reporting_negated(cue):
        negated = True
    if cue is not None and is_question(cue, span):
        certainty = "possible"
    polarity: Polarity = "negative" if negated else "positive"
    return Factuality(certainty=certainty, polarity=polarity, tense=tense)


# The reporting act itself: "did not say", "never claimed", "declined to say", "refused to
# comment", "would not say", "asked whether". Its source asserts nothing of the content, so a
# claim is marked negative (not said) or possible (asked), never a plain claim.
_REFUSALS = frozenset({"decline", "refuse", "fail", "neglect", "avoid", "stop"})
_ASKING = frozenset({"ask", "wonder", "question", "inquire", "query"})
_INTERROGATIVES = frozenset(
    {"whether", "if", "how", "what", "why", "when", "where", "who", "which"}
)


def reporting_negated(cue: Token) -> bool:
    """The cue is denied or refused: "did not say", "never wrote", "declined to say", "would
    not comment on", "no one said"."""
    if any(c.dep_ == "neg" or c.lower_ in ("never", "n't", "not") for c in cue.children):
        return True
    subject = [c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(c.lower_ in ("no", "nobody", "none") or _has_no(c) for c in subject):
        return True
    head = cue.head
    if cue.dep_ == "xcomp" and head.i != cue.i:
        if head.lemma_.lower() in _REFUSALS:
            return True
        if any(c.dep_ == "neg" for c in head.children):
            return True
    return False


def _has_no(tok: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def is_question(cue: Token, content: Span) -> bool:
    """The content is asked, not stated: "asked whether …", "wondered if …", or a question."""
    first = content[0].lower_ if len(content) else ""
    if cue.lemma_.lower() in _ASKING:
        return True
    if first in _INTERROGATIVES and first not in ("when", "where", "who", "which"):
        return True
    return content.text.rstrip(" \u201d\"'").endswith("?")


def states_nothing(doc: Doc, cue_start: int | None, content_start: int, content_end: int) -> bool:
    """A denied or refused report of a question ("did not say how many", "declined to say
    whether"): nothing is claimed at all, so there is no claim to record."""
    cue = _token_at(doc, cue_start)
    span = doc.char_span(content_start, content_end, alignment_mode="expand")
    if cue is None or span is None or len(span) == 0:
        return False
    return reporting_negated(cue) and span[0].lower_ in _INTERROGATIVES


def _token_at(doc: Doc, char: int | None) -> Token | None:
    if char is None:
        return None
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _main_verbs(span: Span) -> list[Token]:
    """The content's main predicate and the predicates it governs through xcomp/ccomp.

    "plans to open" gives [plans, open]; "said it was likely to rain" (content "it was
    likely to rain") gives [was, rain].
    """
    root = span.root
    chain = [root]
    current = root
    for _ in range(3):
        nxt = [
            c
            for c in current.children
            if c.dep_ in ("xcomp", "ccomp") and span.start <= c.i < span.end
        ]
        acomp = [c for c in current.children if c.dep_ == "acomp"]
        for a in acomp:
            nxt.extend(c for c in a.children if c.dep_ == "xcomp")
        if not nxt:
            break
        current = nxt[0]
        chain.append(current)
    return chain


def _markers(span: Span) -> list[Token]:
    """The tokens that can mark factuality: predicates, their auxiliaries, adverbs, subjects."""
    out: list[Token] = []
    for verb in _main_verbs(span):
        out.append(verb)
        for child in verb.children:
            if not span.start <= child.i < span.end:
                continue
            if child.dep_ in _MARKER_DEPS:
                out.append(child)
                out.extend(c for c in child.children if c.dep_ in ("neg", "advmod"))
            elif child.dep_ in _ARGUMENT_DEPS:
                out.append(child)
                out.extend(c for c in child.children if c.dep_ == "det")
    return out


def _is_future(markers: list[Token], lex: FactualityLexicon) -> bool:
    for t in markers:
        low, lemma = t.lower_, t.lemma_.lower()
        if t.dep_ == "aux" and low in lex.future_auxiliaries and t.tag_ == "MD":
            return True
        if t.dep_ == "aux" and low in ("will", "shall", "'ll", "wo"):
            return True
        has_xcomp = any(c.dep_ == "xcomp" for c in t.children)
        if has_xcomp and lemma == "go" and t.tag_ == "VBG":
            return True  # "is going to"
        if has_xcomp and (lemma in lex.future_verbs or low in lex.future_adjectives):
            return True
    return False


def _negates(t: Token, lex: FactualityLexicon) -> bool:
    low = t.lower_
    if t.dep_ == "neg" or low in ("never", "n't", "not"):
        return True
    # "no one was hurt", "nothing was found", "no shots were fired"
    return low in lex.negators and t.dep_ in ("det", *_ARGUMENT_DEPS)
