"""The one configured Markdown renderer. Used at start-up only, never per request."""

import html
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


class ReaderFriendlyHtml(Treeprocessor):
    """After the TOC: name each heading's permalink after its section (not "#"), and put each
    table in a labelled, keyboard-focusable scroll region, so a wide table scrolls by itself
    on a phone instead of the page (WCAG 1.4.10) and axe's scrollable-region-focusable holds."""

    def run(self, root):
        heading = ""
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.tag in ("h2", "h3", "h4"):
                heading = _heading_text(element)
                for link in element.iter("a"):
                    if "headerlink" in (link.get("class") or ""):
                        link.set("aria-label", f"Link to section {heading}")
                        link.attrib.pop("title", None)
            elif element.tag == "table" and element in parents:
                _wrap(element, parents[element], heading)


def _heading_text(element) -> str:
    """The heading's words, without its permalink's "#"."""
    words = [element.text or ""]
    for child in element:
        if "headerlink" not in (child.get("class") or ""):
            words.append("".join(child.itertext()))
        words.append(child.tail or "")
    return " ".join("".join(words).split())


def _wrap(table, parent, heading: str) -> None:
    region = etree.Element("div", {"class": "table-scroll", "role": "region", "tabindex": "0",
                                   "aria-label": f"Table: {heading}" if heading else "Table"})
    index = list(parent).index(table)
    parent.remove(table)
    region.append(table)
    region.tail, table.tail = table.tail, None
    parent.insert(index, region)


class ReaderFriendlyExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(ReaderFriendlyHtml(md), "reader_friendly", 4)  # after toc (5)


class MarkdownRenderer:
    """Wraps a single Markdown instance, reset between documents."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=[*EXTENSIONS, ReaderFriendlyExtension()],
                                     extension_configs=EXTENSION_CONFIGS)

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
