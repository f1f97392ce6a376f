"""The answering checks: named rules a quoted unit must pass, each one switchable in settings.

A check looks at the question once (`applies`), then at each candidate unit (`admits`); a unit
a check refuses cannot be quoted, and when the answer abstains because of it, `reason` says
why in the question's language. The checks are one list (`UNIT_CHECKS`) behind one interface,
so that the evaluation can switch each off in turn (`Settings.checks_off`) and the answer's
`decision` can name the one that decided.

Besides these unit checks, three steps of the pipeline can be switched off by name as well:
`scope` (a question naming something the corpus never mentions is refused before retrieval),
`glossary` (questions searched with the other language's terms for their vocabulary) and
`decompose` (a message that asks several questions answered part by part); and the learned
`answerability` judgment (see `answerability.py`), which falls back to the plain evidence
threshold when switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from .expect import (
    Expect,
    asked_thing,
    expects,
    focus_of,
    mentions,
    names_post,
    post_of,
    supplies,
    supplies_new,
)
from .premise import assumed_acts, grants
from .text import tokens


class UnitCheck(Protocol):
    """One rule a quoted unit must pass when the question calls for it."""

    name: str

    def applies(self, question: str) -> bool:
        """Whether the rule has anything to say about this question."""
        ...

    def admits(
        self, question: str, text: str, words: frozenset[str], around: frozenset[str]
    ) -> bool:
        """Whether a unit (its text and keyword terms; `around`: those of its passage) can
        answer the question."""
        ...

    def reason(self, question: str, japanese: bool) -> str:
        """Why no quote is given, when every candidate was refused by this check."""
        ...


_VALUE_WORDS = {
    Expect.DATE: ("a date", "日付"),
    Expect.COUNT: ("a number", "数"),
    Expect.AMOUNT: ("an amount", "金額"),
}


def _subject(question: str, japanese: bool) -> str:
    """The question, quoted, as what the passages do not answer."""
    text = " ".join(question.split())
    return f"「{text}」" if japanese else f"“{text}”"


@dataclass(frozen=True)
class KindCheck:
    """A question asking when, how many or how much is answered only by a unit holding a date,
    a count or an amount."""

    name: str = "kinds"

    @staticmethod
    def _values(question: str) -> frozenset[Expect]:
        return frozenset(k for k in expects(question) if k in _VALUE_WORDS)

    def applies(self, question: str) -> bool:
        return bool(self._values(question))

    def admits(
        self, question: str, text: str, words: frozenset[str], around: frozenset[str]
    ) -> bool:
        return supplies_new(self._values(question), text, question)

    def reason(self, question: str, japanese: bool) -> str:
        kinds = sorted(self._values(question), key=lambda k: k.value)
        if japanese:
            asked = "・".join(_VALUE_WORDS[k][1] for k in kinds)
            return f"見つかった箇所には、問われている{asked}が書かれていません"
        asked = " or ".join(_VALUE_WORDS[k][0] for k in kinds)
        return f"the passages found do not give {asked} for {_subject(question, False)}"


@dataclass(frozen=True)
class HolderCheck:
    """ "Who heads X" is answered only by a unit naming a post and X."""

    name: str = "holder"

    def applies(self, question: str) -> bool:
        return Expect.HOLDER in expects(question)

    def admits(
        self, question: str, text: str, words: frozenset[str], around: frozenset[str]
    ) -> bool:
        named = names_post(post_of(question), words | around)
        return supplies(frozenset({Expect.HOLDER}), text) and named

    def reason(self, question: str, japanese: bool) -> str:
        if japanese:
            return "見つかった箇所には、問われている役職に誰が就いているかが書かれていません"
        return f"the passages found do not say who holds the post in {_subject(question, False)}"


@dataclass(frozen=True)
class FocusCheck:
    """ "What penalties …" / どのような義務 is answered only by a unit that writes the asked-for
    thing in one of its ways (either language)."""

    name: str = "focus"

    def applies(self, question: str) -> bool:
        return bool(focus_of(question))

    def admits(
        self, question: str, text: str, words: frozenset[str], around: frozenset[str]
    ) -> bool:
        return mentions(focus_of(question), words)

    def reason(self, question: str, japanese: bool) -> str:
        thing = asked_thing(question)
        if japanese:
            return f"見つかった箇所には「{thing}」について書かれていません"
        return f"the passages found do not mention “{thing}”"


@dataclass(frozen=True)
class PremiseCheck:
    """A question that takes a legal act for granted ("Why did X ban Y?") is answered only by
    a unit that states the act, not negated."""

    name: str = "premise"

    def applies(self, question: str) -> bool:
        return bool(assumed_acts(question))

    def admits(
        self, question: str, text: str, words: frozenset[str], around: frozenset[str]
    ) -> bool:
        return grants(assumed_acts(question), text)

    def reason(self, question: str, japanese: bool) -> str:
        words = _act_words(question)
        if japanese:
            named = "、".join(f"「{w}」" for w in words)
            return f"質問は{named}があったことを前提にしていますが、文書にはそう書かれていません"
        named = ", ".join(f"“{w}”" for w in words)
        return f"the question assumes {named}, which the documents do not state"


@lru_cache(maxsize=1024)
def _act_words(question: str) -> tuple[str, ...]:
    """The words of `question` that name the acts it assumes, as written."""
    out = []
    for act in assumed_acts(question):
        for match in re.finditer(r"[A-Za-z]+", question):
            if set(tokens(match.group(0))) & act.english:
                out.append(match.group(0))
                break
        else:
            out.extend(j for j in act.japanese if j in question)
    return tuple(dict.fromkeys(out)) or ("an act",)


UNIT_CHECKS: tuple[UnitCheck, ...] = (KindCheck(), HolderCheck(), FocusCheck(), PremiseCheck())
STEPS = ("scope", "glossary", "decompose", "answerability")
CHECK_NAMES: tuple[str, ...] = tuple(c.name for c in UNIT_CHECKS) + STEPS


def active(question: str, off: Iterable[str] = ()) -> tuple[UnitCheck, ...]:
    """The unit checks that are switched on and apply to `question`, in order."""
    skipped = set(off)
    return tuple(c for c in UNIT_CHECKS if c.name not in skipped and c.applies(question))


def refusal(
    checks: tuple[UnitCheck, ...],
    question: str,
    text: str,
    words: frozenset[str] | None = None,
    around: frozenset[str] = frozenset(),
) -> str | None:
    """The name of the first check that refuses the unit `text` (whose keyword terms are
    `words`, and its passage's `around`), or None when all admit it."""
    if not checks:
        return None
    words = frozenset(tokens(text)) if words is None else words
    for check in checks:
        if not check.admits(question, text, words, words | around):
            return check.name
    return None


def reason_of(name: str, question: str, japanese: bool) -> str | None:
    """The reason the unit check `name` gives for `question`."""
    for check in UNIT_CHECKS:
        if check.name == name:
            return check.reason(question, japanese)
    return None
