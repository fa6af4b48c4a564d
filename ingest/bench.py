"""``bronwijs bench``: how fast ingest is, where the time goes, and what the index costs on disk.

Cold by design: a fresh index folder and a fresh embedding cache, so every chunk is embedded. The
model is loaded before the clock starts (its load time is reported apart). Then the same files are
ingested again, which must embed nothing, write nothing and take well under 2 s.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.progress import NoProgress, Progress

MARKER = ".bronwijs-bench"


def machine() -> dict[str, Any]:
    """Cores, CPU model, RAM, and how busy the machine was (other embedding jobs skew the figures)."""
    cpu = platform.processor() or ""
    mem_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "cores": usable,
        "cpu": cpu,
        "ram_gb": mem_gb,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "other_bronwijs_processes": _other_bronwijs_processes(),
    }


def _other_bronwijs_processes() -> int:
    try:
        out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return -1
    me = os.getpid()
    n = 0
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        if (
            pid.isdigit()
            and int(pid) != me
            and ("bronwijs" in args or "assistant.cli" in args)
            and "ps -eo" not in args
        ):
            n += 1
    return n


def _dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _prepare_index_dir(index_dir: Path | None) -> tuple[Path, bool]:
    """A fresh index folder: the one given (empty, or an earlier benchmark's), else a temporary one."""
    if index_dir is None:
        return Path(tempfile.mkdtemp(prefix="bronwijs-bench-")) / "index", True
    index_dir = Path(index_dir).expanduser()
    if index_dir.exists() and any(index_dir.iterdir()):
        if not (index_dir / MARKER).exists():
            raise ConfigError(
                f"--index {index_dir} is not empty; the benchmark needs a fresh folder (it deletes its "
                f"contents): give an empty or new folder, or leave --index out for a temporary one"
            )
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / MARKER).write_text("made by bronwijs bench; deleted by the next run\n")
    return index_dir, False


