"""The content engine: load content/ once at start-up into an immutable Guide."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from app.guide.baselines import Feature, Profile, ServiceBaseline, load_baselines
from app.guide.chapters import Chapter, check_links, load_chapter
from app.guide.directives import INLINE_DIRECTIVES, matrix_directives
from app.guide.errors import ContentError, InvalidContent
from app.guide.lab import Lab, load_lab
from app.guide.matrix import Matrix, load_matrix
from app.guide.practice import build_practice
from app.guide.quizzes import Question, Quiz, load_quizzes
from app.guide.rendering import MarkdownRenderer
from app.guide.search import ChapterHits, Hit, SearchIndex, SearchResults
from app.guide.sections import Section
from app.guide.yamlfile import ContentErrorList

MatrixRenderer = Callable[[Matrix], str]


@dataclass(frozen=True)
class Guide:
    chapters: tuple[Chapter, ...]
    matrix: Matrix
    search_index: SearchIndex = field(repr=False, compare=False)
    _by_slug: dict[str, Chapter] = field(repr=False)
    lab: Lab | None = None  # the matrix lab (content/lab.yaml), when the content has one
    quizzes: Mapping[str, Quiz] = field(default_factory=dict)  # by slug, in chapter order
    # Microsoft's per-service baselines (content/services/), by slug, in name order
    services: Mapping[str, ServiceBaseline] = field(default_factory=dict)
    # Generated from the baselines (app/guide/practice.py): the lab's sorting exercise, then
    # a quiz per service family, by slug
    practice: Mapping[str, Quiz] = field(default_factory=dict)

    def chapter(self, slug: str) -> Chapter | None:
        return self._by_slug.get(slug)

    def neighbours(self, chapter: Chapter) -> tuple[Chapter | None, Chapter | None]:
        index = self.chapters.index(chapter)
        previous = self.chapters[index - 1] if index > 0 else None
        following = self.chapters[index + 1] if index + 1 < len(self.chapters) else None
        return previous, following

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.search_index.sections

    def search(self, query: str) -> SearchResults:
        """Every section matching the query, grouped by chapter, with exact counts."""
        return self.search_index.search(query)

    def quiz(self, slug: str) -> Quiz | None:
        """A chapter's quiz or a generated practice quiz (the lab's grid is `lab.quiz`)."""
        return self.quizzes.get(slug) or self.practice.get(slug)

    @property
    def graded_quizzes(self) -> tuple[Quiz, ...]:
        """The guide's own quizzes: every chapter's, in chapter order, then the lab's exercise
        (if the content has a lab). Completion, /progress and the cohort heatmap count these."""
        lab = (self.lab.quiz,) if self.lab else ()
        return (*self.quizzes.values(), *lab)

    @property
    def analysed_quizzes(self) -> tuple[Quiz, ...]:
        """Every quiz whose answers are stored: the guide's own, then the practice generated
        from the service baselines (optional: it never counts toward completion). Item
        analysis, exports and answers in words cover all of them."""
        return (*self.graded_quizzes, *self.practice.values())


def load_guide(content_dir: Path, *, render_matrix: MatrixRenderer | None = None) -> Guide:
    """Load and validate everything under `content_dir`; raise InvalidContent listing all errors."""
    content_dir = Path(content_dir)
    errors: list[ContentError] = []
    matrix = _collect(errors, load_matrix, content_dir / "matrix.yaml")
    directives = {"matrix": render_matrix(matrix) if (matrix and render_matrix) else ""}
    # without a valid matrix, blank words: its own errors say what is wrong
    inline = matrix_directives(matrix) if matrix else dict.fromkeys(INLINE_DIRECTIVES, "")
    renderer = MarkdownRenderer()
    chapters: list[Chapter] = []
    chapter_files = sorted((content_dir / "chapters").glob("*.md"))
    if not chapter_files:
        errors.append(ContentError(content_dir / "chapters", 1, "no chapter files (*.md)"))
    for path in chapter_files:
        chapter = _collect(errors, load_chapter, path, renderer, directives, inline)
        if chapter:
            chapters.append(chapter)
    by_slug = _index_chapters(chapters, errors)
    if not errors:  # links into a chapter that failed to load would only add noise
        errors.extend(check_links(by_slug))
    quizzes = load_quizzes(content_dir / "quizzes", renderer, by_slug, matrix, errors)
    lab_path = content_dir / "lab.yaml"  # optional: content without a lab has no /lab pages
    lab = _collect(errors, load_lab, lab_path, matrix, by_slug) if (
        matrix and lab_path.exists()) else None
    services = _load_services(content_dir / "services", errors)
    if errors:
        raise InvalidContent(errors)
    ordered = tuple(sorted(chapters, key=lambda c: c.order))
    index = SearchIndex(list(ordered), tuple(services.values()))
    return Guide(chapters=ordered, matrix=matrix, search_index=index,
                 _by_slug=by_slug, lab=lab,
                 quizzes=MappingProxyType(_in_chapter_order(quizzes, ordered)),
                 services=MappingProxyType(services),
                 practice=MappingProxyType(build_practice(services, content_dir / "services")))


def _collect(errors: list[ContentError], load, path: Path, *args):
    """Run one loader; record its errors instead of stopping at the first file."""
    if not path.exists():
        errors.append(ContentError(path, 1, "file is missing"))
        return None
    try:
        return load(path, *args)
    except ContentErrorList as exc:
        errors.extend(exc.errors)
        return None


def _load_services(services_dir: Path, errors: list[ContentError]) -> dict:
    """Optional: content without a services/ folder has no service baselines."""
    if not services_dir.is_dir():
        return {}
    try:
        return load_baselines(services_dir)
    except ContentErrorList as exc:
        errors.extend(exc.errors)
        return {}


def _index_chapters(chapters: list[Chapter], errors: list[ContentError]) -> dict[str, Chapter]:
    by_slug: dict[str, Chapter] = {}
    by_order: dict[int, Chapter] = {}
    for chapter in chapters:
        if chapter.slug in by_slug:
            errors.append(ContentError(chapter.path, chapter.line_of("slug:"),
                                       f"slug {chapter.slug!r} already used by "
                                       f"{by_slug[chapter.slug].path.name}"))
        if chapter.order in by_order:
            errors.append(ContentError(chapter.path, chapter.line_of("order:"),
                                       f"order {chapter.order} already used by "
                                       f"{by_order[chapter.order].path.name}"))
        by_slug.setdefault(chapter.slug, chapter)
        by_order.setdefault(chapter.order, chapter)
    return by_slug


def _in_chapter_order(quizzes: dict[str, Quiz], chapters: tuple[Chapter, ...]) -> dict:
    return {c.slug: quizzes[c.slug] for c in chapters if c.slug in quizzes}



__all__ = ["Chapter", "ChapterHits", "ContentError", "Feature", "Guide", "Hit",
           "InvalidContent", "Matrix", "Profile", "Question", "Quiz", "SearchResults",
           "ServiceBaseline", "load_guide"]
