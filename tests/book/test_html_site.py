"""`coursekit book`'s HTML step: executed pages reach the HTML site with their outputs.

The real book theme is downloaded at build time, which is impossible offline. The HTML step itself
(mystmd rebuilding every page and handing each page's JSON to the theme) is run here with a minimal
local template (tests/book/json_template, through ``site: template: <local path>``, one of the offline
options the instructor guide gives) that writes the page JSON into ``_build/html``.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

TEMPLATE = Path(__file__).parent / "json_template"


def walk(node: dict):
    yield node
    for child in node.get("children") or []:
        yield from walk(child)


def timeline_outputs(page_json: Path) -> list[dict]:
    """The data of every output of the timeline page (figure and table) in a site JSON file."""
    mdast = json.loads(page_json.read_text())["mdast"]
    outputs = [n for n in walk(mdast) if n["type"] == "output" and n.get("jupyter_data")]
    return [o["jupyter_data"]["data"] for o in outputs]


@pytest.fixture(scope="module")
def local_template_build(repo, tmp_path_factory):
    """`coursekit book` (content build, then the HTML step) on a copy of book/ using the local template."""
    from coursekit.book.build import build_book

    book = tmp_path_factory.mktemp("html") / "book"
    shutil.copytree(repo / "book", book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    config = yaml.safe_load((book / "myst.yml").read_text())
    config["site"]["template"] = str(TEMPLATE)
    (book / "myst.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setenv("COURSEKIT_COURSE", str(repo))
        outputs = build_book(book_dir=book, html=True, execute=True)
    return book, outputs, out.getvalue()


def test_html_step_keeps_the_timeline_outputs(local_template_build):
    """Does the HTML step execute, so the timeline page's JSON in _build/html holds its figure and table?"""
    book, outputs, log = local_template_build
    assert "html" in outputs, log[-3000:]
    data = timeline_outputs(book / "_build" / "html" / "timeline.json")
    assert any("image/svg+xml" in d for d in data), data
    assert any("text/html" in d and "<table" in d["text/html"]["content"] for d in data)
    assert "jupyter book build --html --execute" in log


def test_html_step_leaves_the_content_build_executed(local_template_build):
    """After the HTML step, does the content build (_build/site) still hold the executed outputs?"""
    book, _, _ = local_template_build
    assert any("image/svg+xml" in d for d in timeline_outputs(book / "_build" / "site" / "content" / "timeline.json"))


def test_real_theme_site_has_timeline_outputs(book_build):
    """Where the real book theme could be downloaded, does its site's timeline JSON hold the outputs?"""
    if "html" not in book_build.outputs:
        pytest.skip(
            "no HTML site with the real book theme in this run: it cannot be downloaded here (no network); "
            "test_html_step_keeps_the_timeline_outputs ran the HTML step with a local template instead"
        )
    data = timeline_outputs(book_build.outputs["html"] / "timeline.json")
    assert any("image/svg+xml" in d for d in data), data


def test_offline_message_names_the_offline_options(book_build):
    """Without network, does the one-line message name both ways to build the HTML offline?"""
    if "html" in book_build.outputs:
        pytest.skip("the theme was downloaded in this run: there is no offline message to read")
    lines = [line for line in book_build.log.splitlines() if "HTML site was not built" in line]
    assert len(lines) == 1
    assert "_build/templates/site/myst/book-theme" in lines[0] and "site: template: <local theme folder>" in lines[0]
