"""The guard on real drafts: eval/drafts.jsonl holds sentences written by local chat models
(`bench/make_drafts.py`), each labelled by hand. The guard is run on the recorded sentences and
passages (fast and deterministic: no model is loaded), its figures may not fall below
eval/guard_thresholds.json, and a set that is not properly labelled is refused with a line
that says where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.evaluate import drafts
from assistant.faces.cli import app

from .conftest import ROOT, make_settings

THRESHOLDS = json.loads((ROOT / "eval" / "guard_thresholds.json").read_text())


@pytest.fixture(scope="module")
def guard(tmp_path_factory, embedder):
    settings = make_settings(tmp_path_factory.mktemp("drafts") / "data")
    return drafts.make_guard(settings, embedder)  # keeps its vectors: one encoding for the module


@pytest.fixture(scope="module")
def judged(guard):
    return drafts.judge(drafts.load(ROOT / "eval"), guard)


def test_the_set_has_both_splits_languages_models_and_labels():
    loaded = drafts.load(ROOT / "eval")
    sentences = [s for d in loaded for s in d.sentences]
    assert {d.split for d in loaded} == {"dev", "test"}
    assert {d.lang for d in loaded} == {"en", "ja"}
    assert len({d.model for d in loaded}) >= 2
    for label in drafts.LABELS:
        assert any(s.label == label for s in sentences), label


@pytest.mark.parametrize(
    ("group", "metric"), [(g, m) for g, ms in THRESHOLDS["minimums"].items() for m in ms]
)
def test_guard_figures_meet_the_gate(judged, group, metric):
    measured = drafts.breakdown(judged)[group][metric]
    assert measured is not None and measured >= THRESHOLDS["minimums"][group][metric], measured


@pytest.mark.parametrize("group", list(THRESHOLDS["contradicted_kept_at_most"]))
def test_contradicted_sentences_kept_stay_within_the_gate(judged, group):
    measured = drafts.breakdown(judged)[group]["contradicted_kept"]
    assert measured <= THRESHOLDS["contradicted_kept_at_most"][group]


@pytest.mark.parametrize("group", list(THRESHOLDS["marked_partial"]))
def test_partial_sentences_are_marked_and_no_others(judged, group):
    marked = drafts.breakdown(judged)[group]["marked_partial"]
    gate = THRESHOLDS["marked_partial"][group]
    assert marked["partial"] >= gate["partial_at_least"], marked
    others = marked["supported"] + marked["unsupported"] + marked["contradicted"]
    assert others <= gate["others_at_most"], marked


def test_every_sentence_is_judged_once_with_a_reason_when_dropped(judged):
    total = sum(len(d.sentences) for d in drafts.load(ROOT / "eval"))
    assert len(judged) == total
    assert all(r.reason for r in judged if not r.kept)


def _bad_set(tmp_path: Path, change: dict) -> Path:
    line = (ROOT / "eval" / drafts.DRAFTS_FILE).read_text(encoding="utf-8").splitlines()[0]
    record = json.loads(line)
    record["sentences"][0].update(change)
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    (eval_dir / drafts.DRAFTS_FILE).write_text(json.dumps(record) + "\n", encoding="utf-8")
    return eval_dir


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"label": ""}, "label '' is not one of"),
        ({"label": "contradicted", "kind": "", "source": 1}, "a contradicted sentence has one"),
        ({"label": "supported", "kind": "", "source": None}, "names its source passage"),
        ({"label": "supported", "kind": "", "source": 99}, "source 99 is not a passage shown"),
        ({"markers": None}, "drafts.jsonl:1: "),
    ],
)
def test_a_badly_labelled_set_is_refused_and_no_report_written(tmp_path, monkeypatch, change, says):
    eval_dir = _bad_set(tmp_path, change)
    monkeypatch.setenv("ASSISTANT_EVAL_DIR", str(eval_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["eval", "--drafts"])
    assert result.exit_code == 2
    assert says in result.output and "drafts.jsonl:1" in result.output
    assert not (eval_dir / "reports").exists()


def test_a_set_that_is_not_json_or_missing_is_one_line(tmp_path, monkeypatch):
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    monkeypatch.setenv("ASSISTANT_EVAL_DIR", str(eval_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["eval", "--drafts"])
    assert result.exit_code == 2 and "no recorded drafts at" in result.output
    (eval_dir / drafts.DRAFTS_FILE).write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--drafts"])
    assert result.exit_code == 2 and "drafts.jsonl:1: missing field" in result.output
    assert "Traceback" not in result.output and not (eval_dir / "reports").exists()


def test_the_model_check_needs_a_chat_model(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_GUARD_ENTAILMENT", "true")
    result = CliRunner().invoke(app, ["eval", "--drafts", "--out", str(tmp_path / "reports")])
    assert result.exit_code == 2
    assert "writes answers without a chat model" in result.output
    assert not (tmp_path / "reports").exists()


@pytest.fixture(scope="module")
def whole(guard):
    return drafts.own_words(drafts.load(ROOT / "eval"), guard)


def test_whole_drafts_after_the_guard_count_what_a_user_reads(whole):
    assert set(whole) == {d.model for d in drafts.load(ROOT / "eval")}
    for f in whole.values():
        assert 0 < f["answered"] <= f["drafts"]
        assert 0 < f["own"] <= f["kept"] and 0 < f["own_chars"] <= f["chars"]
        assert 0.0 < f["own_share"] <= 1.0
        assert f["wrong"] < f["kept"]
        assert 0 < f["own_good_chars"] <= f["good_chars"] <= f["chars"]


@pytest.mark.parametrize("model", list(THRESHOLDS["whole_drafts"]))
def test_whole_drafts_keep_no_more_wrong_and_no_less_own_wording(whole, model):
    figures = whole[model]
    gate = THRESHOLDS["whole_drafts"][model]
    assert figures["wrong"] <= gate["wrong_at_most"]
    assert figures["own_share_good"] >= gate["own_share_good_at_least"]
