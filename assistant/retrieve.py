"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused by reciprocal rank.

Dense search runs twice: over whole chunks, and over their sentences (each chunk ranked by its
nearest sentence), so a question that one sentence of a long passage answers finds it. The two
dense rankings share the weight one had, so meaning and keywords keep an equal say."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .index import Index
from .language import guess_language
from .provisions import link_key
from .references import (
    Provision,
    asked_definitions,
    located,
    named_laws,
    of_law,
    provisions,
    without_law_names,
)
from .schema import Chunk, Passage
from .text import normalize


@dataclass(frozen=True)
class Retrieval:
    """The passages for one question, best first, with the question's embedding; for a
    message that asks several questions, each part with its own embedding."""

    passages: list[Passage]
    query_vector: np.ndarray
    parts: list[tuple[str, np.ndarray]] = field(default_factory=list)


def reciprocal_rank_fusion(
    rankings: list[list[str]], *, k: int = 60, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Fuse ranked id lists: each id scores sum(1 / (k + rank)), rank starting at 1.

    >>> fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60)
    >>> max(fused, key=fused.get)
    'b'
    """
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def fusion_weights(sentences: bool) -> list[float]:
    """Weights of the passage, sentence and keyword rankings: the two dense searches share one
    vote, so that adding the sentence search keeps the balance between meaning and keywords
    that hybrid retrieval had."""
    dense = 0.5 if sentences else 1.0
    return [dense, dense, 1.0]


@dataclass(frozen=True)
class Candidates:
    """One query's ranked candidates from each search (empty for a search the mode skips)."""

    dense: list[tuple[Chunk, float]]
    sentences: list[tuple[Chunk, float]]
    keyword: list[tuple[Chunk, float]]

    def rankings(self) -> list[list[str]]:
        return [[c.chunk_id for c, _ in r] for r in (self.dense, self.sentences, self.keyword)]

    def weights(self) -> list[float]:
        return fusion_weights(bool(self.sentences))

    def chunks(self) -> dict[str, Chunk]:
        return {c.chunk_id: c for r in (self.dense, self.sentences, self.keyword) for c, _ in r}


