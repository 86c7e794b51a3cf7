"""The chapters' sources: structure, order, facts that must match the reading, and no copied sentences."""

from __future__ import annotations

import re

import pytest
import yaml

from coursekit.bank.brief import CHAPTERS, SECTIONS
from coursekit.bank.check import quiz_refs
from coursekit.bank.reading import normalize

MEASURABLE_VERBS = {
    "apply", "argue", "assess", "compare", "connect", "date", "define", "describe", "distinguish",
    "evaluate", "explain", "identify", "judge", "list", "propose", "recall", "state", "summarize",
}  # fmt: skip
GRADED_QUIZ = {
    "summary": {"treaty-years"},
    "history": {"treaty-years"},
    "expanding-scope": {"treaty-years"},
    "china-question": {"three-challenges"},
    "hub-and-spokes": {"three-challenges"},
    "pogo-problem": {"pogo-problem", "three-challenges"},
    "way-forward": {"way-forward"},
    "bottom-line": {"way-forward"},
    "since-the-brief": {"since-the-brief"},  # the capstone
}
# Each fact must be in the reading AND in the chapter that covers it, spelled the same way.
FACTS = {
    "summary": ["rising China", "nuclear North Korea", "5G", "highly unlikely"],
    "history": [
        "June 1950", "September 1951", "1953", "1955", "1960", "San Francisco System", "Australia and New Zealand",
        "the Philippines", "Southeast Asia Treaty Organization", "Republic of China on Taiwan", "Vietnam",
    ],
    "expanding-scope": [
        "Defense Industry Consultative Committee", "1993", "Article IX", "Shinzo Abe", "Systems and Technology Forum",
        "2+2", "Iraq", "collective defense", "Korea-U.S. Free Trade Agreement of 2007", "Trans-Pacific Partnership",
        "2019", "2009", "vision statement", "epidemic disease",
    ],
    "china-question": ["Senkaku/Diaoyu", "coast guard", "South China Sea", "force multipliers", "around what"],
    "hub-and-spokes": ["Seoul and Taipei", "Liberal Democratic Party", "comfort women", "forced labor", "imperial era"],
    "pogo-problem": [
        "Walt Kelly", "we have met the enemy and he is us", "four difficult years", "former President Trump",
        "free riders", "burden sharing", "preliminary bilateral trade agreement with Japan",
    ],
    "way-forward": [
        "Henry Sokolski", "Nonproliferation Policy Education Center",
        "New Frontiers for Security Cooperation with Seoul and Tokyo", "six areas", "Tarun Chhabra",
        "Director for Technology and National Security", "National Security Council", "Eric Brown", "Hudson Institute",
        "Rakuten Mobile", "Nokia", "Cisco", "NEC", "O-Ran Alliance", "Open RAN Policy Coalition", "Karl Friedhoff",
        "Chicago Council of Foreign Affairs", "Taiwan, Australia, India", "western Europe", "Southeast Asia",
    ],
    "bottom-line": ["Biden administration", "building back", "deter adversaries"],
}  # fmt: skip
COPY_RUN = 12  # words in a row shared with the reading, outside a marked quotation, that count as copying


def section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section of a page."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def plain(text: str) -> str:
    return normalize(re.sub(r"\{term\}`([^`<]*?)\s*(<[^>]*>)?`", r"\1", text))


def files(entries):
    for e in entries:
        yield from ([e["file"]] if "file" in e else [])
        yield from files(e.get("children", []))


def test_toc_follows_the_brief(repo):
    """Do myst.yml's chapter files come in the order of brief.CHAPTERS, with the titles it gives, and do the
    chapters that mirror no section of the brief sit in a part of their own, titled "Beyond the brief"?"""
    parts = yaml.safe_load((repo / "book" / "myst.yml").read_text())["project"]["toc"]
    toc = list(files(parts))
    assert [f for f in toc if re.match(r"\d\d-", f)] == [c.file for c in CHAPTERS]
    assert toc[0] == "index.md" and {"glossary.md", "timeline.md", "reading.md", "instructor-guide.md"} <= set(toc)
    by_part = {e.get("title"): list(files(e.get("children", []))) for e in parts}
    assert by_part["The brief, chapter by chapter"] == [c.file for c in CHAPTERS if c.sections]
    assert by_part["Beyond the brief"] == [c.file for c in CHAPTERS if not c.sections] != []
    for c in CHAPTERS:
        front = yaml.safe_load((repo / "book" / c.file).read_text().split("---")[1])
        assert (front["title"], front["label"]) == (c.title, c.slug)


