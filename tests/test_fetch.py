"""The crawler against a real HTTP server on 127.0.0.1 serving copies of real documents."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from extract.ingest.catalog import Catalog, FetchRecord
from extract.ingest.fetch import (
    CrawlOptions,
    CrawlReport,
    crawl,
    html_links,
    link_kind,
    plan_score,
    retry_after,
    user_agent,
)
from extract.ingest.manifest import Site
from extract.ingest.store import RawStore, sha256_bytes
from tests.loopback import (
    SJIS_ANCHOR,
    TEST_MAX_SIZE,
    Hit,
    LoopbackSite,
    Reply,
    city_site,
    corpus_file,
)

CONTACT = "ops@example.jp"
# Tiny waits keep the suite fast; the retry and timeout logic is the same at any scale.
FAST = CrawlOptions(delay=0.0, backoff=0.01, timeout=0.3, max_time=5.0, retries=2,
                    max_size=TEST_MAX_SIZE, contact=CONTACT, allow_private=True)


@dataclass
class Crawled:
    site: LoopbackSite
    raw: Path
    report: CrawlReport

    def fetch(self, path: str) -> FetchRecord:
        """The latest fetch record of a path on the site."""
        with Catalog.in_raw(self.raw) as catalog:
            records = catalog.fetches(self.site.url(path))
        assert records, f"{path} was never fetched"
        return records[-1]

    def versions(self) -> list[tuple[str, str, str | None, str | None]]:
        with sqlite3.connect(self.raw / "catalog.sqlite") as db:
            return db.execute(
                "SELECT s.uri, v.sha256, v.media_type, v.charset FROM versions v"
                " JOIN sources s ON s.id = v.source_id ORDER BY v.id").fetchall()


def city(site: LoopbackSite, **prefixes: tuple[str, ...]) -> Site:
    return Site(start_urls=(site.url("/keikaku/index.html"),), name="鯖江市", code="182079",
                allowed_prefixes=prefixes.get("allowed", ()))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("city")
    with city_site(tmp) as site:
        raw = tmp / "raw"
        report = crawl([city(site, allowed=("/keikaku/", "/private/", "/loop/"))], raw, FAST)
        yield Crawled(site, raw, report)


def test_robots_txt_is_read_once_and_its_disallowed_paths_never_requested(
        crawled: Crawled) -> None:
    assert len(crawled.site.hits("/robots.txt")) == 1
    assert not [h for h in crawled.site.log if h.path.startswith("/private/")]
    assert crawled.fetch("/private/draft.html").outcome == "disallowed"
    assert crawled.fetch("/private/secret.pdf").outcome == "disallowed"


def test_every_request_names_the_tool_and_a_contact(crawled: Crawled) -> None:
    agents = {h.headers.get("user-agent") for h in crawled.site.log}
    assert agents == {user_agent(CONTACT)}
    assert user_agent(CONTACT).startswith("extract/") and CONTACT in user_agent(CONTACT)


def test_shift_jis_page_is_decoded_by_its_header_charset(crawled: Crawled) -> None:
    page = crawled.fetch("/keikaku/kurashi.html")
    assert page.outcome == "stored" and page.content_type == "text/html; charset=Shift_JIS"
    assert "charset" not in crawled.site.hits("/keikaku/kurashi.html")[0].path  # header only
    linked = crawled.fetch("/files/sjis-plan.txt")
    assert linked.anchor_text == SJIS_ANCHOR
    assert linked.referrer == crawled.site.url("/keikaku/kurashi.html")
    charsets = {uri: charset for uri, _, _, charset in crawled.versions()}
    assert charsets[crawled.site.url("/keikaku/kurashi.html")] == "shift_jis"


def test_server_error_is_retried_until_success(crawled: Crawled) -> None:
    assert len(crawled.site.hits("/files/flaky.pdf")) == 2
    record = crawled.fetch("/files/flaky.pdf")
    assert (record.outcome, record.status) == ("stored", 200)
    stored = RawStore(crawled.raw).read(record.sha256 or "")
    assert stored == corpus_file("pdf/pdfminer_samples/jo.pdf").read_bytes()


def test_429_waits_as_long_as_retry_after_says(crawled: Crawled) -> None:
    first, second = crawled.site.hits("/files/busy.txt")
    assert second.at - first.at >= 0.95  # Retry-After: 1, while the backoff would be 0.01 s
    assert crawled.fetch("/files/busy.txt").outcome == "stored"


def test_slow_response_times_out_after_its_retries(crawled: Crawled) -> None:
    record = crawled.fetch("/files/slow.pdf")
    assert record.outcome == "timeout" and record.sha256 is None
    assert len(crawled.site.hits("/files/slow.pdf")) == FAST.retries + 1


def test_redirect_loop_is_caught(crawled: Crawled) -> None:
    record = crawled.fetch("/loop/a.html")
    assert record.outcome == "redirect_loop"
    assert record.error is not None and record.error.count("/loop/a.html") == 2
    assert [len(crawled.site.hits(f"/loop/{p}.html")) for p in "ab"] == [1, 1]


def test_redirect_is_followed_and_its_final_url_recorded(crawled: Crawled) -> None:
    record = crawled.fetch("/moved/plan.txt")
    assert record.outcome == "stored"
    assert record.final_url == crawled.site.url("/files/moved-plan.txt")


def test_404_link_is_recorded_with_the_page_and_anchor_that_led_to_it(crawled: Crawled) -> None:
    record = crawled.fetch("/keikaku/missing.pdf")
    assert (record.outcome, record.status, record.sha256) == ("http_error", 404, None)
    assert record.referrer == crawled.site.url("/keikaku/index.html")
    assert record.anchor_text == "削除された計画"


def test_oversized_files_are_abandoned_and_not_stored(crawled: Crawled) -> None:
    big = corpus_file("pdf/nankoku_gikai/南国市ＤＸ推進方針_R040224.pdf").read_bytes()
    assert len(big) > TEST_MAX_SIZE
    for path in ("/files/huge.pdf", "/files/stream.pdf"):  # with and without Content-Length
        record = crawled.fetch(path)
        assert record.outcome == "too_large" and record.sha256 is None, path
    assert not RawStore(crawled.raw).has(sha256_bytes(big))


def test_only_same_site_links_of_kinds_worth_reading_are_followed(crawled: Crawled) -> None:
    paths = {h.path for h in crawled.site.log}
    assert "/images/logo.png" not in paths
    assert "/kids/index.html" not in paths  # a real link of the Shift_JIS page, off the prefixes
    with Catalog.in_raw(crawled.raw) as catalog:
        assert catalog.fetches("https://other.example.jp/keikaku/plan.pdf") == []


def test_stored_documents_are_versions_with_their_media_type(crawled: Crawled) -> None:
    versions = {uri: media for uri, _, media, _ in crawled.versions()}
    assert versions[crawled.site.url("/files/koudoukeikaku.pdf")] == "application/pdf"
    assert versions[crawled.site.url("/keikaku/gyokaku.html")] == "text/html"
    assert crawled.report.outcomes["stored"] == len(versions)


def test_refetch_asks_with_etag_and_a_304_adds_no_version(tmp_path: Path) -> None:
    with city_site(tmp_path) as site:
        raw = tmp_path / "raw"
        crawl([city(site)], raw, FAST)
        crawled = Crawled(site, raw, CrawlReport())
        before = crawled.versions()
        objects = sorted((raw / "objects").rglob("*.bin"))
        report = crawl([city(site)], raw, FAST)

        second = site.hits("/files/etag.txt")[-1]
        assert second.headers.get("if-none-match") == crawled.fetch("/files/etag.txt").etag
        record = crawled.fetch("/files/etag.txt")
        assert (record.outcome, record.status) == ("not_modified", 304)
        with Catalog.in_raw(raw) as catalog:
            assert record.sha256 == catalog.fetches(site.url("/files/etag.txt"))[0].sha256
        assert crawled.versions() == before and report.new_versions == 0
        assert sorted((raw / "objects").rglob("*.bin")) == objects

        # The document changes on the site: a new version, and the old bytes stay.
        changed = tmp_path / "site" / "etag.txt"
        old = changed.read_bytes()
        changed.write_bytes(old + "\n（改訂）\n".encode())
        report = crawl([city(site)], raw, FAST)
        assert report.new_versions == 1
        shas = [sha for uri, sha, _, _ in crawled.versions() if uri.endswith("/etag.txt")]
        assert len(shas) == 2 and RawStore(raw).read(shas[0]) == old


def test_depth_and_budget_bound_the_crawl(tmp_path: Path) -> None:
    with city_site(tmp_path) as site:
        shallow = crawl([city(site)], tmp_path / "shallow", replace(FAST, max_depth=1))
        assert not site.hits("/files/koudoukeikaku.pdf")  # two hops away
        assert site.hits("/keikaku/gyokaku.html")
        assert shallow.over_budget == 0

        budget = crawl([city(site)], tmp_path / "budget", replace(FAST, max_pages=3))
        spent = sum(n for outcome, n in budget.outcomes.items() if outcome != "disallowed")
        assert spent == 3 and budget.over_budget > 0  # URLs robots.txt forbids cost nothing


def test_requests_to_one_host_are_spaced_by_the_delay(tmp_path: Path) -> None:
    with city_site(tmp_path) as site:
        crawl([city(site)], tmp_path / "raw", replace(FAST, delay=0.15, max_depth=1))
        times = sorted(h.at for h in site.log)
        assert len(times) >= 5
        assert min(b - a for a, b in itertools.pairwise(times)) >= 0.14
        assert site.most_in_flight == 1


def test_refetch_asks_with_last_modified_when_there_is_no_etag(tmp_path: Path) -> None:
    stamp = "Mon, 01 Apr 2024 00:00:00 GMT"
    data = corpus_file("seeds/001_30a96376731425c2.txt").read_bytes()

    def plan(hit: Hit, _n: int) -> Reply:
        if hit.headers.get("if-modified-since") == stamp:
            return Reply(304)
        return Reply(200, data, {"Content-Type": "text/plain", "Last-Modified": stamp})

    with LoopbackSite() as site:
        site.add("/robots.txt", Reply(404))
        site.add("/plan.txt", plan)
        raw = tmp_path / "raw"
        first = crawl([Site((site.url("/plan.txt"),))], raw, FAST)
        second = crawl([Site((site.url("/plan.txt"),))], raw, FAST)
        assert (first.outcomes, second.outcomes) == ({"stored": 1}, {"not_modified": 1})
        assert site.hits("/plan.txt")[-1].headers.get("if-modified-since") == stamp


def test_no_more_requests_in_flight_per_host_than_allowed(tmp_path: Path) -> None:
    links = "".join(f'<a href="/slow{n}.txt">計画{n}</a>' for n in range(6)).encode()
    with LoopbackSite() as site:
        site.add("/robots.txt", Reply(404))
        site.add("/", Reply(200, links, {"Content-Type": "text/html"}))
        for n in range(6):
            site.add(f"/slow{n}.txt", Reply(200, b"plan", {"Content-Type": "text/plain"},
                                            delay=0.2))
        report = crawl([Site((site.url("/"),))], tmp_path / "raw", replace(FAST, per_host=2))
        assert report.outcomes["stored"] == 7
        assert site.most_in_flight == 2  # two at once: the limit, and used


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        site.add("/robots.txt", Reply(404))
        site.add("/plan.html", Reply(503, b"", {"Retry-After": "3600"}))
        crawl([Site((site.url("/plan.html"),))], tmp_path / "raw", FAST)
        record = Crawled(site, tmp_path / "raw", CrawlReport()).fetch("/plan.html")
        assert (record.outcome, record.status) == ("http_error", 503)
        assert record.error is not None and "3600" in record.error
        assert len(site.hits("/plan.html")) == 1


def test_an_unreachable_robots_txt_means_nothing_is_fetched(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        site.add("/robots.txt", Reply(503))
        site.add("/plan.html", Reply(200, b"<p>plan</p>", {"Content-Type": "text/html"}))
        report = crawl([Site((site.url("/plan.html"),))], tmp_path / "raw", FAST)
        assert report.outcomes == {"disallowed": 1}
        assert not site.hits("/plan.html")


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") is None and retry_after(None) is None


@pytest.mark.parametrize(("url", "kind"), [
    ("https://x.example/files/taiko.PDF", "document"),
    ("https://x.example/files/keikaku.xlsx", "document"),
    ("https://x.example/keikaku/", "page"),
    ("https://x.example/keikaku/index.html", "page"),
    ("https://x.example/page/12345", "page"),
    ("https://x.example/images/logo.png", None),
    ("https://x.example/files/data.zip", None),
])
def test_links_worth_fetching_are_told_by_their_extension(url: str, kind: str | None) -> None:
    assert link_kind(url) == kind


def test_page_links_honour_base_href_and_cp932_sent_as_shift_jis() -> None:
    # Hand-made fixture: ① exists in cp932 only, which servers still label Shift_JIS.
    page = ('<html><head><base href="https://x.example/shisei/"></head><body>'
            '<a href="plan.pdf#p2">①行政改革大綱</a><a href="mailto:a@x.example">mail</a>'
            '<a href="/top.html"> トップ </a></body></html>').encode("cp932")
    assert html_links(page, "Shift_JIS", "https://x.example/other/") == [
        ("https://x.example/shisei/plan.pdf", "①行政改革大綱"),
        ("https://x.example/top.html", "トップ"),
    ]
    assert plan_score("https://x.example/shisei/plan.pdf", "①行政改革大綱") >= 2
    assert plan_score("https://x.example/top.html", "トップ") == 0
