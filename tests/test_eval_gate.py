"""The gate: the default configuration may not fall below eval/thresholds.json (test split).

Each gate covers a range of question ids, so growing the gold set never re-bases the minimums
of the questions that were already there."""

import json

import pytest

from assistant.evaluate.evaluation import breakdown, load_questions, run

from .conftest import ROOT

THRESHOLDS = json.loads((ROOT / "eval" / "thresholds.json").read_text())
GATES = THRESHOLDS["gates"]


def id_range(name: str) -> tuple[int, int]:
    """'q001-q073' -> (1, 73)."""
    first, last = name.split("-")
    return int(first.removeprefix("q")), int(last.removeprefix("q"))


def in_range(question_id: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= int(question_id.removeprefix("q")) <= bounds[1]


@pytest.fixture(scope="module")
def results(corpus_bot):
    questions = load_questions(ROOT / "eval" / "questions.jsonl", split=THRESHOLDS["split"])
    return run(corpus_bot.ask, questions, corpus_bot.index.document_text)


@pytest.fixture(scope="module")
def summaries(results):
    return {
        gate: breakdown([r for r in results if in_range(r.id, id_range(gate))]) for gate in GATES
    }


def test_the_last_gate_covers_every_question():
    ids = [
        json.loads(line)["id"]
        for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    last = max(GATES, key=lambda gate: id_range(gate)[1])
    assert all(in_range(i, id_range(last)) for i in ids), "questions outside every gate"


@pytest.mark.parametrize(
    ("gate", "group", "metric"),
    [
        (gate, group, metric)
        for gate, spec in GATES.items()
        for group, metrics in spec["minimums"].items()
        for metric in metrics
    ],
)
def test_default_configuration_meets_the_gate(summaries, gate, group, metric):
    minimum = GATES[gate]["minimums"][group][metric]
    measured = summaries[gate][group][metric]
    assert measured is not None and measured >= minimum, (
        f"{gate}: {group} {metric} = {measured}, below the gate {minimum}"
    )


def test_every_citation_is_verbatim(summaries):
    for summary in summaries.values():
        assert summary["overall"]["citation_validity"] == 1.0
