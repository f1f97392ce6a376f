"""Is a question about something the documents mention at all?

Retrieval always returns the nearest passages, and a question about a body, law or country the
corpus never names ("What does South Korea's AI Basic Act establish?") finds passages about
*other* acts that read much like an answer. Names are the part of a question that cannot be
paraphrased: if the documents never write "Korea", they cannot say what Korea did. So before
answering, the names in the question (capitalised words that do not merely start a sentence,
acronyms, words with inner capitals such as "DeepSeek") are looked up in the vocabulary of the
indexed text and of the documents' titles and publishers. A name the corpus never uses makes
the assistant abstain, and say which name it did not find.

Names in the Latin script are checked only against a corpus that has Latin-script text (an
English name may be written in Japanese in a Japanese-only corpus; the bilingual glossary covers
the policy vocabulary, and a name whose glossary translation occurs in the corpus counts as
found). Japanese has no capitals; the morphological analyser marks proper nouns instead. Of
those, only place names written in kanji are checked (東京, 大阪): their dictionary reading
romanises to the spelling English text uses (トウキョウ -> tokyo), so they can be looked up in
English documents as well as Japanese ones. Person names are not (readings of given names are
ambiguous: 文雄 reads Fumio, the dictionary says Bun'yū), nor names in katakana (ソウル is
"Seoul", not "souru"). Countries are not readings either (中国 is "China", not "chugoku"): a
country is looked up through the glossary's English names for it (韓国 -> "Korea", "South
Korea"), and one the glossary does not list is not checked.
"""

from __future__ import annotations

import re

import jaconv

from .glossary import equivalents, matched_phrases, translated_terms, translations
from .language import CJK, KANJI
from .text import STOPWORDS, japanese_proper_nouns, japanese_words, normalize, script, tokens

# A capitalised word, an acronym or a word with inner capitals; apostrophes kept for "Korea's".
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“「『(\[]|\n)\s*$")
# Stemmed endings of demonyms: Japanese -> japanes -> japan, Korean -> korean -> korea.
_DEMONYM_SUFFIXES = ("es", "n", "an", "ian", "ish")
# Capitalised at the start of a question, these are ordinary words, not names.
_LEADING_WORDS = frozenset(
    """according accordingly briefly compare describe explain give list name please quote
    summarise summarize tell""".split()
)


