"""Write evaluation results as JSON (everything) and Markdown (the summary and the failures)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .evaluation import QuestionResult
from .settings import Settings

COLUMNS = (
    ("questions", "n"),
    ("recall_at_k", "recall@k"),
    ("mrr", "MRR"),
    ("citation_precision", "cit. prec."),
    ("citation_recall", "cit. recall"),
    ("key_fact_accuracy", "key facts"),
    ("abstention_precision", "abst. prec."),
    ("abstention_recall", "abst. recall"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.0f}"
    return str(value)


def markdown(
    split: str,
    settings: Settings,
    summary: dict[str, dict[str, Any]],
    results: list[QuestionResult],
) -> str:
    lines = [
        f"# Grounding evaluation ({split} split)",
        "",
        f"embedding model `{settings.embedding_model}`, k={settings.k}, "
        f"abstain_below={settings.abstain_below}, sentence_min_ratio={settings.sentence_min_ratio}",
        "",
        "| group | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for group, values in summary.items():
        lines.append(f"| {group} | " + " | ".join(_cell(values[key]) for key, _ in COLUMNS) + " |")
    failures = [r for r in results if not r.correct]
    lines += ["", f"## Failures ({len(failures)} of {len(results)})", ""]
    for r in failures:
        expected = "abstain" if not r.answerable else f"{r.facts_found}/{r.facts_total} key facts"
        lines.append(f"- **{r.id}** ({r.lang}, {r.category}, expected {expected}): {r.question}")
        lines.append(f"  - answer: {r.answer['answer'][:300]}")
    return "\n".join(lines) + "\n"


def write_reports(
    out_dir: Path,
    split: str,
    settings: Settings,
    summary: dict[str, dict[str, Any]],
    results: list[QuestionResult],
) -> dict[str, Path]:
    """Write `<split>.json` and `<split>.md` into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "split": split,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "embedding_model": settings.embedding_model,
            "k": settings.k,
            "abstain_below": settings.abstain_below,
            "sentence_min_ratio": settings.sentence_min_ratio,
            "answer_sentences": settings.answer_sentences,
        },
        "summary": summary,
        "results": [asdict(r) for r in results],
    }
    json_path = out_dir / f"{split}.json"
    md_path = out_dir / f"{split}.md"
    json_path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    md_path.write_text(markdown(split, settings, summary, results), encoding="utf-8")
    return {"json": json_path, "markdown": md_path}
