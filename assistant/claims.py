"""The shape of a generated sentence, read before its words are matched to a source.

- `unfinished`: a sentence cut off before its predicate makes no claim, even when every word of
  it is in a passage ("The fund set up by the ministry to support start-ups is."): it ends on
  a function word in English, or on a case or topic particle in Japanese (…措置は。).
- `lead_in`: a sentence ending in a colon introduces what follows ("The conditions are:"), and
  is worth keeping only with what it introduces.
- `subject_stated`: a small model keeps a source's wording and changes who does it ("This
  institute is chaired by X" from "The project team is chaired by X"). The claim and the unit
  are aligned on their longest shared run of content words (the relation and what follows it);
  the claim's words just before that run, in the same clause, are its subject, and the unit must
  state every one of them, itself or in the sentence before it (the source's own "this
  initiative" names what the sentence before says); elsewhere a claim may use a word the unit
  does not. Nothing is asked of a claim that shares no run of two words with the unit, or says
  nothing before it.
- `points_back`: a sentence whose subject is a demonstrative or a pronoun ("This body…",
  "They…", 「この制度は…」) says something of what the sentence before it names; a source can
  only back it where it speaks of that same thing, so the guard holds it to the sources of the
  sentence before it (`antecedent`).
- `names`: the check `name` asks of a claim's subject only its names (AI PT, IPA, G7: words
  capitalised past the opening, or with a second capital or a digit), so a swapped body is
  caught and a subject in common words ("the project team") is left to the other checks.
- `hedge_dropped`: a claim that states as settled ("will include") what its source holds back
  ("is expected to include", 予定, 検討) is true only in part; the guard marks it (`hedge`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .language import CJK
from .numbers import OPENING
from .text import _analyse, normalize, tokens

_CLAUSE_BREAK = re.compile(r"[,;:、，；：]")
_END = re.compile(r"[\s.!?。！？\"'”’」』)\]）]+$")
_LAST_LATIN = re.compile(r"([A-Za-z]+)$")
_LAST_CJK = re.compile(rf"([{CJK}]+)$")
# English words no finished sentence ends on: articles, conjunctions, auxiliaries, possessives
# (not prepositions: "must be complied with." is finished).
_UNFINISHED = frozenset(
    """a an the than and or but nor if because which whose is are was were be been being has
    have had do does did can could should would will shall must may might its their our my
    your""".split()
)
# "the ministry's plan" names the ministry as "the ministry" does
_POSSESSIVE = re.compile(r"['’]s\b")
_COLON_END = re.compile(r"[:：]\s*[.。]?\s*$")
# The guard's checks beyond words and numbers, chosen by name (`guard_checks`): a sentence cut
# off or left as a bare lead-in; a negation or opposite word the source does not share
# (`polarity`); a sentence whose subject points back, held to the sources of the sentence it
# points to (`antecedent`); a subject whose names (AI PT, IPA) the source does not give the
# shared relation (`name`), or whose words (`subject`). `subject` is off by default: on the
# drafts it removes swapped subjects, and as many true sentences whose subject is a
# pronoun-like "this body" or a paraphrase; `name` removes the swapped names and keeps those
# (figures in the README). `hedge` removes nothing: it marks a kept sentence that states as
# settled what its source only expects, plans or proposes.
GUARD_CHECKS = ("unfinished", "polarity", "antecedent", "name", "hedge", "subject")
GUARD_DEFAULT = ("unfinished", "polarity", "antecedent", "name", "hedge")
MIN_RUN = 2  # content words a claim and a unit must share in a row to be aligned
CUT_WORDS = 4  # the claim's last words that must run on in the unit for it to be cut short
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
# The same clause going on: a space and a word that is not a conjunction or relative starting
# a new clause; what it says is quoted up to the clause's end.
_GOES_ON = re.compile(
    r"\s+(?!(?:and|or|but|which|who|while|whereas)\b)([^\W\d][^.;:!?,()\[\]]*)", re.IGNORECASE
)
# English words that, opening a sentence, make its subject something named before it ("that"
# is left out: it opens clauses too).
_POINTER = re.compile(r"(this|these|those|such|it|its|they|their)\b", re.IGNORECASE)
# "It is important to note that…", "It seems…": an "it" that stands for nothing.
_EXPLETIVE = re.compile(
    r"it\s+(?:(?:is|was|will\s+be|has\s+been)\s+\w+\s+(?:to|that|whether)|seems|appears)\b",
    re.IGNORECASE,
)
# A word written as a name, and one that is a name wherever it stands (AI, G7, DeepSeek).
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*")
_ACRONYM = re.compile(r"[A-Z][a-z]*[A-Z0-9][A-Za-z0-9]*")
# Words that make a statement less than settled: expected, planned or proposed, possible, under
# consideration (English and Japanese).
_HEDGE = re.compile(
    r"(?:\b(?:(?:is|are|was|were)\s+)?(?:expected|planned|likely)\s+to\b"
    r"|\b(?:plans?|planning|intends?|intended|considering|may|might|could"
    r"|would|possibly|potentially|reportedly|hinted|proposed)\b"
    r"|予定|見込|見通し|検討|可能性|目指|予想|想定|見られる|みられる|期待)",
    re.IGNORECASE,
)
# An English sentence asserts something through an auxiliary or a form of "be" or "have"
# ("will publish", "is set up"); a phrase without one ("A register of licensed providers.") is
# not told as settled or not. A Japanese sentence ends on its predicate.
_ASSERTS = re.compile(r"\b(?:will|shall|is|are|was|were|has|have|had|does|did|must|can)\b", re.I)
_FIRST_CJK = re.compile(rf"[{CJK}]+")
_JA_DEMONSTRATIVES = frozenset({"この", "その", "あの"})  # 連体詞 that point
_JA_POINTING_PREFIXES = frozenset({"同", "本", "当", "当該"})  # 同機関, 本制度, 当該事業者
_JA_SUBJECT_PARTICLES = frozenset({"は", "が", "も"})


def lead_in(sentence: str) -> bool:
    """Whether `sentence` ends in a colon, introducing what follows.

    >>> lead_in("The conditions are:"), lead_in("次の条件を定めた："), lead_in("It is.")
    (True, True, False)
    """
    return bool(_COLON_END.search(sentence))


def unfinished(sentence: str) -> str | None:
    """The function word a sentence stops on before its predicate, if it does.

    >>> unfinished("The fund set up by the ministry to support start-ups is.")
    'is'
    >>> unfinished("事業者が講ずべき措置は。"), unfinished("It was released in 2021.")
    ('は', None)
    >>> unfinished("指針を公表しました。"), unfinished("It must issue a notice on this.")
    (None, None)
    """
    text = _END.sub("", normalize(sentence))
    latin = _LAST_LATIN.search(text)
    if latin and latin.group(1).casefold() in _UNFINISHED:
        return latin.group(1)
    cjk = _LAST_CJK.search(text)
    if cjk:
        last = _analyse(cjk.group(1))[-1]
        pos = last.part_of_speech()
        if pos[0] == "助詞" and pos[1] in ("格助詞", "係助詞"):
            return last.surface()
    return None


def points_back(sentence: str) -> str | None:
    """The word that makes the subject of `sentence` point to something named before it: an
    opening demonstrative or pronoun in English (not an "it" that stands for nothing), or in
    Japanese a demonstrative (これ, この, 同, 本, 当該…) opening the phrase marked as the
    subject (は, が, も).

    >>> points_back("This body sets the rules."), points_back("These include data privacy.")
    ('this', 'these')
    >>> points_back("It is important to note that the law passed."), points_back("The Act…")
    (None, None)
    >>> points_back("この制度は任意である。"), points_back("その後、政府は指針を公表した。")
    ('この', None)
    """
    text = normalize(sentence).lstrip(OPENING)
    pointer = _POINTER.match(text)
    if pointer:
        return None if _EXPLETIVE.match(text) else pointer.group(1)
    run = _FIRST_CJK.match(text)
    if not run:
        return None
    first, *rest = _analyse(run.group())
    pos = first.part_of_speech()[0]
    if not (
        pos == "代名詞"
        or (pos == "連体詞" and first.surface() in _JA_DEMONSTRATIVES)
        or first.surface() in _JA_POINTING_PREFIXES
    ):
        return None
    particles = (m.surface() for m in rest if m.part_of_speech()[0] == "助詞")
    subject = next((p for p in particles if p != "の"), None)  # これらの原則は
    return first.surface() if subject in _JA_SUBJECT_PARTICLES else None


def cut_short(claim: str, unit: str) -> str | None:
    """What `unit` goes on to say where `claim` stops mid-clause, if it does: the claim's last
    `CUT_WORDS` words are a run of the unit (across punctuation) that the unit continues with
    another word of the same clause, or the claim stops on a comma. English only: a Japanese
    sentence's end is not told apart from a clause's by its words alone.

    >>> unit = "Its focal points include privacy, and fostering global partnerships for research."
    >>> cut_short("The focal points include privacy, and fostering", unit)
    'global partnerships for research'
    >>> cut_short("Its focal points include privacy,", unit), cut_short("It fosters privacy.", unit)
    ('…', None)
    """
    text = _END.sub("", claim)
    if text.endswith((",", ";")):
        return "…"
    words = _LATIN_WORD.findall(text.casefold())
    if len(words) < CUT_WORDS:
        return None
    run = r"\W+".join(map(re.escape, words[-CUT_WORDS:]))
    found = re.search(rf"\b{run}\b", unit, re.IGNORECASE)
    if not found:
        return None
    rest = _GOES_ON.match(unit, found.end())
    return " ".join(rest.group(1).split()) if rest else None


@lru_cache(maxsize=4096)
def _sequence(text: str) -> tuple[tuple[str, int], ...]:
    """The content words of `text` in order, each with the number of its clause."""
    text = _POSSESSIVE.sub("", text)
    return tuple(
        (word, clause)
        for clause, part in enumerate(_CLAUSE_BREAK.split(text))
        for word in tokens(part)
    )


def _longest_run(a: list[str], b: list[str]) -> tuple[int, int]:
    """The longest run of words `a` and `b` share: (its length, its first start in `a`)."""
    best, start = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, start = current[j], i - current[j]
        previous = current
    return best, start


def subject_stated(claim: str, unit: str, context: str = "", *, names_only: bool = False) -> bool:
    """Whether the unit states, before the relation the claim shares with it, the words the
    claim puts there (see the module docstring).

    >>> unit = "The AI PT is chaired by Masaaki Taira, the new Minister for Digital Transformation."
    >>> subject_stated("This institute is chaired by Masaaki Taira.", unit)
    False
    >>> subject_stated("The AI PT is chaired by Masaaki Taira.", unit)
    True
    >>> subject_stated("Masaaki Taira chairs the AI PT.", unit)
    True

    With `names_only`, only the subject's names must be stated (see `names`):

    >>> subject_stated("The body is chaired by Masaaki Taira.", unit, names_only=True)
    True
    >>> subject_stated("The IPA is chaired by Masaaki Taira.", unit, names_only=True)
    False
    """
    said = _sequence(claim)
    words = [w for w, _ in _sequence(unit)]
    length, start = _longest_run([w for w, _ in said], words)
    if length < MIN_RUN:
        return True
    clause = said[start][1]
    subject = {w for w, c in said[:start] if c == clause}
    if names_only:
        subject &= names(claim)
    return subject <= set(words) | {w for w, _ in _sequence(context)}


def names(text: str) -> set[str]:
    """The words of `text` written as names: capitalised after the sentence's first word, or
    with a second capital or a digit anywhere (AI, PT, G7, DeepSeek); as `tokens` gives them.

    >>> sorted(names("The AI PT met the Digital Agency in Tokyo."))
    ['agenc', 'ai', 'digit', 'pt', 'tokyo']
    >>> sorted(names("Japan has no rules."))
    []
    """
    out: set[str] = set()
    for match in _NAME.finditer(text):
        word = match.group(0)
        opening = not text[: match.start()].strip(OPENING)
        if opening and not _ACRONYM.fullmatch(word):
            continue  # a capital that only starts the sentence
        out.update(tokens(word))
    return out


def hedge_dropped(claim: str, unit: str) -> str | None:
    """The words by which `unit` holds back what `claim` states as settled, if it does: a clause
    of the unit that shares a run of `MIN_RUN` content words with the claim carries a hedge
    (expected to, plans, may, 予定, 検討…) and the claim carries none. Only a claim that asserts
    (an English auxiliary, or a Japanese sentence) can overstate.

    >>> unit = "The agency is expected to publish a register of licensed providers."
    >>> hedge_dropped("The agency will publish a register of licensed providers.", unit)
    'is expected to'
    >>> hedge_dropped("The agency is likely to publish a register of providers.", unit)
    >>> hedge_dropped("The agency keeps a register.", "The agency keeps a register.")
    >>> hedge_dropped("A register of licensed providers.", unit)
    """
    if _HEDGE.search(claim) or not (_ASSERTS.search(claim) or _FIRST_CJK.search(claim)):
        return None
    said = [w for w, _ in _sequence(claim)]
    for clause in _CLAUSE_BREAK.split(unit):
        hedge = _HEDGE.search(clause)
        if hedge and _longest_run(said, [w for w, _ in _sequence(clause)])[0] >= MIN_RUN:
            return " ".join(hedge.group(0).split())
    return None
