"""The {quiz} MyST plugin as mystmd runs it: a separate process per directive use, JSON in and out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.book.build import build_book
from coursekit.book.plugin import ESM
from coursekit.errors import CourseError


def run_plugin(repo: Path, *args: str, data: dict | None = None, cwd: Path | None = None):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(repo / "book" / "plugins" / "quiz"), *args],
        input=json.dumps(data) if data is not None else "",
        capture_output=True,
        text=True,
        cwd=cwd or repo / "book",
        env=env,
        timeout=60,
    )


def test_plugin_declares_the_quiz_directive(repo):
    """Run with no arguments (as mystmd does when loading it), does the plugin declare the quiz directive?"""
    done = run_plugin(repo)
    assert done.returncode == 0
    (directive,) = json.loads(done.stdout)["directives"]
    assert directive["name"] == "quiz" and directive["arg"]["type"] == "string"


def test_plugin_turns_an_id_into_a_practice_widget(repo, bank):
    """Does a practice id become an anywidget node whose ESM path mystmd resolves to the package's quiz.mjs?"""
    qid = next(q for q in bank.questions if bank.kind_of(q) == "practice")
    done = run_plugin(repo, "--directive", "quiz", data={"name": "quiz", "arg": qid})
    assert done.returncode == 0, done.stderr
    (node,) = json.loads(done.stdout)
    assert node["type"] == "anywidget" and node["model"] == {
        "question": bank.questions[qid].practice(),
        "mode": "practice",
    }
    # mystmd joins a path starting with "/" to the project folder (the book), see its anywidgets transform.
    assert node["esm"].startswith("/")
    assert (repo / "book" / node["esm"].lstrip("/")).resolve() == ESM.resolve()


def test_plugin_rejects_an_unknown_id(repo):
    """Does an unknown id fail with a message naming the id, the line and what to do?"""
    data = {"name": "quiz", "arg": "no-such-question", "node": {"position": {"start": {"line": 42}}}}
    done = run_plugin(repo, "--directive", "quiz", data=data)
    assert done.returncode == 1 and not done.stdout
    assert "'no-such-question' is not in the bank" in done.stderr and "line 42" in done.stderr
    assert "assignments/bank/practice/" in done.stderr and "Traceback" not in done.stderr


def test_plugin_refuses_a_graded_question(repo, bank):
    """Does a graded question id fail (its key would be published) and name its quiz, printing no key?"""
    qid = next(q for q in bank.questions if bank.kind_of(q) == "graded")
    done = run_plugin(repo, "--directive", "quiz", data={"name": "quiz", "arg": qid})
    assert done.returncode == 1 and not done.stdout
    assert f"'{qid}' belongs to the graded quiz" in done.stderr
    assert bank.questions[qid].explanation not in done.stderr


@pytest.mark.slow
def test_build_names_each_bad_page_and_line(repo, tmp_path, monkeypatch):
    """Does `coursekit book` stop with one line per problem, naming page and line: a bad quiz id, a broken link?"""
    book = tmp_path / "book"
    (book / "plugins").mkdir(parents=True)
    shutil.copy2(repo / "book" / "plugins" / "quiz", book / "plugins" / "quiz")
    (book / "myst.yml").write_text(
        "version: 1\nproject:\n  title: T\n  plugins:\n    - type: executable\n      path: plugins/quiz\n"
        "  toc:\n    - file: index.md\n    - file: other.md\nsite:\n  template: book-theme\n"
    )
    (book / "index.md").write_text("---\ntitle: T\n---\n\nText.\n\n```{quiz} no-such-question\n```\n")
    (book / "other.md").write_text("---\ntitle: O\n---\n\nSee [this](#nowhere).\n")
    monkeypatch.setenv("COURSEKIT_COURSE", str(repo))
    with pytest.raises(CourseError) as error:
        build_book(book_dir=book, html=False, execute=False)
    problems = str(error.value).splitlines()[1:]
    assert len(problems) == 2
    assert any("index.md:7: {quiz} question 'no-such-question' is not in the bank" in p for p in problems)
    assert any("other.md:5:" in p and "#nowhere" in p for p in problems)


def test_missing_node_is_one_clear_error(repo, tmp_path, monkeypatch):
    """Without Node.js on PATH, does `coursekit book` say in one line what to install?"""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(CourseError) as error:
        build_book(book_dir=repo / "book", html=False, execute=False)
    assert "Node.js" in str(error.value) and "install" in str(error.value) and "\n" not in str(error.value)


def test_old_node_is_one_clear_error(repo, tmp_path, monkeypatch):
    """With Node.js 16 on PATH, does `coursekit book` name the version found and the version needed?"""
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v16.20.0\n")
    node.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(CourseError) as error:
        build_book(book_dir=repo / "book", html=False, execute=False)
    assert "found v16.20.0" in str(error.value) and "18 or newer" in str(error.value)
