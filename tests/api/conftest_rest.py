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

from tests.api.conftest import Server, api_over
from tests.servers import BACKENDS

WRITE_TOKEN = "test-write-token"


@pytest.fixture(scope="session", params=BACKENDS)
def rest_server(
    request: pytest.FixtureRequest, example_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    where = tmp_path_factory.mktemp(f"api-rest-{request.param}")
    # Extraction-free requests only, but a write re-validates with SHACL: give it time.
    with api_over(
        request.param,
        example_store,
        where,
        conflicts=True,
        write_token=WRITE_TOKEN,
        query_timeout="20",
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
