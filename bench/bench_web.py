"""Benchmark the chat page under load: answers/s with N concurrent API users on loopback.

Prints figures, asserts nothing. Run after `make index` (it uses the configured index):

    python bench/bench_web.py                     # 1, 2, 4 and 8 users, 40 questions each round

The page is started in this process (`web.serve` on a free loopback port, the embedded default
backend); each user is a `gradio_client.Client` in its own thread asking the eval questions
through `/ask` one after another. Reported per user count: answers/s over the round, and the
p50 / p95 time a user waited for an answer. Every answer is checked to be an answer or an
abstention with verbatim citations; a failed request is counted and reported.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.evaluate.evaluation import load_questions  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,2,4,8", help="comma-separated user counts")
    parser.add_argument("--questions", type=int, default=40, help="questions per round")
    args = parser.parse_args()

    from gradio_client import Client

    from assistant.faces.web import serve

    bot = Assistant(Settings())
    bot.ingest()
    bot.warm_up()
    port = free_port()
    app = serve(bot, port=port, block=False)
    url = f"http://127.0.0.1:{port}/"
    questions = [q.question for q in load_questions(bot.settings.eval_dir / "questions.jsonl")]
    local = threading.local()

    def ask(question: str) -> tuple[float, bool]:
        if not hasattr(local, "client"):
            local.client = Client(url, verbose=False)
        start = time.perf_counter()
        try:
            data = local.client.predict(question=question, api_name="/ask")
        except Exception:  # noqa: BLE001 - counted as a failure
            return time.perf_counter() - start, False
        ok = isinstance(data, dict) and (
            data["abstained"]
            or all(
                bot.index.document_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]
                for c in data["citations"]
            )
        )
        return time.perf_counter() - start, ok

    print("| users | answers/s | wait p50 / p95 ms | failed |")
    print("|---:|---:|---:|---:|")
    try:
        for users in (int(u) for u in args.users.split(",")):
            batch = [questions[i % len(questions)] for i in range(args.questions)]
            with ThreadPoolExecutor(max_workers=users) as pool:
                list(pool.map(ask, batch[:users]))  # connect every client first
                start = time.perf_counter()
                results = list(pool.map(ask, batch))
                elapsed = time.perf_counter() - start
            waits = [w * 1000 for w, _ in results]
            failed = sum(not ok for _, ok in results)
            print(
                f"| {users} | {len(results) / elapsed:.1f} | {statistics.median(waits):.0f} / "
                f"{percentile(waits, 95):.0f} | {failed} |",
                flush=True,
            )
    finally:
        app.close()


if __name__ == "__main__":
    main()
