"""Fixtures for the REST, linked-data and UI tests: one server that accepts writes.

The store is the example store with its conflict links computed (as `claimgraph ingest`
leaves it), copied so that the writes these tests make stay theirs. Loaded through
`pytest_plugins` by the modules that use it, so tests/api/conftest.py stays unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.conflicts import refresh_conflicts
from kg.store import ClaimStore
from tests.api.conftest import Server, copy_store, running_server

WRITE_TOKEN = "test-write-token"


@pytest.fixture(scope="session")
def rest_server(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    where = tmp_path_factory.mktemp("api-rest")
    store = copy_store(example_store, where)
    with ClaimStore(store) as s:
        refresh_conflicts(s)
    # Extraction-free requests only, but a write re-validates with SHACL: give it time.
    with running_server(
        store, where / "server.log", write_token=WRITE_TOKEN, query_timeout="20"
    ) as server:
        yield server


@pytest.fixture(scope="session")
def origin(rest_server: Server) -> str:
    return rest_server.url.removesuffix("/sparql")


@pytest.fixture(scope="session")
def web(rest_server: Server, origin: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=origin, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {WRITE_TOKEN}"}