def test_chapters_cover_the_briefs_sections_in_order(repo):
    """Do the chapters cover the reading's section headings, each once and in the reading's order?"""
    text = (repo / "book" / "reading.md").read_text()
    body = text[: text.index("## Acknowledgements")]
    headings = [h.strip() for h in re.findall(r"^#{2,3} (.+)$", body, re.M)]
    assert headings == list(SECTIONS)
    assert [s for c in CHAPTERS for s in c.sections] == list(SECTIONS)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_chapter_has_the_course_parts(chapter, chapter_text, bank):
    """Does each chapter have measurable objectives, 2-4 self-checks, 2-3 discussion questions and its quiz?"""
    text = chapter_text[chapter.slug]
    objectives = re.findall(r"^- \*\*(\w+)\*\*", section(text, "Learning objectives"), re.M)
    assert len(objectives) >= 3 and {v.lower() for v in objectives} <= MEASURABLE_VERBS
    quizzes = re.findall(r"^```\{quiz\} (\S+)", section(text, "Check your understanding"), re.M)
    assert 2 <= len(quizzes) <= 4
    assert all(bank.questions[q].chapter == chapter.slug for q in quizzes)
    assert 2 <= len(re.findall(r"^\d\. ", section(text, "Discussion questions"), re.M)) <= 3
    graded = section(text, "Graded assignment")
    assert set(re.findall(r"\*\*`([a-z-]+)`\*\*", graded)) == GRADED_QUIZ[chapter.slug]
    assert GRADED_QUIZ[chapter.slug] <= set(bank.assignments()) and "(#assignments)" in graded
    assert re.search(r"\{list-table\}|\{mermaid\}|\{figure\}|^\|.*\|$", text, re.M), "needs a figure or table"
    assert "{term}`" in text and "(#reading)" in text


def test_every_quiz_reference_is_a_practice_question(repo, bank):
    """Does every {quiz} in the book name a practice question, and is every practice question used?"""
    refs = quiz_refs(repo / "book")
    used = [qid for _, _, qid in refs]
    assert used and all(bank.kind_of(qid) == "practice" for qid in used)
    practice = {qid for qid in bank.questions if bank.kind_of(qid) == "practice"}
    assert set(used) == practice and len(used) == len(set(used))


@pytest.mark.parametrize("slug", FACTS)
def test_facts_match_the_reading(slug, chapter_text, repo):
    """Is each key date, name and number of the chapter spelled exactly as in the reading?"""
    reading = normalize((repo / "book" / "reading.md").read_text())
    chapter = plain(chapter_text[slug])
    missing = [f for f in FACTS[slug] if normalize(f) not in reading or normalize(f) not in chapter]
    assert not missing


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower())


def _unquoted(text: str) -> str:
    """The page without marked quotations: `>` blocks and text in double quotes."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    return re.sub(r'"[^"\n]*"|“[^”\n]*”', " | ", text)


@pytest.mark.parametrize(
    "page", [c.file for c in CHAPTERS] + ["index.md", "glossary.md", "timeline.md", "teaching-notes.md"]
)
def test_no_sentence_is_copied_from_the_brief(page, repo):
    """Is the page in the course's own words: no run of 12+ words shared with the reading outside quotation marks?"""
    reading = _words((repo / "book" / "reading.md").read_text())
    runs = {tuple(reading[i : i + COPY_RUN]) for i in range(len(reading) - COPY_RUN + 1)}
    words = _words(_unquoted((repo / "book" / page).read_text()))
    copied = [" ".join(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)]
    assert not [run for run in copied if tuple(run.split()) in runs]


def test_copy_check_catches_a_copied_sentence(repo):
    """Would the copy check flag a sentence of the brief pasted into a chapter without quotation marks?"""
    reading = _words((repo / "book" / "reading.md").read_text())
    runs = {tuple(reading[i : i + COPY_RUN]) for i in range(len(reading) - COPY_RUN + 1)}
    pasted = "Since the American withdrawal from Vietnam, the Asia-Pacific has witnessed an almost unprecedented era."
    words = _words(_unquoted(pasted))
    assert any(tuple(words[i : i + COPY_RUN]) in runs for i in range(len(words) - COPY_RUN + 1))
    assert not _words(_unquoted(f'"{pasted}"'))


