"""Citation markers, and an answer split into its sentences with the markers each carries.

A marker is `[n]`, n the number of a citation: one to four digits (a longer run of digits in
brackets is not a marker). Answers the assistant shows always carry one number per bracket,
`[1][3]`, and everything that reads them (the citation check, the chat page, the evaluation)
uses `MARKER`. A language model's draft may also group numbers in one bracket, `[1, 3]` or
`[1、3]`; only the guard reads drafts, through `MARKER_GROUP` and `split_claims`. The two stay
apart on purpose: the guard rewrites every grouped marker into single ones, so a grouped marker
left in a finished answer was not written as a citation, and it is shown as the text it is.

Two ways of splitting into sentences, for two kinds of text:

- `answer_sentences` splits a finished answer where its markers close a sentence: an
  extractive answer quotes passages verbatim, so a quote's own full stops do not split it;
- `split_claims` splits a draft at its sentence boundaries (English and Japanese), since a
  model may put a marker anywhere, or forget it.

>>> answer_sentences("First claim. [1] Second claim [2][3]")
[('First claim.', [1]), ('Second claim', [2, 3])]
>>> split_claims("It opened in 2024 [1]. 日本は法律を作った。[2] Two sources [1, 3].")
[('It opened in 2024.', [1]), ('日本は法律を作った。', [2]), ('Two sources.', [1, 3])]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import sentences

MARKER = re.compile(r"\[(\d{1,4})\]")
MARKER_GROUP = re.compile(r"\s*\[(\d{1,4}(?:\s*[,，、]\s*\d{1,4})*)\]")  # and space before it
_GROUP_SEPARATOR = re.compile(r"[,，、]")
_LEADING_GROUPS = re.compile(rf"(?:{MARKER_GROUP.pattern})+")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?。、！？])")


def marker_numbers(text: str, quotes: Iterable[str] = ()) -> list[int]:
    """The numbers of the `[n]` markers in `text`, in order (outside `quotes`, see
    `own_markers`).

    >>> marker_numbers("Quoted [1]. Also [12][3], not [12345] or [1, 2].")
    [1, 12, 3]
    """
    return [int(m[1]) for m in own_markers(text, quotes)]


def draft_marker_numbers(text: str) -> list[int]:
    """The numbers of the markers in a draft, grouped ones included, in order.

    >>> draft_marker_numbers("Two sources [1, 3]. 日本 [2、4]. One [5].")
    [1, 3, 2, 4, 5]
    """
    return [int(n) for m in MARKER_GROUP.finditer(text) for n in _GROUP_SEPARATOR.split(m[1])]


def quoted_spans(answer: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """Where `answer` reproduces one of the `quotes` (whitespace runs taken as one space, as
    an extractive answer writes its quotes). Bracketed numbers inside them belong to the
    source (a footnote, a reference) and are not the answer's markers."""
    spans = []
    for quote in quotes:
        words = quote.split()
        if not words:
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        spans.extend(m.span() for m in pattern.finditer(answer))
    return spans


def own_markers(answer: str, quotes: Iterable[str] = ()) -> list[re.Match[str]]:
    """The `[n]` markers the answer itself wrote: not those inside a quoted passage.

    >>> [m[1] for m in own_markers("Founded in 2030 [3]. [1]", ["Founded in 2030 [3]."])]
    ['1']
    """
    spans = quoted_spans(answer, quotes)
    return [
        m
        for m in MARKER.finditer(answer)
        if not any(start <= m.start() and m.end() <= end for start, end in spans)
    ]


def answer_sentences(answer: str, quotes: Iterable[str] = ()) -> list[tuple[str, list[int]]]:
    """Split a marked-up answer into (sentence, markers) pairs: markers close a sentence.
    Bracketed numbers inside `quotes` (the cited passages) are text, not markers.

    >>> answer_sentences("Founded in 2030 [3]. [1] Funded [2]", ["Founded in 2030 [3]."])
    [('Founded in 2030 [3].', [1]), ('Funded', [2])]
    """
    pieces: list[tuple[str, list[int]]] = []
    pos = 0
    text = ""
    markers: list[int] = []
    for match in own_markers(answer, quotes):
        between = answer[pos : match.start()]
        if between.strip():
            if markers:
                pieces.append((text.strip(), markers))
                markers = []
                text = ""
            text += between
        markers.append(int(match.group(1)))
        pos = match.end()
    if markers or text.strip():
        pieces.append((text.strip(), markers))
    tail = answer[pos:].strip()
    if tail:
        pieces.append((tail, []))
    return pieces


def split_claims(draft: str) -> list[tuple[str, list[int]]]:
    """The draft's sentences with their markers taken out: [(sentence, [markers])]."""
    claims: list[tuple[str, list[int]]] = []
    for start, end in sentences(draft):
        piece = draft[start:end]
        leading = _LEADING_GROUPS.match(piece)
        if leading and claims:  # "…作った。[2] Next…": [2] closes the sentence before
            claims[-1][1].extend(draft_marker_numbers(leading.group(0)))
            piece = piece[leading.end() :]
        markers = draft_marker_numbers(piece)
        text = _SPACE_BEFORE_STOP.sub(r"\1", MARKER_GROUP.sub("", piece)).strip()
        if text and any(ch.isalnum() for ch in text):
            claims.append((text, markers))
        elif markers and claims:  # a marker stranded after the full stop belongs to the sentence
            claims[-1][1].extend(markers)
    return claims
