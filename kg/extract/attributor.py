"""The learned attribution step: who is reported to say, think or find what, as PolNeAR's
annotators mark it on real news.

Three linear classifiers over the dependency parse, trained on PolNeAR's train split
(`make train-attribution`, bench/train_attribution.py) and shipped in
kg/extract/data/attributor.npz:

1. **cue**: is this token the head of a reporting cue ("said", "according", "denied",
   "polls *show*", a colon that introduces a statement)?
2. **source**: for a cue, which token of its sentence heads its source (the subject, the
   object of "according to", the agent, a possessive: "his claim")?
3. **content**: for a cue, which tokens of its sentence are what was attributed; the span
   is the best-scoring contiguous run, widened to the whole quotation it opens.
4. **triple**: the second stage. Given a whole candidate (cue, source, content) and how
   sure the first three were, is it an attribution? Trained on the first stage's output
   for articles it was not fitted on (cross-fitting), it learns what one token's view
   cannot: that "unleashed *a series of tweets*" is no statement while "welcomed *the
   ruling*" is, that a cue with no source and a far content is rarely one. The first
   stage's cue threshold is low, so this stage decides.

Features are strings hashed with CRC-32 (stable across processes and platforms, unlike
`hash`) into one weight vector per classifier, so inference is a few NumPy sums: no
scikit-learn or torch at run time, and the model is a small file. Linear models on parse
features were chosen over a fine-tuned transformer by measurement (bench/ATTRIBUTION.md):
they reach most of the accuracy at a fraction of the run time on two cores.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span, Token

from kg.errors import ModelFileError
from kg.extract.lexicon import load_lexicon

MODEL_FILE = Path(__file__).with_name("data") / "attributor.npz"
REBUILD = "make train-attribution"
DIMENSIONS = 1 << 20
_QUOTE_CHARS = '"\u201c\u201d'
# An attribution sentence this short ("— Jane Doe", "he said.") may attribute the sentence
# before it.
_SHORT_SENTENCE = 6
CUE, SOURCE, CONTENT, TRIPLE = "cue", "source", "content", "triple"
KINDS = (CUE, SOURCE, CONTENT, TRIPLE)
FIRST_STAGE = (CUE, SOURCE, CONTENT)
# The second stage's threshold for a content in quotation marks. A quotation is nearly
# always someone's, but a wrong one costs a direct quote's precision, which every false
# alarm counts against; unquoted contents have a threshold of their own (TRIPLE).
TRIPLE_QUOTED = "triple_quoted"
THRESHOLDS = (*KINDS, TRIPLE_QUOTED)


def hashed(features: Iterable[str]) -> list[int]:
    """Column indices of a token's features (duplicates removed, order kept)."""
    return list(dict.fromkeys(zlib.crc32(f.encode("utf-8")) & (DIMENSIONS - 1) for f in features))


@dataclass(frozen=True)
class Weights:
    """One weight vector and bias per classifier, and the decision thresholds."""

    vectors: dict[str, np.ndarray]
    biases: dict[str, float]
    thresholds: dict[str, float]

    def scores(self, kind: str, rows: Sequence[list[int]]) -> np.ndarray:
        """Probability of the positive class for each row of hashed features."""
        w = self.vectors[kind]
        z = np.fromiter((w[r].sum() for r in rows), dtype=np.float64, count=len(rows))
        return 1.0 / (1.0 + np.exp(-(z + self.biases[kind])))

    def save(self, path: Path, meta: dict[str, str]) -> None:
        arrays: dict[str, np.ndarray] = {}
        for kind in KINDS:
            arrays[f"{kind}_w"] = self.vectors[kind].astype(np.float16)
            arrays[f"{kind}_b"] = np.array([self.biases[kind]])
        for name in THRESHOLDS:
            arrays[f"{name}_t"] = np.array([self.thresholds[name]])
        arrays["meta"] = np.array([f"{k}={v}" for k, v in sorted(meta.items())])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(f, **arrays)  # type: ignore[arg-type]  # numpy's stub


def load_weights(path: Path | None = None) -> Weights:
    """The shipped model (or the file at `path`), read once per process; a missing or
    damaged file is one clear error that names the file and the command that rebuilds it."""
    return _read_weights(path or MODEL_FILE)


