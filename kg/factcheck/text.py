"""Tweet text for matching: what is not the claim comes off, then words become tokens.

`clean_tweet` removes a tweet's signature trailer, links and #/@ marks and keeps the
trailer's date and poster apart; `tokenize` gives the lower-cased, stop-worded, S-stemmed
tokens that BM25 indexes and the re-ranker's overlap features compare. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

__all__ = ["CleanQuery", "clean_tweet", "tokenize"]

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_TRAILER = re.compile(
    r"\s*(?:—|–|-|&mdash;)+\s*(?P<author>[^\n—–]{0,80}?)\s*\(@(?P<handle>\w{1,30})\)\s*"
    r"(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})\s*$"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")


@dataclass(frozen=True)
class CleanQuery:
    """A tweet's text without its signature and links, plus the trailer's date and poster.

    The poster is kept apart from the text: it is noise for most tweets but the very subject
    of the fact-check for many (a celebrity denying a rumour about themself).
    """

    text: str
    date: dt.date | None
    author: str = ""


def _split_tag(match: re.Match[str]) -> str:
    return _CAMEL.sub(" ", match.group(1))


def clean_tweet(text: str) -> CleanQuery:
    """Remove what is not the claim (signature trailer, links, #/@ marks) but keep the date.

    The trailer names the poster, who is rarely what was fact-checked, and its date tells which
    fact-checks could already have been written, so it becomes a feature instead of words.
    """
    text = html.unescape(text)
    date: dt.date | None = None
    author = ""
    m = _TRAILER.search(text)
    if m:
        author = f"{m['author']} {_CAMEL.sub(' ', m['handle'])}".strip()
        month = _MONTHS.get(m["month"].lower())
        if month:
            try:
                date = dt.date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                date = None
        text = text[: m.start()]
    text = _URL.sub(" ", text)
    text = re.sub(r"[#@](\w+)", _split_tag, text)
    text = re.sub(r"\s+", " ", text).strip()
    return CleanQuery(text=text, date=date, author=author)


_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves s t don rt via amp
    also get got says said say like one two us re ve ll m d""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def _stem(word: str) -> str:
    """Harman's S-stemmer: merges plurals, cheap and hard to get wrong."""
    if len(word) <= 3 or word[-1] != "s" or word[-2:] in ("us", "ss"):
        return word
    if word.endswith("ies") and word[-4:-3] not in ("e", "a"):
        return word[:-3] + "y"
    if word.endswith("es") and word[-3:-2] not in ("a", "e", "o"):
        return word[:-1]
    return word[:-1]


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-worded, S-stemmed word tokens; numbers keep their digits."""
    text = text.lower().replace("’", "'").replace("'s ", " ")
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOP]
