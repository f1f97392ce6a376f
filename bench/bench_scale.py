"""Benchmark retrieval at scale: 10k, 100k and 1M synthetic chunks.

Prints figures, asserts nothing.

    python bench/bench_scale.py                   # 10k and 100k chunks
    python bench/bench_scale.py --scales 1000000  # 1M (about 50 minutes to build here, 13 GB)
    python bench/bench_scale.py --scales "" --reingest 10000   # unchanged re-ingest, 10k docs

Each scale runs in its own process (so its peak memory is its own):

- a deterministic synthetic corpus of policy-like chunks (`synthetic_chunks`: sentences built
  from policy vocabulary, bodies, instruments and dates, in English and Japanese);
- chunk vectors: embedding a million chunks with the real model would take days on this
  machine, so each chunk gets a deterministic unit vector near one of 256 topic centres, which
  gives the HNSW graph realistic clustered data; queries are embedded by the real model and
  perturbed towards a topic;
- the real stores: a persistent Chroma collection (cosine HNSW, what `assistant` uses) and the
  BM25 keyword index (`KeywordIndex`, the same tokeniser as the product);
- a sentence collection beside it (`--sentences` vectors per chunk, each naming its chunk), as
  `sentence_search` uses: the nearest 80 sentences give the best 20 chunks;
- dense, sentence, keyword and fused (weighted reciprocal rank fusion, as `Retriever` does)
  latency p50 / p95 over 100 queries, build times, and peak resident memory of the process.

`--reingest N` writes N small synthetic documents and ingests them through the real pipeline
(real embedder, default MiniLM for speed; `--model e5-small` for the default one): the first
ingest is timed stage by stage, with the process's resident memory sampled each tenth of the
chunks written (vectors are written in batches, never all held at once). It then times
re-ingesting the unchanged set: the path a
researcher takes on every `assistant ingest`, which must embed and rewrite nothing (and, with
the files aged an hour as a corpus on disk would be, read nothing: beside it, the same re-ingest
with `--reread`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.chunking import chunk_id  # noqa: E402
from assistant.keyword import KeywordIndex  # noqa: E402
from assistant.retrieve import fusion_weights, reciprocal_rank_fusion  # noqa: E402
from assistant.schema import Chunk  # noqa: E402

BODIES = [
    "the Cabinet Office",
    "the Digital Agency",
    "METI",
    "the AI Safety Institute",
    "the Personal Information Protection Commission",
    "the AI Strategy Council",
    "the LDP",
    "the Ministry of Internal Affairs and Communications",
    "the Japan Fair Trade Commission",
]
INSTRUMENTS = [
    "guidelines for AI businesses",
    "a risk-based framework",
    "the AI Promotion Act",
    "a code of conduct for developers",
    "evaluation methods for AI safety",
    "rules on generative AI and copyright",
    "a data protection review",
    "an interim report",
]
VERBS = ["published", "revised", "proposed", "adopted", "reviewed", "consulted on", "announced"]
TOPICS = [
    "transparency",
    "accountability",
    "deepfakes",
    "critical infrastructure",
    "education",
    "foundation models",
    "international alignment",
    "disinformation",
    "start-ups",
    "compute",
]
JA_SENTENCES = [
    "政府は人工知能の研究開発を推進する。",
    "事業者は透明性の確保に努めなければならない。",
    "デジタル庁はガイドラインを改訂した。",
    "国は国際的な枠組みとの整合を図る。",
]


def synthetic_chunks(n: int, seed: int = 7) -> list[Chunk]:
    """`n` deterministic policy-like chunks across n // 8 documents."""
    rng = random.Random(seed)
    chunks = []
    for i in range(n):
        sentences = []
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.15:
                sentences.append(rng.choice(JA_SENTENCES))
                continue
            sentences.append(
                f"In {rng.choice(['April', 'June', 'October', 'December'])} "
                f"{rng.randint(2016, 2026)}, {rng.choice(BODIES)} {rng.choice(VERBS)} "
                f"{rng.choice(INSTRUMENTS)} on {rng.choice(TOPICS)}."
            )
        text = " ".join(sentences)
        doc = f"synthetic-{i // 8:06d}"
        chunks.append(
            Chunk(chunk_id(doc, "", i, i + len(text), text), doc, text, 0, len(text), "", i % 8)
        )
    return chunks


