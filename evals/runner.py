"""``bronwijs eval``: ingest a corpus, ask every gold question, extract from every document, score.

The runner goes through the product's own code paths (``ingest.pipeline.ingest_paths`` and
``assistant.service.Assistant``: the same ``retrieve``/``ask``/``extract`` the CLI calls). A part of
the stack that is not there yet (a module that cannot be imported, a method that raises
``NotImplementedError``) makes its section ``{"status": "not measured", "reason": ...}``: never
zero, never passed. Figures come from ``evals.metrics``; what they mean is in ``evals/README.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings, bundled_corpus_dir
from assistant.errors import BronwijsError, ConfigError
from assistant.store import KEYWORD_FIELDS
from evals import metrics as M
from evals.gold import GoldSet, QAItem, check_quotes, read_gold
from evals.match import DocResolver, record_source
from evals.sets import GoldSpec, gaps, parse_gold, side_by_side

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# what a missing piece of the stack looks like: the module is not written yet, or a stub
_MISSING = (ImportError, NotImplementedError)


# --- the run ------------------------------------------------------------------------------------


def run_eval(
    gold: str | Path | Sequence[str | Path | GoldSpec],
    corpus_dirs: Sequence[Path] | None,
    settings: Settings,
    *,
    blind: Sequence[str] = (),
    out: Path | None = None,
    predictions: Path | None = None,
    only: str | None = None,
    k: int = 10,
    baseline: bool = False,
    history: Path | None = None,
    label: str = "",
    index_given: bool = False,
    console: Any = None,
) -> dict[str, Any]:
    """Run the whole evaluation; print tables, write ``out``/``predictions``/``history``; return the metrics.

    ``gold``: one folder, or several (``NAME=DIR`` strings, folders or GoldSpecs), scored separately
    on one index of the union of ``corpus_dirs``. One set gives the single-set metrics shape; several
    give ``{..., "sets": {name: single-set shape}, "blind": [...], "gap": {...}}`` (``evals.sets``).
    Sets named in ``blind`` are validation sets: no per-item output of theirs is printed or written.
    """
    if only not in (None, "qa", "extraction"):
        raise ConfigError(f"--only must be qa or extraction, not {only!r}")
    if k < 1:
        raise ConfigError(f"--k must be at least 1, not {k}")
    values = [gold] if isinstance(gold, str | Path | GoldSpec) else list(gold)
    specs = parse_gold(values, blind)
    golds = {s.name: read_gold(Path(s.path)) for s in specs}  # every format error before any work
    dirs = [Path(d) for d in (corpus_dirs or [bundled_corpus_dir()])]
    for d in dirs:
        if not d.exists():
            raise ConfigError(
                f"corpus folder {d} does not exist; pass --corpus DIR (default: the bundled corpus)"
            )
    if not index_given:
        settings = dataclasses.replace(settings, index_dir=eval_index_dir(settings, dirs))
    if console is None:
        from rich.console import Console

        console = Console(stderr=False, width=max(160, min(220, _term_width())))

    run = _run_header(dirs, settings, label, k, only)
    t_run = time.perf_counter()
    run["ingest"] = _ingest(dirs, settings, index_given, console)

    state = _open_assistant(settings)
    sections: dict[str, dict[str, Any]] = {}
    qa_rows: dict[str, list[dict[str, Any]]] = {s.name: [] for s in specs}
    ex_rows: list[dict[str, Any]] = []
    blind_found: list[tuple[dict[str, Any], DocResolver]] = []
    if state["reason"]:
        reason = state["reason"]
        for spec in specs:
            m = _set_header(spec, golds[spec.name], run)
            for section in ("qa", "extraction"):
                m[section] = M.not_measured(reason)
            m["documents"] = M.not_measured(reason)
            sections[spec.name] = m
    else:
        assistant, index = state["assistant"], state["index"]
        manifest = getattr(index, "manifest", {}) or {}
        emb = manifest.get("embedder")
        run["embedder"] = {
            **(emb if isinstance(emb, dict) else {}),
            "name": getattr(index, "embedder_name", "") or settings.embedder,
        }
        run["index"] = {key: manifest[key] for key in ("chunker", "format", "generation") if key in manifest}
        resolved = {name: resolve_documents(g, index) for name, g in golds.items()}
        wants_extraction = only != "qa" and any(
            g.extractions or g.extraction_docs is not None for g in golds.values()
        )
        extracted = _extract_all(assistant, index) if wants_extraction else None
        base = (
            _run_baseline(specs, golds, resolved, index, settings, k)
            if baseline and only != "extraction"
            else None
        )
        for spec in specs:
            gold_set = golds[spec.name]
            found, missing, resolver, texts = resolved[spec.name]
            m = _set_header(spec, gold_set, run)
            m["documents"] = {"found": found, "missing": missing, "indexed": len(index.documents)}
            m["gold_quote_warnings"] = check_quotes(gold_set, texts)
            if only != "extraction":
                qa, qa_preds = _run_qa(gold_set, found, assistant, resolver, k, show_ids=not spec.blind)
                m["qa"] = qa
                qa_rows[spec.name] = qa_preds
                if base is not None:
                    m["baseline"] = base[spec.name]
            else:
                m["qa"] = M.not_measured("--only extraction")
            if only == "qa":
                m["extraction"] = M.not_measured("--only qa")
            else:
                m["extraction"] = _score_extraction(gold_set, found, resolver, extracted)
            if spec.blind:
                blind_found.append((found, resolver))
            sections[spec.name] = m
        if isinstance(extracted, dict) and extracted.get("items"):
            ex_rows = [
                row
                for row in extracted["items"]
                if not any(r.gold_name(row, f) is not None for f, r in blind_found)
            ]
    seconds = round(time.perf_counter() - t_run, 2)
    for spec in specs:
        m = sections[spec.name]
        m["counts"].update(_scored_counts(m))
        m["seconds"] = seconds
        if spec.blind:
            hide_items(m)
            qa_rows[spec.name] = []
    if len(specs) == 1:
        metrics = sections[specs[0].name]
    else:
        blind_sets = [s.name for s in specs if s.blind]
        metrics = {**run, "seconds": seconds, "sets": sections, "blind": blind_sets}
        metrics["gap"] = gaps(sections, blind_sets)

    for spec in specs:
        if len(specs) > 1:
            console.rule(f"{spec.name} ({'blind' if spec.blind else 'dev'}): {spec.path}")
        render(sections[spec.name], console)
    if len(specs) > 1:
        render_side_by_side(metrics, console)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"metrics: {out}")
    if predictions:
        rows = [
            dict(row, set=name) if len(specs) > 1 else row for name, got in qa_rows.items() for row in got
        ] + ex_rows
        Path(predictions).parent.mkdir(parents=True, exist_ok=True)
        with open(predictions, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        hidden = [s.name for s in specs if s.blind]
        note = f"; nothing of blind set(s) {', '.join(hidden)}" if hidden else ""
        console.print(f"predictions: {predictions} ({len(rows)} lines{note})")
    if history:
        for spec in specs:
            m = sections[spec.name]
            if len(specs) > 1:
                tag = f"{spec.name}{' (blind)' if spec.blind else ''}"
                m = dict(m, label=f"{label} · {tag}" if label else tag)
            append_history(Path(history), m)
        console.print(f"history: {history}")
    return metrics


def hide_items(m: dict[str, Any]) -> None:
    """A blind set keeps aggregates only (overall, by kind, language and document; counts): its
    per-item lists (failures, skipped items, gold quote warnings) are dropped, their number kept."""
    m["blind"] = True
    m["hidden"] = "blind set: per-item output is not shown or written, only aggregates"
    warnings = m.pop("gold_quote_warnings", None)
    if isinstance(warnings, list):
        m["gold_quote_warnings_n"] = len(warnings)
    for section in ("qa", "extraction"):
        sec = m.get(section)
        if isinstance(sec, dict):
            for key in ("failures", "skipped"):
                if isinstance(sec.get(key), list):
                    sec[f"{key}_n"] = len(sec.pop(key))


def eval_index_dir(settings: Settings, dirs: Sequence[Path]) -> Path:
    """A persistent index per corpus and embedder/chunking, so a second run re-embeds nothing."""
    key = json.dumps(
        {
            "corpus": sorted(str(Path(d).resolve()) for d in dirs),
            "embedder": settings.embedder,
            "chunk": [settings.chunk_tokens, settings.chunk_max_tokens],
            "keyword": KEYWORD_FIELDS,
        },
        sort_keys=True,
    )
    return Path(settings.cache_dir) / "eval-index" / hashlib.sha256(key.encode()).hexdigest()[:12]


def _term_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 140


def _run_header(
    dirs: Sequence[Path], settings: Settings, label: str, k: int, only: str | None
) -> dict[str, Any]:
    return {
        "label": label,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git": git_info(),
        "machine": machine_info(),
        "corpus_dirs": [str(d) for d in dirs],
        "index_dir": str(settings.index_dir),
        "settings": settings.to_dict(),
        "embedder": {"name": settings.embedder},
        "k": k,
        "only": only,
    }


def _set_header(spec: GoldSpec, gold: GoldSet, run: Mapping[str, Any]) -> dict[str, Any]:
    """One set's section: the single-set shape, with the run-wide keys copied in."""
    m: dict[str, Any] = {
        "label": run["label"],
        "set": spec.name,
        "role": spec.role,
        "blind": spec.blind,
        "date": run["date"],
        "git": run["git"],
        "machine": run["machine"],
        "gold_dir": str(gold.path),
        "gold_files": list(gold.files),
    }
    m.update({key: v for key, v in run.items() if key not in m})
    m["counts"] = gold.counts()
    return m


