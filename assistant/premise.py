"""What a question takes for granted, and whether a sentence grants it.

"Why did Japan ban DeepSeek?" and "When did the Diet pass the AI bill?" assume that a ban was
made and a bill was passed; "What does the EU AI Act list as prohibited practices?" that it
prohibits something. A sentence that never says so cannot answer them, however close it reads:
quoting "Japan has no specific restrictions on DeepSeek's use" under "Why did Japan ban
DeepSeek?" lends the false premise a citation. So the legal acts a question names (banning,
enacting, imposing, repealing, opposing …; `_ACTS`) must be stated by the sentence, in either
language, and not negated right before ("did not pass", "without imposing", "instead of
imposing", "no ban").

A question that asks *whether* the act happened ("Is there a ban on DeepSeek?", 禁止されて
いますか) or negates it itself ("Why didn't Japan ban it?") assumes nothing. Only these acts are
checked: they are what false premises about law and policy are made of, and they are rarely
paraphrased into other verbs. Negation is read before an English act ("did not", "instead of")
and after a Japanese one (禁止しない, 成立していない).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .language import guess_language
from .text import normalize, tokens

# Each act: the English words and the Japanese words that state it.
_ACTS: tuple[tuple[str, str], ...] = (
    ("ban banned banning prohibit prohibited prohibition", "禁止 禁じる"),
    ("enact enacted enactment pass passed", "成立 可決 制定"),
    ("enforce enforced enforcement", "施行"),
    ("adopt adopted adoption", "採択 採用"),
    ("repeal repealed abolish abolished", "廃止 撤廃"),
    ("impose imposed imposing", "科す 課す 科する 課する"),
    ("oppose opposed opposition", "反対"),
    ("approve approved approval", "承認"),
    ("reject rejected", "否決 拒否"),
    ("mandate mandated", "義務付け 義務化"),
    ("ratify ratified", "批准"),
    ("criminalize criminalise criminalized", "犯罪化"),
)
# A question that asks *whether* ("Is there a ban …?", 禁止されていますか) assumes nothing.
_EN_WHETHER = re.compile(
    r"^\s*(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)\b", re.I
)
# A Japanese question with a question word, or one that ends on its topic with the predicate
# left out (「…した理由は？」, 「…の時期は」): both ask for something, not whether.
_JA_WH = re.compile(
    r"何|なに|どの|どう|どこ|どれ|どんな|誰|だれ|いつ|なぜ|いくら|いくつ|は\s*[？?]?\s*$"
)
_NEGATIONS = frozenset(
    "no not without never nor instead rather neither t didn doesn don hasn haven hadn isn "
    "wasn weren aren won wouldn".split()
)
# A Japanese act negated after its verb: 禁止しなかった, 成立していない, 施行されず.
_JA_NEGATED = "(?:し|さ)(?:ない|なかった|ず|ていない|ておらず|れない|れなかった|れず|れていない)"
_WINDOW = 3  # tokens before an act that a negation may sit in ("did not pass", "instead of …")


@dataclass(frozen=True)
class Act:
    """One legal act: the stems of its English words and its Japanese words (matched as
    written, since the tokeniser would split 義務付け into words that mean other things)."""

    english: frozenset[str]
    japanese: tuple[str, ...]

    def named_in(self, words: list[str], text: str) -> list[int]:
        """Positions of the act in `words` (the tokens of `text`); [-1] when only its Japanese
        form occurs (not negated after it)."""
        at = [i for i, w in enumerate(words) if w in self.english]
        if not at and any(
            j in text and not re.search(j + _JA_NEGATED, text) for j in self.japanese
        ):
            at = [-1]
        return at


@lru_cache(maxsize=1)
def _acts() -> tuple[Act, ...]:
    return tuple(
        Act(frozenset(tokens(en)), tuple(normalize(j) for j in ja.split())) for en, ja in _ACTS
    )


def _negated(words: list[str], at: int, window: int) -> bool:
    return at >= 0 and bool(_NEGATIONS & set(words[max(0, at - window) : at]))


@lru_cache(maxsize=4096)
def assumed_acts(question: str) -> tuple[Act, ...]:
    """The acts a question takes for granted; none when it asks whether one happened. An act
    the question itself negates ("Why did Japan not ban it?", 禁止しなかった) is not assumed:
    its premise is that the act did not happen, which quotes can state in any words.

    >>> [sorted(a.english) for a in assumed_acts("Why did Japan ban DeepSeek?")]
    [['ban', 'prohibit']]
    >>> assumed_acts("What did Japan decide?"), assumed_acts("Why didn't Japan ban it?")
    ((), ())
    >>> assumed_acts("Is there a ban on DeepSeek?"), assumed_acts("DeepSeekは禁止されていますか？")
    ((), ())
    >>> assumed_acts("日本はなぜDeepSeekを禁止しなかったのですか？")
    ()
    """
    text = normalize(question)
    if _EN_WHETHER.match(text) or (guess_language(text) == "ja" and not _JA_WH.search(text)):
        return ()
    words = tokens(text, keep_stopwords=True)
    assumed = []
    for act in _acts():
        at = act.named_in(words, text)
        if at and not _negated(words, at[0], at[0]):
            assumed.append(act)
    return tuple(assumed)


def grants(acts: tuple[Act, ...], text: str) -> bool:
    """Whether `text` states every act in `acts`, none of them negated just before."""
    if not acts:
        return True
    folded = normalize(text)
    words = tokens(folded, keep_stopwords=True)
    return all(
        any(not _negated(words, i, _WINDOW) for i in act.named_in(words, folded)) for act in acts
    )
