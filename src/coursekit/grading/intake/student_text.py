"""Student text made inert: a written answer's Markdown as HTML that keeps its formatting and nothing else.

Whoever reads a written answer later reads it through a Markdown renderer that passes raw HTML through:
nbgrader's formgrader renders answer cells with nbconvert's ``markdown2html`` and its ``formgrade`` template
skips nbconvert's ``clean_html`` for Markdown cells (nbgrader 0.9.6,
``server_extensions/formgrader/templates/formgrade/index.html.j2``, block ``markdowncell``; jupyter/nbgrader
commit 509c3ef). So the text is made inert once, when the graded notebook is rebuilt, before anyone reads it:

1. mistune renders the Markdown with raw HTML escaped: a ``<script>`` the student typed shows as text;
2. nh3 (the Ammonia sanitizer) keeps only the tags and attributes in ``TAGS`` and ``ATTRIBUTES``, and links to
   http(s) and mailto only: no images (shown as links), no style, no classes, no ids, no other scheme;
3. the result has no line break at all (a code block's lines are ``<br>``) and sits in one ``<div>``: a
   CommonMark HTML block, which a later Markdown renderer passes through as it is instead of reading
   Markdown into it again (a blank line would end the block and let the rest be read as Markdown).
"""

from __future__ import annotations

import html

import mistune
import nh3
from mistune.renderers.html import HTMLRenderer

WRAPPER = '<div class="ck-written">'
TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}


def inert_html(text: str) -> str:
    """A written answer (Markdown, as the student typed it) as inert HTML on one line."""
    return f"{WRAPPER}{clean(_render(text))}</div>"


def as_shown(source: str) -> str:
    """What a page shows of a graded answer cell: HTML ``inert_html`` made is cleaned again, not rendered again;
    the raw Markdown of a notebook graded before answers were made inert is made inert now."""
    if source.startswith(WRAPPER) and source.endswith("</div>") and "\n" not in source:
        return f"{WRAPPER}{clean(source[len(WRAPPER) : -len('</div>')])}</div>"
    return inert_html(source)


def clean(fragment: str) -> str:
    """An HTML fragment with only the allowed tags, attributes and link schemes, and no line break."""
    safe = nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        url_relative="deny",  # a relative link would point into formgrader's own server
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return safe.replace("\r", " ").replace("\n", " ").strip()


class _Renderer(HTMLRenderer):
    """mistune's HTML, with headings as bold paragraphs (the page has its own outline), images as links to them
    (nothing is fetched when a grader opens the page) and code blocks without line breaks."""

    def heading(self, text: str, level: int, **attrs) -> str:
        return f"<p><strong>{text}</strong></p>\n"

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return self.link(text or url, url, title)

    def block_code(self, code: str, info: str | None = None) -> str:
        lines = html.escape(code.rstrip("\n"), quote=False).split("\n")
        return "<pre><code>" + "<br>".join(lines) + "</code></pre>\n"


_MARKDOWN = mistune.create_markdown(escape=True, renderer=_Renderer(escape=True), plugins=["strikethrough"])


def _render(text: str) -> str:
    return _MARKDOWN(text)
