"""Importing the package leaves the process environment as it found it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports every module of the package (faces and evaluation tools included) in a fresh
# interpreter and prints what changed in os.environ; `__main__` runs the command line.
CHILD = """
import importlib, json, os, pkgutil
before = dict(os.environ)
import assistant
names = [m.name for m in pkgutil.walk_packages(assistant.__path__, "assistant.")]
assert "assistant.faces.web" in names and "assistant.evaluate.report" in names, names
for name in names:
    if not name.endswith("__main__"):
        importlib.import_module(name)
after = dict(os.environ)
print(json.dumps({k: [before.get(k), after.get(k)] for k in before.keys() | after.keys()
                  if before.get(k) != after.get(k)}))
"""


def test_importing_the_package_changes_no_environment_variable():
    run = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},  # nearly empty: any setdefault would show
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {}


def test_loading_a_model_keeps_what_the_user_set(monkeypatch):
    from assistant.embeddings import OFFLINE_ENVIRONMENT, offline_environment

    for name in OFFLINE_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")
    offline_environment()
    assert os.environ["TOKENIZERS_PARALLELISM"] == "true"
    assert os.environ["HF_HUB_OFFLINE"] == "1"
