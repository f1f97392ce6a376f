"""Switch each answering check off in turn and measure what it is worth.

For every configuration (all checks on, then one check or step off at a time, see
`checks.CHECK_NAMES`, and sentence search off), the thresholds are calibrated on the dev
questions exactly as `assistant calibrate` does, then the gold set (dev, test), the blind set
and the hand-written statute questions (dev, test, blind; both languages ingested beside the
corpus) are answered. One table of accuracy and abstention figures per configuration is
written to `eval/reports/ablation.md` (and `.json`).

    python -m assistant.evaluate.ablation --laws ../shared/laws [--only premise,scope]

Dev is where a check is chosen; test, blind and statutes are for reporting what that choice
does to questions nobody tuned for.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import CHECK_NAMES
from ..embeddings import Embedder, make_embedder
from ..pipeline import Assistant
from ..settings import CALIBRATED, Settings
from . import statutes
from .calibration import calibrate, dev_sources
from .evaluation import breakdown, load_split, run

SPLITS = ("dev", "test", "blind")
FIGURES = ("accuracy", "abstention_precision", "abstention_recall", "key_fact_accuracy")


@dataclass(frozen=True)
class Variant:
    name: str
    overrides: dict[str, Any]


def variants(only: set[str] | None = None) -> list[Variant]:
    """All checks on, then each check off on its own (and sentence search off)."""
    out = [Variant("all on", {})]
    for name in CHECK_NAMES:
        out.append(Variant(f"no {name}", {"checks_off": frozenset({name})}))
    out.append(Variant("no sentences", {"sentence_search": False}))
    if only:
        out = [v for v in out if v.name == "all on" or v.name.removeprefix("no ") in only]
    return out


def _figures(summary: dict[str, Any]) -> dict[str, Any]:
    overall = summary.get("overall", {})
    return {k: overall.get(k) for k in ("questions", *FIGURES)}


def measure(
    base: Settings,
    variant: Variant,
    laws: Path | None,
    log: Any = print,
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Calibrate `variant` on dev, then its figures on every split and on the statutes."""
    embedder = embedder or make_embedder(base.embedding_model, batch_size=base.embedding_batch_size)
    data = base.model_dump(exclude=set(CALIBRATED))
    settings = Settings.model_validate({**data, **variant.overrides})
    bot = Assistant(settings, embedder=embedder)
    bot.ingest()
    bot.warm_up()
    questions, more = dev_sources(bot, laws)
    calibration = calibrate(bot, questions, more=more)
    settings = calibration.apply(settings)
    bot = Assistant(settings, embedder=embedder)
    row: dict[str, Any] = {
        "name": variant.name,
        "calibration": {
            "abstain_below": calibration.abstain_below,
            "dense_weight": calibration.dense_weight,
            "sentence_min_ratio": calibration.sentence_min_ratio,
            "judgment": calibration.answerability is not None,
        },
    }
    for split in SPLITS:
        questions = load_split(settings.eval_dir, split)
        results = run(bot.ask, questions, bot.index.document_text)
        row[split] = _figures(breakdown(results))
        log(f"{variant.name}: {split} accuracy {row[split]['accuracy']}")
    if laws is not None:
        runs = statutes.run(settings, laws, languages=("ja+en",), embedder=embedder, captions=False)
        results = runs[0].results
        for split in SPLITS:
            rows = [r for r in results if r.split == split]
            if rows:
                row[f"statutes {split}"] = _figures(breakdown(rows))
        figures = [row.get(f"statutes {s}", {}).get("accuracy") for s in SPLITS]
        log(f"{variant.name}: statutes {figures}")
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The ablation as markdown: accuracy per split, blind abstention figures."""
    columns = [c for c in (*SPLITS, *(f"statutes {s}" for s in SPLITS)) if c in rows[0]]

    def cell(row: dict[str, Any], column: str, key: str = "accuracy") -> str:
        value = row.get(column, {}).get(key)
        return "–" if value is None else f"{value:.3f}"

    head = [
        "configuration",
        *(f"{c} acc." for c in columns),
        "blind abst. prec.",
        "blind abst. rec.",
    ]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for row in rows:
        cells = [row["name"], *(cell(row, c) for c in columns)]
        cells += [
            cell(row, "blind", "abstention_precision"),
            cell(row, "blind", "abstention_recall"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Switch each answering check off in turn.")
    parser.add_argument("--laws", type=Path, default=None, help="statute folder (../shared/laws)")
    parser.add_argument("--only", default="", help="comma-separated check names to switch off")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    base = Settings()
    only = {n for n in args.only.split(",") if n} or None
    # one model for every configuration (none of them changes it)
    embedder = make_embedder(base.embedding_model, batch_size=base.embedding_batch_size)
    rows = []
    for variant in variants(only):
        t0 = time.perf_counter()
        rows.append(measure(base, variant, args.laws, log=_stderr, embedder=embedder))
        rows[-1]["seconds"] = round(time.perf_counter() - t0, 1)
    out = args.out or base.eval_dir / "reports" / "ablation"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    text = "# Ablation of the answering checks\n\n" + table(rows) + "\n"
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
