"""Evaluation on the statutes themselves: does a question find its article, in either language?

Two question files in `eval/`:

- `statute_captions.jsonl`: one mechanical question per article caption and language (written
  by `eval/make_caption_questions.py`); gold is the article(s) carrying the caption. Scored for
  retrieval only: article recall@1, recall@5, MRR, and whether the first citation of the answer
  is from a gold article.
- `statutes.jsonl`: hand-written questions with key facts, in both languages, answerable or not;
  scored like the gold set (`evaluation.score`), with recall and MRR counted by article.

Each run ingests the corpus plus the statute files of one language set into an index of its
own (`<data_dir>-statutes/<languages>`): Japanese alone, English alone, both. The statute files
are read from a directory (`../shared/laws` in a checkout), never copied.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..corpus import read_document, slugify
from ..embeddings import Embedder, make_embedder
from ..errors import InputError
from ..pipeline import Assistant
from ..references import located, named_laws
from ..schema import Chunk
from ..settings import Settings
from .evaluation import EvalQuestion, GoldSpan, QuestionResult, breakdown, score

LANGUAGE_SETS = {"ja": ("ja",), "en": ("en",), "ja+en": ("ja", "en")}


@dataclass(frozen=True)
class StatuteQuestion:
    id: str
    split: str
    lang: str
    category: str
    question: str
    answerable: bool
    law: str
    articles: tuple[str, ...]  # gold articles of `law` (main provisions)
    spans: tuple[dict[str, str], ...] = ()  # {"law", "article", "lang", "span"}
    key_facts: tuple[tuple[str, ...], ...] = ()


# Caption questions, hand-written questions (dev, test) and the blind ones (reported only).
QUESTION_FILES = ("statute_captions.jsonl", "statutes.jsonl", "statutes_blind.jsonl")


def load(eval_dir: Path, split: str = "all") -> list[StatuteQuestion]:
    """Caption questions and hand-written questions, filtered by split."""
    out: list[StatuteQuestion] = []
    for name in QUESTION_FILES:
        path = eval_dir / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            if split != "all" and raw["split"] != split:
                continue
            gold = tuple(raw.get("gold", ()))
            law = raw.get("law") or (gold[0]["law"] if gold else "")
            articles = tuple(raw.get("articles") or dict.fromkeys(g["article"] for g in gold))
            out.append(
                StatuteQuestion(
                    id=raw["id"],
                    split=raw["split"],
                    lang=raw["lang"],
                    category=raw["category"],
                    question=raw["question"],
                    answerable=bool(raw.get("answerable", True)),
                    law=law,
                    articles=articles,
                    spans=gold,
                    key_facts=tuple(tuple(f) for f in raw.get("key_facts", ())),
                )
            )
    return out


def article_of(chunk: Chunk) -> tuple[str, str] | None:
    """(law number, article) of a chunk of a statute's main provisions, else None."""
    where = located(chunk.locator)
    return (where[0], where[1]) if where else None


def statute_files(laws: Path) -> dict[Path, dict[str, Any]]:
    """The statute XML files in `laws`, each with what the statute reader makes of it (its
    language and law number among them); files it cannot read as a statute are left out."""
    out: dict[Path, dict[str, Any]] = {}
    for path in sorted(laws.glob("*.xml")):
        try:
            meta = read_document(path).meta()
        except InputError:
            continue
        if meta.get("law"):
            out[path] = meta
    if not out:
        raise InputError(f"{laws}: no statute XML files")
    return out


@dataclass
class Run:
    languages: str
    ingest_seconds: dict[str, float]
    refused: dict[str, str]
    captions: list[dict[str, Any]]
    results: list[QuestionResult]


def _ingest(
    bot: Assistant, corpus: Path, files: list[Path]
) -> tuple[dict[str, float], dict[str, str]]:
    """Ingest the corpus, then each statute file on its own, timed when it had to be embedded;
    a file the reader refuses is noted with the reason (and the run goes on without it)."""
    seconds: dict[str, float] = {}
    refused: dict[str, str] = {}
    bot.ingest([corpus])
    for path in files:
        start = time.perf_counter()
        try:
            report = bot.ingest([path])
        except InputError as error:
            refused[path.name] = str(error)
            continue
        if report.embedded:
            seconds[path.name] = round(time.perf_counter() - start, 1)
    return seconds, refused


def _rank(passages: list[Chunk], law: str, articles: tuple[str, ...]) -> int:
    """1-based rank of the first passage from a gold article, 0 if none."""
    gold = {(law, a) for a in articles}
    return next((i for i, c in enumerate(passages, 1) if article_of(c) in gold), 0)


def _caption_row(bot: Assistant, q: StatuteQuestion, k: int) -> dict[str, Any]:
    retrieval = bot.retriever.retrieve(q.question, k, [q.question])
    rank = _rank([p.chunk for p in retrieval.passages], q.law, q.articles)
    answer = bot.ask(q.question)
    first = answer.citations[0] if answer.citations and not answer.abstained else None
    cited = first is not None and _rank([bot.chunk(first.chunk_id)], q.law, q.articles) == 1
    return {
        "id": q.id,
        "split": q.split,
        "lang": q.lang,
        "law": q.law,
        "question": q.question,
        "articles": list(q.articles),
        "rank": rank,
        "cited": cited,
        "first_citation": first.locator if first else None,
    }


