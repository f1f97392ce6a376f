#!/usr/bin/env python3
"""Validate the blind evaluation set in eval/blind.jsonl.

Standalone (standard library only). Paths are resolved relative to this file:
``eval/..`` is the repository root, the questions are ``eval/blind.jsonl`` and
the corpus manifest is ``corpus/manifest.json``.

Checks:

* every line is a JSON object with the expected fields and types, ids are
  unique and look like ``bNNN``, ``split`` is ``blind``, ``lang`` is en/ja and
  the category is known;
* ``answerable`` is false exactly for the ``unanswerable`` category;
  unanswerable questions have empty ``gold`` and ``key_facts`` and a ``notes``
  string saying why; answerable questions have non-empty gold and key facts;
* every gold span names a known document, occurs verbatim in that document's
  article text (before the boilerplate marker line given by the manifest's
  ``tail_from_line``), lies within one paragraph (no line break) and does not
  occur only in the boilerplate tail;
* every key-fact surface form is a non-empty string that occurs
  (case-insensitively) in at least one of the question's gold spans;
* ``cross_doc`` questions cite spans from at least two documents;
* Japanese questions contain Japanese characters;
* minimum counts (total, unanswerable, rewordings).

Prints counts per category and language and exits 1 on any failure.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_PATH = ROOT / "eval" / "blind.jsonl"
MANIFEST_PATH = ROOT / "corpus" / "manifest.json"

LANGS = ("en", "ja")
CATEGORIES = ("single_fact", "list", "date_number", "cross_doc", "paraphrase", "unanswerable")
FIELDS = {
    "id": str,
    "split": str,
    "lang": str,
    "category": str,
    "question": str,
    "answerable": bool,
    "gold": list,
    "key_facts": list,
}
OPTIONAL = {"notes": str}
ID_PATTERN = re.compile(r"^b\d{3,}$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
REWORDING = re.compile(r"rewording of q\d{3,}")

MIN_TOTAL = 110
MIN_UNANSWERABLE = 35
MIN_REWORDINGS = 25


def load_documents(errors: list[str]) -> dict[str, tuple[str, str]]:
    """Return {doc_id: (article_text, boilerplate_tail)}."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    docs: dict[str, tuple[str, str]] = {}
    for entry in manifest["documents"]:
        text = (MANIFEST_PATH.parent / entry["file"]).read_text(encoding="utf-8")
        markers = {b["tail_from_line"] for b in entry.get("boilerplate", [])}
        cut = len(text)
        found = set()
        offset = 0
        for line in text.splitlines(keepends=True):
            if line.strip() in markers:
                found.add(line.strip())
                cut = min(cut, offset)
            offset += len(line)
        if found != markers:
            errors.append(f"{entry['doc_id']}: boilerplate marker(s) {sorted(markers - found)} not found")
        docs[entry["doc_id"]] = (text[:cut], text[cut:])
    return docs