def _name_spans(question: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for each word of `question` that reads as a name."""
    found = []
    for match in _NAME.finditer(question):
        word = match.group(0)
        if not any(ch.isupper() for ch in word):
            continue
        starts_sentence = bool(_SENTENCE_START.search(question[: match.start()]))
        inner_capitals = any(ch.isupper() for ch in word[1:])
        if starts_sentence and not inner_capitals:
            continue  # "Which", "Describe", "Japan" at the start: cannot tell, so not checked
        if word.casefold() in STOPWORDS or word.casefold() in _LEADING_WORDS or word == "I":
            continue
        found.append((word, match.start(), match.end()))
    return found


def names(question: str) -> list[str]:
    """The words of `question` that read as names, in order, without repeats."""
    return list(dict.fromkeys(word for word, _, _ in _name_spans(question)))


def known_term(term: str, vocab: set[str] | frozenset[str]) -> bool:
    """A term the corpus uses, or one the glossary says the corpus writes another way (AI and
    人工知能 are one word), or a demonym of a place it names ("Chinese" for "China")."""
    if term in vocab:
        return True
    if any(all(t in vocab for t in way) for way in equivalents(term)[1:]):
        return True
    for suffix in _DEMONYM_SUFFIXES:
        root = term.removesuffix(suffix)
        if root != term and len(root) >= 4 and any(v.startswith(root) for v in vocab):
            return True
    return False


_KANJI = re.compile(f"[{KANJI}]")
_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"))


def romanised(reading: str) -> str:
    """A katakana reading in the Hepburn spelling English text uses: long vowels written once
    (トウキョウ -> tokyo, オオサカ -> osaka)."""
    latin = jaconv.kana2alphabet(jaconv.kata2hira(reading))
    for long, short in _LONG_VOWELS:
        latin = latin.replace(long, short)
    return latin


def japanese_places(question: str) -> list[tuple[str, str]]:
    """(surface, romanised reading) of the place names written in kanji in `question`."""
    return list(
        dict.fromkeys(
            (surface, romanised(reading))
            for surface, pos, reading in japanese_proper_nouns(question)
            if pos[1:4] == ("固有名詞", "地名", "一般") and _KANJI.search(surface)
        )
    )


def japanese_countries(question: str) -> list[str]:
    """The country names in `question` that the glossary can put into English (韓国, 米国)."""
    return list(
        dict.fromkeys(
            surface
            for surface, pos, _ in japanese_proper_nouns(question)
            if pos[1:4] == ("固有名詞", "地名", "国") and translations(surface)
        )
    )


def unknown_names(
    question: str, vocabulary: set[str] | frozenset[str], *, latin: bool = True
) -> list[str]:
    """The names in `question` that the corpus vocabulary does not hold, adjacent words joined
    ("South Korea's"), in order. `latin`: whether the corpus has Latin-script text to check
    Latin-script names against.

    A name counts as known when each of its terms (one-letter pieces such as the "s" of
    "Korea's" aside) is in `vocabulary`, or is a demonym of a place the corpus names, or when
    the name is part of a phrase the glossary translates into terms the corpus holds."""
    translated = any(t in vocabulary for t in translated_terms(question))
    phrases = matched_phrases(question) if translated else []
    unknown: list[tuple[str, int, int]] = []
    for word, start, end in _name_spans(question) if latin else []:
        terms = [t for t in tokens(word) if len(t) > 1]
        if not terms or all(known_term(t, vocabulary) for t in terms):
            continue
        if any(word.casefold() in phrase for phrase in phrases):
            continue
        if unknown and not question[unknown[-1][2] : start].strip():
            unknown[-1] = (question[unknown[-1][1] : end], unknown[-1][1], end)
        else:
            unknown.append((word, start, end))
    places = [
        surface
        for surface, latin in japanese_places(question)
        if not all(t in vocabulary for t in tokens(surface))
        and not all(t in vocabulary for t in tokens(latin))
        and not any(t in vocabulary for t in translated_terms(surface))
    ]
    countries = [
        surface
        for surface in japanese_countries(question)
        if not all(t in vocabulary for t in tokens(surface))
        and not any(all(t in vocabulary for t in phrase) for phrase in translations(surface))
    ]
    return list(dict.fromkeys([phrase for phrase, _, _ in unknown] + places + countries))


_WORD = re.compile(rf"[A-Za-z0-9][A-Za-z0-9'’-]*|[{CJK}]+")
# Verbs that frame a question about documents ("what does it say about X", "tell me", 述べる)
# rather than name its topic: a document need not use them to answer.
FRAMING = frozenset(
    tokens("say says said tell mention describe explain discuss talk 述べる 言及 説明 教える")
)


def unknown_words(
    question: str, vocabulary: set[str] | frozenset[str], scripts: frozenset[str]
) -> list[str]:
    """The words of `question` (as written; Japanese ones in dictionary form) whose every
    keyword term is in a script the corpus is written in and is held nowhere in it, in order.

    >>> unknown_words("What about quantum computing?", frozenset({"comput"}), frozenset({"latin"}))
    ['quantum']
    """
    out = []
    for match in _WORD.finditer(normalize(question)):
        word = match.group(0)
        pieces = japanese_words(word) if script(word) == "cjk" else (word,)
        for piece in pieces:
            terms = tokens(piece)
            if (
                terms
                and not set(terms) <= FRAMING
                and all(script(t) in scripts for t in terms)
                and not any(known_term(t, vocabulary) for t in terms)
            ):
                out.append(piece)
    return list(dict.fromkeys(out))
