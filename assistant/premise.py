"""What a question takes for granted, and whether a sentence grants it.

"Why did Japan ban DeepSeek?" and "When did the Diet pass the AI bill?" assume that a ban was
made and a bill was passed. A sentence that never says so cannot answer them, however close it
reads: quoting "Japan has no specific restrictions on DeepSeek's use" under "Why did Japan ban
DeepSeek?" lends the false premise a citation. So for *why* and *when* questions, the legal
acts the question assumes (banning, enacting, imposing, repealing, opposing …; `_ACTS`) must be
stated by the sentence, in either language, and not negated right before ("did not pass",
"without imposing", "instead of imposing", "no ban").

Only these acts are checked: they are what false premises about law and policy are made of, and
they are rarely paraphrased into other verbs. Negation is read in English text only (Japanese
negation follows the verb and is dropped with the particles by the tokeniser).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import tokens

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
_PRESUPPOSING = re.compile(r"\bwhy\b|\bwhen\b|\bon what date\b|なぜ|どうして|理由|いつ", re.I)
_NEGATIONS = frozenset(
    "no not without never nor instead rather neither t didn doesn don hasn haven hadn isn "
    "wasn weren aren won wouldn".split()
)
# A Japanese act negated after its verb: 禁止しなかった, 成立していない, 施行されず.
_JA_NEGATED = "(?:し|さ)(?:ない|なかった|ず|ていない|ておらず|れない|れなかった|れず|れていない)"
_WINDOW = 3  # tokens before an act that a negation may sit in ("did not pass", "instead of …")


@lru_cache(maxsize=1)
def _acts() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(tokens(f"{en} {ja}")) for en, ja in _ACTS)


@lru_cache(maxsize=4096)
def assumed_acts(question: str) -> tuple[frozenset[str], ...]:
    """The acts a why/when question takes for granted, each as the set of terms that state it.
    An act the question itself negates ("Why did Japan not ban it?", 禁止しなかった) is not
    assumed: its premise is that the act did not happen, which quotes can state in any words.

    >>> [sorted(a)[:3] for a in assumed_acts("Why did Japan ban DeepSeek?")]
    [['ban', 'prohibit', '禁じる']]
    >>> assumed_acts("What did Japan ban?"), assumed_acts("Why didn't Japan ban it?")
    ((), ())
    >>> assumed_acts("日本はなぜDeepSeekを禁止しなかったのですか？")
    ()
    """
    if not _PRESUPPOSING.search(question):
        return ()
    words = tokens(question, keep_stopwords=True)
    assumed = []
    for (_, japanese), act in zip(_ACTS, _acts(), strict=True):
        at = [i for i, w in enumerate(words) if w in act]
        if not at:
            continue
        negated_en = _NEGATIONS & set(words[: at[0]])
        negated_ja = any(re.search(j + _JA_NEGATED, question) for j in japanese.split())
        if not negated_en and not negated_ja:
            assumed.append(act)
    return tuple(assumed)


def grants(acts: tuple[frozenset[str], ...], text: str) -> bool:
    """Whether `text` states every act in `acts`, none of them negated just before."""
    if not acts:
        return True
    words = tokens(text, keep_stopwords=True)
    for act in acts:
        stated = [
            i
            for i, w in enumerate(words)
            if w in act and not _NEGATIONS & set(words[max(0, i - _WINDOW) : i])
        ]
        if not stated:
            return False
    return True
