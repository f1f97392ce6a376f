"""Text primitives shared by the chunker, the keyword index and the answerer.

Everything here works on character offsets into the original string, so that any
piece of text handed on can be traced back to `source[start:end]`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

Span = tuple[int, int]

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.g i.e etc vs mr mrs ms dr prof no nos ver vol art para fig inc ltd co corp
    jr sr st d.c approx dept gov est jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets.
_LATIN_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_CJK_END = re.compile(r"[。！？!?][」』）)\]”’]*")
_LIST_MARKER = re.compile(r"\s*\(?(?:\d{1,3}|[a-zA-Z])[.)]\s*$")
_WORD_BEFORE = re.compile(r"([\w.]+)$")

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have how
    i if in into is it its itself me more most my no not of on or our over should so such
    than that the their them then there these they this those through to under up was we
    were what when where which while who whom why will with would you your about after all
    also any because before between both did each few further here just only other out own
    same some too very""".split()
)


def normalize(text: str) -> str:
    """NFKC-fold and lower-case text for matching (never for display or citation)."""
    return unicodedata.normalize("NFKC", text).casefold()


def paragraphs(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """Yield the spans of non-blank lines grouped into paragraphs (split at blank lines)."""
    end = len(text) if end is None else end
    para_start: int | None = None
    para_end = start
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        line = text[pos:line_end]
        if line.strip():
            left = pos + (len(line) - len(line.lstrip()))
            right = pos + len(line.rstrip())
            if para_start is None:
                para_start = left
            para_end = right
        elif para_start is not None:
            yield para_start, para_end
            para_start = None
        pos = line_end + 1
    if para_start is not None:
        yield para_start, para_end


def lines(text: str, start: int, end: int) -> Iterator[Span]:
    """Yield the stripped spans of the non-blank lines inside `text[start:end]`."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        line = text[pos:line_end]
        if line.strip():
            yield pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())
        pos = line_end + 1


def _is_abbreviation(text: str, dot: int) -> bool:
    match = _WORD_BEFORE.search(text, 0, dot)
    if not match:
        return False
    word = match.group(1).casefold().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.") do not end a sentence.
    return len(word) == 1 and word.isalpha()


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split `text[start:end]` into sentence spans; each line break also ends a sentence.

    Handles English punctuation (with common abbreviations) and Japanese 。！？.

    >>> t = "The U.S. did not act. Japan did。次の文。"
    >>> [t[a:b] for a, b in sentences(t)]
    ['The U.S. did not act.', 'Japan did。', '次の文。']
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line_start, line_end in lines(text, start, end):
        cuts: list[int] = []
        for m in _LATIN_END.finditer(text, line_start, line_end):
            nxt = text[m.end() : m.end() + 2].lstrip()
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
            if _LIST_MARKER.match(text, line_start, m.end()):
                continue  # "1. Human Resources: ..." is one item, not a sentence "1."
            if nxt and (nxt[0].islower() and text[m.start()] == "."):
                continue
            cuts.append(m.end())
        cuts.extend(m.end() for m in _CJK_END.finditer(text, line_start, line_end))
        begin = line_start
        for cut in sorted(set(cuts)):
            if cut <= begin or cut >= line_end:
                continue
            piece = text[begin:cut]
            if piece.strip():
                left = begin + len(piece) - len(piece.lstrip())
                spans.append((left, begin + len(piece.rstrip())))
            begin = cut
        tail = text[begin:line_end]
        if tail.strip():
            spans.append((begin + len(tail) - len(tail.lstrip()), begin + len(tail.rstrip())))
    return spans


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    # Snowball (Porter 2) so "chairs", "chaired" and "chairing" all meet at "chair".
    return _STEMMER.stemWord(word)


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Tokenise for keyword matching: NFKC, case-folded, Snowball-stemmed, CJK as bigrams.

    >>> tokens("The AI Guidelines 2024")
    ['ai', 'guidelin', '2024']
    >>> tokens("人工知能")
    ['人工', '工知', '知能']
    """
    out: list[str] = []
    for match in _TOKEN.finditer(normalize(text)):
        word = match.group(0)
        if _CJK_RUN.match(word):
            if len(word) == 1:
                out.append(word)
            else:
                out.extend(word[i : i + 2] for i in range(len(word) - 1))
        elif keep_stopwords or word not in STOPWORDS:
            out.append(_stem(word))
    return out


def script(term: str) -> str:
    """'cjk' for a Japanese/Chinese token, else 'latin' (any alphabetic or numeric token)."""
    return "cjk" if _CJK_RUN.match(term) else "latin"


def content_tokens(text: str) -> set[str]:
    """The set of meaningful tokens of a text (stop words dropped)."""
    return set(tokens(text))
