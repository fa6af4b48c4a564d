"""Only for the wheel's package data; the metadata lives in pyproject.toml.

The bundled corpus (``corpus/``) and the commitment schema (``docs/commitment.schema.json``) are
kept once, where the README, the evals and the docs name them. Building the wheel copies them into
``assistant/data/`` so that an installed Bronwijs finds them without the checkout
(``assistant.config.bundled_path``; docs/design.md, "Bundled data in the wheel").
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"corpus": ROOT / "corpus", "commitment.schema.json": ROOT / "docs" / "commitment.schema.json"}


class BuildWithBundledData(build_py):
    def run(self) -> None:
        super().run()
        data = Path(self.build_lib) / "assistant" / "data"
        data.mkdir(parents=True, exist_ok=True)
        for name, src in BUNDLED.items():
            if not src.exists():
                raise SystemExit(f"setup.py: {src} is missing; it is bundled in the wheel")
            dest = data / name
            if src.is_dir():
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(src, dest)
            else:
                shutil.copyfile(src, dest)


setup(cmdclass={"build_py": BuildWithBundledData})
