"""The embedded answerer: quote the evidence sentences that best answer the question.

Each retrieved passage is split into sentences; each sentence gets an evidence score that blends
its embedding similarity to the question with how much of the question's weighted vocabulary it
covers. The best sentences are quoted verbatim, each followed by its citation marker. When even
the best score is below `abstain_below` (calibrated on `eval/`), the answerer abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from .index import Index
from .retrieve import Retrieval
from .schema import Answer, Citation, Passage
from .settings import Settings
from .text import sentences, tokens

ABSTENTION = "The documents in the corpus do not answer this."
_LIST_ITEM = re.compile(r"^\s*(?:[-*•・]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_SENTENCE_CACHE_MAX = 50_000


@dataclass(frozen=True)
class Evidence:
    """One candidate quote: `document.text[start:end] == text`."""

    passage: Passage
    start: int
    end: int
    text: str
    score: float
    dense: float
    lexical: float


def _evidence_spans(passage: Passage) -> list[tuple[int, int]]:
    """Sentence spans of a passage in document offsets; a sentence ending in ':' that
    introduces list items absorbs them, so a list is quoted whole."""
    chunk = passage.chunk
    spans = [(chunk.start + a, chunk.start + b) for a, b in sentences(chunk.text)]
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        text = chunk.text[start - chunk.start : end - chunk.start]
        j = i + 1
        if text.rstrip().endswith(":"):
            while j < len(spans) and _LIST_ITEM.match(
                chunk.text[spans[j][0] - chunk.start : spans[j][1] - chunk.start]
            ):
                end = spans[j][1]
                j += 1
        merged.append((start, end))
        i = j
    return merged


class ExtractiveAnswerer:
    """Compose answers from verbatim evidence sentences; needs no language model."""

    name = "extractive"

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self._sentence_vectors: dict[str, np.ndarray] = {}

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            if len(self._sentence_vectors) + len(missing) > _SENTENCE_CACHE_MAX:
                self._sentence_vectors.clear()
            for text, vector in zip(missing, self.index.embedder.encode(missing), strict=True):
                self._sentence_vectors[text] = vector
        return np.stack([self._sentence_vectors[t] for t in texts])

    def _lexical(self, question_terms: set[str], text: str) -> float:
        if not question_terms:
            return 0.0
        keyword = self.index.keyword
        weights = {t: keyword.idf(t) for t in question_terms}
        total = sum(weights.values()) or 1.0
        present = set(tokens(text))
        return sum(w for t, w in weights.items() if t in present) / total

    def evidence(self, question: str, retrieval: Retrieval) -> list[Evidence]:
        """Every candidate sentence of the retrieved passages, best evidence first."""
        candidates: list[tuple[Passage, int, int, str]] = []
        for passage in retrieval.passages:
            chunk = passage.chunk
            for start, end in _evidence_spans(passage):
                candidates.append(
                    (passage, start, end, chunk.text[start - chunk.start : end - chunk.start])
                )
        if not candidates:
            return []
        dense = self._vectors([c[3] for c in candidates]) @ retrieval.query_vector
        question_terms = set(tokens(question))
        scored = []
        for (passage, start, end, text), similarity in zip(candidates, dense, strict=True):
            lexical = self._lexical(question_terms, text)
            scored.append(Evidence(passage, start, end, text, 0.0, float(similarity), lexical))
        return rescore(scored, self.settings.dense_weight)

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        return compose(
            question,
            self.evidence(question, retrieval),
            abstain_below=self.settings.abstain_below,
            min_ratio=self.settings.sentence_min_ratio,
            max_sentences=self.settings.answer_sentences,
        )


def rescore(evidence: list[Evidence], dense_weight: float) -> list[Evidence]:
    """Blend each candidate's dense and lexical evidence and sort best first."""
    blended = [
        replace(e, score=dense_weight * e.dense + (1 - dense_weight) * e.lexical) for e in evidence
    ]
    blended.sort(key=lambda e: (-e.score, e.passage.chunk.doc_id, e.start))
    return blended


def compose(
    question: str,
    ranked: list[Evidence],
    *,
    abstain_below: float,
    min_ratio: float,
    max_sentences: int,
) -> Answer:
    """Quote the best evidence (each with its marker), or abstain when it is too weak."""
    best = ranked[0].score if ranked else 0.0
    if best < abstain_below:
        return Answer(question, ABSTENTION, True, backend="extractive", evidence_score=best)
    chosen = [e for e in ranked if e.score >= best * min_ratio][:max_sentences]
    parts: list[str] = []
    citations: list[Citation] = []
    for marker, e in enumerate(chosen, start=1):
        chunk = e.passage.chunk
        citations.append(
            Citation(
                marker=marker,
                doc_id=chunk.doc_id,
                title=e.passage.title,
                section=chunk.section,
                chunk_id=chunk.chunk_id,
                quote=e.text,
                start=e.start,
                end=e.end,
            )
        )
        parts.append(f"{' '.join(e.text.split())} [{marker}]")
    return Answer(
        question, " ".join(parts), False, citations, backend="extractive", evidence_score=best
    )
