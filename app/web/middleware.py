"""Request and response guards, as plain ASGI middleware (cheap on every request).

RequestGuard: request body size limit, the CSRF token (a signed `csrftoken` cookie echoed in
the `csrf_token` form field or the `X-CSRF-Token` header on every state-changing request), and
then, as defence in depth, a cross-site `Origin` or `Sec-Fetch-Site: cross-site` is refused.
ResponseGuard: security headers, the CSRF cookie, and ETags on HTML so a revisit can get 304.

The token is bound to the sign-in: nonce.HMAC(secret, nonce | SHA-256(sign-in cookie or "")),
checked against the sign-in cookie the request carries. A token planted in a victim's browser
(minted without their sign-in) or taken from another sign-in fails. When a response sets or
clears the sign-in cookie, ResponseGuard issues a token bound to the new value alongside it.

This is the only module that keeps values on the request (`scope["state"]`): the CSRF token
a page must embed (read it with `csrf_token(request)`) and whether the visitor has none of our
sign-in cookie (the page cache serves those visitors). Use cases never pass results this way.
"""

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request

from app.web.cookies import CSRF_COOKIE, SIGN_IN_COOKIE, cookie_header, read_cookie

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
# What only a document obeys: a stylesheet or script is never one, so it goes without (these
# headers were half the bytes of a small compressed script).
DOCUMENT_ONLY = {b"content-security-policy", b"x-frame-options", b"cross-origin-opener-policy",
                 b"permissions-policy"}
SUBRESOURCE_TYPES = ("text/css", "text/javascript", "application/javascript")


def sign_csrf(secret: str, nonce: str, sign_in: str | None) -> str:
    """A token for this nonce, bound to the sign-in cookie value (None or "": no sign-in)."""
    binding = hashlib.sha256((sign_in or "").encode()).hexdigest()
    message = f"{nonce}|{binding}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]
    return f"{nonce}.{mac}"


def new_csrf(secret: str, sign_in: str | None) -> str:
    return sign_csrf(secret, secrets.token_urlsafe(18), sign_in)


def valid_csrf(secret: str, token: str | None, sign_in: str | None) -> bool:
    if not token or "." not in token:
        return False
    nonce = token.split(".", 1)[0]
    return hmac.compare_digest(sign_csrf(secret, nonce, sign_in), token)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def csrf_token(request: Request) -> str:
    """The CSRF token a form on this request's page must carry (set by RequestGuard)."""
    return getattr(request.state, "csrf_token", "")


def rebind_csrf(request: Request, sign_in: str | None) -> None:
    """A use case just signed this browser in (its first write made its user): the page
    rendered in the same response must carry the token bound to that new sign-in, and
    ResponseGuard sends the same token as the cookie."""
    if sign_in:
        secret = request.app.state.settings.resolved_secret_key
        request.state.csrf_token = new_csrf(secret, sign_in)
        request.state.csrf_bound_to = sign_in


def has_no_sign_in(request: Request) -> bool:
    """No sign-in cookie came with the request: every such visitor sees the same page."""
    return getattr(request.state, "no_sign_in", False)


