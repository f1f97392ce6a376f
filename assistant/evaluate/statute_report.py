"""The statute evaluation's report: Markdown tables per language set (caption retrieval per
law and language, hand-written figures per split), where each missed article ranked, and the
questions answered wrongly; the same data as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .statutes import Run, summary


def _cell(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(runs: list[Run]) -> str:
    """The report: caption retrieval per language set, law and language; hand-written figures;
    where each missed article ranked."""
    lines = ["# Statute evaluation", ""]
    lines += [
        "Caption questions: one per article caption and language, gold = that article. "
        "Hand-written questions: key facts, both languages, answerable and not. Each language "
        "set is the corpus plus the statutes in those languages, in an index of its own.",
        "",
    ]
    for run in runs:
        data = summary(run)
        lines += [f"## Statutes in {run.languages}", ""]
        if run.ingest_seconds:
            timed = ", ".join(f"{k} {v} s" for k, v in run.ingest_seconds.items())
            lines += [f"Ingest: {timed}.", ""]
        for name, reason in run.refused.items():
            lines += [f"- refused: `{name}`: {reason}"]
        if run.refused:
            lines.append("")
        for split, groups in data["captions"].items():
            lines += [f"### Caption questions, {split}", ""]
            lines += [
                "| group | n | recall@1 | recall@5 | MRR | cited@1 |",
                "|---|---|---|---|---|---|",
            ]
            for group, m in groups.items():
                if m.get("questions"):
                    lines.append(
                        f"| {group} | {m['questions']} | {_cell(m['recall_at_1'])} | "
                        f"{_cell(m['recall_at_5'])} | {_cell(m['mrr'])} | "
                        f"{_cell(m['cited_at_1'])} |"
                    )
            lines.append("")
        keys = (
            "recall_at_k",
            "mrr",
            "key_fact_accuracy",
            "abstention_precision",
            "abstention_recall",
            "accuracy",
            "citation_validity",
        )
        for split, groups in data["handwritten"].items():
            lines += [f"### Hand-written questions, {split}", ""]
            lines += ["| group | n | " + " | ".join(keys) + " |", "|---" * (len(keys) + 2) + "|"]
            for group, m in groups.items():
                lines.append(
                    f"| {group} | {m['questions']} | "
                    + " | ".join(_cell(m[k]) for k in keys)
                    + " |"
                )
            lines.append("")
        misses = [r for r in run.captions if r["rank"] != 1]
        if misses:
            lines += [f"### Caption questions whose article was not first ({len(misses)})", ""]
            lines += ["| id | split | rank | first citation |", "|---|---|---|---|"]
            for r in misses:
                lines.append(
                    f"| {r['id']} | {r['split']} | {r['rank'] or '>5'} | "
                    f"{r['first_citation'] or '(abstained)'} |"
                )
            lines.append("")
        wrong = [r for r in run.results if not r.correct]
        if wrong:
            lines += [f"### Hand-written questions answered wrongly ({len(wrong)})", ""]
            for r in wrong:
                said = "abstained" if r.abstained else " ".join(r.answer["answer"].split())[:160]
                lines.append(f"- {r.id} ({r.split}, {r.lang}) {r.question} -> {said}")
            lines.append("")
    return "\n".join(lines)


def write(out_dir: Path, runs: list[Run]) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "runs": [
            {**summary(r), "captions_rows": r.captions, "results": [vars(x) for x in r.results]}
            for r in runs
        ]
    }
    paths = {"json": out_dir / "statutes.json", "markdown": out_dir / "statutes.md"}
    paths["json"].write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")
    paths["markdown"].write_text(markdown(runs), encoding="utf-8")
    return paths


def run_and_write(
    settings: Any, laws: Path, split: str, out_dir: Path
) -> tuple[str, dict[str, Path]]:
    """Evaluate on the statutes in `laws` and write the reports: (the summary, paths)."""
    from .statutes import run

    paths = write(out_dir, run(settings, laws, split=split))
    text = paths["markdown"].read_text(encoding="utf-8").split("### Caption questions whose")[0]
    return text, paths
