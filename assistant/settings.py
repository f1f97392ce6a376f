"""Every setting in one place.

Precedence, highest first: explicit arguments (CLI flags), `ASSISTANT_*` environment variables,
a TOML config file (`ASSISTANT_CONFIG`, else `./assistant.toml` if present), then the defaults
below. Abstention thresholds default to the values calibrated on `eval/`: those `assistant
calibrate` wrote to `<data_dir>/calibration.json`, else the ones shipped in
`assistant/calibration.json` (read-only).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .answerers import BACKENDS, EXTRACTIVE, backends_help
from .checks import CHECK_NAMES
from .claims import GUARD_CHECKS, GUARD_DEFAULT
from .errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
CALIBRATION_FILE = PACKAGE_DIR / "calibration.json"  # the shipped defaults
CALIBRATION_NAME = "calibration.json"  # what `assistant calibrate` writes in data_dir
# The settings `assistant calibrate` fits: an experiment that changes anything else fits them
# again rather than keeping values fitted for another configuration.
CALIBRATED = frozenset(
    {"abstain_below", "dense_weight", "sentence_min_ratio", "answer_sentences", "answerability"}
)


def _checkout_root() -> Path | None:
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "corpus").is_dir() else None


def _default_data_dir() -> Path:
    root = _checkout_root()
    if root is not None:
        return root / ".assistant"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "jp-ai-policy-assistant"


def _default_corpus_dir() -> Path:
    root = _checkout_root()
    return root / "corpus" if root is not None else Path.cwd() / "corpus"


def _default_eval_dir() -> Path:
    root = _checkout_root()
    return root / "eval" if root is not None else Path.cwd() / "eval"


def calibrated(data_dir: Path | None, model: str, name: str, fallback: Any) -> Any:
    """The value calibrated for this embedding model: from `<data_dir>/calibration.json` if
    `assistant calibrate` stored one there, else the shipped default, else `fallback`. A
    number is read as a float; the answerability judgment as the object stored."""
    fitted = [] if data_dir is None else [Path(data_dir) / CALIBRATION_NAME]
    for path in [*fitted, CALIBRATION_FILE]:
        try:
            value = json.loads(path.read_text(encoding="utf-8"))["models"][model][name]
            return value if isinstance(value, dict | int) or value is None else float(value)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return fallback


def _calibrated(name: str, fallback: Any) -> Any:
    """A default factory for a calibrated field (`data_dir` and `embedding_model` are
    validated before it)."""
    return lambda v: calibrated(
        v.get("data_dir"), v.get("embedding_model", "e5-small"), name, fallback
    )


def _config_file() -> Path:
    return Path(os.environ.get("ASSISTANT_CONFIG", "assistant.toml"))


def _names(value: Any, known: tuple[str, ...], what: str) -> frozenset[str]:
    """Names of checks, from a list or a comma-separated string; an unknown one is an error."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,+]+", value) if v]
    unknown = sorted(set(value or ()) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)} (known: {', '.join(known)})")
    return frozenset(value or ())


