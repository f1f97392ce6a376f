"""The `assistant` command line: a thin face over `assistant.pipeline.Assistant`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from ..answerers import BACKEND_NAMES, backends_help
from ..errors import AssistantError, InputError
from ..schema import Answer
from ..settings import Settings
from .text import render

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Ask questions about Japanese AI law and policy; answers cite verbatim passages.",
)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Index directory (env ASSISTANT_DATA_DIR).")
]


BackendOption = Annotated[
    Literal[BACKEND_NAMES] | None,  # the names in the table of backends
    typer.Option(help=f"Who writes answers: {backends_help()} (env ASSISTANT_BACKEND)."),
]


def _settings(**overrides: object) -> Settings:
    try:
        settings = Settings()
    except Exception as exc:  # pydantic validation: show the message, not a traceback
        raise AssistantError(f"invalid settings: {exc}") from None
    return settings.with_overrides(**overrides)  # an InputError names a bad value


def _fail(error: AssistantError) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=2)


def _assistant(settings: Settings):  # noqa: ANN202 - import kept lazy for start-up time
    from ..pipeline import Assistant

    return Assistant(settings)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or directories (default: the corpus directory)."),
    ] = None,
    data_dir: DataDir = None,
    reread: Annotated[
        bool,
        typer.Option(
            help="Read every file, even those whose size and modification time are unchanged."
        ),
    ] = False,
) -> None:
    """Add or update documents in the index; unchanged documents cost nothing."""
    from tqdm import tqdm

    try:
        bot = _assistant(_settings(data_dir=data_dir))
        bar: tqdm | None = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if total == 0:
                return
            if bar is None:
                bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
            bar.n = done
            bar.refresh()

        report = bot.ingest(paths or None, progress=progress, reread=reread)
        if bar is not None:
            bar.close()
    except AssistantError as error:
        _fail(error)
    typer.echo(report.summary())


@app.command()
def remove(
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids to remove.")],
    data_dir: DataDir = None,
) -> None:
    """Remove documents from the index."""
    try:
        report = _assistant(_settings(data_dir=data_dir)).remove(doc_ids)
    except AssistantError as error:
        _fail(error)
    typer.echo(report.summary())


@app.command("fetch-law")
def fetch_law(law: str, as_of: str = "", ingest: bool = True, data_dir: DataDir = None) -> None:
    """Add a statute from e-Gov's law API (ASSISTANT_LAW_API_URL) to the corpus and ingest it. LAW:
    a law id (507AC0000000053), number (Act No. 53 of 2025) or title; --as-of YYYY-MM-DD."""
    from ..lawapi import fetch_law as fetch

    try:
        saved = fetch(settings := _settings(data_dir=data_dir), law, as_of=as_of or None)
        typer.echo(saved.summary())
        if ingest:
            typer.echo(_assistant(settings).ingest([saved.path]).summary())
    except AssistantError as error:
        _fail(error)


@app.command()
def documents(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the ingested documents."""
    try:
        docs = _assistant(_settings(data_dir=data_dir)).documents()
    except AssistantError as error:
        _fail(error)
    for doc_id, rec in docs.items():
        if as_json:
            typer.echo(json.dumps({"doc_id": doc_id, **rec}, ensure_ascii=False))
        else:
            typer.echo(
                f"{doc_id}\t{rec.get('date') or '-'}\t{rec.get('language')}\t"
                f"{rec.get('chunks')} chunks\t{rec.get('title')}"
            )


@app.command()
def verify(data_dir: DataDir = None) -> None:
    """Check that vectors, keywords and registry agree; delete what a killed ingest left."""
    try:
        index = _assistant(_settings(data_dir=data_dir)).index
        problems = index.verify()
    except AssistantError as error:
        _fail(error)
    if index.last_collected:
        typer.echo(f"deleted {index.last_collected} vectors that no committed chunk uses")
    for problem in problems:
        typer.echo(f"problem: {problem}", err=True)
    if problems:
        if any("not a slice" in p for p in problems):  # the stored text itself is off
            typer.echo("run 'assistant ingest --reread' to repair", err=True)
        else:
            typer.echo("run 'assistant ingest' to repair (it finishes interrupted work)", err=True)
        raise typer.Exit(1)
    typer.echo("index consistent")


