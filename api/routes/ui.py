"""The query page at `/`: YASGUI, served from our own origin, pointed at `/sparql`.

YASGUI comes from the npm registry at set-up (`api/static/install.sh`) into
`api/static/node_modules`, never from a CDN. Without it the app still starts, and `/` says
how to install it. The example queries of `examples/queries/*.rq` are served as JSON at
`/examples/queries`; the page opens each as a tab.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from api.routes import html as h

router = APIRouter(tags=["query page"])

STATIC = Path(__file__).resolve().parents[1] / "static"
YASGUI_BUILD = STATIC / "node_modules" / "@zazuko" / "yasgui" / "build"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "queries"


class ExampleQuery(BaseModel):
    name: str
    title: str
    query: str


def static_files() -> StaticFiles:
    """`/static`: the page's own script and the installed YASGUI build (may be absent)."""
    return StaticFiles(directory=STATIC, check_dir=False)


def yasgui_installed() -> bool:
    return (YASGUI_BUILD / "yasgui.min.js").is_file()


@router.get("/", response_class=HTMLResponse, summary="The SPARQL query page (YASGUI)")
async def query_page() -> HTMLResponse:
    if not yasgui_installed():
        return HTMLResponse(NOT_INSTALLED, status_code=200)
    page = await asyncio.to_thread((STATIC / "index.html").read_text, "utf-8")
    return HTMLResponse(page)


def read_examples(folder: Path = EXAMPLES) -> list[ExampleQuery]:
    """Each `.rq` file; its title is its first comment line."""
    out = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text("utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("#").strip() if first.startswith("#") else path.stem
        out.append(ExampleQuery(name=path.stem, title=title, query=text))
    return out


@router.get(
    "/examples/queries",
    response_model=list[ExampleQuery],
    summary="The example queries the query page offers as tabs",
)
async def example_queries() -> list[ExampleQuery]:
    return await asyncio.to_thread(read_examples)


NOT_INSTALLED = h.page(
    "Query page not installed",
    [
        "<p>The query page uses YASGUI, installed from the npm registry into "
        "<code>api/static/node_modules</code>. Install it with:</p>",
        "<pre>bash api/static/install.sh</pre>",
        '<p>Meanwhile the SPARQL endpoint answers at <a href="/sparql">/sparql</a> '
        '(SPARQL 1.1 Protocol), and the API is described at <a href="/docs">/docs</a>.</p>',
    ],
)
