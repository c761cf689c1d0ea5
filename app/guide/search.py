"""Full-text search over chapter sections and the service baselines: SQLite FTS5 with the
porter stemmer.

The index lives in a private in-memory SQLite database (stdlib sqlite3) built once at
start-up, whatever database the app is configured with. Porter stemming makes "patches",
"patching" and "patch" one word; hyphenated and split compounds ("multi-factor",
"multi factor") are matched with their joined form ("multifactor") and back. The query is
reduced to plain words before it reaches FTS5, so its syntax (quotes, `*`, NEAR, `-`, `:`,
parentheses) is never interpreted and never raises. Ranking is BM25, headings weigh more.
"""

import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from typing import NamedTuple

from app.guide.baselines import ServiceBaseline
from app.guide.chapters import Chapter
from app.guide.sections import Section, build_sections

logger = logging.getLogger(__name__)
MAX_QUERY_CHARS = 200
MAX_TERMS = 12  # words after the twelfth are ignored
MIN_JOINED_CHARS = 5  # "in to" is not "into"
MAX_PER_CHAPTER = 5  # sections shown under each chapter; the counts stay true
HEADING_WEIGHT, BODY_WEIGHT = 5.0, 1.0
SNIPPET_TOKENS = 30
START, END = "\x02", "\x03"  # match marks inside FTS5 output (sections hold no control chars)
ELLIPSIS = "…"
WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")  # a word, keeping a hyphenated compound whole
HYPHEN = re.compile(r"[-‐‑]")
SCHEMA = ("CREATE VIRTUAL TABLE sections USING fts5("
          "heading, body, tokenize = 'porter unicode61 remove_diacritics 2')")
QUERY = (f"SELECT rowid, highlight(sections, 0, ?1, ?2),"
         f" snippet(sections, 1, ?1, ?2, '{ELLIPSIS}', {SNIPPET_TOKENS})"
         f" FROM sections WHERE sections MATCH ?3"
         f" ORDER BY bm25(sections, {HEADING_WEIGHT}, {BODY_WEIGHT}), rowid")
# Services: one row each, its name (and category) as the heading, its features as the body.
SERVICE_SCHEMA = SCHEMA.replace("sections", "services")
SERVICE_QUERY = QUERY.replace("sections", "services")
MAX_SERVICES = 8  # services shown; the count stays true


class Fragment(NamedTuple):
    """A piece of a heading or snippet; the template marks the pieces that matched."""

    text: str
    match: bool


@dataclass(frozen=True)
class Hit:
    section: Section
    heading: tuple[Fragment, ...]
    snippet: tuple[Fragment, ...]


@dataclass(frozen=True)
class ChapterHits:
    chapter: Chapter
    hits: tuple[Hit, ...]  # the best MAX_PER_CHAPTER, best first
    total: int  # every matching section in this chapter


@dataclass(frozen=True)
class ServiceHit:
    service: ServiceBaseline
    heading: tuple[Fragment, ...]
    snippet: tuple[Fragment, ...]


