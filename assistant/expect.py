"""What kind of answer a question expects, and whether a passage can supply it.

A question that asks *when* can only be answered by a sentence with a date in it, *how many* by
one with a count, *how much* by one with an amount. A sentence that talks about the right subject
but lacks the asked-for kind of value is not evidence for an answer: this is what lets the
assistant abstain on plausible-but-absent facts ("How many members sit on the study group?").
"""

from __future__ import annotations

import re
from enum import Enum


class Expect(Enum):
    DATE = "date"
    COUNT = "count"
    AMOUNT = "amount"


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|several|single|both"
)

_QUESTION_PATTERNS: tuple[tuple[Expect, re.Pattern[str]], ...] = (
    (
        Expect.AMOUNT,
        re.compile(
            r"\bhow much\b|\bwhat (?:amount|budget|sum|fine amount)\b|\bbudget\b|\bcost\b|"
            r"いくら|金額|予算|費用",
            re.I,
        ),
    ),
    (
        Expect.COUNT,
        re.compile(r"\bhow many\b|\bnumber of\b|何人|何件|何社|いくつ|何個|何名|人数|件数", re.I),
    ),
    (
        Expect.DATE,
        re.compile(
            r"\bwhen\b|\bwhat (?:date|day|month|year)\b|\b(?:which|what|in which) year\b|"
            r"\bon what date\b|いつ|何年|何月|何日|日付|時期",
            re.I,
        ),
    ),
)

_DATE = re.compile(
    rf"\b(?:{_MONTHS})\b|\b(?:19|20)\d\d\b|[0-9０-９〇一二三四五六七八九十]{{1,4}}\s*[年月日]|令和|平成|昭和|元年|\bfall\b|"
    r"\bspring\b|\bsummer\b|\bwinter\b|\bearly\b|\blate\b|\bnext year\b|\blast year\b",
    re.I,
)
_YEARS_AND_DAYS = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{_MONTHS})\s+\d{{1,2}}\b", re.I)
_COUNT = re.compile(
    rf"\b\d+(?:[.,]\d+)?\b|\b(?:{_NUMBER_WORDS})\b|[0-9０-９一二三四五六七八九十百千万億]+[人件社名つ個]",
    re.I,
)
_AMOUNT = re.compile(
    r"[¥$€£]\s*\d|\d[\d,.]*\s*(?:yen|dollars?|euros?|usd|jpy|million|billion|trillion|%)|"
    r"percent|円|ドル|億|兆",
    re.I,
)


def expects(question: str) -> frozenset[Expect]:
    """The kinds of value a question asks for (empty: any answer will do).

    >>> sorted(k.value for k in expects("When was the AI Safety Institute established?"))
    ['date']
    >>> sorted(k.value for k in expects("In which year was it announced, and how many revisions?"))
    ['count', 'date']
    """
    return frozenset(kind for kind, pattern in _QUESTION_PATTERNS if pattern.search(question))


def supplies(kinds: frozenset[Expect], text: str) -> bool:
    """Whether `text` holds a value of one of the expected kinds (always true for none)."""
    return not kinds or any(_SUPPLIES[kind](text) for kind in kinds)


_SUPPLIES = {
    Expect.DATE: lambda text: bool(_DATE.search(text)),
    # Years and day-of-month numbers are not counts.
    Expect.COUNT: lambda text: bool(_COUNT.search(_YEARS_AND_DAYS.sub(" ", text))),
    Expect.AMOUNT: lambda text: bool(_AMOUNT.search(text)),
}
