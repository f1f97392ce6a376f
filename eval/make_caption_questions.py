#!/usr/bin/env python3
"""Write eval/statute_captions.jsonl: one mechanical question per article caption and language.

Each article caption of a statute's main provisions becomes a question in the caption's
language, naming the law; its gold is the article that carries the caption and the articles
after it that share it (an article without a caption of its own falls under the one before).
The same caption twice in one law gives one question with every such article as gold.

    連携の強化  -> 「ＡＩ法では、連携の強化について何が定められていますか？」
    (Strengthening of Coordination) -> "What does the AI Promotion Act provide on strengthening
    of coordination?"

Standard library only; the statute files are read from `--laws` (default ../shared/laws) and
never copied. Splits are fixed by the article number: odd -> dev, even -> test.
"""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eval" / "statute_captions.jsonl"

# file -> (law number as citations give it, the name a question uses, per language)
LAWS = {
    "ai-promotion-act.ja.egov.xml": ("Act No. 53 of 2025", "ja", "ＡＩ法"),
    "ai-promotion-act.en.jlt.xml": ("Act No. 53 of 2025", "en", "AI Promotion Act"),
    "appi.ja.egov.xml": ("Act No. 57 of 2003", "ja", "個人情報保護法"),
    "appi.en.jlt.xml": ("Act No. 57 of 2003", "en", "Act on the Protection of Personal Information"),
}
_SHORT = {"Act No. 53 of 2025": "ai", "Act No. 57 of 2003": "appi"}


def _root(path: Path) -> ET.Element:
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    raw = re.sub(rb"<!DOCTYPE[^>\[]*>", b"", raw, count=1)  # external DTD only, never fetched
    return ET.fromstring(raw)


def _caption(text: str) -> str:
    return text.strip().strip("()（）").strip()


def _english(caption: str) -> str:
    """Title case to running text: 'Strengthening of Coordination' -> 'strengthening of
    coordination'; words in capitals (acronyms) and 'Japan' keep their case."""
    words = []
    for word in caption.split():
        keep = word.isupper() or word.startswith("Japan") or word == "I"
        words.append(word if keep else word[:1].lower() + word[1:])
    return " ".join(words)


def questions(laws: Path) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for name, (law, lang, called) in LAWS.items():
        main = _root(laws / name).find(".//MainProvision")
        if main is None:
            raise SystemExit(f"{name}: no main provisions")
        groups: dict[str, list[str]] = {}
        current = ""
        for article in main.iter():
            if article.tag in {"Part", "Chapter", "Section", "Subsection", "Division"}:
                current = ""  # a caption is shared within its chapter or section only
            if article.tag != "Article":
                continue
            caption = _caption(article.findtext("ArticleCaption") or "")
            current = caption or current
            if current:
                groups.setdefault(current, []).append(article.get("Num", "").replace("_", "-"))
        for caption, articles in groups.items():
            first = articles[0]
            if lang == "ja":
                question = f"{called}では、{caption}について何が定められていますか？"
            else:
                question = f"What does the {called} provide on {_english(caption)}?"
            number = int(re.match(r"\d+", first).group())  # type: ignore[union-attr]
            out.append(
                {
                    "id": f"c-{_SHORT[law]}-{lang}-{first}",
                    "split": "dev" if number % 2 else "test",
                    "lang": lang,
                    "category": "caption",
                    "law": law,
                    "caption": caption,
                    "question": question,
                    "articles": articles,
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=Path, default=ROOT.parent / "shared" / "laws")
    args = parser.parse_args()
    rows = questions(args.laws)
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"{len(rows)} questions -> {OUT}")


if __name__ == "__main__":
    main()
