"""Train the attribution model (kg/extract/attributor.py) on PolNeAR's train split.

    make train-attribution          # = python -m bench.train_attribution

Reads ../shared/polnear/train (and dev, only to print its score at the end: nothing is
tuned on dev), parses it with the project's spaCy pipeline (cached under
~/.cache/claimgraph), fits three logistic regressions on hashed parse features, picks the
decision thresholds on the last tenth of train's articles (held out from fitting), then
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
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.polnear_corpus import Attribution, parsed  # noqa: E402
from kg.extract.attributor import (  # noqa: E402
    CONTENT,
    CUE,
    DIMENSIONS,
    KINDS,
    MODEL_FILE,
    SOURCE,
    DocContext,
    Weights,
    attributions,
    content_candidates,
    content_features,
    cue_candidates,
    cue_features,
    hashed,
    source_candidates,
    source_features,
)

SEED = 13
C = {CUE: 0.3, SOURCE: 0.5, CONTENT: 0.3}


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


Rows = tuple[list[list[int]], list[int]]


def examples(docs: list[tuple[str, Doc, list[Attribution]]]) -> dict[str, Rows]:
    """Hashed feature rows and labels for the three classifiers (gold cues for the others)."""
    out: dict[str, Rows] = {k: ([], []) for k in KINDS}
    for _, doc, gold in docs:
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
            for t in content_candidates(cue):
                out[CONTENT][0].append(hashed(content_features(cue, t, ctx)))
                out[CONTENT][1].append(int(t.i in content))
            if source is None:
                continue
            for t in source_candidates(cue):
                if t.i in content:
                    continue
                out[SOURCE][0].append(hashed(source_features(cue, t, ctx)))
                out[SOURCE][1].append(int(t.i == source))
    return out


def _matrix(rows: list[list[int]]) -> csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), DIMENSIONS))


def fit(data: dict[str, Rows], thresholds: dict[str, float]) -> Weights:
    vectors, biases = {}, {}
    for kind in KINDS:
        rows, labels = data[kind]
        model = LogisticRegression(C=C[kind], solver="liblinear", random_state=SEED, max_iter=200)
        model.fit(_matrix(rows), np.array(labels))
        vectors[kind] = model.coef_[0].astype(np.float32)
        biases[kind] = float(model.intercept_[0])
        print(f"  {kind}: {len(labels):,} rows, {sum(labels):,} positive", flush=True)
    return Weights(vectors, biases, dict(thresholds))


# ---------------------------------------------------------------------------------------
# The PolNeAR metric (../shared/eval/polnear.py, "all" attributions), in memory.


def _overlap(a: tuple[int, int], b: list[tuple[int, int]]) -> float:
    inter = sum(max(0, min(a[1], y) - max(a[0], x)) for x, y in b)
    return inter / max(1, min(a[1] - a[0], sum(y - x for x, y in b)))


def score(docs: list[tuple[str, Doc, list[Attribution]]], weights: Weights) -> dict[str, float]:
    tp = tps = pred = gold_n = 0
    for _, doc, gold in docs:
        gold = [g for g in gold if g.content]
        gold_n += len(gold)
        used: set[int] = set()
        for a in attributions(doc, weights):
            if a.source is None:
                continue
            pred += 1
            span = (doc[a.start].idx, doc[a.end - 1].idx + len(doc[a.end - 1]))
            best, at = 0.0, None
            for i, g in enumerate(gold):
                if i not in used and (o := _overlap(span, g.content)) > best:
                    best, at = o, i
            if at is None or best < 0.5:
                continue
            used.add(at)
            tp += 1
            src = doc[a.source]
            src_span = (src.left_edge.idx, src.idx + len(src))
            if gold[at].source and _overlap(src_span, gold[at].source) > 0:
                tps += 1
    p, r = tps / max(1, pred), tps / max(1, gold_n)
    pc, rc = tp / max(1, pred), tp / max(1, gold_n)
    return {
        "content_F1": 2 * pc * rc / max(1e-9, pc + rc),
        "end2end_P": p,
        "end2end_R": r,
        "end2end_F1": 2 * p * r / max(1e-9, p + r),
    }


def _grid() -> Iterator[dict[str, float]]:
    for cue in (0.3, 0.35, 0.4, 0.45, 0.5):
        for content in (0.35, 0.45, 0.5):
            for source in (0.05, 0.15):
                yield {CUE: cue, CONTENT: content, SOURCE: source}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--workers", type=int, default=2, help="parsing processes")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    train = parsed("train", n_process=args.workers)
    print(f"parsed train: {len(train)} articles ({time.perf_counter() - started:.0f} s)")
    cut = len(train) * 9 // 10
    fit_part, held = train[:cut], train[cut:]
    weights = fit(examples(fit_part), {CUE: 0.5, CONTENT: 0.5, SOURCE: 0.1})
    best, best_t = -1.0, {}
    for t in _grid():
        f1 = score(held, Weights(weights.vectors, weights.biases, t))["end2end_F1"]
        if f1 > best:
            best, best_t = f1, t
    print(f"thresholds from held-out train: {best_t} (end-to-end F1 {best:.3f})", flush=True)
    weights = fit(examples(train), best_t)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    meta = {"trained_on": "PolNeAR train", "seed": str(SEED), "thresholds": json.dumps(best_t)}
    weights.save(args.out, meta)
    dev = parsed("dev", n_process=args.workers)
    print(f"dev (in memory, all attributions): {score(dev, weights)}")
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB) in {elapsed / 60:.1f} min, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
