"""One settings object: defaults < TOML file < environment < explicit overrides (CLI flags)."""

import json

import pytest

from assistant.settings import CALIBRATION_FILE, Settings


def test_precedence(tmp_path, monkeypatch):
    config = tmp_path / "assistant.toml"
    config.write_text('k = 7\ncandidates = 33\ndata_dir = "/tmp/from-toml"\n')
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    monkeypatch.setenv("ASSISTANT_K", "9")
    settings = Settings()
    assert settings.candidates == 33  # from the file
    assert settings.k == 9  # environment beats the file
    assert str(settings.data_dir) == "/tmp/from-toml"
    assert settings.with_overrides(k=3, candidates=None).k == 3  # flags beat both


def test_thresholds_default_to_the_calibrated_values(monkeypatch, tmp_path):
    monkeypatch.delenv("ASSISTANT_ABSTAIN_BELOW", raising=False)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))  # no calibration of its own
    calibrated = json.loads(CALIBRATION_FILE.read_text())
    settings = Settings()
    stored = calibrated["models"][settings.embedding_model]
    assert settings.abstain_below == stored["abstain_below"]
    assert settings.dense_weight == stored["dense_weight"]
    other = Settings(embedding_model="minilm")
    assert other.abstain_below == calibrated["models"]["minilm"]["abstain_below"]


def test_invalid_values_are_rejected(monkeypatch):
    monkeypatch.setenv("ASSISTANT_K", "0")
    with pytest.raises(ValueError, match="k"):
        Settings()
