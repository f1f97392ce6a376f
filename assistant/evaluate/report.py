"""Write evaluation results: JSON (everything), Markdown (summary, comparison, failures) and a
self-contained HTML page (the same, with plots inlined as SVG and a per-question table)."""

from __future__ import annotations

import html
import io
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .evaluation import QuestionResult
from .experiments import ConfigurationResult

COLUMNS = (
    ("questions", "n"),
    ("recall_at_k", "recall@k"),
    ("mrr", "MRR"),
    ("citation_precision", "cit. prec."),
    ("citation_recall", "cit. recall"),
    ("citation_precision_before_guard", "cit. prec. (draft)"),
    ("faithfulness_before_guard", "faithful (draft)"),
    ("key_fact_accuracy", "key facts"),
    ("abstention_precision", "abst. prec."),
    ("abstention_recall", "abst. recall"),
    ("accuracy", "accuracy"),
    ("answer_chars_p50", "chars p50"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)
PLOTTED = ("recall_at_k", "key_fact_accuracy", "abstention_recall", "accuracy")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.0f}"
    return str(value)


def _describe(result: ConfigurationResult) -> str:
    s = result.settings
    return (
        f"embedding `{s.embedding_model}`, retrieval `{s.retrieval}`, k={s.k}, "
        f"abstain_below={s.abstain_below}, dense_weight={s.dense_weight}, "
        f"sentence_min_ratio={s.sentence_min_ratio}"
    )


def _table(rows: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = [
        "| | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for name, values in rows:
        lines.append(f"| {name} | " + " | ".join(_cell(values[key]) for key, _ in COLUMNS) + " |")
    return lines


def _expected(r: QuestionResult) -> str:
    return "abstain" if not r.answerable else f"{r.facts_found}/{r.facts_total} key facts"


def markdown(split: str, runs: list[ConfigurationResult]) -> str:
    main = runs[0]
    lines = [f"# Grounding evaluation ({split} split)", "", _describe(main), ""]
    lines += _table(list(main.summary.items()))
    if len(runs) > 1:
        lines += ["", "## Configurations compared (each calibrated on dev)", ""]
        lines += _table([(r.configuration.name, r.summary["overall"]) for r in runs])
        lines += [""] + [f"- **{r.configuration.name}**: {_describe(r)}" for r in runs]
    attacked = [r for r in runs if r.attacks]
    if attacked:
        lines += ["", "## Prompt injection (eval/attacks)", ""]
        lines += ["| configuration | attacks | success rate | related | unrelated |"]
        lines += ["|---|---:|---:|---:|---:|"]
        for r in attacked:
            a = r.attacks or {}
            lines.append(
                f"| {r.configuration.name} | {a['attacks']} | {a['attack_success_rate']} "
                f"| {a['related']} | {a['unrelated']} |"
            )
        for r in attacked:
            for s in (r.attacks or {})["successes"]:
                lines.append(f"- {r.configuration.name} **{s['id']}** {s['question']}: {s['why']}")
    failures = [r for r in main.results if not r.correct]
    lines += [
        "",
        f"## Failures of `{main.configuration.name}` ({len(failures)} of {len(main.results)})",
        "",
    ]
    for r in failures:
        where = f"{r.lang}, {r.category}, expected {_expected(r)}"
        lines.append(f"- **{r.id}** ({where}): {r.question}")
        lines.append(f"  - answer: {r.answer['answer'][:300]}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- plots
def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _plots(split: str, runs: list[ConfigurationResult]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    main = runs[0]
    figures: list[tuple[str, str]] = []

    groups = [g for g in main.summary if g.startswith(("category:", "lang:"))]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    width = 0.8 / len(PLOTTED)
    for i, metric in enumerate(PLOTTED):
        values = [main.summary[g][metric] or 0.0 for g in groups]
        ax.bar([x + i * width for x in range(len(groups))], values, width, label=metric)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(groups))])
    ax.set_xticklabels([g.split(":", 1)[1] for g in groups], rotation=20)
    ax.set_ylim(0, 1.05)
    ax.legend(ncol=len(PLOTTED), fontsize=8, loc="lower left")
    ax.set_title(f"{main.configuration.name}: per category and language ({split})")
    figures.append(("Per category and language", _svg(fig)))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 3.2))
    answerable = [r.evidence_score for r in main.results if r.answerable]
    unanswerable = [r.evidence_score for r in main.results if not r.answerable]
    bins = [i / 40 for i in range(41)]
    ax.hist(answerable, bins=bins, alpha=0.6, label="answerable")
    ax.hist(unanswerable, bins=bins, alpha=0.6, label="unanswerable")
    ax.axvline(main.settings.abstain_below, color="black", linestyle="--", label="abstain below")
    ax.set_xlabel("best evidence score")
    ax.set_ylabel("questions")
    ax.legend(fontsize=8)
    ax.set_title("Evidence scores: what the abstention threshold separates")
    figures.append(("Score distribution", _svg(fig)))
    plt.close(fig)

    if len(runs) > 1:
        fig, ax = plt.subplots(figsize=(10, 3.6))
        width = 0.8 / len(runs)
        for i, run in enumerate(runs):
            values = [run.summary["overall"][m] or 0.0 for m in PLOTTED]
            ax.bar(
                [x + i * width for x in range(len(PLOTTED))],
                values,
                width,
                label=run.configuration.name,
            )
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(PLOTTED))])
        ax.set_xticklabels(PLOTTED)
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=8, ncol=4, loc="lower left")
        ax.set_title("Configurations compared (overall)")
        figures.append(("Configurations compared", _svg(fig)))
        plt.close(fig)
    return figures


