"""Published fact-checks in every shape they come in, read into one typed record.

Fact-checkers publish schema.org ClaimReview as JSON-LD in their pages and feeds, with
every variation the wild allows: a single object, `@graph`, arrays, DataFeeds of
DataFeedItems, `http` and `https` schema.org, numbers as strings, `appearance` as a string,
an object or a list, MediaReview mixed in. Google's Fact Check Tools API answers with its
own JSON (`claims[].claimReview[]`), and ClaimsKG publishes RDF. All become `FactCheck`.

JSON-LD is read as JSON with schema.org's keys recognised in any of their spellings: no
JSON-LD processor runs, so no remote context is ever fetched (a `@context` of
"https://schema.org" is only a name here).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html.parser
import json
import math
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.graph.vocab import CLAIMSKG_ORG, SCHEMA, SCHEMA_HTTPS

SCHEMA_PREFIXES = (SCHEMA.iri, SCHEMA_HTTPS, "schema:", "sdo:")


class Verdict(StrEnum):
    """The normalised verdict, as ClaimsKG normalises ratings (its values and numbers)."""

    TRUE = "TRUE"
    FALSE = "FALSE"
    MIXTURE = "MIXTURE"
    OTHER = "OTHER"

    @property
    def claimskg_value(self) -> int:
        return {"TRUE": 3, "FALSE": 1, "MIXTURE": 2, "OTHER": -1}[self.value]


@dataclass(frozen=True)
class Rating:
    """The publisher's own rating, kept as published."""

    label: str | None = None
    value: float | None = None
    best: float | None = None
    worst: float | None = None


@dataclass(frozen=True)
class FactCheck:
    """One ClaimReview: what claim was checked, by whom, with which verdict."""

    url: str
    claim_reviewed: str
    identifier: str | None = None
    headline: str | None = None
    description: str | None = None
    date_published: dt.date | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    creator: str | None = None
    rating: Rating | None = None
    verdict: Verdict = Verdict.OTHER
    claimant: str | None = None
    claim_date: dt.date | None = None
    appearances: tuple[str, ...] = ()
    language: str | None = None

    @property
    def key(self) -> str:
        """The id a TREC run reports: the feed's identifier, else the review's URL."""
        return self.identifier or self.url


