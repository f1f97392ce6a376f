#!/usr/bin/env python3
"""Validate the gold evaluation set in eval/questions.jsonl.

The script is standalone (standard library only). Paths are resolved relative
to this file: ``eval/..`` is taken as the repository root, so the question file
is ``<root>/eval/questions.jsonl`` and the corpus manifest is
``<root>/corpus/manifest.json``.

Checks performed:

* every line is a JSON object with valid fields and a unique id;
* ``answerable`` is false exactly for the ``unanswerable`` category, and
  unanswerable questions have empty ``gold`` and ``key_facts``;
* every gold span occurs verbatim in its document, within a single paragraph,
  and before the boilerplate marker line named by the manifest
  (``tail_from_line``), i.e. inside the article text proper;
* every key-fact surface form occurs (case-insensitively) in the article text
  of at least one of the question's gold documents, and each fact has at least
  one surface form that occurs in the question's gold spans;
* ``cross_doc`` questions cite spans from at least two documents;
* the set meets the minimum counts and the dev/test splits are balanced.

Option ``--questions PATH`` validates another question file (for instance the
extra development set ``eval/dev_more.jsonl``) with every per-question check
above. For a file other than ``eval/questions.jsonl`` the main set's minimum
counts and dev/test balance are replaced by lighter requirements (at least
``EXTRA_MIN_TOTAL`` questions, ``EXTRA_MIN_UNANSWERABLE`` unanswerable ones and
both languages), and ids may look like ``d001`` as well as ``q001``.

A summary table of counts per category, split and language is printed. The
exit status is non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_PATH = ROOT / "eval" / "questions.jsonl"
MANIFEST_PATH = ROOT / "corpus" / "manifest.json"

SPLITS = ("dev", "test")
LANGS = ("en", "ja")
CATEGORIES = ("single_fact", "list", "date_number", "cross_doc", "paraphrase", "unanswerable")
UNANSWERABLE_REASONS = (
    "out_of_scope",
    "absent_fact",
    "false_premise",
    "injection",
    "boilerplate_only",
)
REQUIRED_FIELDS = {
    "id": str,
    "split": str,
    "lang": str,
    "category": str,
    "question": str,
    "answerable": bool,
    "gold": list,
    "key_facts": list,
}
OPTIONAL_FIELDS = {"notes": str}

MIN_TOTAL = 64
MIN_UNANSWERABLE = 18
MIN_JAPANESE = 14
MIN_JAPANESE_UNANSWERABLE = 2
MIN_JAPANESE_ANSWERABLE_CATEGORIES = 4
MIN_PER_CATEGORY = {
    "single_fact": 12,
    "list": 6,
    "date_number": 8,
    "cross_doc": 5,
    "paraphrase": 8,
    "unanswerable": MIN_UNANSWERABLE,
}
# Largest allowed |dev - test| difference within one category or language.
MAX_SPLIT_IMBALANCE = 2
SPAN_SOFT_LIMIT = 250  # longer spans only produce a warning
SPAN_HARD_LIMIT = 350  # longer spans are an error

ID_PATTERN = re.compile(r"^q\d{3,}$")
# Extra question files (--questions other than the main set).
EXTRA_ID_PATTERN = re.compile(r"^[dq]\d{3,}$")
EXTRA_MIN_TOTAL = 40
EXTRA_MIN_UNANSWERABLE = 20
JAPANESE_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


class Document:
    """A corpus document split into article text and boilerplate tail."""

    def __init__(self, doc_id: str, full_text: str, article_text: str):
        self.doc_id = doc_id
        self.full_text = full_text
        self.article_text = article_text
        self.article_folded = article_text.casefold()


def strip_boilerplate(text: str, markers: list[str]) -> str | None:
    """Return the text before the earliest line equal to one of ``markers``.

    Returns None if a marker line is missing, so that a stale manifest is
    reported instead of silently treating the whole file as article text.
    """
    cut = len(text)
    offset = 0
    found = set()
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped in markers and stripped not in found:
            found.add(stripped)
            cut = min(cut, offset)
        offset += len(line)
    if found != set(markers):
        return None
    return text[:cut]


def load_documents(errors: list[str]) -> dict[str, Document]:
    """Load every document listed in the manifest."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    documents: dict[str, Document] = {}
    for entry in manifest["documents"]:
        doc_id = entry["doc_id"]
        path = MANIFEST_PATH.parent / entry["file"]
        text = path.read_text(encoding="utf-8")
        markers = [b["tail_from_line"] for b in entry.get("boilerplate", [])]
        article = strip_boilerplate(text, markers)
        if article is None:
            errors.append(
                f"{doc_id}: boilerplate marker line(s) {markers} not found in {path.name}"
            )
            article = text
        documents[doc_id] = Document(doc_id, text, article)
    return documents


