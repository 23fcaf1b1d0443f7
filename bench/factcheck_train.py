"""Train the claim-matching re-ranker on the train tweets and write kg/factcheck/model/.

Only train queries are used: designs are compared by 5-fold cross-validation over queries (fixed
seed), and the chosen one is refit on all of train. Dev is scored separately, once per design,
by bench/factcheck_eval.py.

    python bench/factcheck_train.py --cache /tmp/fc-cache            # CV table + write model
    python bench/factcheck_train.py --cache /tmp/fc-cache --kind linear
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.factcheck.matching import Matcher, load_datafeed, load_queries  # noqa: E402
from kg.factcheck.reranking import (  # noqa: E402
    FEATURE_NAMES,
    CandidateSet,
    Reranker,
    default_model_path,
)

# The CheckThat! 2022 data beside the project (../shared/factcheck), which only bench/ reads.
DATA = Path(__file__).resolve().parents[2] / "shared" / "factcheck"
SEED = 13


def read_qrels(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            gold[parts[0]].add(parts[2])
    return gold


def map_at_5(
    scores: list[np.ndarray],
    cands: list[CandidateSet],
    labels: list[np.ndarray],
    n_gold: list[int],
) -> float:
    """MAP@5 as ../shared/eval/map_at_k.py computes it; a gold outside the candidates
    still counts in the denominator, so CV numbers compare with dev."""
    total = 0.0
    for s, c, y, g in zip(scores, cands, labels, n_gold, strict=True):
        order = np.lexsort((c.docs, -s))[:5]
        hits, ap = 0, 0.0
        for i, j in enumerate(order, start=1):
            if y[j] > 0:
                hits += 1
                ap += hits / i
        total += ap / min(max(g, 1), 5)
    return total / len(cands)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


def fit_linear(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> dict[str, Any]:
    """Pointwise logistic regression on standardised features: small, stable, JSON-friendly."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=SEED)
    clf.fit((x - mean) / scale, y)
    return {
        "kind": "linear",
        "features": list(FEATURE_NAMES),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": clf.coef_[0].tolist(),
        "intercept": float(clf.intercept_[0]),
    }


def _flatten_tree(node: dict[str, Any]) -> dict[str, list[Any]]:
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    default_left: list[bool] = []
    value: list[float] = []

    def visit(n: dict[str, Any]) -> int:
        i = len(feature)
        feature.append(0)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        default_left.append(True)
        value.append(0.0)
        if "leaf_value" in n:
            value[i] = float(n["leaf_value"])
            return i
        if n.get("decision_type", "<=") != "<=":
            raise ValueError("only numerical splits are supported")
        feature[i] = int(n["split_feature"])
        threshold[i] = float(n["threshold"])
        default_left[i] = bool(n.get("default_left", True))
        left[i] = visit(n["left_child"])
        right[i] = visit(n["right_child"])
        return i

    visit(node)
    return {
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "default_left": default_left,
        "value": value,
    }


def fit_trees(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, params: dict[str, Any]
) -> dict[str, Any]:
    """LightGBM lambdarank, exported as plain trees so serving needs only numpy."""
    import lightgbm as lgb

    _, sizes = np.unique(groups, return_counts=True)  # groups are contiguous and sorted
    booster = lgb.train(
        {
            "objective": "lambdarank",
            "metric": "map",
            "eval_at": [5],
            "lambdarank_truncation_level": 10,
            "verbose": -1,
            "seed": SEED,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 2,
            **{k: v for k, v in params.items() if k != "rounds"},
        },
        lgb.Dataset(x, y, group=sizes),
        num_boost_round=int(params["rounds"]),
    )
    dump = booster.dump_model()
    spec = {
        "kind": "trees",
        "features": list(FEATURE_NAMES),
        "trees": [_flatten_tree(t["tree_structure"]) for t in dump["tree_info"]],
    }
    ours = Reranker(spec).score(x[:2000])
    theirs = booster.predict(x[:2000])
    if not np.allclose(ours, theirs, atol=1e-6):
        raise AssertionError("exported trees disagree with LightGBM")
    return spec


def fit(kind: str, x: np.ndarray, y: np.ndarray, g: np.ndarray, hp: dict[str, Any]) -> Reranker:
    spec = fit_linear(x, y, g, hp["C"]) if kind == "linear" else fit_trees(x, y, g, hp)
    return Reranker(spec)


