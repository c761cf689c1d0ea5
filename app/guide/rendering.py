"""The one configured Markdown renderer. Used at start-up only, never per request."""

import html
from dataclasses import dataclass

import markdown

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "sane_lists"]
EXTENSION_CONFIGS = {
    "toc": {
        "permalink": "#",
        "permalink_title": "Link to this section",
        "toc_depth": "2-3",
    },
}


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]


class MarkdownRenderer:
    """Wraps a single Markdown instance, reset between documents."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)

    def render(self, text: str) -> Rendered:
        self._md.reset()
        html = self._md.convert(text)
        return Rendered(html=html, headings=tuple(_flatten(self._md.toc_tokens)))

    def render_inline(self, text: str) -> str:
        """Markdown for one short piece of text (a quiz prompt or explanation), no <p> wrapper."""
        html = self.render(text).html
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def _flatten(tokens: list[dict]):
    for token in tokens:
        yield Heading(level=token["level"], id=token["id"], title=html.unescape(token["name"]))
        yield from _flatten(token["children"])
