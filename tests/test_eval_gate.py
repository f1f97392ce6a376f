"""The gate: the default configuration may not fall below eval/thresholds.json (test split)."""

import json

import pytest

from assistant.evaluation import breakdown, load_questions, run

from .conftest import ROOT

THRESHOLDS = json.loads((ROOT / "eval" / "thresholds.json").read_text())


@pytest.fixture(scope="module")
def summary(corpus_bot):
    questions = load_questions(ROOT / "eval" / "questions.jsonl", split=THRESHOLDS["split"])
    results = run(corpus_bot.ask, questions, corpus_bot.index.document_text)
    return breakdown(results)


@pytest.mark.parametrize(
    ("group", "metric"),
    [(g, m) for g, metrics in THRESHOLDS["minimums"].items() for m in metrics],
)
def test_default_configuration_meets_the_gate(summary, group, metric):
    minimum = THRESHOLDS["minimums"][group][metric]
    measured = summary[group][metric]
    assert measured is not None and measured >= minimum, (
        f"{group} {metric} = {measured}, below the gate {minimum}"
    )


def test_every_citation_is_verbatim(summary):
    assert summary["overall"]["citation_validity"] == 1.0
