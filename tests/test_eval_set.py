"""The gold set stays valid: spans verbatim, outside boilerplate, counts and split balanced."""

import json
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


def test_blind_set_passes_its_checker_and_stays_apart():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "check_blind.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    blind = load_questions(ROOT / "eval" / "blind.jsonl", split="blind")
    gold = load_questions(ROOT / "eval" / "questions.jsonl")
    assert len(blind) >= 100 and {q.split for q in blind} == {"blind"}
    assert not {q.id for q in blind} & {q.id for q in gold}


def _reported_only() -> list[str]:
    """The questions that are for reporting only: the test split of the gold and statute sets
    and both blind sets."""
    out = []
    for name in ("questions.jsonl", "statutes.jsonl", "statutes_blind.jsonl", "blind.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            raw = json.loads(line) if line.strip() else {}
            if raw.get("split") in {"test", "blind"}:
                out.append(raw["question"])
    return out


def test_no_code_or_test_quotes_a_test_or_blind_question():
    """Test and blind questions are for reporting: no rule, docstring, example or test may be
    written from them."""
    reported = _reported_only()
    assert len(reported) > 200
    sources = [*(ROOT / "assistant").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    sources += [*(ROOT / "bench").rglob("*.py"), *(ROOT / "assistant" / "data").glob("*")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        quoted = [q for q in reported if q.rstrip("?？。") in text]
        assert not quoted, f"{path} quotes test or blind questions: {quoted[:2]}"
