"""The gold set stays valid: spans verbatim, outside boilerplate, counts and split balanced."""

import subprocess
import sys

from assistant.evaluate.evaluation import answer_sentences, load_questions, supports

from .conftest import ROOT


def test_gold_set_passes_its_checker():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "check_questions.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gold_set_loads_with_both_splits():
    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    assert {q.split for q in questions} == {"dev", "test"}
    assert sum(not q.answerable for q in questions) >= 15
    assert sum(q.lang == "ja" for q in questions) >= 12


def test_answer_sentences_pair_text_with_markers():
    pairs = answer_sentences("First claim. [1] Second claim [2][3] trailing text")
    assert pairs == [("First claim.", [1]), ("Second claim", [2, 3]), ("trailing text", [])]


def test_support_scorer_accepts_quotes_and_rejects_unrelated_text():
    quote = "The IPA established the AI Safety Institute on February 14, 2024."
    assert supports(quote, "The IPA established the AI Safety Institute on February 14, 2024.")
    assert not supports(quote, "Japan banned DeepSeek in 2025 for national security reasons.")
