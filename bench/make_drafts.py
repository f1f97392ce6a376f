"""Record real drafts of a local chat model for the guard's labelled set (`eval/drafts.jsonl`).

Prints progress, asserts nothing. Optional: it needs llama-cpp-python and a GGUF model.

    python bench/make_drafts.py --model qwen --limit 40       # Qwen2.5-Coder-1.5B-Instruct
    python bench/make_drafts.py --model smollm2 --limit 40    # SmolLM2-135M-Instruct

Each gold question (dev and test, both languages; an even sample of `--limit`) is asked through
the llamacpp backend on the shipped corpus, and its draft, as the model wrote it before the
guard, is recorded with the passages the model was shown and the draft's sentences, each with
the source markers the model put on it and an empty label. A person then labels each sentence
(see `assistant/evaluate/drafts.py` for the labels) before the guard is changed; the set grows
by running this again: drafts already recorded (same model and question) are kept as they are,
labels included. The draft's split is its question's: the guard is calibrated on dev drafts
and reported on test drafts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_llm import qwen_file, smollm2_file  # noqa: E402

from assistant import Assistant, Settings  # noqa: E402
from assistant.evaluate.evaluation import EvalQuestion, load_questions  # noqa: E402
from assistant.language import guess_language  # noqa: E402
from assistant.markers import split_claims  # noqa: E402
from assistant.schema import Answer  # noqa: E402

MODEL_NAMES = {
    "qwen": "qwen2.5-coder-1.5b-instruct-q4_k_m",
    "smollm2": "smollm2-135m-instruct-q4_1",
}


def record(model: str, question: EvalQuestion, answer: Answer) -> dict[str, object]:
    """One draft: the question, the numbered passages shown, the draft and its sentences."""
    guard = answer.guard or {}
    draft = str(guard.get("draft", ""))
    return {
        "id": f"{model}:{question.id}",
        "model": model,
        "question_id": question.id,
        "split": question.split,
        "lang": guess_language(question.question),
        "question": question.question,
        "passages": [
            {"n": n, "title": p.title, "chunk": asdict(p.chunk)}
            for n, p in enumerate(answer.passages or [], start=1)
        ],
        "draft": draft,
        "sentences": [
            {"text": claim, "markers": markers, "label": "", "kind": "", "source": None}
            for claim, markers in split_claims(draft)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(MODEL_NAMES), default="qwen")
    parser.add_argument("--limit", type=int, default=40, help="questions (an even sample)")
    parser.add_argument("--max-tokens", type=int, default=200, help="longest draft")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "drafts.jsonl")
    args = parser.parse_args()
    base = Settings()
    path = qwen_file(base.data_dir / "models") if args.model == "qwen" else smollm2_file()
    settings = base.with_overrides(
        backend="llamacpp", llm_model_path=str(path), llm_max_tokens=args.max_tokens
    )
    model = MODEL_NAMES[args.model]
    questions = [
        q
        for split in ("dev", "test")
        for q in load_questions(base.eval_dir / "questions.jsonl", split=split)
    ]
    step = max(1, len(questions) // args.limit)
    questions = questions[::step][: args.limit]
    lines = args.out.read_text(encoding="utf-8").splitlines() if args.out.exists() else []
    kept = [json.loads(line) for line in lines if line.strip()]
    known = {d["id"] for d in kept}
    bot = Assistant(settings)
    bot.ingest()
    added = 0
    for question in questions:
        if f"{model}:{question.id}" in known:
            continue
        start = time.perf_counter()
        answer = bot.ask(question.question)
        kept.append(record(model, question, answer))
        added += 1
        print(f"{question.id} {time.perf_counter() - start:5.1f} s", flush=True)
        args.out.write_text(  # after every draft: a long run keeps what it has done
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in kept), encoding="utf-8"
        )
    print(f"{added} drafts added to {args.out} ({len(kept)} in all)")


if __name__ == "__main__":
    main()
