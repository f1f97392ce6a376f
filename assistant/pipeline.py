"""The public Python API: ingest documents, ask questions, get cited answers.

>>> from assistant import Assistant
>>> bot = Assistant.from_settings()            # settings from env / assistant.toml / defaults
>>> bot.ingest()                                # the corpus directory, incrementally
IngestReport(added=[...], ...)
>>> answer = bot.ask("When was the AI Safety Institute established?")
>>> answer.answer, answer.citations[0].quote
('...the AI Safety Institute on February 14, 2024, ... [1] ...',
 '...established the AI Safety Institute on February 14, 2024, ...')
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answer import ExtractiveAnswerer, abstention, in_language
from .answerers import EXTRACTIVE, Answerer, backend_named, chat_model
from .compose import Rankings
from .corpus import read_document, read_paths, slugify
from .decompose import question_parts
from .embeddings import Embedder
from .errors import AssistantError, InputError
from .followup import standalone
from .generate import GenerativeAnswerer, entailment_check
from .ground import invalid_citations
from .guard import Guard
from .index import Index, IngestReport, Progress
from .injection import question_overrides
from .inputs import check_history, check_question, safe_upload_name
from .language import ABSTENTION, guess_language, instruction_note, scope_note
from .provisions import counterpart, version_of
from .references import without_references
from .retrieve import Retrieval, Retriever
from .schema import Answer, Chunk, Citation
from .scope import unknown_names
from .settings import Settings

log = logging.getLogger(__name__)

# A question is answered again from the start (at most this many times in all) when another
# process commits to the index while it is being answered; see `Assistant.ask_stream`.
_ATTEMPTS = 2


@dataclass(frozen=True)
class Scope:
    """What of a message gets answered: `asked` (the message, or its questions that are in
    scope, joined) and those questions (`kept`); `note` says why the others are not."""

    asked: str
    kept: list[str]
    note: str | None


class Assistant:
    """One loaded index, embedding model and answerer; reuse it for many questions."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.index = Index(settings, embedder)
        self.retriever = Retriever(
            self.index,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            mode=settings.retrieval,
            sentences=settings.sentence_search,
            glossary="glossary" not in settings.checks_off,
        )
        self.answerer = ExtractiveAnswerer(self.index, settings)
        self._generative: dict[str, GenerativeAnswerer] = {}
        self._generative_lock = threading.Lock()  # two first questions make one answerer

    def answerer_for(self, backend: str) -> Answerer:
        """The answerer of a backend: the embedded one, or a chat model's."""
        return self.answerer if backend_named(backend).chat is None else self.generative(backend)

    def generative(self, backend: str) -> GenerativeAnswerer:
        """The answerer for a chat-model backend (made on first use, then kept)."""
        answerer = self._generative.get(backend)
        if answerer is not None:
            return answerer
        with self._generative_lock:
            if backend not in self._generative:
                settings = self.settings.with_overrides(backend=backend)
                chat = chat_model(settings)
                guard = Guard.configured(
                    settings,
                    lambda texts: self.index.embedder.encode(texts, query=True),
                    self.answerer.unit_vectors,
                    entailment_check(chat),
                )
                serial = backend_named(backend).serial
                self._generative[backend] = GenerativeAnswerer(backend, chat, guard, serial=serial)
            return self._generative[backend]

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Assistant:
        """Build from `Settings()` (environment and config file), with keyword overrides."""
        return cls((settings or Settings()).with_overrides(**overrides))

    def warm_up(self) -> None:
        """Load the embedding model and the committed index now rather than on first ask."""
        self.index.embedder.load()
        _ = self.index.keyword
        self.index.refresh()
        _ = self.index.state
        self.index.stores.passages.count()  # opens the vector store

    # ------------------------------------------------------------------ documents
    def ingest(
        self,
        paths: Iterable[Path | str] | None = None,
        *,
        progress: Progress | None = None,
        reread: bool = False,
    ) -> IngestReport:
        """Bring the index in step with `paths` (default: the corpus directory).

        Files are added or replaced; documents that were ingested from a directory named here
        and are gone from it are removed. All files are read and checked before anything is
        written, so a bad file changes nothing. A file with the size, modification time and
        manifest entry it had when last ingested is not read again, unless `reread`.
        """
        roots = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        known = {} if reread else self.index.known_files()
        began = time.perf_counter()
        documents = read_paths(roots, max_bytes=self.settings.max_file_bytes, known=known)
        reading = time.perf_counter() - began
        scopes = [r for r in roots if r.is_dir()]
        report = self.index.sync(documents, scopes=scopes, progress=progress)
        report.timed("read", reading)
        return report

    def add_upload(
        self, path: Path | str, name: str, *, progress: Progress | None = None
    ) -> IngestReport:
        """Add an uploaded file (at `path`, originally called `name`) to the corpus.

        The name is reduced to a safe base name; the file is read and checked in place, and
        only a file that passes is copied into `<data_dir>/uploads/` and ingested. A file with
        the id of an ingested document from elsewhere is refused; the same file uploaded again
        changes nothing."""
        source = Path(path)
        safe = safe_upload_name(name)
        if source.stat().st_size > self.settings.max_upload_bytes:
            raise InputError(
                f"{safe}: {source.stat().st_size} bytes is over the "
                f"{self.settings.max_upload_bytes}-byte upload limit"
            )
        target = self.settings.data_dir / "uploads" / safe
        try:
            read_document(source, max_bytes=self.settings.max_upload_bytes)  # refuses bad files
        except InputError as error:  # named by the file's own name, not where the server put it
            message = str(error)
            for where in (source, source.resolve()):
                message = message.replace(str(where), safe)
            raise InputError(message) from None
        existing = self.index.documents.get(slugify(target.stem))
        if existing is not None and Path(existing["path"]) != target.resolve():
            raise InputError(
                f"{safe}: a document with the id '{slugify(target.stem)}' is already in the "
                "index; rename the file to add it as a new document"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return self.index.sync(
            read_paths([target], max_bytes=self.settings.max_upload_bytes), progress=progress
        )

    def remove(self, doc_ids: Iterable[str]) -> IngestReport:
        """Remove documents (by id) from the index."""
        ids = list(doc_ids)
        unknown = sorted(set(ids) - set(self.index.documents))
        if unknown:
            raise InputError(f"no such document in the index: {', '.join(unknown)}")
        return self.index.sync([], remove=ids)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The indexed chunk with this id (for showing a citation in its passage)."""
        return self.index.chunks.get(chunk_id)

    def documents(self) -> dict[str, dict[str, Any]]:
        """The ingested documents' metadata, by document id."""
        return self.index.documents

    # ------------------------------------------------------------------ questions
    def check_question(self, question: str) -> str:
        """The question as it will be answered (invisible characters dropped), or an
        `InputError` saying why it is refused."""
        return check_question(question, self.settings.max_question_chars)

    def _standalone(self, question: str, history: Sequence[str]) -> str:
        """The question checked, made standalone from the checked history, and checked again:
        a follow-up rewritten with a long subject must still be a question of bounded size."""
        text = self.check_question(question)
        earlier = check_history(
            history, self.settings.max_history_items, self.settings.max_question_chars
        )
        return check_question(
            standalone(text, earlier),
            self.settings.max_question_chars,
            what="the question with its follow-up subject",
        )

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
    ) -> Answer:
        """Answer one question with citations to verbatim passages, or abstain.

        `history` holds the earlier questions of a conversation (oldest first); a follow-up
        such as "When was it established?" is rewritten into a standalone question first.
        `backend` overrides the configured one for this question; when a chat-model backend
        fails, the embedded default answers and `answer.notice` says why."""
        for item in self.ask_stream(question, k=k, history=history, backend=backend):
            if isinstance(item, Answer):
                return item
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        """Like `ask`, but first yields a chat model's draft as it is written (strings, not yet
        checked), then the checked `Answer`. The extractive default yields only the answer.

        The answer comes from one committed state of the index: when another process commits
        while the question is being answered, it is answered again from the start (unless a
        draft has been shown already)."""
        text = self._standalone(question, history)  # a follow-up, rewritten
        backend = backend_named(backend or self.settings.backend).name
        for attempt in range(1, _ATTEMPTS + 1):
            generation = self.index.refresh()
            answer, drafted = yield from self._answer_once(question, text, k, backend)
            if drafted or attempt == _ATTEMPTS or self.index.refresh() == generation:
                yield answer
                return

    def _answer_once(
        self, question: str, text: str, k: int | None, backend: str
    ) -> Generator[str, None, tuple[Answer, bool]]:
        """Answer `text` (`question` as it stands alone) from the index as it is now: refuse
        it, or retrieve, answer (yielding a draft), check, and build the `Answer`. Returns the
        answer and whether a draft was yielded."""
        t0 = time.perf_counter()
        scope = self.scope(text)
        if not scope.kept:
            refused = Answer(
                question,
                abstention(text),
                True,
                backend=backend,
                timings_ms={"total": (time.perf_counter() - t0) * 1000},
                standalone_question=text,
                notice=scope.note,
                decision={"by": "scope", "reason": scope.note},
            )
            return refused, False
        retrieval = self.retrieve(scope, k)
        t1 = time.perf_counter()
        answer, notice, drafted = yield from self._answer(scope.asked, retrieval, backend)
        t2 = time.perf_counter()
        checked = self._checked(scope.asked, answer)
        citations = self._with_parallels(checked.citations)
        shown = in_language(scope.asked, checked)
        t3 = time.perf_counter()
        final = dataclasses.replace(
            checked,
            question=question,
            answer=shown,
            citations=citations,
            timings_ms={
                "retrieve": (t1 - t0) * 1000,
                "answer": (t2 - t1) * 1000,
                "check": (t3 - t2) * 1000,
                "total": (t3 - t0) * 1000,
            },
            standalone_question=text,
            notice="; ".join(n for n in (notice, scope.note, checked.notice) if n) or None,
            passages=retrieval.passages,
        )
        return final, drafted

    def scope(self, text: str) -> Scope:
        """Which of the questions a message asks can be answered. Each is checked for scope
        on its own: a part about something the corpus never mentions is left out (and named),
        the rest answered. (Instructions to the assistant anywhere refuse all of it.)"""
        off = self.settings.checks_off
        split = not question_overrides(text) and "decompose" not in off
        parts = question_parts(text) if split else [text]
        refusals = [self.out_of_scope(part) for part in parts]
        kept = [part for part, refusal in zip(parts, refusals, strict=True) if not refusal]
        return Scope(
            asked=text if len(kept) == len(parts) else " ".join(kept),
            kept=kept,
            note="; ".join(dict.fromkeys(r for r in refusals if r)) or None,
        )

    def retrieve(self, scope: Scope, k: int | None = None) -> Retrieval:
        """The passages for what a message asks, each of its questions searched as well."""
        return self.retriever.retrieve(scope.asked, k or self.settings.k, scope.kept)

    def _answer(
        self, question: str, retrieval: Retrieval, backend: str
    ) -> Generator[str, None, tuple[Answer, str | None, bool]]:
        """Answer through the backend's answerer, yielding its draft; returns the answer, a
        notice and whether a draft was yielded. When a chat backend fails, the embedded
        default answers instead and the notice says why."""
        chat = backend != EXTRACTIVE and bool(retrieval.passages)  # no passages: nothing to draft
        drafted = False
        try:
            answerer = self.answerer_for(backend) if chat else self.answerer
            for item in answerer.stream(question, retrieval):
                if isinstance(item, Answer):
                    return item, None, drafted
                drafted = True
                yield item
        except AssistantError as error:
            if not chat:
                raise
            log.info("%s; answering with the embedded default", error)
            notice = f"{error}; answered by the embedded default instead"
            return self.answerer.answer(question, retrieval), notice, drafted
        raise AssertionError(f"the {answerer.name} answerer ended without an answer")

    def evidence(
        self, question: str, *, k: int | None = None, history: Sequence[str] = ()
    ) -> tuple[str, Rankings] | None:
        """What the embedded answerer weighs for `question`, found on the path `ask` takes
        (follow-up rewritten, out-of-scope parts left out, each part searched and scored): the
        text answered and its rankings, for `answer.compose_ranked` to turn into the answer
        under any thresholds. None when the whole message is refused."""
        self.index.refresh()
        scope = self.scope(self._standalone(question, history))
        if not scope.kept:
            return None
        return scope.asked, self.answerer.rankings(scope.asked, self.retrieve(scope, k))

    def out_of_scope(self, question: str) -> str | None:
        """Why the documents cannot answer `question` whatever is retrieved, or None: it is
        addressed to the assistant as instructions, or it names something the corpus never
        mentions (see `scope`)."""
        japanese = guess_language(question) == "ja"
        if question_overrides(question):
            return instruction_note(japanese)
        if "scope" in self.settings.checks_off:
            return None
        latin = "latin" in self.index.keyword.scripts
        # "Art. 16", 第十八条第三項 are references (resolved against the statutes), not names
        unknown = unknown_names(without_references(question), self.index.vocabulary, latin=latin)
        return scope_note(unknown, japanese) if unknown else None

    def _with_parallels(self, citations: list[Citation]) -> list[Citation]:
        """Each citation of a translated statute with the note that the translation has no
        legal effect, and each citation of a bilingual provision with the same provision in
        the other language (its version, and whether the two differ)."""
        documents = self.index.documents
        linked = self.index.chunks.by_link
        out = []
        for c in citations:
            chunk = self.chunk(c.chunk_id)
            law = documents.get(c.doc_id, {}).get("law") or {}
            other = counterpart(chunk, linked, documents) if chunk and linked else None
            out.append(c.annotated(other, law.get("note"), version_of(documents.get(c.doc_id, {}))))
        return out

    def _checked(self, question: str, answer: Answer) -> Answer:
        bad = invalid_citations(answer, self.index.document_text)
        if not bad:
            return answer
        # Never show a citation that does not hold; withholding is the safe failure.
        log.warning("withheld an answer with %d invalid citations", len(bad))
        return Answer(question, ABSTENTION, True, backend=answer.backend, guard=answer.guard)
