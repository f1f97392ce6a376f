"""The grounding guard measured on real drafts: `eval/drafts.jsonl`.

Each record is one draft a local chat model wrote for a gold question (`bench/make_drafts.py`),
with the numbered passages it was shown, and its sentences, each labelled by a person before
the guard was changed:

- `supported`: a cited or retrieved passage states all of it (a paraphrase counts);
- `partial`: true, but it states less than the passage does or leaves out a qualifier the
  question needs (a list given in part);
- `unsupported`: no passage states it (invented, or beyond the passages);
- `contradicted`: a passage states otherwise; `kind` says how (negation, subject, number,
  body, relation).

`source` is the number of the passage that supports or contradicts the sentence, if one does.
The guard is run on each sentence alone, with the markers the model put on it, over the same
passages, and keeps it (with a citation) or drops it. Figures per split, language and model:
precision of what is kept (supported or partial), recall on supported sentences, and the
number of contradicted sentences kept, the worst error, counted on its own.

    assistant eval --drafts          # writes eval/reports/drafts.{md,json}
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..chunking import evidence_units
from ..claims import lead_in, points_back
from ..embeddings import Embedder, make_embedder
from ..errors import AssistantError
from ..guard import Guard, Guarded
from ..markers import answer_sentences, split_claims
from ..schema import Chunk, Passage
from ..settings import Settings

LABELS = ("supported", "partial", "unsupported", "contradicted")
KINDS = ("negation", "subject", "number", "body", "relation")
DRAFTS_FILE = "drafts.jsonl"


@dataclass(frozen=True)
class Sentence:
    draft_id: str
    split: str
    lang: str
    model: str
    text: str
    markers: tuple[int, ...]
    label: str
    kind: str
    source: int | None


@dataclass(frozen=True)
class Draft:
    id: str
    split: str
    lang: str
    model: str
    passages: tuple[Passage, ...]
    sentences: tuple[Sentence, ...]
    text: str = ""  # the whole draft, as the model wrote it
    question: str = ""


def load(eval_dir: Path) -> list[Draft]:
    """The recorded drafts. A missing file, a line that is not a draft record, or an unlabelled
    or wrongly labelled sentence is an error that names the line."""
    path = eval_dir / DRAFTS_FILE
    if not path.is_file():
        raise AssistantError(f"no recorded drafts at {path} (bench/make_drafts.py records them)")
    drafts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                drafts.append(_draft(json.loads(line)))
            except (ValueError, KeyError, TypeError) as error:
                raise AssistantError(f"{path.name}:{number}: {_reason(error)}") from None
    return drafts


def _reason(error: Exception) -> str:
    return f"missing field {error}" if isinstance(error, KeyError) else str(error)


def _draft(raw: dict[str, Any]) -> Draft:
    passages = tuple(Passage(Chunk(**p["chunk"]), p["title"], 0.0) for p in raw["passages"])
    sentences = []
    for s in raw["sentences"]:
        problem = _problem(s, len(passages))
        if problem:
            raise ValueError(f"{raw['id']}: {problem}: {s['text']!r}")
        sentences.append(
            Sentence(
                raw["id"],
                raw["split"],
                raw["lang"],
                raw["model"],
                s["text"],
                tuple(s["markers"]),
                s["label"],
                s.get("kind", ""),
                s.get("source"),
            )
        )
    return Draft(
        raw["id"],
        raw["split"],
        raw["lang"],
        raw["model"],
        passages,
        tuple(sentences),
        raw.get("draft", ""),
        raw.get("question", ""),
    )


def _problem(sentence: dict[str, Any], passages: int) -> str | None:
    label, kind, source = sentence.get("label"), sentence.get("kind", ""), sentence.get("source")
    if label not in LABELS:
        return f"label {label!r} is not one of {', '.join(LABELS)}"
    if (label == "contradicted") != (kind in KINDS):
        return f"kind {kind!r}: a contradicted sentence has one of {', '.join(KINDS)}, others none"
    if source is not None and not 1 <= source <= passages:
        return f"source {source} is not a passage shown"
    if label in ("supported", "partial", "contradicted") and source is None:
        return f"a {label} sentence names its source passage"
    return None


def make_guard(settings: Settings, embedder: Embedder, checks: ModelChecks | None = None) -> Guard:
    """The guard as a generated answer gets it, with unit vectors encoded from the recorded
    passages (as ingest stores them); with `checks`, the chat model's own yes/no check too.
    Vectors are kept for the guard's life, so one guard can judge the set many times."""
    cache: dict[str, np.ndarray] = {}

    def unit_vectors(passages: list[Passage]) -> dict[str, np.ndarray]:
        for p in passages:
            if p.chunk.chunk_id not in cache:
                contexts = [u.context for u in evidence_units(p.chunk)]
                cache[p.chunk.chunk_id] = embedder.encode(contexts)
        return {p.chunk.chunk_id: cache[p.chunk.chunk_id] for p in passages}

    claims: dict[str, np.ndarray] = {}

    def embed_claims(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in claims]
        if new:
            claims.update(zip(new, embedder.encode(new, query=True), strict=True))
        return np.stack([claims[t] for t in texts]) if texts else np.zeros((0, 0))

    return Guard.configured(settings, embed_claims, unit_vectors, checks)


