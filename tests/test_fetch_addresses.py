"""The crawler never requests a loopback, private, link-local or metadata address by default.

A city's host name reaches the real loopback server through it acting as the crawler's HTTP
proxy; there is no DNS here, so the address check is given a name table in which the city's
name has a public address (as it would in the field).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extract.ingest.catalog import Catalog
from extract.ingest.fetch import CrawlOptions, crawl, public_address
from extract.ingest.manifest import Site
from tests.loopback import LoopbackSite, Reply, route_of

CITY = "www.city.example.jp"
NAMES = {CITY: ["93.184.215.14"], "mixed.example.jp": ["93.184.215.14", "10.0.0.5"]}
OPTIONS = CrawlOptions(delay=0.0, backoff=0.01, timeout=0.5, max_time=5.0, retries=0)


async def names(host: str, _port: int) -> list[str]:
    """The test's name table; an address literal stands for itself."""
    return NAMES.get(host, [host])


def latest(raw: Path, url: str) -> tuple[str, str | None]:
    with Catalog.in_raw(raw) as catalog:
        record = catalog.fetches(url)[-1]
    return record.outcome, record.error


def test_a_public_page_redirecting_to_loopback_is_refused_and_recorded(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        site.add("/plan.html", Reply(302, headers={"Location": site.url("/secret.pdf")}))
        site.add("/secret.pdf", Reply(200, b"%PDF-1.4 internal", {"Content-Type":
                                                                   "application/pdf"}))
        options = replace(OPTIONS, proxy=site.origin)
        start = f"http://{CITY}/plan.html"
        report = crawl([Site((start,))], tmp_path / "raw", options, resolver=names)
        routes = [route_of(hit.path) for hit in site.log]
    assert "/plan.html" in routes  # the city's page was asked for, through the proxy
    assert "/secret.pdf" not in routes  # its redirect to 127.0.0.1 never was
    outcome, error = latest(tmp_path / "raw", start)
    assert outcome == "blocked_address" and "127.0.0.1" in (error or "")
    assert report.outcomes["blocked_address"] == 1 and report.new_versions == 0


@pytest.mark.parametrize("start", [
    "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "http://127.0.0.1:9/plan.html", "http://[::1]:9/plan.html", "http://10.1.2.3/plan.pdf",
    "http://mixed.example.jp/plan.html",  # one private address among public ones is enough
])
def test_non_public_start_urls_are_refused_without_a_request(start: str,
                                                             tmp_path: Path) -> None:
    report = crawl([Site((start,))], tmp_path / "raw", OPTIONS, resolver=names)
    assert report.outcomes == {"blocked_address": 1}
    assert latest(tmp_path / "raw", start)[0] == "blocked_address"


def test_allow_private_lets_the_crawler_reach_loopback(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        site.add("/plan.txt", Reply(200, "第1章 総則".encode(), {"Content-Type": "text/plain"}))
        options = replace(OPTIONS, allow_private=True)
        report = crawl([Site((site.url("/plan.txt"),))], tmp_path / "raw", options)
    assert report.outcomes["stored"] == 1


def test_public_address() -> None:
    assert public_address("93.184.215.14") and public_address("2001:4860:4860::8888")
    for private in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                    "224.0.0.1", "203.0.113.7"):
        assert not public_address(private), private
