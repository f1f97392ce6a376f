"""The statute gate: the AI Promotion Act part of the statute evaluation (eval/statutes.jsonl and
eval/statute_captions.jsonl, test split), with the Act ingested in both languages beside the
corpus, may not fall below eval/statute_thresholds.json. APPI is left to `assistant eval
--statutes` (ingesting it takes minutes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluate import statutes

from .conftest import ROOT, make_settings

LAWS = Path(__file__).resolve().parents[2] / "shared" / "laws"
THRESHOLDS = json.loads((ROOT / "eval" / "statute_thresholds.json").read_text())

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LAWS.is_dir(), reason=f"no statute files at {LAWS}"),
]


@pytest.fixture(scope="module")
def summary(tmp_path_factory, embedder):
    settings = make_settings(tmp_path_factory.mktemp("statute-gate") / "data")
    runs = statutes.run(
        settings,
        LAWS,
        split=THRESHOLDS["split"],
        languages=(THRESHOLDS["languages"],),
        only_law=THRESHOLDS["law"],
        embedder=embedder,
    )
    return statutes.summary(runs[0])


@pytest.mark.parametrize(
    ("group", "metric"),
    [(g, m) for g, metrics in THRESHOLDS["captions"].items() for m in metrics],
)
def test_caption_questions_meet_the_gate(summary, group, metric):
    measured = summary["captions"][THRESHOLDS["split"]][group][metric]
    assert measured >= THRESHOLDS["captions"][group][metric], (group, metric, measured)


@pytest.mark.parametrize(
    ("group", "metric"),
    [(g, m) for g, metrics in THRESHOLDS["handwritten"].items() for m in metrics],
)
def test_handwritten_questions_meet_the_gate(summary, group, metric):
    measured = summary["handwritten"][THRESHOLDS["split"]][group][metric]
    assert measured is not None and measured >= THRESHOLDS["handwritten"][group][metric], (
        group,
        metric,
        measured,
    )


def test_every_statute_citation_is_verbatim(summary):
    assert summary["handwritten"][THRESHOLDS["split"]]["overall"]["citation_validity"] == 1.0