class ModelChecks:
    """The chat model's yes/no entailment check (`guard_entailment`), counted and timed."""

    def __init__(self, settings: Settings) -> None:
        from ..answerers import chat_model
        from ..generate import entailment_check

        self.check = entailment_check(chat_model(settings))
        self.calls = 0
        self.seconds = 0.0

    def __call__(self, passage: str, statement: str) -> bool:
        start = time.perf_counter()
        try:
            return self.check(passage, statement)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - start


@dataclass(frozen=True)
class Judged:
    sentence: Sentence
    kept: bool
    reason: str
    partial: bool = False  # kept, and marked as stopping where its source goes on


def judge(drafts: Iterable[Draft], guard: Guard) -> list[Judged]:
    """Each sentence through the guard on its own, with its markers, over its draft's passages,
    with what the guard reads it by: a lead-in ("… are:") with the sentence that follows it in
    the draft (the guard keeps a lead-in only with what it introduces), and a sentence whose
    subject points back ("This body…") after the sentences it points to (the guard holds it to
    their sources)."""
    out = []
    for draft in drafts:
        for k, s in enumerate(draft.sentences):
            following = [f for f in draft.sentences[k + 1 :] if f.text != s.text][:1]
            after = following if lead_in(s.text) else []
            first = k
            while first and points_back(draft.sentences[first].text):
                first -= 1  # back to the sentence the chain of pointers starts from
            before = [b for b in draft.sentences[first:k] if b.text != s.text]
            if not (before or after):
                guarded = guard.check(_marked(s), list(draft.passages))
                reasons = "; ".join(r.reason for r in guarded.removed)
                kept = bool(guarded.citations)
                out.append(Judged(s, kept, reasons, kept and bool(guarded.partial)))
                continue
            text = " ".join(_marked(x) for x in [*before, s, *after])
            guarded = guard.check(text, list(draft.passages))
            claim = split_claims(text)[len(split_claims(" ".join(map(_marked, before))))][0]
            mine = [r for r in guarded.removed if r.sentence == claim]
            dropped = any(r.reason.startswith("sentence dropped") for r in mine)
            kept = bool(guarded.citations) and not dropped
            partial = kept and any(x.sentence == claim for x in guarded.partial)
            out.append(Judged(s, kept, "; ".join(r.reason for r in mine), partial))
    return out


def _marked(sentence: Sentence) -> str:
    return sentence.text + "".join(f" [{m}]" for m in sentence.markers)


def figures(rows: list[Judged]) -> dict[str, Any]:
    """Counts per label (all, kept), precision of what is kept, recall on supported."""
    count = {label: sum(r.sentence.label == label for r in rows) for label in LABELS}
    kept = {label: sum(r.kept and r.sentence.label == label for r in rows) for label in LABELS}
    marked = {label: sum(r.partial and r.sentence.label == label for r in rows) for label in LABELS}
    total_kept = sum(kept.values())
    good = kept["supported"] + kept["partial"]
    return {
        "sentences": len(rows),
        "kept": total_kept,
        "by_label": {label: {"all": count[label], "kept": kept[label]} for label in LABELS},
        "precision": round(good / total_kept, 3) if total_kept else None,
        "recall_supported": (
            round(kept["supported"] / count["supported"], 3) if count["supported"] else None
        ),
        "contradicted_kept": kept["contradicted"],
        # kept sentences marked partial (stopping where the source goes on), per label
        "marked_partial": marked,
    }


def breakdown(rows: list[Judged]) -> dict[str, dict[str, Any]]:
    """Figures overall and per split, split and language, and model."""
    groups: dict[str, list[Judged]] = {"overall": rows}
    for r in rows:
        s = r.sentence
        groups.setdefault(f"split:{s.split}", []).append(r)
        groups.setdefault(f"{s.split} / {s.lang}", []).append(r)
        groups.setdefault(f"{s.split} / {s.model}", []).append(r)
    return {name: figures(group) for name, group in sorted(groups.items())}


