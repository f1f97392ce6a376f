"""The command line, in-process for speed and once as a real subprocess."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.faces.cli import app

from .conftest import CORPUS, ROOT, write

runner = CliRunner()


@pytest.fixture
def env(corpus_bot, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(corpus_bot.settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    return corpus_bot


def test_ask_prints_answer_with_sources(env):
    result = runner.invoke(app, ["ask", "When was the AI Safety Institute established?"])
    assert result.exit_code == 0, result.output
    assert "February 14, 2024" in result.output and "Sources:" in result.output
    assert "[1] Japan's AI Governance" in result.output


def test_ask_json_prints_one_object_per_question(env):
    questions = ["When was the AI Safety Institute established?", "How do I bake bread?"]
    result = runner.invoke(app, ["ask", "--json", *questions])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["question"] == questions[0] and first["citations"]
    assert second["abstained"] is True and second["citations"] == []


@pytest.mark.parametrize(
    "question", ["", "   ", "y" * 3000, "\u200b\u200b\ufeff", "\x00\x07\x1b", "?!…。"]
)
def test_bad_question_is_a_one_line_error(env, question):
    result = runner.invoke(app, ["ask", "--json", "fine question about AI?", question])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "question",
    [
        "When was the AI\u200b Safety\u00a0Institute\x07 established?",  # zero-width, control
        "When was the ＡＩ Safety Institute 設立された?",  # full-width and mixed script
        "AIセーフティ・インスティテュートが設立されたのはいつですか\u200d？",
    ],
)
def test_odd_but_meaningful_questions_are_answered(env, question):
    result = runner.invoke(app, ["ask", "--json", question])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert not answer["abstained"] and "2024" in answer["answer"]


def test_ingest_errors_leave_index_untouched(env, tmp_path):
    registry = env.index.registry_path.read_text()
    missing = runner.invoke(app, ["ingest", str(tmp_path / "missing")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\xff\x00\xfe")
    result = runner.invoke(app, ["ingest", str(binary)])
    assert result.exit_code == 2 and "binary" in result.stderr
    assert env.index.registry_path.read_text() == registry


def test_ingest_then_documents_lists_them(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    doc = write(tmp_path / "note.md", "# Note on AI\n\nThe council meets monthly about AI.")
    result = runner.invoke(app, ["ingest", str(doc)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stdout
    listed = runner.invoke(app, ["documents", "--json"])
    record = json.loads(listed.stdout.strip())
    assert record["doc_id"] == "note" and record["title"] == "Note on AI"


def test_module_entry_point_answers_from_a_fresh_process(env):
    child_env = {**os.environ, "ASSISTANT_DATA_DIR": str(env.settings.data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "Who chairs the AI PT?"],
        capture_output=True,
        text=True,
        env=child_env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "Masaaki Taira" in data["answer"]