@dataclass(frozen=True)
class SearchResults:
    """Every matching section, grouped by chapter (best chapter first), and the matching
    services (the best MAX_SERVICES; `services_total` counts them all)."""

    query: str
    groups: tuple[ChapterHits, ...] = ()
    services: tuple[ServiceHit, ...] = ()
    services_total: int = 0

    @property
    def hits(self) -> tuple[Hit, ...]:
        """The shown hits, chapter by chapter."""
        return tuple(hit for group in self.groups for hit in group.hits)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def shown(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    @property
    def summary(self) -> str:
        """E.g. "13 sections in 5 chapters"."""
        return f"{_count(self.total, 'section')} in {_count(len(self.groups), 'chapter')}"

    def __bool__(self) -> bool:
        return bool(self.groups or self.services)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class SearchIndex:
    """The sections of every chapter in an FTS5 table; safe to share between threads."""

    def __init__(self, chapters: list[Chapter],
                 services: tuple[ServiceBaseline, ...] = ()) -> None:
        self.sections = build_sections(chapters)
        self.services = services
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(SCHEMA)
        self._db.executemany(
            "INSERT INTO sections (rowid, heading, body) VALUES (?, ?, ?)",
            [(n, s.heading, s.text) for n, s in enumerate(self.sections)])
        self._db.execute(SERVICE_SCHEMA)
        self._db.executemany(
            "INSERT INTO services (rowid, heading, body) VALUES (?, ?, ?)",
            [(n, *_service_text(s)) for n, s in enumerate(services)])
        self._db.commit()
        self._compounds, self._words = _vocabulary(
            [(s.heading, s.text) for s in self.sections]
            + [_service_text(s) for s in services])

    def search(self, query: str) -> SearchResults:
        """Sections containing every query word (in any of its forms), best first."""
        expression = self.match_expression(query)
        if not expression:
            return SearchResults(query)
        with self._lock:
            try:
                rows = self._db.execute(QUERY, (START, END, expression)).fetchall()
                service_rows = self._db.execute(
                    SERVICE_QUERY, (START, END, expression)).fetchall()
            except sqlite3.Error:  # the expression is built from plain words; never expected
                logger.exception("search failed for the FTS5 expression %r", expression)
                return SearchResults(query)
        services = tuple(
            ServiceHit(self.services[rowid], _fragments(heading), _fragments(_snippet(snippet)))
            for rowid, heading, snippet in service_rows[:MAX_SERVICES])
        return SearchResults(query, _grouped(self.sections, rows), services, len(service_rows))

    def match_expression(self, query: str) -> str:
        """The query as an FTS5 expression of quoted plain words: no user syntax survives."""
        words = [HYPHEN.split(w) for w in WORD.findall(_clean(query))][:MAX_TERMS]
        groups, i = [], 0
        while i < len(words):
            parts = words[i]
            following = words[i + 1] if i + 1 < len(words) else None
            if len(parts) > 1:  # multi-factor: the phrase "multi factor" or multifactor
                groups.append(_either(parts))
            elif following and len(following) == 1 and self._joins(parts[0], following[0]):
                groups.append(_either([parts[0], following[0]]))  # multi factor
                i += 1
            elif parts[0] in self._compounds:  # multifactor, where the text says multi-factor
                groups.append(_either(self._compounds[parts[0]]))
            else:
                groups.append(_quote(parts[0]))
            i += 1
        return " AND ".join(groups)

    def _joins(self, first: str, second: str) -> bool:
        """Two query words that the text also writes as one ("multi factor", "set up")."""
        joined = first + second
        return len(joined) >= MIN_JOINED_CHARS and joined in self._words


def _clean(query: str) -> str:
    """Lower case, bounded, and valid UTF-8 (lone surrogates and NUL bytes dropped)."""
    text = query[:MAX_QUERY_CHARS].encode("utf-8", "ignore").decode("utf-8")
    return text.replace("\x00", " ").lower()


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _either(parts: list[str] | tuple[str, ...]) -> str:
    return f'({_quote(" ".join(parts))} OR {_quote("".join(parts))})'


def _service_text(service: ServiceBaseline) -> tuple[str, str]:
    """A service as (heading, body): its name and category; the names of the features it
    supports, one per line (descriptions mention other services, e.g. Key Vault, everywhere)."""
    lines = [f.feature for f in service.features if f.feature and f.supported]
    return f"{service.name} ({service.category})", "\n".join(dict.fromkeys(lines))


def _vocabulary(texts: list[tuple[str, str]]) -> tuple[dict[str, tuple[str, ...]], frozenset]:
    """Hyphenated compounds by their joined form, and every word (joined compounds too)."""
    compounds: dict[str, tuple[str, ...]] = {}
    words: set[str] = set()
    for heading, text in texts:
        for word in WORD.findall(f"{heading}\n{text}".lower()):
            parts = tuple(HYPHEN.split(word))
            words.update(parts)
            if len(parts) > 1:
                compounds.setdefault("".join(parts), parts)
                words.add("".join(parts))
    return compounds, frozenset(words)


def _grouped(sections: tuple[Section, ...], rows: list) -> tuple[ChapterHits, ...]:
    """Rows best first -> one group per chapter, in the order of its best section."""
    by_chapter: dict[str, list[Hit]] = {}
    totals: dict[str, int] = {}
    for rowid, heading, snippet in rows:
        section = sections[rowid]
        slug = section.chapter.slug
        totals[slug] = totals.get(slug, 0) + 1
        hits = by_chapter.setdefault(slug, [])
        if len(hits) < MAX_PER_CHAPTER:
            hits.append(Hit(section, _fragments(heading), _fragments(_snippet(snippet))))
    return tuple(ChapterHits(hits[0].section.chapter, tuple(hits), totals[slug])
                 for slug, hits in by_chapter.items())


def _snippet(marked: str) -> str:
    """Keep the lines (blocks) from the first to the last match; mark what was cut off."""
    lines = marked.split("\n")
    matched = [n for n, line in enumerate(lines) if START in line] or [0]
    kept = [line.strip(ELLIPSIS + " ") for line in lines[matched[0]:matched[-1] + 1]]
    cut_before = matched[0] > 0 or marked.startswith(ELLIPSIS)
    cut_after = matched[-1] < len(lines) - 1 or marked.endswith(ELLIPSIS)
    return (f"{ELLIPSIS} " if cut_before else "") + f" {ELLIPSIS} ".join(kept) + (
        f" {ELLIPSIS}" if cut_after else "")


def _fragments(marked: str) -> tuple[Fragment, ...]:
    pieces = re.split(f"{START}(.*?){END}", marked, flags=re.DOTALL)
    return tuple(Fragment(piece, n % 2 == 1) for n, piece in enumerate(pieces) if piece)
