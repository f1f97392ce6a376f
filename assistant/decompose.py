"""Split a message that asks several questions into its parts.

"How did Japan view the EU AI Act in 2024? And what concerns arose about it by the end of the
year?" asks two things; each part is retrieved and answered on its own, so the answer quotes
evidence for both instead of the best two sentences about the first. Only explicit question
sentences split (each ending in ? or ？, or a Japanese request ending in 。); a single question
with "and" inside stays whole.
"""

from __future__ import annotations

import re

from .followup import standalone, subject_of
from .text import content_tokens

_SENTENCE = re.compile(r"[^?？。!！]+[?？。!！]*")
# Connectives that open a follow-on question: they carry no content of their own.
_OPENER = re.compile(
    r"^(?:また|そして|さらに|加えて|それから|あわせて|併せて|次に)[、,]?\s*"
    r"|^(?:and|also|and also|plus|then|additionally|moreover|furthermore)\b[,:]?\s*",
    re.I,
)
_MAX_PARTS = 3
_MIN_CONTENT = 2  # content words a part needs to stand as a question of its own


def question_parts(question: str) -> list[str]:
    """The questions a message asks, each as its own text; one element when it asks one.

    >>> question_parts("When was the AI Strategy announced? And what did its revisions add?")
    ['When was the AI Strategy announced?', "what did the AI Strategy's revisions add?"]
    >>> question_parts("What is the AI Promotion Act, and when did it pass?")
    ['What is the AI Promotion Act, and when did it pass?']
    """
    sentences = [s.strip() for s in _SENTENCE.findall(question) if s.strip()]
    asking = [
        p
        for p in (_OPENER.sub("", s).strip() for s in sentences)
        if p and (p[-1] in "?？" or p[-1] == "。" and _is_request(p))
    ]
    # A later part may lean on an earlier one ("…? Who wrote them?"): it borrows the subject
    # when it names none itself.
    resolved = [
        p if i == 0 or subject_of(p) else standalone(p, asking[:i]) for i, p in enumerate(asking)
    ]
    parts = [p for p in resolved if len(content_tokens(p)) >= _MIN_CONTENT]
    if len(parts) < 2 or len(parts) > _MAX_PARTS:
        return [question]
    return parts


def _is_request(sentence: str) -> bool:
    """A Japanese sentence that asks for something without a question mark."""
    return bool(re.search(r"(ください|教えて|説明して|ますか|ですか|でしょうか)。$", sentence))
