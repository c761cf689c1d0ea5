"""Compression: brotli or gzip for text responses, with `Vary: Accept-Encoding`.

Compressed once, at the best level: the page cache's shared pages (PageStore keeps each
encoding, app/web/pagecache.py) and the fingerprinted static files (immutable: kept here after
their first request). Other text responses of 1 KB or more are compressed on the fly at a fast
level; smaller ones are not worth it. An encoded response's ETag names its encoding
(`"abc-br"`), and a revalidation's If-None-Match is read back to the plain ETag for the layers
inside (ResponseGuard, StaticFiles), so their 304s still work.
"""

import functools
import gzip
import re

import brotli
from starlette.datastructures import Headers, MutableHeaders

MIN_BYTES = 1024
MAX_BYTES = 8 * 1024 * 1024  # bigger bodies go out as they are, without being held
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
PREFERENCE = ("br", "gzip")
_ENCODED_ETAG = re.compile(r'-(?:br|gzip)"')


@functools.lru_cache(maxsize=256)  # browsers send a handful of distinct headers, every request
def choose_encoding(accept_encoding: str) -> str | None:
    """The best encoding the client accepts (q=0 refuses), brotli first."""
    accepted = set()
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        if not re.search(r"q\s*=\s*0(\.0*)?\s*$", params):
            accepted.add(name.strip())
    return next((e for e in PREFERENCE if e in accepted or "*" in accepted), None)


def compress(body: bytes, encoding: str, *, best: bool) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=11 if best else 5)
    return gzip.compress(body, compresslevel=9 if best else 6, mtime=0)


def encoded_etag(etag: str, encoding: str) -> str:
    """`"abc"` -> `"abc-br"` (and `W/"abc"` -> `W/"abc-br"`): one ETag per representation."""
    return etag[:-1] + f'-{encoding}"' if etag.endswith('"') else etag


def is_text(headers) -> bool:
    return headers.get("content-type", "").startswith(TEXT_TYPES)


class Compression:
    def __init__(self, app, *, memo_size: int = 256):
        self.app = app
        self.memo: dict[tuple, bytes] = {}  # (path, query, encoding) -> immutable file, encoded
        self.memo_size = memo_size

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_headers = Headers(scope=scope)
        encoding = choose_encoding(request_headers.get("accept-encoding", ""))
        if_none_match = request_headers.get("if-none-match", "")
        if if_none_match:  # the layers inside know only the plain ETags
            scope = dict(scope, headers=[
                (k, _ENCODED_ETAG.sub('"', v.decode("latin-1")).encode("latin-1"))
                if k == b"if-none-match" else (k, v) for k, v in scope["headers"]])
        held: dict = {}
        parts: list[bytes] = []

        async def compressing_send(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                length = int(headers.get("content-length") or MAX_BYTES + 1)
                not_modified = message["status"] == 304  # StaticFiles' has no content-type
                if not not_modified and (not is_text(headers) or length > MAX_BYTES):
                    return await send(message)
                held.update(message)  # hold it until the whole body is here
                return
            if held and message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = self._encode(scope, held, b"".join(parts), encoding, if_none_match)
                await send(held)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, compressing_send)

    def _encode(self, scope, start: dict, body: bytes, encoding: str | None,
                if_none_match: str) -> bytes:
        """Encode `body` for this client if it pays; fix the start's headers to match."""
        headers = MutableHeaders(scope=start)
        headers.add_vary_header("Accept-Encoding")
        etag = headers.get("etag")
        already = headers.get("content-encoding")
        if start["status"] == 304:  # name the copy the client holds, whatever we would send
            if already:
                del headers["content-encoding"]
            held = next((e for e in PREFERENCE if etag and encoded_etag(etag, e) in if_none_match),
                        None)
            if held:
                headers["etag"] = encoded_etag(etag, held)
            return body
        if already:  # the page cache's pre-compressed copy
            if etag:
                headers["etag"] = encoded_etag(etag, already)
            return body
        if start["status"] != 200 or encoding is None or len(body) < MIN_BYTES:
            return body
        body = self._compressed(scope, headers, body, encoding)
        headers["content-encoding"] = encoding
        headers["content-length"] = str(len(body))
        if etag:
            headers["etag"] = encoded_etag(etag, encoding)
        return body

    def _compressed(self, scope, headers, body: bytes, encoding: str) -> bytes:
        if "immutable" not in headers.get("cache-control", ""):
            return compress(body, encoding, best=False)
        key = (scope["path"], scope.get("query_string", b""), encoding)
        if key not in self.memo:
            if len(self.memo) >= self.memo_size:
                self.memo.pop(next(iter(self.memo)))
            self.memo[key] = compress(body, encoding, best=True)
        return self.memo[key]
