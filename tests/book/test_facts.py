"""Facts from beyond the brief: each sits in a labelled box (or the beyond-the-brief chapter) and cites a reference.

The rule these tests enforce: a year the reading does not contain may appear in the book only inside a
"Beyond the brief" box, a "(beyond the brief ...)" note, a glossary definition marked "Beyond the brief",
or a paragraph of a chapter that mirrors no section of the brief; and each of those cites, by a link
``[...](#key)``, an entry of book/references.md that gives author, title, year and publisher or address.
"""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from coursekit.bank.brief import CHAPTERS
from coursekit.bank.load import check_bank
from coursekit.bank.reading import load_sections, normalize
from coursekit.bank.references import reference_keys

YEAR = re.compile(r"\b(?:19|20)\d\d\b")
LINK = re.compile(r"\]\(#([a-z0-9][a-z0-9-]*)\)")
BOX = re.compile(r"^(:{3,})\{admonition\} Beyond the brief[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# A fence that opens an executable cell or a literal code block (commands, settings): numbers there are not dates.
# Directives such as {list-table}, {figure} or {mermaid} hold prose and stay.
CODE_FENCE = re.compile(r"^```(?:\{code-cell\}.*|[a-z]*[ \t]*)$")
MIRRORING = [c.file for c in CHAPTERS if c.sections]
BEYOND = [c.file for c in CHAPTERS if not c.sections]
OTHER_PAGES = ["index.md", "assignments.md", "instructor-guide.md", "teaching-notes.md", "timeline.md"]


@pytest.fixture(scope="module")
def keys(repo) -> dict[str, int]:
    return reference_keys(repo / "book" / "references.md")


@pytest.fixture(scope="module")
def reading_years(repo) -> set[str]:
    return set(YEAR.findall((repo / "book" / "reading.md").read_text(encoding="utf-8")))


def without_code(text: str) -> str:
    """The text less its code cells and literal code blocks. Fences are paired in order, so the closing fence of a
    directive is never taken for the opening of a code block (which would drop the prose up to the next fence)."""
    kept, fence = [], None
    for line in text.splitlines(keepends=True):
        if fence is None and line.startswith("```"):
            fence = "code" if CODE_FENCE.match(line.rstrip("\n")) else "directive"
            kept += [] if fence == "code" else [line]
        elif fence is not None and line.rstrip() == "```":
            kept += [] if fence == "code" else [line]
            fence = None
        elif fence != "code":
            kept.append(line)
    return "".join(kept)


def page(repo, name: str) -> str:
    """A page's Markdown without front matter, executable code cells or literal code blocks."""
    return without_code(FRONT_MATTER.sub("", (repo / "book" / name).read_text(encoding="utf-8")))


def beyond_notes(text: str) -> list[str]:
    """Every parenthesis that starts a "(beyond the brief ...)" note, with its nested parentheses."""
    notes = []
    for start in (m.start() for m in re.finditer(r"\((?=[^()]{0,40}beyond the brief)", text, re.I)):
        depth = 0
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                notes.append(text[start : end + 1])
                break
    return notes


def cites(text: str, keys) -> bool:
    return any(k in keys for k in LINK.findall(text))


def outside_years(text: str, keys, reading_years) -> set[str]:
    """Years in the text that the reading lacks, not counting the years inside citations like [Cha 1999](#cha-1999)."""
    text = re.sub(r"\[[^\]]*\]\(#([a-z0-9-]+)\)", lambda m: "" if m.group(1) in keys else m.group(0), text)
    return set(YEAR.findall(text)) - reading_years


def entries(repo) -> dict[str, str]:
    """Each reference entry's text, by key."""
    text = (repo / "book" / "references.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\(([a-z0-9-]+)\)=\n(.+?)(?=\n\n|\Z)", text, re.M | re.S))


def test_reference_entries_are_complete(repo, keys):
    """Does every entry give a year (or n.d.), a title, and where to find it (publisher, journal, treaty or URL)?"""
    found = entries(repo)
    assert set(found) == set(keys) and len(keys) >= 40
    for key, text in found.items():
        assert re.search(r"\b(?:19|20)\d\d\b|\bn\.d\.", text), key
        assert re.search(r"\*[^*]+\*|\"[^\"]+\"|\[[^\]]+\]|^[A-Z][^.]+\. (?:19|20)\d\d\.", text), key
        where = r"<https?://|\*[^*]+\*|Signed |U\.S\.T\.|[A-Z][a-z]+(?:, [A-Z]{2})?: [A-Z]|Ministry|Government"
        assert re.search(where, text), key


