"""Rewrite a follow-up question into a standalone one, using the questions asked before it.

"When was it established?" after "What is the AI Safety Institute?" becomes "When was the AI
Safety Institute established?". The subject is the longest name in the latest earlier question
that has one (a quoted title, a run of capitalised words, an acronym; in Japanese a 「」 quote or
a katakana/Latin run); it replaces the first pronoun of the follow-up, or is added to a short
question that names nothing itself. Questions that stand alone are returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .language import IDEOGRAPHS, KATAKANA
from .text import content_tokens

_EN_PRONOUN = re.compile(r"\b(its|it|they|them|their|this|that|these|those)\b", re.I)
_JA_PRONOUN = re.compile(r"(それ|その|これ|この|同機関|同法|同研究会|同報告書)")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,80})[”\"」』]")
_CAPITALISED = re.compile(
    r"\b(?:[A-Z][\w’'-]*)(?:\s+(?:of|on|for|and|the|in|to|[A-Z][\w’'-]*))*\s+[A-Z][\w’'-]*"
    r"|\b[A-Z]{2,}\b"
)
_JA_NAME = re.compile(  # must hold katakana, so plain English words are not taken
    rf"[A-Za-z0-9]*[{KATAKANA}][A-Za-z0-9・ー{KATAKANA}]{{2,}}[{IDEOGRAPHS}]*"
)
_LEADING = re.compile(
    r"^(?:What|When|Which|Who|Whom|How|Why|Where|Does|Did|Do|Is|Are|Was|Were|Can|Could|"
    r"Tell|Explain|Describe|According)\b\s*",
)
_SHORT = 3  # a follow-up with at most this many content words may lean on the subject


def subject_of(question: str) -> str | None:
    """The main name a question is about, or None."""
    candidates = [m.group(1).strip() for m in _QUOTED.finditer(question)]
    for match in _CAPITALISED.finditer(question):
        name = _LEADING.sub("", match.group(0)).strip()
        if len(name) >= 2 and name not in {"I", "Japan"}:
            candidates.append(name)
    candidates += [m.group(0) for m in _JA_NAME.finditer(question)]
    return max(candidates, key=len) if candidates else None


def _names_something(question: str) -> bool:
    """A name of its own: a quoted title, a capitalised word after the first, or katakana."""
    words = question.split()[1:]
    return subject_of(question) is not None or any(w[:1].isupper() for w in words)


def standalone(question: str, previous: Sequence[str]) -> str:
    """`question` made standalone using `previous` questions (oldest first)."""
    subject = next((s for q in reversed(previous) if (s := subject_of(q))), None)
    if not subject or subject.casefold() in question.casefold():
        return question
    english = _EN_PRONOUN.search(question)
    if english:
        word = english.group(1).lower()
        replacement = f"the {subject}'s" if word in {"its", "their"} else f"the {subject}"
        if subject.isupper() or subject[:1].isupper() and " " not in subject:
            replacement = replacement.replace("the ", "", 1)
        return question[: english.start()] + replacement + question[english.end() :]
    japanese = _JA_PRONOUN.search(question)
    if japanese:
        return question[: japanese.start()] + subject + question[japanese.end() :]
    if len(content_tokens(question)) <= _SHORT and not _names_something(question):
        return f"{question.rstrip()} ({subject})"
    return question
