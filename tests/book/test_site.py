"""The built book as readers get it: the MyST AST of every page after a strict, executed build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from coursekit.bank.brief import CHAPTERS
from coursekit.bank.references import reference_keys
from coursekit.book.plugin import ESM

pytestmark = pytest.mark.slow

KEY_TERMS = (
    "extended deterrence",
    "san francisco system",
    "hub-and-spokes",
    "article ix",
    "2+2",
    "collective defense",
    "burden sharing",
    "open ran",
)


def walk(node: dict):
    yield node
    for child in node.get("children") or []:
        yield from walk(child)


def widgets(mdast: dict) -> list[dict]:
    return [n for n in walk(mdast) if n["type"] == "anywidget"]


def toc_files(repo) -> list[str]:
    def files(entries):
        for e in entries:
            if "file" in e:
                yield e["file"]
            yield from files(e.get("children", []))

    return list(files(yaml.safe_load((repo / "book" / "myst.yml").read_text())["project"]["toc"]))


def test_strict_build_is_clean(book_build, repo):
    """Does the strict, executed build succeed with no error or warning and write every page of the toc?"""
    mystmd = (book_build.book / "_build" / "logs" / "jupyter-book-site.log").read_text(encoding="utf-8")
    assert "⛔" not in mystmd and "⚠" not in mystmd
    built = {p.stem for p in (book_build.book / "_build" / "site" / "content").glob("*.json")}
    assert len(built) == len(toc_files(repo)) >= 15
    assert {c.slug for c in CHAPTERS} <= built


def test_offline_html_step_says_how_to_get_html(book_build):
    """Without network, does the build say in one line how to get the HTML (and still succeed)?"""
    if "html" in book_build.outputs:  # a machine with network: the HTML site must exist
        assert (book_build.outputs["html"] / "index.html").is_file()
        return
    lines = [line for line in book_build.log.splitlines() if "internet access" in line]
    assert len(lines) == 1 and "_build/site" in lines[0]


def test_build_prints_only_its_own_lines_and_names_only_what_exists(book_build):
    """Does the build print only its own lines (mystmd's, network errors included, go to the log it names), claim
    the HTML site only when it was built, and list only paths that exist?"""
    printed = [line for line in book_build.log.splitlines() if line.strip()]
    theirs = [line for line in printed if not re.match(r"coursekit: |  (content|HTML site)\b[^:]*: /", line)]
    assert theirs == []
    logs = re.findall(r"its output: (\S+\.log)\)", book_build.log)
    assert logs and all(Path(p).is_file() for p in logs)
    listed = [line.split(": ", 1)[1] for line in printed if line.startswith("  ") and ": /" in line]
    assert listed and all(Path(p).exists() for p in listed), listed
    html_built = (book_build.book / "_build" / "html" / "index.html").is_file()
    assert ("HTML site built" in book_build.log) == html_built
    assert ("HTML site: " in book_build.log) == html_built


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_chapter_has_practice_widgets(book_build, bank, chapter):
    """Does each chapter page carry 2-4 self-check widgets, each a practice question of that chapter with its key?"""
    found = widgets(book_build.page(chapter.slug))
    assert 2 <= len(found) <= 4
    for node in found:
        model = node["model"]
        q = model["question"]
        assert model["mode"] == "practice"
        assert bank.kind_of(q["id"]) == "practice"
        assert bank.questions[q["id"]].chapter == chapter.slug
        assert q == json.loads(json.dumps(bank.questions[q["id"]].practice()))


def test_widget_esm_is_the_packages_file(book_build):
    """Is the widget's ESM in the site a copy of the package's quiz.mjs (one source of the widget code)?"""
    esms = {n["esm"] for c in CHAPTERS for n in widgets(book_build.page(c.slug))}
    assert len(esms) == 1
    (esm,) = esms
    copied = book_build.book / "_build" / "site" / "public" / esm.lstrip("/")
    assert copied.read_bytes() == ESM.read_bytes()


def test_site_holds_no_graded_question(book_build, bank):
    """Is no graded question id, and so no graded key, anywhere in the published site?"""
    graded = [qid for qid in bank.questions if bank.kind_of(qid) == "graded"]
    site = book_build.book / "_build" / "site"
    text = "\n".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())
    leaked = [qid for qid in graded if re.search(rf"\b{re.escape(qid)}\b", text)]
    assert not leaked


def test_key_terms_resolve_to_glossary(book_build):
    """Are the key terms defined in the glossary, and does every {term} in the chapters resolve to it?"""
    defined = {
        n["identifier"].removeprefix("term-").lower()
        for n in walk(book_build.page("glossary"))
        if n["type"] == "definitionTerm"
    }
    assert set(KEY_TERMS) <= defined
    for c in CHAPTERS:
        terms = [n for n in walk(book_build.page(c.slug)) if n.get("kind") == "definitionTerm"]
        assert terms, c.slug
        assert all(n["resolved"] and n["url"] == "/glossary" for n in terms), c.slug


def test_timeline_figure_is_built(book_build, repo):
    """Does the executed timeline page draw an SVG with every event the brief dates, on an axis from 1950 to 2024?"""
    outputs = [n for n in walk(book_build.page("timeline")) if n["type"] == "output"]
    data = [o["jupyter_data"]["data"] for o in outputs if "jupyter_data" in o]
    svgs = [d["image/svg+xml"]["content"] for d in data if "image/svg+xml" in d]
    tables = [d["text/html"]["content"] for d in data if "text/html" in d]
    assert len(svgs) == 1
    svg = svgs[0]
    assert len(tables) == 1 and tables[0].count("<tr>") == svg.count('role="listitem"') + 1  # text alternative
    for when, event in [
        ("June 1950", "North Korea invades the south"),
        ("September 1951", "San Francisco System"),
        ("1953", "Alliance with South Korea"),
        ("1955", "Republic of China on Taiwan"),
        ("1960", "security treaty amended"),
        ("1993", "Defense Industry Consultative Committee"),
        ("2007", "KORUS FTA"),
        ("2009", "vision statement"),
        ("2019", "U.S.–Japan free trade agreement"),
        ("April 2021", "policy brief is published"),
    ]:
        assert re.search(rf"{when}</tspan> [^<]*{re.escape(event)}", svg), (when, event)
    assert ">1950<" in svg and ">2020<" in svg


def test_reference_links_resolve_to_the_references_page(book_build, repo):
    """Does every link to a reference key, on every page, resolve to its entry on the references page?"""
    keys = set(reference_keys(repo / "book" / "references.md"))
    content = book_build.book / "_build" / "site" / "content"
    links = [
        n
        for path in content.glob("*.json")
        for n in walk(book_build.page(path.stem))
        if n["type"] == "crossReference" and n.get("identifier") in keys
    ]
    assert len({n["identifier"] for n in links}) == len(keys)  # every entry is cited somewhere in the site
    assert all(n.get("resolved") and n.get("url") == "/references" for n in links)


def test_beyond_chapter_and_teaching_notes_are_built(book_build):
    """Are the beyond-the-brief chapter (with its warning banner) and the teaching notes in the built site?"""
    since = book_build.page("since-the-brief")
    banners = [n for n in walk(since) if n["type"] == "admonition" and "warning" in str(n.get("class"))]
    assert banners and "Beyond the brief" in json.dumps(banners[0])
    notes = json.dumps(book_build.page("teaching-notes"))
    assert "coursekit rubrics ASSIGNMENT" in notes and "Teaching this history with care" in notes


def test_quotations_link_to_the_reading(book_build):
    """Is every block quotation in a chapter followed by a citation that links to the reading page?"""
    for c in CHAPTERS:
        quotes = [n for n in walk(book_build.page(c.slug)) if n["type"] == "blockquote"]
        for q in quotes:
            links = [n for n in walk(q) if n["type"] in ("crossReference", "link")]
            assert any(n.get("identifier") == "reading" or "reading" in n.get("url", "") for n in links), c.slug
