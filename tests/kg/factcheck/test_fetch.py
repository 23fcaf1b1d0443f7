"""The sync's HTTP client against a real server on loopback: what it refuses before any
connection, and the limits it puts on answers (size, time, a cut body, redirects)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from kg.errors import SourceError
from kg.factcheck.fetch import Fetcher, Limits
from kg.factcheck.pull import read_document
from tests.http_sources import Site, datafeed, review


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def test_a_configured_loopback_url_is_fetched_with_its_validators(site: Site) -> None:
    url = site.put("/ok.json", datafeed([review(1, "The moon is made of cheese.")]))
    with Fetcher([url]) as f:
        first = f.get(url)
        again = f.get(url, headers={"If-None-Match": first.etag or ""})
    assert first.status == 200 and first.etag and first.last_modified
    assert again.not_modified and again.body == b""
    assert (f.requests, f.bodies, f.not_modified) == (2, 1, 1)
    assert [r.url for r in read_document(first, f).reviews] == ["https://desk.example/checks/1"]


def test_only_the_configured_hosts_are_contacted(site: Site) -> None:
    url = site.put("/a.json", "{}")
    with Fetcher([url]) as f:
        for bad, why in [
            ("ftp://127.0.0.1/x", "not an http or https URL"),
            ("file:///etc/passwd", "not an http or https URL"),
            ("http://127.0.0.2:1/x", "not a host this source's configuration names"),
            (site.origin.replace("127.0.0.1", "localhost") + "/a.json", "not a host"),
        ]:
            with pytest.raises(SourceError, match=why):
                f.get(bad)
        assert f.requests == 0  # refused before any connection


def test_a_redirect_to_another_host_is_refused(site: Site) -> None:
    other = Site()
    try:
        target = other.put("/elsewhere.json", datafeed([review(2, "Water is dry.")]))
        url = site.fault("/moved", "redirect", target)
        with Fetcher([url]) as f, pytest.raises(SourceError, match="not a host"):
            f.get(url)
        assert other.requests["/elsewhere.json"] == 0
        # A redirect on the same host is followed.
        here = site.put("/here.json", "{}")
        hop = site.fault("/hop", "redirect", "/here.json")
        with Fetcher([hop]) as f:
            assert f.get(hop).url == here
    finally:
        other.close()


def test_private_addresses_the_configuration_does_not_name_are_refused() -> None:
    dns = {"feeds.example.org": ["10.0.0.5"], "news.example.org": ["93.184.216.34"]}
    with Fetcher(
        ["https://feeds.example.org/feed.json", "http://news.example.org/"],
        resolve=lambda host, port: dns[host],
    ) as f:
        with pytest.raises(SourceError, match="resolves to 10.0.0.5, a private or local"):
            f.get("https://feeds.example.org/feed.json")
        assert f.check("http://news.example.org/x")[1].exploded == "93.184.216.34"
    # An address written in the configuration is named, and so allowed.
    with Fetcher(["http://10.0.0.5:8080/feed"]) as f:
        assert str(f.check("http://10.0.0.5:8080/other")[1]) == "10.0.0.5"


def test_limits_on_answers(site: Site) -> None:
    small = Limits(max_bytes=100_000, timeout=1.0)
    cases = {
        site.fault("/slow", "slow", 2.5): "no answer within 1 s",
        site.fault("/error", "error"): "answered 500",
        site.fault("/cut", "cut", b'{"@type": "DataFeed", "dataFeedElement": ['): "cut short",
        site.fault("/huge", "huge", 10_000_000): "passed the limit of 100,000 bytes",
        site.put("/big", b"[" + b" " * 200_000 + b"]"): "the answer is 200,002 bytes",
    }
    for url, why in cases.items():
        with Fetcher([url], small) as f, pytest.raises(SourceError, match=why) as caught:
            f.get(url)
        assert url in str(caught.value)  # the message names what failed


def test_a_gzip_bomb_stops_at_the_cap(site: Site) -> None:
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")
    url = site.put("/bomb.json.gz", bomb, "application/gzip")
    with Fetcher([url], Limits(max_bytes=1_000_000)) as f:
        answer = f.get(url)
        with pytest.raises(SourceError, match="inflates past the limit"):
            read_document(answer, f)


def test_request_budget_and_secret_redaction(site: Site) -> None:
    url = site.put("/count.json", "{}")
    with Fetcher([url], Limits(max_requests=2), secrets=["s3cret-key"]) as f:
        f.get(url)
        f.get(url)
        with pytest.raises(SourceError, match="limit of 2 requests"):
            f.get(url)
        assert f.redact("bad key s3cret-key") == "bad key [secret]"
        err = f.fail("http://x/?key=s3cret-key failed")
        assert "s3cret-key" not in str(err)
