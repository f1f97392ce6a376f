"""The two languages the assistant works in: which one a text is written in, the characters
that make Japanese text, and every message a user reads in either language.

Character classes are regex ranges, to be put inside brackets (`f"[{KANA}]"`):

- `HIRAGANA`, `KATAKANA` and `KANA` (both);
- `IDEOGRAPHS` (the CJK Unified Ideographs block) and `KANJI` (those and Extension A);
- `JAPANESE`: kana and kanji, the characters that tell a Japanese text (`guess_language`);
- `CJK`: those, CJK compatibility ideographs and half-width katakana, every character that
  forms a Japanese word when text is split into words (`text.tokens`).

>>> guess_language("AIセーフティ・インスティテュートが設立されたのはいつですか？")
'ja'
>>> guess_language("When was the AI Safety Institute established?")
'en'
>>> scope_note(["South Korea", "Seoul"], japanese=False)
'the documents never mention “South Korea”, “Seoul”'
>>> scope_note(["名古屋"], japanese=True)
'文書には「名古屋」への言及がありません'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HIRAGANA = "\u3040-\u309f"
KATAKANA = "\u30a0-\u30ff"  # with the middle dot ・ and the long-vowel mark ー
KANA = HIRAGANA + KATAKANA
IDEOGRAPHS = "\u4e00-\u9fff"  # CJK Unified Ideographs
KANJI = "\u3400-\u4dbf" + IDEOGRAPHS  # Extension A, then the main block
JAPANESE = KANA + KANJI
CJK = JAPANESE + "\uf900-\ufaff" + "\uff66-\uff9f"  # compatibility ideographs, half-width kana
IDEOGRAPHIC_SPACE = "\u3000"  # the full-width space of Japanese typesetting

_JAPANESE_CHAR = re.compile(f"[{JAPANESE}]")
_LETTER = re.compile(r"[^\W\d_]")  # letters (and the rare non-decimal numeral), counted in C


def guess_language(text: str) -> str:
    """'ja' when at least a fifth of the letters are Japanese/Chinese characters, else 'en'.

    >>> guess_language("AI事業者ガイドライン (AI Guidelines for Business)")
    'ja'
    """
    sample = text[:20_000]
    letters = len(_LETTER.findall(sample)) or 1
    return "ja" if len(_JAPANESE_CHAR.findall(sample)) / letters >= 0.2 else "en"


# What the user reads. A Japanese question gets the Japanese text, whatever the language of the
# documents quoted.

ABSTENTION = "The documents in the corpus do not answer this."
ABSTENTION_JA = "コーパスの文書には、この質問への答えは書かれていません。"
# The lead-in of an extractive answer to a Japanese question: the quotes that follow are the
# sources' own words, as written (they may be in English).
QUOTING_JA = "以下は出典の該当箇所を原文のまま引用したものです。"


def instruction_note(japanese: bool) -> str:
    """Why a question written as instructions to the assistant is not answered."""
    if japanese:
        return "この質問はアシスタントへの指示として書かれており、文書についての質問ではありません"
    return (
        "the question reads as instructions to the assistant, not as a question about the documents"
    )


def scope_note(unknown: Sequence[str], japanese: bool) -> str:
    """Why a question is not answered: it names `unknown` things the documents never mention."""
    if japanese:
        return "文書には" + "、".join(f"「{name}」" for name in unknown) + "への言及がありません"
    return "the documents never mention " + ", ".join(f"“{name}”" for name in unknown)


def missing_note(words: Sequence[str], japanese: bool) -> str:
    """Why a question is not answered: the corpus holds none of these words of it."""
    if japanese:
        return "文書には" + "、".join(f"「{w}」" for w in words) + "についての記述がありません"
    return "nothing in the documents is about " + ", ".join(f"“{w}”" for w in words)


def instead_note(reason: str, quote: str, title: str, japanese: bool) -> str:
    """`reason`, followed by what the nearest passage says (verbatim) and where."""
    said = " ".join(quote.split())
    if japanese:
        return f"{reason}。文書の記述:「{said}」（{title}）"
    return f"{reason}; what they say: “{said}” ({title})"


def not_stated_note(question: str, japanese: bool) -> str:
    """Why a question is not answered: the passages found are near it but do not state it."""
    text = " ".join(question.split())
    if japanese:
        return f"見つかった箇所は関連していますが、「{text}」への答えは書かれていません"
    return f"the passages found are related but do not state what “{text}” asks"


def unanswered_parts(parts: list[str]) -> str:
    """The notice for the parts of a message the documents do not answer.

    >>> unanswered_parts(["Who chairs the AI PT?"])
    'the documents do not answer: “Who chairs the AI PT?”'
    >>> unanswered_parts(["座長は誰ですか？", "いつ設立されましたか？"])
    '次の問いには文書に答えがありません: 「座長は誰ですか？」、「いつ設立されましたか？」'
    """
    if guess_language(" ".join(parts)) == "ja":
        return "次の問いには文書に答えがありません: " + "、".join(f"「{p}」" for p in parts)
    return "the documents do not answer: " + "; ".join(f"“{p}”" for p in parts)
