"""From scored evidence to an answer: rank it, decide whether it answers, quote it.

`Evidence` is one candidate quote with its signals (see `answer.ExtractiveAnswerer.evidence`);
`rescore` blends them into the score evidence is ranked by; `decide` says whether the best
evidence answers the question (the learned judgment when one is fitted, else the calibrated
threshold) and what decided; `compose` quotes it, `compose_parts` does so part by part for a
message that asks several questions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .answerability import Judgment
from .language import ABSTENTION, unanswered_parts
from .schema import Answer, Citation, Passage


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
    # the answering check that refuses this unit (it lacks the date, count, named post ... the
    # question asks for, or does not state what the question assumes); None: every check admits
    refused_by: str | None = None
    # part of a provision the question cites by number ("Article 22(1)"), or the definition of
    # a term whose meaning it asks
    cited: bool = False
    known: float = 1.0  # IDF-weighted share of the question's usable terms the corpus holds
    raw: float = 0.0  # the blended score before the checks and citations (see `rescore`)

    @property
    def fits(self) -> bool:
        """Whether every answering check admits this unit."""
        return self.refused_by is None


# The scored evidence for each question a message asks: one (question, evidence) pair for a
# message that asks one question, one per part for a message that asks several.
Rankings = list[tuple[str, list[Evidence]]]


def rescore(evidence: list[Evidence], dense_weight: float) -> list[Evidence]:
    """Blend each candidate's dense and lexical evidence and sort best first."""

    def blend(e: Evidence) -> float:
        lexical_weight = (1 - dense_weight) * e.lexical_share
        return (1 - lexical_weight) * e.dense + lexical_weight * e.lexical

    def score(e: Evidence, raw: float) -> float:
        if e.cited:
            return 1.0  # the provision the question names is what it asks about
        if not e.fits:
            return 0.0  # cannot answer this kind of question, however similar it reads
        return raw

    blended = [replace(e, score=score(e, raw), raw=raw) for e in evidence for raw in [blend(e)]]
    blended.sort(key=lambda e: (-e.score, e.passage.chunk.doc_id, e.start))
    return blended


def decide(
    ranked: list[Evidence], abstain_below: float, judge: Judgment | None
) -> tuple[bool, dict[str, object]]:
    """Whether `ranked` answers its question, and the trace of what decided: the learned
    `judge` when there is one, else the evidence threshold; on abstaining, a check that refused
    a unit scoring above everything it admitted is named as what decided instead."""
    best = ranked[0].score if ranked else 0.0
    if judge is not None:
        ok, p = judge.answers(ranked)
        decision: dict[str, object] = {
            "by": "answerability",
            "probability": round(p, 4),
            "threshold": judge.threshold,
        }
    else:
        ok = best >= abstain_below
        decision = {"by": "threshold", "score": round(best, 4), "threshold": abstain_below}
    if not ok:
        refused = [e for e in ranked if e.refused_by is not None and e.raw > best]
        if refused:
            decision["by"] = max(refused, key=lambda e: e.raw).refused_by
    return ok, decision


def compose(
    question: str,
    ranked: list[Evidence],
    *,
    abstain_below: float,
    min_ratio: float,
    max_sentences: int,
    judge: Judgment | None = None,
) -> Answer:
    """Quote the best evidence (each with its marker), or abstain when it does not answer."""
    best = ranked[0].score if ranked else 0.0
    ok, decision = decide(ranked, abstain_below, judge)
    if not ok:
        return Answer(
            question, ABSTENTION, True, backend="extractive", evidence_score=best, decision=decision
        )
    return replace(quote(question, ranked, min_ratio, max_sentences), decision=decision)


def quote(question: str, ranked: list[Evidence], min_ratio: float, n: int) -> Answer:
    """The answer quoting the best evidence and what scores `min_ratio` of it (at most `n`)."""
    best = ranked[0].score if ranked else 0.0
    chosen = [e for e in ranked if e.score >= best * min_ratio][:n]
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
    judge: Judgment | None = None,
) -> Answer:
    """The answer to a message from its `rankings`: one question's evidence is quoted by
    `compose`, several questions' by `compose_parts`."""
    options = {"abstain_below": abstain_below, "min_ratio": min_ratio, "judge": judge}
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
    judge: Judgment | None = None,
) -> Answer:
    """Answer a message that asks several questions: the best evidence of each part in the
    order the parts were asked, then their runners-up, with at least one quote per answered
    part. A part whose evidence does not answer it gets none, and the notice names it; when no
    part has any, the answer abstains."""
    decisions = [(part, r, decide(r, abstain_below, judge)) for part, r in rankings]
    answered = [(part, r) for part, r, (ok, _) in decisions if ok and r]
    best = max((r[0].score for _, r in rankings if r), default=0.0)
    if not answered:
        decision = decisions[0][2][1]
        return Answer(
            question, ABSTENTION, True, backend="extractive", evidence_score=best, decision=decision
        )
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
    missing = [part for part, r, (ok, _) in decisions if not ok or not r]
    return replace(
        quote(question, chosen, 0.0, len(chosen)),
        evidence_score=best,
        notice=unanswered_parts(missing) if missing else None,
        decision={"by": "parts", "parts": [d for _, _, (_, d) in decisions]},
    )
