"""Calibrate the extractive answerer's thresholds on the development questions.

Each question goes once through the path a user's question takes (`Assistant.evidence`: the
question checked, the scope check, a message that asks several questions split into its
parts, retrieval and the evidence scored); every candidate setting is then replayed on that
evidence through the answerer's own composition (`answer.compose_ranked`, then the answer's
text as the asker reads it), so the grid search costs no extra model calls. The objective is
the share of questions handled correctly: answerable ones answered with every key fact,
unanswerable ones abstained, averaged over neighbouring thresholds so that the choice is
robust (see `calibrate`).

The values found are stored in `<data_dir>/calibration.json`, which settings read before the
defaults shipped with the package; the package's own file is never written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..answer import Rankings, compose_ranked, in_language, rescore
from ..pipeline import Assistant
from ..schema import Answer
from ..settings import Settings
from .evaluation import EvalQuestion, fact_found

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

    def save(self, path: Path, model: str, extra: dict[str, Any] | None = None) -> Path:
        """Store the values for `model` in `path` (`settings.calibration_file`), keeping what
        is stored there for other models; returns `path`."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
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
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)
        return path

    def apply(self, settings: Settings) -> Settings:
        return settings.with_overrides(
            abstain_below=self.abstain_below,
            sentence_min_ratio=self.sentence_min_ratio,
            dense_weight=self.dense_weight,
        )


def _handled(q: EvalQuestion, asked: str, answer: Answer) -> bool:
    """Whether the answer handles the question: abstains on an unanswerable one, states every
    key fact of an answerable one (in the text the asker reads)."""
    if not q.answerable:
        return answer.abstained
    text = in_language(asked, answer)
    return not answer.abstained and all(fact_found(f, text) for f in q.key_facts)


def _replayed(
    q: EvalQuestion, asked: str, rankings: Rankings, cuts: np.ndarray, ratio: float, n: int
) -> np.ndarray:
    """For each threshold in `cuts`, whether the answer composed from `rankings` handles `q`.

    The answer changes only where the threshold crosses the best score of a part (or 0, the
    score of no evidence), so it is composed once per stretch of thresholds in between."""
    breaks = np.unique([0.0, *(r[0].score for _, r in rankings if r)])
    stretch = np.searchsorted(breaks, cuts, side="left")  # same stretch: same scores pass
    handled = np.empty(len(cuts), dtype=bool)
    for value in np.unique(stretch):
        at = stretch == value
        answer = compose_ranked(
            asked, rankings, abstain_below=float(cuts[at][0]), min_ratio=ratio, max_sentences=n
        )
        handled[at] = _handled(q, asked, answer)
    return handled


def calibrate(
    bot: Assistant,
    questions: list[EvalQuestion],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Pick `abstain_below`, `dense_weight` and `sentence_min_ratio` on the given questions.

    A question is handled correctly when it is answerable and answered with every key fact, or
    unanswerable and abstained on (a question the scope check refuses abstains at every
    threshold). The threshold is scanned in steps of `STEP`; each setting is judged by its
    accuracy averaged over the neighbouring thresholds (within `WINDOW`), so the choice sits
    inside a wide good region rather than on a lucky edge where a small shift in scores would
    flip decisions.
    """
    found: list[tuple[EvalQuestion, tuple[str, Rankings] | None]] = []
    for i, q in enumerate(questions, start=1):
        found.append((q, bot.evidence(q.question)))
        if progress:
            progress(i, len(questions))
    n = bot.settings.answer_sentences
    cuts = np.arange(0.0, 1.0 + STEP, STEP)
    width = int(round(WINDOW / STEP))
    kernel = np.ones(2 * width + 1) / (2 * width + 1)
    best: tuple[float, float, float, float, float] | None = None  # (smoothed, raw, cut, r, w)
    for weight in DENSE_WEIGHTS:
        replayed = [
            (q, None if f is None else (f[0], [(p, rescore(r, weight)) for p, r in f[1]]))
            for q, f in found
        ]
        for ratio in RATIOS:
            handled = np.stack(
                [
                    np.full(len(cuts), not q.answerable)
                    if f is None
                    else _replayed(q, f[0], f[1], cuts, ratio, n)
                    for q, f in replayed
                ],
                axis=1,
            )  # (cuts, questions)
            accuracy = handled.mean(axis=1)
            smoothed = np.convolve(np.pad(accuracy, width, mode="edge"), kernel, mode="valid")
            i = int(np.argmax(smoothed))
            candidate = (float(smoothed[i]), float(accuracy[i]), float(cuts[i]), ratio, weight)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    assert best is not None
    _, raw, threshold, ratio, weight = best
    return Calibration(round(threshold, 4), ratio, weight, round(raw, 4), len(found))
