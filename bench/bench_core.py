"""Benchmark the core: ingest throughput against the raw encoder, and ask latency.

Prints figures, asserts nothing. Run with `make bench` or `python bench/bench_core.py`.

- ingest: a corpus made from the seed documents (each copy gets its own heading and a rotated
  paragraph order, so every chunk is new text that must be embedded) is ingested into a fresh
  index; the same texts (chunks and their sentence units) are also encoded directly, which is
  the limit on this machine. Both in chunks/s, and their ratio.
- ask: every question of `eval/questions.jsonl` asked on a warm assistant; p50 / p95 in ms,
  first pass (sentence cache cold) and second pass.
- the plain LangChain tutorial pipeline (`Chroma.from_documents` with the same model) on the
  same corpus in the same run: ingest in corpus characters/s and query latency, as ratios.
- cold start: wall time of one `python -m assistant ask` process, start to answer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.chunking import chunk_document, evidence_units  # noqa: E402
from assistant.corpus import read_paths  # noqa: E402
from assistant.embeddings import Embedder, make_embedder  # noqa: E402
from assistant.evaluate.evaluation import load_questions  # noqa: E402
from assistant.index import passage_text  # noqa: E402
from assistant.text import paragraphs  # noqa: E402


def make_corpus(target: Path, copies: int) -> None:
    """Write `copies` variants of each seed document's article body into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for doc in read_paths([ROOT / "corpus"], max_bytes=10**8):
        body_end = doc.body[-1][1]
        paras = [doc.text[a:b] for a, b in paragraphs(doc.text, 0, body_end)]
        for i in range(copies):
            shift = i % len(paras)
            rotated = paras[shift:] + paras[:shift]
            text = f"Variant {i} of {doc.title}\n\n" + "\n\n".join(
                f"{p} (variant {i})" if not p.endswith(":") else p for p in rotated
            )
            (target / f"{doc.doc_id}-{i:04d}.txt").write_text(text, encoding="utf-8")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _raw_rate(embedder: Embedder, texts: list[str], chunks: int) -> float:
    """Chunks/s when the encoder embeds `texts` (the chunks' and their units') in one call."""
    start = time.perf_counter()
    embedder.encode(texts)
    return chunks / (time.perf_counter() - start)


def bench_ingest(embedder: Embedder, copies: int, repeats: int) -> None:
    ingest_rates, raw_rates, ratios, outside = [], [], [], []
    for run in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            make_corpus(corpus, copies)
            settings = Settings(
                data_dir=Path(tmp) / "data", corpus_dir=corpus, embedding_model=embedder.name
            )
            chunks = [
                c
                for d in read_paths([corpus], max_bytes=10**8)
                for c in chunk_document(d, max_chars=settings.chunk_max_chars)
            ]
            # The same texts ingest embeds: each chunk and each of its quotable units.
            texts = [passage_text(c) for c in chunks]
            texts += [u.context for c in chunks for u in evidence_units(c)]
            texts = list(dict.fromkeys(texts))  # ingest embeds a repeated text once
            bot = Assistant(settings, embedder=embedder)
            # open the store first: its one-time import is not ingest
            bot.index.stores.passages.count()
            # Alternate which goes first, so a machine that speeds up or slows down during a
            # run does not always favour the same side.
            raw = _raw_rate(embedder, texts, len(chunks)) if run % 2 == 0 else 0.0
            inside = embedder.seconds
            start = time.perf_counter()
            report = bot.ingest()
            elapsed = time.perf_counter() - start
            inside = embedder.seconds - inside
            rate = report.embedded / elapsed
            raw = raw or _raw_rate(embedder, texts, len(chunks))

            start = time.perf_counter()
            again = bot.ingest()
            reingest = time.perf_counter() - start
            assert again.embedded == 0
        outside.append(1 - inside / elapsed)
        raw_rates.append(raw)
        ingest_rates.append(rate)
        ratios.append(rate / raw)
        print(
            f"  run: {len(chunks)} chunks ({len(texts)} texts)  raw {raw:.1f}/s  "
            f"ingest {rate:.1f}/s  ratio {rate / raw:.2f}  outside the encoder "
            f"{outside[-1]:.1%} of ingest  unchanged re-ingest {reingest:.2f}s"
        )
    print(
        f"ingest (median of {repeats}): {statistics.median(ingest_rates):.1f} chunks/s; "
        f"raw encoder {statistics.median(raw_rates):.1f} chunks/s; "
        f"ratio {statistics.median(ratios):.2f}; outside the encoder "
        f"{statistics.median(outside):.1%} of ingest time"
    )


