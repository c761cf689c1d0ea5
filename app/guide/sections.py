"""Chapter sections as plain text for search: one section per h2/h3, one line per block.

Paragraphs, list items and headings become lines of their own; a table row becomes one
line with its cells joined by " · ", so a snippet from a table reads as a row, not as noise.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from app.guide.chapters import Chapter

HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # the search marks matches with \x02 and \x03
CELL_SEPARATOR = " · "
BLOCKS = frozenset({"p", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote",
                    "div", "details", "summary", "caption", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Section:
    chapter: Chapter
    anchor: str | None  # None for the chapter's introduction, before its first heading
    heading: str
    text: str  # blocks, one per line

    @property
    def url(self) -> str:
        return f"{self.chapter.url}#{self.anchor}" if self.anchor else self.chapter.url


class _Blocks(HTMLParser):
    """Collects the text of an HTML fragment block by block, without permalink marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._in_permalink = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.flush()
        elif tag in ("td", "th") and "".join(self._line).strip():
            self._line.append(CELL_SEPARATOR)
        elif tag == "br":
            self._line.append(" ")
        elif tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self._in_permalink = True

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.flush()
        elif tag == "a":
            self._in_permalink = False

    def handle_data(self, data: str) -> None:
        if not self._in_permalink:
            self._line.append(data)

    def flush(self) -> None:
        line = " ".join(CONTROL.sub(" ", "".join(self._line)).split())
        if line:
            self.lines.append(line)
        self._line = []


def plain_lines(fragment: str) -> list[str]:
    """The text of an HTML fragment, one line per block (table rows as `cell · cell`)."""
    parser = _Blocks()
    parser.feed(fragment)
    parser.close()
    parser.flush()
    return parser.lines


def build_sections(chapters: list[Chapter]) -> tuple[Section, ...]:
    """Split each chapter's HTML at its h2/h3 headings into searchable sections."""
    sections = []
    for chapter in chapters:
        pieces = HEADING.split(chapter.html)
        # split() yields: intro, then (level, id, title, body) for each heading
        intro = [chapter.summary, *plain_lines(pieces[0])]
        sections.append(Section(chapter, None, chapter.title, "\n".join(intro)))
        for i in range(1, len(pieces), 4):
            _, anchor, title, body = pieces[i:i + 4]
            heading = " ".join(plain_lines(title))
            sections.append(Section(chapter, anchor, heading, "\n".join(plain_lines(body))))
    return tuple(sections)
