"""The crawler: city sites to raw bytes in the store and fetch records in the catalog.

`crawl(sites, raw, options)` walks each site from its start URLs, breadth first, to plan pages
and the documents (PDF, Word, Excel, text) they link on the same site, within a depth and a
per-site budget. It is polite by default:

1. robots.txt (urllib.robotparser) is read once per host and obeyed, Crawl-delay included;
2. one request at a time per host (`per_host`), `delay` seconds apart, an honest User-Agent;
3. 429, 5xx, timeouts and dropped connections are retried with exponential backoff, honouring
   Retry-After, and the wait holds back the whole host, not only the retried URL;
4. a URL fetched before is asked for with If-None-Match / If-Modified-Since (304 → no download);
5. a body larger than `max_size` is abandoned as soon as that is known;
6. redirects are followed by hand, so a loop is caught and the final URL recorded;
7. no request goes to a host that resolves to a loopback, private, link-local (the cloud
   metadata service at 169.254.169.254), multicast or reserved address, whether it came as a
   start URL, a link or a redirect (`blocked_address`), unless `allow_private` says so.

Every outcome, failures included, becomes a `FetchRecord` in the catalog; bytes go to the
content-addressed store, so a changed document is a new version and nothing is overwritten.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from extract import __version__
from extract.ingest.catalog import Catalog, FetchRecord, now, split_content_type
from extract.ingest.manifest import Site
from extract.ingest.store import RawStore

USER_AGENT_TOKEN = "extract"  # the product token robots.txt rules are matched against
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How far and how politely to crawl; the defaults suit a real city site."""

    max_depth: int = 2  # link hops from a start URL: start page → plan page → its PDFs
    max_pages: int = 200  # URLs fetched per site (pages and documents), robots.txt aside
    delay: float = 1.0  # seconds between two requests to one host (raised by Crawl-delay)
    per_host: int = 1  # requests in flight per host
    connections: int = 8  # requests in flight overall, across hosts
    timeout: float = 30.0  # seconds to connect, or between two bytes of a response
    max_time: float = 300.0  # seconds for a whole response body (a trickling server)
    retries: int = 3  # further attempts after a 429/5xx/timeout
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 120.0  # longest wait for a retry; a longer Retry-After gives up
    max_size: int = 50 * 1024 * 1024  # bytes per response
    max_redirects: int = 10
    contact: str | None = None  # e-mail or URL put in the User-Agent
    allow_private: bool = False  # fetch from loopback/private/link-local hosts (tests, intranets)
    proxy: str | None = None  # an HTTP proxy every request goes through ("http://host:port")

    def __post_init__(self) -> None:
        if self.per_host < 1 or self.connections < 1:
            raise ValueError("per_host and connections must be at least 1")
        if min(self.delay, self.backoff, self.timeout, self.max_time) < 0:
            raise ValueError("delays and timeouts cannot be negative")


@dataclass(slots=True)
class CrawlReport:
    """What a crawl did: outcomes counted per fetch, new versions, URLs left by the budget."""

    outcomes: Counter[str] = field(default_factory=Counter)
    new_versions: int = 0
    over_budget: int = 0


def user_agent(contact: str | None) -> str:
    """Return the User-Agent: the tool, its version, and how to reach whoever runs it."""
    about = "municipal plan collector" + (f"; +{contact}" if contact else "")
    return f"{USER_AGENT_TOKEN}/{__version__} ({about})"


# -- links -------------------------------------------------------------------------------


@cache
def _rules() -> dict[str, Any]:
    import json

    text = files("extract").joinpath("rules/crawl.json").read_text("utf-8")
    rules: dict[str, Any] = json.loads(text)
    return rules


