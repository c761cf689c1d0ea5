"""Full-text search over chapter sections, built once at start-up and held in memory.

The guide is a few dozen sections, so a scan of pre-tokenised sections answers in well under
a millisecond and works the same whatever database is configured.
"""

import html
import re
from dataclasses import dataclass

from app.guide.chapters import Chapter

WORD = re.compile(r"[\w']+", re.UNICODE)
HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
SNIPPET_CHARS = 220
MAX_RESULTS = 20
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Section:
    chapter: Chapter
    anchor: str | None
    heading: str
    text: str
    words: frozenset[str]
    heading_words: frozenset[str]

    @property
    def url(self) -> str:
        return f"{self.chapter.url}#{self.anchor}" if self.anchor else self.chapter.url


@dataclass(frozen=True)
class Hit:
    section: Section
    before: str
    match: str
    after: str


def words_of(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _plain(fragment: str) -> str:
    text = TAG.sub(" ", fragment.replace('>#</a>', "></a>"))
    return " ".join(html.unescape(text).split())


def build_sections(chapters: list[Chapter]) -> tuple[Section, ...]:
    """Split each chapter's HTML at its h2/h3 headings into searchable sections."""
    sections = []
    for chapter in chapters:
        pieces = HEADING.split(chapter.html)
        # split() yields: intro, then (level, id, title, body) for each heading
        intro = _plain(pieces[0])
        sections.append(_section(chapter, None, chapter.title, chapter.summary + " " + intro))
        for i in range(1, len(pieces), 4):
            _, anchor, title, body = pieces[i:i + 4]
            sections.append(_section(chapter, anchor, _plain(title), _plain(body)))
    return tuple(sections)


def _section(chapter: Chapter, anchor: str | None, heading: str, text: str) -> Section:
    return Section(chapter=chapter, anchor=anchor, heading=heading, text=text,
                   words=frozenset(words_of(text)), heading_words=frozenset(words_of(heading)))


def search(sections: tuple[Section, ...], query: str) -> list[Hit]:
    """Sections containing every query word (prefix match on the last one), best first."""
    terms = words_of(query[:MAX_QUERY_CHARS])
    if not terms:
        return []
    scored = []
    for order, section in enumerate(sections):
        score = _score(section, terms)
        if score:
            scored.append((-score, order, section))
    scored.sort(key=lambda item: item[:2])
    return [_hit(section, terms) for _, _, section in scored[:MAX_RESULTS]]


def _score(section: Section, terms: list[str]) -> int:
    score = 0
    *whole, last = terms
    for term in whole:
        if term not in section.words:
            return 0
        score += 3 if term in section.heading_words else 1
    if last in section.words:
        score += 3 if last in section.heading_words else 1
    elif any(w.startswith(last) for w in section.words):
        score += 1
    else:
        return 0
    return score


def _hit(section: Section, terms: list[str]) -> Hit:
    """A snippet around the first occurrence of a query word, split for highlighting."""
    text = section.text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")", re.IGNORECASE)
    found = pattern.search(text)
    if not found:
        return Hit(section, text[:SNIPPET_CHARS], "", "")
    start = max(0, found.start() - SNIPPET_CHARS // 3)
    end = min(len(text), found.end() + SNIPPET_CHARS * 2 // 3)
    before = ("… " if start else "") + text[start:found.start()]
    after = text[found.end():end] + (" …" if end < len(text) else "")
    return Hit(section, before, found.group(0), after)
