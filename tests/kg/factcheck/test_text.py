"""Tweet cleaning and tokenisation (kg.factcheck.text)."""

from __future__ import annotations

import datetime as dt

from kg.factcheck.text import clean_tweet, tokenize


def test_clean_tweet_strips_trailer_and_links_but_keeps_date() -> None:
    q = clean_tweet(
        "Sharks on the highway!! #HurricaneHarvey https://t.co/AbC123 pic.twitter.com/xyz "
        "— Jane Q. Public (@jane_q) August 28, 2017"
    )
    assert q.date == dt.date(2017, 8, 28)
    assert "t.co" not in q.text and "pic.twitter" not in q.text
    assert "@jane_q" not in q.text and "Public" not in q.text
    assert "Hurricane Harvey" in q.text
    assert q.author == "Jane Q. Public jane_q"


def test_clean_tweet_hyphen_trailer_and_no_trailer() -> None:
    q = clean_tweet("Obama banned the pledge - Patriot (@pat19) February 5, 2019")
    assert q == clean_tweet("Obama banned the pledge - Patriot (@pat19) February 5, 2019")
    assert q.date == dt.date(2019, 2, 5)
    assert q.text == "Obama banned the pledge"
    plain = clean_tweet("A claim with a dash - but no signature &amp; no date")
    assert plain.date is None and plain.author == ""
    assert plain.text == "A claim with a dash - but no signature & no date"


def test_tokenize_stems_plurals_and_drops_stopwords() -> None:
    assert tokenize("The Vaccines contain microchips") == ["vaccine", "contain", "microchip"]
    assert "2.8" in tokenize("stealing $2.8M")  # numbers keep their digits
