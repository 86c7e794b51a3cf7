"""Hostile submission trees for the intake tests: Hypothesis strategies, a builder, and a model of the budget.

A tree is a dict name -> node. A node is ``("file", size)`` (sparse past 64 kB, so a terabyte costs nothing),
``("text", bytes)``, ``("dir", {...})``, ``("link", target)``, ``("fifo",)``, ``("socket",)``, ``("device",)``
(as root only), ``("hard",)`` (a hard link to the canary), ``("bulk", n, "dir" | "file")`` (n empty entries) or
``("chain", depth, leaf)`` (``leaf`` behind ``depth`` nested folders). Links point at the canary (absolute or
relative), at ``/dev/zero``, ``/etc/passwd``, themselves (a loop), a folder above, another student's folder, or
nowhere. The canary is a file outside the submission whose unique bytes must never reach anything graded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from coursekit.grading.intake.budget import Budget

CANARY = b"CANARY-5e1f0c7a-never-graded"
LINK_TARGETS = ("canary", "canary-rel", "/dev/zero", "/etc/passwd", "self", "..", "other", "dangling")
ODD_NAMES = ["sp ace", "é-accent", "日本語", "[a]", "a*b", "q?", ".hidden", "feedback", "__pycache__", "m.pyc",
             ".ipynb_checkpoints", "-rf", "other.ipynb", "..dots", "x" * 100]  # fmt: skip
BAD_NAMES = ["a\nb", "tab\there", "del\x7f", "bad\udcffbytes", "r\u202eevil.txt", "nbsp\u00a0x", "zwj\u200dx",
             "x" * 150]  # unprintable, or longer than the default 128 characters  # fmt: skip
_PLAIN = "abcdefghijklmnopqrstuvwxyzABC0123456789_-."


def _makeable(name: str) -> bool:
    """Can this name exist on a POSIX file system at all?"""
    try:
        return name not in (".", "..") and "/" not in name and "\x00" not in name and len(os.fsencode(name)) <= 200
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return False


names = st.one_of(  # printable names: a tree is refused for its names only when a budget says so
    st.text(alphabet=_PLAIN, min_size=1, max_size=10),
    st.sampled_from(ODD_NAMES),
    st.text(min_size=1, max_size=12).filter(str.isprintable),
).filter(_makeable)
bad_names = st.one_of(st.sampled_from(BAD_NAMES), st.text(min_size=1, max_size=12)).filter(_makeable)
leaves = st.one_of(
    st.tuples(st.just("file"), st.one_of(st.integers(0, 3000), st.sampled_from([10**6, 10**9, 10**12]))),
    st.tuples(st.just("link"), st.sampled_from(LINK_TARGETS)),
    st.just(("fifo",)),
    st.just(("socket",)),
    st.just(("hard",)),
    *([st.just(("device",))] if os.geteuid() == 0 else []),
)
nodes = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.dictionaries(names, inner, max_size=4).map(lambda d: ("dir", d)),
        st.tuples(st.just("chain"), st.integers(1, 14), inner),
        st.tuples(st.just("bulk"), st.integers(1, 120), st.sampled_from(["dir", "file"])),
    ),
    max_leaves=12,
)
GOOD_TIMESTAMPS = [b"2026-01-15 10:00:00 UTC", b"2021-04-01 12:00:00.123456 KST", b"2021-04-01 12:00:00+09:00", b""]
BAD_TIMESTAMPS = [b"yesterday", b"2021-13-45 99:99:99", b"2021-04-01 12:00:00 UTC extra", b"\xff\xfe"]
timestamps = st.one_of(
    st.none(),
    st.sampled_from(GOOD_TIMESTAMPS).map(lambda b: ("text", b)),
    st.one_of(
        st.sampled_from(BAD_TIMESTAMPS).map(lambda b: ("text", b)),
        st.binary(max_size=40).map(lambda b: ("text", b)),
        leaves,
    ),
)
trees = st.tuples(  # (tree, its timestamp.txt or None, an entry with a bad name or None)
    st.dictionaries(names, nodes, max_size=5),
    timestamps,
    st.one_of(st.none(), st.none(), st.none(), st.none(), st.tuples(bad_names, leaves)),
)
calm_trees = st.tuples(  # hostile entries only, with a good timestamp or none: mostly within the default budget
    st.dictionaries(names, nodes, max_size=6),
    st.one_of(st.none(), st.sampled_from(GOOD_TIMESTAMPS).map(lambda b: ("text", b))),
    st.none(),
)
budgets = st.one_of(
    st.just(Budget()),
    st.builds(
        Budget,
        max_entries=st.integers(3, 300),
        max_depth=st.integers(1, 8),
        max_total_bytes=st.integers(0, 50_000),
        max_file_bytes=st.integers(0, 10_000),
        max_notebook_bytes=st.integers(0, 10_000),
        max_name_length=st.integers(5, 128),
    ),
)


@dataclass(frozen=True)
class Made:
    """One entry the builder made: its path in the submission, its kind, its bytes (regular files), its depth."""

    rel: str
    kind: str
    size: int = 0
    depth: int = 0  # folders above it inside the submission


def full_tree(spec: tuple) -> dict:
    """The tree with its timestamp.txt and its badly named entry (if the example has them) at the top."""
    tree, stamp, bad = spec
    tree = {**tree, **({bad[0]: bad[1]} if bad else {})}
    return {**tree, "timestamp.txt": stamp} if stamp is not None else tree


def build(folder: Path, tree: dict, *, canary: Path, other: Path) -> list[Made]:
    """Make ``tree`` under ``folder`` (created); return every entry made, in no particular order."""
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Made] = []
    for name, node in tree.items():
        _make(folder, name, node, "", 0, made, canary, other)
    return made


def _make(parent: Path, name: str, node: tuple, prefix: str, depth: int, made: list, canary: Path, other: Path):
    path, rel, kind = parent / name, prefix + name, node[0]
    if kind == "dir":
        path.mkdir()
        made.append(Made(rel, "dir", depth=depth))
        for child, sub in node[1].items():
            _make(path, child, sub, rel + "/", depth + 1, made, canary, other)
    elif kind == "chain":
        inner = node[2] if node[1] <= 1 else ("chain", node[1] - 1, node[2])
        _make(parent, name, ("dir", {"d": inner}), prefix, depth, made, canary, other)
    elif kind == "bulk":
        path.mkdir()
        made.append(Made(rel, "dir", depth=depth))
        empty = ("dir", {}) if node[2] == "dir" else ("file", 0)
        for i in range(node[1]):
            _make(path, f"e{i}", empty, rel + "/", depth + 1, made, canary, other)
    else:
        made.append(_leaf(path, rel, node, depth, canary, other))


def _leaf(path: Path, rel: str, node: tuple, depth: int, canary: Path, other: Path) -> Made:
    kind = node[0]
    if kind == "file":
        with open(path, "wb") as f:
            f.write(b"f" * min(node[1], 65536))
        os.truncate(path, node[1])  # sparse beyond 64 kB
        return Made(rel, "file", node[1], depth)
    if kind == "text":
        path.write_bytes(node[1])
        return Made(rel, "file", len(node[1]), depth)
    if kind == "link":
        os.symlink(_target(node[1], path, canary, other), path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        os.mknod(path, stat.S_IFSOCK | 0o600)
    elif kind == "device":
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null
    elif kind == "hard":
        os.link(canary, path)
    return Made(rel, kind, depth=depth)


def _target(which: str, path: Path, canary: Path, other: Path) -> str:
    return {
        "canary": str(canary),
        "canary-rel": os.path.relpath(canary, path.parent),
        "self": path.name,
        "other": str(other),
        "dangling": "no-such-file",
    }.get(which, which)


def refused(made: list[Made], budget: Budget, folder: Path) -> bool:
    """The model: must intake refuse a submission with these entries? (Written apart from walk.py, on purpose.)"""
    return over_budget(made, budget) or _bad_timestamp(made, folder)


def _bad_timestamp(made: list[Made], folder: Path) -> bool:
    """timestamp.txt must be absent, or one small regular file whose text is a time (text_problem's rule, tested
    against nbgrader's own formats in test_intake_walk.py)."""
    from coursekit.grading.intake.timestamp import text_problem

    stamp = next((m for m in made if m.rel == "timestamp.txt"), None)
    if stamp is None:
        return False
    if stamp.kind != "file" or stamp.size > 100:
        return True
    return bool(text_problem((folder / "timestamp.txt").read_bytes()))


def over_budget(made: list[Made], budget: Budget) -> bool:
    """Is a submission with these entries over ``budget``?"""
    if len(made) > budget.max_entries:
        return True
    total = 0
    for m in made:
        name = m.rel.rsplit("/", 1)[-1]
        if len(name) > budget.max_name_length or not name.isprintable():
            return True
        if m.kind == "dir" and m.depth + 1 > budget.max_depth:
            return True
        if m.kind == "file":
            notebook = m.depth == 0 and name.endswith(".ipynb")
            if m.size > (budget.max_notebook_bytes if notebook else budget.max_file_bytes):
                return True
            total += m.size
    return total > budget.max_total_bytes


def odd(made: list[Made]) -> set[str]:
    """Entries intake must move aside when it admits the submission."""
    return {m.rel for m in made if m.kind not in ("file", "dir")}


def regular_files_under(folder: Path) -> dict[str, bytes]:
    """relative path -> the first 64 kB of every regular file under ``folder``; asserts nothing else is there."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            assert stat.S_ISDIR(os.lstat(os.path.join(dirpath, name)).st_mode), (dirpath, name)
        for name in filenames:
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            assert stat.S_ISREG(info.st_mode) and info.st_nlink == 1, (path, stat.filemode(info.st_mode))
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read(65536)
    return found
