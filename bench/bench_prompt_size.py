"""What the prompt's size costs and buys: drafts regenerated with fewer or more passages.

    .venv/bin/python bench/bench_prompt_size.py [--model qwen] [--ks 3,5] [--limit 12] [--show]
                                                [--wording shipped|own]

The prompt holds the `k` passages retrieval hands the answerer (`k`, 5 by default), and on two
cores reading the prompt takes much of a generated answer's time. For the dev questions of the
recorded drafts (eval/drafts.jsonl; an even sample of `--limit`), each `k` asks every question
through the llamacpp backend (greedy, at most 200 tokens, as the drafts were recorded) and the
guard as shipped. Printed per `k`: median seconds per answer and prompt tokens (the model's own
tokenizer), answers given, sentences kept, and of those how many match a labelled sentence of
the recorded drafts (supported or partial, or labelled wrong) or are new, unlabelled text,
and the share of kept text in the model's own words (not copied from a passage). At
the default `k` the drafts are the recorded ones, so every kept sentence is labelled; `--show`
prints the others with the passages they cite, for a person to judge. Needs
llama-cpp-python and the model; prints figures, asserts nothing. Test questions are not used.

`--wording own` asks with the system prompt's instructions plus one asking the model to restate
the sources in its own words (`OWN_WORDS` below), to measure what that buys against the
shipped wording.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_llm import qwen_file, smollm2_file  # noqa: E402
from make_drafts import MODEL_NAMES  # noqa: E402

from assistant import Assistant, Settings, generate  # noqa: E402
from assistant.evaluate import drafts  # noqa: E402
from assistant.guard import Guarded  # noqa: E402
from assistant.markers import answer_sentences  # noqa: E402

GOOD = ("supported", "partial")
OWN_WORDS = (
    "Write in your own words: restate what the sources say in short, plain sentences instead "
    "of copying their sentences, and keep every name, number, date and negation as the "
    "source gives it. "
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(MODEL_NAMES), default="qwen")
    parser.add_argument("--ks", default="3,5", help="passages in the prompt, comma-separated")
    parser.add_argument("--limit", type=int, default=12, help="dev questions (an even sample)")
    parser.add_argument(
        "--show", action="store_true", help="print each unlabelled kept sentence with its quotes"
    )
    parser.add_argument("--wording", choices=("shipped", "own"), default="shipped")
    args = parser.parse_args()
    from llama_cpp import Llama

    if args.wording == "own":
        anchor = "Do not add anything"
        generate.SYSTEM_PROMPT = generate.SYSTEM_PROMPT.replace(anchor, OWN_WORDS + anchor)

    base = Settings()
    path = qwen_file(base.data_dir / "models") if args.model == "qwen" else smollm2_file()
    name = MODEL_NAMES[args.model]
    recorded = [d for d in drafts.load(base.eval_dir) if d.model == name and d.split == "dev"]
    step = max(1, len(recorded) // args.limit)
    recorded = recorded[::step][: args.limit]
    vocabulary = Llama(model_path=str(path), vocab_only=True, verbose=False)

    def tokens(text: str) -> int:
        return len(vocabulary.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    print(
        "| k | median s | median prompt tokens | answered | kept | good | wrong | unlabelled "
        "| own words' share |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in (int(n) for n in args.ks.split(",")):
        settings = base.with_overrides(
            backend="llamacpp", llm_model_path=str(path), llm_max_tokens=200, k=k
        )
        bot = Assistant(settings)
        bot.ingest()
        seconds, prompts, answered, counts = [], [], 0, {"good": 0, "wrong": 0, "new": 0}
        chars = [0, 0]  # of kept text, and of it in the model's own words
        for draft in recorded:
            start = time.perf_counter()
            answer = bot.ask(draft.question)
            seconds.append(time.perf_counter() - start)
            prompt = generate.messages(draft.question, answer.passages)
            prompts.append(sum(tokens(text) for _, text in prompt))
            if answer.abstained:
                continue
            answered += 1
            guarded = Guarded(answer.answer, answer.citations)
            sources = [drafts.one_line(p.chunk.text) for p in answer.passages]
            by_marker = {c.marker: c.quote for c in answer.citations}
            cited = dict(answer_sentences(answer.answer, list(by_marker.values())))
            for flat, label in drafts.kept_sentences(draft, guarded):
                key = "new" if label is None else "good" if label in GOOD else "wrong"
                if key == "new" and args.show:
                    markers = next((m for c, m in cited.items() if drafts.one_line(c) == flat), [])
                    print(f"  {draft.id}: {flat}", file=sys.stderr)
                    for m in markers:
                        print(f"    [{m}] {drafts.one_line(by_marker[m])}", file=sys.stderr)
                counts[key] += 1
                chars[0] += len(flat)
                chars[1] += 0 if any(flat.rstrip(".。") in x for x in sources) else len(flat)
        kept = sum(counts.values())
        print(
            f"| {k} | {statistics.median(seconds):.1f} | {statistics.median(prompts):.0f} | "
            f"{answered} / {len(recorded)} | {kept} | {counts['good']} | {counts['wrong']} | "
            f"{counts['new']} | {chars[1] / max(chars[0], 1):.2f} |",
            flush=True,
        )
        del bot


if __name__ == "__main__":
    main()