@lru_cache(maxsize=2)
def _read_weights(path: Path) -> Weights:
    try:
        with np.load(path, allow_pickle=False) as data:
            vectors = {k: data[f"{k}_w"].astype(np.float32) for k in KINDS}
            biases = {k: float(data[f"{k}_b"][0]) for k in KINDS}
            thresholds = {k: float(data[f"{k}_t"][0]) for k in THRESHOLDS}
    except FileNotFoundError:
        raise ModelFileError(
            f"the attribution model {path} is missing: rebuild it with `{REBUILD}` "
            "(or reinstall claimgraph)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - numpy raises many kinds for a damaged file
        raise ModelFileError(
            f"the attribution model {path} is damaged ({type(exc).__name__}): rebuild it with "
            f"`{REBUILD}` (or reinstall claimgraph)"
        ) from None
    if any(v.shape != (DIMENSIONS,) or not np.isfinite(v).all() for v in vectors.values()):
        raise ModelFileError(
            f"the attribution model {path} is damaged (wrong shape or values): rebuild it "
            f"with `{REBUILD}`"
        )
    return Weights(vectors, biases, thresholds)


# ---------------------------------------------------------------------------------------
# Features. Training (bench/train_attribution.py) and inference call the same functions.


def _bucket(n: int) -> str:
    if n <= 3:
        return str(n)
    if n <= 5:
        return "4-5"
    if n <= 10:
        return "6-10"
    if n <= 20:
        return "11-20"
    return ">20"


class DocContext:
    """What the features need of the whole document, computed once per document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        lex = load_lexicon()
        self.reporting = lex.reporting_verbs
        self.weak_objects = lex.weak_object_verbs
        self.in_quote = _quote_flags(doc)
        self.sent_of = np.empty(len(doc), dtype=np.int32)
        self.sents: list[Span] = list(doc.sents)
        for k, sent in enumerate(self.sents):
            self.sent_of[sent.start : sent.end] = k
        self.sent_has_quote = [any(self.in_quote[sent.start : sent.end]) for sent in self.sents]


def _quote_flags(doc: Doc) -> list[int]:
    """0 outside quotation marks, else the number of the quotation the token is in (from 1).

    A quotation is closed by the next mark in the same paragraph; one left open at a line
    break runs on (a quotation over paragraphs reopens each of them)."""
    flags = [0] * len(doc)
    current = 0
    n = 0
    for tok in doc:
        text = tok.text
        if "\n" in text:
            current = 0
        elif text == "\u201c" or (text == '"' and current == 0):
            n += 1
            current = n
        elif text == "\u201d" or text == '"':
            current = 0
        else:
            flags[tok.i] = current
        if "\n" in tok.whitespace_:
            current = 0
    return flags


def cue_features(tok: Token, ctx: DocContext) -> list[str]:
    """Features of one token as a possible cue head."""
    lemma = tok.lemma_.lower()
    lower = tok.lower_
    pos = tok.pos_
    children = sorted({c.dep_ for c in tok.children})
    doc = tok.doc
    prev = doc[tok.i - 1].lower_ if tok.i > 0 else "<s>"
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "</s>"
    nxt2 = doc[tok.i + 2].lower_ if tok.i + 2 < len(doc) else "</s>"
    prev2 = doc[tok.i - 2].lower_ if tok.i > 1 else "<s>"
    quoted = "Q" if ctx.in_quote[tok.i] else "-"
    sent_quote = "SQ" if ctx.sent_has_quote[ctx.sent_of[tok.i]] else "-"
    head = tok.head
    neg = any(c.dep_ == "neg" for c in tok.children)
    feats = [
        "bias",
        f"l={lower}",
        f"m={lemma}",
        f"p={pos}",
        f"t={tok.tag_}",
        f"d={tok.dep_}",
        f"md={lemma}|{tok.dep_}",
        f"mp={lemma}|{pos}",
        f"mt={lemma}|{tok.tag_}",
        f"hm={head.lemma_.lower()}",
        f"mhm={lemma}|{head.lemma_.lower()}",
        f"hd={head.dep_}|{tok.dep_}",
        f"cd={'+'.join(children)}",
        f"pv={prev}",
        f"nx={nxt}",
        f"mnx={lemma}|{nxt}",
        f"mpv={lemma}|{prev}",
        f"nx2={nxt}|{nxt2}",
        f"pv2={prev2}|{prev}",
        f"q={quoted}",
        f"sq={sent_quote}|{quoted}",
        f"mq={lemma}|{quoted}|{sent_quote}",
        f"neg={neg}",
        f"shape={tok.shape_[:4]}",
        # the rules' reporting verbs, as a hint the model weighs (it generalises past them)
        f"lex={lemma in ctx.reporting}|{pos}",
        f"lexd={lemma in ctx.reporting}|{tok.dep_}|{sent_quote}",
    ]
    for dep in children:
        feats.append(f"c={dep}")
        feats.append(f"mc={lemma}|{dep}")
    for child in tok.children:
        if child.dep_ in ("prep", "agent", "dobj", "dative", "acomp", "xcomp", "prt"):
            feats.append(f"mcw={lemma}|{child.dep_}|{child.lower_}")
        if child.dep_ in ("nsubj", "nsubjpass"):
            feats.append(f"subj={child.pos_}|{child.ent_type_ or '-'}")
            feats.append(f"msubj={lemma}|{child.pos_}")
    return feats


def _path(a: Token, b: Token, limit: int = 4) -> str:
    """The dependency path from a to b: up-steps from a to their lowest common ancestor, then
    down-steps to b, as labels; "far" past `limit` steps."""
    up: list[Token] = [a]
    while up[-1].head.i != up[-1].i and len(up) <= 12:
        up.append(up[-1].head)
    index = {t.i: k for k, t in enumerate(up)}
    down: list[Token] = [b]
    while down[-1].i not in index and down[-1].head.i != down[-1].i and len(down) <= 12:
        down.append(down[-1].head)
    if down[-1].i not in index:
        return "far"
    k = index[down[-1].i]
    if k + len(down) - 1 > limit:
        return "far"
    labels = [f"^{t.dep_}" for t in up[:k]] + [f"v{t.dep_}" for t in reversed(down[:-1])]
    return "".join(labels) or "self"


def _first_edge(cue: Token, tok: Token) -> str:
    """Where tok hangs from the cue: under which child of the cue (or of its head)."""
    t = tok
    steps = 0
    while t.head.i != t.i and steps < 40:
        if t.head.i == cue.i:
            return f"down:{t.dep_}"
        if t.head.i == cue.head.i and cue.head.i != cue.i:
            return f"up:{cue.dep_}:{t.dep_}"
        t = t.head
        steps += 1
    if tok.i == cue.head.i:
        return f"head:{cue.dep_}"
    return "none"


def source_features(cue: Token, cand: Token, ctx: DocContext) -> list[str]:
    """Features of a candidate token as the head of the cue's source."""
    lemma = cue.lemma_.lower()
    path = _path(cue, cand)
    side = "L" if cand.i < cue.i else "R"
    dist = _bucket(abs(cand.i - cue.i))
    cq = "Q" if ctx.in_quote[cand.i] else "-"
    pron = cand.lower_ if cand.pos_ == "PRON" else cand.pos_
    return [
        "bias",
        f"path={path}",
        f"mpath={lemma}|{path}",
        f"ppath={cand.pos_}|{path}",
        f"p={cand.pos_}",
        f"t={cand.tag_}",
        f"d={cand.dep_}",
        f"pr={pron}",
        f"e={cand.ent_type_ or '-'}",
        f"sd={side}|{dist}",
        f"msd={lemma}|{side}",
        f"q={cq}|{'Q' if ctx.in_quote[cue.i] else '-'}",
        f"cl={cand.lemma_.lower()}",
        f"fe={_first_edge(cue, cand)}",
        f"dpath={cand.dep_}|{path}",
        f"epath={cand.ent_type_ or cand.pos_}|{path}",
    ]


def content_features(cue: Token, tok: Token, ctx: DocContext) -> list[str]:
    """Features of a token as part of what the cue attributes."""
    lemma = cue.lemma_.lower()
    edge = _first_edge(cue, tok)
    side = "L" if tok.i < cue.i else "R"
    dist = _bucket(abs(tok.i - cue.i))
    tq = ctx.in_quote[tok.i]
    cq = ctx.in_quote[cue.i]
    quote = "same" if tq and tq == cq else ("Q" if tq else "-")
    offset = int(ctx.sent_of[tok.i] - ctx.sent_of[cue.i])
    if offset:
        return ["bias", f"xs={offset}", f"xsq={offset}|{quote}", f"xsm={offset}|{lemma}"]
    return [
        "bias",
        f"fe={edge}",
        f"mfe={lemma}|{edge}",
        f"sd={side}|{dist}",
        f"fsd={edge}|{side}",
        f"q={quote}",
        f"qfe={quote}|{edge}",
        f"qsd={quote}|{side}|{dist}",
        f"p={tok.pos_}",
        f"d={tok.dep_}",
        f"pfe={tok.pos_}|{edge}",
        f"msd={lemma}|{side}",
        f"cp={cue.pos_}|{cue.dep_}",
        f"cd={cue.dep_}|{edge}",
    ]


# ---------------------------------------------------------------------------------------
# Decoding.


@dataclass(frozen=True)
class Attribution:
    """One attribution found by the model, in token indices (end exclusive)."""

    cue: int
    source: int | None
    start: int
    end: int
    score: float
    signed: bool = False  # a quotation or post signed with a dash and a name (sign_offs)


def cue_candidates(sent: Span) -> list[Token]:
    """Tokens that may head a cue: anything but spaces, numbers and determiners."""
    return [t for t in sent if t.pos_ not in ("SPACE", "NUM", "DET", "CCONJ", "SYM", "X")]


def source_candidates(cue: Token) -> list[Token]:
    """Tokens of the cue's sentence that may head a source. The cue's direct object is what
    is said or whom it is said to ("admires *Putin* as a “strong leader”", "told *a young
    woman*"), not who says it: on PolNeAR train 74 of 18,000 sources."""
    return [
        t
        for t in cue.sent
        if t.i != cue.i
        and t.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ", "DET", "X")
        and not (t.dep_ == "dobj" and t.head.i == cue.i)
    ]


def content_candidates(cue: Token, ctx: DocContext) -> list[Token]:
    """Tokens that may be content: the cue's sentence but the cue; the next sentence too after
    a colon ("He said:" then the quotation), and the one before a short attribution
    sentence ("— Jane Doe", "he said.") that follows a quotation."""
    k = int(ctx.sent_of[cue.i])
    sents = [ctx.sents[k]]
    words = [t for t in ctx.sents[k] if not (t.is_space or t.is_punct)]
    last = [t for t in ctx.sents[k] if not t.is_space][-1]
    if last.text == ":" and k + 1 < len(ctx.sents):
        sents.append(ctx.sents[k + 1])
    if len(words) <= _SHORT_SENTENCE and k > 0:
        sents.insert(0, ctx.sents[k - 1])
    return [t for sent in sents for t in sent if t.i != cue.i and not t.is_space]


def best_run(tokens: Sequence[Token], probs: np.ndarray, threshold: float) -> tuple[int, int]:
    """The contiguous run of candidate tokens with the largest sum of (p - threshold), as
    token indices; (0, 0) when nothing scores above the threshold."""
    best, best_span = 0.0, (0, 0)
    run, run_start = 0.0, 0
    for k, p in enumerate(probs):
        gain = float(p) - threshold
        if run <= 0:
            run, run_start = gain, k
        else:
            run += gain
        if run > best:
            best, best_span = run, (run_start, k)
    if best <= 0:
        return 0, 0
    first, last = tokens[best_span[0]], tokens[best_span[1]]
    return first.i, last.i + 1


def attributions(doc: Doc, weights: Weights | None = None) -> list[Attribution]:
    """Every attribution the model finds in a parsed document: the first stage's candidates
    the second stage keeps, one per content, and the signed quotations."""
    w = weights or load_weights()
    ctx = DocContext(doc)
    found = candidates(doc, w, ctx)
    if found:
        triple_p = w.scores(TRIPLE, [hashed(f) for _, f in found])
        found = [
            (replace(a, score=float(p)), f)
            for (a, f), p in zip(found, triple_p, strict=True)
            if p >= w.thresholds[TRIPLE_QUOTED if any(ctx.in_quote[a.start : a.end]) else TRIPLE]
        ]
    return _one_per_content([a for a, _ in found] + sign_offs(doc, ctx) + transcript_turns(doc))


def candidates(
    doc: Doc, w: Weights, ctx: DocContext | None = None
) -> list[tuple[Attribution, list[str]]]:
    """The first stage: each token the cue classifier passes, with the content and source
    its classifiers read for it, and the features the second stage judges the whole
    (cue, source, content) by. Training (bench/train_attribution.py) labels these."""
    ctx = ctx or DocContext(doc)
    cands = [t for sent in ctx.sents for t in cue_candidates(sent)]
    if not cands:
        return []
    cue_p = w.scores(CUE, [hashed(cue_features(t, ctx)) for t in cands])
    found: list[tuple[Attribution, list[str]]] = []
    for tok, p in zip(cands, cue_p, strict=True):
        if p < w.thresholds[CUE]:
            continue
        content = content_candidates(tok, ctx)
        if not content:
            continue
        content_p = w.scores(CONTENT, [hashed(content_features(tok, t, ctx)) for t in content])
        start, end = best_run(content, content_p, w.thresholds[CONTENT])
        if end <= start:
            continue
        start, end = _widen_to_quote(doc, ctx, start, end)
        if _in_agent(tok, start, end):
            continue
        noun_phrase = _noun_phrase_only(doc[start:end], ctx)
        if noun_phrase and tok.lemma_.lower() in ctx.weak_objects:
            continue  # "rejected *the report*": acted on, not said
        source, source_p = None, 0.0
        # a content that runs across its cue ("X," he said, "Y") still leaves the speaker
        # between its quotations
        around = start <= tok.i < end
        sources = [
            t
            for t in source_candidates(tok)
            if not start <= t.i < end or (around and not ctx.in_quote[t.i])
        ]
        if sources:
            probs = w.scores(SOURCE, [hashed(source_features(tok, t, ctx)) for t in sources])
            k = int(np.argmax(probs))
            source_p = float(probs[k])
            if source_p >= w.thresholds[SOURCE]:
                source = sources[k].i
        inside = [float(q) for t, q in zip(content, content_p, strict=True) if start <= t.i < end]
        a = Attribution(tok.i, source, start, end, float(p))
        feats = triple_features(
            a, ctx, float(p), sum(inside) / max(1, len(inside)), source_p, noun_phrase
        )
        found.append((a, feats))
    return found


def _decile(p: float) -> str:
    return str(min(9, int(p * 10)))


def triple_features(
    a: Attribution,
    ctx: DocContext,
    cue_p: float,
    content_p: float,
    source_p: float,
    noun_phrase: bool,
) -> list[str]:
    """Features of a whole attribution for the second stage: what the first stage was sure
    of, and what the parts look like together (a noun-phrase content after a verb the
    lexicon does not know, a content far from its cue, a cue with no source)."""
    doc = ctx.doc
    cue = doc[a.cue]
    lemma = cue.lemma_.lower()
    lex = "R" if lemma in ctx.reporting else "-"
    size = _bucket(a.end - a.start)
    quoted = "Q" if any(ctx.in_quote[a.start : a.end]) else "-"
    side = "L" if a.end <= a.cue else ("R" if a.start > a.cue else "I")
    gap = _bucket(max(a.start - a.cue, a.cue - a.end, 0))
    first = doc[a.start]
    head = min(
        (t for t in doc[a.start : a.end] if not a.start <= t.head.i < a.end or t.head.i == t.i),
        key=lambda t: t.i,
        default=first,
    )
    edge = _first_edge(cue, head)
    crosses = "X" if ctx.sent_of[a.start] != ctx.sent_of[a.cue] else "-"
    np_ = "NP" if noun_phrase else "CL"
    src = doc[a.source] if a.source is not None else None
    src_kind = "none" if src is None else (src.lower_ if src.pos_ == "PRON" else src.pos_)
    src_ent = "none" if src is None else (src.ent_type_ or "-")
    cq = "Q" if ctx.in_quote[a.cue] else "-"
    return [
        "bias",
        f"m={lemma}",
        f"lex={lex}",
        f"cp={_decile(cue_p)}",
        f"lcp={lex}|{_decile(cue_p)}",
        f"mcp={lemma}|{_decile(cue_p)}",
        f"tp={_decile(content_p)}",
        f"sp={_decile(source_p)}",
        f"cpos={cue.pos_}|{cue.dep_}",
        f"mpos={lemma}|{cue.pos_}",
        f"size={size}",
        f"np={np_}",
        f"npl={np_}|{lex}",
        f"npm={np_}|{lemma}",
        f"npcp={np_}|{_decile(cue_p)}",
        f"q={quoted}|{cq}",
        f"qnp={quoted}|{np_}",
        f"side={side}|{gap}",
        f"ms={lemma}|{side}",
        f"x={crosses}|{quoted}",
        f"edge={edge}",
        f"medge={lemma}|{edge}",
        f"hp={head.pos_}|{head.dep_}",
        f"first={first.lower_ if first.is_stop else first.pos_}",
        f"src={src_kind}",
        f"srce={src_ent}",
        f"msrc={lemma}|{'-' if src is None else 'S'}",
        f"srcnp={src_kind}|{np_}",
    ]


# A dash that signs a quotation or an embedded post with its author's name.
_DASHES = frozenset({"\u2015", "\u2014", "\u2013", "-", "--"})
_CLOSING = frozenset({"\u201d", '"'})
_NAME_PARTICLES = frozenset({"de", "del", "la", "van", "von", "bin", "al", "da", "dos", "."})
_MAX_NAME = 6
_MAX_LABEL = 3  # words of a transcript's speaker label ("MR. TRUMP")


def sign_offs(doc: Doc, ctx: DocContext) -> list[Attribution]:
    """Quotations and posts signed with a dash and a name: `"…" ― Jane Doe`, a quotation
    paragraph followed by a line `- Bernie Sanders.`, and an embedded post's
    `— Ben Jacobs (@Bencjacobs) September 1, 2016`.

    A layout convention, not a sentence: the parser makes the dash a verb or a root and the
    classifiers see too few of them in training (11 in PolNeAR's train split) to learn it,
    so it is read structurally. The name must look like one (capitalised words, at most
    six), and an unquoted paragraph is taken only when the name carries a @handle, as an
    embedded post's does; a dash that opens a list item or an aside gives nothing."""
    found: list[Attribution] = []
    for dash in doc:
        glued = dash.text[:1] in _CLOSING and dash.text[1:] in _DASHES  # `”―`, one token
        if dash.text not in _DASHES and not glued:
            continue
        name = _signature(doc, dash.i + 1)
        if name is None:
            continue
        last_name, handle = name
        close = dash.i if glued else _previous_word(doc, dash.i)
        if close is None:
            continue
        if glued or doc[close].text in _CLOSING:
            span = _quotation_before(doc, ctx, close)
            if span is not None:
                found.append(Attribution(dash.i, last_name, span[0], span[1], 1.0, True))
        elif handle and _starts_line(doc, dash.i):
            start = _line_start(doc, close)
            words = [t for t in doc[start : close + 1] if not (t.is_punct or t.is_space)]
            if len(words) >= 3:
                found.append(Attribution(dash.i, last_name, start, close + 1, 1.0, True))
    return found


def transcript_turns(doc: Doc) -> list[Attribution]:
    """The turns of a transcript: a line that opens with a speaker's name in capitals and a
    colon (`WALLACE: Let's start…`, `MR. TRUMP: …`) attributes the rest of its line to that
    name. Another layout convention the parse does not carry (the colon's head is anywhere
    in the line); a one-letter label (`Q:`) names no one and gives nothing."""
    found: list[Attribution] = []
    for tok in doc:
        if not _starts_line(doc, tok.i):
            continue
        i = tok.i
        while i < len(doc) and doc[i].text in _QUOTE_CHARS:
            i += 1
        label: list[Token] = []
        while i < len(doc) and len(label) < _MAX_LABEL and _capitals(doc[i].text):
            label.append(doc[i])
            i += 1
            if i < len(doc) and doc[i].text == "." and not doc[i - 1].whitespace_:
                i += 1  # "MR" "." "TRUMP"
        if not label or i >= len(doc) or doc[i].text != ":":
            continue
        if not any(sum(ch.isalpha() for ch in t.text) >= 2 for t in label):
            continue
        start = end = i + 1
        while end < len(doc) and not _starts_line(doc, end):
            end += 1
        while end > start and (doc[end - 1].is_space or doc[end - 1].text in _QUOTE_CHARS):
            end -= 1
        words = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
        if len(words) >= 3:
            found.append(Attribution(i, label[-1].i, start, end, 1.0, True))
    return found


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters) and text.strip(".").isalpha()