class Settings(BaseSettings):
    """Settings for the whole assistant; build with `Settings()` or `Settings(k=8, ...)`."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid")

    data_dir: Path = Field(default_factory=_default_data_dir, description="index and snapshots")
    corpus_dir: Path = Field(
        default_factory=_default_corpus_dir, description="documents ingested by default"
    )
    eval_dir: Path = Field(
        default_factory=_default_eval_dir, description="gold questions and evaluation reports"
    )
    embedding_model: str = Field(
        "e5-small",
        description="'minilm' (all-MiniLM-L6-v2), 'e5-small' (multilingual-e5-small) or a "
        "local sentence-transformers folder",
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    embeddings_url: str | None = Field(
        None,
        description="an OpenAI-compatible embeddings service (http://127.0.0.1:8000/v1; several "
        "separated by commas) serving `embedding_model`, instead of the model in this process",
    )
    embeddings_in_flight: int = Field(
        2, ge=1, le=64, description="requests sent to each embeddings service at once"
    )
    collection: str = Field("passages", min_length=3, description="Chroma collection name")
    chroma_url: str | None = Field(
        None,
        description="a Chroma server (http://host:port) instead of the embedded store in data_dir",
    )

    chunk_max_chars: int = Field(900, ge=200, le=8000)
    max_file_bytes: int = Field(20_000_000, ge=1)
    max_upload_bytes: int = Field(10_000_000, ge=1, description="largest file the web page takes")
    law_api_url: str = Field(
        "https://laws.e-gov.go.jp/api/2",
        description="e-Gov's law API (version 2), where `assistant fetch-law` gets statutes",
    )
    law_api_timeout: float = Field(30.0, gt=0, description="seconds to wait for the law API")

    k: int = Field(5, ge=1, le=50, description="passages handed to the answerer")
    candidates: int = Field(20, ge=1, le=500, description="per-retriever candidates before fusion")
    rrf_k: int = Field(60, ge=1, description="reciprocal rank fusion constant")
    retrieval: Literal["hybrid", "dense", "keyword"] = Field(
        "hybrid", description="dense + keyword fused, or one of them alone"
    )
    passage_vectors: Literal["encoded", "units"] = Field(
        "encoded",
        description="a chunk's vector: its text encoded, or the mean of its units' vectors "
        "(each character encoded once less)",
    )
    sentence_search: bool = Field(
        True, description="dense search over single sentences as well as whole passages"
    )

    answer_sentences: int = Field(
        default_factory=_calibrated("answer_sentences", 3),
        ge=1,
        le=10,
        description="most evidence units quoted (calibrated on eval/: at equal accuracy, fewer)",
    )
    abstain_below: float = Field(
        default_factory=_calibrated("abstain_below", 0.5),
        description="abstain when the best evidence score is below this (calibrated on eval/)",
    )
    dense_weight: float = Field(
        default_factory=_calibrated("dense_weight", 0.5),
        ge=0.0,
        le=1.0,
        description="share of a sentence's evidence score from embedding similarity (rest: words)",
    )
    answerability: dict[str, Any] | None = Field(
        default_factory=_calibrated("answerability", None),
        description="the learned answer-or-abstain judgment (fitted by `assistant calibrate`); "
        "without one, the evidence threshold `abstain_below` decides",
    )
    sentence_min_ratio: float = Field(
        default_factory=_calibrated("sentence_min_ratio", 0.8),
        description="quote further sentences only if they score this share of the best one",
    )
    checks_off: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(),
        description="answering checks and steps switched off, by name (comma-separated in the "
        f"environment): {', '.join(CHECK_NAMES)}",
    )
    max_question_chars: int = Field(2000, ge=10)
    max_history_items: int = Field(
        50, ge=0, description="earlier questions a follow-up may send along (each a question)"
    )

    backend: str = Field(
        EXTRACTIVE,
        description=f"who writes answers: quotes only, or a chat model + guard ({backends_help()})",
    )
    llm_model_path: str | None = Field(None, description="GGUF file for the llamacpp backend")
    llm_base_url: str | None = Field(None, description="server URL for openai / ollama")
    llm_api_key: str | None = Field(None, description="API key for the openai backend")
    llm_model: str | None = Field(None, description="model name for openai / ollama")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(300, ge=16, le=4096)
    llm_context: int = Field(4096, ge=512)
    llm_threads: int = Field(2, ge=1)
    llm_timeout: float = Field(120.0, gt=0)
    guard_min_overlap: float = Field(
        0.85, ge=0.0, le=1.0, description="share of a generated sentence's words its source holds"
    )
    guard_min_similarity: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="similarity a sentence in another script than its source needs (fitted "
        "on the drafts' dev part)",
    )
    guard_paraphrase_overlap: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="share of its words a sentence in other words needs in its source "
        "(with guard_paraphrase_similarity; fitted on the drafts' dev part)",
    )
    guard_paraphrase_similarity: float = Field(
        0.91,
        ge=0.0,
        le=1.0,
        description="similarity to its source a sentence in other words needs (1 switches "
        "paraphrases off; fitted on the drafts' dev part)",
    )
    guard_cite_uncited: bool = Field(
        True,
        description="cite a generated sentence that carries no marker to the retrieved passage "
        "that supports it (else it is dropped)",
    )
    guard_checks: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(GUARD_DEFAULT),
        description="the guard's checks beyond words and numbers, by name (comma-separated in "
        f"the environment; 'none' for none): {', '.join(GUARD_CHECKS)}; 'subject' is off by "
        "default (each measured switched off and on in the README)",
    )
    guard_entailment: bool = Field(
        False,
        description="also ask the chat model whether each cited passage states the sentence "
        "(one short extra call per citation; worth it only with a capable model)",
    )

    @field_validator("data_dir", "corpus_dir", "eval_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("checks_off", mode="before")
    @classmethod
    def _check_names(cls, value: Any) -> Any:
        return _names(value, CHECK_NAMES, "check")

    @field_validator("guard_checks", mode="before")
    @classmethod
    def _guard_check_names(cls, value: Any) -> Any:
        return _names("" if value == "none" else value, GUARD_CHECKS, "guard check")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in BACKENDS:
            raise ValueError(f"unknown backend '{value}' (known: {', '.join(BACKENDS)})")
        return value

    @property
    def calibration_file(self) -> Path:
        """Where `assistant calibrate` stores the thresholds it fits (read first)."""
        return self.data_dir / CALIBRATION_NAME

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return init_settings, env_settings, toml

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-None values replaced (how CLI flags apply), validated
        like any setting (`data_dir="..."` becomes a Path; a bad value raises `InputError`).
        Settings that were left at their defaults are derived again, so the calibrated
        thresholds follow a new `data_dir` or `embedding_model` unless they were set."""
        values = {k: v for k, v in overrides.items() if v is not None}
        if not values:
            return self
        kept = self.model_dump(include=set(self.model_fields_set))
        try:
            return Settings.model_validate({**kept, **values})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
                for e in exc.errors()
                if e["type"] != "default_factory_not_called"  # follows from another error
            )
            raise InputError(f"invalid settings: {problems}") from None