def bench_ask(embedder: Embedder) -> None:
    """Ask latency over the gold questions: two passes with the default settings, then the
    same index with sentence search off, passes alternating, for its cost per question."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", embedding_model=embedder.name)
        bot = Assistant(settings, embedder=embedder)
        bot.ingest()
        bot.warm_up()
        questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")]

        def one_pass(assistant: Assistant) -> list[float]:
            latencies = []
            for q in questions:
                start = time.perf_counter()
                assistant.ask(q)
                latencies.append((time.perf_counter() - start) * 1000)
            return latencies

        for label in ("first pass", "second pass"):
            latencies = one_pass(bot)
            p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
            print(f"ask ({label}, {len(questions)} questions): p50 {p50:.1f} ms, p95 {p95:.1f} ms")

        without = Assistant(
            settings.model_copy(update={"sentence_search": False}), embedder=embedder
        )
        without.warm_up()
        one_pass(without)  # its own first pass fills its caches
        on: list[float] = []
        off: list[float] = []
        for _ in range(3):
            on += one_pass(bot)
            off += one_pass(without)
        print(
            f"ask with / without sentence search (3 alternating passes): p50 "
            f"{percentile(on, 50):.1f} / {percentile(off, 50):.1f} ms, p95 "
            f"{percentile(on, 95):.1f} / {percentile(off, 95):.1f} ms"
        )


def bench_tutorial(embedder: Embedder, copies: int, repeats: int) -> None:
    """The plain LangChain tutorial pipeline on the same corpus and model, against ours.

    Tutorial: RecursiveCharacterTextSplitter(1000, 200) + Chroma.from_documents + similarity
    search (k=4). Ours: `assistant ingest` (structured chunks plus their sentence units, so
    more to embed) and `Assistant.ask` (retrieval, evidence scoring, citation check). Ingest is
    compared in corpus characters per second, the fair unit when the chunkings differ."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    ours_rates, tutorial_rates, ours_ask, tutorial_ask = [], [], [], []
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")][:20]
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            make_corpus(corpus, copies)
            docs = read_paths([corpus], max_bytes=10**8)
            chars = sum(len(d.text) for d in docs)
            splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
            splits = splitter.split_documents(
                [Document(d.text, metadata={"doc_id": d.doc_id}) for d in docs]
            )
            start = time.perf_counter()
            store = Chroma.from_documents(
                splits, embedding=embedder, persist_directory=str(Path(tmp) / "tutorial")
            )
            tutorial_rates.append(chars / (time.perf_counter() - start))

            settings = Settings(
                data_dir=Path(tmp) / "data", corpus_dir=corpus, embedding_model=embedder.name
            )
            bot = Assistant(settings, embedder=embedder)
            start = time.perf_counter()
            bot.ingest()
            ours_rates.append(chars / (time.perf_counter() - start))

            for q in questions:
                start = time.perf_counter()
                store.similarity_search(q, k=4)
                tutorial_ask.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                bot.ask(q)
                ours_ask.append((time.perf_counter() - start) * 1000)
    ours, tutorial = statistics.median(ours_rates), statistics.median(tutorial_rates)
    print(
        f"LangChain tutorial pipeline: ingest {tutorial:.0f} chars/s, ours {ours:.0f} chars/s "
        f"(ratio ours/tutorial {ours / tutorial:.2f}); query p50 tutorial "
        f"{statistics.median(tutorial_ask):.1f} ms (retrieval only), ours "
        f"{statistics.median(ours_ask):.1f} ms (full cited answer)"
    )


def bench_cold_start(embedder: Embedder) -> None:
    """One `assistant ask` process over an index of the seed corpus built here beforehand, so
    the figure is the same on a fresh checkout that has no index of its own yet."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings = Settings(data_dir=data_dir, embedding_model=embedder.name)
        Assistant(settings, embedder=embedder).ingest()
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(data_dir),
            "ASSISTANT_EMBEDDING_MODEL": embedder.name,
        }
        times = []
        for _ in range(3):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "assistant", "ask", "--json", "Who chairs the AI PT?"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                check=False,
            )
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                print(f"cold start: the process failed (exit {proc.returncode}): {proc.stderr}")
                return
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"cold start (process start to answer): median {statistics.median(times):.2f} s ({runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=25, help="variants per seed document")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default=None, help="embedding model (default: the setting)")
    args = parser.parse_args()
    model = args.model or Settings().embedding_model
    print(f"embedding model: {model}")
    embedder = make_embedder(model)
    embedder.load()
    bench_ingest(embedder, args.copies, args.repeats)
    bench_tutorial(embedder, max(1, args.copies // 2), args.repeats)
    bench_ask(embedder)
    bench_cold_start(embedder)


if __name__ == "__main__":
    main()