MAP = "images/alliances-and-islands.svg"
SVG_NS = "{http://www.w3.org/2000/svg}"
NARROW_SCREEN = 360  # px: the phone width the map must stay readable at
SMALLEST_READABLE = 10  # px of rendered type


def map_svg(repo):
    import xml.etree.ElementTree as ET

    return ET.parse(repo / "book" / MAP).getroot()


def map_text(root) -> str:
    return " ".join(" ".join(e.itertext()) for e in root.iter(f"{SVG_NS}text"))


def test_map_is_accessible_and_self_contained(repo):
    """Does the map name itself (title and desc linked by aria-labelledby), draw its labels as text, and load
    nothing from outside (no images, links, fonts or imports)?"""
    root = map_svg(repo)
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    title, desc = (ids[i] for i in root.get("aria-labelledby").split())
    assert root.get("role") == "img" and title.tag == f"{SVG_NS}title" and desc.tag == f"{SVG_NS}desc"
    assert len(desc.text) > 200 and "Dokdo/Takeshima" in desc.text and "Senkaku/Diaoyu" in desc.text
    raw = (repo / "book" / MAP).read_text(encoding="utf-8")
    assert not re.search(r"href|url\(|@import|@font-face|<image|<foreignObject", raw)
    assert len(list(root.iter(f"{SVG_NS}text"))) >= 20


def test_map_labels_islands_in_both_names_with_who_holds_them(repo):
    """Does each disputed island group carry both countries' names and say who administers it and who claims it?"""
    groups = {
        g.get("aria-label"): " ".join(g.itertext()) for g in map_svg(repo).iter(f"{SVG_NS}g") if g.get("aria-label")
    }
    dokdo, senkaku = (next(t for label, t in groups.items() if label.startswith(n)) for n in ("Dokdo", "Senkaku"))
    assert "Dokdo / Takeshima" in dokdo and re.search(r"administered by\s+South Korea;\s+claimed by Japan", dokdo)
    assert "Senkaku / Diaoyu" in senkaku and re.search(
        r"administered by Japan;\s+claimed by China\s+and by Taiwan", senkaku
    )


def test_map_shows_the_spokes_as_the_treaty_record_has_them(repo):
    """Are the five treaty allies on the map, New Zealand marked as suspended rather than former, and is Japan
    not joined to South Korea?"""
    root = map_svg(repo)
    text = map_text(root)
    assert all(ally in text for ally in ("Philippines", "Thailand", "Australia", "New Zealand", "UNITED STATES"))
    assert "ANZUS in force" in text and "suspended since 1986" in text and "former" not in text.lower()
    assert "No line joins Japan and South Korea" in text
    dashed = [e for e in root.iter(f"{SVG_NS}line") if e.get("class") == "suspended"]
    assert len(dashed) == 2  # the New Zealand spoke and its legend sample


def test_map_type_is_readable_on_a_phone(repo):
    """Scaled to a 360 px screen, is every label at least 10 px high?"""
    root = map_svg(repo)
    width = float(root.get("viewBox").split()[2])
    raw = (repo / "book" / MAP).read_text(encoding="utf-8")
    sizes = [float(s) for s in re.findall(r'font-size(?:="|:\s*)(\d+(?:\.\d+)?)', raw)]
    assert sizes and min(sizes) * NARROW_SCREEN / width >= SMALLEST_READABLE


def test_map_is_used_where_it_serves_with_sources(repo):
    """Is the map a figure in the China and hub-and-spokes chapters, with a caption that cites its sources, and
    is it the material of the teaching plan's map exercise?"""
    for chapter, label in (("04-china-question.md", "fig-islands-map"), ("05-hub-and-spokes.md", "fig-alliance-map")):
        text = (repo / "book" / chapter).read_text(encoding="utf-8")
        figure = re.search(r"```\{figure\} " + re.escape(MAP) + r"\n(.*?)^```", text, re.M | re.S)
        assert figure and f":label: {label}" in figure.group(1) and ":alt: " in figure.group(1), chapter
        assert {"crs-senkaku-2021", "mofa-korea-dokdo", "mofa-japan-takeshima"} <= set(
            re.findall(r"\]\(#([a-z0-9-]+)\)", figure.group(1))
        ), chapter
    notes = (repo / "book" / "teaching-notes.md").read_text(encoding="utf-8")
    assert re.search(r"map exercise with the course map \(\[\]\(#fig-islands-map\)", notes)
