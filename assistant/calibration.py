"""Calibrate the extractive answerer's thresholds on the development questions.

Evidence is scored once per question; every candidate setting is then replayed on it, so the
grid search costs no extra model calls. The objective is the share of questions handled
correctly: answerable ones answered with every key fact, unanswerable ones abstained.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .answer import Evidence, compose, rescore
from .evaluation import EvalQuestion, fact_found
from .pipeline import Assistant
from .settings import CALIBRATION_FILE

RATIOS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DENSE_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Calibration:
    abstain_below: float
    sentence_min_ratio: float
    dense_weight: float
    accuracy: float
    questions: int

    def save(self, extra: dict[str, Any] | None = None) -> None:
        payload = {
            "abstain_below": self.abstain_below,
            "sentence_min_ratio": self.sentence_min_ratio,
            "dense_weight": self.dense_weight,
            "dev_accuracy": self.accuracy,
            "dev_questions": self.questions,
            "calibrated_on": date.today().isoformat(),
            **(extra or {}),
        }
        CALIBRATION_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def _correct(
    q: EvalQuestion, ranked: list[Evidence], threshold: float, ratio: float, n: int
) -> bool:
    answer = compose(q.question, ranked, abstain_below=threshold, min_ratio=ratio, max_sentences=n)
    if not q.answerable:
        return answer.abstained
    return not answer.abstained and all(fact_found(f, answer.answer) for f in q.key_facts)


def calibrate(
    bot: Assistant,
    questions: list[EvalQuestion],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Pick `abstain_below` and `sentence_min_ratio` that handle the most questions correctly.

    The threshold is chosen in the middle of the best-scoring interval, not at its edge, so a
    small shift in scores does not flip decisions.
    """
    evidence: list[tuple[EvalQuestion, list[Evidence]]] = []
    for i, q in enumerate(questions, start=1):
        retrieval = bot.retriever.retrieve(q.question, bot.settings.k)
        evidence.append((q, bot.answerer.evidence(q.question, retrieval)))
        if progress:
            progress(i, len(questions))
    n = bot.settings.answer_sentences
    best: tuple[int, int, float, float, float] | None = None  # (hits, run length, ...)
    for weight in DENSE_WEIGHTS:
        replayed = [(q, rescore(r, weight)) for q, r in evidence]
        bests = sorted({round(r[0].score, 4) for _, r in replayed if r} | {0.0, 1.0})
        cuts = [(a + b) / 2 for a, b in zip(bests, bests[1:], strict=False)]
        for ratio in RATIOS:
            hits = [sum(_correct(q, r, cut, ratio, n) for q, r in replayed) for cut in cuts]
            top = max(hits)
            # The longest run of neighbouring cuts that all reach the top; take its middle,
            # so a small shift in scores does not flip decisions.
            runs: list[list[float]] = [[]]
            for cut, h in zip(cuts, hits, strict=True):
                if h == top:
                    runs[-1].append(cut)
                elif runs[-1]:
                    runs.append([])
            longest = max(runs, key=len)
            candidate = (top, len(longest), statistics.median(longest), ratio, weight)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    assert best is not None
    top, _, threshold, ratio, weight = best
    return Calibration(
        round(threshold, 4), ratio, weight, round(top / len(evidence), 4), len(evidence)
    )