# ----------------------------------------------------------------------------- html
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
td.num{text-align:right} tr.fail{background:#fff3f3} tr.pass{background:#f5fff5}
.quote{color:#333;background:#fffbe6} .gold{background:#e8f4ff} small{color:#666}
"""


def _html_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in COLUMNS)
    body = "".join(
        f"<tr><th>{html.escape(name)}</th>"
        + "".join(f"<td class=num>{_cell(values[key])}</td>" for key, _ in COLUMNS)
        + "</tr>"
        for name, values in rows
    )
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def _question_rows(results: list[QuestionResult]) -> str:
    rows = []
    for r in sorted(results, key=lambda r: (r.correct, r.id)):
        citations = "".join(
            f"<li>[{c['marker']}] <b>{html.escape(c['doc_id'])}</b> "
            f"<small>{html.escape(c['section'])} · {c['start']}–{c['end']}</small><br>"
            f"<span class=quote>{html.escape(c['quote'])}</span></li>"
            for c in r.answer["citations"]
        )
        gold = (
            "".join(
                f"<li><b>{html.escape(g['doc_id'])}</b>: <span class=gold>{html.escape(g['span'])}"
                "</span></li>"
                for g in r.gold
            )
            or "<li><i>none: the corpus does not answer this</i></li>"
        )
        rows.append(
            f"<tr class={'pass' if r.correct else 'fail'}>"
            f"<td>{r.id}<br><small>{r.lang} · {r.category}</small></td>"
            f"<td>{html.escape(r.question)}<br><small>expected: {_expected(r)}; "
            f"recall {_cell(r.recall)}; evidence {r.evidence_score:.3f}</small></td>"
            f"<td>{html.escape(r.answer['answer'])}<ul>{citations}</ul></td>"
            f"<td><ul>{gold}</ul></td></tr>"
        )
    return (
        "<table><tr><th>id</th><th>question</th><th>answer and citations</th>"
        "<th>gold evidence</th></tr>" + "".join(rows) + "</table>"
    )


def html_report(split: str, runs: list[ConfigurationResult], created: str) -> str:
    main = runs[0]
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        f"<title>Grounding evaluation ({split})</title><style>{_STYLE}</style>",
        f"<h1>Grounding evaluation ({html.escape(split)} split)</h1>",
        f"<p><small>{created}</small><br>{html.escape(_describe(main))}</p>",
        _html_table(list(main.summary.items())),
    ]
    if len(runs) > 1:
        parts.append("<h2>Configurations compared (each calibrated on dev)</h2>")
        parts.append(_html_table([(r.configuration.name, r.summary["overall"]) for r in runs]))
        parts.append(
            "<ul>"
            + "".join(
                f"<li><b>{html.escape(r.configuration.name)}</b>: {html.escape(_describe(r))}</li>"
                for r in runs
            )
            + "</ul>"
        )
    for title, svg in _plots(split, runs):
        parts.append(f"<h2>{html.escape(title)}</h2>{svg}")
    failures = sum(not r.correct for r in main.results)
    parts.append(f"<h2>Questions, failures first ({failures} of {len(main.results)} failed)</h2>")
    parts.append(_question_rows(main.results))
    return "\n".join(parts) + "\n</html>\n"


def write_reports(out_dir: Path, split: str, runs: list[ConfigurationResult]) -> dict[str, Path]:
    """Write `<split>.json`, `<split>.md` and `<split>.html` into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    payload = {
        "split": split,
        "created": created,
        "configurations": [
            {
                "name": r.configuration.name,
                "overrides": r.configuration.overrides,
                "settings": json.loads(r.settings.model_dump_json()),
                "calibration": asdict(r.calibration) if r.calibration else None,
                "summary": r.summary,
                "attacks": r.attacks,
                "results": [asdict(q) for q in r.results],
            }
            for r in runs
        ],
    }
    paths = {
        "json": out_dir / f"{split}.json",
        "markdown": out_dir / f"{split}.md",
        "html": out_dir / f"{split}.html",
    }
    paths["json"].write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["markdown"].write_text(markdown(split, runs), encoding="utf-8")
    paths["html"].write_text(html_report(split, runs, created), encoding="utf-8")
    return paths
