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

from kg.report import Certainty, Factuality, Polarity, Tense

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
    polarity: Polarity = "negative" if negated else "positive"
    return Factuality(certainty=certainty, polarity=polarity, tense=tense)


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