@app.command()
def ask(
    questions: Annotated[
        list[str] | None,
        typer.Argument(help="One or more questions; none: read them interactively or from stdin."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per question, one per line.")
    ] = False,
    k: Annotated[int | None, typer.Option("--k", min=1, max=50, help="Passages to use.")] = None,
    backend: BackendOption = None,
    data_dir: DataDir = None,
) -> None:
    """Answer questions from the corpus, citing the verbatim passages."""
    try:
        bot = _assistant(_settings(data_dir=data_dir, k=k, backend=backend))
        if questions:
            # Check every question before answering any, so a bad one changes no output.
            for question in questions:
                bot.check_question(question)
            bot.warm_up()
            for question in questions:
                _print_answer(_answer(bot, question, [], as_json), as_json)
            return
        bot.warm_up()
        asked: list[str] = []
        failed = 0
        interactive = sys.stdin.isatty()
        if interactive:
            typer.echo("Ask about Japanese AI policy (empty line or Ctrl-D to quit).")
        while True:
            try:
                line = input("> " if interactive else "")
            except EOFError:
                break
            if not line.strip():
                if interactive:
                    break
                continue
            # In a conversation, a follow-up ("When was it set up?") leans on earlier questions.
            # A line that cannot be asked gets its own error line; the rest are still answered.
            try:
                answer = _answer(bot, line, asked, as_json)
            except InputError as error:
                failed += 1
                _print_error(line, error, as_json)
                continue
            _print_answer(answer, as_json)
            asked.append(line)
            if interactive:
                typer.echo("")
    except AssistantError as error:
        _fail(error)
    if failed:
        typer.echo(f"error: {failed} of the questions could not be asked", err=True)
        raise typer.Exit(code=2)


@app.command("eval")
def evaluate(
    split: Annotated[str, typer.Option(help="Which questions: dev, test, blind or all.")] = "test",
    compare: Annotated[
        bool, typer.Option(help="Also run the standard alternatives (retrieval, k, embedder).")
    ] = False,
    config: Annotated[
        list[str] | None,
        typer.Option(help="An alternative to compare, e.g. 'dense: retrieval=dense'. Repeatable."),
    ] = None,
    k: Annotated[int | None, typer.Option("--k", min=1, max=50)] = None,
    backend: BackendOption = None,
    attacks: Annotated[
        bool,
        typer.Option(help="Also measure prompt injection (eval/attacks): attack success rate."),
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Report directory (default: <eval_dir>/reports).")
    ] = None,
    statutes: Annotated[
        Path | None,
        typer.Option(help="Evaluate on the statutes in this directory (e-Gov / JLT XML)."),
    ] = None,
    drafts: Annotated[
        bool, typer.Option(help="Measure the guard on the recorded drafts (eval/drafts.jsonl).")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Run the grounding evaluation; write JSON, Markdown and HTML reports."""
    from tqdm import tqdm

    if statutes is not None or drafts:
        return _evaluate_apart(statutes, split, out, _settings(data_dir=data_dir, k=k))

    from ..evaluate.experiments import DEFAULT_NAME, STANDARD_COMPARISON, Configuration
    from ..evaluate.experiments import evaluate as run_configurations
    from ..evaluate.report import write_reports

    try:
        if split not in {"dev", "test", "all", "blind"}:
            raise AssistantError(f"--split must be dev, test, blind or all, not '{split}'")
        settings = _settings(data_dir=data_dir, k=k, backend=backend)
        specs = list(config or []) or (list(STANDARD_COMPARISON) if compare else [])
        configurations = [Configuration(DEFAULT_NAME)] + [Configuration.parse(s) for s in specs]
        bars: dict[str, tqdm] = {}

        def progress(name: str, i: int, n: int) -> None:
            if name not in bars:
                bars[name] = tqdm(total=n, desc=f"eval {name}", file=sys.stderr, leave=False)
            bars[name].update(1)

        runs = run_configurations(
            settings, configurations, split=split, progress=progress, attacks=attacks
        )
        for bar in bars.values():
            bar.close()
        paths = write_reports(out or settings.eval_dir / "reports", split, runs)
    except AssistantError as error:
        _fail(error)
    typer.echo(paths["markdown"].read_text(encoding="utf-8").split("\n## Failures")[0])
    typer.echo(f"reports: {', '.join(str(p) for p in paths.values())}")


def _evaluate_apart(laws: Path | None, split: str, out: Path | None, settings: Settings) -> None:
    """On the statutes in `laws`, or (no `laws`) the guard on the recorded drafts."""
    from ..evaluate import drafts, statute_report

    out = out or settings.eval_dir / "reports"
    try:
        text, paths = (
            statute_report.run_and_write(settings, laws, split, out)
            if laws
            else drafts.write(settings, out)
        )
    except AssistantError as error:
        _fail(error)
    typer.echo(text + f"\nreports: {', '.join(str(p) for p in paths.values())}")


@app.command()
def calibrate(
    data_dir: DataDir = None,
    dry_run: Annotated[bool, typer.Option(help="Print, do not save.")] = False,
    laws: Annotated[
        Path | None, typer.Option(help="Also fit on the dev questions about these statutes.")
    ] = None,
) -> None:
    """Calibrate the abstention thresholds and fit the answerability judgment on the dev
    questions; save them in the data directory (<data_dir>/calibration.json, read before the
    defaults shipped with the package)."""
    from tqdm import tqdm

    from ..evaluate.calibration import calibrate_and_save

    try:
        with tqdm(desc="calibrating", file=sys.stderr) as bar:
            result, path = calibrate_and_save(
                _settings(data_dir=data_dir),
                laws,
                save=not dry_run,
                progress=lambda i, n: bar.update(1),
            )
    except AssistantError as error:
        _fail(error)
    typer.echo(result.summary())
    if path is not None:
        typer.echo(f"saved to {path}")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs a password.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 7860,
    password: Annotated[
        str | None, typer.Option(envvar="ASSISTANT_WEB_PASSWORD", help="Require this password.")
    ] = None,
    user: Annotated[str, typer.Option(help="User name that goes with --password.")] = "admin",
    no_ingest: Annotated[bool, typer.Option(help="Do not sync the corpus first.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Start the chat web page (http://127.0.0.1:7860 by default)."""
    try:
        from .web import check_exposure
        from .web import serve as serve_web

        check_exposure(host, password)  # before anything is ingested or announced
        bot = _assistant(_settings(data_dir=data_dir))
        if not no_ingest:
            typer.echo(bot.ingest().summary())
        bot.warm_up()

        typer.echo(f"Serving on http://{host}:{port} (Ctrl-C to stop)")
        serve_web(bot, host=host, port=port, password=password, user=user)
    except AssistantError as error:
        _fail(error)


def _answer(bot, question: str, history: list[str], quiet: bool) -> Answer:  # noqa: ANN001
    """Ask; a chat model's unchecked draft streams to stderr while it is written."""
    drafting = False
    for item in bot.ask_stream(question, history=history):
        if isinstance(item, Answer):
            if drafting:
                typer.echo("\n", err=True)
            if item.notice:
                typer.echo(f"note: {item.notice}", err=True)
            return item
        if not quiet:
            if not drafting:
                typer.echo("draft (being checked): ", err=True, nl=False)
                drafting = True
            typer.echo(item, err=True, nl=False)
    raise AssistantError("no answer was produced")


def _print_error(question: str, error: AssistantError, as_json: bool) -> None:
    """One line for a question that could not be asked: JSON with an `error` field on stdout
    (so a batch's output keeps one line per question), or a line on stderr."""
    if as_json:
        typer.echo(json.dumps({"question": question, "error": str(error)}, ensure_ascii=False))
    else:
        typer.echo(f"error: {error}", err=True)


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        typer.echo(render(answer))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
