"""Train the attribution model (kg/extract/attributor.py) on PolNeAR's train split.

    make train-attribution          # = python -m bench.train_attribution

Reads ../shared/polnear/train (and dev, only to print its score at the end: nothing is
tuned on dev), parses it with the project's spaCy pipeline (cached under
~/.cache/claimgraph), fits three logistic regressions on hashed parse features, picks the
decision thresholds on every tenth article of train (held out from fitting), then
refits on all of train and writes kg/extract/data/attributor.npz. Seeded and
deterministic: liblinear's coordinate descent with a fixed random_state. Prints the
training time and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.polnear_corpus import QUOTES, Attribution, overlap, parsed  # noqa: E402
from kg.extract import attributor  # noqa: E402
from kg.extract.attributor import (  # noqa: E402
    CONTENT,
    CUE,
    DIMENSIONS,
    FIRST_STAGE,
    MODEL_FILE,
    SOURCE,
    TRIPLE,
    TRIPLE_QUOTED,
    DocContext,
    Weights,
    candidates,
    content_candidates,
    content_features,
    cue_candidates,
    cue_features,
    hashed,
    source_candidates,
    source_features,
)
from kg.extract.pipeline import build_extraction  # noqa: E402

SEED = 13
_load = attributor.load_weights
C = {CUE: 0.3, SOURCE: 0.5, CONTENT: 0.3, TRIPLE: 0.3}
FOLDS = 4
# The first stage's thresholds while cross-fitting: low on the cue, so the second stage sees
# every candidate the chosen thresholds can let through.
CANDIDATES = {CUE: 0.2, SOURCE: 0.15, CONTENT: 0.6, TRIPLE: 0.0, TRIPLE_QUOTED: 0.0}


def _tokens(doc: Doc, pieces: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in pieces:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if not t.is_space)
    return out


def _head(doc: Doc, toks: set[int]) -> int | None:
    """The token of a span whose syntactic head is outside it; a verb first."""
    if not toks:
        return None
    roots = [i for i in toks if doc[i].head.i not in toks or doc[i].head.i == i]
    verbs = [i for i in roots if doc[i].pos_ in ("VERB", "AUX")]
    return min(verbs or roots or toks)


Rows = tuple[csr_matrix, np.ndarray]
Doc3 = tuple[str, Doc, list[Attribution]]


def examples(doc: Doc, gold: list[Attribution]) -> dict[str, Rows]:
    """Hashed feature rows and labels of one article for the first stage's three
    classifiers (gold cues for the source and content classifiers)."""
    out: dict[str, tuple[list[list[int]], list[int]]] = {k: ([], []) for k in FIRST_STAGE}
    ctx = DocContext(doc)
    cues: dict[int, tuple[set[int], int | None]] = {}
    for a in gold:
        if not a.content or not a.cue:
            continue
        head = _head(doc, _tokens(doc, a.cue))
        if head is None:
            continue
        cues[head] = (_tokens(doc, a.content), _head(doc, _tokens(doc, a.source)))
    for sent in ctx.sents:
        for tok in cue_candidates(sent):
            out[CUE][0].append(hashed(cue_features(tok, ctx)))
            out[CUE][1].append(int(tok.i in cues))
    for head, (content, source) in cues.items():
        cue = doc[head]
        for t in content_candidates(cue, ctx):
            out[CONTENT][0].append(hashed(content_features(cue, t, ctx)))
            out[CONTENT][1].append(int(t.i in content))
        if source is None:
            continue
        for t in source_candidates(cue):
            if t.i in content:
                continue
            out[SOURCE][0].append(hashed(source_features(cue, t, ctx)))
            out[SOURCE][1].append(int(t.i == source))
    return {
        k: (_matrix(rows), np.array(labels, dtype=np.int8)) for k, (rows, labels) in out.items()
    }


def _matrix(rows: list[list[int]]) -> csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), DIMENSIONS))


def _stack(parts: list[Rows]) -> Rows:
    return vstack([m for m, _ in parts], format="csr"), np.concatenate([y for _, y in parts])


def _fit_one(kind: str, data: Rows) -> tuple[np.ndarray, float]:
    matrix, labels = data
    model = LogisticRegression(C=C[kind], solver="liblinear", random_state=SEED, max_iter=200)
    model.fit(matrix, labels)
    print(f"  {kind}: {len(labels):,} rows, {int(labels.sum()):,} positive", flush=True)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit_first(rows: list[dict[str, Rows]], thresholds: dict[str, float]) -> Weights:
    """The first stage fitted on these articles' rows (the second stage left empty)."""
    vectors, biases = {}, {}
    for kind in FIRST_STAGE:
        vectors[kind], biases[kind] = _fit_one(kind, _stack([r[kind] for r in rows]))
    vectors[TRIPLE], biases[TRIPLE] = np.zeros(DIMENSIONS, dtype=np.float32), 0.0
    return Weights(vectors, biases, dict(thresholds))


