"""Saved web pages: the article's text without the page furniture, and its metadata."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.errors import InputError
from kg.extract.html import read_html

BODY = """
<nav class="site-nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
<a href="/weather">Weather</a></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies to personalise content.
<button>Accept all cookies</button></div>
<main><article>
<h1>Glacier village reopens mountain pass</h1>
<p>The village of Sankt Ilgen reopened the Hohe Scharte pass on Tuesday after crews cleared
more than 40,000 tonnes of rock from the road, the regional transport office said.</p>
<p>Engineer Miriam Kohl said the slope had been stable for three weeks. "We will keep sensors
on the cliff through the summer," she told reporters at the pass.</p>
<p>Local hoteliers said bookings had fallen by half while the road was closed.</p>
</article></main>
<footer class="site-footer">Copyright 2024 Alpine Courier. All rights reserved.
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
"""


def page(head: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{BODY}</body></html>"


def test_text_keeps_the_article_and_drops_the_furniture() -> None:
    text, _ = read_html(page("<title>Pass reopens</title>"))
    assert "more than 40,000 tonnes of rock" in text
    assert "Miriam Kohl" in text
    for boilerplate in ("cookies", "All rights reserved", "Privacy policy", "Weather"):
        assert boilerplate not in text


def test_json_ld_in_a_graph() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Alpine Courier"},
            {
                "@type": "NewsArticle",
                "headline": "Glacier village reopens mountain pass",
                "datePublished": "2024-06-04T07:15:00+02:00",
                "author": [{"@type": "Person", "name": "Lena Hofer"}],
                "publisher": {"@type": "NewsMediaOrganization", "name": "Alpine Courier"},
                "url": "https://courier.example/pass-reopens",
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    _, meta = read_html(page(head))
    assert meta.title == "Glacier village reopens mountain pass"
    assert meta.published == dt.date(2024, 6, 4)
    assert meta.publisher == "Alpine Courier"
    assert meta.author == "Lena Hofer"
    assert meta.url == "https://courier.example/pass-reopens"


def test_opengraph_and_meta_tags() -> None:
    head = """
    <title>Pass reopens | Alpine Courier</title>
    <meta property="og:title" content="Glacier village reopens mountain pass">
    <meta property="og:site_name" content="Alpine Courier">
    <meta property="article:published_time" content="2024-06-04T07:15:00Z">
    <meta name="author" content="Lena Hofer">
    <link rel="canonical" href="https://courier.example/pass-reopens">
    """
    _, meta = read_html(page(head), url="https://mirror.example/copy")
    assert meta.title == "Glacier village reopens mountain pass"
    assert meta.publisher == "Alpine Courier"
    assert meta.published == dt.date(2024, 6, 4)
    assert meta.author == "Lena Hofer"
    assert meta.url == "https://courier.example/pass-reopens"


def test_json_ld_wins_over_tags() -> None:
    ld = {"@type": "Article", "headline": "The headline", "datePublished": "2023-01-02"}
    head = (
        '<meta property="og:title" content="A teaser title">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    _, meta = read_html(page(head))
    assert (meta.title, meta.published) == ("The headline", dt.date(2023, 1, 2))


def test_given_url_is_the_fallback() -> None:
    _, meta = read_html(page("<title>x</title>"), url="https://courier.example/a")
    assert meta.url == "https://courier.example/a"


def test_page_without_article_text_is_refused() -> None:
    html = (
        "<html><head><title>Log in</title></head><body><nav>Home</nav><form>"
        "<input name=user><button>Sign in</button></form></body></html>"
    )
    with pytest.raises(InputError, match="no article text"):
        read_html(html, url="https://courier.example/login")


def test_without_trafilatura_a_plain_reader_still_drops_the_furniture(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import now fails
    head = '<meta property="og:title" content="Glacier village reopens mountain pass">'
    text, meta = read_html(page(head))
    assert text.startswith("Glacier village reopens mountain pass")
    assert "Miriam Kohl" in text
    for boilerplate in ("cookies", "All rights reserved", "Privacy policy", "Weather"):
        assert boilerplate not in text
    assert meta.title == "Glacier village reopens mountain pass"