def test_target_lines_are_unique(repo, keys):
    """Is each reference key defined once, so a link can never point at the wrong entry?"""
    text = (repo / "book" / "references.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\([a-z0-9-]+\)=$", text, re.M)) == len(keys)


def test_every_reference_is_cited(repo, keys):
    """Is every entry cited by some page or practice question (no dangling entries nobody checks)?"""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (repo / "book").glob("*.md") if p.name != "references.md")
    bank = "\n".join(p.read_text(encoding="utf-8") for p in (repo / "assignments" / "bank").rglob("*.yaml"))
    cited = set(LINK.findall(text)) | set(re.findall(r"reference: ([a-z0-9-]+)", bank))
    assert sorted(set(keys) - cited) == []


@pytest.mark.parametrize("name", [c.file for c in CHAPTERS] + OTHER_PAGES + ["glossary.md"])
def test_beyond_the_brief_boxes_cite_a_reference(repo, keys, name):
    """Does every "Beyond the brief" box on the page link to at least one reference entry?"""
    boxes = [body for _, body in BOX.findall(page(repo, name))]
    assert all(cites(body, keys) for body in boxes), name


@pytest.mark.parametrize("name", MIRRORING + OTHER_PAGES)
def test_outside_years_sit_in_cited_boxes(repo, keys, reading_years, name):
    """Outside boxes and cited notes, is every year on the page one the reading contains?"""
    text = BOX.sub("", page(repo, name))
    for note in beyond_notes(text):
        if outside_years(note, keys, reading_years):
            assert cites(note, keys), note
            text = text.replace(note, "")
    assert outside_years(text, keys, reading_years) == set(), name


def test_glossary_outside_years_are_marked_and_cited(repo, keys, reading_years):
    """Does each glossary definition that gives an outside year say "Beyond the brief" and cite a reference?"""
    definitions = re.split(r"\n\s*\n", page(repo, "glossary.md"))
    for text in definitions:
        if outside_years(text, keys, reading_years):
            assert "beyond the brief" in text.lower() and cites(text, keys), text[:60]


def units(text: str) -> list[str]:
    """Paragraphs, list items and table rows: the smallest blocks that should carry their own citation."""
    blocks = re.split(r"\n\s*\n", text)
    return [u for b in blocks for u in re.split(r"\n(?=- |\* - |\d\. )", b)]


@pytest.mark.parametrize("name", BEYOND)
def test_beyond_chapter_cites_every_dated_paragraph(repo, keys, reading_years, name):
    """In a chapter beyond the brief, does every paragraph, item or row with an outside year cite a reference?"""
    text = page(repo, name)
    assert BOX.search(text) and text.lstrip().startswith(":::{admonition} Beyond the brief"), "needs the banner"
    dated = [u for u in units(text) if outside_years(u, keys, reading_years)]
    assert dated and [u[:70] for u in dated if not cites(u, keys)] == []


def timeline_events(repo) -> list[tuple]:
    text = (repo / "book" / "timeline.md").read_text(encoding="utf-8")
    return ast.literal_eval(re.search(r"^EVENTS = (\[.*?^\])", text, re.M | re.S).group(1))


def test_timeline_events_are_dated_or_cited(repo, keys, reading_years):
    """Is each brief event dated in the reading, and each beyond event's reference an entry linked on the page?"""
    events = timeline_events(repo)
    linked = set(LINK.findall(page(repo, "timeline.md")))
    for year, _month, text, source, ref in events:
        if source == "brief":
            assert str(year) in reading_years and ref is None, text
        else:
            assert source == "beyond" and ref in keys and ref in linked, text
    assert {y for y, *_ in events if y > 2021} and max(y for y, *_ in events) <= 2024


def test_practice_references_resolve(repo, keys):
    """Does the whole bank pass the reference check against the book's own references.md?"""
    reading = load_sections(repo / "book" / "reading.md")
    checked = check_bank([repo / "assignments" / "bank"], reading, keys)
    assert [str(p) for p in checked.problems] == []
    cited = [q for q in checked.bank.questions.values() if q.source.reference]
    assert cited and all(checked.bank.kind_of(q.id) == "practice" for q in cited)


def graded_secrets(bank) -> list[str]:
    """Text only graders may see: explanations, hints and any rubric field of graded questions."""

    def strings(value, secret):
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in strings(v, secret or "rubric" in k)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v, secret)]
        return [value] if secret and isinstance(value, str) else []

    found = []
    for qid, q in bank.questions.items():
        if bank.kind_of(qid) == "graded":
            data = q.model_dump()
            found += strings({k: v for k, v in data.items() if k in ("explanation", "hint")}, True)
            found += strings(data, False)
    return [s for s in found if len(s.split()) >= 8]


