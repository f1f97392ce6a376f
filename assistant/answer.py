"""The embedded answerer: quote the evidence sentences that best answer the question.

Each retrieved passage is split into sentences; each sentence gets an evidence score that blends
its embedding similarity to the question with how much of the question's weighted vocabulary it
covers. The best sentences are quoted verbatim, each followed by its citation marker. When even
the best score is below `abstain_below` (calibrated on `eval/`), the answerer abstains.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from .chunking import evidence_units
from .expect import Expect, expects, focus_of, mentions, names_post, post_of, supplies
from .glossary import query_terms
from .index import Index
from .injection import withheld
from .language import ABSTENTION, ABSTENTION_JA, QUOTING_JA, guess_language, unanswered_parts
from .premise import assumed_acts, grants
from .references import asked_definitions, defined_terms, named_laws, provisions
from .references import located as located_provision
from .retrieve import Retrieval
from .schema import Answer, Chunk, Citation, Passage, Unit
from .settings import Settings
from .text import script, term_weight, tokens

_FALLBACK_CACHE_MAX = 10_000  # chunks whose unit vectors were computed at ask time


@dataclass(frozen=True)
class Evidence:
    """One candidate quote: `document.text[start:end] == text`."""

    passage: Passage
    start: int
    end: int
    text: str
    score: float
    dense: float
    lexical: float  # IDF-weighted share of the question's usable terms present
    lexical_share: float  # how much of the question could match lexically at all (0..1)
    fits: bool = True  # holds what the question asks for (a date, a count, a named post...)
    # part of a provision the question cites by number ("Article 22(1)"), or the definition of
    # a term whose meaning it asks
    cited: bool = False


# The scored evidence for each question a message asks: one (question, evidence) pair for a
# message that asks one question, one per part for a message that asks several.
Rankings = list[tuple[str, list[Evidence]]]


class ExtractiveAnswerer:
    """Compose answers from verbatim evidence sentences; needs no language model."""

    name = "extractive"

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self._fallback: dict[str, np.ndarray] = {}
        self._fallback_lock = threading.Lock()  # questions may be answered in several threads

    def unit_vectors(self, passages: list[Passage]) -> dict[str, np.ndarray]:
        """Unit vectors per chunk id: stored at ingest; computed (and cached) if missing."""
        stored = self.index.unit_vectors([p.chunk.chunk_id for p in passages])
        for passage in passages:
            cid = passage.chunk.chunk_id
            if cid in stored:
                continue
            with self._fallback_lock:
                vectors = self._fallback.get(cid)
            if vectors is None:
                contexts = [u.context for u in evidence_units(passage.chunk)]
                vectors = self.index.embedder.encode(contexts)  # no lock held while embedding
                with self._fallback_lock:
                    if len(self._fallback) > _FALLBACK_CACHE_MAX:
                        self._fallback.clear()
                    self._fallback[cid] = vectors
            stored[cid] = vectors
        return stored

    def _term_weights(self, question_terms: set[str]) -> dict[str, float]:
        """IDF weights of the question terms that could match the corpus at all."""
        keyword = self.index.keyword
        return {
            t: keyword.idf(t) * term_weight(t)
            for t in question_terms
            if script(t) in keyword.scripts
        }

    @staticmethod
    def _lexical(weights: dict[str, float], present: frozenset[str]) -> float:
        """IDF-weighted share of the question's usable terms found in `present`: the terms of a
        unit and of where it sits (a question naming "Article 7" matches its sentences)."""
        if not weights:
            return 0.0
        return sum(w for t, w in weights.items() if t in present) / (sum(weights.values()) or 1.0)

    def _lexical_share(self, question_terms: set[str]) -> float:
        """How much of the question words could match at all: terms in a script the corpus is
        not written in (a Japanese question over English text) cannot, so the lexical part of
        the score counts for that much less. Japanese words count as half a word each (short
        units: a Japanese phrase splits into more of them than its English counterpart)."""
        keyword = self.index.keyword
        usable = sum(1.0 for t in question_terms if script(t) in keyword.scripts)
        foreign = sum(0.5 for t in question_terms if script(t) not in keyword.scripts)
        return usable / (usable + foreign) if usable else 0.0

    def evidence(self, question: str, retrieval: Retrieval) -> list[Evidence]:
        """Every candidate unit of the retrieved passages, best evidence first."""
        vectors = self.unit_vectors(retrieval.passages)
        candidates: list[tuple[Passage, Unit]] = []
        similarities: list[np.ndarray] = []
        for passage in retrieval.passages:
            units = evidence_units(passage.chunk)
            if not units:
                continue
            # Sentences that address the assistant with instructions are never quoted, nor the
            # sentences around them (what they point at, what carries their payload).
            dropped = withheld([u.text for u in units])
            keep = [i for i in range(len(units)) if i not in dropped]
            if not keep:
                continue
            candidates.extend((passage, units[i]) for i in keep)
            similarities.append(vectors[passage.chunk.chunk_id][keep] @ retrieval.query_vector)
        if not candidates:
            return []
        dense = np.concatenate(similarities)
        question_terms = set(query_terms(question))
        kind = expects(question)
        post = post_of(question) if Expect.HOLDER in kind else frozenset()
        focus = focus_of(question)
        acts = assumed_acts(question)
        share = self._lexical_share(question_terms)
        weights = self._term_weights(question_terms)
        scored = []
        located = {p.chunk.chunk_id: frozenset(tokens(p.chunk.locator)) for p in retrieval.passages}
        cited = cited_chunks(
            question,
            [p.chunk for p in retrieval.passages],
            named_laws(question, self.index.documents),
        )
        asked = asked_definitions(question, self.index.chunks.definitions)
        for (passage, unit), similarity in zip(candidates, dense, strict=True):
            words = frozenset(tokens(unit.text))
            lexical = self._lexical(weights, words | located[passage.chunk.chunk_id])
            fits = (
                supplies(kind, unit.text)
                and names_post(post, words)
                and mentions(focus, words)
                and grants(acts, unit.text)
            )
            scored.append(
                Evidence(
                    passage,
                    unit.start,
                    unit.end,
                    unit.text,
                    0.0,
                    float(similarity),
                    lexical,
                    share,
                    fits,
                    passage.chunk.chunk_id in cited or bool(asked & defined_terms(unit.text)),
                )
            )
        return rescore(scored, self.settings.dense_weight)

    def rankings(self, question: str, retrieval: Retrieval) -> Rankings:
        """The scored evidence for the question, or for each question the message asks when
        retrieval searched its parts (see `decompose`), best first."""
        if not retrieval.parts:
            return [(question, self.evidence(question, retrieval))]
        return [
            (part, self.evidence(part, replace(retrieval, query_vector=vector, parts=[])))
            for part, vector in retrieval.parts
        ]

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        """Quote the best evidence for `question`, or abstain."""
        return compose_ranked(
            question,
            self.rankings(question, retrieval),
            abstain_below=self.settings.abstain_below,
            min_ratio=self.settings.sentence_min_ratio,
            max_sentences=self.settings.answer_sentences,
        )

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """The `Answerer` interface: no draft, only the answer."""
        yield self.answer(question, retrieval)


def rescore(evidence: list[Evidence], dense_weight: float) -> list[Evidence]:
    """Blend each candidate's dense and lexical evidence and sort best first."""

    def blend(e: Evidence) -> float:
        if e.cited:
            return 1.0  # the provision the question names is what it asks about
        if not e.fits:
            return 0.0  # cannot answer this kind of question, however similar it reads
        lexical_weight = (1 - dense_weight) * e.lexical_share
        return (1 - lexical_weight) * e.dense + lexical_weight * e.lexical

    blended = [replace(e, score=blend(e)) for e in evidence]
    blended.sort(key=lambda e: (-e.score, e.passage.chunk.doc_id, e.start))
    return blended