@dataclass
class ReadResult:
    """What a file held: the reviews, and what was passed over and why."""

    reviews: list[FactCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# -------------------------------------------------------------------- verdicts


@lru_cache(maxsize=1)
def _verdict_table() -> dict[str, Verdict]:
    raw = json.loads(
        resources.files("kg.factcheck").joinpath("data/verdicts.json").read_text("utf-8")
    )
    return {label: Verdict(v) for v, labels in raw["labels"].items() for label in labels}


def _label_key(label: str) -> str:
    s = label.casefold().strip()
    s = re.sub(r"[\u2018\u2019'\"!.]+", "", s)
    return re.sub(r"[\s_\-]+", " ", s).strip()


def normalise_verdict(rating: Rating | None) -> Verdict:
    """A publisher's rating as TRUE, FALSE, MIXTURE or OTHER.

    The label decides where it is in the table (kg/factcheck/data/verdicts.json); a numeric
    rating on a scale decides otherwise: the top quarter of the scale is TRUE, the bottom
    quarter FALSE, the middle MIXTURE.
    """
    if rating is None:
        return Verdict.OTHER
    if rating.label:
        found = _verdict_table().get(_label_key(rating.label))
        if found is not None:
            return found
    if rating.value is not None and rating.best is not None and rating.worst is not None:
        span = rating.best - rating.worst
        if span > 0:
            p = (rating.value - rating.worst) / span
            return Verdict.TRUE if p >= 0.75 else Verdict.FALSE if p <= 0.25 else Verdict.MIXTURE
    return Verdict.OTHER


# -------------------------------------------------------------------- JSON-LD


def _local(key: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type", [])
    return {_local(x) for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def _get(node: dict[str, Any], name: str) -> Any:
    for key, value in node.items():
        if _local(key) == name:
            return value
    return None


def _first(value: Any) -> Any:
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def _text(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value", _get(value, "name"))
        value = _first(value)
    # A text is a string or a number; anything else is garbage, not a name to print.
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    s = str(value).strip()
    return s or None


def _iri(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        # A page's address is its url; its @id may be any IRI a publisher minted.
        value = _get(value, "url") or value.get("@id") or value.get("@value")
        value = _first(value)
    return str(value).strip() if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        return None
    # NaN and infinities (`1e999`, "Infinity") are no rating: xsd:decimal has neither.
    return number if math.isfinite(number) else None


def _date(value: Any) -> dt.date | None:
    s = _text(value)
    if not s:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    for fmt in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _appearances(item: dict[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for key in ("appearance", "firstAppearance"):
        value = _get(item, key)
        for v in value if isinstance(value, list) else [value]:
            url = _iri(v)
            if url and url not in out:
                out.append(url)
    return tuple(out)


def review_from_jsonld(node: dict[str, Any]) -> FactCheck | None:
    """One ClaimReview object as a FactCheck; None when it has no URL or no claim."""
    url = _iri(_get(node, "url")) or _iri(node.get("@id"))
    item = _first(_get(node, "itemReviewed"))
    item = item if isinstance(item, dict) else {}
    claim = _text(_get(node, "claimReviewed")) or _text(_get(item, "text"))
    if not url or not claim:
        return None
    rating_node = _first(_get(node, "reviewRating"))
    rating = None
    if isinstance(rating_node, dict):
        rating = Rating(
            label=_text(_get(rating_node, "alternateName")) or _text(_get(rating_node, "name")),
            value=_number(_get(rating_node, "ratingValue")),
            best=_number(_get(rating_node, "bestRating")),
            worst=_number(_get(rating_node, "worstRating")),
        )
    author = _first(_get(node, "author"))
    publisher = _text(author)
    publisher_url = _iri(_get(author, "url")) if isinstance(author, dict) else None
    item_author = _first(_get(item, "author"))
    return FactCheck(
        url=url,
        claim_reviewed=claim,
        identifier=_text(_get(node, "identifier")),
        headline=_text(_get(node, "name")) or _text(_get(node, "headline")),
        description=_text(_get(node, "description")),
        date_published=_date(_get(node, "datePublished")),
        publisher=publisher,
        publisher_url=publisher_url,
        creator=_text(_get(node, "creator")),
        rating=rating,
        verdict=normalise_verdict(rating),
        claimant=_text(item_author),
        claim_date=_date(_get(item, "datePublished")),
        appearances=_appearances(item),
        language=_text(_get(node, "inLanguage")),
    )


def _walk(node: Any, result: ReadResult) -> Iterator[FactCheck]:
    """Every ClaimReview in the JSON, in document order.

    Depth first with a stack of its own: JSON nests as deep as its parser allows, which is
    deeper than Python's recursion limit leaves to a recursive walk.
    """
    stack: list[Iterator[Any]] = [iter([node])]
    while stack:
        node = next(stack[-1], _END)
        if node is _END:
            stack.pop()
            continue
        if isinstance(node, list):
            stack.append(iter(node))
            continue
        if not isinstance(node, dict):
            continue
        types = _types(node)
        if "ClaimReview" in types:
            review = review_from_jsonld(node)
            if review is None:
                result.skipped.append("a ClaimReview without a URL or a claim")
            elif _sound(review, result):
                yield review
            continue
        if "MediaReview" in types:
            result.skipped.append("a MediaReview (media are not claims)")
            continue
        # Reviews sit in @graph, DataFeed items, mainEntity or any nested object; the
        # context is a name, never data.
        stack.append(
            iter([v for k, v in node.items() if k != "@context" and isinstance(v, (dict, list))])
        )


_END = object()


def _sound(review: FactCheck, result: ReadResult) -> bool:
    """Whether every text of the review can be stored; if not, it is passed over, with why.

    JSON can carry what no RDF literal can hold: an unpaired surrogate escape ("\\ud800").
    """
    texts = [v for v in vars(review).values() if isinstance(v, str)]
    texts += list(review.appearances)
    if review.rating is not None and review.rating.label:
        texts.append(review.rating.label)
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            where = review.url.encode("utf-8", "backslashreplace").decode("utf-8")
            result.skipped.append(
                f"the ClaimReview {where} has text that is not Unicode "
                "(an unpaired surrogate escape such as \\ud800)"
            )
            return False
    return True


def reviews_from_json(data: Any) -> ReadResult:
    """ClaimReviews from parsed JSON: JSON-LD in any form, or a Fact Check Tools response."""
    result = ReadResult()
    if isinstance(data, dict) and isinstance(data.get("claims"), list) and "@context" not in data:
        result.reviews.extend(_from_google(data["claims"], result))
    else:
        result.reviews.extend(_walk(data, result))
    return result


def _from_google(claims: list[Any], result: ReadResult) -> Iterator[FactCheck]:
    """Google Fact Check Tools API: `claims[]`, each with `claimReview[]`."""
    for c in claims:
        if not isinstance(c, dict):
            continue
        text = _text(c.get("text"))
        found_reviews = c.get("claimReview")
        if isinstance(found_reviews, dict):
            found_reviews = [found_reviews]
        for r in found_reviews if isinstance(found_reviews, list) else []:
            url = _iri(r.get("url")) if isinstance(r, dict) else None
            if not isinstance(r, dict) or not url or not text:
                result.skipped.append("a Fact Check Tools review without a URL or a claim")
                continue
            found = r.get("publisher")
            publisher: dict[str, Any] = found if isinstance(found, dict) else {}
            rating = Rating(label=_text(r.get("textualRating")))
            site = _text(publisher.get("site"))
            review = FactCheck(
                url=url,
                claim_reviewed=text,
                headline=_text(r.get("title")),
                date_published=_date(r.get("reviewDate")),
                publisher=_text(publisher.get("name")) or site,
                publisher_url=f"https://{site}" if site and "://" not in site else site,
                rating=rating,
                verdict=normalise_verdict(rating),
                claimant=_text(c.get("claimant")),
                claim_date=_date(c.get("claimDate")),
                language=_text(r.get("languageCode")),
            )
            if _sound(review, result):
                yield review


class _JsonLdScripts(html.parser.HTMLParser):
    """The text of every <script type="application/ld+json"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        self._inside = tag == "script" and kind.split(";")[0].strip() == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def reviews_from_html(page: str) -> ReadResult:
    parser = _JsonLdScripts()
    parser.feed(page)
    result = ReadResult()
    for i, block in enumerate(parser.blocks):
        try:
            data = json.loads(block)
        except ValueError as exc:
            result.skipped.append(f"JSON-LD block {i + 1} is not JSON ({exc})")
            continue
        except RecursionError:
            result.skipped.append(f"JSON-LD block {i + 1} nests its JSON too deeply to read")
            continue
        part = reviews_from_json(data)
        result.reviews.extend(part.reviews)
        result.skipped.extend(part.skipped)
    return result


# -------------------------------------------------------------------- ClaimsKG RDF

_RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".rdf": "xml"}


def reviews_from_rdf(data: bytes, fmt: str) -> ReadResult:
    """ClaimReviews from RDF in ClaimsKG's model (schema.org over http or https)."""
    import rdflib

    g = rdflib.Dataset()
    try:
        g.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise InputError(f"not readable as {fmt} RDF: {exc}") from None
    result = ReadResult()
    for ns in (SCHEMA.iri, SCHEMA_HTTPS):
        s = rdflib.Namespace(ns)

        def one(node: Any, p: rdflib.URIRef, g: rdflib.Dataset = g) -> Any:
            return next(iter(g.objects(node, p)), None)

        for review in set(g.subjects(rdflib.RDF.type, s.ClaimReview)):
            item = one(review, s.itemReviewed)
            url = one(review, s.url)
            claim = one(item, s.text) if item is not None else None
            claim = claim or one(review, s.claimReviewed)
            if url is None or claim is None:
                result.skipped.append(f"ClaimReview {review} has no URL or no claim")
                continue
            own: Rating | None = None
            normalised: Verdict | None = None
            for r in g.objects(review, s.reviewRating):
                label = one(r, s.alternateName)
                by = one(r, s.author)
                value = one(r, s.ratingValue)
                if by is not None and str(by) == CLAIMSKG_ORG.value:
                    if label is not None and str(label).upper() in Verdict.__members__:
                        normalised = Verdict(str(label).upper())
                else:
                    own = Rating(
                        label=str(label) if label is not None else None,
                        value=_float(value),
                        best=_float(one(r, s.bestRating)),
                        worst=_float(one(r, s.worstRating)),
                    )
            author = one(review, s.author)
            item_author = one(item, s.author) if item is not None else None
            found = FactCheck(
                url=str(url),
                claim_reviewed=str(claim),
                headline=_str(one(review, s.headline)),
                date_published=_date(_str(one(review, s.datePublished))),
                publisher=_str(one(author, s.name)) if author is not None else None,
                publisher_url=_str(one(author, s.url)) if author is not None else None,
                rating=own,
                verdict=normalised or normalise_verdict(own),
                claimant=_str(one(item_author, s.name)) if item_author is not None else None,
                claim_date=_date(_str(one(item, s.datePublished))) if item else None,
                appearances=tuple(sorted(str(a) for a in g.objects(item, s.citation)))
                if item is not None
                else (),
            )
            if _sound(found, result):
                result.reviews.append(found)
    return result


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _float(value: Any) -> float | None:
    try:
        number = None if value is None else float(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


# -------------------------------------------------------------------- files


def read_path(path: Path) -> ReadResult:
    """Every fact-check in a file, or in every file below a directory."""
    if path.is_dir():
        result = ReadResult()
        files = sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if _kind(f) is None:
                continue
            part = read_path(f)
            result.reviews.extend(part.reviews)
            result.skipped.extend(f"{f.name}: {s}" for s in part.skipped)
        return result
    kind = _kind(path)
    if kind is None:
        raise InputError(f"{path}: not a fact-check file (.json, .jsonld, .html, .ttl, .nt …)")
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    if kind == "html":
        return reviews_from_html(raw.decode("utf-8", errors="replace"))
    if kind in _RDF_FORMATS.values():
        return reviews_from_rdf(raw, kind)
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{path} is not JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{path} nests its JSON too deeply to read") from None
    return reviews_from_json(data)


def _kind(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    last = suffixes[-1] if suffixes else ""
    if last in (".json", ".jsonld"):
        return "json"
    if last in (".html", ".htm"):
        return "html"
    return _RDF_FORMATS.get(last)


def dedupe(reviews: Iterable[FactCheck]) -> list[FactCheck]:
    """One review per URL; a later copy of the same URL wins (feeds are re-published)."""
    by_url: dict[str, FactCheck] = {}
    for r in reviews:
        by_url[r.url] = r
    return list(by_url.values())