def triple_rows(docs: list[Doc3], weights: Weights) -> list[Rows]:
    """The second stage's rows: each first-stage candidate of each article, labelled by
    whether its content is a gold content (overlap of half the shorter, as the metric) and
    its cue is not inside one: a report nested in another's content ("''…But most people
    *wish* they could…''" inside a quotation) is part of that content to the annotators
    (0.6% of train's attributions are nested), and as a claim of its own a second one."""
    out = []
    for _, doc, gold in docs:
        contents = [g.content for g in gold if g.content]
        rows, labels = [], []
        for a, feats in candidates(doc, weights):
            last = doc[a.end - 1]
            span = [(doc[a.start].idx, last.idx + len(last))]
            cue = doc[a.cue].idx
            nested = any(s <= cue < e for pieces in contents for s, e in pieces)
            rows.append(hashed(feats))
            labels.append(int(not nested and any(overlap(span, c) >= 0.5 for c in contents)))
        out.append((_matrix(rows), np.array(labels, dtype=np.int8)))
    return out


def cross_fitted(docs: list[Doc3], rows: list[dict[str, Rows]]) -> list[Rows]:
    """Second-stage rows for every article from a first stage that never saw it: FOLDS
    fits, each on the other folds, so the second stage learns the first stage's mistakes
    as they happen on new text."""
    out: list[Rows | None] = [None] * len(docs)
    for k in range(FOLDS):
        print(f"cross-fitting fold {k + 1}/{FOLDS}", flush=True)
        rest = [r for i, r in enumerate(rows) if i % FOLDS != k]
        first = fit_first(rest, CANDIDATES)
        part = [i for i in range(len(docs)) if i % FOLDS == k]
        for i, r in zip(part, triple_rows([docs[i] for i in part], first), strict=True):
            out[i] = r
    return [r for r in out if r is not None]


def with_triple(first: Weights, triple: Rows, thresholds: dict[str, float]) -> Weights:
    vectors, biases = dict(first.vectors), dict(first.biases)
    vectors[TRIPLE], biases[TRIPLE] = _fit_one(TRIPLE, triple)
    return Weights(vectors, biases, dict(thresholds))


# ---------------------------------------------------------------------------------------
# The PolNeAR metric (../shared/eval/polnear.py) on the whole pipeline's reports, in memory:
# thresholds are chosen for what users get (speakers resolved to entities, the rules'
# readings merged), not for the classifiers alone.


