"""How a typed answer is matched: short texts against a question's stated intent, numbers in the forms students type.

Pure functions of data. The book's self-checks run a copy in ``notebook/static/quiz.mjs`` (its section "answer
matching"); ``tests/fixtures/matching-vectors.json`` holds the cases both must agree on.

A text answer is turned into words: Unicode-normalised (NFKC, case-folded, accents dropped), dotted acronyms
joined ("U.S." is "us"), "&" read as "and", punctuation, symbols and spaces as word breaks (so a hyphen is a
space), a possessive "'s" dropped, and each word made singular by a few spelling rules applied to both sides alike.
Then, leaving out the function words (a, an, the, of, and):

* it is **right** when it is a sequence of the question's ``core`` terms with any of its ``optional`` words between
  them ("the hub-and-spoke model" is the core term "hub and spokes" plus the optional "model"), or when it is one
  of the ``accept`` answers (aliases: whole answers, optional words not left out);
* a word of five or more letters may carry one typing slip (a letter wrong, missing, added, or two swapped), once
  per answer; words run together or split apart ("burdensharing") count as the same words;
* a ``refuse`` form (a near miss that means something else) is compared word for word, function words kept, and
  wins over any right form it matches as well or better, also as one of several core terms;
* an answer that matches nothing is read once more without its remarks in brackets ("burden sharing (how much each
  ally pays)"), unless a remark may be a second answer: one word, a list, a question, or "or", "maybe"...
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from rapidfuzz.distance import OSA

RULES_VERSION = 1  # bump when a rule changes: graded submissions then show as scored by an older version
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "and"})
ARTICLES = frozenset({"a", "an", "the"})
SLIP_MIN_LETTERS = 5  # a word this long may carry one typing slip
MAX_SLIPS = 1  # per answer
MAX_WORDS = 40  # a longer text is not a short answer: it matches nothing (and costs nothing to reject)

HEDGES = frozenset({"or", "maybe", "perhaps", "possibly", "either", "unsure"})  # in brackets: an alternative
_ASIDE = re.compile(r"[(\[][^()\[\]]*[)\]]")
_ACRONYM = re.compile(r"(?<![^\W_])((?:[^\W\d_]\.)+[^\W\d_])\.?(?![^\W_])")


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded, without accents: "Ｔａｉｐｅｉ", "TAIPÉI" and "taipei" are one."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ı", "i")  # a dotless i is an i to a reader
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
    aside: bool = False  # a remark in brackets was left out

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
        if self.aside:
            text += ", leaving out the remark in brackets"
        return text


@dataclass(frozen=True)
class Intent:
    """A text question's key as the bank states it: core terms, optional words, aliases, refused forms."""

    core: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    refuse: tuple[str, ...] = ()

    @cached_property
    def ignorable(self) -> tuple[str, ...]:
        """The optional words as the matcher compares them, in the bank's order (so ties break the same everywhere)."""
        return tuple(dict.fromkeys(w for o in self.optional for w in words(o)))

    @cached_property
    def optional_text(self) -> dict[str, str]:
        """Each optional word as compared -> as the bank writes it (for saying which ones an answer used)."""
        return {w: o for o in self.optional for w in words(o)}

    @cached_property
    def terms(self) -> list[tuple[str, list[str]]]:
        """Each core term with its words, optional words left out (a term of optional words only never matches)."""
        return [(t, w) for t in self.core if (w := content(words(t), frozenset(self.ignorable)))]

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
    found = _match_words(intent, words(answer))
    if found.kind:
        return found
    bare = _without_asides(fold(answer))
    again = _match_words(intent, words(bare)) if bare is not None else found
    return replace(again, aside=True) if again.kind else found


def _without_asides(answer: str) -> str | None:
    """The answer without its remarks in brackets ("burden sharing (how much each ally pays)"), or None when it has
    none, or when one may offer another answer ("Taipei (or Beijing?)"): a hedge is not a remark."""
    asides = _ASIDE.findall(answer)
    if not asides or any(_offers_another(a) for a in asides):
        return None
    return _ASIDE.sub(" ", answer)


def _offers_another(aside: str) -> bool:
    """Could this remark be a second answer? A question, a list, "or"/"maybe", or one word that is not a number."""
    said = words(aside)
    alone = len(said) == 1 and not re.fullmatch("[0-9]+", said[0])
    return alone or any(c in aside for c in "/?,;") or bool(HEDGES.intersection(said))


def _match_words(intent: Intent, tokens: list[str]) -> TextMatch:
    if not tokens or len(tokens) > MAX_WORDS:
        return TextMatch()
    right = _best_right(intent, tokens)
    wrong = _best_refused(intent, tokens)
    if wrong is not None and (right is None or wrong[0] <= right[0]):
        return wrong[1]
    return right[1] if right is not None else TextMatch()


def _best_right(intent: Intent, tokens: list[str]) -> tuple[int, TextMatch] | None:
    said = content(tokens)
    found = _core_sequence(intent, said)
    if found is not None:
        cost, forms, slip, used = found
        found = (cost, TextMatch("core", forms, slip, tuple(dict.fromkeys(intent.optional_text[w] for w in used))))
    for alias, form in intent.aliases:
        cost, slip = _compare(said, form)
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
    """(slips, core terms, slip, optional words) for the cheapest reading of ``said`` as core terms one after another,
    optional words (also with a slip) anywhere between them; None if there is none."""
    best: list = [None] * (len(said) + 1)  # best[i]: the cheapest state covering said[:i]
    best[0] = (0, (), (), ())

    def offer(j: int, state: tuple) -> None:
        rank = (state[0], not state[1])  # at equal cost, a reading that has a core term already is better
        if state[0] <= MAX_SLIPS and (best[j] is None or rank < (best[j][0], not best[j][1])):
            best[j] = state

    for i in range(len(said)):
        if best[i] is None:
            continue
        cost, terms, slip, used = best[i]
        for word in intent.ignorable:
            extra = slips(said[i], word)
            if extra <= MAX_SLIPS:
                offer(i + 1, (cost + extra, terms, slip or ((said[i], word) if extra else ()), (*used, word)))
        for text, form in intent.terms:
            for j in range(i + 1, min(len(said), i + len(form) + 1) + 1):  # a run may be split or joined
                extra, slipped = _compare(said[i:j], form)
                if cost + extra <= MAX_SLIPS and not _refused_run(intent, said[i:j], extra):
                    offer(j, (cost + extra, (*terms, text), slip or slipped, used))
    end = best[-1]
    return end if end is not None and end[1] else None


def _refused_run(intent: Intent, run: list[str], cost: int) -> bool:
    """Does a refused form match this run of the answer at least as closely as the core term it was read as?"""
    return any(_compare(run, target)[0] <= cost for _, target in intent.refused)


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
