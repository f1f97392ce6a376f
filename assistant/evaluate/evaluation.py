"""Grounding evaluation over the gold set in `eval/questions.jsonl`, and threshold calibration.

Metrics (per question, then averaged per category, language and overall):

- retrieval: recall@k, the share of gold spans contained in some retrieved chunk of the right
  document, and MRR, 1/rank of the first retrieved chunk that contains a gold span;
- citations: a citation is *valid* when its quote is exactly `document[start:end]` and lies in
  the cited document; it is *supporting* when it is valid and the answer sentence it is attached
  to is backed by it (see `supports`);
- key facts: a fact counts when one of its accepted surface forms appears in the answer
  (NFKC, case-insensitive); an answer is correct when it states every key fact;
- abstention: precision and recall of abstaining, with the unanswerable questions as positives.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..language import QUOTING_JA
from ..markers import answer_sentences, split_claims
from ..schema import Answer
from ..text import normalize, tokens


@dataclass(frozen=True)
class GoldSpan:
    doc_id: str
    span: str


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    split: str
    lang: str
    category: str
    question: str
    answerable: bool
    gold: tuple[GoldSpan, ...] = ()
    key_facts: tuple[tuple[str, ...], ...] = ()


def load_questions(path: Path, *, split: str = "all") -> list[EvalQuestion]:
    """Read the gold set; `split` is 'dev', 'test' or 'all'."""
    out: list[EvalQuestion] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if split != "all" and raw["split"] != split:
            continue
        out.append(
            EvalQuestion(
                id=raw["id"],
                split=raw["split"],
                lang=raw["lang"],
                category=raw["category"],
                question=raw["question"],
                answerable=bool(raw["answerable"]),
                gold=tuple(GoldSpan(g["doc_id"], g["span"]) for g in raw["gold"]),
                key_facts=tuple(tuple(f) for f in raw["key_facts"]),
            )
        )
    return out


# Where each split's questions are: the gold set; dev adds the questions phrased as users type
# (dev_more.jsonl); the blind set has a file of its own (reported, never used to choose).
GOLD_FILE = "questions.jsonl"
DEV_MORE_FILE = "dev_more.jsonl"
BLIND_FILE = "blind.jsonl"


def load_split(eval_dir: Path, split: str) -> list[EvalQuestion]:
    """The questions of `split` ('dev', 'test', 'blind' or 'all' of the gold set and dev)."""
    if split == "blind":
        return load_questions(eval_dir / BLIND_FILE, split="blind")
    questions = load_questions(eval_dir / GOLD_FILE, split=split)
    more = eval_dir / DEV_MORE_FILE
    if split in {"dev", "all"} and more.exists():
        questions += load_questions(more, split="dev")
    return questions


def supports(quote: str, sentence: str, *, threshold: float = 0.6) -> bool:
    """Deterministic support scorer: the quote backs the sentence when the sentence is in the
    quote (whitespace-folded), or the quote covers at least `threshold` of the sentence's content
    tokens. Strict on purpose: paraphrase that shares few words does not count."""
    q, s = " ".join(normalize(quote).split()), " ".join(normalize(sentence).split())
    if s and s in q:
        return True
    sentence_terms = set(tokens(sentence))
    if not sentence_terms:
        return False
    return len(sentence_terms & set(tokens(quote))) / len(sentence_terms) >= threshold


def fact_found(forms: Iterable[str], answer: str) -> bool:
    text = " ".join(normalize(answer).split())
    return any(" ".join(normalize(f).split()) in text for f in forms)


@dataclass
class QuestionResult:
    id: str
    split: str
    lang: str
    category: str
    question: str
    answerable: bool
    answer: dict[str, Any]
    abstained: bool
    retrieved: list[dict[str, Any]]
    recall: float | None
    reciprocal_rank: float | None
    facts_found: int
    facts_total: int
    citations_valid: int
    citations_supporting: int
    citations_total: int
    sentences_cited: int
    sentences_total: int
    latency_ms: float
    evidence_score: float = 0.0
    draft_sentences: int = 0  # generated answers: sentences the model wrote before the guard
    draft_supported: int = 0  # ... of which the passage they cite supports
    draft_markers: int = 0  # generated answers: [n] markers in the draft (in range or not)
    draft_markers_supporting: int = 0  # ... that point at a passage supporting their sentence
    gold: list[dict[str, str]] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        if not self.answerable:
            return self.abstained
        return not self.abstained and self.facts_found == self.facts_total


def _gold_offsets(q: EvalQuestion, text_of: Callable[[str], str]) -> list[tuple[str, int, int]]:
    spans = []
    for g in q.gold:
        start = text_of(g.doc_id).find(g.span)
        if start < 0:
            raise ValueError(f"{q.id}: gold span not found in {g.doc_id}: {g.span[:60]!r}")
        spans.append((g.doc_id, start, start + len(g.span)))
    return spans


def score(q: EvalQuestion, answer: Answer, text_of: Callable[[str], str]) -> QuestionResult:
    """Score one answered question against its gold record."""
    gold = _gold_offsets(q, text_of)
    chunks = [p.chunk for p in answer.passages]

    def contains(chunk: Any, span: tuple[str, int, int]) -> bool:
        return chunk.doc_id == span[0] and chunk.start <= span[1] and span[2] <= chunk.end

    recall = rr = None
    if gold:
        recall = sum(any(contains(c, s) for c in chunks) for s in gold) / len(gold)
        rank = next((i for i, c in enumerate(chunks, 1) if any(contains(c, s) for s in gold)), 0)
        rr = 1.0 / rank if rank else 0.0

    by_marker = {c.marker: c for c in answer.citations}
    valid = {
        c.marker
        for c in answer.citations
        if c.quote and text_of(c.doc_id)[c.start : c.end] == c.quote
    }
    supporting: set[int] = set()
    # The Japanese lead-in ("quoted as written") frames the answer; it is not a claim.
    body = answer.answer.removeprefix(QUOTING_JA)
    quotes = [c.quote for c in answer.citations]
    sentences = [] if answer.abstained else answer_sentences(body, quotes)
    cited = 0
    for sentence, markers in sentences:
        backed = [m for m in markers if m in valid and supports(by_marker[m].quote, sentence)]
        supporting.update(backed)
        cited += bool(backed)
    facts = 0 if answer.abstained else sum(fact_found(f, answer.answer) for f in q.key_facts)
    draft = _draft_scores(answer)
    return QuestionResult(
        id=q.id,
        split=q.split,
        lang=q.lang,
        category=q.category,
        question=q.question,
        answerable=q.answerable,
        answer=answer.to_json(),
        abstained=answer.abstained,
        retrieved=[
            {"chunk_id": p.chunk.chunk_id, "doc_id": p.chunk.doc_id, "score": p.score}
            for p in answer.passages
        ],
        recall=recall,
        reciprocal_rank=rr,
        facts_found=facts,
        facts_total=len(q.key_facts),
        citations_valid=len(valid),
        citations_supporting=len(supporting),
        citations_total=len(answer.citations),
        sentences_cited=cited,
        sentences_total=len(sentences),
        latency_ms=answer.timings_ms.get("total", 0.0),
        evidence_score=answer.evidence_score,
        draft_sentences=draft.sentences,
        draft_supported=draft.supported,
        draft_markers=draft.markers,
        draft_markers_supporting=draft.markers_supporting,
        gold=[asdict(g) for g in q.gold],
    )


@dataclass(frozen=True)
class DraftScores:
    sentences: int = 0
    supported: int = 0
    markers: int = 0
    markers_supporting: int = 0


def _draft_scores(answer: Answer) -> DraftScores:
    """For a generated answer, score the model's draft as the guard received it, with the same
    scorer as the final answer: a sentence is faithful when a passage it cites supports it
    (`supports`, on the passage's units); a marker is precise when it points at a retrieved
    passage that supports its sentence. All zero for the extractive answerer."""
    if not answer.guard or not answer.guard.get("draft"):
        return DraftScores()
    from ..chunking import evidence_units

    passages = answer.passages
    sentences = supported = markers_total = markers_ok = 0
    for claim, markers in split_claims(answer.guard["draft"]):
        sentences += 1
        backed = 0
        for m in dict.fromkeys(markers):
            markers_total += 1
            if 1 <= m <= len(passages) and any(
                supports(u.text, claim) for u in evidence_units(passages[m - 1].chunk)
            ):
                backed += 1
        markers_ok += backed
        supported += bool(backed)
    return DraftScores(sentences, supported, markers_total, markers_ok)


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


def metrics(results: list[QuestionResult]) -> dict[str, Any]:
    """Aggregate metrics over a list of results (see module docstring)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    abstained = [r for r in results if r.abstained]
    cit_total = sum(r.citations_total for r in results)
    sent_total = sum(r.sentences_total for r in results)
    latencies = [r.latency_ms for r in results]
    return {
        "questions": len(results),
        "recall_at_k": _mean([r.recall for r in answerable if r.recall is not None]),
        "mrr": _mean([r.reciprocal_rank for r in answerable if r.reciprocal_rank is not None]),
        "citation_precision": round(sum(r.citations_supporting for r in results) / cit_total, 4)
        if cit_total
        else None,
        "citation_validity": round(sum(r.citations_valid for r in results) / cit_total, 4)
        if cit_total
        else None,
        "citation_recall": round(sum(r.sentences_cited for r in results) / sent_total, 4)
        if sent_total
        else None,
        "citation_precision_before_guard": round(
            sum(r.draft_markers_supporting for r in results)
            / sum(r.draft_markers for r in results),
            4,
        )
        if any(r.draft_markers for r in results)
        else None,
        "faithfulness_before_guard": round(
            sum(r.draft_supported for r in results) / sum(r.draft_sentences for r in results), 4
        )
        if any(r.draft_sentences for r in results)
        else None,
        "faithfulness": round(sum(r.sentences_cited for r in results) / sent_total, 4)
        if sent_total
        else None,
        "key_fact_accuracy": _mean([float(r.correct) for r in answerable]),
        "key_fact_coverage": _mean(
            [r.facts_found / r.facts_total for r in answerable if r.facts_total]
        ),
        "abstention_precision": round(sum(not r.answerable for r in abstained) / len(abstained), 4)
        if abstained
        else None,
        "abstention_recall": _mean([float(r.abstained) for r in unanswerable]),
        "accuracy": _mean([float(r.correct) for r in results]),
        # how long the answers read (characters of the answers given, abstentions aside)
        "answer_chars_p50": _percentile(
            [float(len(r.answer["answer"])) for r in results if not r.abstained], 50
        ),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
    }


def breakdown(results: list[QuestionResult]) -> dict[str, dict[str, Any]]:
    """Metrics overall, per language and per category."""
    groups: dict[str, list[QuestionResult]] = {"overall": results}
    for r in results:
        groups.setdefault(f"lang:{r.lang}", []).append(r)
        groups.setdefault(f"category:{r.category}", []).append(r)
    return {name: metrics(rs) for name, rs in groups.items()}


def run(
    ask: Callable[[str], Answer],
    questions: list[EvalQuestion],
    text_of: Callable[[str], str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[QuestionResult]:
    """Ask every question and score the answers."""
    results = []
    for i, q in enumerate(questions, start=1):
        start = time.perf_counter()
        answer = ask(q.question)
        if not answer.timings_ms:
            answer.timings_ms = {"total": (time.perf_counter() - start) * 1000}
        results.append(score(q, answer, text_of))
        if progress:
            progress(i, len(questions))
    return results
