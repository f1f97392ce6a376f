"""Run the evaluation for one or several configurations side by side.

A configuration is a name plus setting overrides (`dense: retrieval=dense`). Every alternative
is calibrated on the dev split exactly as the default was (`assistant calibrate`), then
evaluated on the requested split, so configurations are compared on equal terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..embeddings import Embedder, make_embedder
from ..errors import InputError
from ..pipeline import Assistant
from ..settings import CALIBRATED, Settings
from .calibration import Calibration, calibrate
from .evaluation import EvalQuestion, QuestionResult, breakdown, load_split, run

DEFAULT_NAME = "default"

# What `assistant eval --compare` runs when no --config is given.
STANDARD_COMPARISON: tuple[str, ...] = (
    "dense-only: retrieval=dense",
    "keyword-only: retrieval=keyword",
    "no-sentence-search: sentence_search=false",
    "k=3: k=3",
    "k=8: k=8",
    "minilm: embedding_model=minilm",
    "e5-small: embedding_model=e5-small",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Configuration:
    name: str
    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str) -> Configuration:
        """Parse 'name: key=value, key=value' (the name may be omitted)."""
        name, _, body = spec.partition(":") if ":" in spec else ("", "", spec)
        overrides: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in body.split(","))):
            key, eq, value = part.partition("=")
            if not eq or not key.strip():
                raise InputError(f"configuration '{spec}': expected key=value, got '{part}'")
            overrides[key.strip()] = value.strip()
        return cls(name.strip() or body.strip() or DEFAULT_NAME, overrides)


@dataclass
class ConfigurationResult:
    configuration: Configuration
    settings: Settings
    calibration: Calibration | None
    summary: dict[str, dict[str, Any]]
    results: list[QuestionResult]
    attacks: dict[str, Any] | None = None  # prompt-injection figures, when asked for


def _apply(base: Settings, configuration: Configuration) -> Settings:
    if not configuration.overrides:
        return base
    try:
        # Re-validate through the settings model so values are typed and checked; thresholds
        # that depend on the embedding model are then filled in for the new model.
        data = base.model_dump(exclude=set(CALIBRATED))
        return Settings.model_validate({**data, **configuration.overrides})
    except Exception as exc:  # pydantic's message names the field and the problem
        raise InputError(f"configuration '{configuration.name}': {exc}") from None


def _attack_run(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """The corpus plus the hostile documents in an index of their own; see `attacks`."""
    from ..corpus import read_paths
    from .attacks import attack_summary, load_attacks, run_attacks

    hostile_dir = settings.eval_dir / "attacks"
    hostile = {d.doc_id for d in read_paths([hostile_dir], max_bytes=settings.max_file_bytes)}
    bot = Assistant(
        settings.with_overrides(data_dir=settings.data_dir / "attack-eval"), embedder=embedder
    )
    bot.ingest([settings.corpus_dir, hostile_dir])
    attacks = load_attacks(settings.eval_dir / "attacks.jsonl")
    return attack_summary(run_attacks(bot.ask, attacks, hostile))


def evaluate(
    base: Settings,
    configurations: list[Configuration],
    *,
    split: str,
    progress: Progress | None = None,
    attacks: bool = False,
) -> list[ConfigurationResult]:
    """Evaluate each configuration on `split`; alternatives are calibrated on dev first."""
    questions = load_split(base.eval_dir, split)
    dev: list[EvalQuestion] = load_split(base.eval_dir, "dev")
    embedders: dict[str, Embedder] = {}
    out: list[ConfigurationResult] = []
    for configuration in configurations:
        settings = _apply(base, configuration)
        model = settings.embedding_model
        embedder = embedders.setdefault(
            model, make_embedder(model, batch_size=settings.embedding_batch_size)
        )
        bot = Assistant(settings, embedder=embedder)
        bot.ingest()
        bot.warm_up()
        calibration = None
        if configuration.overrides:
            calibration = calibrate(bot, dev)
            settings = calibration.apply(settings)
            bot = Assistant(settings, embedder=embedder)
        name = configuration.name

        def tick(i: int, n: int, name: str = name) -> None:
            if progress:
                progress(name, i, n)

        results = run(bot.ask, questions, bot.index.document_text, progress=tick)
        out.append(
            ConfigurationResult(configuration, settings, calibration, breakdown(results), results)
        )
        if attacks:
            out[-1].attacks = _attack_run(settings, embedder)
    return out
