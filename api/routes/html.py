"""Server-rendered HTML for people: one page frame and a few escaping helpers.

No template engine and no external CSS, script or font: every value passes `esc` (or
`link`, which escapes both the address and the text), so nothing a graph holds can inject
markup into a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #1b1b1b; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
header a { margin-right: 1rem; }
h1 { font-size: 1.5rem; margin: .3rem 0; } h2 { font-size: 1.15rem; margin-top: 1.8rem; }
.iri { color: #555; font-size: 85%; word-break: break-all; }
dl { display: grid; grid-template-columns: 10rem 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 93%; }
th, td { border: 1px solid #ddd; padding: .25rem .45rem; text-align: left; vertical-align: top; }
mark { background: #ffe58a; padding: 0 .1rem; }
.article { white-space: pre-wrap; border-left: 3px solid #3a6ea5; padding-left: 1rem; }
.formats a { margin-right: .6rem; font-size: 90%; }
a { color: #1d4f91; }
"""


SEARCH_BOX = (
    '<form action="/search" method="get" role="search" style="display:inline">'
    '<input type="search" name="q" maxlength="1000" placeholder=\'words, "a phrase", prefix*\' '
    'aria-label="Search claims, articles, entities and fact-checks"> <button>search</button>'
    "</form>"
)


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def link(href: str | None, text: object) -> str:
    """An anchor, or the bare escaped text when there is nowhere to go."""
    if not href:
        return esc(text)
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def page(title: str, body: Iterable[str], *, iri: str | None = None, alternates: str = "") -> str:
    """A complete HTML document; `alternates` are `<link rel=alternate>` lines (pre-escaped)."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} · claimgraph</title><style>{STYLE}</style>",
        alternates,
        "</head><body>",
        '<header><a href="/">query</a><a href="/articles">articles (JSON)</a>'
        '<a href="/ontology">ontology</a><a href="/.well-known/void">dataset</a>'
        '<a href="/factchecks/matches">fact-check matches</a><a href="/docs">API</a>'
        + SEARCH_BOX
        + "</header>",
        f"<h1>{esc(title)}</h1>",
    ]
    if iri:
        head.append(f'<div class="iri">{esc(iri)}</div>')
    return "\n".join([*head, *body, "</body></html>"]) + "\n"


def definitions(rows: Iterable[tuple[str, str]]) -> str:
    """A <dl> of (label, pre-escaped HTML) pairs, skipping empty values."""
    items = [f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows if v]
    return "<dl>" + "".join(items) + "</dl>" if items else ""


def table(headings: Iterable[str], rows: Iterable[Iterable[str]], empty: str = "none") -> str:
    """A table of pre-escaped cells, or an italic `empty` note when there are no rows."""
    body = ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
    if not body:
        return f"<p><em>{esc(empty)}</em></p>"
    heads = "".join(f"<th>{esc(h)}</th>" for h in headings)
    return f"<table><tr>{heads}</tr>" + "".join(body) + "</table>"


def highlighted(text: str, begin: int, end: int) -> str:
    """The article text with [begin, end) marked; offsets are NIF's, in code points."""
    if not 0 <= begin <= end <= len(text):
        return esc(text)
    return esc(text[:begin]) + "<mark>" + esc(text[begin:end]) + "</mark>" + esc(text[end:])
