"""One answerer interface, one table of backends, and one Assistant shared by many threads."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from assistant import Assistant
from assistant.answer import ExtractiveAnswerer
from assistant.answerers import BACKEND_NAMES, BACKENDS, EXTRACTIVE, Answerer
from assistant.errors import InputError
from assistant.evaluate.evaluation import load_questions
from assistant.faces.cli import app
from assistant.generate import GenerativeAnswerer
from assistant.schema import Answer
from assistant.settings import Settings
from assistant.text import japanese_words

from .conftest import ROOT

QUESTION = "Who chairs the AI PT?"


class FakeChat:
    """A chat model that drafts by quoting the first sentence it is given as source [1]."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def stream(self, messages):  # noqa: ANN001, ANN201
        user = messages[-1][1]
        source = user.split('">\n', 1)[1].split("\n</source>", 1)[0]
        first = source.split(". ")[0].rstrip(".") + "."
        for n, piece in enumerate([first[: len(first) // 2], first[len(first) // 2 :], " [1]"]):
            if self.fail_after is not None and n >= self.fail_after:
                raise ConnectionError("connection refused")
            yield SimpleNamespace(content=piece)

    def invoke(self, messages):  # noqa: ANN001, ANN201
        return SimpleNamespace(content="yes")


@pytest.fixture
def fake_backend(monkeypatch):
    """The `openai` entry of the table, its chat model replaced by `FakeChat` (counted)."""
    made: list[FakeChat] = []

    def install(**options: object) -> list[FakeChat]:
        def build(settings: Settings) -> FakeChat:
            made.append(FakeChat(**options))
            return made[-1]

        monkeypatch.setitem(BACKENDS, "openai", dataclasses.replace(BACKENDS["openai"], chat=build))
        return made

    return install


def _bot(corpus_bot: Assistant, **overrides: object) -> Assistant:
    return Assistant(
        corpus_bot.settings.with_overrides(**overrides), embedder=corpus_bot.index.embedder
    )


def test_both_answerers_stream_drafts_then_one_answer(corpus_bot, fake_backend):
    fake_backend()
    bot = _bot(corpus_bot, backend="openai")
    retrieval = bot.retrieve(bot.scope(QUESTION))
    for answerer in (bot.answerer, bot.answerer_for("openai")):
        assert isinstance(answerer, Answerer)
        items = list(answerer.stream(QUESTION, retrieval))
        assert isinstance(items[-1], Answer) and items[-1].backend == answerer.name
        assert all(isinstance(i, str) for i in items[:-1])
    assert isinstance(bot.answerer_for(EXTRACTIVE), ExtractiveAnswerer)
    assert isinstance(bot.answerer_for("openai"), GenerativeAnswerer)


def test_generated_answer_streams_through_the_pipeline(corpus_bot, fake_backend):
    fake_backend()
    items = list(_bot(corpus_bot).ask_stream(QUESTION, backend="openai"))
    drafts, answer = items[:-1], items[-1]
    assert len(drafts) == 3 and all(isinstance(d, str) for d in drafts)
    assert answer.backend == "openai" and answer.guard["draft"] == "".join(drafts)
    assert answer.question == QUESTION and answer.passages
    assert set(answer.timings_ms) == {"retrieve", "answer", "check", "total"}


def test_a_failing_chat_model_falls_back_with_a_notice(corpus_bot, fake_backend):
    fake_backend(fail_after=1)
    items = list(_bot(corpus_bot).ask_stream(QUESTION, backend="openai"))
    assert len(items) == 2 and isinstance(items[0], str)  # the draft shown before it failed
    answer = items[-1]
    assert answer.backend == "extractive" and "Masaaki Taira" in answer.answer
    assert answer.notice == (
        "backend 'openai' failed: connection refused; answered by the embedded default instead"
    )
    assert answer.to_json()["answer"] == corpus_bot.ask(QUESTION).answer


def test_unknown_backends_are_refused_everywhere(corpus_bot):
    with pytest.raises(InputError, match="unknown answer backend 'gpt'"):
        corpus_bot.ask(QUESTION, backend="gpt")
    with pytest.raises(ValueError, match="unknown backend 'gpt'"):
        Settings(backend="gpt")
    with pytest.raises(InputError, match="backend"):
        corpus_bot.settings.with_overrides(backend="gpt")
    result = CliRunner().invoke(app, ["ask", "--backend", "gpt", QUESTION])
    assert result.exit_code == 2 and "gpt" in result.output


def test_every_face_reads_the_one_table():
    from assistant.faces import web

    assert tuple(BACKENDS) == BACKEND_NAMES and BACKEND_NAMES[0] == EXTRACTIVE
    assert web.BACKENDS == BACKEND_NAMES
    for name, backend in BACKENDS.items():
        assert Settings(backend=name).backend == name
        assert (backend.chat is None) == (name == EXTRACTIVE)
        assert all(field in Settings.model_fields for field in backend.needs)
    listed = CliRunner().invoke(app, ["ask", "--help"], env={"COLUMNS": "200"}).output
    assert all(name in listed for name in BACKEND_NAMES)


def _comparable(answer: Answer) -> dict:
    out = answer.to_json()
    del out["timings_ms"]
    out["passages"] = [p.chunk.chunk_id for p in answer.passages]
    out["evidence_score"] = answer.evidence_score
    return out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_threads_sharing_one_assistant_get_the_sequential_answers(corpus_bot, lang):
    """Several questions at once on one `Assistant` (as the page serves them) give exactly the
    answers they get one at a time. Japanese questions are asked with the Japanese word cache
    cold, so that their words are analysed in several threads at once."""
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")]
    questions = [
        q for q in questions if (lang == "ja") == any("\u3040" <= c <= "\u9fff" for c in q)
    ]
    bot = Assistant(corpus_bot.settings, embedder=corpus_bot.index.embedder)
    if lang == "ja":
        japanese_words.cache_clear()
    start = threading.Barrier(4)

    def ask(question: str) -> dict:
        return _comparable(bot.ask(question))

    def worker(share: list[str]) -> list[dict]:
        start.wait()
        return [ask(q) for q in share]

    shares = [questions[i::4] + questions[(i + 1) % 4 :: 4] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(worker, shares))
    for share, answers in zip(shares, together, strict=True):
        for question, answer in zip(share, answers, strict=True):
            assert answer == _comparable(corpus_bot.ask(question)), question


def test_a_chat_answerer_is_made_once_for_concurrent_first_questions(corpus_bot, fake_backend):
    made = fake_backend()
    bot = _bot(corpus_bot)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: bot.ask(QUESTION, backend="openai"), range(8)))
    assert len(made) == 1
    assert len({a.answer for a in answers}) == 1 and answers[0].backend == "openai"