def own_words(drafts: Iterable[Draft], guard: Guard) -> dict[str, dict[str, Any]]:
    """What a user reads of each whole draft after the guard, per model: answers given, the
    sentences kept, how many are in the model's own words (not a passage's text copied), their
    share of the answer text and of its text labelled supported or partial, and kept sentences
    labelled unsupported or contradicted."""
    out: dict[str, dict[str, Any]] = {}
    for draft in drafts:
        if not draft.text:
            continue
        f = out.setdefault(
            draft.model,
            dict.fromkeys(
                "drafts answered kept own chars own_chars wrong good_chars own_good_chars".split(),
                0,
            ),
        )
        guarded = guard.check(draft.text, list(draft.passages))
        f["drafts"] += 1
        f["answered"] += not guarded.abstained
        sources = [one_line(p.chunk.text) for p in draft.passages]
        for flat, label in kept_sentences(draft, guarded):
            copied = any(flat.rstrip(".。") in source for source in sources)
            f["kept"] += 1
            f["chars"] += len(flat)
            f["own"] += not copied
            f["own_chars"] += 0 if copied else len(flat)
            f["wrong"] += label in ("unsupported", "contradicted")
            good = len(flat) if label in ("supported", "partial") else 0
            f["good_chars"] += good
            f["own_good_chars"] += 0 if copied else good
    for f in out.values():
        f["own_share"] = round(f["own_chars"] / f["chars"], 3) if f["chars"] else None
        good = f["good_chars"]
        f["own_share_good"] = round(f["own_good_chars"] / good, 3) if good else None
    return out


def kept_sentences(draft: Draft, guarded: Guarded) -> list[tuple[str, str | None]]:
    """Each sentence the guard kept of a whole draft (whitespace made single), with its label
    if it is one of the draft's recorded sentences unchanged (a sentence cut short is not)."""
    labels = {one_line(x.text): x.label for x in draft.sentences}
    quotes = [c.quote for c in guarded.citations]
    kept = [one_line(sentence) for sentence, _ in answer_sentences(guarded.answer, quotes)]
    return [(flat, labels.get(flat)) for flat in kept]


def _whole_table(whole: dict[str, dict[str, Any]]) -> str:
    lines = [
        "Whole drafts after the guard (what a user reads):",
        "",
        "| model | drafts | answered | sentences kept | in own words | own words' share of text "
        "| of text labelled supported or partial | kept but labelled unsupported or contradicted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for model, f in sorted(whole.items()):
        cells = [model, f["drafts"], f["answered"], f["kept"], f["own"], f["own_share"]]
        cells += [f["own_share_good"], f["wrong"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def one_line(text: str) -> str:
    return " ".join(text.split())


def report(summary: dict[str, dict[str, Any]]) -> str:
    """The figures as a markdown table."""

    def cell(value: Any) -> str:
        return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)

    head = ["group", "sentences", "kept", "precision", "recall (supported)", "contradicted kept"]
    head += [f"{label} kept / all" for label in LABELS]
    head += ["marked partial: partial / supported / wrong"]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for name, f in summary.items():
        cells = [name, str(f["sentences"]), str(f["kept"]), cell(f["precision"])]
        cells += [cell(f["recall_supported"]), str(f["contradicted_kept"])]
        cells += [f"{f['by_label'][x]['kept']} / {f['by_label'][x]['all']}" for x in LABELS]
        m = f["marked_partial"]
        cells.append(f"{m['partial']} / {m['supported']} / {m['unsupported'] + m['contradicted']}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def evaluate(
    settings: Settings, embedder: Embedder, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Run the guard on every recorded draft sentence; the breakdown and each decision."""
    drafts = load(settings.eval_dir)
    checks = ModelChecks(settings) if settings.guard_entailment else None
    guard = make_guard(settings, embedder, checks)
    rows = judge(drafts, guard)
    summary = breakdown(rows)
    whole = own_words(drafts, guard)
    log(report(summary))
    return {
        "summary": summary,
        "whole_drafts": whole,
        "model_check": checks
        and {
            "backend": settings.backend,
            "model": settings.llm_model_path or settings.llm_model,
            "calls": checks.calls,
            "seconds_per_call": round(checks.seconds / (checks.calls or 1), 2),
        },
        "sentences": [
            {
                "draft": r.sentence.draft_id,
                "text": r.sentence.text,
                "label": r.sentence.label,
                "kind": r.sentence.kind,
                "kept": r.kept,
                "reason": r.reason,
            }
            for r in rows
        ],
    }


def write(
    settings: Settings, out_dir: Path, embedder: Embedder | None = None
) -> tuple[str, dict[str, Path]]:
    """Evaluate and write `drafts.md` and `drafts.json` to `out_dir`: (markdown, paths)."""
    embedder = embedder or make_embedder(settings.embedding_model)
    result = evaluate(settings, embedder, log=lambda _: None)
    table = report(result["summary"])
    checked = result["model_check"]
    how = (
        f"With the chat model's own check ({checked['backend']}, {checked['model']}): "
        f"{checked['calls']} calls, {checked['seconds_per_call']} s each.\n\n"
        if checked
        else ""
    )
    whole = _whole_table(result["whole_drafts"])
    text = f"# The guard on recorded drafts\n\n{how}{table}\n\n{whole}\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out_dir / "drafts.md", "json": out_dir / "drafts.json"}
    paths["markdown"].write_text(text, encoding="utf-8")
    paths["json"].write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return text, paths
