"""The one redirect of the web edge: 303 See Other, returned by routes or raised by
dependencies (a dependency cannot return a response, so it raises `SeeOther`)."""

from starlette.responses import RedirectResponse


def see_other(url: str) -> RedirectResponse:
    """After a form post, or to send a visitor elsewhere: the browser GETs `url`."""
    return RedirectResponse(url, status_code=303)


class SeeOther(Exception):  # noqa: N818 - named after the status it becomes
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url
