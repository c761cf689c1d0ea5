"""Chapters: Markdown files with YAML front matter under content/chapters/."""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.guide.errors import ContentError
from app.guide.rendering import Heading, MarkdownRenderer
from app.guide.textfile import read_text
from app.guide.vocabulary import SLUG
from app.guide.yamlfile import ContentErrorList, parse_yaml, validate

FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


class SourceMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")


class ChapterMeta(BaseModel):
    """The front matter schema."""

    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1, max_length=120)
    order: int = Field(ge=0)
    summary: str = Field(min_length=1)
    minutes: int = Field(ge=1, le=120)
    objectives: list[str] = Field(min_length=1)
    sources: list[SourceMeta] = Field(default_factory=list)

    @field_validator("objectives")
    @classmethod
    def _no_blank_objectives(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("objectives must not be blank")
        return value


@dataclass(frozen=True)
class Chapter:
    slug: str
    title: str
    order: int
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    sources: tuple[SourceMeta, ...]
    html: str
    headings: tuple[Heading, ...]
    path: Path
    source_lines: tuple[str, ...]
    body_first_line: int

    @property
    def url(self) -> str:
        return f"/chapters/{self.slug}"

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Every id a link may point at: headings and explicit ids (checked per request)."""
        return frozenset(h.id for h in self.headings) | _explicit_ids(self.html)

    @cached_property
    def toc(self) -> tuple[Heading, ...]:
        return tuple(h for h in self.headings if h.level in (2, 3))

    def line_of(self, needle: str) -> int:
        """The first line of the file that contains `needle` (for error messages)."""
        for number, line in enumerate(self.source_lines, start=1):
            if needle in line:
                return number
        return self.body_first_line


def _explicit_ids(html: str) -> frozenset[str]:
    return frozenset(re.findall(r'\sid="([^"]+)"', html))


def load_chapter(path: Path, renderer: MarkdownRenderer, directives: dict[str, str],
                 inline: dict[str, str] | None = None) -> Chapter:
    """Parse one chapter file; `directives` maps `[[name]]` lines to HTML put in their place,
    `inline` maps `[[name]]` anywhere in a paragraph to the words put in its place."""
    text = read_text(path)
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentErrorList([ContentError(path, 1, "missing YAML front matter (--- ... ---)")])
    meta = validate(ChapterMeta, parse_yaml(match.group(1), path, first_line=2), path)
    body = text[match.end():]
    body_first_line = match.group(0).count("\n") + 1
    rendered = renderer.render(body)
    html = rendered.html
    for name, replacement in directives.items():
        html = html.replace(f"<p>[[{name}]]</p>", replacement)
    for name, replacement in (inline or {}).items():
        html = html.replace(f"[[{name}]]", replacement)
    unknown = re.search(r"\[\[([a-z0-9-]+)\]\]", html)
    if unknown:
        line = _line_containing(text, unknown.group(0))
        raise ContentErrorList([ContentError(path, line, f"unknown directive {unknown.group(0)}")])
    return Chapter(
        slug=meta.slug, title=meta.title, order=meta.order, summary=meta.summary,
        minutes=meta.minutes, objectives=tuple(meta.objectives), sources=tuple(meta.sources),
        html=html, headings=rendered.headings, path=path,
        source_lines=tuple(text.splitlines()), body_first_line=body_first_line,
    )


def _line_containing(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


INTERNAL_LINK = re.compile(r'href="(/chapters/([^"#?]*)(?:#([^"]*))?)"')
CHAPTER_SUBPAGES = ("", "quiz")


def check_links(chapters: dict[str, Chapter]) -> list[ContentError]:
    """Every /chapters/slug[#anchor] link points at a chapter and an anchor that exist."""
    errors = []
    for chapter in chapters.values():
        for match in INTERNAL_LINK.finditer(chapter.html):
            href, path, anchor = match.groups()
            slug, _, subpage = path.partition("/")
            line = chapter.line_of(href)
            target = chapters.get(slug)
            if target is None or subpage not in CHAPTER_SUBPAGES:
                errors.append(ContentError(chapter.path, line, f"link to unknown page {href!r}"))
            elif anchor and not subpage and anchor not in target.anchors:
                errors.append(ContentError(
                    chapter.path, line, f"link to unknown anchor #{anchor} in chapter {slug!r}"))
    return errors
