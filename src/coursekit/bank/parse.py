"""Reading one bank file: YAML text -> data plus the line of every value, or a problem for a person."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the bank, at a place in a file (line 0: the file as a whole)."""

    path: Path
    line: int
    text: str  # "question 'ID': what is wrong. What to do." or a file-level sentence
    severity: str = "error"  # or "warning": reported, but `coursekit check` still passes

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}" if self.line else f"{self.path}: {self.text}"


@dataclass(frozen=True)
class Parsed:
    """A parsed bank file: its data and the YAML nodes, so any value can be traced to its line."""

    path: Path
    data: Any
    root: yaml.Node

    def line(self, loc: tuple) -> int:
        """The 1-based line of the value at ``loc`` (a mapping key's own line), or of its nearest parent."""
        return self._walk(loc)[1]

    def in_flow_mapping(self, loc: tuple) -> bool:
        """Is the mapping at ``loc`` written inline as ``{a: b, c: d}`` (where a stray comma splits text)?"""
        node, _ = self._walk(loc)
        return isinstance(node, yaml.MappingNode) and bool(node.flow_style)

    def _walk(self, loc: tuple) -> tuple[yaml.Node, int]:
        node, line = self.root, self.root.start_mark.line + 1
        for key in loc:
            child = None
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == key), None)
                if pair:
                    child, line = pair[1], pair[0].start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                child = node.value[key]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return node, line


def parse_file(path: Path) -> tuple[Parsed | None, list[Problem]]:
    """Parse ``path``; on failure return no data and the one problem that stopped it."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [Problem(path, 0, f"cannot read the file ({e.strerror}). Check the path and its permissions.")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 0, "file is larger than 1 MB. Split it into several bank files.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not UTF-8 text (byte {raw[e.start]:#04x}). Save the file as UTF-8.")]
    try:
        root, data = _compose_and_construct(text)
    except yaml.YAMLError as e:
        return None, [_syntax_problem(path, e)]
    if root is None:
        return None, [Problem(path, 1, "the file is empty. Start it with `kind:`, `title:` and `questions:`.")]
    return Parsed(path, data, root), []


def _compose_and_construct(text: str):
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


# PyYAML's wording for the mistakes authors make most, and what to do about each.
_SYNTAX_HINTS = {
    "mapping values are not allowed here": "a value contains ': '. Put the whole value in quotes",
    "found character '\\t' that cannot start any token": "a tab is used for indentation. Indent with spaces",
    "could not find expected ':'": "a line is missing its `key:`, or a quoted value is not closed",
    "found undefined alias": "an `*alias` names no `&anchor`. Quote the value if `*` is meant literally",
    "expected <block end>, but found '<block sequence start>'": "a `- ` item is indented wrongly",
    "expected <block end>, but found '<block mapping start>'": "a line is indented wrongly",
    "found unexpected end of stream": "a quoted value is never closed",
    "found a tab character that violates indentation": "a tab is used for indentation. Indent with spaces",
    "but found another document": "a bank file is one YAML document. Remove the extra `---`, or split the file",
}


def _syntax_problem(path: Path, e: yaml.YAMLError) -> Problem:
    mark = getattr(e, "problem_mark", None)
    what = getattr(e, "problem", None) or str(e).splitlines()[0]
    if what.startswith("found unexpected end of stream") and getattr(e, "context_mark", None):
        mark = e.context_mark  # an unclosed quote: point at where it opens, not at the end of the file
    line = mark.line + 1 if mark else 1
    hint = next((h for k, h in _SYNTAX_HINTS.items() if what.startswith(k)), None)
    where = f" (column {mark.column + 1})" if mark else ""
    advice = f"; {hint}." if hint else ". Fix the indentation or quoting there."
    return Problem(path, line, f"YAML syntax error{where}: {what}{advice}")


def duplicate_keys(node: yaml.Node, loc: tuple = ()) -> list[tuple[tuple, str, int, int]]:
    """Keys given twice in one mapping, which YAML readers silently resolve to the last one.

    Returns (location of the mapping, key, line of the repeat, line of the first).
    """
    found = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                if k.value in first:
                    found.append((loc, k.value, k.start_mark.line + 1, first[k.value]))
                first.setdefault(k.value, k.start_mark.line + 1)
            found += duplicate_keys(v, (*loc, getattr(k, "value", None)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += duplicate_keys(item, (*loc, i))
    return found
