"""Pre-rendered pages for visitors without a sign-in, served without entering the framework.

A visitor with no sign-in cookie (a first request, a crawler, a load test, anyone who has not
written anything yet) sees exactly the same chapter page as every other such visitor: it
carries no CSRF token and no personal data. The chapter route renders it once and stores it
here; later such GETs for the same path are answered straight from memory. ResponseGuard,
outside this middleware, still adds the security headers and the CSRF cookie and answers 304s.
Each page is compressed once, when stored, in every encoding app/web/compression.py offers.
"""

from starlette.datastructures import Headers

from app.web.compression import PREFERENCE, choose_encoding, compress


class PageStore:
    """Path -> ({encoding: body}, ETag), filled by the chapter route, read by PageCache.

    The encoding "" is the plain body."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[dict[str, bytes], str]] = {}

    def store(self, path: str, body: bytes, etag: str) -> None:
        bodies = {"": body} | {e: compress(body, e, best=True) for e in PREFERENCE}
        self.pages[path] = (bodies, etag)


class PageCache:
    def __init__(self, app, *, store: PageStore):
        self.app = app
        self.pages = store.pages

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and scope["method"] == "GET"
                and not scope.get("query_string")
                and scope.get("state", {}).get("no_sign_in")
                and scope["path"] in self.pages):
            bodies, etag = self.pages[scope["path"]]
            encoding = choose_encoding(Headers(scope=scope).get("accept-encoding", ""))
            body = bodies[encoding or ""]
            headers = [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"etag", etag.encode()),
                (b"cache-control", b"no-cache"),
            ]
            if encoding:
                headers.append((b"content-encoding", encoding.encode()))
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
