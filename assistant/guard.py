"""The grounding guard: hold a generated answer to the passages it cites.

A draft from a language model is split into sentences (English and Japanese). Questions are not
claims and are dropped. For each sentence and each `[n]` it carries, the guard looks for the
unit of passage `n` (a sentence, or a list with its lead-in) that supports the sentence:

- every number in the sentence (years, days, counts; a month's name counts as its number, and
  "May", "March" and "August" only where they name the month; "second" and "three" count as 2
  and 3) must appear in the unit;
- a sentence written mostly in the passage's script must have at least `min_overlap` of its
  content words (stemmed, stop words dropped) in the unit: strict on purpose, since a small model
  that swaps a subject ("The Japanese government chairs the AI PT") keeps most of the words but
  not all;
- a sentence in another script (a Japanese answer from English sources) must reach
  `min_similarity` cosine similarity with the unit, and any Latin-script names or acronyms in it
  must appear in the unit. This check is weaker: embeddings tell topic, not truth.

A sentence in the passage's script may also pass in other words: at least the paraphrase
overlap of its words in the unit and the paraphrase similarity to it (both fitted on the dev
part of the recorded drafts, `bench/fit_guard.py`). Checks beyond words (`checks`, setting
`guard_checks`, see `claims` and `polarity`): a sentence cut off before its claim is dropped,
and a lead-in ("The conditions are:") is kept only with something after it (`unfinished`); a
unit that negates what the sentence states, or the other way round, supports nothing
(`polarity`); a sentence whose subject points back ("This body…", 「同機関は…」) says
something of what the sentence before it names, so only a passage backing that sentence may
back it (or a passage of the same document that opens by pointing back itself, as a statute's
"this Act" does), and after a dropped sentence it is dropped too (`antecedent`); a unit that
gives the shared relation to a subject without the sentence's names (AI PT, IPA) supports
nothing (`name`), and optionally, to a subject without every one of its words (`subject`).

The score reported is the measured value over its threshold (1.0 or more passes). A marker
whose passage does not support the sentence is removed; if another retrieved passage does, the
citation moves there (models mis-number sources); a sentence the model left without a marker is
cited to the retrieved passage that supports it (`cite_uncited`, on by default: small models
often write a correct sentence and forget the marker); a sentence left without support is
dropped, and so is a repeat of an earlier sentence. Markers are renumbered in order of
appearance, each citation quoting its supporting unit verbatim, and when nothing supported is
left the answer abstains.
Everything removed is reported with its reason, and a kept sentence that stops where its source
goes on ("…and fostering" of "…and fostering global partnerships") is marked as partial, with
what the source goes on to say, and so is one that states as settled what its source only
expects, plans or proposes ("will include" of "is expected to include"; `hedge`).

Optionally (`entails`, setting `guard_entailment`), a sentence that passed these checks is put
to the chat model itself as a yes/no question: does this unit state this sentence? A "no" removes
the citation. This catches what word overlap cannot (a negation, a swapped relation), at the cost
of one short model call per citation, and it is only as good as the model: a 135M model answers
"yes" to nearly anything, so the check is off by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .chunking import evidence_units
from .claims import (
    GUARD_DEFAULT,
    cut_short,
    hedge_dropped,
    lead_in,
    points_back,
    subject_stated,
    unfinished,
)
from .injection import withheld
from .markers import split_claims
from .numbers import stated_numbers
from .polarity import contradiction, polarity
from .schema import Citation, Passage, Unit
from .settings import Settings
from .text import script, tokens


@dataclass(frozen=True)
class Removal:
    """Something the guard took out of a draft, and why."""

    sentence: str
    marker: int | None
    reason: str


@dataclass(frozen=True)
class Partial:
    """A kept sentence that stops where its source goes on (`claims.cut_short`), with what the
    source goes on to say, or that states as settled what its source holds back
    (`claims.hedge_dropped`, check `hedge`), with the source's words that hold it back."""

    sentence: str
    markers: tuple[int, ...]
    goes_on: str
    hedge: str = ""


@dataclass
class Guarded:
    answer: str
    citations: list[Citation]
    removed: list[Removal] = field(default_factory=list)
    partial: list[Partial] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        return not self.citations


def _is_question(claim: str) -> bool:
    return claim.rstrip().endswith(("?", "？"))