def main() -> int:
    errors: list[str] = []
    docs = load_documents(errors)
    questions = []
    for lineno, line in enumerate(QUESTIONS_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            errors.append(f"line {lineno}: blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {lineno}: not an object")
            continue
        questions.append(obj)

    seen: set[str] = set()
    cat_lang: Counter = Counter()
    rewordings = 0
    for q in questions:
        qid = q.get("id", "?")
        where = f"{qid}"
        bad = False
        for field, typ in FIELDS.items():
            if not isinstance(q.get(field), typ):
                errors.append(f"{where}: field {field!r} missing or not {typ.__name__}")
                bad = True
        for field in q:
            if field not in FIELDS and field not in OPTIONAL:
                errors.append(f"{where}: unexpected field {field!r}")
        if "notes" in q and not isinstance(q["notes"], str):
            errors.append(f"{where}: notes must be a string")
        if bad:
            continue
        if not ID_PATTERN.match(qid):
            errors.append(f"{where}: bad id format")
        if qid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(qid)
        if q["split"] != "blind":
            errors.append(f"{where}: split must be 'blind'")
        if q["lang"] not in LANGS:
            errors.append(f"{where}: bad lang {q['lang']!r}")
        if q["category"] not in CATEGORIES:
            errors.append(f"{where}: bad category {q['category']!r}")
        if not q["question"].strip():
            errors.append(f"{where}: empty question")
        if q["lang"] == "ja" and not JAPANESE.search(q["question"]):
            errors.append(f"{where}: lang ja but question has no Japanese characters")
        if q["lang"] == "en" and JAPANESE.search(q["question"]):
            errors.append(f"{where}: lang en but question contains Japanese characters")
        cat_lang[(q["category"], q["lang"])] += 1
        notes = q.get("notes", "")
        if REWORDING.search(notes):
            rewordings += 1

        unans = q["category"] == "unanswerable"
        if q["answerable"] == unans:
            errors.append(f"{where}: answerable must be {not unans} for category {q['category']}")
        if unans:
            if q["gold"] or q["key_facts"]:
                errors.append(f"{where}: unanswerable question must have empty gold and key_facts")
            if not notes.strip():
                errors.append(f"{where}: unanswerable question needs notes explaining why")
            continue
        if not q["gold"]:
            errors.append(f"{where}: answerable question has no gold")
        if not q["key_facts"]:
            errors.append(f"{where}: answerable question has no key_facts")

        spans: list[str] = []
        doc_ids = set()
        for g in q["gold"]:
            if not isinstance(g, dict) or set(g) != {"doc_id", "span"} \
                    or not isinstance(g.get("doc_id"), str) or not isinstance(g.get("span"), str):
                errors.append(f"{where}: gold entry must be {{doc_id, span}} strings: {g!r}")
                continue
            doc_id, span = g["doc_id"], g["span"]
            if doc_id not in docs:
                errors.append(f"{where}: unknown doc_id {doc_id!r}")
                continue
            article, tail = docs[doc_id]
            if not span.strip():
                errors.append(f"{where}: empty span")
                continue
            if "\n" in span or "\r" in span:
                errors.append(f"{where}: span crosses a line/paragraph break: {span[:60]!r}")
            if span not in article:
                if span in tail:
                    errors.append(f"{where}: span occurs only in boilerplate of {doc_id}: {span[:60]!r}")
                else:
                    errors.append(f"{where}: span not found verbatim in {doc_id}: {span[:80]!r}")
                continue
            spans.append(span)
            doc_ids.add(doc_id)
        if q["category"] == "cross_doc" and len(doc_ids) < 2:
            errors.append(f"{where}: cross_doc question needs gold from at least two documents")

        folded = [s.casefold() for s in spans]
        for fact in q["key_facts"]:
            if not isinstance(fact, list) or not fact or not all(isinstance(f, str) and f.strip() for f in fact):
                errors.append(f"{where}: key fact must be a non-empty list of non-empty strings: {fact!r}")
                continue
            for form in fact:
                if not any(form.casefold() in s for s in folded):
                    errors.append(f"{where}: key-fact form {form!r} not found in any gold span")

    # ---- summary ----
    total = len(questions)
    by_cat = Counter(c for c, _ in cat_lang.elements())
    by_lang = Counter(l for _, l in cat_lang.elements())
    print(f"{'category':<14}" + "".join(f"{l:>6}" for l in LANGS) + f"{'total':>7}")
    for cat in CATEGORIES:
        print(f"{cat:<14}" + "".join(f"{cat_lang[(cat, l)]:>6}" for l in LANGS) + f"{by_cat[cat]:>7}")
    print(f"{'total':<14}" + "".join(f"{by_lang[l]:>6}" for l in LANGS) + f"{total:>7}")
    print(f"rewordings: {rewordings}; answerable: {total - by_cat['unanswerable']}; "
          f"unanswerable: {by_cat['unanswerable']}")

    if total < MIN_TOTAL:
        errors.append(f"only {total} questions (need >= {MIN_TOTAL})")
    if by_cat["unanswerable"] < MIN_UNANSWERABLE:
        errors.append(f"only {by_cat['unanswerable']} unanswerable (need >= {MIN_UNANSWERABLE})")
    if rewordings < MIN_REWORDINGS:
        errors.append(f"only {rewordings} rewordings (need >= {MIN_REWORDINGS})")
    for cat in CATEGORIES:
        for lang in LANGS:
            if cat_lang[(cat, lang)] == 0:
                errors.append(f"no {lang} questions in category {cat}")

    if errors:
        print(f"\nFAILED with {len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