def _handwritten(
    bot: Assistant, q: StatuteQuestion, docs: dict[tuple[str, str], str]
) -> QuestionResult:
    """Score like the gold set; gold spans are those of the languages ingested, and retrieval
    is counted by article (a passage of the gold article in either language counts)."""
    spans = tuple(
        GoldSpan(docs[(g["law"], g["lang"])], g["span"])
        for g in q.spans
        if (g["law"], g["lang"]) in docs
    )
    gold = EvalQuestion(
        q.id, q.split, q.lang, q.category, q.question, q.answerable, spans, q.key_facts
    )
    start = time.perf_counter()
    answer = bot.ask(q.question)
    answer.timings_ms.setdefault("total", (time.perf_counter() - start) * 1000)
    result = score(gold, answer, bot.index.document_text)
    if not q.answerable:
        return result
    rank = _rank([p.chunk for p in answer.passages], q.law, q.articles)
    return replace(result, recall=float(rank > 0), reciprocal_rank=1 / rank if rank else 0.0)


def run(
    settings: Settings,
    laws: Path,
    *,
    split: str = "all",
    languages: tuple[str, ...] = tuple(LANGUAGE_SETS),
    only_law: str | None = None,
    embedder: Embedder | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    captions: bool = True,
) -> list[Run]:
    """One run per language set: ingest, then ask the caption questions (all languages) and the
    hand-written ones (when both languages are in, or the question's language is)."""
    files = statute_files(laws)
    law_of = {path: meta["law"]["number"] for path, meta in files.items()}
    # An unanswerable question has no gold article: its law is the one it names.
    metas = {path.name: meta for path, meta in files.items()}
    questions = [
        q if q.law else replace(q, law=min(named_laws(q.question, metas), default=""))
        for q in load(settings.eval_dir, split)
        if captions or q.category != "caption"
    ]
    questions = [q for q in questions if not only_law or q.law == only_law]
    embedder = embedder or make_embedder(settings.embedding_model)
    base = settings.data_dir.with_name(settings.data_dir.name + "-statutes")
    runs = []
    for name in languages:
        chosen = [
            path
            for path, meta in files.items()
            if meta["language"] in LANGUAGE_SETS[name]
            and (not only_law or law_of[path] == only_law)
        ]
        bot = Assistant(settings.with_overrides(data_dir=base / name), embedder=embedder)
        seconds, refused = _ingest(bot, settings.corpus_dir, chosen)
        docs = {
            (law_of[f], files[f]["language"]): slugify(f.stem)
            for f in chosen
            if f.name not in refused
        }
        captions, results = [], []
        for i, q in enumerate(questions, 1):
            if q.category == "caption":
                captions.append(_caption_row(bot, q, max(5, settings.k)))
            elif name == "ja+en" or q.lang in LANGUAGE_SETS[name]:
                results.append(_handwritten(bot, q, docs))
            if progress:
                progress(name, i, len(questions))
        runs.append(Run(name, seconds, refused, captions, results))
    return runs


def bilingual(
    settings: Settings, laws: Path, split: str, embedder: Embedder | None = None
) -> tuple[Assistant, list[EvalQuestion]]:
    """The corpus with every statute in `laws` in both languages (in the data directory the
    evaluation uses), and the hand-written statute questions of `split` as gold questions."""
    files = statute_files(laws)
    bot = Assistant(
        settings.with_overrides(
            data_dir=settings.data_dir.with_name(settings.data_dir.name + "-statutes") / "ja+en"
        ),
        embedder=embedder,
    )
    _ingest(bot, settings.corpus_dir, list(files))
    questions = [
        EvalQuestion(
            q.id, q.split, q.lang, q.category, q.question, q.answerable, key_facts=q.key_facts
        )
        for q in load(settings.eval_dir, split)
        if q.category != "caption"
    ]
    return bot, questions


def caption_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ranks = [r["rank"] for r in rows]
    if not ranks:
        return {"questions": 0}
    return {
        "questions": len(ranks),
        "recall_at_1": round(sum(r == 1 for r in ranks) / len(ranks), 3),
        "recall_at_5": round(sum(0 < r <= 5 for r in ranks) / len(ranks), 3),
        "mrr": round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 3),
        "cited_at_1": round(sum(r["cited"] for r in rows) / len(rows), 3),
    }


def summary(run: Run) -> dict[str, Any]:
    """Caption figures per split, law and language; hand-written figures per split."""
    caption: dict[str, Any] = {}
    for split in ("dev", "test"):
        rows = [r for r in run.captions if r["split"] == split]
        groups: dict[str, list[dict[str, Any]]] = {"overall": rows}
        for r in rows:
            groups.setdefault(f"lang:{r['lang']}", []).append(r)
            groups.setdefault(f"{r['law']} / {r['lang']}", []).append(r)
        caption[split] = {g: caption_metrics(rs) for g, rs in groups.items()}
    handwritten = {}
    for split in ("dev", "test", "blind"):
        rows_h = [r for r in run.results if r.split == split]
        if rows_h:
            handwritten[split] = breakdown(rows_h)
    return {
        "languages": run.languages,
        "ingest_seconds": run.ingest_seconds,
        "refused": run.refused,
        "captions": caption,
        "handwritten": handwritten,
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Evaluate on the statutes (see module doc).")
    parser.add_argument("--laws", type=Path, required=True)
    parser.add_argument("--split", default="all")
    parser.add_argument("--languages", default=",".join(LANGUAGE_SETS))
    parser.add_argument("--law", default=None, help='only this law, e.g. "Act No. 53 of 2025"')
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    runs = run(
        settings,
        args.laws,
        split=args.split,
        languages=tuple(args.languages.split(",")),
        only_law=args.law,
    )
    from .statute_report import write

    paths = write(args.out or settings.eval_dir / "reports", runs)
    print(paths["markdown"].read_text(encoding="utf-8").split("### Caption questions whose")[0])


if __name__ == "__main__":
    main()
