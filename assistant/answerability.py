"""Whether the best evidence found answers the question: one judgment learned on dev.

Instead of one hand-set cut on one score, a few general signals of the evidence are combined by
a logistic model fitted on the dev questions (`fit`, run by `assistant calibrate`), with its
regularisation chosen by cross-validation and its threshold chosen on out-of-fold
probabilities, so that no number in the decision is written by hand:

- `score`: the best unit's evidence score (meaning and words blended, see `answer.rescore`);
- `dense`: how similar the best unit is to the question;
- `lexical`: how much of the question's weighted vocabulary the best unit holds;
- `known`: how much of the question's weighted vocabulary the corpus holds at all (a question
  about a topic the documents never write about has rare words that occur nowhere);
- `margin`: how far the best unit stands out from the other candidates;
- `cited`: the question cites the provision quoted (or asks the meaning of the term defined);
- `refused`: the share of the five nearest units that an answering check refused (they lack
  the date, the named post, the thing asked for, or do not state what the question assumes).

At ask time the model is a dot product: no library is loaded for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .compose import Evidence

FEATURES = ("score", "dense", "lexical", "known", "margin", "cited", "refused")
_NEAREST = 5  # units whose refusals count, and over which the margin is taken


def features(ranked: Sequence[Evidence]) -> np.ndarray:
    """The signals of one question's ranked evidence (best first), in `FEATURES` order."""
    if not ranked:
        return np.zeros(len(FEATURES))
    top = ranked[0]
    nearest = sorted(ranked, key=lambda e: -e.raw)[:_NEAREST]
    others = [e.dense for e in nearest if e is not top]
    margin = top.dense - (sum(others) / len(others) if others else top.dense)
    refused = sum(e.refused_by is not None for e in nearest) / len(nearest)
    return np.array(
        [top.score, top.dense, top.lexical, top.known, margin, float(top.cited), refused]
    )


@dataclass(frozen=True)
class Judgment:
    """A fitted answerability model: standardised features, weights, bias and threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    names: tuple[str, ...] = FEATURES

    def probability(self, ranked: Sequence[Evidence]) -> float:
        """How likely the best evidence answers the question (0 when there is none)."""
        if not ranked:
            return 0.0
        x = (features(ranked) - np.array(self.mean)) / np.array(self.scale)
        z = float(x @ np.array(self.weights)) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def answers(self, ranked: Sequence[Evidence]) -> tuple[bool, float]:
        """Whether to answer from `ranked`, and the probability that decided it."""
        p = self.probability(ranked)
        return p >= self.threshold, p

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.names),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Judgment | None:
        """The stored model, or None when none is stored or it was fitted on other signals."""
        if not data or tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
        )


@dataclass(frozen=True)
class Fit:
    judgment: Judgment
    cv_accuracy: float  # out-of-fold accuracy of answer-or-abstain at the chosen threshold
    rows: int
    answerable: int


def fit(rows: np.ndarray, labels: np.ndarray, *, folds: int = 5, seed: int = 0) -> Fit:
    """Fit the judgment on feature `rows` with `labels` (1: the question is answerable).

    The regularisation strength is chosen by `folds`-fold cross-validation on log-loss; the
    threshold is the one with the best out-of-fold answer-or-abstain accuracy, averaged over
    its neighbours (so it sits in a wide good region, not on a lucky edge)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_val_score

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    x = (rows - mean) / scale
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    strengths = np.logspace(-3, 3, 13)
    losses = [
        cross_val_score(
            LogisticRegression(C=c), x, labels, cv=splitter, scoring="neg_log_loss"
        ).mean()
        for c in strengths
    ]
    c = float(strengths[int(np.argmax(losses))])
    oof = cross_val_predict(
        LogisticRegression(C=c), x, labels, cv=splitter, method="predict_proba"
    )[:, 1]
    cuts = np.arange(0.05, 0.951, 0.01)
    accuracy = np.array([((oof >= t) == labels.astype(bool)).mean() for t in cuts])
    width = 5  # neighbours on each side: +-0.05
    kernel = np.ones(2 * width + 1) / (2 * width + 1)
    smoothed = np.convolve(np.pad(accuracy, width, mode="edge"), kernel, mode="valid")
    best = int(np.argmax(smoothed))
    model = LogisticRegression(C=c).fit(x, labels)
    judgment = Judgment(
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
        float(cuts[best]),
    )
    return Fit(judgment, float(accuracy[best]), len(labels), int(labels.sum()))