# Labels WHATWG maps to windows-31j: Japanese servers say Shift_JIS and send cp932 (①, ㈱).
_CHARSET_ALIASES = {"shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
                    "ms_kanji": "cp932", "csshiftjis": "cp932", "windows-31j": "cp932"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_html(data: bytes, charset: str | None) -> str:
    """Return the text of an HTML page: header charset, else meta, else UTF-8, else a guess."""
    meta = _META_CHARSET.search(data[:4096])
    tried = [charset, meta.group(1).decode("ascii") if meta else None, "utf-8"]
    for label in tried:
        if not label:
            continue
        label = _CHARSET_ALIASES.get(label.lower(), label)
        try:
            codecs.lookup(label)
            return data.decode(label)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def html_links(data: bytes, charset: str | None, base_url: str) -> list[tuple[str, str]]:
    """Return the (absolute URL without fragment, anchor text) of every link on a page."""
    import lxml.html
    from lxml.etree import ParserError

    text = _XML_DECLARATION.sub("", decode_html(data, charset))
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return []
    base = base_url
    for element in root.iter("base"):
        if element.get("href"):
            base = urljoin(base_url, element.get("href", "").strip())
            break
    links = []
    for anchor in root.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base, href)).url
        if urlsplit(url).scheme in ("http", "https"):
            label = " ".join((anchor.text_content() or anchor.get("alt") or "").split())
            links.append((url, label))
    return links