class RequestGuard:
    def __init__(self, app, *, secret: str, max_body_bytes: int, base_url: str | None):
        self.app = app
        self.secret = secret
        self.max_body_bytes = max_body_bytes
        # GUIDE_BASE_URL, when set, is the site's own origin too (behind a proxy that does not
        # pass the Host header on); unset, the request's own host is the only one.
        self.public_origin = origin_of(base_url) if base_url else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        token = read_cookie(headers, CSRF_COOKIE)
        sign_in = read_cookie(headers, SIGN_IN_COOKIE)
        state = scope.setdefault("state", {})
        if not valid_csrf(self.secret, token, sign_in):
            token = new_csrf(self.secret, sign_in)
            state["set_csrf_cookie"] = True
        state["no_sign_in"] = sign_in is None
        state["csrf_token"] = token
        if scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)

        body = await self._read_body(receive)
        if body is None:
            return await self._reject(scope, send, 413, "The request body is too large.")
        if not self._csrf_ok(scope, headers, body, state):
            return await self._reject(
                scope, send, 403,
                "The form's security token is missing or wrong. Reload the page and try again.")
        if not self._same_site(scope, headers):
            return await self._reject(scope, send, 403,
                                      "This request came from another site and was refused.")
        await self.app(scope, _replay(body), send)

    def _same_site(self, scope, headers: Headers) -> bool:
        """No cross-site Origin and no `Sec-Fetch-Site: cross-site` (token clients exempt)."""
        if headers.get("authorization", "").lower().startswith("bearer "):
            return True
        if headers.get("sec-fetch-site", "").lower() == "cross-site":
            return False
        origin = headers.get("origin")
        if origin is None:
            return True  # older browsers and non-browser clients: the token check stands
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        return origin.lower() in (own, self.public_origin)

    async def _read_body(self, receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        return b"".join(chunks)

    def _csrf_ok(self, scope, headers: Headers, body: bytes, state: dict) -> bool:
        if headers.get("authorization", "").lower().startswith("bearer "):
            # A token client needs no CSRF check, and its cookies are dropped so that a
            # token header can never carry a cookie session past the check.
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            return True
        if state.get("set_csrf_cookie"):
            return False  # no valid cookie came with the request
        submitted = headers.get(CSRF_HEADER)
        content_type = headers.get("content-type", "")
        if submitted is None and content_type.startswith("application/x-www-form-urlencoded"):
            fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
            submitted = (fields.get(CSRF_FIELD) or [None])[0]
        return submitted is not None and hmac.compare_digest(submitted, state["csrf_token"])

    async def _reject(self, scope, send, status: int, message: str):
        from app.web.errors import error_response  # late: it renders through this module

        # `send` already passes through ResponseGuard, which adds the headers and cookies
        response = await error_response(Request(scope), status, message)
        await response(scope, _no_body, send)


async def _no_body():
    return {"type": "http.request", "body": b"", "more_body": False}


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class ResponseGuard:
    def __init__(self, app, *, https: bool, secret: str):
        self.app = app
        self.https = https
        self.secret = secret

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state = scope.setdefault("state", {})
        is_get = scope["method"] in ("GET", "HEAD")
        start: dict = {}
        body_parts: list[bytes] = []

        async def guarded_send(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                self._add_headers(headers, state)
                if is_get and message["status"] == 200 and _is_html(headers):
                    start.update(message)  # hold it: the ETag needs the whole body
                    return
                return await send(message)
            if start and message["type"] == "http.response.body":
                body_parts.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                return await self._send_with_etag(scope, start, b"".join(body_parts), send)
            await send(message)

        await self.app(scope, receive, guarded_send)

    def _add_headers(self, headers: MutableHeaders, state: dict) -> None:
        subresource = headers.get("content-type", "").startswith(SUBRESOURCE_TYPES)
        for name, value in SECURITY_HEADERS:
            if not (subresource and name in DOCUMENT_ONLY):
                headers.raw.append((name, value))
        if self.https:
            headers.raw.append((b"strict-transport-security", b"max-age=31536000"))
        new_sign_in = _new_sign_in(headers)
        if new_sign_in is not None:  # signed in, out, or anonymous for the first time
            token = (state["csrf_token"] if state.get("csrf_bound_to") == new_sign_in
                     else new_csrf(self.secret, new_sign_in))
            # a script's next request needs it, and the cookie is HttpOnly (same-origin only)
            headers.raw.append((CSRF_HEADER.encode(), token.encode()))
        elif state.get("set_csrf_cookie"):
            token = state["csrf_token"]
        else:
            return
        headers.raw.append((b"set-cookie", cookie_header(
            CSRF_COOKIE, token, max_age=None, https=self.https).encode()))

    async def _send_with_etag(self, scope, start: dict, body: bytes, send) -> None:
        headers = MutableHeaders(scope=start)
        etag = headers.get("etag") or '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        headers["etag"] = etag
        headers.setdefault("cache-control", "no-cache")
        if etag in Headers(scope=scope).get("if-none-match", ""):
            start["status"] = 304
            if "content-length" in headers:
                del headers["content-length"]
            body = b""
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _new_sign_in(headers: MutableHeaders) -> str | None:
    """The sign-in cookie value this response sets ("" when it clears it), else None."""
    prefix = f"{SIGN_IN_COOKIE}=".encode()
    for name, value in headers.raw:
        if name == b"set-cookie" and value.startswith(prefix):
            return value[len(prefix):].split(b";", 1)[0].decode("latin-1")
    return None


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith("text/html")
