"""What a shorter `llm_max_tokens` costs in answers, measured on the recorded drafts.

    .venv/bin/python bench/bench_max_tokens.py [--limits 50,100,150,200]

The drafts in eval/drafts.jsonl were written greedily (temperature 0) with at most 200 tokens,
so the draft a model writes with a lower limit is the first tokens of the recorded one: each
draft is cut at every limit with the model's own tokenizer (the GGUF file is read for its
vocabulary only, no weights are run) and put through the guard as shipped. Printed per model
and limit: drafts that still give an answer, sentences kept, of which labelled supported or
partial, and the tokens the model would write (the time they take is tokens over the decode
speed measured by bench_llm.py, about 15 tokens/s for Qwen2.5-Coder-1.5B on two cores).
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_llm import qwen_file, smollm2_file  # noqa: E402
from make_drafts import MODEL_NAMES  # noqa: E402

from assistant import Settings  # noqa: E402
from assistant.embeddings import make_embedder  # noqa: E402
from assistant.evaluate import drafts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limits", default="50,100,150,200", help="token limits, comma-separated")
    args = parser.parse_args()
    limits = [int(n) for n in args.limits.split(",")]
    from llama_cpp import Llama

    settings = Settings()
    guard = drafts.make_guard(settings, make_embedder(settings.embedding_model))
    loaded = [d for d in drafts.load(settings.eval_dir) if d.text]
    files = {"qwen": lambda: qwen_file(settings.data_dir / "models"), "smollm2": smollm2_file}
    print("| model | max tokens | tokens written | answered | kept | kept and labelled good |")
    print("|---|---:|---:|---:|---:|---:|")
    for short, model in MODEL_NAMES.items():
        mine = [d for d in loaded if d.model == model]
        vocab = Llama(model_path=str(files[short]()), vocab_only=True, verbose=False)
        for limit in limits:
            written = answered = kept = good = 0
            for draft in mine:
                ids = vocab.tokenize(draft.text.encode("utf-8"), add_bos=False)[:limit]
                text = vocab.detokenize(ids).decode("utf-8", errors="ignore")
                written += len(ids)
                guarded = guard.check(text, list(draft.passages))
                answered += not guarded.abstained
                for _, label in drafts.kept_sentences(draft, guarded):
                    kept += 1
                    good += label in ("supported", "partial")
            print(f"| {short} | {limit} | {written} | {answered} | {kept} | {good} |", flush=True)


if __name__ == "__main__":
    main()
