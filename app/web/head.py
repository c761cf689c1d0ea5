"""HEAD on every GET route: uptime monitors and link checkers ask HEAD, FastAPI routes only GET.

The request runs as the GET it stands for (same headers, same status, same Content-Length) and
the body is dropped on the way out, as RFC 9110 section 9.3.2 asks.
"""


class HeadAsGet:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_without_body(message):
            if message["type"] != "http.response.body":
                return await send(message)
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
