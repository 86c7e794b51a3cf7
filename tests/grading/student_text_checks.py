"""Hostile student text for Hypothesis, and the invariants any page showing it must keep (parsed as a browser would).

The strategy mixes what sanitizers have missed before: HTML, SVG and MathML tags with event handlers, script-bearing
URLs in HTML attributes and in Markdown links, images and reference definitions (mixed case, entity-encoded, with
control characters), <style>, <iframe>, <base>, <meta http-equiv>, unclosed tags, comments and CDATA, Markdown
nested in HTML and HTML in Markdown, and very long lines.
"""

from __future__ import annotations

import re

import html5lib
from hypothesis import strategies as st

# Elements that run, load or restyle something; none may come out of student text.
BANNED = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "img",
    "image", "svg", "math", "form", "input", "button", "textarea", "select", "video", "audio", "source", "track",
    "template", "noscript", "portal", "param", "xmp", "plaintext", "noembed", "noframes", "animate", "set", "use",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset", "ping", "codebase",
    "longdesc", "manifest", "dynsrc", "lowsrc", "xlink:href", "to", "from", "values",
}  # fmt: skip
SAFE_URL = re.compile(r"\s*(https?://|mailto:|#)", re.I)

SCHEMES = ["javascript:", "JaVaScRiPt:", " javascript:", "java\tscript:", "java&#x09;script:", "&#106;avascript:",
           "&#x6A;avascript:", "javascript&colon;", "vbscript:", "VBScript:", "data:text/html;base64,PHNjcmlwdD4=",
           "data:image/svg+xml,<svg onload=alert(1)>", "DaTa:text/html,", "file:///etc/passwd", "//evil.example/",
           "/api/terminals", "../../gradebook.db", "jav\x00ascript:"]  # fmt: skip
TAGS = ["script", "img", "svg", "math", "mtext", "mglyph", "iframe", "style", "base", "meta", "object", "embed", "a",
        "details", "body", "input", "form", "video", "table", "template", "noscript", "title", "textarea", "xmp",
        "select", "animate", "set", "use", "image", "frameset", "isindex", "p", "div", "b"]  # fmt: skip
HANDLERS = [
    "onerror",
    "onload",
    "ONLOAD",
    "onclick",
    "ontoggle",
    "onfocus",
    "onmouseover",
    "onbegin",
    "onanimationstart",
]
VALUE_ATTRIBUTES = ["href", "src", "srcdoc", "style", "xlink:href", "formaction", "action", "data", "http-equiv",
                    "content", "autofocus", "open", "class", "id", "name"]  # fmt: skip
PAYLOAD = "alert(1)"


def _quoted(value: str) -> st.SearchStrategy[str]:
    return st.sampled_from([f'"{value}"', f"'{value}'", value, f"`{value}`"])


url = st.builds(lambda s, p: s + p, st.sampled_from(SCHEMES), st.sampled_from([PAYLOAD, "x", ""]))
attribute = st.one_of(
    st.builds(lambda n, v: f" {n}={v}", st.sampled_from(HANDLERS), _quoted(PAYLOAD)),
    st.builds(lambda n, v: f" {n}={v}", st.sampled_from(VALUE_ATTRIBUTES), url.flatmap(_quoted)),
    st.just(' style="background:url(https://evil.example/x)"'),
    st.just(' http-equiv="refresh" content="0;url=javascript:alert(1)"'),
)
tag = st.builds(
    lambda name, attrs, close, inner: f"<{name}{''.join(attrs)}{close}{inner}",
    st.sampled_from(TAGS),
    st.lists(attribute, max_size=3),
    st.sampled_from([">", "/>", " >", ""]),
    st.sampled_from(["", PAYLOAD, f"</{'script'}>", "<!--", "-->", "<![CDATA[", "]]>"]),
)
markdown = st.one_of(
    st.builds(lambda t, u: f"[{t}]({u})", st.sampled_from(["link", "**bold link**", "<b>x</b>"]), url),
    st.builds(lambda u: f"![image]({u})", st.one_of(url, st.just("https://evil.example/pixel.png"))),
    st.builds(lambda u: f"[ref]\n\n[ref]: {u}\n", url),
    st.builds(lambda u: f"<{u}>", url),
    st.sampled_from(["**bold**", "*em*", "- item\n- item", "1. one\n2. two", "> quote", "`code <b>`", "# Heading",
                     "```html\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n```", "$$<img src=x onerror=1>$$",
                     "\\<script>", "&lt;script&gt;", "&#60;script&#62;", "<!-- comment -->", "<?php ?>", "---"]),
)  # fmt: skip
separator = st.sampled_from(["", " ", "\n", "\n\n", "\r\n", "\r", "\t", "    "])
hostile = st.lists(
    st.one_of(tag, markdown, st.text(max_size=20), st.just("x" * 3000)),
    min_size=1,
    max_size=8,
).flatmap(lambda parts: st.lists(separator, min_size=len(parts), max_size=len(parts)).map(
    lambda seps: "".join(s + p for s, p in zip(seps, parts, strict=True))))  # fmt: skip


def parse(page: str):
    """The page as a browser's parser builds it (html5lib follows the HTML standard's parsing rules)."""
    return html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def dangers(root) -> list[str]:
    """Everything under ``root`` that could run a script, load from elsewhere, or restyle the page."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        name = local(element.tag)
        if name in BANNED:
            found.append(f"<{name}>")
        for attribute, value in element.attrib.items():
            attr = local(attribute)
            if attr.startswith("on") or attr in ("style", "srcdoc", "http-equiv"):
                found.append(f"<{name} {attr}>")
            elif attr in URL_ATTRIBUTES and not SAFE_URL.match(value):
                found.append(f"<{name} {attr}={value!r}>")
    return found


def with_class(root, token: str) -> list:
    """Every element whose class attribute has ``token``."""
    return [e for e in root.iter() if isinstance(e.tag, str) and token in (e.get("class") or "").split()]
