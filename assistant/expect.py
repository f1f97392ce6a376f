"""What kind of answer a question expects, and whether a passage can supply it.

A question that asks *when* can only be answered by a sentence with a date in it, *how many* by
one with a count, *how much* by one with an amount. A sentence that talks about the right subject
but lacks the asked-for kind of value is not evidence for an answer: this is what lets the
assistant abstain on plausible-but-absent facts ("How many members sit on the study group?").
Likewise *who heads X* needs a sentence naming a post and X (`post_of`), and *what penalties* /
どのような義務 a sentence that writes penalties / obligations in either language (`focus_of`).
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from .glossary import equivalents, translated_terms
from .scope import names
from .text import tokens


class Expect(Enum):
    DATE = "date"
    COUNT = "count"
    AMOUNT = "amount"
    HOLDER = "holder"  # who holds a post: a topic, required on top of any value kind


_TOPICS = frozenset({Expect.HOLDER})
_ROLE_WORDS = (
    r"\bchair(?:s|ed|man|woman|person)?\b|\bhead(?:s|ed)?\b|\blead(?:s|er|ers)?\b|\bled by\b|"
    r"\bdirector\b|\bpresident\b|座長|所長|議長|委員長|会長|代表|長官|理事長|社長|本部長"
)


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|several|single|both"
)

# The question words that ask for a value, not the nouns a question may merely mention: "what
# happens when …" asks for no date, "what did the budget fund" for no amount (while "what is the
# budget" asks for one), "a number of bodies" for no count. A "when" asks for a date where it
# opens the question or comes right before its verb ("when was", "since when did").
# Japanese posts: a head (…長: 座長, 本部長; not 成長 or 延長), a representative, the top.
_JA_POSTS = (
    r"(?:座|所|議|委員|会|理事|社|本部|部|局|課|院|校|市|学|室|首|事務局|センター)長|長官|"
    r"代表|トップ|責任者"
)
_AUXILIARY = r"(?:is|was|are|were|do|does|did|will|would|has|have|had|can|could|should|must)"
_QUESTION_PATTERNS: tuple[tuple[Expect, re.Pattern[str]], ...] = (
    (
        Expect.HOLDER,
        re.compile(
            r"\bwho (?:heads|chairs|leads|directs|runs|presides)\b|"
            r"\bwho(?:'s| is| was) (?:the )?(?:head|chair|chairman|chairperson|director|"
            r"president|leader)\b|\bwho(?:'s| is| was) in charge\b|"
            # a post (…長, 代表, トップ, 責任者) asked who: 会長は誰, 委員長を務めるのはだれ
            rf"(?:{_JA_POSTS})(?:は|を|として)[^。？?]*?(?:誰|だれ)|"
            rf"(?:誰|だれ)が[^。？?]*?(?:率い|{_JA_POSTS})",
            re.I,
        ),
    ),
    (
        Expect.AMOUNT,
        re.compile(
            r"\bhow much\b|\bwhat (?:[a-z]+ )?(?:amount|sum)\b|"
            r"\bwhat (?:is|was|are|were) (?:the |its |their )?(?:[a-z]+ )?"
            r"(?:amount|sum|budget|cost|price|fee|fine)s?\b|"
            r"いくら|金額|どれ(?:くらい|ほど|だけ)の(?:予算|費用|額)",
            re.I,
        ),
    ),
    (
        Expect.COUNT,
        re.compile(
            r"\bhow many\b|\bwhat (?:is |was )?the (?:total )?number of\b|"
            r"何人|何件|何社|いくつ|何個|何名|人数|件数",
            re.I,
        ),
    ),
    (
        Expect.DATE,
        re.compile(
            rf"^\W*when\b|\bwhen {_AUXILIARY}\b|\bwhat (?:[a-z]+ )?(?:date|day|month|year)\b|"
            r"\b(?:which|what|in which) year\b|\bon what date\b|いつ|何年|何月|何日|日付|時期",
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


_ROLE = re.compile(_ROLE_WORDS, re.I)


def expects(question: str) -> frozenset[Expect]:
    """The kinds of value a question asks for (empty: any answer will do).

    >>> sorted(k.value for k in expects("When was the AI Safety Institute established?"))
    ['date']
    >>> sorted(k.value for k in expects("In which year was it announced, and how many revisions?"))
    ['count', 'date']
    """
    return frozenset(kind for kind, pattern in _QUESTION_PATTERNS if pattern.search(question))


def supplies(kinds: frozenset[Expect], text: str) -> bool:
    """Whether `text` speaks of every topic asked about and holds a value of one of the value
    kinds asked for (always true when none is asked for)."""
    values = kinds - _TOPICS
    topics_met = all(_SUPPLIES[kind](text) for kind in kinds & _TOPICS)
    return topics_met and (not values or any(_SUPPLIES[kind](text) for kind in values))


def supplies_new(kinds: frozenset[Expect], text: str, question: str) -> bool:
    """Like `supplies`, but a value the question states itself does not count: "what exact day
    in October …" is not answered by a sentence that only says "in October".

    >>> when = frozenset({Expect.DATE})
    >>> supplies_new(when, "He spoke in October.", "What day in October did he speak?")
    False
    >>> supplies_new(when, "He spoke on October 4.", "What day in October did he speak?")
    True
    """
    given = {m.group(0) for p in (_DATE, _COUNT, _AMOUNT) for m in p.finditer(question)}
    if given:
        alternatives = "|".join(re.escape(g) for g in sorted(given, key=len, reverse=True))
        # not where the value is part of a longer one ("October 4", "4 October")
        text = re.sub(rf"(?<!\d )(?<!\w)(?:{alternatives})(?!\w)(?! \d)", " ", text, flags=re.I)
    return supplies(kinds, text)


_SUPPLIES = {
    Expect.DATE: lambda text: bool(_DATE.search(text)),
    # Years and day-of-month numbers are not counts.
    Expect.COUNT: lambda text: bool(_COUNT.search(_YEARS_AND_DAYS.sub(" ", text))),
    Expect.AMOUNT: lambda text: bool(_AMOUNT.search(text)),
    Expect.HOLDER: lambda text: bool(_ROLE.search(text)),
}


_GENERIC = frozenset(
    tokens("AI chair chaired head director president leader lead minister charge preside who")
)
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=4096)
def post_of(question: str) -> frozenset[str]:
    """For a question about who holds a post, the English terms naming whose post it is: the
    question's names, or when it has none beyond "AI" (a Japanese question), the glossary's
    English for its words (AIセーフティ・インスティテュート -> safety, institute); never the
    words for the post itself. A sentence that names someone in a post answers the question only
    when it (or its passage) names this body too: "The AI PT is chaired by Masaaki Taira" does
    not say who heads the AI Safety Institute.

    >>> sorted(post_of("Who heads the AI Safety Institute?"))
    ['institut', 'safeti']
    >>> sorted(post_of("AIセーフティ・インスティテュートの所長は誰ですか？"))
    ['institut', 'safeti']
    """
    named = {t for name in names(question) for t in tokens(name) if len(t) > 1} - _GENERIC
    if named:
        return frozenset(named)
    # No capitals to go by (a question typed in lower case): its English words
    words = {t for t in tokens(question) if _LATIN.match(t) and len(t) > 1} - _GENERIC
    if words:
        return frozenset(words)
    return frozenset(t for t in translated_terms(question) if _LATIN.match(t)) - _GENERIC


def names_post(post: frozenset[str], words: frozenset[str]) -> bool:
    """Whether a text of these keyword terms names the body of `post` (a text without
    Latin-script words cannot be told)."""
    return not any(_LATIN.match(w) for w in words) or post <= words


# "What penalties does …", "Which body did …": the word between the question word and the verb.
_EN_FOCUS = re.compile(
    r"\b(?:what|which)\s+(?:kinds? of\s+|types? of\s+|specific\s+)?([a-z][a-z-]+)\s+"
    r"(?:does|did|do|is|are|was|were|has|have|had|will|can|could|should|must|would)\b",
    re.I,
)
# 「どのような具体的な義務が」: the phrase after the question word, up to its particle.
_JA_FOCUS = re.compile(
    r"(?:どのような|どういった|どんな|いかなる|どの)([^がをにはでともの、。？?]+)"
)


# Kinds of named thing: the answer names one ("the Cabinet Office") rather than writing the kind.
_NAMED_KINDS = frozenset(
    tokens(
        "body agency institution organization organisation company country person ministry "
        "機関 組織 団体 企業 会社 国 人物 省庁"
    )
)


def focus_of(question: str) -> tuple[tuple[str, ...], ...]:
    """What kind of thing a "what X / which X / どのようなX" question asks for, as the ways of
    writing X (its glossary equivalents in either language); empty when the question names no
    such X, when X is not in the glossary (a word the glossary cannot cross languages with
    cannot be looked for in the other language), or when X is a kind of named thing (body,
    company, 機関: the answer names the Cabinet Office without calling it a body).

    >>> ("penalti",) in focus_of("What penalties does China impose?")
    True
    >>> ("oblig",) in focus_of("米国の大統領令にはどのような具体的な義務がありますか？")
    True
    >>> focus_of("When was the institute established?")
    ()
    """
    return _focus(question)[1]


def asked_thing(question: str) -> str:
    """The word naming what kind of thing the question asks for, as the question writes it
    (empty when `focus_of` finds none).

    >>> asked_thing("Which obligations do platforms carry?")
    'obligations'
    >>> asked_thing("事業者にはどのような義務が課されますか")
    '義務'
    """
    return _focus(question)[0]


@lru_cache(maxsize=4096)
def _focus(question: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    for match in _JA_FOCUS.finditer(question):
        words = [t for t in tokens(match.group(1)) if len(equivalents(t)) > 1]
        if words:  # the head of a Japanese noun phrase comes last
            return ("", ()) if words[-1] in _NAMED_KINDS else (words[-1], equivalents(words[-1]))
    english = _EN_FOCUS.search(question)
    if english:
        word = tokens(english.group(1))
        if word and word[0] not in _NAMED_KINDS and len(equivalents(word[0])) > 1:
            return english.group(1), equivalents(word[0])
    return "", ()


def mentions(focus: tuple[tuple[str, ...], ...], words: frozenset[str]) -> bool:
    """Whether a text of these keyword terms writes the asked-for thing in any of its ways
    (true when nothing is asked for)."""
    return not focus or any(all(t in words for t in way) for way in focus)
