"""The numbers a sentence states, as the guard compares them: figures, month names and number
words ("the second report" states a 2), so a sentence cannot change a date, a count or an
ordinal of its source and keep its citation."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {m: str(i) for i, m in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH = re.compile(rf"\b({'|'.join(_MONTHS)})\b", re.IGNORECASE)
# Month names that are also everyday words: "may" (the verb), "march", "august" (the adjective).
_ALSO_WORDS = frozenset({"may", "march", "august"})
_DAY_OR_YEAR_AFTER = re.compile(r",?\s+\d{1,4}(?!\d)")  # May 14, May 2025, March 3rd
_DAY_BEFORE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+$", re.IGNORECASE)  # 14 May
# Numbers written as words count as their figures: "the second policy document" states a 2
# that "the first policy document" does not. "one" is left out (it is also a pronoun).
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_CARDINALS = "_ two three four five six seven eight nine ten eleven twelve"
_WORD_NUMBERS = {
    **{w: str(i) for i, w in enumerate(_ORDINALS.split(), start=1)},
    **{w: str(i) for i, w in enumerate(_CARDINALS.split(), start=1) if w != "_"},
}
_NUMBER_WORD = re.compile(rf"\b({'|'.join(_WORD_NUMBERS)})\b", re.IGNORECASE)
# "First, …", "Secondly, …" open a step of the answer, not a count.
_STEP = re.compile(rf"(?:^|[.!?]\s+)\W*(?:{'|'.join(_ORDINALS.split())})(?:ly)?\s*,", re.I)
OPENING = " \t\"'“‘(「*-•"  # what may stand between a sentence's start and its first word
_SENTENCE_END = ".!?。！？\n"


def stated_numbers(text: str) -> set[str]:
    """The numbers `text` states, leading zeros dropped; a month name counts as its number.

    >>> sorted(stated_numbers("The Act was passed on 28 May 2025 and took effect in June."))
    ['2025', '28', '5', '6']
    >>> sorted(stated_numbers("The mayor may speak, and they march on 01 October."))
    ['1', '10']
    >>> sorted(stated_numbers("First, the second report named three bodies; one of them led."))
    ['2', '3']
    """
    found = {n.lstrip("0") or "0" for n in _NUMBER.findall(text)}
    steps = [m.span() for m in _STEP.finditer(text)]
    for match in _NUMBER_WORD.finditer(text):
        if not any(a <= match.start() < b for a, b in steps):
            found.add(_WORD_NUMBERS[match[1].casefold()])
    for match in _MONTH.finditer(text):
        word = match[1].casefold()
        if word not in _ALSO_WORDS or _names_month(text, match):
            found.add(_MONTHS[word])
    return found


def _names_month(text: str, match: re.Match[str]) -> bool:
    """Whether "May", "March" or "August" is the month: only when written with a capital, and
    next to a day or a year ("May 2025", "14 May", "March 3") or inside a sentence ("in May");
    a capitalised word that only starts a sentence may be the verb ("May the ministry...")."""
    if not match[1][0].isupper():
        return False
    if _DAY_OR_YEAR_AFTER.match(text, match.end()) or _DAY_BEFORE.search(text, 0, match.start()):
        return True
    before = text[: match.start()].rstrip(OPENING)
    return bool(before) and before[-1] not in _SENTENCE_END
