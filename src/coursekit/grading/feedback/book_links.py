"""Where feedback sends a student to review: a question's chapter (and section) in the book, and its part of the brief.

Read on the grader's side from the course's own files: ``[feedback] book_url`` in
``assignments/coursekit.toml`` (where the book is published), each chapter's navigation title
(``short_title`` in its front matter, as the book's sidebar shows it) and its ``##`` headings. Page
slugs and heading anchors follow mystmd's own rules (``createHtmlId`` in myst-common), so a link
lands where the published book puts that heading; the tests check them against a real build.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ...bank.brief import CHAPTERS
from ...course import Course
from ...errors import CourseError

READING_FILE = "reading.md"
# Headings every chapter has that never hold the subject matter a question asks about.
_NOT_CONTENT = {"learning objectives", "check your understanding", "discussion questions", "further reading"}
_NOT_CONTENT |= {"graded assignment"}
_WORD = re.compile(r"[a-z0-9]+")
_COMMON = {"the", "and", "for", "that", "with", "from", "this", "are", "was", "were", "has", "have", "its"}
_COMMON |= {"their", "they", "them", "into", "than", "then", "what", "which"}


@dataclass(frozen=True)
class Link:
    text: str  # what the student reads: the book's own navigation title or heading
    url: str  # "" when the course has no book_url: the text is shown without a link


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str  # mystmd's html_id of the heading
    words: frozenset


@dataclass(frozen=True)
class Page:
    slug: str
    title: str  # the navigation title
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class BookLinks:
    """The book as feedback links to it; ``BookLinks()`` (no book_url, no pages) names chapters without links."""

    base_url: str = ""
    pages: dict = field(default_factory=dict)  # chapter slug -> Page
    reading: Page | None = None

    def url(self, page: Page, anchor: str = "") -> str:
        if not self.base_url:
            return ""
        return f"{self.base_url}/{page.slug}" + (f"#{anchor}" if anchor else "")

    def review(self, q) -> list[Link]:
        """Where to review question ``q``: its chapter (at the best matching section), then the brief's section."""
        page = self.pages.get(q.chapter) or _fallback_page(q.chapter)
        links = [Link(page.title, self.url(page))]
        section = best_section(page, _question_words(q))
        if section is not None:
            links = [Link(f"{page.title}: {section.title}", self.url(page, section.anchor))]
        brief_section = getattr(q.source, "section", None)
        if brief_section:
            anchor = html_id(brief_section)
            known = self.reading is None or any(s.anchor == anchor for s in self.reading.sections)
            reading = self.reading or Page("reading", "The Reading")
            links.append(Link(f"the brief, section “{brief_section}”", self.url(reading, anchor) if known else ""))
        return links


def html_id(text: str) -> str:
    """mystmd's anchor for a heading with this text (normalizeLabel, then createHtmlId)."""
    ident = re.sub(r"[\t\n\r ]+", " ", text)
    ident = re.sub(r"['‘’\"“”]+", "", ident).strip().lower()
    ident = re.sub(r"[^a-z0-9-]", "-", ident)
    ident = re.sub(r"^([0-9-])", r"id-\1", ident)
    ident = re.sub(r"-[-]+", "-", ident)
    return re.sub(r"(?:^-+)|(?:-+$)", "", ident)


def page_slug(file: str) -> str:
    """mystmd's page slug for a book file: the name without its extension and its number prefix."""
    stem = Path(file).stem
    return re.sub(r"^[\d]+[-_.]+", "", stem).lower() or stem.lower()


def _words(text: str) -> frozenset:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _COMMON)


def _question_words(q) -> frozenset:
    quote = getattr(q.source, "quote", None) or ""
    return _words(f"{quote} {q.prompt}")


def best_section(page: Page, words: frozenset) -> Section | None:
    """The content section sharing the most words with the question; None unless one clearly leads."""
    ranked = sorted(((len(words & s.words), i) for i, s in enumerate(page.sections)), reverse=True)
    if not ranked or ranked[0][0] < 3 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return page.sections[ranked[0][1]]


def _fallback_page(chapter: str) -> Page:
    for c in CHAPTERS:
        if c.slug == chapter:
            return Page(page_slug(c.file), c.title)
    return Page(chapter, chapter)


def _inline_text(text: str) -> str:
    """A heading's words without Markdown markup: what mystmd's toText sees."""
    text = re.sub(r"\{[a-z]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)  # {term}`word <target>` -> word
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()


def read_page(path: Path, fallback_title: str) -> Page:
    """A book page: its navigation title and its content sections (``##`` and ``###`` headings)."""
    text = path.read_text(encoding="utf-8")
    front, body = _front_matter(text)
    title = front.get("short_title") or front.get("title") or fallback_title
    sections, current, lines = [], None, []
    for line in [*body.splitlines(), "## end"]:
        heading = re.match(r"(#{2,3})\s+(.*?)\s*#*\s*$", line)
        if not heading:
            lines.append(line)
            continue
        if current and current.lower() not in _NOT_CONTENT:
            sections.append(Section(current, html_id(current), _words(_brief_text(lines))))
        current, lines = _inline_text(heading[2]), []
    return Page(page_slug(path.name), str(title), tuple(sections))


def _brief_text(lines: list[str]) -> str:
    """A section's own prose: admonitions (context beyond the brief) and code blocks left out."""
    kept, depth = [], 0
    for line in lines:
        if re.match(r"\s*(:::|```)\{", line):
            depth += 1
        elif depth and re.match(r"\s*(:::|```)\s*$", line):
            depth -= 1
        elif not depth:
            kept.append(line)
    return "\n".join(kept)


def _front_matter(text: str) -> tuple[dict, str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not match:
        return {}, text
    fields = {}
    for line in match[1].splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "\t")):
            fields[key.strip()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def load_book_links(course: Course) -> BookLinks:
    """The course's book as feedback links to it; chapters the book folder lacks fall back to brief.py's titles."""
    pages = {}
    for c in CHAPTERS:
        path = course.book / c.file
        pages[c.slug] = read_page(path, c.title) if path.is_file() else _fallback_page(c.slug)
    reading = course.book / READING_FILE
    return BookLinks(book_url(course), pages, read_page(reading, "The Reading") if reading.is_file() else None)


def book_url(course: Course) -> str:
    """``[feedback] book_url`` from assignments/coursekit.toml, without a trailing slash ("" if unset)."""
    path = course.settings
    if not path.is_file():
        return ""
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("feedback", {}).get("book_url", "")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError) as e:
        raise CourseError(f"{path}: not valid TOML ({e}); fix it or delete it to use the defaults") from None
    if not isinstance(value, str) or (value and not re.match(r"https?://[^\s\"'<>]+$", value)):
        raise CourseError(
            f"{path}: [feedback] book_url must be the web address of the published book "
            f'(e.g. "https://example.edu/korea-japan"), not {value!r}'
        )
    return value.rstrip("/")
