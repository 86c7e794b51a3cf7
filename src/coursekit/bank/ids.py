"""Ids that give a graded key away: an option id that is a word, an ordering whose ids sort into the key, and a
matching whose pairs run along the alphabet.

Students receive every id in the quiz's questions file (and their answers file records them), so the ids are part
of what they read. Each rule yields ``(location inside the question, message)``; ``lint.py`` turns them into findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

_WORDY_ID = re.compile(r"[a-z]{3,}")
_DIGITS = re.compile(r"(\d+)")
MIN_ITEMS = 3  # two items in id order are a coin toss; from three on, id order is a pattern a student can try
GUESS_SHARE = 0.5  # a guess read off the ids that earns more than this share of the points gives the key away


def option_id_cue(q) -> Iterator[tuple[tuple, str]]:
    """An option id that is a word: students receive ids in the questions file, so a word can name the key."""
    if q.type not in ("single", "multiple"):
        return
    for i, o in enumerate(q.options):
        if _WORDY_ID.search(o.id):
            yield (
                ("options", i, "id"),
                (
                    f"option id '{o.id}' is a word, and students receive option ids in the quiz's questions file, "
                    "where a word can name the key or label a distractor. Use neutral ids: a, b, c, ..."
                ),
            )
            return


def id_order(ids) -> list[str]:
    """``ids`` as a student would sort them: alphabetically, numbers by value (x2 before x10)."""
    return sorted(ids, key=lambda i: [int(p) if p.isdigit() else p for p in _DIGITS.split(i)])


def pair_agreement(order: list[str], key: list[str]) -> float:
    """Kendall's tau of ``order`` against ``key``: the share of pairs in the key's order minus the share that are
    not (1: the key itself, -1: its reverse). The ordering rule's score, floored at 0, is this times the points."""
    rank = {item: n for n, item in enumerate(key)}
    pairs = list(combinations(order, 2))
    right = sum(rank[a] < rank[b] for a, b in pairs)
    return (2 * right - len(pairs)) / len(pairs) if pairs else 0.0


def ordering_id_cue(q) -> Iterator[tuple[tuple, str]]:
    """An ordering whose items, put in id order (or its reverse), would earn more than half the points."""
    if q.type != "ordering" or len(q.items) < MIN_ITEMS:
        return
    key = [o.id for o in q.items]
    for order, how in ((id_order(key), "in the order of their ids"), (id_order(key)[::-1], "in reverse id order")):
        share = max(0.0, pair_agreement(order, key))
        if share > GUESS_SHARE:
            yield (
                ("items",),
                (
                    f"the items {how} ({', '.join(order)}) earn {share:.0%} of the points, so a student who sorts the "
                    "ids scores without knowing the order. Give the items ids whose order says nothing, e.g. the "
                    "letters in a shuffled order."
                ),
            )
            return


def matching_line(q) -> list[str]:
    """The largest set of key pairs that lie on one alphabetical line: the k-th left id (in id order) matched to
    the right id k steps further (or back) from some start. A student who knows one pair reads off the rest."""
    left, right = id_order(q.answer), id_order(r.id for r in q.right)
    rank = {r: n for n, r in enumerate(right)}
    best: list[str] = []
    for step in (1, -1):
        lines: dict[int, list[str]] = {}
        for n, lid in enumerate(left):
            lines.setdefault(rank[q.answer[lid]] - step * n, []).append(f"{lid}-{q.answer[lid]}")
        best = max([best, *lines.values()], key=len)
    return best


def matching_id_cue(q) -> Iterator[tuple[tuple, str]]:
    """A matching whose key pairs more than half of the left items (three or more) along one alphabetical line."""
    if q.type != "matching":
        return
    line = matching_line(q)
    if len(line) >= MIN_ITEMS and len(line) > GUESS_SHARE * len(q.answer):
        yield (
            ("answer",),
            (
                f"the key pairs the ids in alphabetical step ({', '.join(line)}): {len(line)} of {len(q.answer)} "
                "pairs follow from the letters alone, for a student who pairs them in order or knows one pair. Give "
                "the left or the right items other ids, so that the pairs follow no order of the letters."
            ),
        )
