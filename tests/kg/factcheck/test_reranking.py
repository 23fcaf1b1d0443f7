"""The learned re-ranker (kg.factcheck.reranking): linear and tree models, the shipped one."""

from __future__ import annotations

import numpy as np
import pytest

from kg.factcheck.reranking import FEATURE_NAMES, Reranker, default_model_path
from tests.kg.factcheck.conftest import linear_reranker


def test_reranker_linear_and_trees_order_rows() -> None:
    x = np.zeros((3, len(FEATURE_NAMES)))
    j = FEATURE_NAMES.index("cos_claim")
    x[:, j] = [0.2, 0.9, 0.5]
    assert list(np.argsort(-linear_reranker({"cos_claim": 1.0}).score(x))) == [1, 2, 0]
    # one stump: cos_claim <= 0.6 -> 0.0 else 1.0, plus a second tree on the same split
    stump = {
        "feature": [j, 0, 0],
        "threshold": [0.6, 0.0, 0.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "default_left": [True, True, True],
        "value": [0.0, 0.0, 1.0],
    }
    trees = Reranker({"kind": "trees", "features": list(FEATURE_NAMES), "trees": [stump, stump]})
    assert trees.score(x).tolist() == [0.0, 2.0, 0.0]
    with pytest.raises(ValueError):
        Reranker({"kind": "linear", "features": ["other"], "coef": []})


def test_shipped_model_matches_features() -> None:
    path = default_model_path()
    if not path.exists():
        pytest.skip("re-ranker not trained yet (bench/factcheck_train.py)")
    model = Reranker.load(path)
    assert model.score(np.zeros((2, len(FEATURE_NAMES)))).shape == (2,)