def _extension(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def link_kind(url: str) -> str | None:
    """Return "document", "page", or None (not worth fetching) for a link, by its extension.

    /files/taiko.PDF → document; /keikaku/, /keikaku/index.html, /page/12345 → page;
    /images/logo.png, /files/data.zip → None.
    """
    ext = _extension(url)
    if ext in _rules()["document_extensions"]:
        return "document"
    if ext in _rules()["page_extensions"] or not re.fullmatch(r"\.[a-z0-9]{1,5}", ext):
        return "page"  # no extension, or a dot that is not one ("/r5.1st-plan")
    return None


def plan_score(url: str, text: str) -> int:
    """Return how many plan words a link's anchor text and URL contain."""
    haystack = f"{text} {unquote(url)}".lower()
    return sum(word.lower() in haystack for word in _rules()["plan_words"])


# -- addresses ---------------------------------------------------------------------------

# host, port → the addresses the name resolves to
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    """Return every address the system resolver gives for `host`."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def public_address(address: str) -> bool:
    """Return whether an address is on the public internet.

    "203.0.113.7" is documentation, "10.1.2.3" private, "169.254.169.254" link-local (the
    metadata service), "::ffff:127.0.0.1" loopback: all False; "8.8.8.8" → True.
    """
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


# -- politeness --------------------------------------------------------------------------


class HostGate:
    """Spaces the requests to one host `delay` seconds apart (from one's start and from one's
    end to the next one's start), `per_host` at a time."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.delay = delay
        self._slots = asyncio.Semaphore(per_host)
        self._lock = asyncio.Lock()
        self._next = 0.0

    def hold(self, seconds: float) -> None:
        """Keep every request to this host waiting at least `seconds` from now."""
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._lock:
                loop = asyncio.get_running_loop()
                wait = self._next - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next = loop.time() + self.delay
            try:
                yield
            finally:
                # Counted from each request's end too: however late the server took a request
                # in, the next one reaches it no sooner than `delay` after.
                self._next = max(self._next, asyncio.get_running_loop().time() + self.delay)


def retry_after(value: str | None) -> float | None:
    """Return the seconds a Retry-After header asks for (delta or HTTP date), if readable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass(slots=True)
class _Reply:
    """One HTTP exchange as the crawler needs it."""

    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    outcome: str | None = None  # set when the exchange failed: timeout, too_large, ...
    error: str | None = None



def media_type_of(content_type: str | None, body: bytes, url: str) -> str | None:
    """Return what the bytes are: the declared type, unless generic or contradicted by them."""
    declared, _ = split_content_type(content_type)
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    if declared in (None, "application/octet-stream", "binary/octet-stream",
                    "application/force-download", "application/x-download"):
        found: str | None = _rules()["document_extensions"].get(_extension(url))
        return found
    return declared


@dataclass(order=True, slots=True)
class _Job:
    depth: int
    rank: int  # lower first: plan words and documents ahead of other links at the same depth
    seq: int
    url: str = field(compare=False)
    referrer: str | None = field(compare=False, default=None)
    anchor: str | None = field(compare=False, default=None)


class Crawler:
    """One crawl: shared host gates and robots rules across the sites it is given."""

    def __init__(self, options: CrawlOptions, store: RawStore, catalog: Catalog,
                 on_fetch: Callable[[FetchRecord], None] | None = None,
                 resolver: Resolver = system_resolve) -> None:
        self.options = options
        self._resolve = resolver
        self._refusals: dict[tuple[str, int], str | None] = {}
        self.store = store
        self.catalog = catalog
        self.on_fetch = on_fetch
        self.report = CrawlReport()
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._client: httpx.AsyncClient | None = None
        self._seq = 0

    async def run(self, sites: list[Site]) -> CrawlReport:
        """Crawl the sites side by side; return the report."""
        opts = self.options
        async with httpx.AsyncClient(
            headers={"User-Agent": user_agent(opts.contact)},
            timeout=httpx.Timeout(opts.timeout),
            limits=httpx.Limits(max_connections=opts.connections),
            follow_redirects=False,
            proxy=opts.proxy,
        ) as client:
            self._client = client
            await asyncio.gather(*(self._crawl_site(site) for site in sites))
        return self.report

    # -- the frontier ---------------------------------------------------------------------

    async def _crawl_site(self, site: Site) -> None:
        queue: asyncio.PriorityQueue[_Job] = asyncio.PriorityQueue()
        seen = set(site.start_urls)
        hosts = {urlsplit(url).netloc for url in site.start_urls}
        budget = self.options.max_pages
        for url in site.start_urls:
            queue.put_nowait(self._job(0, 0, url))

        async def worker() -> None:
            nonlocal budget
            while True:
                job = await queue.get()
                try:
                    if budget <= 0:
                        self.report.over_budget += 1
                        continue
                    budget -= 1
                    record, links = await self._visit(site, job, hosts)
                    if record.outcome == "disallowed":
                        budget += 1  # no request was sent: robots.txt costs the site nothing
                    for url, text in links:
                        kind = link_kind(url)
                        if (url in seen or kind is None or urlsplit(url).netloc not in hosts
                                or job.depth + 1 > self.options.max_depth
                                or (kind == "page" and not site.allows_page(urlsplit(url).path))):
                            continue
                        seen.add(url)
                        rank = -(2 * plan_score(url, text) + (kind == "document"))
                        queue.put_nowait(self._job(job.depth + 1, rank, url, job.url, text))
                finally:
                    queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(self.options.per_host)]
        await queue.join()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    def _job(self, depth: int, rank: int, url: str, referrer: str | None = None,
             anchor: str | None = None) -> _Job:
        self._seq += 1
        return _Job(depth, rank, self._seq, url, referrer, anchor)

    async def _visit(self, site: Site, job: _Job,
                     hosts: set[str]) -> tuple[FetchRecord, list[tuple[str, str]]]:
        """Fetch and record one URL; return its record and, for a page to read, its links."""
        try:
            record, body = await self._fetch(job.url, job.referrer, job.anchor)
        except Exception as err:  # a defect of ours must not end the crawl of every site
            record = FetchRecord(url=job.url, outcome="error", fetched_at=now(),
                                 referrer=job.referrer, anchor_text=job.anchor,
                                 error="".join(traceback.format_exception(err)))
            body = None
        media = media_type_of(record.content_type, body or b"", record.final_url or job.url)
        if self.catalog.record_fetch(record, municipality=site.name, code=site.code,
                                     media_type=media):
            self.report.new_versions += 1
        self.report.outcomes[record.outcome] += 1
        if self.on_fetch is not None:
            self.on_fetch(record)
        if job.depth == 0 and record.final_url:
            hosts.add(urlsplit(record.final_url).netloc)  # a start page moved to www. or https
        if (body is None or job.depth >= self.options.max_depth
                or media not in _rules()["html_media_types"]):
            return record, []
        _, charset = split_content_type(record.content_type)
        return record, html_links(body, charset, record.final_url or job.url)

    # -- one URL --------------------------------------------------------------------------

    async def _fetch(self, url: str, referrer: str | None,
                     anchor: str | None) -> tuple[FetchRecord, bytes | None]:
        """Fetch a URL through redirects; return its record and body (None when not kept)."""
        prior = self.catalog.validators(url)
        if prior is not None and not self.store.has(prior.sha256):
            prior = None  # the bytes are gone: a 304 would leave nothing to read
        headers = {}
        if prior is not None and prior.etag:
            headers["If-None-Match"] = prior.etag
        if prior is not None and prior.last_modified:
            headers["If-Modified-Since"] = prior.last_modified

        def record(outcome: str, final: str, reply: _Reply | None = None,
                   **more: Any) -> FetchRecord:
            got = reply.headers if reply is not None else httpx.Headers()
            fields: dict[str, Any] = {
                "status": reply.status if reply else None, "error": reply.error if reply else None,
                "content_type": got.get("content-type"), "etag": got.get("etag"),
                "last_modified": got.get("last-modified"),
            }
            fields.update(more)
            return FetchRecord(url=url, outcome=outcome, fetched_at=now(), final_url=final,
                               referrer=referrer, anchor_text=anchor, **fields)

        chain = [url]
        while True:
            current = chain[-1]
            refused = await self._refused(current)
            if refused is not None:
                return record("blocked_address", current, error=refused), None
            if not await self._allowed(current):
                return record("disallowed", current, error="robots.txt disallows it"), None
            reply = await self._get(current, headers)
            if reply.outcome is not None:
                return record(reply.outcome, current, reply), None
            location = reply.headers.get("location")
            if reply.status not in REDIRECT_STATUSES or not location:
                break
            target = urldefrag(urljoin(current, location.strip())).url
            if target in chain:
                loop = " → ".join([*chain, target])
                return record("redirect_loop", current, reply, error=loop), None
            if len(chain) > self.options.max_redirects:
                return record("too_many_redirects", current, reply), None
            if urlsplit(target).scheme not in ("http", "https"):
                return record("http_error", current, reply, error=f"redirect to {target}"), None
            chain.append(target)

        final = chain[-1]
        if reply.status == 304 and prior is not None:
            body = self.store.read(prior.sha256)
            return record("not_modified", final, reply, sha256=prior.sha256, size=len(body),
                          content_type=reply.headers.get("content-type") or prior.content_type,
                          etag=reply.headers.get("etag") or prior.etag,
                          last_modified=reply.headers.get("last-modified")
                          or prior.last_modified), body
        if reply.status not in (200, 203) or reply.body is None:
            return record("http_error", final, reply), None
        media = media_type_of(reply.headers.get("content-type"), reply.body, final)
        if media not in _rules()["stored_media_types"]:
            return record("unsupported_type", final, reply, error=f"media type {media}"), None
        stored = self.store.put(reply.body)
        return record("stored", final, reply, sha256=stored.sha256, size=stored.size), reply.body

    async def _get(self, url: str, headers: dict[str, str]) -> _Reply:
        """GET once, retrying 429/5xx/timeouts with backoff; return the last reply."""
        opts = self.options
        refused = await self._refused(url)
        if refused is not None:
            return _Reply(outcome="blocked_address", error=refused)
        gate = self._gate(url)
        attempt = 0
        while True:
            async with gate.slot():
                reply = await self._exchange(url, headers)
            retryable = (reply.outcome in ("timeout", "network_error")
                         or reply.status in RETRY_STATUSES)
            if not retryable or attempt >= opts.retries:
                return reply
            wait = retry_after(reply.headers.get("retry-after"))
            if wait is None:
                wait = opts.backoff * 2**attempt
            if wait > opts.max_wait:
                reply.error = f"asked to wait {wait:.0f} s, longer than {opts.max_wait:.0f} s"
                return reply
            gate.hold(wait)
            attempt += 1

    async def _exchange(self, url: str, headers: dict[str, str]) -> _Reply:
        """One request; the body is read only for a 200, and abandoned past the size cap."""
        assert self._client is not None
        opts = self.options
        try:
            async with asyncio.timeout(opts.max_time), self._client.stream(
                "GET", url, headers=headers
            ) as response:
                reply = _Reply(status=response.status_code, headers=response.headers)
                if response.status_code not in (200, 203):
                    return reply
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > opts.max_size:
                    reply.outcome = "too_large"
                    reply.error = f"Content-Length {declared} exceeds {opts.max_size} bytes"
                    return reply
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes(_CHUNK):
                    size += len(chunk)
                    if size > opts.max_size:
                        reply.outcome = "too_large"
                        reply.error = f"body exceeds {opts.max_size} bytes"
                        return reply
                    chunks.append(chunk)
                reply.body = b"".join(chunks)
                return reply
        except (TimeoutError, httpx.TimeoutException) as err:
            return _Reply(outcome="timeout", error=f"{type(err).__name__}: {err}".rstrip(": "))
        except httpx.TransportError as err:
            return _Reply(outcome="network_error", error=f"{type(err).__name__}: {err}")
        except httpx.DecodingError as err:
            return _Reply(outcome="network_error", error=f"bad content encoding: {err}")

    # -- addresses and politeness ---------------------------------------------------------

    async def _refused(self, url: str) -> str | None:
        """Return why a URL's host may not be fetched (a non-public address), or None."""
        parts = urlsplit(url)
        if self.options.allow_private or not parts.hostname:
            return None
        key = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        if key not in self._refusals:
            try:
                addresses = await self._resolve(*key)
            except (OSError, UnicodeError):
                addresses = []  # unresolvable: the request fails as a network error
            private = [a for a in addresses if not public_address(a)]
            self._refusals[key] = (f"{key[0]} resolves to {', '.join(private)}: not a public "
                                   "address (allow with --allow-private)") if private else None
        return self._refusals[key]

    def _gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc
        if host not in self._gates:
            self._gates[host] = HostGate(self.options.per_host, self.options.delay)
        return self._gates[host]

    async def _allowed(self, url: str) -> bool:
        """Return whether robots.txt of the URL's host lets us fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._read_robots(origin)
        return self._robots[origin].can_fetch(USER_AGENT_TOKEN, url)

    async def _read_robots(self, origin: str) -> RobotFileParser:
        """Return the robots rules of a host, following RFC 9309 when there are none."""
        url = f"{origin}/robots.txt"
        for _ in range(5):  # RFC 9309: follow at least five redirects
            reply = await self._get(url, {})
            location = reply.headers.get("location")
            if reply.status in REDIRECT_STATUSES and location:
                url = urljoin(url, location)
                continue
            break
        parser = RobotFileParser(url)
        if reply.outcome is not None or reply.status is None or reply.status >= 500:
            parser.parse(_DISALLOW_ALL)  # unreachable: assume nothing may be fetched
        elif reply.status in (401, 403):
            parser.parse(_DISALLOW_ALL)  # as urllib.robotparser.read() treats them
        elif reply.status >= 300 or reply.body is None:
            parser.parse([])  # no robots.txt: everything may be fetched
        else:
            parser.parse(reply.body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(USER_AGENT_TOKEN)
        if delay is not None:
            gate = self._gate(origin)
            gate.delay = max(gate.delay, min(float(delay), self.options.max_wait))
        return parser


def crawl(sites: list[Site], raw: Path, options: CrawlOptions | None = None,
          on_fetch: Callable[[FetchRecord], None] | None = None,
          resolver: Resolver = system_resolve) -> CrawlReport:
    """Crawl every site into the store and catalog under `raw`; return what happened.

    `resolver` turns host names into addresses for the address check (the system's by
    default; the connection itself always uses the system's).
    """
    store = RawStore(raw)
    with Catalog.in_raw(raw) as catalog:
        crawler = Crawler(options or CrawlOptions(), store, catalog, on_fetch, resolver)
        return asyncio.run(crawler.run(sites))
