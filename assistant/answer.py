"""The embedded answerer: quote the evidence sentences that best answer the question.

Each retrieved passage is split into sentences; each sentence gets an evidence score that blends
its embedding similarity to the question with how much of the question's weighted vocabulary it
covers. The best sentences are quoted verbatim, each followed by its citation marker. When even
the best score is below `abstain_below` (calibrated on `eval/`), the answerer abstains.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from .answerability import Judgment
from .checks import active, reason_of, refusal
from .chunking import evidence_units
from .compose import Evidence, Rankings, compose_ranked, rescore
from .errors import AssistantError
from .glossary import query_terms
from .index import Index
from .injection import withheld
from .language import (
    ABSTENTION,
    ABSTENTION_JA,
    QUOTING_JA,
    guess_language,
    instead_note,
    missing_note,
    not_stated_note,
)
from .language import unanswered_parts as unanswered_parts  # its earlier home
from .references import asked_definitions, defined_terms, named_laws, provisions
from .references import located as located_provision
from .retrieve import Retrieval
from .schema import Answer, Chunk, Passage, Unit
from .scope import FRAMING, known_term, unknown_words
from .settings import Settings
from .text import abbreviations, script, term_weight, tokens

_FALLBACK_CACHE_MAX = 10_000  # chunks whose unit vectors were computed at ask time
_DEFINED_CACHE_MAX = 256  # documents whose abbreviations were read


class ExtractiveAnswerer:
    """Compose answers from verbatim evidence sentences; needs no language model."""

    name = "extractive"

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self._fallback: dict[str, np.ndarray] = {}
        self._fallback_lock = threading.Lock()  # questions may be answered in several threads
        self._defined: dict[str, dict[str, frozenset[str]]] = {}  # by document snapshot
        off = settings.checks_off
        self.judgment = (
            None if "answerability" in off else Judgment.from_json(settings.answerability)
        )

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

    def _known(self, weights: dict[str, float]) -> float:
        """IDF-weighted share of the question's usable terms that the corpus holds (itself
        or, through the glossary, in the other language); 1.0 when no term can be told."""
        total = sum(weights.values())
        if not total:
            return 1.0
        vocabulary = self.index.vocabulary
        known = sum(w for t, w in weights.items() if known_term(t, vocabulary) or t in FRAMING)
        return known / total

    def _abbreviations(self, doc_id: str) -> dict[str, frozenset[str]]:
        """The abbreviations a document defines, with the words of their defining sentences;
        read once per version of the document (its snapshot), not once per question."""
        record = self.index.documents.get(doc_id) or {}
        key = str(record.get("snapshot") or record.get("sha256") or doc_id)
        with self._fallback_lock:
            found = self._defined.get(key)
        if found is None:
            try:
                found = abbreviations(self.index.document_text(doc_id))
            except AssistantError:  # removed by another process since retrieval
                return {}
            with self._fallback_lock:
                if len(self._defined) > _DEFINED_CACHE_MAX:
                    self._defined.clear()
                self._defined[key] = found
        return found

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
        off = self.settings.checks_off
        question_terms = set(query_terms(question) if "glossary" not in off else tokens(question))
        checks = active(question, off)
        share = self._lexical_share(question_terms)
        weights = self._term_weights(question_terms)
        known = self._known(weights)
        scored = []
        located = {p.chunk.chunk_id: frozenset(tokens(p.chunk.locator)) for p in retrieval.passages}
        cited = cited_chunks(
            question,
            [p.chunk for p in retrieval.passages],
            named_laws(question, self.index.documents),
        )
        asked = asked_definitions(question, self.index.chunks.definitions)
        # what the abbreviations of each document stand for, for the checks that look past the
        # unit's own words ("the AI PT" is the LDP's project team where the text defines it)
        defined = (
            {p.chunk.doc_id: self._abbreviations(p.chunk.doc_id) for p in retrieval.passages}
            if any(c.name == "holder" for c in checks)
            else {}
        )
        for (passage, unit), similarity in zip(candidates, dense, strict=True):
            words = frozenset(tokens(unit.text))
            stands_for = defined.get(passage.chunk.doc_id, {})
            around = frozenset().union(*(v for k, v in stands_for.items() if k in unit.text))
            lexical = self._lexical(weights, words | located[passage.chunk.chunk_id])
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
                    refusal(checks, question, unit.text, words, around),
                    passage.chunk.chunk_id in cited or bool(asked & defined_terms(unit.text)),
                    known,
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
        rankings = self.rankings(question, retrieval)
        answer = compose_ranked(
            question,
            rankings,
            abstain_below=self.settings.abstain_below,
            min_ratio=self.settings.sentence_min_ratio,
            max_sentences=self.settings.answer_sentences,
            judge=self.judgment,
        )
        if answer.abstained and answer.decision:
            part, ranked = rankings[0]  # the (first) question asked
            why = self.why(part, answer.decision, ranked)
            answer = replace(answer, notice=why, decision={**answer.decision, "reason": why})
        return answer

    def why(
        self, question: str, decision: dict[str, object], ranked: Sequence[Evidence] = ()
    ) -> str:
        """Why the answer abstained, in the question's language: the check that refused the
        nearest passage says what it lacks (and, for an assumption the documents do not
        state, what the nearest passage says instead); else the words of the question the
        corpus never holds are named; else the passages found do not state what is asked."""
        japanese = guess_language(question) == "ja"
        by = str(decision.get("by"))
        reason = reason_of(by, question, japanese)
        if reason and by == "premise":
            refused = [e for e in ranked if e.refused_by == by]
            if refused:
                said = max(refused, key=lambda e: e.raw)
                return instead_note(reason, said.text, said.passage.title, japanese)
        if reason:
            return reason
        missing = unknown_words(question, self.index.vocabulary, self.index.keyword.scripts)
        if missing:
            return missing_note(missing, japanese)
        return not_stated_note(question, japanese)

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """The `Answerer` interface: no draft, only the answer."""
        yield self.answer(question, retrieval)


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
