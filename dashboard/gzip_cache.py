"""Streamlit's JavaScript, compressed once per process rather than once per visitor.

Streamlit serves its hashed bundles (2 MB of JavaScript for a first visit) without
compression. Starlette's `GZipMiddleware` compresses every response anew: with a dozen
browsers opening the dashboard at once, that is seconds of server CPU spent redoing the
same work. Hashed files never change under their name, so their gzip is kept here (a
bounded cache) and other responses go through `GZipMiddleware` as usual.
"""

from __future__ import annotations

import gzip
import re
from collections import OrderedDict

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Streamlit's content-hashed bundles and the component's build files
CACHEABLE = re.compile(r"/static/(js|css|media)/[\w.\-]+\.(js|css|woff2?|ttf|svg)$")
# a component's build file named by its content ("main.521860b0.js"): Streamlit serves
# it with a bare `public`, so a returning browser fetched its 55 kB on every page load
COMPONENT_HASHED = re.compile(r"^/component/[\w.\-]+/static/(js|css|media)/[\w\-]+\.[0-9a-f]{8}\.")
IMMUTABLE = b"public, max-age=31536000, immutable"
MAX_ENTRIES = 400
MAX_BYTES = 40_000_000


class CachedGzip:
    def __init__(self, app: ASGIApp, compresslevel: int = 6) -> None:
        self.app = app
        self.fallback = GZipMiddleware(app, minimum_size=1024, compresslevel=compresslevel)
        self.level = compresslevel
        self.cache: OrderedDict[str, tuple[int, list, bytes]] = OrderedDict()
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.fallback(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        wants_gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        if not (wants_gzip and CACHEABLE.search(path)):
            await self.fallback(scope, receive, send)
            return
        hit = self.cache.get(path)
        if hit is None:
            hit = await self._fetch(scope, receive)
            if hit is None:  # not a plain 200: answered as usual
                await self.fallback(scope, receive, send)
                return
        status, head, body = hit
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": body})

    async def _fetch(self, scope: Scope, receive: Receive):
        """The app's response for `scope`, gzipped and kept, or None if not cacheable."""
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        plain = dict(scope)
        plain["headers"] = [(k, v) for k, v in scope.get("headers", []) if k != b"accept-encoding"]
        await self.app(plain, receive, capture)
        head = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if COMPONENT_HASHED.match(scope["path"]):
            head = [(k, v) for k, v in head if k.lower() != b"cache-control"]
            head.append((b"cache-control", IMMUTABLE))
        if start.get("status") != 200 or any(k.lower() == b"content-encoding" for k, _ in head):
            return None
        body = gzip.compress(b"".join(chunks), compresslevel=self.level, mtime=0)
        head += [
            (b"content-encoding", b"gzip"),
            (b"vary", b"Accept-Encoding"),
            (b"content-length", str(len(body)).encode()),
        ]
        entry = (200, head, body)
        if len(body) <= MAX_BYTES // 10:
            self.cache[scope["path"]] = entry
            self.size += len(body)
            while len(self.cache) > MAX_ENTRIES or self.size > MAX_BYTES:
                _, (_, _, old) = self.cache.popitem(last=False)
                self.size -= len(old)
        return entry
