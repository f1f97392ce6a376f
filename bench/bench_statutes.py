"""Benchmark ingesting statutes: each law, each language, into a fresh index of its own.

Prints figures, asserts nothing. `python bench/bench_statutes.py [--laws DIR] [--runs N]`
(default: ../shared/laws, 1 run; with several runs the median is printed). For each file:
the time to read and parse it, the chunks and sentence units it gives, the time of a whole
ingest (read, chunk, embed, store, commit), and the throughput in chunks/s and characters/s;
then a question per law in each language, answered from that index (ask p50 in ms); and
where the ingest time went, stage by stage (`IngestReport.seconds`). With `--tutorial`, each
file's text also goes through the plain LangChain tutorial pipeline with the same model
(RecursiveCharacterTextSplitter 1000/200 characters, `Chroma.from_documents`), timed the same
way, and the ratio of corpus characters per second, ours to the tutorial's, is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.chunking import chunk_document, evidence_units  # noqa: E402
from assistant.corpus import read_document  # noqa: E402
from assistant.embeddings import make_embedder  # noqa: E402

QUESTIONS = {
    "en": ["What is the purpose of this Act?", "Who must cooperate with the national government?"],
    "ja": ["この法律の目的は何ですか？", "国の施策に協力する者は誰ですか？"],
}


# The stages of `IngestReport.seconds`, in the order an ingest runs them.
STAGES = (
    "read",
    "plan",
    "scan",
    "encode units",
    "encode passages",
    "store writes",
    "state",
    "commit",
)


def tutorial_seconds(text: str, embedder: object) -> float:
    """Seconds for the plain LangChain tutorial pipeline to split, embed and store `text`."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        [Document(text)]
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        Chroma.from_documents(splits, embedding=embedder, persist_directory=tmp)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=Path, default=ROOT.parent / "shared" / "laws")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tutorial", action="store_true", help="also time the tutorial pipeline")
    args = parser.parse_args()
    files = sorted(args.laws.glob("*.xml"))
    if not files:
        sys.exit(f"no statute XML files in {args.laws}")
    embedder = make_embedder(Settings().embedding_model)
    embedder.encode(["warm up"])
    print(
        f"{'file':34} {'chars':>7} {'chunks':>6} {'units':>6} {'parse s':>8} "
        f"{'ingest s':>9} {'chunks/s':>8} {'chars/s':>8} {'ask p50 ms':>10}"
    )
    profiles: dict[str, dict[str, float]] = {}
    ratios: list[str] = []
    for path in files:
        start = time.perf_counter()
        document = read_document(path)
        parse = time.perf_counter() - start
        chunks = chunk_document(document)
        units = sum(len(evidence_units(c)) for c in chunks)
        chars = sum(len(c.text) for c in chunks)
        times, latencies, stages = [], [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                settings = Settings(data_dir=Path(tmp) / "data", corpus_dir=Path(tmp) / "none")
                bot = Assistant(settings, embedder=embedder)
                start = time.perf_counter()
                report = bot.ingest([path])
                times.append(time.perf_counter() - start)
                stages.append(report.seconds)
                for question in QUESTIONS[document.language] * 3:
                    start = time.perf_counter()
                    bot.ask(question)
                    latencies.append((time.perf_counter() - start) * 1000)
        seconds = statistics.median(times)
        print(
            f"{path.name:34} {chars:>7} {len(chunks):>6} {units:>6} {parse:>8.2f} "
            f"{seconds:>9.1f} {len(chunks) / seconds:>8.2f} {chars / seconds:>8.0f} "
            f"{statistics.median(latencies):>10.1f}"
        )
        if args.tutorial:
            tutorial = statistics.median(
                tutorial_seconds(document.text, embedder) for _ in range(args.runs)
            )
            ratios.append(
                f"{path.name:34} tutorial {tutorial:7.1f} s, {len(document.text) / tutorial:6.0f} "
                f"chars/s; ours {len(document.text) / seconds:6.0f} chars/s: ratio "
                f"ours/tutorial {tutorial / seconds:.2f}"
            )
        profiles[path.name] = {
            stage: statistics.median(run.get(stage, 0.0) for run in stages) for stage in STAGES
        }
    if ratios:
        print("\nagainst the LangChain tutorial pipeline (characters of the document per second):")
        print("\n".join(ratios))
    print("\nwhere ingest time goes (seconds, median of runs; encoding split by characters):")
    print(f"{'file':34} " + " ".join(f"{s:>{max(8, len(s))}}" for s in STAGES))
    for name, profile in profiles.items():
        print(f"{name:34} " + " ".join(f"{profile[s]:>{max(8, len(s))}.2f}" for s in STAGES))


if __name__ == "__main__":
    main()
