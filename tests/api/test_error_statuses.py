"""The API answers a ClaimgraphError with the status kg.errors.CODES gives its class."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from kg.errors import NoFactchecks, http_status
from kg.settings import Settings


def test_searching_fact_checks_before_any_is_imported_is_a_409(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store", query_workers=1)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.post("/factchecks/search", json={"text": "was the moon landing faked?"})
    assert r.status_code == http_status(NoFactchecks("")) == 409
    assert r.json() == {
        "detail": "no fact-checks in the store: run `claimgraph factcheck import` first"
    }