def run_bench(
    paths: Sequence[Path],
    settings: Settings,
    out: Path | None = None,
    markdown: Path | None = None,
    *,
    index_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Ingest ``paths`` cold into a fresh index, re-ingest them, and report the figures.

    ``index_dir``: where to build (must be empty or an earlier benchmark's; default a temporary
    folder, removed afterwards). ``cache_dir``: an embedding cache to use (default a fresh one:
    cold). Returns the figures; prints a table; writes JSON to ``out`` and appends to ``markdown``.
    """
    from assistant.embed import get_embedder
    from assistant.store import Index
    from ingest.pipeline import ingest_paths

    progress = progress or NoProgress()
    idx_dir, temporary = _prepare_index_dir(index_dir)
    cache = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="bronwijs-bench-cache-"))
    cold_cache = cache_dir is None
    s = dataclasses.replace(settings, index_dir=idx_dir, cache_dir=cache)
    host = machine()
    started = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        embedder = get_embedder(s.embedder, s.cache_dir)
        t0 = time.perf_counter()
        embedder.warm_up()
        model_load = time.perf_counter() - t0
        stats = getattr(embedder, "stats", None)
        before = dataclasses.asdict(stats) if stats is not None else {}

        report = ingest_paths(paths, s, progress=progress)
        after = dataclasses.asdict(stats) if stats is not None else {}
        embed_s = after.get("seconds_embedding", 0.0) - before.get("seconds_embedding", 0.0)
        total = report.seconds

        gen_before = json.loads((idx_dir / "CURRENT").read_text())["generation"] if report.added else None
        t0 = time.perf_counter()
        again = ingest_paths(paths, s, progress=NoProgress())
        reingest = time.perf_counter() - t0
        gen_after = json.loads((idx_dir / "CURRENT").read_text())["generation"] if report.added else None

        t0 = time.perf_counter()
        opened = Index.open(idx_dir) if report.added else None
        open_s = time.perf_counter() - t0
        size = _dir_size(idx_dir)
    finally:
        if cold_cache:
            shutil.rmtree(cache, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    # another job embedding at the same time halves the figures on two cores: say so beside them
    host["load_avg_1m_end"] = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    host["other_bronwijs_processes_end"] = _other_bronwijs_processes()

    n_docs = len(report.added)

    def rate(n: float) -> float:
        return round(n / total, 2) if total > 0 else 0.0

    figures: dict[str, Any] = {
        "date": started,
        "command": command or shlex.join(["bronwijs", *sys.argv[1:]]),
        "machine": host,
        "embedder": embedder.name,
        "chunk_tokens": s.chunk_tokens,
        "chunk_max_tokens": s.chunk_max_tokens,
        "embed_batch_size": s.embed_batch_size,
        "cache": "cold (fresh)" if cold_cache else f"given: {cache}",
        "inputs": [str(p) for p in paths],
        "documents": n_docs,
        "failed": report.failed,
        "pages": report.pages,
        "chunks": report.chunks,
        "tokens": report.tokens,
        "tokens_embedded": after.get("tokens_embedded", 0) - before.get("tokens_embedded", 0),
        "texts_embedded": after.get("texts_embedded", 0) - before.get("texts_embedded", 0),
        "cache_hits": after.get("hits", 0) - before.get("hits", 0),
        "model_load_s": round(model_load, 3),
        "ingest_s": round(total, 3),
        "timings_s": {k: round(v, 3) for k, v in report.timings.items()},
        "embed_model_s": round(embed_s, 3),
        "embed_share": round(embed_s / total, 4) if total else 0.0,
        "non_embed_s": round(total - embed_s, 3),
        "non_embed_share": round((total - embed_s) / total, 4) if total else 0.0,
        "docs_per_s": rate(n_docs),
        "pages_per_s": rate(report.pages),
        "chunks_per_s": rate(report.chunks),
        "tokens_per_s": rate(report.tokens),
        "reingest_s": round(reingest, 3),
        "reingest_embedded": again.embedded_texts,
        "reingest_skipped": len(again.skipped),
        "reingest_new_generation": gen_before != gen_after,
        "index_open_s": round(open_s, 3),
        "index_chunks": len(opened.chunks) if opened else 0,
        "index_bytes": size,
        "index_mb": round(size / 1e6, 2),
        "peak_rss_mb": round(peak_mb, 1),
    }
    if temporary:
        shutil.rmtree(idx_dir.parent, ignore_errors=True)

    _print_table(figures)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if markdown:
        Path(markdown).parent.mkdir(parents=True, exist_ok=True)
        with open(markdown, "a", encoding="utf-8") as f:
            f.write(to_markdown(figures))
    return figures


def _rows(f: dict[str, Any]) -> list[tuple[str, str]]:
    m = f["machine"]
    t = f["timings_s"]
    busy = max(m.get("other_bronwijs_processes", 0), m.get("other_bronwijs_processes_end", 0))
    loads = f"load {m['load_avg_1m']}" + (
        f" → {m['load_avg_1m_end']}" if m.get("load_avg_1m_end") is not None else ""
    )
    return [
        (
            "documents / pages / chunks",
            f"{f['documents']} / {f['pages']} / {f['chunks']} ({len(f['failed'])} failed)",
        ),
        ("tokens (chunker) / embedded (model)", f"{f['tokens']} / {f['tokens_embedded']}"),
        ("cold ingest", f"{f['ingest_s']:.1f} s (+ model load {f['model_load_s']:.1f} s)"),
        ("documents/s · pages/s", f"{f['docs_per_s']} · {f['pages_per_s']}"),
        ("chunks/s · tokens/s", f"{f['chunks_per_s']} · {f['tokens_per_s']}"),
        ("inside the embedder", f"{f['embed_model_s']:.1f} s ({100 * f['embed_share']:.1f} %)"),
        ("everything else", f"{f['non_embed_s']:.1f} s ({100 * f['non_embed_share']:.1f} %; target < 10 %)"),
        ("stages (s)", " ".join(f"{k} {v:.2f}" for k, v in t.items())),
        (
            "re-ingest unchanged",
            f"{f['reingest_s']:.2f} s, {f['reingest_embedded']} embedded, "
            f"new generation: {'yes' if f['reingest_new_generation'] else 'no'} (target < 2 s)",
        ),
        ("index on disk · open", f"{f['index_mb']} MB · {f['index_open_s']:.2f} s"),
        ("peak memory (RSS)", f"{f['peak_rss_mb']} MB"),
        (
            "embedder · chunks",
            f"{f['embedder']} · target {f['chunk_tokens']}, max {f['chunk_max_tokens']} tokens",
        ),
        (
            "machine",
            f"{m['cores']} cores, {m['cpu']}, {m['ram_gb']} GB RAM; {loads}"
            + (f"; {busy} other bronwijs processes running" if busy else ""),
        ),
        ("date", f["date"]),
        ("command", f["command"]),
    ]


def _print_table(f: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("figure", "value", title="bronwijs bench: ingest")
    for k, v in _rows(f):
        table.add_row(k, v)
    Console(stderr=False).print(table)


def to_markdown(f: dict[str, Any]) -> str:
    lines = [
        f"\n## Ingest benchmark, {f['date']}\n",
        f"`{f['command']}` (cache: {f['cache']})\n",
        "",
        "| figure | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {str(v).replace('|', '/')} |" for k, v in _rows(f)]
    if f["failed"]:
        lines += ["", "Failed files: " + "; ".join(f"{x['file']}: {x['reason']}" for x in f["failed"])]
    return "\n".join(lines) + "\n"