def git_info() -> dict[str, Any]:
    """Commit and whether the work tree differs from it (read-only git calls); {} outside a checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"commit": commit, "dirty": bool(dirty)}


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "ram_gb": None,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    if hasattr(os, "sched_getaffinity"):
        info["cores_usable"] = len(os.sched_getaffinity(0))
    return info


# --- ingest -------------------------------------------------------------------------------------


def _ingest(dirs: Sequence[Path], settings: Settings, index_given: bool, console: Any) -> dict[str, Any]:
    try:
        from ingest.pipeline import ingest_paths
    except _MISSING as e:
        return M.not_measured(f"ingest.pipeline not available: {e}")
    from assistant.progress import cli_progress

    sidecar = None if index_given else Path(str(settings.index_dir) + ".ingest.json")
    t0 = time.perf_counter()
    with cli_progress() as progress:
        try:
            report = ingest_paths(dirs, settings, progress=progress)
        except _MISSING as e:  # a module the pipeline imports lazily is not written yet
            return M.not_measured(f"ingest not available: {e!r}")
    wall = time.perf_counter() - t0
    rep = report.to_dict()
    out: dict[str, Any] = {
        "status": "measured",
        "index_dir": str(settings.index_dir),
        "added": len(rep["added"]),
        "unchanged_or_skipped": len(rep["skipped"]),
        "failed": rep["failed"],
        "wall_s": round(wall, 2),
        "this_run": _throughput(rep),
    }
    console.print(f"ingest: {report.summary()}", style="dim")
    if rep["added"]:
        out["throughput"] = dict(out["this_run"], source="this run")
        if sidecar is not None:
            sidecar.parent.mkdir(parents=True, exist_ok=True)
            rec = dict(out["this_run"], date=dt.datetime.now().astimezone().isoformat(timespec="seconds"))
            sidecar.write_text(json.dumps(rec, indent=2) + "\n", encoding="utf-8")
    elif sidecar is not None and sidecar.exists():
        rec = json.loads(sidecar.read_text(encoding="utf-8"))
        out["throughput"] = dict(rec, source=f"the run that built this index ({rec.get('date', '?')})")
    else:
        out["throughput"] = M.not_measured("nothing new was ingested (index reused) and no earlier record")
    return out


def _throughput(rep: Mapping[str, Any]) -> dict[str, Any]:
    s = float(rep.get("seconds") or 0.0)
    pages, tokens, chunks = (
        int(rep.get("pages") or 0),
        int(rep.get("tokens") or 0),
        int(rep.get("chunks") or 0),
    )
    return {
        "documents": len(rep.get("added") or []),
        "pages": pages,
        "chunks": chunks,
        "tokens": tokens,
        "seconds": round(s, 3),
        "pages_per_s": round(pages / s, 3) if s and pages else None,
        "tokens_per_s": round(tokens / s, 1) if s and tokens else None,
        "timings": rep.get("timings") or {},
    }


def prepare_index(settings: Settings, corpus_dirs: Sequence[Path] | None, *, index_given: bool = False) -> Any:
    """An Assistant over the eval index of ``corpus_dirs`` (ingested now if anything is new)."""
    dirs = [Path(d) for d in (corpus_dirs or [bundled_corpus_dir()])]
    for d in dirs:
        if not d.exists():
            raise ConfigError(f"corpus folder {d} does not exist / bestaat niet")
    if not index_given:
        settings = dataclasses.replace(settings, index_dir=eval_index_dir(settings, dirs))
    from assistant.progress import cli_progress
    from assistant.service import Assistant
    from ingest.pipeline import ingest_paths

    with cli_progress() as progress:
        ingest_paths(dirs, settings, progress=progress)
    return Assistant(settings)


# --- the assistant and its documents -------------------------------------------------------------


def _open_assistant(settings: Settings) -> dict[str, Any]:
    try:
        from assistant.service import Assistant
    except _MISSING as e:
        return {"reason": f"assistant.service not available: {e}"}
    try:
        assistant = Assistant(settings)
        index = assistant.index
    except _MISSING as e:
        return {"reason": f"assistant.service incomplete: {e}"}
    except BronwijsError as e:  # IndexMissing when ingest is not there either
        return {"reason": f"no index: {e}"}
    return {"reason": "", "assistant": assistant, "index": index}


def resolve_documents(
    gold: GoldSet, index: Any
) -> tuple[dict[str, dict[str, Any]], list[str], DocResolver, dict[str, str]]:
    """Find every gold document in the index: by the sha256 of documents.tsv, else by name.

    documents.tsv holds the sha256 of a file's bytes. Most files are one indexed document with that
    sha; a JSON list is one document per record (``file.json#n``, sha256 of the record's canonical
    JSON), found through the index's files map (file sha -> its records) or by the records' names.
    Returns ``found`` (gold name -> {doc, sha256, by, pages[, records, record_sha256]}), ``missing``
    names, a resolver that matches predictions on the indexed shas (renamed copies and every record
    of a JSON list included), and gold name -> indexed text (a JSON list: its records' texts).
    """
    docs = dict(index.documents)  # sha256 -> Document
    files = (getattr(index, "manifest", None) or {}).get("files") or {}
    by_file_sha = {str(v.get("sha256", "")).lower(): v for v in files.values() if isinstance(v, Mapping)}
    by_name: dict[str, list[Any]] = {}
    records_of: dict[str, list[Any]] = {}  # file name -> its record documents
    for d in docs.values():
        name = Path(d.doc).name
        by_name.setdefault(name, []).append(d)
        if source := record_source(name):
            records_of.setdefault(source, []).append(d)
    found: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    hits: dict[str, list[Any]] = {}
    for name in gold.doc_names():
        sha = gold.documents.get(name)
        got: list[Any] = []
        how = ""
        if sha and sha in docs:
            got, how = [docs[sha]], "sha256"
        elif sha and sha in by_file_sha:
            got = [docs[s] for s in by_file_sha[sha].get("docs", []) if s in docs]
            how = "sha256 of the file"
        base = Path(name).name
        if not got and by_name.get(base):
            got, how = by_name[base][:1], "name"
        if not got and records_of.get(base):
            got, how = records_of[base], "name of the file"
        if not got:
            missing.append(name)
            continue
        got = sorted(got, key=lambda d: _record_number(d.doc))
        hits[name] = got
        if len(got) == 1 and record_source(Path(got[0].doc).name) is None:
            found[name] = {"doc": got[0].doc, "sha256": got[0].sha256, "by": how, "pages": got[0].pages}
        else:
            found[name] = {
                "doc": record_source(Path(got[0].doc).name) or got[0].doc,
                "sha256": sha or "",
                "by": how,
                "pages": sum(int(d.pages or 0) for d in got),
                "records": len(got),
                "record_sha256": [d.sha256 for d in got],
            }
    resolver = DocResolver(
        {n: f["sha256"] for n, f in found.items() if f["sha256"]},
        {n: [f["doc"]] for n, f in found.items()},
        {n: f["record_sha256"] for n, f in found.items() if "record_sha256" in f},
    )
    texts = {n: "\n\n".join(d.text for d in got) for n, got in hits.items()}
    return found, missing, resolver, texts


def _record_number(doc: str) -> int:
    tail = doc.rsplit("#", 1)[-1]
    return int(tail) if record_source(Path(doc).name) and tail.isdigit() else 0


def in_scope(q: QAItem, found: Mapping[str, Any]) -> bool:
    """Scored when its documents are in the corpus: one for ``any``, every one for ``all``; always
    when unanswerable."""
    if not q.answerable:
        return True
    present = [d in found for d in q.docs]
    return all(present) if q.needs == "all" else any(present)


# --- questions ----------------------------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - t0) * 1000


def _run_qa(
    gold: GoldSet,
    found: Mapping[str, Any],
    assistant: Any,
    resolver: DocResolver,
    k: int,
    *,
    show_ids: bool = True,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not gold.qa:
        return M.not_measured("the gold set has no qa.jsonl"), []
    items = [q for q in gold.qa if in_scope(q, found)]
    skipped = [
        {
            "id": q.id,
            "reason": "document(s) not in the corpus: " + ", ".join(d for d in q.docs if d not in found),
        }
        for q in gold.qa
        if not in_scope(q, found)
    ]
    why_not: dict[str, str | None] = {"retrieve": None, "ask": None}
    for method in why_not:
        if not callable(getattr(assistant, method, None)):
            why_not[method] = f"Assistant.{method} does not exist yet"
    preds: dict[str, dict[str, Any]] = {}
    from assistant.progress import cli_progress

    with cli_progress() as progress:
        progress.start("questions", len(items), unit="q")
        for q in items:
            pred: dict[str, Any] = {"id": q.id}
            wall: dict[str, float] = {}
            try:
                # the answer first: its timing must not profit from caches the retrieval call warmed
                if why_not["ask"] is None:
                    try:
                        answer, wall["ask"] = _timed(lambda q=q: assistant.ask(q.question))
                        pred.update(answer.to_dict())
                    except _MISSING as e:
                        why_not["ask"] = f"Assistant.ask not available: {e!r}"
                if why_not["retrieve"] is None:
                    try:
                        passages, wall["retrieve"] = _timed(lambda q=q: assistant.retrieve(q.question, k=k))
                        pred["retrieved"] = [p.to_dict() for p in passages]
                    except _MISSING as e:
                        why_not["retrieve"] = f"Assistant.retrieve not available: {e!r}"
            except BronwijsError as e:  # e.g. ModelUnavailable: this question failed, the run goes on
                pred["error"] = f"{type(e).__name__}: {e}"
                pred.setdefault("retrieved", [])
                if why_not["ask"] is None:
                    pred.update({"answer": "", "declined": False, "citations": [], "passages": []})
            pred["wall_ms"] = {key: round(v, 2) for key, v in wall.items()}
            preds[q.id] = pred
            progress.advance("questions", 1, **({"id": q.id} if show_ids else {}))
        progress.finish("questions")
    if why_not["retrieve"] and why_not["ask"]:
        section = M.not_measured(f"{why_not['retrieve']}; {why_not['ask']}")
        section["skipped"] = skipped
        return section, []
    status = {"retrieval": why_not["retrieve"], "answers": why_not["ask"]}
    section = {"status": "measured", **M.qa_breakdown(items, preds, resolver, k, **status)}
    section["failures"] = M.qa_failures(
        items, preds, resolver, k, retrieval=status["retrieval"] is None, answers=status["answers"] is None
    )
    section["skipped"] = skipped
    section["errors"] = sum(1 for p in preds.values() if p.get("error"))
    return section, [preds[q.id] for q in items]


# --- extraction ---------------------------------------------------------------------------------


def _extract_all(assistant: Any, index: Any) -> dict[str, Any]:
    """Extract from every indexed document once (every gold set is scored on these items):
    ``{"items", "latency"}``, or a not-measured section."""
    if not callable(getattr(assistant, "extract", None)):
        return M.not_measured("Assistant.extract does not exist yet")
    documents = sorted(index.documents.values(), key=lambda d: d.doc)
    items: list[dict[str, Any]] = []
    per_page: list[float] = []
    total_ms = 0.0
    pages = 0
    from assistant.progress import cli_progress

    with cli_progress() as progress:
        progress.start("extraction", len(documents), unit="doc")
        for d in documents:
            try:
                result, ms = _timed(lambda d=d: assistant.extract([d.sha256]))
            except _MISSING as e:
                return M.not_measured(f"Assistant.extract not available: {e!r}")
            items.extend(c.to_dict() for c in result)
            per_page.append(ms / max(1, d.pages))
            total_ms += ms
            pages += d.pages
            progress.advance("extraction", 1, doc=d.doc)
        progress.finish("extraction")
    latency = {
        "per_page": M.latency(per_page),
        "documents": len(documents),
        "pages": pages,
        "seconds": round(total_ms / 1000, 3),
        "pages_per_s": round(pages / (total_ms / 1000), 2) if total_ms else None,
    }
    return {"items": items, "latency": latency}


def _score_extraction(
    gold: GoldSet, found: Mapping[str, Any], resolver: DocResolver, extracted: Mapping[str, Any] | None
) -> dict[str, Any]:
    if not gold.extractions and gold.extraction_docs is None:
        return M.not_measured("the gold set has no extractions.jsonl or extraction_docs.txt")
    if extracted is None or "items" not in extracted:
        return dict(extracted or M.not_measured("extraction was not run"))
    items = extracted["items"]
    scoped_gold = [x for x in gold.extractions if x.doc in found]
    ex_docs = None if gold.extraction_docs is None else [d for d in gold.extraction_docs if d in found]
    section: dict[str, Any] = {
        "status": "measured",
        **M.extraction_figures(scoped_gold, items, resolver, ex_docs),
    }
    section["latency"] = dict(extracted["latency"])
    section["failures"] = M.extraction_failures(scoped_gold, items, resolver, ex_docs)
    section["skipped"] = [
        {"id": x.id, "reason": f"document not in the corpus: {x.doc}"}
        for x in gold.extractions
        if x.doc not in found
    ]
    section["extraction_docs_missing"] = [d for d in (gold.extraction_docs or ()) if d not in found]
    return section


# --- baseline -----------------------------------------------------------------------------------


def _run_baseline(
    specs: Sequence[GoldSpec],
    golds: Mapping[str, GoldSet],
    resolved: Mapping[str, tuple[Any, ...]],
    index: Any,
    settings: Settings,
    k: int,
) -> dict[str, dict[str, Any]]:
    """The LangChain-tutorial baseline over the whole index, once, on the in-scope questions of
    every set; scored per set."""
    try:
        from evals.baseline import run_baseline
    except _MISSING as e:
        return {s.name: M.not_measured(f"baseline not available: {e}") for s in specs}
    items = {s.name: [q for q in golds[s.name].qa if in_scope(q, resolved[s.name][0])] for s in specs}
    tagged = [dataclasses.replace(q, id=f"{n}\x1f{q.id}") for n, qs in items.items() for q in qs]
    try:
        result = run_baseline(tagged, list(index.documents.values()), settings, k=k)
    except _MISSING as e:
        return {s.name: M.not_measured(f"baseline not available: {e!r}") for s in specs}
    out: dict[str, dict[str, Any]] = {}
    for s in specs:
        tag = f"{s.name}\x1f"

        def mine(preds: Mapping[str, Any], tag: str = tag) -> dict[str, Any]:
            return {i[len(tag) :]: p for i, p in preds.items() if i.startswith(tag)}

        section: dict[str, Any] = {
            "status": "measured",
            "pipeline": result["pipeline"],
            "ingest": result["ingest"],
        }
        resolver = resolved[s.name][2]
        section.update(M.qa_breakdown(items[s.name], mine(result["predictions"]), resolver, k))
        section["answers_top1"] = M.answer_figures(items[s.name], mine(result["predictions_top1"]))
        out[s.name] = section
    return out


# --- counts, history ----------------------------------------------------------------------------


def _scored_counts(m: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    qa = m.get("qa") or {}
    if qa.get("status") == "measured":
        out["questions_scored"] = qa["overall"]["n"]
    out["questions_skipped"] = len(qa.get("skipped") or []) or int(qa.get("skipped_n") or 0)
    ex = m.get("extraction") or {}
    if ex.get("status") == "measured":
        out["extraction_items_scored"] = ex["overall"]["n_gold"]
        out["extraction_items_skipped"] = len(ex.get("skipped") or []) or int(ex.get("skipped_n") or 0)
    docs = m.get("documents") or {}
    if "found" in docs:
        out["documents_found"] = len(docs["found"])
        out["documents_missing"] = len(docs["missing"])
    return out


def get(m: Mapping[str, Any], path: str) -> Any:
    """``get(m, "qa.overall.retrieval.recall@5")``: None when any step is missing or not measured."""
    cur: Any = m
    for part in path.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


HISTORY_COLUMNS: list[tuple[str, str]] = [
    ("R@5", "qa.overall.retrieval.recall@5"),
    ("MRR", "qa.overall.retrieval.mrr@10"),
    ("answer correct", "qa.overall.answers.correct"),
    ("declined ok", "qa.overall.answers.declined_correctly"),
    ("wrongly declined", "qa.overall.answers.wrongly_declined"),
    ("cite P", "qa.overall.citations.precision"),
    ("cite R", "qa.overall.citations.recall"),
    ("extract F1", "extraction.overall.f1"),
    ("field acc", "extraction.overall.field_accuracy"),
    ("answer p50 ms", "qa.overall.latency.answer.median_ms"),
    ("baseline R@5", "baseline.overall.retrieval.recall@5"),
]
_HISTORY_HEAD = (
    "| date | label | commit | questions | documents | " + " | ".join(c for c, _ in HISTORY_COLUMNS) + " |"
)


def history_row(m: Mapping[str, Any]) -> str:
    def fmt(v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3f}"
        return str(v)

    git = m.get("git") or {}
    commit = (git.get("commit") or "?") + ("+" if git.get("dirty") else "")
    counts = m.get("counts") or {}
    cells = [
        str(m.get("date", ""))[:16].replace("T", " "),
        str(m.get("label") or "").replace("|", "/"),
        commit,
        fmt(counts.get("questions_scored")),
        fmt(counts.get("documents_found")),
        *(fmt(get(m, path)) for _, path in HISTORY_COLUMNS),
    ]
    return "| " + " | ".join(cells) + " |"


def append_history(path: Path, m: Mapping[str, Any]) -> None:
    """Add one row to the history table in ``path``; make the table (at the end) if there is none."""
    row = history_row(m)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    head = next((i for i, line in enumerate(lines) if line.startswith("| date | label | commit |")), None)
    if head is None:
        if lines and lines[-1].strip():
            lines.append("")
        sep = "|" + "---|" * (_HISTORY_HEAD.count("|") - 1)
        lines += ["## History", "", "One row per `bronwijs eval --history` run.", "", _HISTORY_HEAD, sep, row]
    else:
        end = head + 1
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        lines.insert(end, row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- rendering ----------------------------------------------------------------------------------


def _f(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)


def _qa_row(name: str, g: Mapping[str, Any], k: int) -> list[str]:
    r, a, c, lat = g.get("retrieval", {}), g.get("answers", {}), g.get("citations", {}), g.get("latency", {})
    return [
        name,
        str(g.get("n", "")),
        *(_f(r.get(f"recall@{x}")) for x in (1, 5, 10)),
        _f(r.get(f"mrr@{k}")),
        _f(r.get(f"ndcg@{min(10, k)}")),
        _f(a.get("correct")),
        _f(a.get("declined_correctly")),
        _f(a.get("wrongly_declined")),
        _f(c.get("precision")),
        _f(c.get("recall")),
        _f(get(lat, "retrieve.median_ms")),
        _f(get(lat, "answer.median_ms")),
        _f(get(lat, "answer.p95_ms")),
    ]


def _qa_table(title: str, section: Mapping[str, Any], k: int, groups: Sequence[str]) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col in (
        "group",
        "n",
        "R@1",
        "R@5",
        "R@10",
        "MRR",
        "nDCG",
        "correct",
        "decl ok",
        "bad decl",
        "citeP",
        "citeR",
        "ret p50",
        "ans p50",
        "ans p95",
    ):
        if col == "group":
            t.add_column(col, no_wrap=True, max_width=32, overflow="ellipsis")
        else:
            t.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    t.add_row(*_qa_row("overall", section["overall"], k), style="bold")
    for grp in groups:
        for name, g in (section.get(grp) or {}).items():
            t.add_row(*_qa_row(f"{grp[3:]}: {name}", g, k))
    return t


def render(m: Mapping[str, Any], console: Any) -> None:
    """The human report: a QA table (overall, kind, language, document), extraction, speed, failures."""
    from rich.table import Table

    k = int(m.get("k") or 10)
    git = m.get("git") or {}
    console.print(
        f"[bold]bronwijs eval[/bold] {m.get('label') or ''}  gold={m['gold_dir']}  corpus={', '.join(m['corpus_dirs'])}"
        f"  embedder={get(m, 'embedder.name')}  commit={git.get('commit', '?')}{'+' if git.get('dirty') else ''}"
    )
    docs = m.get("documents") or {}
    if docs.get("missing"):
        console.print(
            f"[yellow]gold documents not in the corpus (their items are not scored):[/] {', '.join(docs['missing'])}"
        )
    for w in (m.get("gold_quote_warnings") or [])[:10]:
        console.print(f"[yellow]gold quote vs indexed text:[/] {w}")
    if m.get("gold_quote_warnings_n"):
        n = m["gold_quote_warnings_n"]
        console.print(f"[yellow]{n} gold quotes not found in the indexed text[/] (blind set)")
    qa = m.get("qa") or {}
    if qa.get("status") == "measured":
        console.print(
            _qa_table(
                "Questions (shares 0..1; correct = answer_keys met; decl ok = unanswerable declined; "
                "bad decl = answerable declined; latency ms)",
                qa,
                k,
                ["by_kind", "by_lang"],
            )
        )
        console.print(_qa_table("Questions by document", qa, k, ["by_doc"]))
        n_skipped = len(qa.get("skipped") or []) or qa.get("skipped_n")
        if n_skipped:
            console.print(f"{n_skipped} questions not scored: their documents are not in the corpus")
        if m.get("blind"):
            console.print("blind set: no per-item output is shown or written", style="dim")
    else:
        console.print(f"[yellow]questions: not measured[/] ({qa.get('reason', '')})")
    base = m.get("baseline")
    if base and base.get("status") == "measured":
        console.print(
            _qa_table(
                "Baseline: LangChain tutorial (splitter 1000/200, FAISS flat IP, top 4; "
                "answer = top 4 passages concatenated)",
                base,
                k,
                [],
            )
        )
    elif base:
        console.print(f"[yellow]baseline: not measured[/] ({base.get('reason', '')})")
    ex = m.get("extraction") or {}
    if ex.get("status") == "measured":
        t = Table(title="Extraction (precision on extraction_docs only)", title_justify="left")
        for col in ("group", "gold", "predicted", "matched", "P", "R", "F1", "field acc"):
            t.add_column(col, justify="left" if col == "group" else "right", no_wrap=True, max_width=50)

        def row(name: str, g: Mapping[str, Any], style: str = "") -> None:
            t.add_row(
                name,
                str(g["n_gold"]),
                _f(g["n_predicted"]),
                str(g["n_matched"]),
                _f(g["precision"]),
                _f(g["recall"]),
                _f(g["f1"]),
                _f(g["field_accuracy"]),
                style=style,
            )

        row("overall", ex["overall"], "bold")
        for name, g in ex["by_kind"].items():
            row(f"kind: {name}", g)
        for name, g in ex["by_doc"].items():
            row(f"doc: {name[:40]}", g)
        console.print(t)
    else:
        console.print(f"[yellow]extraction: not measured[/] ({ex.get('reason', '')})")
    sp = Table(title="Speed", title_justify="left")
    sp.add_column("what")
    sp.add_column("value", justify="right")
    ing = m.get("ingest") or {}
    thr = ing.get("throughput") or {}
    if thr.get("status") == M.NOT_MEASURED or ing.get("status") == M.NOT_MEASURED:
        sp.add_row("ingest", "not measured: " + (thr.get("reason") or ing.get("reason") or ""))
    else:
        sp.add_row(
            "ingest pages/s",
            f"{_f(thr.get('pages_per_s'))}  ({thr.get('pages')} pages, {thr.get('documents')} docs, {thr.get('source')})",
        )
        sp.add_row("ingest tokens/s", _f(thr.get("tokens_per_s")))
    for what, path in (
        ("retrieval", "qa.overall.latency.retrieve"),
        ("answer", "qa.overall.latency.answer"),
        ("extraction per page", "extraction.latency.per_page"),
    ):
        lat = get(m, path)
        if lat and lat.get("n"):
            sp.add_row(
                f"{what} ms median / p95", f"{_f(lat['median_ms'])} / {_f(lat['p95_ms'])}  (n={lat['n']})"
            )
        else:
            sp.add_row(f"{what} latency", "not measured")
    console.print(sp)
    _render_failures(m, console)


def render_side_by_side(m: Mapping[str, Any], console: Any) -> None:
    """One column per gold set, one gap column (mean of the development sets minus it) per blind set."""
    from rich.table import Table

    head, rows = side_by_side(m)
    n_sets = len(head) - 1 - sum(h.startswith("gap") for h in head)
    t = Table(
        title="Gold sets side by side (gap = mean of the dev sets − the blind set; shares 0..1, latency ms)",
        title_justify="left",
    )
    for i, col in enumerate(head):
        t.add_column(col, justify="left" if i == 0 else "right", no_wrap=True)
    for row in rows:
        cells = [row[0], *(_f(v) for v in row[1 : 1 + n_sets])]
        cells += ["–" if v is None else f"{v:+.3f}" for v in row[1 + n_sets :]]
        t.add_row(*cells)
    console.print(t)


def _short(s: Any, n: int = 110) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _render_failures(m: Mapping[str, Any], console: Any, limit: int = 40) -> None:
    from rich.markup import escape

    fails = get(m, "qa.failures") or []
    if fails:
        console.print(f"[bold]Question failures[/] ({len(fails)}; all in --out)")
        for f in fails[:limit]:
            exp = (
                f["expected"]
                if f["expected"] == "decline"
                else " & ".join("/".join(g) for g in f["expected"])
            )
            console.print(escape(f"  {f['id']} [{f['kind']}/{f['lang']}] {_short(f['question'], 90)}"))
            console.print(
                escape(f"      expected: {_short(exp, 80)} | got: {_short(f['got'] or '–', 90)}"), style="dim"
            )
            console.print(escape(f"      {'; '.join(_short(p, 100) for p in f['problems'])}"), style="red")
        if len(fails) > limit:
            console.print(f"  … {len(fails) - limit} more")
    efails = get(m, "extraction.failures") or []
    if efails:
        counts: dict[str, int] = {}
        for f in efails:
            counts[f["problem"]] = counts.get(f["problem"], 0) + 1
        console.print(
            f"[bold]Extraction failures[/] ({', '.join(f'{v} {k}' for k, v in counts.items())}; all in --out)"
        )
        for f in efails[: limit // 2]:
            detail = f.get("expected") or f.get("got") or ""
            extra = f" {f['fields']}" if f.get("fields") else ""
            console.print(
                escape(
                    f"  {f['problem']:8} {f['id'] or '-':5} {f['kind']:8} {_short(f['doc'], 30)}: {_short(detail, 80)}{_short(extra, 120)}"
                )
            )