def load_questions(errors: list[str], path: Path = QUESTIONS_PATH) -> list[dict]:
    """Parse a question file (questions.jsonl by default), reporting unparsable lines."""
    questions = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                errors.append(f"line {lineno}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {lineno}: invalid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"line {lineno}: not a JSON object")
                continue
            questions.append(obj)
    return questions


def check_fields(q: dict, errors: list[str], id_pattern: re.Pattern = ID_PATTERN) -> bool:
    """Check presence and types of fields; return False if the row is unusable."""
    qid = q.get("id", "<no id>")
    ok = True
    for name, typ in REQUIRED_FIELDS.items():
        if name not in q:
            errors.append(f"{qid}: missing field {name!r}")
            ok = False
        elif not isinstance(q[name], typ):
            errors.append(f"{qid}: field {name!r} should be {typ.__name__}")
            ok = False
    for name in q.keys() - REQUIRED_FIELDS.keys():
        if name not in OPTIONAL_FIELDS:
            errors.append(f"{qid}: unexpected field {name!r}")
        elif not isinstance(q[name], OPTIONAL_FIELDS[name]):
            errors.append(f"{qid}: field {name!r} should be {OPTIONAL_FIELDS[name].__name__}")
    if not ok:
        return False

    if not id_pattern.match(q["id"]):
        example = "q001" if id_pattern is ID_PATTERN else "d001 or q001"
        errors.append(f"{qid}: id should look like {example}")
    if q["split"] not in SPLITS:
        errors.append(f"{qid}: split {q['split']!r} not in {SPLITS}")
    if q["lang"] not in LANGS:
        errors.append(f"{qid}: lang {q['lang']!r} not in {LANGS}")
    if q["category"] not in CATEGORIES:
        errors.append(f"{qid}: category {q['category']!r} not in {CATEGORIES}")
    if not q["question"].strip():
        errors.append(f"{qid}: empty question")
    has_japanese = bool(JAPANESE_CHARS.search(q["question"]))
    if q["lang"] == "ja" and not has_japanese:
        errors.append(f"{qid}: lang is ja but the question has no Japanese text")
    if q["lang"] == "en" and has_japanese:
        errors.append(f"{qid}: lang is en but the question contains Japanese text")
    if q["answerable"] != (q["category"] != "unanswerable"):
        errors.append(f"{qid}: answerable must be false exactly for category unanswerable")
    return True


def check_gold(
    q: dict, documents: dict[str, Document], errors: list[str], warnings: list[str]
) -> None:
    """Check gold spans and key facts against the corpus."""
    qid = q["id"]
    gold = q["gold"]
    facts = q["key_facts"]

    if q["category"] == "unanswerable":
        if gold:
            errors.append(f"{qid}: unanswerable question must have empty gold")
        if facts:
            errors.append(f"{qid}: unanswerable question must have empty key_facts")
        reason = q.get("notes", "").split(":")[0].strip()
        if reason not in UNANSWERABLE_REASONS:
            errors.append(f"{qid}: notes should start with one of {UNANSWERABLE_REASONS}")
        return

    if not gold:
        errors.append(f"{qid}: answerable question needs at least one gold span")
    if not facts:
        errors.append(f"{qid}: answerable question needs at least one key fact")

    gold_docs: set[str] = set()
    spans: list[str] = []
    for i, item in enumerate(gold):
        where = f"{qid} gold[{i}]"
        if not isinstance(item, dict) or set(item) != {"doc_id", "span"}:
            errors.append(f"{where}: must be an object with exactly doc_id and span")
            continue
        doc_id, span = item["doc_id"], item["span"]
        if doc_id not in documents:
            errors.append(f"{where}: unknown doc_id {doc_id!r}")
            continue
        gold_docs.add(doc_id)
        if not isinstance(span, str) or not span.strip():
            errors.append(f"{where}: span must be a non-empty string")
            continue
        if "\n" in span or "\r" in span:
            errors.append(f"{where}: span crosses a line break")
        if len(span) > SPAN_HARD_LIMIT:
            errors.append(f"{where}: span is {len(span)} chars (limit {SPAN_HARD_LIMIT})")
        elif len(span) > SPAN_SOFT_LIMIT:
            warnings.append(f"{where}: span is {len(span)} chars (prefer <= {SPAN_SOFT_LIMIT})")
        doc = documents[doc_id]
        if span not in doc.full_text:
            errors.append(f"{where}: span not found verbatim in {doc_id}: {span[:60]!r}")
            continue
        if span not in doc.article_text:
            errors.append(f"{where}: span only occurs in the boilerplate tail of {doc_id}")
            continue
        spans.append(span.casefold())

    if q["category"] == "cross_doc" and len(gold_docs) < 2:
        errors.append(f"{qid}: cross_doc question needs gold spans from at least two documents")

    for j, fact in enumerate(facts):
        where = f"{qid} key_facts[{j}]"
        if not isinstance(fact, list) or not fact:
            errors.append(f"{where}: must be a non-empty list of surface forms")
            continue
        if not all(isinstance(form, str) and form.strip() for form in fact):
            errors.append(f"{where}: surface forms must be non-empty strings")
            continue
        for form in fact:
            folded = form.casefold()
            if not any(folded in documents[d].article_folded for d in gold_docs):
                errors.append(
                    f"{where}: {form!r} not found in the article text of {sorted(gold_docs)}"
                )
        if spans and not any(form.casefold() in s for form in fact for s in spans):
            errors.append(f"{where}: no surface form of {fact!r} appears in the gold spans")


def check_counts(questions: list[dict], errors: list[str]) -> None:
    """Check minimum counts and split balance."""
    total = len(questions)
    by_category = Counter(q["category"] for q in questions)
    by_lang = Counter(q["lang"] for q in questions)

    if total < MIN_TOTAL:
        errors.append(f"only {total} questions (need >= {MIN_TOTAL})")
    for category, minimum in MIN_PER_CATEGORY.items():
        if by_category[category] < minimum:
            errors.append(f"only {by_category[category]} {category} questions (need >= {minimum})")
    if by_lang["ja"] < MIN_JAPANESE:
        errors.append(f"only {by_lang['ja']} Japanese questions (need >= {MIN_JAPANESE})")

    ja = [q for q in questions if q["lang"] == "ja"]
    ja_unanswerable = sum(1 for q in ja if q["category"] == "unanswerable")
    ja_answerable_categories = {q["category"] for q in ja if q["category"] != "unanswerable"}
    if ja_unanswerable < MIN_JAPANESE_UNANSWERABLE:
        errors.append(
            f"only {ja_unanswerable} Japanese unanswerable questions "
            f"(need >= {MIN_JAPANESE_UNANSWERABLE})"
        )
    if len(ja_answerable_categories) < MIN_JAPANESE_ANSWERABLE_CATEGORIES:
        errors.append(
            f"Japanese questions cover only {sorted(ja_answerable_categories)} "
            f"(need >= {MIN_JAPANESE_ANSWERABLE_CATEGORIES} answerable categories)"
        )

    groups = [("category", c) for c in CATEGORIES] + [("lang", lang) for lang in LANGS]
    for field, value in groups:
        split_counts = Counter(q["split"] for q in questions if q[field] == value)
        gap = abs(split_counts["dev"] - split_counts["test"])
        if gap > MAX_SPLIT_IMBALANCE:
            errors.append(f"{field}={value}: dev/test imbalance {dict(split_counts)}")
    split_counts = Counter(q["split"] for q in questions)
    if abs(split_counts["dev"] - split_counts["test"]) > MAX_SPLIT_IMBALANCE:
        errors.append(f"overall dev/test imbalance {dict(split_counts)}")


def check_extra_counts(questions: list[dict], errors: list[str]) -> None:
    """Lighter count checks for an extra question file (no dev/test balance)."""
    total = len(questions)
    unanswerable = sum(1 for q in questions if q["category"] == "unanswerable")
    by_lang = Counter(q["lang"] for q in questions)
    if total < EXTRA_MIN_TOTAL:
        errors.append(f"only {total} questions (need >= {EXTRA_MIN_TOTAL})")
    if unanswerable < EXTRA_MIN_UNANSWERABLE:
        errors.append(
            f"only {unanswerable} unanswerable questions (need >= {EXTRA_MIN_UNANSWERABLE})"
        )
    for lang in LANGS:
        if not by_lang[lang]:
            errors.append(f"no {lang} questions (both languages are required)")


def print_summary(questions: list[dict]) -> None:
    """Print counts per category x (split, lang) with totals."""
    columns = [(s, lang) for s in SPLITS for lang in LANGS]
    counts = Counter((q["category"], q["split"], q["lang"]) for q in questions)
    headers = ["category"] + [f"{s}/{lang}" for s, lang in columns] + ["dev", "test", "total"]
    rows = []
    for category in CATEGORIES:
        cells = [counts[(category, s, lang)] for s, lang in columns]
        dev = sum(counts[(category, "dev", lang)] for lang in LANGS)
        test = sum(counts[(category, "test", lang)] for lang in LANGS)
        rows.append([category, *cells, dev, test, dev + test])
    totals = ["TOTAL"] + [sum(row[i] for row in rows) for i in range(1, len(headers))]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, totals, strict=True)]

    def fmt(row: list) -> str:
        first = str(row[0]).ljust(widths[0])
        rest = (str(x).rjust(w) for x, w in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "-" * len(fmt(headers))
    print(fmt(headers))
    print(rule)
    for row in rows:
        print(fmt(row))
    print(rule)
    print(fmt(totals))
    by_lang = Counter(q["lang"] for q in questions)
    answerable = sum(1 for q in questions if q.get("answerable"))
    print(
        f"\nlanguages: en={by_lang['en']} ja={by_lang['ja']}; "
        f"answerable={answerable} unanswerable={len(questions) - answerable}"
    )


def resolve_questions_path(arg: str | None) -> Path:
    """Resolve --questions: as given (relative to the working directory), else from the root."""
    if arg is None:
        return QUESTIONS_PATH
    path = Path(arg)
    if not path.is_absolute() and not path.exists() and (ROOT / path).exists():
        path = ROOT / path
    return path.resolve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate a gold question file.")
    parser.add_argument(
        "--questions",
        metavar="PATH",
        help="question file to validate (default: eval/questions.jsonl); a file other than "
        "the main set gets lighter count checks and no dev/test balance check",
    )
    args = parser.parse_args(argv)
    questions_path = resolve_questions_path(args.questions)
    if not questions_path.is_file():
        print(f"ERROR: question file not found: {questions_path}", file=sys.stderr)
        return 1
    main_set = questions_path == QUESTIONS_PATH.resolve()
    id_pattern = ID_PATTERN if main_set else EXTRA_ID_PATTERN

    errors: list[str] = []
    warnings: list[str] = []
    documents = load_documents(errors)
    questions = load_questions(errors, questions_path)

    valid = []
    seen_ids: Counter[str] = Counter(q.get("id") for q in questions)
    for qid, n in seen_ids.items():
        if n > 1:
            errors.append(f"duplicate id {qid!r} ({n} times)")
    seen_texts: Counter[str] = Counter(str(q.get("question", "")).strip() for q in questions)
    for text, n in seen_texts.items():
        if n > 1:
            errors.append(f"duplicate question text {text!r}")

    for q in questions:
        if check_fields(q, errors, id_pattern):
            check_gold(q, documents, errors, warnings)
            valid.append(q)

    if main_set:
        check_counts(valid, errors)
    else:
        check_extra_counts(valid, errors)
    print_summary(valid)

    for message in warnings:
        print(f"WARNING: {message}")
    for message in errors:
        print(f"ERROR: {message}", file=sys.stderr)
    if errors:
        print(f"\nFAILED: {len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"\nOK: {len(questions)} questions passed all checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
