"""What a sentence says is not so: negation, its scope, and opposite words, in English and
Japanese.

Word overlap cannot tell "Japan restricts the use of X" from "Japan has no restrictions on the
use of X": the second has every word of the first. `polarity` reads, for each content word of a
text (in the form `text.tokens` writes it), whether a negation governs it:

- English: `not`, `no`, `never`, `without`, `none`, `nor`, `neither`, `cannot`, `-n't`, and the
  prefix `non-` govern the content words that follow, up to three, across auxiliaries and
  articles ("has not been established", "no specific restrictions"), and no further than the
  first other function word or punctuation ("not restricted | in Japan");
- Japanese: ない, ず/ぬ/ん (ません), 無い/無し govern the content word their predicate is built
  on, reached backwards across auxiliaries, particles and light verbs (導入するべきではない →
  導入; 規制はありません → 規制), and two that reach one word cancel (記録しなくてはならない,
  "must record", states the recording); the prefixes 非, 不, 無 and 未 govern the word they join
  (非拘束 → 拘束).

Opposite words of the policy vocabulary (`data/antonyms.tsv`: restrict / allow, mandatory /
voluntary, 義務 / 任意) are read as their pair's first word, negated: "voluntary" says
"mandatory" is not so. `contradiction` compares two texts: a word one states plainly and the
other negates, unless the first text shares that negation (both saying "not required" agree
however far each one's scope reaches).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .language import CJK
from .text import STOPWORDS, _analyse, _stem, japanese_word, japanese_words, normalize

_EN_CUES = frozenset({"not", "no", "never", "without", "none", "nor", "neither", "cannot", "non"})
# Words a negation's scope reaches across: auxiliaries, articles, "to" ("decided not to act").
_EN_THROUGH = frozenset(
    """a an the any be been being is are was were am have has had do does did will would shall
    should can could may might must to yet ever only so very too also just""".split()
)
_EN_SCOPE = 3  # content words a negation governs at most
_EN_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_CJK_RUN = re.compile(rf"[{CJK}]+")

_JA_NEGATIONS = frozenset({"ない", "無い", "ず", "ぬ", "無し"})
_JA_PREFIXES = frozenset({"非", "不", "無", "未"})
# What lies between a negation and the word its predicate is built on: auxiliaries, particles,
# suffixes, light and auxiliary verbs (する, ある, いる, なる), and symbols.
_JA_THROUGH_POS = frozenset({"助動詞", "助詞", "接尾辞", "補助記号", "空白"})
_JA_LIGHT = frozenset({"為る", "有る", "居る", "成る", "出来る", "られる", "れる"})


@dataclass(frozen=True)
class Polarity:
    """The content words of a text: those stated plainly, and those said not to be so, in
    groups, one for each negation (or opposite word)."""

    plain: frozenset[str]
    groups: tuple[tuple[str, ...], ...]  # each in order: the first is the word negated first

    @property
    def negated(self) -> frozenset[str]:
        return frozenset().union(*self.groups)


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, tuple[str, bool]]:
    """Each word of the opposites file (as `tokens` writes it) mapped to its line's first word,
    and whether it says that word is not so."""
    text = resources.files("assistant").joinpath("data/antonyms.tsv").read_text("utf-8")
    out: dict[str, tuple[str, bool]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        same, opposite = (side.split() for side in line.split("\t", 1))
        head = _word(same[0])
        out.update({_word(word): (head, False) for word in same})
        out.update({_word(word): (head, True) for word in opposite})
    return out


def _word(word: str) -> str:
    """One word as `tokens` writes it: Japanese normalised, English stemmed."""
    word = normalize(word).casefold()
    if _CJK_RUN.fullmatch(word):
        return "".join(japanese_words(word)) or word
    return _stem(word)


def _english(run: str) -> list[tuple[str, int | None]]:
    """(content word, the negation that governs it, numbered within the run) for each content
    word of a run of Latin-script text."""
    run = re.sub(r"n['’]t\b", " not", run.replace("cannot", "can not"))
    out: list[tuple[str, int | None]] = []
    left = 0  # content words the current negation may still govern
    cue = 0
    for word in _EN_WORD.findall(run):
        if word in _EN_CUES:
            left, cue = _EN_SCOPE, cue + 1
        elif not word[0].isalnum():
            left = 0 if word != "-" else left  # "non-binding" keeps its scope over the hyphen
        elif word in _EN_THROUGH:
            continue
        elif word in STOPWORDS:
            left = 0
        else:
            out.append((_stem(word), cue if left > 0 else None))
            left = max(left - 1, 0)
    return out


def _japanese(run: str) -> list[tuple[str, int | None]]:
    """(content word, the negation that governs it, numbered within the run) for each content
    word of a run of Japanese text. Two negations of one word cancel: a duty written as "unless one
    does it, it will not do" states the doing."""
    morphemes = _analyse(run)
    negations: Counter[int] = Counter()
    for i, m in enumerate(morphemes):
        pos, form = m.part_of_speech()[0], m.normalized_form()
        if pos == "接頭辞" and form in _JA_PREFIXES and i + 1 < len(morphemes):
            negations[i + 1] += 1
        elif form in _JA_NEGATIONS and pos in ("助動詞", "形容詞"):
            j = i - 1
            while j >= 0 and (
                morphemes[j].part_of_speech()[0] in _JA_THROUGH_POS
                or morphemes[j].normalized_form() in _JA_LIGHT
                or morphemes[j].normalized_form() in _JA_NEGATIONS
            ):
                j -= 1
            if j >= 0:
                negations[j] += 1
    out = []
    for i, m in enumerate(morphemes):
        word = japanese_word(m)
        if word and m.normalized_form() not in _JA_NEGATIONS:
            out.append((word, i if negations[i] % 2 else None))
    return out