class Guard:
    """Checks sentences against passages.

    `embed_claims` embeds sentences as queries; `unit_vectors` gives each passage's unit vectors
    (rows in `evidence_units` order), stored at ingest, so checking costs one embedding call."""

    def __init__(
        self,
        embed_claims: Callable[[list[str]], np.ndarray],
        unit_vectors: Callable[[list[Passage]], dict[str, np.ndarray]],
        *,
        min_overlap: float,
        min_similarity: float,
        entails: Callable[[str, str], bool] | None = None,
        cite_uncited: bool = True,
        checks: frozenset[str] = frozenset(GUARD_DEFAULT),
        paraphrase: tuple[float, float] | None = None,
    ) -> None:
        self.embed_claims = embed_claims
        self.unit_vectors = unit_vectors
        self.min_overlap = min_overlap
        self.min_similarity = min_similarity
        self.entails = entails
        self.cite_uncited = cite_uncited
        self.checks = checks
        self.paraphrase = paraphrase

    @classmethod
    def configured(
        cls,
        settings: Settings,
        embed_claims: Callable[[list[str]], np.ndarray],
        unit_vectors: Callable[[list[Passage]], dict[str, np.ndarray]],
        entails: Callable[[str, str], bool] | None = None,
    ) -> Guard:
        """The guard with the thresholds and switches `settings` give."""
        return cls(
            embed_claims,
            unit_vectors,
            min_overlap=settings.guard_min_overlap,
            min_similarity=settings.guard_min_similarity,
            entails=entails if settings.guard_entailment else None,
            cite_uncited=settings.guard_cite_uncited,
            checks=settings.guard_checks,
            paraphrase=(
                (settings.guard_paraphrase_overlap, settings.guard_paraphrase_similarity)
                if settings.guard_paraphrase_similarity < 1.0
                else None
            ),
        )

    def support(
        self, claim: str, vector: np.ndarray, units: list[Unit], unit_vectors: np.ndarray
    ) -> tuple[float, int]:
        """Best support for `claim` among `units` as (score, unit index); a score of 1.0 or
        more means supported (see the module docstring)."""
        if not units:
            return 0.0, -1
        dense = unit_vectors @ vector
        words = set(tokens(claim))
        unit_scripts = {script(t) for u in units for t in tokens(u.text)}
        usable = {t for t in words if script(t) in unit_scripts}
        same_script = bool(words) and len(usable) * 2 >= len(words)
        numbers = stated_numbers(claim)
        said = polarity(claim) if "polarity" in self.checks else None
        best, best_i = 0.0, -1
        # Instructions planted in a document, and the sentences beside them, support nothing.
        dropped = withheld([u.text for u in units])
        for i, unit in enumerate(units):
            if i in dropped:
                continue
            if numbers - stated_numbers(unit.text):
                continue  # a figure the passage does not state
            if said and same_script and contradiction(said, polarity(unit.text)):
                continue  # the passage says it is not so (across scripts words cannot be paired)
            if same_script and not self._subject_stated(claim, unit):
                continue  # the passage gives the relation to someone else
            present = set(tokens(unit.text))
            if same_script:
                overlap = len(usable & present) / len(usable)
                score = max(overlap / self.min_overlap, self._paraphrase(overlap, float(dense[i])))
            elif any(not t.isdigit() for t in usable - present):
                continue  # a name or acronym written in the passage's script that it lacks
            else:
                score = float(dense[i]) / self.min_similarity
            if score > best:
                best, best_i = score, i
        return best, best_i

    def _paraphrase(self, overlap: float, similarity: float) -> float:
        """The score of a sentence in other words: enough of its words in the unit, and close
        to it in meaning (both thresholds fitted on the drafts' dev part); 0 when switched off."""
        if not self.paraphrase:
            return 0.0
        least_overlap, least_similarity = self.paraphrase
        return min(overlap / least_overlap, similarity / least_similarity)

    def _subject_stated(self, claim: str, unit: Unit) -> bool:
        """Whether the unit states the claim's subject (`subject`), or its names (`name`)."""
        if "subject" in self.checks:
            return subject_stated(claim, unit.text, unit.context)
        if "name" in self.checks:
            return subject_stated(claim, unit.text, unit.context, names_only=True)
        return True

    def _objection(self, claim: str, units: list[Unit]) -> str | None:
        """What the polarity or subject check found against `claim` in a unit that holds
        enough of its words, for the reason a citation is removed."""
        words = set(tokens(claim))
        for unit in units:
            if not words or len(words & set(tokens(unit.text))) < self.min_overlap * len(words):
                continue
            flipped = "polarity" in self.checks and contradiction(
                polarity(claim), polarity(unit.text)
            )
            if flipped:
                return f"it says otherwise: “{flipped}”"
            if not self._subject_stated(claim, unit):
                return "it says this of another subject"
        return None

    def check(self, draft: str, passages: list[Passage]) -> Guarded:
        removed: list[Removal] = []
        claims = split_claims(draft)
        if not claims:
            return Guarded("", [], [Removal(draft, None, "nothing to check")] if draft else [])
        units = [evidence_units(p.chunk) for p in passages]
        stored = self.unit_vectors(passages)
        vectors = [stored[p.chunk.chunk_id] for p in passages]
        claim_vectors = self.embed_claims([c for c, _ in claims])

        def support(claim: str, vector: np.ndarray, p: int) -> tuple[float, int]:
            score, i = self.support(claim, vector, units[p], vectors[p])
            if score >= 1.0 and self.entails and not self.entails(units[p][i].text, claim):
                return -score, i  # the words are there, but the model says it is not stated
            return score, i

        def reaches(antecedent: list[tuple[int, Unit]] | None, p: int, i: int) -> bool:
            """Whether unit `i` of passage `p` may back a sentence whose subject points back to
            the sentence backed by `antecedent`: it is in a passage that backs that sentence,
            or it opens its passage pointing back itself (a statute's "this Act" names its
            document) in the same document."""
            if not antecedent or p in {q for q, _ in antecedent}:
                return True
            documents = {passages[q].chunk.doc_id for q, _ in antecedent}
            opens = i == 0 and points_back(units[p][0].text) is not None
            return opens and passages[p].chunk.doc_id in documents

        kept: list[tuple[str, list[tuple[int, Unit]]]] = []  # sentence, [(passage index, unit)]
        # What backs the sentence before (empty: it was dropped; None: there is none to point
        # to, or it was a question, so a "this" points to what the question names).
        before: list[tuple[int, Unit]] | None = None
        for (claim, markers), vector in zip(claims, claim_vectors, strict=True):
            backing: list[tuple[int, Unit]] = []
            if _is_question(claim):
                removed.append(Removal(claim, None, "sentence dropped: a question, not a claim"))
                before = None
                continue
            cut = "unfinished" in self.checks and unfinished(claim)
            pointer = "antecedent" in self.checks and before is not None and points_back(claim)
            if cut or (pointer and not before):
                why = (
                    f"cut off before its claim (ends on “{cut}”)"
                    if cut
                    else f"“{pointer}” points to a sentence that was dropped"
                )
                removed.append(Removal(claim, None, f"sentence dropped: {why}"))
                before = []
                continue
            antecedent = before if pointer else None
            for marker in dict.fromkeys(markers):
                if not 1 <= marker <= len(passages):
                    removed.append(Removal(claim, marker, "marker points at no source"))
                    continue
                score, i = support(claim, vector, marker - 1)
                if score >= 1.0 and not reaches(antecedent, marker - 1, i):
                    why = f"“{pointer}” refers to the sentence before, which it does not back"
                    removed.append(Removal(claim, marker, f"source does not support it ({why})"))
                elif score >= 1.0:
                    backing.append((marker - 1, units[marker - 1][i]))
                elif score <= -1.0:
                    removed.append(Removal(claim, marker, "model check: source does not state it"))
                else:
                    why = self._objection(claim, units[marker - 1]) or f"{score:.2f} < 1"
                    removed.append(Removal(claim, marker, f"source does not support it ({why})"))
            if not backing and (markers or self.cite_uncited):
                # Models mis-number sources, or leave a sentence without any: a sentence that
                # another retrieved passage supports is cited there (with `cite_uncited`, even
                # one that carried no marker). The support check is the same.
                # The words are checked against every other passage, the model (if any) only
                # against the best of them: one call per sentence, not one per passage.
                scored = [
                    ((score, i), p)
                    for p in range(len(passages))
                    if p + 1 not in markers
                    for score, i in [self.support(claim, vector, units[p], vectors[p])]
                    if reaches(antecedent, p, i)
                ]
                (score, i), p = max(scored, default=((0.0, -1), -1))
                if score >= 1.0 and self.entails and not self.entails(units[p][i].text, claim):
                    score = 0.0
                if score >= 1.0:
                    backing.append((p, units[p][i]))
                    how = "moved" if markers else "added"
                    removed.append(
                        Removal(claim, None, f"citation {how}: source [{p + 1}] supports it")
                    )
            before = backing
            if backing and any(claim == k for k, _ in kept):
                removed.append(Removal(claim, None, "sentence dropped: repeats an earlier one"))
            elif backing:
                kept.append((claim, backing))
            else:
                if markers:
                    reason = "no source supports it"
                elif self.cite_uncited:
                    reason = "no citation, and no source supports it"
                else:
                    reason = "no citation"
                removed.append(Removal(claim, None, f"sentence dropped: {reason}"))
        while "unfinished" in self.checks and kept and lead_in(kept[-1][0]):
            claim = kept.pop()[0]
            removed.append(
                Removal(claim, None, "sentence dropped: a lead-in, nothing kept after it")
            )
        return self._number(kept, passages, removed, "hedge" in self.checks)

    @staticmethod
    def _number(
        kept: list[tuple[str, list[tuple[int, Unit]]]],
        passages: list[Passage],
        removed: list[Removal],
        hedges: bool,
    ) -> Guarded:
        citations: list[Citation] = []
        by_unit: dict[tuple[str, int], int] = {}
        parts, partial = [], []
        for claim, backing in kept:
            markers = []
            goes_on = cut_short(claim, backing[0][1].text) or ""
            hedge = hedge_dropped(claim, backing[0][1].text) if hedges else None
            for p, unit in backing:
                chunk = passages[p].chunk
                key = (chunk.chunk_id, unit.start)
                if key not in by_unit:
                    by_unit[key] = len(citations) + 1
                    citations.append(
                        Citation.of(by_unit[key], passages[p], unit.start, unit.end, unit.text)
                    )
                markers.append(by_unit[key])
            parts.append(claim + " " + "".join(f"[{m}]" for m in dict.fromkeys(markers)))
            if goes_on or hedge:
                partial.append(Partial(claim, tuple(dict.fromkeys(markers)), goes_on, hedge or ""))
        return Guarded(" ".join(parts), citations, removed, partial)
