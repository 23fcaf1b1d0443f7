"""POST /articles when an extraction step fails: a 500 that names the step, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings


def test_a_failing_step_is_a_500_that_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.extract import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("injected fault")

    # The app extracts in a thread of this process, so the patched step is the one it runs.
    monkeypatch.setattr(pipeline, "find_quantities", broken)
    settings = Settings(store=tmp_path / "store", write_token="secret", query_workers=1)
    body = {
        "text": "Mayor Ann Lee said the city would hire 120 new teachers.",
        "url": "https://news.example/teachers",
    }
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.post("/articles", json=body, headers={"Authorization": "Bearer secret"})
        assert r.status_code == 500
        assert r.json()["detail"].startswith(
            "extraction step 'quantities' failed on https://news.example/teachers: "
            "ValueError: injected fault"
        )
        listed = client.get("/articles").json()
        assert listed["items"] == []
