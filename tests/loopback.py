"""A real HTTP server on 127.0.0.1 serving copies of real corpus documents as a small city site.

`LoopbackSite` is http.server in a thread with a route table and a log of every request, so a
test can see what the crawler asked for (headers, times). `city_site` builds a site out of the
real pages and PDFs in ../shared/corpus, copied into a temp folder at test time, with the
hazards a crawler meets: robots.txt, a Shift_JIS page, flaky and slow responses, redirect loops.
`batch_site` serves many documents made from the real seeds, pages and small PDFs, each with a
line or comment appended so every file's bytes differ.
"""

from __future__ import annotations

import shutil
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(relative: str) -> Path:
    """Return a corpus file's path, skipping the test when the shared corpus is absent."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus not found: {path} (tests need ../shared beside the project)")
    return path


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float  # time.monotonic()


@dataclass
class Reply:
    """What the server answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    length: bool = True  # send Content-Length (False: the body ends when the connection does)


Route = Callable[[Hit, int], Reply]  # (this request, how many came before it) -> reply


def route_of(target: str) -> str:
    """Return the route of a request target: its path, also when the server is used as a
    proxy and the target is a whole URL ("http://www.example.jp/plan.html" → "/plan.html")."""
    if target.startswith(("http://", "https://")):
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    return target.split("?")[0]


class LoopbackSite:
    """An HTTP server on 127.0.0.1 with a route per path; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self.in_flight = 0
        self.most_in_flight = 0  # the most requests the server was answering at once
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()},
                          time.monotonic())
                with site._lock:
                    before = sum(1 for h in site.log if h.path == hit.path)
                    site.log.append(hit)
                    site.in_flight += 1
                    site.most_in_flight = max(site.most_in_flight, site.in_flight)
                try:
                    self._answer(hit, before)
                finally:
                    with site._lock:
                        site.in_flight -= 1

            def _answer(self, hit: Hit, before: int) -> None:
                route = site.routes.get(route_of(self.path))
                reply = route(hit, before) if route else Reply(404, b"<h1>Not Found</h1>",
                                                                {"Content-Type": "text/html"})
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if reply.length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout or a size cap): what the test wants

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> LoopbackSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def hits(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.path == path]

    def add(self, path: str, reply: Reply | Route) -> None:
        if isinstance(reply, Reply):
            fixed = reply
            self.routes[path] = lambda _hit, _n: fixed
        else:
            self.routes[path] = reply

    def add_file(self, path: str, file: Path, content_type: str, etag: bool = False) -> None:
        """Serve a file's current bytes (re-read each time), answering 304 to a matching ETag."""

        def route(hit: Hit, _n: int) -> Reply:
            body = file.read_bytes()
            headers = {"Content-Type": content_type}
            if etag:
                tag = f'"{zlib.crc32(body):08x}"'
                headers["ETag"] = tag
                if hit.headers.get("if-none-match") == tag:
                    return Reply(304, b"", {"ETag": tag})
            return Reply(200, body, headers)

        self.routes[path] = route


def link_list(links: list[tuple[str, str]]) -> bytes:
    """Return an HTML list of links to inject before </body> (hand-made navigation)."""
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f'<ul class="injected">{items}</ul>'.encode()


def with_links(page: bytes, links: list[tuple[str, str]]) -> bytes:
    """Return a real page with a list of links added before its </body>."""
    marker = page.rfind(b"</body>")
    cut = marker if marker >= 0 else len(page)
    return page[:cut] + link_list(links) + page[cut:]


HTML = "text/html; charset=utf-8"
PDF = "application/pdf"

# Which real documents play which role on the city site.
INDEX_PAGE = "html/sabae_reiki_html/r400RG00000063.html"  # 鯖江市総合計画審議会条例
PLAN_PAGE = "html/sabae_reiki_html/r400RG00000546.html"  # 鯖江市政策会議等の…規程
SJIS_PAGE = "html/tailmatch_municipal_html/ishikawa__kanazawa-city-cats__20251113_154936_tail.html"
PLAN_PDF = "pdf/nepp-chan_otoineppu/koudoukeikaku.pdf"  # 特定事業主行動計画, 290 KB
SMALL_PDF = "pdf/pdfminer_samples/jo.pdf"  # 3 KB
BIG_PDF = "pdf/nankoku_gikai/南国市ＤＸ推進方針_R040224.pdf"  # 800 KB: over the test size cap
SJIS_ANCHOR = "第2次特定事業主行動計画（本文）"
SEEDS = [f"seeds/{name}" for name in (
    "000_a41e65aa208a94a2.txt", "001_30a96376731425c2.txt", "002_72b46c5c509331ba.txt",
    "003_55fed4913e2e52af.txt", "004_d3590a2c8a5fdfc2.txt")]
TEST_MAX_SIZE = 500_000  # bytes: the big PDF is over it, every other document under