def cross_validate(
    kind: str,
    hp: dict[str, Any],
    cands: list[CandidateSet],
    labels: list[np.ndarray],
    n_gold: list[int],
    folds: int = 5,
) -> float:
    idx = list(range(len(cands)))
    random.Random(SEED).shuffle(idx)
    scores: list[np.ndarray] = [np.zeros(0)] * len(cands)
    for f in range(folds):
        test = set(idx[f::folds])
        train = [i for i in range(len(cands)) if i not in test]
        x = np.vstack([cands[i].features for i in train])
        y = np.concatenate([labels[i] for i in train])
        g = np.concatenate([np.full(len(labels[i]), n) for n, i in enumerate(train)])
        model = fit(kind, x, y, g, hp)
        for i in test:
            scores[i] = model.score(cands[i].features)
    return map_at_5(scores, cands, labels, n_gold)


GRID: dict[str, list[dict[str, Any]]] = {
    "linear": [{"C": c} for c in (0.01, 0.1, 1.0)],
    "trees": [
        {"rounds": r, "learning_rate": 0.05, "num_leaves": nl, "min_data_in_leaf": 20}
        for r in (200, 400)
        for nl in (7, 15)
    ],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pool", type=Path, default=DATA / "snopes-ct2022.datafeed.jsonld.gz")
    ap.add_argument("--queries", type=Path, default=DATA / "train.queries.tsv")
    ap.add_argument("--qrels", type=Path, default=DATA / "train.qrels")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/fc-cache"))
    ap.add_argument("--kind", choices=("linear", "trees"), default="trees")
    ap.add_argument("--out", type=Path, default=default_model_path())
    ap.add_argument("--candidates", type=int, default=30, help="top-k kept per retriever")
    ap.add_argument("--no-write", action="store_true", help="only print the CV table")
    args = ap.parse_args()

    t0 = time.perf_counter()
    reviews = load_datafeed(args.pool)
    matcher = Matcher.build(
        reviews, cache_dir=args.cache, model_path="", candidates_per_retriever=args.candidates
    )
    print(f"pool {len(reviews)} reviews indexed in {time.perf_counter() - t0:.1f}s")
    key_to_idx = {r.key: i for i, r in enumerate(reviews)}
    queries = load_queries(args.queries)
    gold = read_qrels(args.qrels)
    queries = [(q, t) for q, t in queries if q in gold]
    t0 = time.perf_counter()
    cands = matcher.candidates([t for _, t in queries])
    labels = []
    n_gold = [len(gold[qid]) for qid, _ in queries]
    for (qid, _), c in zip(queries, cands, strict=True):
        rel = {key_to_idx[d] for d in gold[qid] if d in key_to_idx}
        labels.append(np.array([1.0 if int(d) in rel else 0.0 for d in c.docs]))
    recall = sum(float(y.max(initial=0.0)) for y in labels) / len(labels)
    size = np.mean([len(c.docs) for c in cands])
    print(
        f"{len(queries)} train queries, features in {time.perf_counter() - t0:.1f}s; "
        f"candidate recall {recall:.4f}, mean candidates {size:.1f}"
    )
    rrf = [c.features[:, FEATURE_NAMES.index("rrf")] for c in cands]
    print(f"design rrf (no training)        CV MAP@5 {map_at_5(rrf, cands, labels, n_gold):.4f}")

    best: tuple[float, dict[str, Any]] | None = None
    for hp in GRID[args.kind]:
        score = cross_validate(args.kind, hp, cands, labels, n_gold)
        print(f"design {args.kind} {json.dumps(hp)}  CV MAP@5 {score:.4f}", flush=True)
        if best is None or score > best[0]:
            best = (score, hp)
    assert best is not None
    print(f"chosen {args.kind} {json.dumps(best[1])}  train-CV MAP@5 {best[0]:.4f}")
    if args.no_write:
        return 0
    x = np.vstack([c.features for c in cands])
    y = np.concatenate(labels)
    g = np.concatenate([np.full(len(y_), n) for n, y_ in enumerate(labels)])
    model = fit(args.kind, x, y, g, best[1])
    spec = dict(model.spec)
    spec["candidates_per_retriever"] = args.candidates
    spec["trained_on"] = {
        "queries": args.queries.name,
        "n_queries": len(queries),
        "hyperparameters": best[1],
        "cv_map_at_5": round(best[0], 4),
        "seed": SEED,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
