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
  導入; 規制はありません → 規制); the prefixes 非, 不, 無 and 未 govern the word they join
  (非拘束 → 拘束).

Opposite words of the policy vocabulary (`data/antonyms.tsv`: restrict / allow, mandatory /
voluntary, 義務 / 任意) are read as their pair's first word, negated: "voluntary" says
"mandatory" is not so. `contradiction` compares two texts: a word one states plainly and the
other negates, when the two negate no word in common (both saying "not required" agree however
the rest is phrased).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .language import CJK
from .text import STOPWORDS, _analyse, _stem, japanese_words, normalize

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
    """The content words of a text: those stated plainly, and those said not to be so."""

    plain: frozenset[str]
    negated: frozenset[str]


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


def _english(run: str) -> list[tuple[str, bool]]:
    """(content word, negated) for each content word of a run of Latin-script text."""
    run = re.sub(r"n['’]t\b", " not", run.replace("cannot", "can not"))
    out: list[tuple[str, bool]] = []
    left = 0  # content words the current negation may still govern
    for word in _EN_WORD.findall(run):
        if word in _EN_CUES:
            left = _EN_SCOPE
        elif not word[0].isalnum():
            left = 0 if word != "-" else left  # "non-binding" keeps its scope over the hyphen
        elif word in _EN_THROUGH:
            continue
        elif word in STOPWORDS:
            left = 0
        else:
            out.append((_stem(word), left > 0))
            left = max(left - 1, 0)
    return out


def _japanese(run: str) -> list[tuple[str, bool]]:
    """(content word, negated) for each content word of a run of Japanese text."""
    morphemes = _analyse(run)
    negated: set[int] = set()
    for i, m in enumerate(morphemes):
        pos, form = m.part_of_speech()[0], m.normalized_form()
        if pos == "接頭辞" and form in _JA_PREFIXES and i + 1 < len(morphemes):
            negated.add(i + 1)
        elif form in _JA_NEGATIONS and pos in ("助動詞", "形容詞"):
            j = i - 1
            while j >= 0 and (
                morphemes[j].part_of_speech()[0] in _JA_THROUGH_POS
                or morphemes[j].normalized_form() in _JA_LIGHT
            ):
                j -= 1
            if j >= 0:
                negated.add(j)
    out = []
    for i, m in enumerate(morphemes):
        words = japanese_words(m.surface())
        out.extend((w, i in negated) for w in words)
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
    words: list[tuple[str, bool]] = []
    last = 0
    for match in _CJK_RUN.finditer(folded):
        words.extend(_english(folded[last : match.start()]))
        words.extend(_japanese(match.group(0)))
        last = match.end()
    words.extend(_english(folded[last:]))
    opposite = _antonyms()
    plain, negated = set(), set()
    for word, is_negated in words:
        if word in opposite:
            word, flip = opposite[word]
            is_negated ^= flip
        (negated if is_negated else plain).add(word)
    return Polarity(frozenset(plain), frozenset(negated))


def contradiction(a: Polarity, b: Polarity) -> str | None:
    """A word one of `a` and `b` states plainly and the other negates, if any, when they
    negate no word in common.

    >>> claim = polarity("Japan restricts private companies from using DeepSeek.")
    >>> contradiction(claim, polarity("Japan has no specific restrictions on DeepSeek's use."))
    'restrict'
    >>> contradiction(polarity("Businesses are not required to report."),
    ...               polarity("It does not require businesses to report."))
    """
    if a.negated & b.negated:
        return None
    flips = (a.negated & b.plain - b.negated) | (b.negated & a.plain - a.negated)
    return min(flips) if flips else None


def negates(text: str) -> bool:
    """Whether any negation or opposite word governs a word of `text`."""
    return bool(polarity(text).negated)
