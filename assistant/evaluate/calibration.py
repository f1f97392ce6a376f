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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..answer import in_language
from ..answerability import Fit, Judgment, features, fit
from ..compose import Rankings, compose_ranked, rescore
from ..pipeline import Assistant
from ..schema import Answer
from ..settings import Settings
from .evaluation import EvalQuestion, fact_found

RATIOS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
QUOTES = (1, 2, 3)  # most evidence units quoted
FOLDS = 5  # cross-validation of the answerability judgment
DENSE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
STEP = 0.005  # threshold scan resolution
WINDOW = 0.03  # accuracy is averaged over thresholds this close


@dataclass(frozen=True)
class Calibration:
    abstain_below: float
    sentence_min_ratio: float
    dense_weight: float
    accuracy: float  # dev accuracy with the evidence threshold
    questions: int
    answer_sentences: int
    # the fitted judgment (`Judgment.to_json`), kept only when it does better on dev than the
    # threshold; None: the threshold decides
    answerability: dict[str, Any] | None = None
    dev_accuracy: float | None = None  # all dev questions (with `more`), threshold deciding
    judged_accuracy: float | None = None  # the same with the judgment, out of fold
    cv_accuracy: float | None = None  # out-of-fold answer-or-abstain accuracy of the judgment
    fitted: dict[str, Any] | None = None  # the judgment fitted, kept or not (for the record)

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
            "answer_sentences": self.answer_sentences,
            "dev_accuracy": self.accuracy,
            "dev_questions": self.questions,
            "answerability": self.answerability,
            "dev_accuracy_all": self.dev_accuracy,
            "dev_accuracy_all_judged": self.judged_accuracy,
            "dev_cv_accuracy_judged": self.cv_accuracy,
            "answerability_fitted": self.fitted,
            "calibrated_on": date.today().isoformat(),
            **(extra or {}),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)
        return path

    def summary(self) -> str:
        """One line: the values fitted and the dev figures behind them."""
        return (
            f"abstain_below={self.abstain_below} sentence_min_ratio={self.sentence_min_ratio} "
            f"dense_weight={self.dense_weight} answer_sentences={self.answer_sentences} "
            f"dev accuracy={self.accuracy} over "
            f"{self.questions} questions; all dev questions {self.dev_accuracy}, with the "
            f"answerability judgment {self.judged_accuracy} (cross-validated {self.cv_accuracy}): "
            f"{'judgment kept' if self.answerability else 'threshold kept'}"
        )

    def apply(self, settings: Settings) -> Settings:
        return settings.with_overrides(
            abstain_below=self.abstain_below,
            sentence_min_ratio=self.sentence_min_ratio,
            dense_weight=self.dense_weight,
            answer_sentences=self.answer_sentences,
            answerability=self.answerability,
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
    more: Sequence[tuple[Assistant, list[EvalQuestion]]] = (),
) -> Calibration:
    """Pick `abstain_below`, `dense_weight`, `sentence_min_ratio` and `answer_sentences` on the
    given questions (at equal accuracy, the setting that quotes less).

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
    cuts = np.arange(0.0, 1.0 + STEP, STEP)
    width = int(round(WINDOW / STEP))
    kernel = np.ones(2 * width + 1) / (2 * width + 1)
    # (smoothed, raw, -quotes, ratio) ranks a setting: at equal accuracy, fewer and only the
    # closest quotes make the shorter answer; then (cut, weight, quotes)
    best: tuple[tuple[float, float, int, float], float, float, int] | None = None
    for weight in DENSE_WEIGHTS:
        replayed = [
            (q, None if f is None else (f[0], [(p, rescore(r, weight)) for p, r in f[1]]))
            for q, f in found
        ]
        for quotes in QUOTES:
            for ratio in RATIOS:
                handled = np.stack(
                    [
                        np.full(len(cuts), not q.answerable)
                        if f is None
                        else _replayed(q, f[0], f[1], cuts, ratio, quotes)
                        for q, f in replayed
                    ],
                    axis=1,
                )  # (cuts, questions)
                accuracy = handled.mean(axis=1)
                smoothed = np.convolve(np.pad(accuracy, width, mode="edge"), kernel, mode="valid")
                i = int(np.argmax(smoothed))
                rank = (float(smoothed[i]), float(accuracy[i]), -quotes, ratio)
                if best is None or rank > best[0]:
                    best = (rank, float(cuts[i]), weight, quotes)
    assert best is not None
    (_, raw, _, ratio), threshold, weight, n = best
    rescored = [
        (q, None if f is None else (f[0], [(p, rescore(r, weight)) for p, r in f[1]]))
        for q, f in found
    ]
    extra = [
        (q, None if f is None else (f[0], [(p, rescore(r, weight)) for p, r in f[1]]))
        for other, asked in more
        for q in asked
        for f in [other.evidence(q.question)]
    ]
    everything = rescored + extra
    judged = judge(everything)

    def handled_by(rule: Judgment | None, q: EvalQuestion, f: tuple[str, Rankings] | None) -> bool:
        if f is None:
            return not q.answerable
        answer = compose_ranked(
            f[0], f[1], abstain_below=threshold, min_ratio=ratio, max_sentences=n, judge=rule
        )
        return _handled(q, f[0], answer)

    plain = round(float(np.mean([handled_by(None, q, f) for q, f in everything])), 4)
    # The judgment is judged out of fold: each question is answered by a judgment fitted on
    # the other folds, so that it is compared with the threshold on questions it never saw.
    out_of_fold = None
    if judged is not None:
        folds = np.arange(len(everything)) % FOLDS
        handled = []
        for k in range(FOLDS):
            fitted = judge([x for x, fold in zip(everything, folds, strict=True) if fold != k])
            rule = Judgment.from_json(fitted.judgment.to_json()) if fitted else None
            handled += [
                handled_by(rule, q, f)
                for (q, f), fold in zip(everything, folds, strict=True)
                if fold == k
            ]
        out_of_fold = round(float(np.mean(handled)), 4)
    # It replaces the threshold only where it does better on dev, out of fold.
    chosen = judged is not None and out_of_fold is not None and out_of_fold > plain
    return Calibration(
        round(threshold, 4),
        ratio,
        weight,
        round(raw, 4),
        len(found),
        n,
        judged.judgment.to_json() if judged and chosen else None,
        plain,
        out_of_fold,
        round(judged.cv_accuracy, 4) if judged else None,
        judged.judgment.to_json() if judged else None,
    )


def judge(found: list[tuple[EvalQuestion, tuple[str, Rankings] | None]]) -> Fit | None:
    """Fit the answerability judgment on the questions' evidence: one row per question part
    (a part of an answerable message is answerable). Questions the scope check refuses never
    reach the judgment and give no row. None when one class is too small to fit."""
    rows, labels = [], []
    for q, f in found:
        if f is None:
            continue
        for _, ranked in f[1]:
            rows.append(features(ranked))
            labels.append(int(q.answerable))
    y = np.array(labels)
    if len(y) < 10 or min(int(y.sum()), int(len(y) - y.sum())) < 5:
        return None
    return fit(np.array(rows), y)


def dev_sources(
    bot: Assistant, laws: Path | None
) -> tuple[list[EvalQuestion], list[tuple[Assistant, list[EvalQuestion]]]]:
    """The dev questions calibration uses: those the thresholds are scanned on (the gold set's
    dev split), and those that only join the answerability judgment and the all-dev figures
    (`dev_more.jsonl`; the statutes' dev questions when `laws` is given).

    The thresholds stay fitted on the gold dev split: scanned over the grown dev set as well,
    the threshold rises from 0.575 to 0.615, which answers one more dev question but abstains
    on an answerable test question, below the minimum `eval/thresholds.json` gates."""
    from .evaluation import DEV_MORE_FILE, GOLD_FILE, load_questions

    eval_dir = bot.settings.eval_dir
    questions = load_questions(eval_dir / GOLD_FILE, split="dev")
    more: list[tuple[Assistant, list[EvalQuestion]]] = []
    if (eval_dir / DEV_MORE_FILE).exists():
        more.append((bot, load_questions(eval_dir / DEV_MORE_FILE, split="dev")))
    if laws is not None:
        from .statutes import bilingual

        more.append(bilingual(bot.settings, laws, "dev", embedder=bot.index.embedder))
    return questions, more


def calibrate_and_save(
    settings: Settings,
    laws: Path | None,
    *,
    save: bool,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Calibration, Path | None]:
    """What `assistant calibrate` does: ingest, calibrate on the dev questions (see
    `dev_sources`), and store the values in `settings.calibration_file` unless not `save`."""
    bot = Assistant(settings)
    bot.ingest()
    bot.warm_up()
    questions, more = dev_sources(bot, laws)
    result = calibrate(bot, questions, progress=progress, more=more)
    if not save:
        return result, None
    extra = {"k": settings.k, "retrieval": settings.retrieval, "statutes": laws is not None}
    return result, result.save(settings.calibration_file, settings.embedding_model, extra)