def synthetic_vectors(n: int, dim: int = 384, topics: int = 256, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 50_000):
        size = min(50_000, n - start)
        rows = centres[rng.integers(0, topics, size)] + 0.6 * rng.standard_normal((size, dim))
        out[start : start + size] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


QUERIES = [
    "When did the Digital Agency revise the guidelines on transparency?",
    "What did the AI Safety Institute publish on evaluation methods?",
    "Which body proposed rules on generative AI and copyright?",
    "デジタル庁はいつガイドラインを改訂しましたか？",
    "What did METI announce about start-ups and compute?",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_scale(n: int, sentences: int) -> dict[str, float]:
    import chromadb

    from assistant.embeddings import make_embedder

    t0 = time.perf_counter()
    chunks = synthetic_chunks(n)
    vectors = synthetic_vectors(n)
    generate_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(
            path=tmp, settings=chromadb.Settings(anonymized_telemetry=False)
        )
        collection = client.create_collection(
            "scale", metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        t0 = time.perf_counter()
        batch = 5000
        for start in range(0, n, batch):
            part = chunks[start : start + batch]
            collection.add(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start : start + batch],
                metadatas=[{"doc_id": c.doc_id, "ordinal": c.ordinal} for c in part],
            )
        dense_build_s = time.perf_counter() - t0
        # the sentence collection: `sentences` vectors per chunk, each near its chunk's vector
        # and naming its chunk
        noise = np.random.default_rng(11)
        units = client.create_collection(
            "scale-units", metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        t0 = time.perf_counter()
        for start in range(0, n * sentences, batch):
            size = min(batch, n * sentences - start)
            rows = vectors[np.arange(start, start + size) // sentences]
            rows = rows + 0.04 * noise.standard_normal(rows.shape, dtype=np.float32)
            units.add(
                ids=[f"u{j}" for j in range(start, start + size)],
                embeddings=rows / np.linalg.norm(rows, axis=1, keepdims=True),
                metadatas=[
                    {"chunk_id": chunks[j // sentences].chunk_id}
                    for j in range(start, start + size)
                ],
            )
        sentence_build_s = time.perf_counter() - t0
        del vectors
        t0 = time.perf_counter()
        keyword = KeywordIndex.build(chunks)
        keyword_build_s = time.perf_counter() - t0

        embedder = make_embedder("e5-small")
        base = embedder.encode(QUERIES, query=True)
        rng = np.random.default_rng(1)
        dense_ms, sentence_ms, keyword_ms, fused_ms = [], [], [], []
        for i in range(100):
            text = QUERIES[i % len(QUERIES)]
            vector = base[i % len(QUERIES)] + 0.05 * rng.standard_normal(base.shape[1])
            vector = (vector / np.linalg.norm(vector)).tolist()
            t0 = time.perf_counter()
            dense = collection.query(query_embeddings=[vector], n_results=20, include=["distances"])
            t1 = time.perf_counter()
            by_sentence: list[str] = []
            if sentences:
                found = units.query(
                    query_embeddings=[vector], n_results=80, include=["metadatas", "distances"]
                )
                by_sentence = list(dict.fromkeys(m["chunk_id"] for m in found["metadatas"][0]))
            t2 = time.perf_counter()
            hits = keyword.search(text, 20)
            t3 = time.perf_counter()
            reciprocal_rank_fusion(
                [dense["ids"][0], by_sentence[:20], [c.chunk_id for c, _ in hits]],
                k=60,
                weights=fusion_weights(bool(sentences)),
            )
            t4 = time.perf_counter()
            if i >= 5:  # the first queries warm caches
                dense_ms.append((t1 - t0) * 1000)
                sentence_ms.append((t2 - t1) * 1000)
                keyword_ms.append((t3 - t2) * 1000)
                fused_ms.append((t4 - t0) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "chunks": n,
        "generate_s": generate_s,
        "dense_build_s": dense_build_s,
        "sentence_build_s": sentence_build_s,
        "keyword_build_s": keyword_build_s,
        "dense_p50": statistics.median(dense_ms),
        "dense_p95": percentile(dense_ms, 95),
        "sentence_p50": statistics.median(sentence_ms),
        "sentence_p95": percentile(sentence_ms, 95),
        "keyword_p50": statistics.median(keyword_ms),
        "keyword_p95": percentile(keyword_ms, 95),
        "fused_p50": statistics.median(fused_ms),
        "fused_p95": percentile(fused_ms, 95),
        "peak_mb": peak_mb,
    }


def resident_mb() -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_reingest(documents: int, model: str) -> None:
    """Ingest `documents` small synthetic files (their first ingest timed by stage, with the
    resident memory as vectors are written), then time an unchanged re-ingest."""
    from assistant import Assistant, Settings

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        an_hour_ago = time.time_ns() - 3600 * 10**9  # a corpus that has sat on disk a while
        for i, chunk in enumerate(synthetic_chunks(documents)):
            path = corpus / f"doc-{i:06d}.txt"
            path.write_text(
                f"Notice {i} {rng.randint(0, 10**6)}\n\n{chunk.text}\n", encoding="utf-8"
            )
            os.utime(path, ns=(an_hour_ago, an_hour_ago))
        settings = Settings(data_dir=Path(tmp) / "data", corpus_dir=corpus, embedding_model=model)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.iterdir())
        memory: dict[int, float] = {}  # resident MB when that many chunks had their vectors

        def sample(done: int, total: int) -> None:
            tenth = done * 10 // max(total, 1)  # a sample each tenth of the way (batch ends)
            if done in (0, total) or tenth > max(memory, default=0) * 10 // max(total, 1):
                memory[done] = resident_mb()

        t0 = time.perf_counter()
        first = Assistant(settings).ingest(progress=sample)
        first_s = time.perf_counter() - t0
        stages = ", ".join(f"{k} {v:.1f}" for k, v in first.seconds.items())
        print(
            f"first ingest of {documents:,} documents ({chars:,} characters, {model}): "
            f"{first_s:.0f} s, {chars / first_s:,.0f} characters/s; stages (s): {stages}"
        )
        print(
            "resident memory (MB) by chunks written: "
            + ", ".join(f"{done:,}: {mb:.0f}" for done, mb in sorted(memory.items()))
        )
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(3):
            for reread in (False, True):
                bot = Assistant(settings)  # a fresh process would also read the registry anew
                t0 = time.perf_counter()
                again = bot.ingest(reread=reread)
                times[reread].append(time.perf_counter() - t0)
                assert again.embedded == 0 and len(again.unchanged) == documents
    for reread, label in (
        (False, "unchanged re-ingest"),
        (True, "with --reread (every file read)"),
    ):
        runs = times[reread]
        print(
            f"{documents:,} unchanged documents ({first.total_chunks:,} chunks, {model}; first "
            f"ingest {first_s:.0f} s): {label} median {statistics.median(runs):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in runs)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="10000,100000", help="comma-separated chunk counts")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one scale, print JSON
    parser.add_argument(
        "--reingest", type=int, default=0, help="also time re-ingesting this many documents"
    )
    parser.add_argument("--model", default="minilm", help="embedder for --reingest")
    parser.add_argument(
        "--sentences",
        type=int,
        default=4,
        help="sentence vectors per chunk for sentence search (0: passages and keywords only)",
    )
    args = parser.parse_args()
    if args.reingest:
        bench_reingest(args.reingest, args.model)
    if args.one:
        print(json.dumps(run_scale(args.one, args.sentences)))
        return
    scales = [int(s) for s in args.scales.split(",") if s]
    if not scales:
        return
    print(
        f"| chunks | build: dense / sentences ({args.sentences} per chunk) / keyword s "
        "| dense p50 / p95 ms | sentences p50 / p95 ms | keyword p50 / p95 ms "
        "| retrieval p50 / p95 ms | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in scales:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--sentences", str(args.sentences)],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"| {n} | failed: {out.stderr.strip().splitlines()[-1]} ||||||")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {n:,} | {r['dense_build_s']:.0f} / {r['sentence_build_s']:.0f} "
            f"/ {r['keyword_build_s']:.0f} "
            f"| {r['dense_p50']:.1f} / {r['dense_p95']:.1f} "
            f"| {r['sentence_p50']:.1f} / {r['sentence_p95']:.1f} "
            f"| {r['keyword_p50']:.1f} / {r['keyword_p95']:.1f} "
            f"| {r['fused_p50']:.1f} / {r['fused_p95']:.1f} | {r['peak_mb']:.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