def cited_chunks(question: str, chunks: list[Chunk], laws: set[str]) -> set[str]:
    """The chunks of the provisions a question cites by number ("Art. 22(1)", 第二十二条第一項):
    the cited paragraph, or every paragraph of a cited article; of the `laws` it names, if
    any."""
    wanted = provisions(question)
    out = set()
    for chunk in chunks:
        where = located_provision(chunk.locator)
        if (
            where
            and (not laws or where[0] in laws)
            and any(
                p.article == where[1] and p.paragraph in {None, where[2] or "1"} for p in wanted
            )
        ):
            out.add(chunk.chunk_id)
    return out


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
        citations.append(Citation.of(marker, e.passage, e.start, e.end, e.text))
        parts.append(f"{' '.join(e.text.split())} [{marker}]")
    return Answer(
        question, " ".join(parts), False, citations, backend="extractive", evidence_score=best
    )


def compose_ranked(
    question: str,
    rankings: Rankings,
    *,
    abstain_below: float,
    min_ratio: float,
    max_sentences: int,
) -> Answer:
    """The answer to a message from its `rankings`: one question's evidence is quoted by
    `compose`, several questions' by `compose_parts`."""
    options = {"abstain_below": abstain_below, "min_ratio": min_ratio}
    if len(rankings) == 1:
        return compose(question, rankings[0][1], **options, max_sentences=max_sentences)
    return compose_parts(question, rankings, **options, max_sentences=max_sentences)


def compose_parts(
    question: str,
    rankings: Rankings,
    *,
    abstain_below: float,
    min_ratio: float,
    max_sentences: int,
) -> Answer:
    """Answer a message that asks several questions: the best evidence of each part in the
    order the parts were asked, then their runners-up, with at least one quote per answered
    part. A part without evidence above `abstain_below` gets none, and the notice names it;
    when no part has any, the answer abstains."""
    answered = [(part, r) for part, r in rankings if r and r[0].score >= abstain_below]
    best = max((r[0].score for _, r in rankings if r), default=0.0)
    if not answered:
        return Answer(question, ABSTENTION, True, backend="extractive", evidence_score=best)
    queues = [[e for e in r if e.score >= r[0].score * min_ratio] for _, r in answered]
    chosen: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    limit = max(max_sentences, len(queues))
    for depth in range(max(len(q) for q in queues)):
        for queue in queues:
            if depth < len(queue) and len(chosen) < limit:
                e = queue[depth]
                key = (e.passage.chunk.doc_id, e.start)
                if key not in seen:
                    seen.add(key)
                    chosen.append(e)
    missing = [part for part, r in rankings if not r or r[0].score < abstain_below]
    return replace(
        compose(question, chosen, abstain_below=0.0, min_ratio=0.0, max_sentences=len(chosen)),
        evidence_score=best,
        notice=unanswered_parts(missing) if missing else None,
    )


def abstention(question: str) -> str:
    """The abstention, in the question's language."""
    return ABSTENTION_JA if guess_language(question) == "ja" else ABSTENTION


def in_language(question: str, answer: Answer) -> str:
    """The answer's text as the asker reads it: a Japanese question gets its abstention in
    Japanese, and an extractive answer introduced in Japanese as verbatim quotes of the
    sources."""
    if guess_language(question) != "ja":
        return answer.answer
    if answer.abstained:
        return ABSTENTION_JA
    if answer.backend == "extractive" and not answer.answer.startswith(QUOTING_JA):
        return f"{QUOTING_JA}\n{answer.answer}"
    return answer.answer
