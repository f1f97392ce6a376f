#!/usr/bin/env python3
"""Validate the statute evaluation set in eval/statutes.jsonl (or the blind set).

Standalone (standard library only). The questions are hand-written about two
Japanese statutes whose official texts live outside the repository, in the
laws directory (``--laws``, default ``<repo>/../shared/laws``):

* ``ai-promotion-act.{ja.egov,en.jlt}.xml`` -- Act No. 53 of 2025 (ＡＩ法),
* ``appi.{ja.egov,en.jlt}.xml`` -- Act No. 57 of 2003 (個人情報保護法).

Checks performed:

* every line is a JSON object with the required fields of the right types,
  no unknown fields, and a unique id of the form ``s001``;
* ``split``, ``lang`` and ``category`` take allowed values;
* ``answerable`` is false exactly for the ``unanswerable`` category, and
  unanswerable questions have empty ``gold`` and ``key_facts`` and a ``notes``
  field saying why;
* every gold entry names a known law, a main-provision article (supplementary
  provisions restart numbering and are not used), a language and a span; the
  span is a substring of that article's text in that language's file (text
  nodes concatenated without separator for Japanese, with single spaces for
  English) or of a single ``<Sentence>`` of the article;
* answerable questions have gold in the question's language, and all gold of
  one question is from one law;
* each question has 1 to 3 key facts; every fact has at least one surface form
  that occurs (case-insensitively) in a gold span of the question's language,
  and at least one form of the recommended length (2-8 words in English, 3-15
  characters in Japanese); no fact form is copied from the question itself;
* the set has at least 48 questions, at least 12 unanswerable ones in both
  languages, at least 4 English questions with gold in both languages, and
  dev/test, language and law shares are roughly balanced.

A file whose questions all have ``split`` "blind" (eval/statutes_blind.jsonl,
checked with ``--questions eval/statutes_blind.jsonl``) is a held-out set: the
per-question checks are the same, the set-level ones are those of
``BLIND_PROFILE`` (at least 30 questions, at least 10 unanswerable, laws about
half each) and there is no dev/test balance check. A file may not mix "blind"
with dev/test questions.

Counts per split, language, law and category are printed. The exit status is
non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = EVAL_DIR / "statutes.jsonl"
DEFAULT_LAWS = Path(__file__).resolve().parent.parent.parent / "shared" / "laws"

AI_ACT = "Act No. 53 of 2025"
APPI = "Act No. 57 of 2003"
LAW_FILES = {
    (AI_ACT, "ja"): "ai-promotion-act.ja.egov.xml",
    (AI_ACT, "en"): "ai-promotion-act.en.jlt.xml",
    (APPI, "ja"): "appi.ja.egov.xml",
    (APPI, "en"): "appi.en.jlt.xml",
}
LAW_SHORT = {AI_ACT: "AI Act", APPI: "APPI"}

SPLITS = ("dev", "test")
BLIND_SPLIT = "blind"  # held-out set, validated with BLIND_PROFILE
ALLOWED_SPLITS = SPLITS + (BLIND_SPLIT,)
LANGS = ("en", "ja")
CATEGORIES = ("single_fact", "definition", "duty", "list", "reference", "unanswerable")
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
GOLD_FIELDS = ("law", "article", "lang", "span")

MIN_TOTAL = 48
MIN_UNANSWERABLE = 12
MIN_UNANSWERABLE_PER_LANG = 3
MIN_BILINGUAL_EN = 4
MAX_KEY_FACTS = 3
EN_WORDS = (2, 8)
JA_CHARS = (3, 15)
AI_SHARE = (0.5, 0.7)  # share of questions on the AI Promotion Act (target about 60%)
MAX_SPLIT_IMBALANCE = 2  # |dev - test| overall and within a category, language or law

# Set-level requirements per kind of file.
DEVTEST_PROFILE = {"min_total": MIN_TOTAL, "min_unanswerable": MIN_UNANSWERABLE,
                   "ai_share": AI_SHARE, "split_balance": True}
BLIND_PROFILE = {"min_total": 30, "min_unanswerable": 10,
                 "ai_share": (0.4, 0.6), "split_balance": False}

ID_PATTERN = re.compile(r"^s\d{3,}$")
ARTICLE_PATTERN = re.compile(r"^\d+(-\d+)*$")
JAPANESE_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Used to attribute unanswerable questions (which have no gold) to a law.
AI_NAMES = re.compile(r"\bAI\b|ＡＩ|人工知能|Artificial Intelligence|No\. 53\b|第五十三号")
APPI_NAMES = re.compile(r"\bAPPI\b|個人情報|Personal Information|No\. 57\b|第五十七号")


# ----------------------------------------------------------------- law texts


def parse_law(path: Path) -> ET.Element:
    """Parse a law XML file: strip the UTF-8 BOM and the DOCTYPE line first."""
    text = path.read_bytes().decode("utf-8-sig")
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text, count=1)
    return ET.fromstring(text)


def _texts(elem: ET.Element) -> list[str]:
    return [t.strip() for t in elem.itertext() if t and t.strip()]


class LawText:
    """Main-provision articles of one law file: joined text and sentences."""

    def __init__(self, path: Path, lang: str) -> None:
        root = parse_law(path)
        suppl: set[int] = set()
        for sp in root.iter("SupplProvision"):
            for art in sp.iter("Article"):
                suppl.add(id(art))
        sep = "" if lang == "ja" else " "
        self.articles: dict[str, str] = {}
        self.sentences: dict[str, list[str]] = {}
        for art in root.iter("Article"):
            if id(art) in suppl:
                continue
            num = (art.get("Num") or "").replace("_", "-")
            if num in self.articles:
                raise ValueError(f"{path.name}: duplicate main-provision article {num}")
            self.articles[num] = sep.join(_texts(art))
            self.sentences[num] = ["".join(s.itertext()) for s in art.iter("Sentence")]

    def contains(self, article: str, span: str) -> bool:
        if article not in self.articles:
            return False
        if span in self.articles[article]:
            return True
        return any(span in s for s in self.sentences[article])


def load_laws(laws_dir: Path) -> dict[tuple[str, str], LawText]:
    laws = {}
    for (law, lang), name in LAW_FILES.items():
        path = laws_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"law file not found: {path}")
        laws[(law, lang)] = LawText(path, lang)
    return laws


# ----------------------------------------------------------------- checks


def fact_form_ok(form: str, lang: str) -> bool:
    if lang == "en":
        n = len(form.split())
        return EN_WORDS[0] <= n <= EN_WORDS[1]
    n = len(re.sub(r"\s", "", form))
    return JA_CHARS[0] <= n <= JA_CHARS[1]


def check_record(rec: object, lineno: int, laws, errors: list[str], warnings: list[str]) -> dict | None:
    where = f"line {lineno}"

    def err(msg: str) -> None:
        errors.append(f"{where}: {msg}")

    if not isinstance(rec, dict):
        err("not a JSON object")
        return None
    if isinstance(rec.get("id"), str):
        where = f"line {lineno} ({rec['id']})"
    for field, typ in REQUIRED_FIELDS.items():
        if field not in rec:
            err(f"missing field {field!r}")
        elif not isinstance(rec[field], typ):
            err(f"field {field!r} must be {typ.__name__}")
    for field, typ in OPTIONAL_FIELDS.items():
        if field in rec and not isinstance(rec[field], typ):
            err(f"field {field!r} must be {typ.__name__}")
    unknown = set(rec) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        err(f"unknown fields {sorted(unknown)}")
    if any(f not in rec or not isinstance(rec[f], t) for f, t in REQUIRED_FIELDS.items()):
        return None

    if not ID_PATTERN.match(rec["id"]):
        err(f"id {rec['id']!r} does not match {ID_PATTERN.pattern}")
    if rec["split"] not in ALLOWED_SPLITS:
        err(f"split {rec['split']!r} not in {ALLOWED_SPLITS}")
    lang = rec["lang"]
    if lang not in LANGS:
        err(f"lang {lang!r} not in {LANGS}")
    cat = rec["category"]
    if cat not in CATEGORIES:
        err(f"category {cat!r} not in {CATEGORIES}")
    question = rec["question"].strip()
    if not question:
        err("empty question")
    if lang == "ja" and not JAPANESE_CHARS.search(question):
        err("lang is ja but the question has no Japanese characters")
    if lang == "en" and JAPANESE_CHARS.search(question):
        warnings.append(f"{where}: English question contains Japanese characters")

    gold = rec["gold"]
    facts = rec["key_facts"]
    unanswerable = cat == "unanswerable"
    if rec["answerable"] == unanswerable:
        err("answerable must be false exactly for category 'unanswerable'")
    if unanswerable:
        if gold:
            err("unanswerable question must have empty gold")
        if facts:
            err("unanswerable question must have empty key_facts")
        if not rec.get("notes", "").strip():
            err("unanswerable question needs a 'notes' field saying why")
        law = None
        if AI_NAMES.search(question):
            law = AI_ACT
        if APPI_NAMES.search(question):
            law = APPI if law is None else None
        if law is None:
            err("cannot tell which law the unanswerable question is about (name exactly one law)")
        return {"rec": rec, "law": law, "bilingual": False}

    # answerable
    if not gold:
        err("answerable question needs gold")
    gold_langs: set[str] = set()
    gold_laws: set[str] = set()
    spans_by_lang: dict[str, list[str]] = {"en": [], "ja": []}
    for i, g in enumerate(gold):
        gw = f"gold[{i}]"
        if not isinstance(g, dict):
            err(f"{gw} is not an object")
            continue
        missing = [f for f in GOLD_FIELDS if not isinstance(g.get(f), str) or not g.get(f)]
        if missing:
            err(f"{gw} missing or empty {missing}")
            continue
        extra = set(g) - set(GOLD_FIELDS)
        if extra:
            err(f"{gw} unknown fields {sorted(extra)}")
        law, art, glang, span = g["law"], g["article"], g["lang"], g["span"]
        if (law, glang) not in LAW_FILES:
            err(f"{gw} unknown law/lang {law!r}/{glang!r}")
            continue
        if not ARTICLE_PATTERN.match(art):
            err(f"{gw} article {art!r} should look like '17' or '2-2'")
            continue
        text = laws[(law, glang)]
        if art not in text.articles:
            err(f"{gw} article {art} not in the main provisions of {LAW_FILES[(law, glang)]}")
            continue
        if span != span.strip():
            err(f"{gw} span has leading/trailing whitespace")
        if "<" in span and ">" in span:
            err(f"{gw} span contains XML markup")
        if not text.contains(art, span):
            err(f"{gw} span not found in {LAW_SHORT[law]} ({glang}) Article {art}: {span[:60]!r}")
            continue
        gold_langs.add(glang)
        gold_laws.add(law)
        spans_by_lang[glang].append(span)
    if lang in LANGS and gold and lang not in gold_langs:
        err(f"no gold in the question's language ({lang})")
    if len(gold_laws) > 1:
        err("gold spans come from more than one law")

    if not 1 <= len(facts) <= MAX_KEY_FACTS:
        err(f"answerable question needs 1 to {MAX_KEY_FACTS} key facts, has {len(facts)}")
    own_spans = [s.casefold() for s in spans_by_lang.get(lang, [])]
    qfold = question.casefold()
    for j, fact in enumerate(facts):
        fw = f"key_facts[{j}]"
        if not isinstance(fact, list) or not fact or not all(isinstance(f, str) and f.strip() for f in fact):
            err(f"{fw} must be a non-empty list of non-empty strings")
            continue
        if not any(f.casefold() in s for f in fact for s in own_spans):
            err(f"{fw} {fact} has no form found in a gold span of the question's language ({lang})")
        if not any(fact_form_ok(f, lang) for f in fact):
            lim = f"{EN_WORDS[0]}-{EN_WORDS[1]} words" if lang == "en" else f"{JA_CHARS[0]}-{JA_CHARS[1]} characters"
            err(f"{fw} {fact} has no form of the recommended length ({lim})")
        for f in fact:
            if f.casefold() in qfold:
                err(f"{fw} form {f!r} is copied from the question")
    law = next(iter(gold_laws)) if len(gold_laws) == 1 else None
    bilingual = lang == "en" and {"en", "ja"} <= gold_langs
    return {"rec": rec, "law": law, "bilingual": bilingual}


def print_table(title: str, rows: list[str], counter: Counter, splits=SPLITS) -> None:
    print(f"\n{title:<14}" + "".join(f"{s:>6}" for s in splits) + f"{'total':>7}")
    for r in rows:
        vals = [counter[(r, s)] for s in splits]
        print(f"{r:<14}" + "".join(f"{v:>6}" for v in vals) + f"{sum(vals):>7}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--laws", type=Path, default=DEFAULT_LAWS, help="directory with the law XML files")
    ap.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="the JSONL file to check")
    args = ap.parse_args(argv)

    errors: list[str] = []
    warnings: list[str] = []
    try:
        laws = load_laws(args.laws)
    except (OSError, ValueError, ET.ParseError) as exc:
        print(f"ERROR: cannot load the laws: {exc}", file=sys.stderr)
        return 2

    try:
        lines = args.questions.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"ERROR: cannot read {args.questions}: {exc}", file=sys.stderr)
        return 2

    checked = []
    ids: Counter = Counter()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            errors.append(f"line {lineno}: empty line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON: {exc}")
            continue
        if isinstance(rec, dict) and isinstance(rec.get("id"), str):
            ids[rec["id"]] += 1
        res = check_record(rec, lineno, laws, errors, warnings)
        if res is not None:
            checked.append(res)
    for qid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {qid!r} ({n} times)")

    # ---- which kind of set: dev/test or blind (not both)
    split_values = {c["rec"]["split"] for c in checked}
    blind = BLIND_SPLIT in split_values
    if blind and split_values & set(SPLITS):
        errors.append(f"file mixes split {BLIND_SPLIT!r} with {sorted(split_values & set(SPLITS))}")
    profile = BLIND_PROFILE if blind else DEVTEST_PROFILE
    shown_splits = (BLIND_SPLIT,) if blind else SPLITS

    # ---- counts
    by = {k: Counter() for k in ("category", "lang", "law", "lang_cat", "law_lang")}
    split_total: Counter = Counter()
    for c in checked:
        r = c["rec"]
        s = r["split"]
        law = LAW_SHORT.get(c["law"], "?")
        split_total[s] += 1
        by["category"][(r["category"], s)] += 1
        by["lang"][(r["lang"], s)] += 1
        by["law"][(law, s)] += 1
        by["law_lang"][(f"{law}/{r['lang']}", s)] += 1
        by["lang_cat"][(f"{r['lang']}/{r['category']}", s)] += 1

    total = len(checked)
    print(f"{total} questions in {args.questions}")
    print_table("category", list(CATEGORIES), by["category"], shown_splits)
    print_table("language", list(LANGS), by["lang"], shown_splits)
    print_table("law", list(LAW_SHORT.values()), by["law"], shown_splits)
    print_table("law/language", [f"{l}/{g}" for l in LAW_SHORT.values() for g in LANGS], by["law_lang"], shown_splits)
    print_table("split", ["all"], Counter({("all", s): split_total[s] for s in shown_splits}), shown_splits)

    # ---- set-level requirements
    if total < profile["min_total"]:
        errors.append(f"only {total} questions, need at least {profile['min_total']}")
    unans = [c for c in checked if c["rec"]["category"] == "unanswerable"]
    if len(unans) < profile["min_unanswerable"]:
        errors.append(f"only {len(unans)} unanswerable questions, need at least {profile['min_unanswerable']}")
    for lang in LANGS:
        n = sum(1 for c in unans if c["rec"]["lang"] == lang)
        if n < MIN_UNANSWERABLE_PER_LANG:
            errors.append(f"only {n} unanswerable questions in {lang}, need {MIN_UNANSWERABLE_PER_LANG}")
    for law in LAW_SHORT:
        if not any(c["law"] == law for c in unans):
            errors.append(f"no unanswerable question about {LAW_SHORT[law]}")
    bilingual = sum(1 for c in checked if c["bilingual"])
    print(f"\nEnglish questions with gold in both languages: {bilingual}")
    if bilingual < MIN_BILINGUAL_EN:
        errors.append(f"only {bilingual} English questions with en+ja gold, need {MIN_BILINGUAL_EN}")
    for cat in CATEGORIES:
        if not any(c["rec"]["category"] == cat for c in checked):
            errors.append(f"no question in category {cat!r}")
    if total:
        ai_share = sum(1 for c in checked if c["law"] == AI_ACT) / total
        print(f"AI Promotion Act share: {ai_share:.0%}")
        lo, hi = profile["ai_share"]
        if not lo <= ai_share <= hi:
            errors.append(f"AI Promotion Act share {ai_share:.0%} outside {lo:.0%}-{hi:.0%}")
        en = sum(1 for c in checked if c["rec"]["lang"] == "en")
        if abs(en - (total - en)) > MAX_SPLIT_IMBALANCE:
            errors.append(f"languages unbalanced: {en} en vs {total - en} ja")
    # split balance (dev/test sets only)
    if profile["split_balance"]:
        if abs(split_total["dev"] - split_total["test"]) > MAX_SPLIT_IMBALANCE:
            errors.append(f"splits unbalanced: {split_total['dev']} dev vs {split_total['test']} test")
        for key in ("category", "lang", "law", "law_lang"):
            rows = {r for (r, _s) in by[key]}
            for r in sorted(rows):
                d, t = by[key][(r, "dev")], by[key][(r, "test")]
                if abs(d - t) > MAX_SPLIT_IMBALANCE:
                    errors.append(f"{key} {r!r} unbalanced across splits: {d} dev vs {t} test")

    for w in warnings:
        print(f"WARNING: {w}")
    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print(f"ERROR: {e}", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