def test_book_pages_hold_no_graded_explanation_or_rubric(repo, bank):
    """Is no graded explanation, hint or rubric text (8+ words) in any page, teaching notes included?"""
    secrets = graded_secrets(bank)
    assert secrets
    book = {p.name: normalize(p.read_text(encoding="utf-8")) for p in (repo / "book").glob("*.md")}
    leaks = [(name, s[:50]) for s in secrets for name, text in book.items() if normalize(s) in text]
    assert leaks == []


def test_teaching_notes_are_in_the_instructors_part(repo):
    """Are the teaching notes in the instructors' part of the toc, linked from the guide, and pointing graders
    to the rubric sheet command rather than holding rubrics?"""
    toc = yaml.safe_load((repo / "book" / "myst.yml").read_text())["project"]["toc"]
    (part,) = [e for e in toc if e.get("title") == "For instructors and graders"]
    assert [c["file"] for c in part["children"]][:2] == ["instructor-guide.md", "teaching-notes.md"]
    assert "(#teaching-notes)" in (repo / "book" / "instructor-guide.md").read_text(encoding="utf-8")
    notes = (repo / "book" / "teaching-notes.md").read_text(encoding="utf-8")
    assert "`coursekit rubrics ASSIGNMENT`" in notes and "for graders only" in notes
    assert len(re.findall(r"^### Session \d", notes, re.M)) == len(CHAPTERS)
    assert len(re.findall(r"^### Chapter \d", notes, re.M)) == len(CHAPTERS)


def test_fact_rules_catch_uncited_context(keys, reading_years):
    """Would the rules flag an uncited box, a bare outside year, and a citation to a key that does not exist?"""
    box = ":::{admonition} Beyond the brief: the treaty\n:class: seealso\nSigned in 1965.\n:::\n"
    assert not cites(BOX.search(box).group(2), keys)
    assert outside_years("In 1965 the two countries normalized relations.", keys, reading_years) == {"1965"}
    assert outside_years("as Cha argues ([Cha 1999](#cha-1999))", keys, reading_years) == set()
    assert outside_years("as Cha argues ([Cha 1999](#cha-ninety-nine))", keys, reading_years) == {"1999"}
    note = "(beyond the brief: Senior Director in 2021, [MeriTalk 2021](#meritalk-2021))"
    assert beyond_notes(f"His title {note} was longer.") == [note]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_chapter_has_further_reading(repo, keys, chapter):
    """Does each chapter end with further reading that cites at least two entries of the reference list?"""
    text = page(repo, chapter.file)
    match = re.search(r"^## Further reading\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, chapter.file
    assert len({k for k in LINK.findall(match.group(1)) if k in keys}) >= 2


# Facts an expert review corrected (issue 19, item 5). Each stays as corrected, on the page named, in a paragraph,
# list item or table row that links to its reference entry, so a regression or an uncited correction fails here.
CORRECTED = [
    ("02-history.md", "signed in Washington on 1 October 1953 and entered into force on 17 November 1954"),
    ("02-history.md", "The treaty itself was not ended"),
    ("03-expanding-scope.md", "What the 2014 decision allows is *collective self-defense*"),
    ("05-hub-and-spokes.md", "the instruments of ratification were exchanged in Seoul on 18 December 1965"),
    ("05-hub-and-spokes.md", "claims therefore fell outside the agreement"),
    ("05-hub-and-spokes.md", "Tokyo said it was a security measure"),
    ("05-hub-and-spokes.md", "Japan proposed taking it to the International Court of Justice in 1954, 1962 and 2012"),
    ("05-hub-and-spokes.md", "on 21 March 2023 Seoul withdrew its 2019 notices"),
    ("05-hub-and-spokes.md", "Japan restored South Korea to its own list with effect from 21 July 2023"),
    ("05-hub-and-spokes.md", "ANZUS and SEATO"),
    ("06-pogo-problem.md", "about 4,000 of them were put on indefinite unpaid leave"),
    ("06-pogo-problem.md", "54,000 military personnel"),
    ("09-since-the-brief.md", "Treaty on the Non-Proliferation of Nuclear Weapons"),
    ("09-since-the-brief.md", "a groundbreaking new chapter of cooperation and partnership"),
    ("09-since-the-brief.md", "On 27 December 2024 the Assembly impeached Han"),
    ("09-since-the-brief.md", "entered into force on 4 December 2024"),
    ("09-since-the-brief.md", "Trilateral Security Cooperation Framework"),
    ("09-since-the-brief.md", "Freedom Edge"),
    ("09-since-the-brief.md", "North Korean missile warning data in real time"),
    ("09-since-the-brief.md", "Guidelines for Nuclear Deterrence and Nuclear Operations"),
    ("09-since-the-brief.md", "Sado Island Gold Mines"),
    ("09-since-the-brief.md", "National Assembly election of 10 April 2024"),
    ("09-since-the-brief.md", "lower house's first runoff vote since 1994"),
]
# Wordings the review found wrong or one-sided; none may come back on any page or in the bank's public text.
RETRACTED = [
    "former treaty ally",  # ANZUS is in force; only U.S. obligations to New Zealand are suspended
    "repaired the damage quickly",  # never the brief's claim
    "the brief hopes for",  # the brief does not name the Quad
    "normalized relations on 22 June 1965",  # that is the signing date; relations began in December
    "built one multilateral alliance",  # passes over ANZUS and SEATO
    "Japan answered with export controls",  # one government's reading given as fact
]
REPUBLISHED = ["peoplesdaily", "ghanaweb", "koreanewsgazette", "devdiscourse"]  # wire stories via third parties
# Japanese names, given name first as the brief writes them; the glossary states the convention.
JAPANESE_NAMES = [
    ("Shinzo", "Abe"), ("Fumio", "Kishida"), ("Yoshihide", "Suga"), ("Shigeru", "Ishiba"), ("Nobusuke", "Kishi"),
    ("Yohei", "Kono"), ("Taro", "Kono"),
]  # fmt: skip


def public_texts(repo) -> dict[str, str]:
    """Every book page (less the reading and the reference list, which keep their sources' own wording) and
    every practice file of the bank, by name."""
    book = {p.name: p.read_text(encoding="utf-8") for p in (repo / "book").glob("*.md")}
    practice = (repo / "assignments" / "bank" / "practice").glob("*.yaml")
    texts = {**book, **{f"practice/{p.name}": p.read_text(encoding="utf-8") for p in practice}}
    return {name: text for name, text in texts.items() if name not in ("reading.md", "references.md")}


def family_name_first(text: str) -> list[str]:
    """Japanese names written family name first, outside quotations, link texts and titles in italics."""
    text = re.sub(r'"[^"\n]*"|“[^”\n]*”|\[[^\]]*\]|\*[^*\n]+\*', " ", text)
    return [f"{family} {given}" for given, family in JAPANESE_NAMES if f"{family} {given}" in text]


@pytest.mark.parametrize(("name", "fact"), CORRECTED, ids=[f[:40] for _, f in CORRECTED])
def test_corrected_fact_stays_and_cites_its_source(repo, keys, name, fact):
    """Is the corrected fact still on its page, in a paragraph, item or row that links to a reference entry?"""
    found = [u for u in units(page(repo, name)) if fact in u]
    assert found, f"{name}: '{fact}' is gone"
    assert all(cites(u, keys) for u in found), f"{name}: '{fact}' cites no reference"


def retracted(texts: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, w) for name, text in texts.items() for w in RETRACTED if w.lower() in text.lower()]


