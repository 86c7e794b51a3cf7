"""How a typed answer is matched: short texts against a question's stated intent, numbers in the forms students type.

Pure functions of data. The book's self-checks run a copy in ``notebook/static/quiz.mjs`` (its section "answer
matching"); ``tests/fixtures/matching-vectors.json`` holds the cases both must agree on.

A text answer is turned into words: Unicode-normalised (NFKC, case-folded, accents dropped), dotted acronyms
joined ("U.S." is "us"), "&" read as "and", punctuation, symbols and spaces as word breaks (so a hyphen is a
space), a possessive "'s" dropped, and each word made singular by a few spelling rules applied to both sides alike.
Then, leaving out the function words (a, an, the, of, and):

* it is **right** when it is a sequence of the question's ``core`` terms once its ``optional`` words are left out
  ("the hub-and-spoke model" is the core term "hub and spokes" plus the optional "model"), or when it is one of
  the ``accept`` answers (aliases: whole answers, optional words not left out);
* a word of five or more letters may carry one typing slip (a letter wrong, missing, added, or two swapped), once
  per answer; words run together or split apart ("burdensharing") count as the same words;
* a ``refuse`` form (a near miss that means something else) is compared word for word, function words kept, and
  wins over any right form it matches as well or better.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rapidfuzz.distance import OSA

RULES_VERSION = 1  # bump when a rule changes: graded submissions then show as scored by an older version
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "and"})
ARTICLES = frozenset({"a", "an", "the"})
SLIP_MIN_LETTERS = 5  # a word this long may carry one typing slip
MAX_SLIPS = 1  # per answer
MAX_WORDS = 40  # a longer text is not a short answer: it matches nothing (and costs nothing to reject)

_ACRONYM = re.compile(r"(?<![^\W_])((?:[^\W\d_]\.)+[^\W\d_])\.?(?![^\W_])")


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded, without accents: "Ｔａｉｐｅｉ", "TAIPÉI" and "taipei" are one."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")


def singular(word: str) -> str:
    """A word without a plural ending: the same few rules on both sides, so they need not be perfect English."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and word[-4] not in "aeiou":
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of ``text`` as the matcher compares them (see the module doc)."""
    text = _ACRONYM.sub(lambda m: m.group(1).replace(".", ""), fold(text)).replace("&", " and ")
    spaced = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    return [singular(w) for w in spaced.split(" ") if w and w != "s"]  # a lone "s": what is left of "'s"


def content(tokens: list[str], ignore: frozenset[str] = frozenset()) -> list[str]:
    """The words that carry meaning: no function words, none of ``ignore`` (a question's optional words)."""
    return [w for w in tokens if w not in FUNCTION_WORDS and w not in ignore]


def slips(said: str, form: str) -> int:
    """0 when the words are equal, 1 for one typing slip in a long word, 2 (too many) otherwise."""
    if said == form:
        return 0
    if min(len(said), len(form)) >= SLIP_MIN_LETTERS and OSA.distance(said, form, score_cutoff=1) <= 1:
        return 1
    return 2


def _span_cost(said: list[str], form: list[str]) -> int:
    """Slips between two runs of words, word by word or run together ("burden sharing" / "burdensharing")."""
    joined = slips("".join(said), "".join(form))
    if len(said) != len(form):
        return joined
    return min(joined, sum(slips(a, b) for a, b in zip(said, form, strict=True)))


@dataclass(frozen=True)
class TextMatch:
    """What a text answer matched: ``kind`` "core", "alias", "refused" or "" (nothing); the bank's forms matched."""

    kind: str = ""
    forms: tuple[str, ...] = ()  # the bank's text of each form matched, in the answer's order
    slip: tuple[str, ...] = ()  # (what the answer said, what the form says) when a typing slip was forgiven
    optional: tuple[str, ...] = ()  # the optional words the answer used

    @property
    def accepted(self) -> bool:
        return self.kind in ("core", "alias")

    def describe(self) -> str:
        """In words, e.g. 'the core term “hub and spokes” with the optional word “model”'."""
        if not self.kind:
            return ""
        quoted = " and ".join(f"“{f}”" for f in self.forms)
        many = len(self.forms) > 1
        what = {"core": "core term", "alias": "accepted answer", "refused": "refused answer"}[self.kind]
        text = f"the {what}{'s' if many else ''} {quoted}"
        if self.optional:
            text += f" with the optional word{'s' if len(self.optional) > 1 else ''} " + ", ".join(
                f"“{w}”" for w in self.optional
            )
        if self.slip:
            text += f", allowing one typing slip (“{self.slip[0]}” for “{self.slip[1]}”)"
        return text


@dataclass(frozen=True)
class Intent:
    """A text question's key as the bank states it: core terms, optional words, aliases, refused forms."""

    core: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    refuse: tuple[str, ...] = ()

    @cached_property
    def ignorable(self) -> frozenset[str]:
        return frozenset(w for o in self.optional for w in words(o))

    @cached_property
    def terms(self) -> list[tuple[str, list[str]]]:
        """Each core term with its words, optional words left out (a term of optional words only never matches)."""
        return [(t, w) for t in self.core if (w := content(words(t), self.ignorable))]

    @cached_property
    def aliases(self) -> list[tuple[str, list[str]]]:
        return [(a, content(words(a))) for a in self.accept]

    @cached_property
    def refused(self) -> list[tuple[str, list[str]]]:
        return [(r, words(r)) for r in self.refuse]


@lru_cache(maxsize=512)
def intent(core: tuple = (), optional: tuple = (), accept: tuple = (), refuse: tuple = ()) -> Intent:
    """The Intent of these fields, built once per distinct key (its forms' words are worked out once)."""
    return Intent(tuple(core), tuple(optional), tuple(accept), tuple(refuse))


def match_text(intent: Intent, answer: str) -> TextMatch:
    """Which of the intent's forms ``answer`` matches (see the module doc); never raises."""
    tokens = words(answer)
    if not tokens or len(tokens) > MAX_WORDS:
        return TextMatch()
    right = _best_right(intent, tokens)
    wrong = _best_refused(intent, tokens)
    if wrong is not None and (right is None or wrong[0] <= right[0]):
        return wrong[1]
    return right[1] if right is not None else TextMatch()


def _best_right(intent: Intent, tokens: list[str]) -> tuple[int, TextMatch] | None:
    ignorable = intent.ignorable
    said = content(tokens, ignorable)
    found = _core_sequence(intent, said)
    if found is not None:
        cost, forms, slip = found
        used = tuple(dict.fromkeys(w for w in tokens if w in ignorable and w not in FUNCTION_WORDS))
        found = (cost, TextMatch("core", forms, slip, used))
    whole = content(tokens)
    for alias, form in intent.aliases:
        cost, slip = _compare(whole, form)
        if cost <= MAX_SLIPS and (found is None or cost < found[0]):
            found = (cost, TextMatch("alias", (alias,), slip))
    return found


def _compare(said: list[str], form: list[str]) -> tuple[int, tuple[str, str]]:
    """(slips, the slipped pair) between an answer's words and a form's words."""
    if not form:
        return MAX_SLIPS + 1, ()
    cost = _span_cost(said, form)
    return cost, (_slipped(said, form) if cost == 1 else ())


def _slipped(said: list[str], form: list[str]) -> tuple[str, str]:
    if len(said) == len(form):
        pairs = [(a, b) for a, b in zip(said, form, strict=True) if a != b]
        if len(pairs) == 1:
            return pairs[0]
    return " ".join(said), " ".join(form)


def _core_sequence(intent: Intent, said: list[str]):
    """(slips, core terms, slip) for the cheapest reading of ``said`` as core terms one after another, or None."""
    terms = intent.terms
    best: list = [None] * (len(said) + 1)  # best[i]: (slips, terms, slip) covering said[:i]
    best[0] = (0, (), ())
    for i in range(len(said)):
        if best[i] is None:
            continue
        for text, form in terms:
            for j in range(i + 1, min(len(said), i + len(form) + 1) + 1):  # a run may be split or joined
                cost, slip = _compare(said[i:j], form)
                total = best[i][0] + cost
                if total <= MAX_SLIPS and (best[j] is None or total < best[j][0]):
                    best[j] = (total, (*best[i][1], text), slip or best[i][2])
    return best[-1] if said else None


def _best_refused(intent: Intent, tokens: list[str]) -> tuple[int, TextMatch] | None:
    found = None
    bare = tokens[1:] if tokens[0] in ARTICLES else None
    for form, target in intent.refused:
        for said in (tokens, bare if target and target[0] not in ARTICLES else None):
            if not said:
                continue
            cost, slip = _compare(said, target)
            if cost <= MAX_SLIPS and (found is None or cost < found[0]):
                found = (cost, TextMatch("refused", (form,), slip))
    return found


def group_key(answer: str) -> str:
    """The form answers are grouped by for a grader: their words without function words ("" for no words)."""
    return " ".join(content(words(answer)))


# ---------- numbers as students type them ----------

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
_NUMBER_WORDS = {w: i for i, w in enumerate([*_ONES.split(" "), "seventeen", "eighteen", "nineteen"])}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_DIGITS = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class NumberReading:
    """A typed number: its value (None if it is not one) and how it was read ("in words", "a trailing period"...)."""

    value: float | None
    how: tuple[str, ...] = ()


def read_number(text: str, unit: str | None = None) -> NumberReading:
    """``text`` as a number: digits with a thousands separator or a trailing period, 0 to 100 in words, or either
    followed by the question's ``unit`` ("4 years"). Anything else ("about 366", "1e3", "0x10") is no number."""
    s, how = fold(text).strip(), []
    if len(s) > MAX_NUMBER_CHARS:
        return NumberReading(None)
    if s.endswith(".") and not s.endswith(".."):
        s, how = s[:-1].rstrip(), ["a trailing period"]
    s, with_unit = _without_unit(s, unit)
    how += ["the unit"] if with_unit else []
    if _DIGITS.fullmatch(s):
        value = float(s.replace(",", "").replace(" ", ""))
        how += ["a thousands separator"] if ("," in s or " " in s) else []
        return NumberReading(value if math.isfinite(value) else None, tuple(how))
    value = _in_words(s)
    return NumberReading(value, (*how, "in words")) if value is not None else NumberReading(None)


def _without_unit(s: str, unit: str | None) -> tuple[str, bool]:
    """``s`` without the question's unit at its end ("4 years" for unit "years"), and whether it had one."""
    if not unit or " " not in s:
        return s, False
    head, _, last = s.rpartition(" ")
    unit_words = words(unit)
    return (head.rstrip(), True) if unit_words and words(last) == unit_words[-1:] else (s, False)


def _in_words(s: str) -> float | None:
    """0 to 100 written out: "four", "twenty-one", "twenty one", "a hundred", "one hundred"."""
    parts = [p for p in re.split(r"[ -]+", s) if p]
    if parts in (["a", "hundred"], ["one", "hundred"]):
        return 100.0
    if len(parts) == 1 and parts[0] in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[parts[0]])
    if parts and parts[0] in _TENS and len(parts) <= 2:
        rest = parts[1:]
        if not rest:
            return float(_TENS[parts[0]])
        if rest[0] in _NUMBER_WORDS and 0 < _NUMBER_WORDS[rest[0]] < 10:
            return float(_TENS[parts[0]] + _NUMBER_WORDS[rest[0]])
    return None
