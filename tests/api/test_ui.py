"""The query page end to end: a real server, headless Chromium driven by playwright-core.

Skipped, with the reason, when Debian's chromium or api/static/node_modules is missing
(`apt-get install -y chromium`; `bash api/static/install.sh`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

pytest_plugins = ["tests.api.conftest_rest"]

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "api" / "static" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = Path(__file__).with_name("ui_e2e.mjs")
# Typed key by key, as a person would (YASQE adds the PREFIX lines for prov: and schema:).
QUERY = "SELECT DISTINCT ?name WHERE { ?c prov:wasAttributedTo ?who . ?who schema:name ?name }"


def test_examples_are_served(web: httpx.Client) -> None:
    examples = web.get("/examples/queries").json()
    assert [e["name"] for e in examples][:1] == ["1-who-said-what"]
    assert all("SELECT" in e["query"] for e in examples)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: apt-get install chromium")
@pytest.mark.skipif(
    not (NODE_MODULES / "playwright-core").is_dir()
    or not (NODE_MODULES / "@zazuko" / "yasgui").is_dir(),
    reason="api/static/node_modules is missing: run bash api/static/install.sh",
)
def test_query_page_runs_a_query(origin: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    env = {"NODE_MODULES": str(NODE_MODULES), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    done = subprocess.run(
        [node, str(SCRIPT), origin, QUERY],
        cwd=NODE_MODULES.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == [], result
    assert len(result["tabs"]) >= 4 and any("Who said what" in t for t in result["tabs"])
    assert "Gavin Newsom" in result["cells"]