def score(docs: list[tuple[str, Doc, list[Attribution]]], weights: Weights) -> dict[str, float]:
    """End-to-end F1 of the pipeline with these weights, for all attributions and for direct
    quotes, as ../shared/eval/polnear.py counts them."""
    attributor.load_weights = lambda path=None: weights  # type: ignore[assignment]
    try:
        reports = [(build_extraction(doc), gold) for _, doc, gold in docs]
    finally:
        attributor.load_weights = _load
    out = {}
    for kind in ("all", "direct"):
        tps = pred = gold_n = 0
        for report, gold in reports:
            gold = [g for g in gold if g.content]
            other: list[Attribution] = []
            if kind == "direct":
                other = [g for g in gold if not any(q in g.content_text for q in QUOTES)]
                gold = [g for g in gold if any(q in g.content_text for q in QUOTES)]
            ents = {e.id: e for e in report.entities}
            used: set[int] = set()
            for c in report.claims:
                e = ents[c.claimant]
                if e.type == "Publisher":
                    continue
                span = [(c.start, c.end)]
                if any(overlap(span, o.content) >= 0.5 for o in other) and not any(
                    overlap(span, g.content) >= 0.5 for g in gold
                ):
                    continue
                pred += 1
                best, at = 0.0, None
                for i, g in enumerate(gold):
                    if i not in used and (o := overlap(span, g.content)) > best:
                        best, at = o, i
                if at is None or best < 0.5:
                    continue
                used.add(at)
                mentions = [(m.start, m.end) for m in e.mentions]
                if gold[at].source and overlap(mentions, gold[at].source) > 0:
                    tps += 1
            gold_n += len(gold)
        p, r = tps / max(1, pred), tps / max(1, gold_n)
        out[kind] = 2 * p * r / max(1e-9, p + r)
    return out


# Issue 12's bars for PolNeAR end-to-end F1. The second stage's thresholds trade one kind
# for the other (every unquoted false alarm also counts against direct quotes' precision),
# so they are chosen for the nearest approach to both: the largest of the smaller ratio.
TARGETS = {"all": 0.72, "direct": 0.88}


def _progress(f1: dict[str, float]) -> float:
    return min(f1[k] / target for k, target in TARGETS.items())


def _grid() -> Iterator[dict[str, float]]:
    # steps of 0.05 where the two bars pull apart: a step of 0.1 (0.6 to 0.7) moved direct
    # and all by more than either bar's margin
    for quoted in (0.5, 0.6, 0.7, 0.8):
        for triple in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            yield {CUE: 0.2, TRIPLE: triple, TRIPLE_QUOTED: quoted, CONTENT: 0.6, SOURCE: 0.15}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--workers", type=int, default=2, help="parsing processes")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    train = parsed("train", n_process=args.workers)
    print(f"parsed train: {len(train)} articles ({time.perf_counter() - started:.0f} s)")
    rows = [examples(doc, gold) for _, doc, gold in train]
    print(f"features: {time.perf_counter() - started:.0f} s", flush=True)
    triples = cross_fitted(train, rows)
    # every tenth article is held out, so that every publisher is in both parts
    held = train[::10]
    fit_part = [k for k in range(len(train)) if k % 10]
    first = fit_first([rows[k] for k in fit_part], CANDIDATES)
    weights = with_triple(first, _stack([triples[k] for k in fit_part]), CANDIDATES)
    best, best_t = -1.0, {}
    for t in _grid():
        f1 = score(held, Weights(weights.vectors, weights.biases, t))
        shown = {k: v for k, v in t.items() if k in (TRIPLE, TRIPLE_QUOTED)}
        print(f"  held-out train {shown}: F1 all {f1['all']:.3f}, direct {f1['direct']:.3f}")
        if (progress := _progress(f1)) > best:
            best, best_t = progress, t
    print(f"thresholds from held-out train: {best_t}", flush=True)
    weights = with_triple(fit_first(rows, best_t), _stack(triples), best_t)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    meta = {"trained_on": "PolNeAR train", "seed": str(SEED), "thresholds": json.dumps(best_t)}
    weights.save(args.out, meta)
    dev = parsed("dev", n_process=args.workers)
    print(f"dev (the pipeline, end-to-end F1): {score(dev, weights)}")
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB) in {elapsed / 60:.1f} min, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
