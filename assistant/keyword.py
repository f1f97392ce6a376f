"""The keyword (BM25) index over the committed chunks.

Built whole from a chunk set and saved beside it in a fresh directory; the registry then points
at that directory, so a reader only ever sees a complete index. Terms are `text.tokens`:
Snowball-stemmed English words, Japanese words from SudachiPy, and references in one form
(Article 27 and 第二十七条 alike). A query's terms are widened through the bilingual glossary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np

from .glossary import query_terms
from .schema import Chunk
from .text import script, term_weight, tokens

# Bumped whenever `text.tokens` or the stored chunk record changes, so the next ingest
# rebuilds the keyword index instead of serving terms the queries no longer produce.
KEYWORD_FORMAT = "2: sudachi words, reference terms, located chunks"


def index_terms(chunk: Chunk) -> list[str]:
    """What the keyword index sees of a chunk: its section heading and its text."""
    return tokens(f"{chunk.section}\n{chunk.text}")


class KeywordIndex:
    """BM25 over a fixed list of chunks (row i is `chunks[i]`); `search` returns (chunk,
    score) best first."""

    def __init__(self, chunks: Sequence[Chunk], bm25: bm25s.BM25 | None) -> None:
        self.chunks = chunks
        self._bm25 = bm25

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> KeywordIndex:
        if not chunks:
            return cls([], None)
        bm25 = bm25s.BM25()
        bm25.index([index_terms(c) or [""] for c in chunks], show_progress=False)
        return cls(chunks, bm25)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, chunks: Sequence[Chunk]) -> KeywordIndex:
        """The index saved in `directory` over `chunks`, the chunk set it was built from."""
        if not chunks:
            return cls([], None)
        return cls(chunks, bm25s.BM25.load(str(directory), show_progress=False, verbosity=0))

    @cached_property
    def _document_frequency(self) -> dict[str, int]:
        """Chunks holding each term: the stored columns of the BM25 matrix (one per term, a
        row entry per chunk holding it), so nothing is tokenised again at load."""
        if self._bm25 is None:
            return {}
        counts = np.diff(self._bm25.scores["indptr"])
        return {
            term: int(counts[i])
            for term, i in self._bm25.vocab_dict.items()
            if i < len(counts) and counts[i] > 0 and term
        }

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every term the indexed text uses."""
        return frozenset(self._document_frequency)

    @cached_property
    def scripts(self) -> frozenset[str]:
        """The scripts ('latin', 'cjk') that occur in the indexed text."""
        return frozenset(script(term) for term in self._document_frequency)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term over the chunks (BM25's smoothed form)."""
        n, df = len(self.chunks), self._document_frequency.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, n: int, *, translate: bool = True) -> list[tuple[Chunk, float]]:
        """The `n` best chunks for `query` by BM25; `translate`: the query's vocabulary is
        searched in the other language too (the glossary's equivalents)."""
        if self._bm25 is None:
            return []
        terms = [
            t
            for t in (query_terms(query) if translate else tokens(query))
            if t in self._bm25.vocab_dict
            for _ in range(round(term_weight(t)))  # a named provision counts more
        ]
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        return [(self.chunks[i], float(scores[i])) for i in top_n(scores, n) if scores[i] > 0]


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the `n` highest scores, best first, ties in index order: what a stable sort
    of the whole array gives, in linear time (a full sort of a million scores costs ~140 ms)."""
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, len(scores) - n)[len(scores) - n]  # the n-th highest score
    above = np.flatnonzero(scores > kth)
    ties = np.flatnonzero(scores == kth)[: n - len(above)]
    chosen = np.sort(np.concatenate([above, ties]))
    return chosen[np.argsort(-scores[chosen], kind="stable")]