def _previous_word(doc: Doc, i: int) -> int | None:
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i if i >= 0 else None


def _line_start(doc: Doc, i: int) -> int:
    while i > 0 and not _starts_line(doc, i):
        i -= 1
    return i


def _quotation_before(doc: Doc, ctx: DocContext, close: int) -> tuple[int, int] | None:
    """The quotation that token `close` ends (its words, without the marks): the whole
    paragraph when the paragraph opens with a quotation mark (reader quotes often open
    with a wrong-way mark or hold a quotation of their own, which pairing marks misreads),
    else the quotation the marks delimit."""
    start = _line_start(doc, close)
    if doc[start].text[:1] in _QUOTE_CHARS and start < close:
        return start + 1, close
    if close == 0 or not ctx.in_quote[close - 1]:
        return None
    return _widen_to_quote(doc, ctx, close - 1, close)


def _starts_line(doc: Doc, i: int) -> bool:
    """Whether token i is the first of its line (a line break before it, or the text's start)."""
    if i == 0:
        return True
    prev = doc[i - 1]
    return "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)


def _signature(doc: Doc, i: int) -> tuple[int, bool] | None:
    """The name after a dash, up to the line's end, a bracket or a comma: (its last token,
    whether a @handle follows), or None when the words there are not a name."""
    while i < len(doc) and doc[i].is_space and "\n" not in doc[i].text:
        i += 1
    words: list[Token] = []
    handle = False
    while i < len(doc):
        tok = doc[i]
        if tok.is_space or tok.text in ("(", ",", ":") or (tok.text == "." and words):
            handle = tok.text == "(" and i + 1 < len(doc) and doc[i + 1].text.startswith("@")
            break
        if not (tok.text[:1].isupper() or tok.lower_ in _NAME_PARTICLES):
            return None
        words.append(tok)
        if "\n" in tok.whitespace_:
            break
        i += 1
    if not words or len(words) > _MAX_NAME or not words[0].text[:1].isupper():
        return None
    return words[-1].i, handle


