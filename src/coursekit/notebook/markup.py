"""The bank's Markdown subset as HTML (**bold**, *em*, `code`, [links](url)): the same rules as quiz.mjs.

Text is escaped first, so a question can never inject markup. Used by the widget's static view and by
the grader's feedback pages; it imports nothing heavy.
"""

from __future__ import annotations

import html
import re


def safe_url(url: str) -> bool:
    return bool(re.match(r"(https?:|mailto:)", url, re.I)) or not re.match(r"[a-z][a-z0-9+.-]*:", url, re.I)


def inline(text: str) -> str:
    """One line of the subset as HTML, escaped first like quiz.mjs."""
    codes: list[str] = []
    s = html.escape(str(text).replace("\0", ""))

    def stash(m: re.Match) -> str:  # code spans are set aside so * inside them stays literal
        codes.append(m[1])
        return f"\0{len(codes) - 1}\0"

    s = re.sub(r"`([^`]+)`", stash, s)
    s = re.sub(
        r"\[([^\]]+)\]\(([^)\s]+)\)",
        lambda m: f'<a href="{m[2]}">{m[1]}</a>' if safe_url(m[2]) else m[1],
        s,
    )
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"\*([^*\s][^*]*)\*", r"<em>\1</em>", s)
    return re.sub(r"\0(\d+)\0", lambda m: f"<code>{codes[int(m[1])]}</code>", s)


def markdown(text: str) -> str:
    """Paragraphs of the subset: blank lines separate paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return "".join(f"<p>{inline(' '.join(p.split()))}</p>" for p in paragraphs)


def plain(text: str) -> str:
    """The words of a line without its markup (for text/plain and labels)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", str(text))
    return " ".join(re.sub(r"[*`]", "", text).split())