@lru_cache(maxsize=4096)
def polarity(text: str) -> Polarity:
    """The content words `text` states, and those it negates (opposite words as their pair's
    first word, negated).

    >>> p = polarity("Japan has no specific restrictions on DeepSeek's use.")
    >>> sorted(p.negated), "japan" in p.plain
    (['restrict', 'specif'], True)
    >>> sorted(polarity("法律規制を導入するべきではない。").negated)
    ['導入']
    >>> sorted(polarity("The guidelines are voluntary.").negated)
    ['mandatori']
    """
    folded = normalize(text).casefold()
    words: list[tuple[str, tuple[int, int] | None]] = []  # (word, (run, negation) or None)
    last = 0
    runs = []
    for match in _CJK_RUN.finditer(folded):
        runs += [_english(folded[last : match.start()]), _japanese(match.group(0))]
        last = match.end()
    runs.append(_english(folded[last:]))
    for r, run in enumerate(runs):
        words.extend((w, None if n is None else (r, n)) for w, n in run)
    opposite = _antonyms()
    plain: set[str] = set()
    groups: dict[object, dict[str, None]] = {}
    for k, (word, negation) in enumerate(words):
        if word in opposite:
            word, flip = opposite[word]
            if flip:  # an opposite word is a negation of its own, or cancels the one it is in
                negation = ("opposite", k) if negation is None else None
        if negation is None:
            plain.add(word)
        else:
            groups.setdefault(negation, {})[word] = None
    return Polarity(frozenset(plain), tuple(tuple(g) for g in groups.values()))


def contradiction(a: Polarity, b: Polarity) -> str | None:
    """A word one of `a` and `b` negates and the other states only plainly, if any: the first
    word a negation governs, or a further one the negating text does not also state plainly
    ("did not pass AI legislation" says nothing against "AI" where the text also writes "AI
    executive order"). A negation the other text shares (it negates a word of the same group)
    is the same negation, however far each one's scope reaches.

    >>> claim = polarity("Japan restricts private companies from using DeepSeek.")
    >>> contradiction(claim, polarity("Japan has no specific restrictions on DeepSeek's use."))
    'restrict'
    >>> contradiction(polarity("Businesses are not required to report."),
    ...               polarity("It does not require businesses to report."))
    """
    for one, other in ((a, b), (b, a)):
        negated = other.negated
        for group in one.groups:
            if negated.intersection(group):
                continue
            head, rest = {group[0]}, set(group[1:]) - one.plain
            flips = (head | rest) & (other.plain - negated)
            if flips:
                return min(flips)
    return None
