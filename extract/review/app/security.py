"""The app's guard, in front of every request: access token, host, origin and CSRF, body size.

- Bound to a loopback address without a token, only requests naming a loopback host are served
  (a DNS-rebinding page names its own host); bound to any other address, a token is required
  at start-up and on every request (as `?token=` once, then a cookie, or a Bearer header).
- A write (any method but GET, HEAD, OPTIONS) needs the page's CSRF token in `X-CSRF-Token`
  and, when the browser says where it comes from (`Origin`, `Sec-Fetch-Site`), this origin.
- A body longer than `max_body` bytes is refused with 413, whether announced or streamed.
"""

from __future__ import annotations

import ipaddress
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_COOKIE = "review_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SAME_SITE = frozenset({"same-origin", "none"})  # `none`: typed in the address bar


class TokenRequired(ValueError):
    """Serving beyond this machine without an access token."""


def is_loopback(host: str) -> bool:
    """Return whether `host` (a name or an address) can only be reached from this machine."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve a non-loopback address without a token."""
    if not is_loopback(host) and not token:
        raise TokenRequired(f"binding {host} serves other machines: give --token (at least "
                            "16 characters), or bind 127.0.0.1")
    if token is not None and len(token) < 16:
        raise TokenRequired("a token needs at least 16 characters")


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[: host_header.find("]") + 1]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """ASGI middleware enforcing the rules in the module docstring."""

    def __init__(self, app: ASGIApp, *, csrf: str, token: str | None, max_body: int) -> None:
        self.app = app
        self.csrf = csrf
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        announced = headers.get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_body:
            await self._too_large()(scope, receive, send)
            return
        await self.app(scope, self._limited(receive), send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        host = headers.get("host", "")
        if self.token is None and _host_name(host) not in LOOPBACK_NAMES:
            return PlainTextResponse("unknown host: this server answers to 127.0.0.1 only",
                                     status_code=421)
        if self.token is not None:
            response = self._token_refusal(scope, headers)
            if response is not None:
                return response
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        scheme = scope.get("scheme", "http")
        if origin is not None and origin != f"{scheme}://{host}":
            return PlainTextResponse(f"cross-origin write refused (from {origin})", 403)
        if headers.get("sec-fetch-site", "same-origin") not in SAME_SITE:
            return PlainTextResponse("cross-site write refused", status_code=403)
        if not secrets.compare_digest(headers.get(CSRF_HEADER, ""), self.csrf):
            return PlainTextResponse("missing or wrong CSRF token: reload the page",
                                     status_code=403)
        return None

    def _token_refusal(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        assert self.token is not None
        cookie = SimpleCookie(headers.get("cookie", ""))
        given = cookie[TOKEN_COOKIE].value if TOKEN_COOKIE in cookie else ""
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            given = auth.removeprefix("Bearer ")
        if given and secrets.compare_digest(given, self.token):
            return None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if scope["method"] == "GET" and secrets.compare_digest(query.get("token", ""),
                                                               self.token):
            # Into a cookie and out of the address bar (and of the history, and of referrers).
            rest = urlencode({k: v for k, v in query.items() if k != "token"})
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return response
        return PlainTextResponse("token required: open the URL `extract review` printed",
                                 status_code=401)

    def _too_large(self) -> Response:
        return PlainTextResponse(f"request body over {self.max_body} bytes", status_code=413)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        return counted


class BodyTooLarge(Exception):
    """A streamed body ran past the limit (the handler turns it into a 413)."""