def city_site(tmp: Path) -> LoopbackSite:
    """Return (not started) a city site built from copies of real documents under `tmp`."""
    copies = tmp / "site"
    copies.mkdir(parents=True, exist_ok=True)

    def copy(relative: str, name: str) -> Path:
        return Path(shutil.copyfile(corpus_file(relative), copies / name))

    site = LoopbackSite()
    index = copy(INDEX_PAGE, "index.html")
    index.write_bytes(with_links(index.read_bytes(), [
        ("/keikaku/gyokaku.html", "行政改革大綱"),
        ("/keikaku/kurashi.html", "暮らしの計画"),
        ("/private/draft.html", "内部資料"),
        ("/keikaku/missing.pdf", "削除された計画"),
        ("https://other.example.jp/keikaku/plan.pdf", "他市の計画"),
        ("/images/logo.png", "ロゴ"),
        ("/loop/a.html", "行ったり来たり"),
        ("/moved/plan.txt", "移転した計画"),
    ]))
    site.add_file("/keikaku/index.html", index, HTML)

    plan_page = copy(PLAN_PAGE, "gyokaku.html")
    plan_page.write_bytes(with_links(plan_page.read_bytes(), [
        ("/files/koudoukeikaku.pdf", "特定事業主行動計画（PDF：290KB）"),
        ("/files/flaky.pdf", "実施計画（PDF）"),
        ("/files/busy.txt", "集中改革プラン"),
        ("/files/slow.pdf", "推進計画（PDF）"),
        ("/files/huge.pdf", "DX推進方針（PDF：800KB）"),
        ("/files/stream.pdf", "DX推進方針 別版（PDF）"),
        ("/files/etag.txt", "行政改革大綱（本文）"),
        ("/private/secret.pdf", "非公開の計画"),
    ]))
    site.add_file("/keikaku/gyokaku.html", plan_page, HTML)

    # A real page re-encoded as Shift_JIS, its <meta charset> removed: the header alone says it.
    sjis = copies / "kurashi.html"
    text = corpus_file(SJIS_PAGE).read_text("utf-8")
    text = text.replace('<meta charset="utf-8">', "")
    text = text.replace("</body>", link_list([("/files/sjis-plan.txt", SJIS_ANCHOR)]).decode()
                        + "</body>")
    sjis.write_bytes(text.encode("cp932", errors="xmlcharrefreplace"))
    site.add_file("/keikaku/kurashi.html", sjis, "text/html; charset=Shift_JIS")

    site.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n",
                                  {"Content-Type": "text/plain"}))
    site.add_file("/private/draft.html", index, HTML)
    site.add_file("/private/secret.pdf", copy(SMALL_PDF, "secret.pdf"), PDF)
    site.add_file("/files/koudoukeikaku.pdf", copy(PLAN_PDF, "koudoukeikaku.pdf"), PDF)
    site.add_file("/files/sjis-plan.txt", copy(SEEDS[4], "sjis-plan.txt"), "text/plain")
    etag_doc = copy(SEEDS[0], "etag.txt")
    site.add_file("/files/etag.txt", etag_doc, "text/plain; charset=utf-8", etag=True)

    flaky = copy(SMALL_PDF, "flaky.pdf").read_bytes()
    site.add("/files/flaky.pdf", lambda _h, n: Reply(500, b"busy") if n == 0
             else Reply(200, flaky, {"Content-Type": PDF}))
    busy = copy(SEEDS[1], "busy.txt").read_bytes()
    site.add("/files/busy.txt", lambda _h, n: Reply(429, b"", {"Retry-After": "1"}) if n == 0
             else Reply(200, busy, {"Content-Type": "text/plain; charset=utf-8"}))
    site.add("/files/slow.pdf", Reply(200, flaky, {"Content-Type": PDF}, delay=1.0))
    big = copy(BIG_PDF, "huge.pdf").read_bytes()
    site.add("/files/huge.pdf", Reply(200, big, {"Content-Type": PDF}))
    site.add("/files/stream.pdf", Reply(200, big, {"Content-Type": PDF}, length=False))
    site.add("/loop/a.html", Reply(302, b"", {"Location": "/loop/b.html"}))
    site.add("/loop/b.html", Reply(302, b"", {"Location": "/loop/a.html"}))
    site.add("/moved/plan.txt", Reply(301, b"", {"Location": "/files/moved-plan.txt"}))
    site.add_file("/files/moved-plan.txt", copy(SEEDS[2], "moved-plan.txt"), "text/plain")
    return site


def batch_documents(tmp: Path, count: int) -> list[tuple[str, Path, str]]:
    """Write `count` documents whose bytes all differ; return (url path, file, content type).

    Each is a copy of a real seed text, page or small PDF with one line appended: a numbered
    line for texts, an HTML comment for pages, a PDF comment after %%EOF for PDFs.
    """
    sources = [(relative, "text/plain; charset=utf-8", b"\n(%d)\n") for relative in SEEDS]
    sources += [(INDEX_PAGE, HTML, b"\n<!-- %d -->\n"), (PLAN_PAGE, HTML, b"\n<!-- %d -->\n"),
                (SMALL_PDF, PDF, b"\n%% %d\n")]
    originals = [(corpus_file(rel).read_bytes(), rel, kind, tail) for rel, kind, tail in sources]
    folder = tmp / "batch"
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    for number in range(count):
        data, relative, kind, tail = originals[number % len(originals)]
        suffix = Path(relative).suffix
        file = folder / f"doc{number:04d}{suffix}"
        file.write_bytes(data + tail % number)
        documents.append((f"/batch/doc{number:04d}{suffix}", file, kind))
    return documents


def batch_site(tmp: Path, count: int) -> LoopbackSite:
    """Return (not started) a site whose /batch/ page links `count` distinct documents."""
    site = LoopbackSite()
    documents = batch_documents(tmp, count)
    for path, file, kind in documents:
        site.add_file(path, file, kind)
    page = b"<html><body>" + link_list([(p, f"計画 {i}") for i, (p, _, _) in
                                        enumerate(documents)]) + b"</body></html>"
    site.add("/batch/", Reply(200, page, {"Content-Type": HTML}))
    site.add("/robots.txt", Reply(404, b""))
    return site
