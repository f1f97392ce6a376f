"""Fit the guard's thresholds on the dev part of the recorded drafts.

    .venv/bin/python bench/fit_guard.py [--split dev]

The thresholds: word overlap, paraphrase (overlap and similarity together), and similarity for
a sentence in another script than its source. Every set in the grid judges every dev sentence
(eval/drafts.jsonl) with the guard's checks as settings give them (`ASSISTANT_GUARD_CHECKS`),
and the set chosen keeps the fewest contradicted sentences, then has the highest recall on
supported sentences, then the highest precision (the order of the issue's targets: a
contradicted sentence kept is the worst error), then the strictest thresholds. A paraphrase
similarity of 1 means paraphrases off. The test part is never used to choose; `--split test`
only reports the grid there.
"""

from __future__ import annotations

import argparse
import itertools

from assistant.embeddings import make_embedder
from assistant.evaluate import drafts
from assistant.settings import Settings

OVERLAPS = (0.8, 0.85, 0.9)
PARAPHRASE_OVERLAPS = (0.5, 0.6, 0.7)
PARAPHRASE_SIMILARITIES = (0.9, 0.91, 0.92, 1.0)
SIMILARITIES = (0.86, 0.88, 0.9)  # a sentence in another script than its source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    args = parser.parse_args()
    settings = Settings()
    embedder = make_embedder(settings.embedding_model)
    chosen = [d for d in drafts.load(settings.eval_dir) if d.split == args.split]
    guard = drafts.make_guard(settings, embedder)
    results = []
    grid = itertools.product(SIMILARITIES, OVERLAPS, PARAPHRASE_OVERLAPS, PARAPHRASE_SIMILARITIES)
    for similarity, overlap, p_overlap, p_similarity in grid:
        if p_similarity >= 1.0 and p_overlap != PARAPHRASE_OVERLAPS[0]:
            continue  # paraphrases off: their overlap does not matter
        guard.min_similarity, guard.min_overlap = similarity, overlap
        guard.paraphrase = None if p_similarity >= 1.0 else (p_overlap, p_similarity)
        f = drafts.breakdown(drafts.judge(chosen, guard))["overall"]
        values = (similarity, overlap, p_overlap, p_similarity)
        key = (-f["contradicted_kept"], f["recall_supported"] or 0.0, f["precision"] or 0.0)
        results.append((key + values, values, f))
        print(
            f"similarity {similarity:.2f}  overlap {overlap:.2f}  "
            f"paraphrase {p_overlap:.2f} / {p_similarity:.2f}:  "
            f"precision {f['precision']}  recall {f['recall_supported']}  "
            f"contradicted kept {f['contradicted_kept']}  kept {f['kept']}",
            flush=True,
        )
    key, best, f = max(results, key=lambda r: r[0])
    print(
        f"\nchosen on {args.split}: guard_min_similarity={best[0]} guard_min_overlap={best[1]} "
        f"guard_paraphrase_overlap={best[2]} guard_paraphrase_similarity={best[3]} "
        f"(precision {f['precision']}, recall {f['recall_supported']}, "
        f"contradicted kept {f['contradicted_kept']})"
    )


if __name__ == "__main__":
    main()
