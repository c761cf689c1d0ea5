"""Parts of pages that are the same for every visitor, rendered once and kept.

A whole page cannot be kept: its header shows who is signed in. Its body often can: a
service page's body depends only on the content, which is fixed from start-up. The first
request for a key renders it; later ones reuse the Markup (two first requests racing only
render it twice). Keys come from the content (slugs), so the store cannot grow without bound.
"""

from collections.abc import Callable

from fastapi.templating import Jinja2Templates
from markupsafe import Markup


class Fragments:
    def __init__(self, templates: Jinja2Templates):
        self._env = templates.env
        self._kept: dict[tuple[str, str], Markup] = {}

    def render(self, template: str, key: str, context: Callable[[], dict]) -> Markup:
        """`template` rendered with `context()` the first time `key` is asked for, then kept."""
        found = self._kept.get((template, key))
        if found is None:
            found = Markup(self._env.get_template(template).render(context()))
            self._kept[(template, key)] = found
        return found

    def __len__(self) -> int:
        return len(self._kept)
