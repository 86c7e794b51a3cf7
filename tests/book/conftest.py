"""Fixtures for the book tests: one strict, executed, offline build shared by the session, and the pages."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursekit.bank.brief import CHAPTERS
from coursekit.bank.load import load_bank


@dataclass
class BookBuild:
    book: Path  # the copy of book/ that was built
    outputs: dict  # what build_book returned
    log: str  # everything it printed

    def page(self, slug: str) -> dict:
        """The MyST AST (mdast) of the page with this slug, as the site will render it."""
        return json.loads((self.book / "_build" / "site" / "content" / f"{slug}.json").read_text())["mdast"]


@contextlib.contextmanager
def _env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def book_build(repo, tmp_path_factory) -> BookBuild:
    """`coursekit book`'s library function on a copy of book/: strict, executed, HTML step included.

    A copy, so that concurrent test runs and the instructor's own build never share a _build folder;
    COURSEKIT_COURSE points the {quiz} plugin at this repository's bank.
    """
    from coursekit.book.build import build_book

    book = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(repo / "book", book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    out = io.StringIO()
    with _env(COURSEKIT_COURSE=str(repo)), contextlib.redirect_stdout(out):
        outputs = build_book(book_dir=book, html=True, execute=True)
    return BookBuild(book, outputs, out.getvalue())


@pytest.fixture(scope="session")
def bank(repo):
    return load_bank([repo / "assignments" / "bank"])


@pytest.fixture(scope="session")
def chapter_text(repo) -> dict[str, str]:
    """The Markdown source of each chapter, by slug."""
    return {c.slug: (repo / "book" / c.file).read_text(encoding="utf-8") for c in CHAPTERS}
