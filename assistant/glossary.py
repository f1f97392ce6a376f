"""Cross-language keywords: a Japanese question finds English words, and the other way round.

Embeddings carry most of the meaning across languages; keyword search and the lexical part of
evidence scoring cannot, since a Japanese question shares no words with an English document.
`query_terms` adds to a question's own terms the other language's terms for the AI law and
policy vocabulary it uses (`data/glossary_ja_en.tsv`, written for this project). Longest
matches win, so 生成AI gives "generative AI" rather than also every word inside it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .text import normalize, tokens

_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(Japanese term, its English phrases) for each line of the glossary file."""
    text = resources.files("assistant").joinpath("data/glossary_ja_en.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        japanese, english = line.split("\t", 1)
        phrases = tuple(p.strip() for p in english.split(";") if p.strip())
        rows.append((normalize(japanese.strip()), phrases))
    return tuple(rows)


@lru_cache(maxsize=1)
def _entries() -> tuple[list[tuple[str, tuple[str, ...]]], list[tuple[re.Pattern[str], str]]]:
    """(Japanese term, its English tokens) longest first, and (English phrase pattern,
    its Japanese term) for the reverse direction."""
    ja_to_en: list[tuple[str, tuple[str, ...]]] = []
    en_to_ja: list[tuple[re.Pattern[str], str]] = []
    for japanese, phrases in _rows():
        ja_to_en.append((japanese, tuple(t for p in phrases for t in tokens(p))))
        for phrase in phrases:
            words = _LATIN_WORD.findall(normalize(phrase))
            if words:
                pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")
                en_to_ja.append((pattern, japanese))
    ja_to_en.sort(key=lambda e: -len(e[0]))
    return ja_to_en, en_to_ja


@lru_cache(maxsize=4096)
def translated_terms(question: str) -> tuple[str, ...]:
    """The other language's terms for the glossary vocabulary in `question`."""
    ja_to_en, en_to_ja = _entries()
    folded = normalize(question)
    extra: list[str] = []
    rest = folded
    for japanese, english in ja_to_en:
        if japanese in rest:
            extra.extend(english)
            rest = rest.replace(japanese, " ")  # words inside a matched term are covered
    for pattern, japanese in en_to_ja:
        if pattern.search(folded):
            extra.extend(tokens(japanese))
    return tuple(dict.fromkeys(extra))


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Japanese term -> the tokens of each of its English phrases, one tuple a phrase."""
    return {japanese: tuple(tuple(tokens(p)) for p in phrases) for japanese, phrases in _rows()}


def translations(japanese: str) -> tuple[tuple[str, ...], ...]:
    """The glossary's English phrases for one Japanese term, as token tuples (none if absent).

    >>> translations("韓国")
    (('korea',), ('south', 'korea'))
    """
    return _phrases().get(normalize(japanese), ())


def other_names(name: str) -> tuple[str, ...]:
    """The glossary's names in the other language for a whole term or phrase, as written
    (ＡＩ法 -> "AI Promotion Act", ...; and back); none if the glossary does not list it."""
    folded = normalize(name)
    out: list[str] = []
    for japanese, phrases in _rows():
        if japanese == folded:
            out.extend(phrases)
        elif any(normalize(p) == folded for p in phrases):
            out.append(japanese)
    return tuple(dict.fromkeys(out))


def equivalents(term: str) -> tuple[tuple[str, ...], ...]:
    """Ways of writing one keyword term: itself, and for each glossary entry it is a whole
    phrase of (or the Japanese side of), that entry's Japanese term and all its English
    phrases, as token tuples (bodi -> bodi, 機関, agenc, institut).

    >>> ('agenc',) in equivalents("bodi") and ('機関',) in equivalents("bodi")
    True
    """
    found: list[tuple[str, ...]] = [(term,)]
    for japanese, phrases in _phrases().items():
        if (term,) in phrases or japanese == term:
            found.append(tuple(tokens(japanese)))
            found.extend(phrases)
    return tuple(dict.fromkeys(p for p in found if p))


def matched_phrases(question: str) -> list[str]:
    """The English glossary phrases that occur in `question` (NFKC-folded, lower case)."""
    _, en_to_ja = _entries()
    folded = normalize(question)
    return [m.group(0) for pattern, _ in en_to_ja if (m := pattern.search(folded))]


def query_terms(question: str) -> list[str]:
    """A question's own keyword terms, then the other language's terms for its vocabulary."""
    own = tokens(question)
    return own + [t for t in translated_terms(question) if t not in own]
