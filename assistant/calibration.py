"""Calibrate the extractive answerer's thresholds on the development questions.

Evidence is scored once per question; every candidate setting is then replayed on it, so the
grid search costs no extra model calls. The objective is the share of questions handled
correctly: answerable ones answered with every key fact, unanswerable ones abstained, averaged
over neighbouring thresholds so that the choice is robust (see `calibrate`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .answer import Evidence, compose, rescore
from .decompose import question_parts
from .evaluation import EvalQuestion, fact_found
from .pipeline import Assistant
from .settings import CALIBRATION_FILE, Settings

RATIOS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DENSE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
STEP = 0.005  # threshold scan resolution
WINDOW = 0.03  # accuracy is averaged over thresholds this close


@dataclass(frozen=True)
class Calibration:
    abstain_below: float
    sentence_min_ratio: float
    dense_weight: float
    accuracy: float
    questions: int

    def save(self, model: str, extra: dict[str, Any] | None = None) -> None:
        """Store the values for `model` in the package's calibration file."""
        try:
            data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        models = data.setdefault("models", {})
        models[model] = {
            "abstain_below": self.abstain_below,
            "sentence_min_ratio": self.sentence_min_ratio,
            "dense_weight": self.dense_weight,
            "dev_accuracy": self.accuracy,
            "dev_questions": self.questions,
            "calibrated_on": date.today().isoformat(),
            **(extra or {}),
        }
        CALIBRATION_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def apply(self, settings: Settings) -> Settings:
        return settings.with_overrides(
            abstain_below=self.abstain_below,
            sentence_min_ratio=self.sentence_min_ratio,
            dense_weight=self.dense_weight,
        )


def _answered_well(q: EvalQuestion, ranked: list[Evidence], ratio: float, n: int) -> bool:
    """Whether answering (not abstaining) would be right: every key fact stated."""
    if not q.answerable or not ranked:
        return False
    answer = compose(q.question, ranked, abstain_below=-1.0, min_ratio=ratio, max_sentences=n)
    return all(fact_found(f, answer.answer) for f in q.key_facts)


def calibrate(
    bot: Assistant,
    questions: list[EvalQuestion],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Pick `abstain_below`, `dense_weight` and `sentence_min_ratio` on the given questions.

    A question is handled correctly when it is answerable and answered with every key fact, or
    unanswerable and abstained on. The threshold is scanned in steps of `STEP`; each setting is
    judged by its accuracy averaged over the neighbouring thresholds (within `WINDOW`), so the
    choice sits inside a wide good region rather than on a lucky edge where a small shift in
    scores would flip decisions.
    """
    evidence: list[tuple[EvalQuestion, list[Evidence]]] = []
    refused = []  # out of scope whatever the threshold (a name the corpus never uses...)
    for i, q in enumerate(questions, start=1):
        retrieval = bot.retriever.retrieve(q.question, bot.settings.k)
        evidence.append((q, bot.answerer.evidence(q.question, retrieval)))
        refused.append(all(bot.out_of_scope(p) for p in question_parts(q.question)))
        if progress:
            progress(i, len(questions))
    n = bot.settings.answer_sentences
    cuts = np.arange(0.0, 1.0 + STEP, STEP)
    answerable = np.array([q.answerable for q, _ in evidence])
    best: tuple[float, float, float, float, float] | None = None  # (smoothed, raw, cut, r, w)
    for weight in DENSE_WEIGHTS:
        replayed = [(q, rescore(r, weight)) for q, r in evidence]
        top = np.array([r[0].score if r else 0.0 for _, r in replayed])
        answers = (top[None, :] >= cuts[:, None]) & ~np.array(refused)  # (cuts, questions)
        for ratio in RATIOS:
            good = np.array([_answered_well(q, r, ratio, n) for q, r in replayed])
            accuracy = np.where(answers, good, ~answerable).mean(axis=1)
            width = int(round(WINDOW / STEP))
            kernel = np.ones(2 * width + 1) / (2 * width + 1)
            smoothed = np.convolve(np.pad(accuracy, width, mode="edge"), kernel, mode="valid")
            i = int(np.argmax(smoothed))
            candidate = (float(smoothed[i]), float(accuracy[i]), float(cuts[i]), ratio, weight)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    assert best is not None
    _, raw, threshold, ratio, weight = best
    return Calibration(round(threshold, 4), ratio, weight, round(raw, 4), len(evidence))