class Retriever:
    """Retrieve passages from an `Index` with dense, keyword or hybrid search."""

    def __init__(
        self,
        index: Index,
        *,
        candidates: int,
        rrf_k: int,
        mode: str = "hybrid",
        sentences: bool = True,
        glossary: bool = True,
    ) -> None:
        if mode not in {"hybrid", "dense", "keyword"}:
            raise ValueError(f"unknown retrieval mode '{mode}'")
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode = mode
        self.sentences = sentences
        self.glossary = glossary  # keyword search in the other language's terms as well

    def retrieve(self, question: str, k: int, parts: Sequence[str] = ()) -> Retrieval:
        """The `k` best passages for `question`. With `parts` (the questions a message asks,
        see `decompose`), every part is searched as well, all rankings are fused, and the best
        passage of each part is kept among the `k` even when the whole message ranks it lower."""
        queries = [question, *parts] if len(parts) > 1 else [question]
        vectors = self.index.embedder.encode(queries, query=True)
        found = [self._candidates(q, v) for q, v in zip(queries, vectors, strict=True)]
        chunks: dict[str, Chunk] = {}
        for candidates in found:
            chunks.update(candidates.chunks())
        fused = reciprocal_rank_fusion(
            [r for candidates in found for r in candidates.rankings()],
            k=self.rrf_k,
            weights=[w for candidates in found for w in candidates.weights()],
        )
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        chosen: list[str] = []
        for candidates in found[1:]:
            own = reciprocal_rank_fusion(
                candidates.rankings(), k=self.rrf_k, weights=candidates.weights()
            )
            best = min(own, key=lambda cid: (-own[cid], cid), default=None)
            if best is not None and best not in chosen:
                chosen.append(best)
        chosen = chosen[:k]
        chosen += [cid for cid in ranked if cid not in chosen][: k - len(chosen)]
        chosen.sort(key=lambda cid: (-fused[cid], cid))

        dense, keyword = found[0].dense, found[0].keyword
        dense_rank = {c.chunk_id: r for r, (c, _) in enumerate(dense, start=1)}
        keyword_rank = {c.chunk_id: r for r, (c, _) in enumerate(keyword, start=1)}
        sentence_rank = {c.chunk_id: r for r, (c, _) in enumerate(found[0].sentences, start=1)}
        similarity = {c.chunk_id: s for c, s in dense}
        titles = {d: rec["title"] for d, rec in self.index.documents.items()}
        passages = [
            Passage(
                chunk=chunks[cid],
                title=titles.get(chunks[cid].doc_id, chunks[cid].doc_id),
                score=fused[cid],
                dense_rank=dense_rank.get(cid),
                keyword_rank=keyword_rank.get(cid),
                dense_similarity=similarity.get(cid),
                sentence_rank=sentence_rank.get(cid),
            )
            for cid in chosen
        ]
        return Retrieval(
            passages=self._focused(question, vectors[0], passages, k),
            query_vector=vectors[0],
            parts=list(zip(queries[1:], vectors[1:], strict=True)),
        )

    def _passage(self, chunk: Chunk, score: float) -> Passage:
        title = self.index.documents.get(chunk.doc_id, {}).get("title", chunk.doc_id)
        return Passage(chunk=chunk, title=title, score=score)

    def _focused(
        self, question: str, vector: np.ndarray, passages: list[Passage], k: int
    ) -> list[Passage]:
        """Passages of the provisions a question cites ("Article 22", 第二十二条第一項) first, in
        the laws it names or else in every statute; a question that names an ingested law is
        answered from that law's passages only. Then each statute passage in the question's
        language where both language versions are ingested."""
        documents = self.index.documents
        laws = named_laws(question, documents)
        cited = provisions(question)
        statutes = of_law(documents, laws) if laws else set()
        if cited and not laws:
            statutes = {d for d, meta in documents.items() if meta.get("law")}
        focus: list[Passage] = []
        if statutes and cited:
            focus = [self._passage(c, 1.0) for c in self._cited(statutes, cited)]
        focus += [self._passage(c, 1.0) for c in self.defining(question, statutes)]
        if laws:
            # What a law provides is answered from the law's own text, not from what others
            # say about it: the rest of the passages come from the named laws too.
            passages = self._within(question, vector, statutes)
        ids = {p.chunk.chunk_id for p in focus}
        chosen = focus[:k] + [p for p in passages if p.chunk.chunk_id not in ids]
        return self._in_language(question, chosen)[:k]

    def defining(self, question: str, doc_ids: set[str] | None = None) -> list[Chunk]:
        """The statute chunks that define the terms a question asks the meaning of (of these
        documents, if given), the definition of the longest term first."""
        definitions = self.index.chunks.definitions
        asked = asked_definitions(question, definitions)
        chunks = [
            self.index.chunks.by_id[cid]
            for term in sorted(asked, key=len, reverse=True)
            for cid in definitions[term]
        ]
        return [c for c in chunks if not doc_ids or c.doc_id in doc_ids]

    def _cited(self, statutes: set[str], cited: list[Provision]) -> list[Chunk]:
        """The chunks of the cited provisions, the cited paragraph before the rest of its
        article, in the order the question cites them."""
        out: list[Chunk] = []
        for provision in cited:
            found = []
            for doc_id in sorted(statutes):
                for chunk in self.index.chunks.by_document.get(doc_id, []):
                    where = located(chunk.locator)
                    if where and where[1] == provision.article:
                        exact = provision.paragraph in {None, where[2] or "1"}
                        found.append((not exact, chunk.ordinal, chunk))
            out += [c for *_, c in sorted(found, key=lambda f: (f[0], f[1]))]
        return list({c.chunk_id: c for c in out}.values())

    def _within(self, question: str, vector: np.ndarray, statutes: set[str]) -> list[Passage]:
        """The named laws' passages nearest the question, by the same fused search, searched
        for the question without the law's name (every passage of the law is of that law)."""
        stripped = without_law_names(question, self.index.documents)
        if stripped != normalize(question):
            question = stripped
            vector = self.index.embedder.encode([stripped], query=True)[0]
        as_list = vector.tolist()
        keyword = [
            (c, s)
            for c, s in self.index.keyword.search(
                question, self.candidates * 4, translate=self.glossary
            )
            if c.doc_id in statutes
        ][: self.candidates]
        found = Candidates(
            self.index.dense_search(as_list, self.candidates, statutes),
            self.index.unit_search(as_list, self.candidates, statutes) if self.sentences else [],
            keyword,
        )
        fused = reciprocal_rank_fusion(found.rankings(), k=self.rrf_k, weights=found.weights())
        chunks = found.chunks()
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        return [self._passage(chunks[cid], fused[cid]) for cid in ranked]

    def _in_language(self, question: str, passages: list[Passage]) -> list[Passage]:
        """Each passage of a statute in the question's language when its counterpart in that
        language is ingested (the other side is shown beside it); duplicates dropped."""
        language = guess_language(question)
        linked = self.index.chunks.by_link
        out: dict[str, Passage] = {}
        for passage in passages:
            chunk = passage.chunk
            if chunk.language != language and chunk.link:
                same = [o for o in linked.get(link_key(chunk), []) if o.language == language]
                if same:
                    passage = dataclasses.replace(
                        self._passage(same[0], passage.score),
                        dense_rank=passage.dense_rank,
                        keyword_rank=passage.keyword_rank,
                        dense_similarity=passage.dense_similarity,
                        sentence_rank=passage.sentence_rank,
                    )
            out.setdefault(passage.chunk.chunk_id, passage)
        return list(out.values())

    def _candidates(self, query: str, vector: np.ndarray) -> Candidates:
        """The dense, sentence and keyword candidates for one query."""
        dense: list[tuple[Chunk, float]] = []
        sentences: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        if self.mode in {"hybrid", "dense"}:
            as_list = vector.tolist()
            dense = self.index.dense_search(as_list, self.candidates)
            if self.sentences:
                sentences = self.index.unit_search(as_list, self.candidates)
        if self.mode in {"hybrid", "keyword"}:
            keyword = self.index.keyword.search(query, self.candidates, translate=self.glossary)
        return Candidates(dense, sentences, keyword)