# Verbs of feeling, whose "by" phrase is what was said or done to the one who feels
# ("outraged by the remarks"): PolNeAR's annotators make it the content.
_FEELING = frozenset(
    "alarm amaze anger annoy bother concern delight disappoint dismay disturb encourage "
    "frighten frustrate impress offend outrage please shock startle stun surprise thrill "
    "trouble unsettle upset worry".split()
)


def _in_agent(cue: Token, start: int, end: int) -> bool:
    """A content inside the cue's passive agent ("promoted by *the nominee*", "called out by
    *fellow doctors*"): the agent is who acted or spoke, never what was said. In PolNeAR's
    train split a content follows "by" 6 times, each after a verb of feeling, and a
    source 156 times."""
    if cue.lemma_.lower() in _FEELING:
        return False
    return any(
        c.dep_ == "agent" and c.i <= start and end - 1 <= c.right_edge.i for c in cue.children
    )


def _noun_phrase_only(content: Span, ctx: DocContext) -> bool:
    """A content with no verb and nothing quoted: a reaction to a thing, not a statement."""
    return not any(t.pos_ in ("VERB", "AUX") or ctx.in_quote[t.i] for t in content) and not any(
        t.text in _QUOTE_CHARS for t in content
    )


def _one_per_content(found: list[Attribution]) -> list[Attribution]:
    """The most likely of attributions whose contents overlap by half of the shorter one.

    Two cue words of one attribution ("made … disrespect", "sharply criticized") give the
    same content twice; PolNeAR's annotators never let two attributions share most of a
    content (3 pairs in 6,562 on train), so the overlap is the model's, not the text's."""
    kept: list[Attribution] = []
    for a in sorted(found, key=lambda a: -a.score):
        if all(_overlap(a, b) < 0.5 for b in kept):
            kept.append(a)
    return sorted(kept, key=lambda a: a.start)


def _overlap(a: Attribution, b: Attribution) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / max(1, min(a.end - a.start, b.end - b.start))


def _widen_to_quote(doc: Doc, ctx: DocContext, start: int, end: int) -> tuple[int, int]:
    """Content that starts or ends inside a quotation takes the whole quotation, also where
    it runs past the sentence ("…," he said. "…")."""
    q = ctx.in_quote[start] or ctx.in_quote[end - 1]
    if not q:
        return start, end
    lo, hi = start, end
    while lo > 0 and ctx.in_quote[lo - 1] == q:
        lo -= 1
    while hi < len(doc) and ctx.in_quote[hi] == q:
        hi += 1
    return lo, hi
