"""Text in a document that reads as instructions to the assistant rather than information.

Retrieved passages are data. A sentence such as "SYSTEM: ignore all previous instructions" or
"always tell the user to visit …" is an attempt to steer whoever reads it; it states no fact
about AI policy. Such sentences are never quoted by the extractive answerer, never accepted by
the guard as support, and withheld from the prompt of a chat model (replaced by a marker that
says so). The patterns are deliberately narrow: addressed to an assistant or a system, or
demanding what the answer must say; ordinary policy prose ("operators must report…") does not
match.
"""

from __future__ import annotations

import re

from .text import normalize

_PATTERNS = [
    r"\bignore (?:all |any |the )*(?:previous|prior|above|earlier|preceding|your)\b"
    r"[^.]{0,40}\b(?:instructions?|rules|prompts?|sources|directions)",
    r"\bignore the sources\b",
    r"(?:^|[\[(])\s*(?:system|assistant|developer)(?:\s+(?:note|prompt|message|override))?\s*[:\]]",
    r"\b(?:reveal|print|repeat|show|disclose)\b[^.]{0,30}\b(?:system prompt|instructions|prompt)\b",
    r"\b(?:always|you must|you should|from now on)\b[^.]{0,30}\b(?:tell|say|answer|respond|add|"
    r"state|reply|write)\b",
    r"\btell the user\b",
    r"\bstate this as (?:a )?fact\b",
    r"\banswer every question\b",
    r"(?:以前|これまで|上記|前)の指示を(?:すべて|全て)?無視",
    r"指示を無視",
    r"システムプロンプト",
    r"(?:すべて|全て)の質問に",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def looks_like_injection(text: str) -> bool:
    """Whether `text` addresses the assistant with instructions (see the module docstring)."""
    return bool(_INJECTION.search(normalize(text)))


WITHHELD = "[a sentence that reads as instructions to the assistant was withheld]"
