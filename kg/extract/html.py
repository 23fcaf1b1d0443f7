"""An article from a saved web page: its main text and what the page says about it.

The text is trafilatura's main-content extraction, so navigation, footers, cookie banners
and comment threads stay out. The report's character offsets then index this extracted
text, not the HTML: a caller that stores the article must store this text with it.

Metadata is read in order of trust: the page's JSON-LD (`NewsArticle`/`Article` and its
kin, also inside `@graph`), then OpenGraph and `<meta>` tags (`og:title`, `og:site_name`,
`article:published_time`, `author`, `<link rel="canonical">`), then what trafilatura
infers. Nothing is ever fetched: the page is the string given.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from kg.errors import InputError
from kg.extract.report import ArticleMeta

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
        "scholarlyarticle",
        "webpage",
    }
)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# Fewer characters than this is a stub, an error page or a paywall teaser, not an article.
MIN_TEXT_CHARS = 80


class _HeadReader(HTMLParser):
    """Collects <meta>, <link rel=canonical>, <title> and JSON-LD scripts, nothing else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title: str | None = None
        self.json_ld: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href") or None
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._in, self._buf = "ld", []
        elif tag == "title" and self.title is None:
            self._in, self._buf = "title", []

    def handle_endtag(self, tag: str) -> None:
        if self._in == "ld" and tag == "script":
            self.json_ld.append("".join(self._buf))
            self._in = None
        elif self._in == "title" and tag == "title":
            self.title = " ".join("".join(self._buf).split()) or None
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)


def read_html(html: str, url: str | None = None) -> tuple[str, ArticleMeta]:
    """The article's main text and its metadata, from a page's HTML.

    Raises InputError when the page holds no article text (an index page, a login wall,
    a page that needs JavaScript to show anything).
    """
    text = _main_text(html, url)
    if len(text) < MIN_TEXT_CHARS:
        where = f" at {url}" if url else ""
        raise InputError(
            f"the page{where} has no article text that can be extracted "
            f"({len(text)} characters found): save the article page itself, "
            "or give its text as a .txt file"
        )
    head = _HeadReader()
    head.feed(html)
    head.close()
    meta = _merge(url, _from_json_ld(head.json_ld), _from_tags(head), _from_trafilatura(html, url))
    return text, meta


def _main_text(html: str, url: str | None) -> str:
    try:
        import trafilatura  # heavy; only HTML input needs it
    except ImportError:
        # trafilatura 2.x needs lxml_html_clean; without it, a plainer reader still works.
        return _plain_text(html)
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        output_format="txt",
        deduplicate=False,
    )
    return (text or "").strip()


_SKIP_TAGS = frozenset(
    {"nav", "header", "footer", "aside", "script", "style", "form", "noscript", "button", "svg"}
)
_BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "blockquote"})
_SKIP_MARKS = re.compile(
    r"cookie|consent|banner|newsletter|subscribe|share|social|related|comment|promo|advert|"
    r"footer|nav|menu|breadcrumb",
    re.IGNORECASE,
)
_VOID_TAGS = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})


class _TextReader(HTMLParser):
    """Paragraph text outside page furniture, preferring <article> (or <main>) if present."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.blocks: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self._buf: list[str] | None = None

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        skip = tag in _SKIP_TAGS or bool(marks and _SKIP_MARKS.search(marks))
        self.stack.append((tag, skip))
        if tag in _BLOCK_TAGS and not self._skipping():
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or not any(t == tag for t, _ in self.stack):
            return
        if tag in _BLOCK_TAGS and self._buf is not None:
            text = " ".join("".join(self._buf).split())
            if text:
                inside = {t for t, _ in self.stack}
                for key in ("article", "main", "body"):
                    if key in inside or key == "body":
                        self.blocks[key].append(text)
            self._buf = None
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._buf is not None and not self._skipping():
            self._buf.append(data)


def _plain_text(html: str) -> str:
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    for key in ("article", "main", "body"):
        if reader.blocks[key]:
            return "\n".join(reader.blocks[key])
    return ""


def _merge(url: str | None, *sources: dict[str, str | None]) -> ArticleMeta:
    found: dict[str, Any] = {}
    for key in ("title", "publisher", "published", "url", "author"):
        for source in sources:
            value = source.get(key)
            if value:
                found[key] = value
                break
    if url and "url" not in found:
        found["url"] = url
    if "published" in found:
        m = _DATE.search(str(found["published"]))
        found["published"] = m.group(1) if m else None
    try:
        return ArticleMeta.model_validate(found)
    except ValueError:
        found.pop("published", None)  # an impossible date ("2025-02-30") is no date
        return ArticleMeta.model_validate(found)


def _name(value: Any) -> str | None:
    """A name from JSON-LD, where it may be a string, an object or a list of either."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    return None


def _objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [o for item in data for o in _objects(item)]
    if not isinstance(data, dict):
        return []
    out = [data]
    if "@graph" in data:
        out.extend(_objects(data["@graph"]))
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type", [])
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def _from_json_ld(scripts: list[str]) -> dict[str, str | None]:
    objects: list[dict[str, Any]] = []
    for raw in scripts:
        try:
            objects.extend(_objects(json.loads(raw)))
        except ValueError:
            continue  # a broken block on an otherwise good page
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    # A NewsArticle beats the WebPage that wraps it.
    articles.sort(key=lambda o: "webpage" in _types(o))
    if not articles:
        return {}
    a = articles[0]
    publisher = _name(a.get("publisher"))
    if publisher is None:
        orgs = [o for o in objects if _types(o) & {"organization", "newsmediaorganization"}]
        publisher = _name(orgs[0]) if orgs else None
    url = a.get("url") or (a.get("mainEntityOfPage") or {})
    return {
        "title": _name(a.get("headline")) or _name(a.get("name")),
        "publisher": publisher,
        "published": _name(a.get("datePublished")) or _name(a.get("dateCreated")),
        "url": url if isinstance(url, str) else _name((url or {}).get("@id")),
        "author": _name(a.get("author")),
    }


def _from_tags(head: _HeadReader) -> dict[str, str | None]:
    m = head.meta
    return {
        "title": m.get("og:title") or m.get("twitter:title") or head.title,
        "publisher": m.get("og:site_name") or m.get("application-name"),
        "published": m.get("article:published_time")
        or m.get("datepublished")
        or m.get("pubdate")
        or m.get("date")
        or m.get("dc.date"),
        "url": head.canonical or m.get("og:url"),
        "author": m.get("author") or m.get("article:author") or m.get("dc.creator"),
    }


def _from_trafilatura(html: str, url: str | None) -> dict[str, str | None]:
    try:
        import trafilatura

        doc = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # metadata is a fallback; a parser hiccup must not lose the text
        return {}
    return {
        "title": doc.title,
        "publisher": doc.sitename,
        "published": doc.date,
        "url": doc.url,
        "author": doc.author,
    }