def test_retracted_wordings_do_not_return(repo):
    """Is no wording the review found wrong or one-sided back on a page or in a practice question?"""
    texts = public_texts(repo)
    assert len(texts) > 20 and retracted(texts) == []


def test_no_republished_wire_story_is_a_source(repo):
    """Does every reference point to the original publisher rather than a site that republished a wire story?"""
    text = (repo / "book" / "references.md").read_text(encoding="utf-8").lower()
    assert [site for site in REPUBLISHED if site in text] == []


def test_japanese_names_follow_one_order(repo):
    """Is every Japanese name written given name first, as the glossary says, in the book and the practice bank?"""
    texts = public_texts(repo)
    assert {name: family_name_first(text) for name, text in texts.items() if family_name_first(text)} == {}
    convention = texts["glossary.md"]
    assert "(names-convention)=" in convention and "given name first" in convention


def test_fact_regressions_would_be_caught(keys):
    """Would the rules flag a retracted wording, a family-name-first name and a correction stripped of its source?"""
    figure = {"05-hub-and-spokes.md": 'US -. "Former treaty ally" .- NZ[New Zealand]'}
    assert retracted(figure) == [("05-hub-and-spokes.md", "former treaty ally")]
    assert family_name_first("Prime Minister Kishida Fumio met Yoon.") == ["Kishida Fumio"]
    assert family_name_first('The remarks were "by Kishida Fumio" and [Kishida Fumio 2023](#x).') == []
    bare = "The treaty was signed in Washington on 1 October 1953 and entered into force on 17 November 1954."
    assert not cites(bare, keys) and cites(bare + " ([treaty](#treaty-rok-1953))", keys)
