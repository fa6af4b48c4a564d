"""Files uploaded through the page or the REST API: checked against the limits, copied to
``<index>/uploads/<sha256 prefix>/<name>`` (no upload overwrites another), and deleted again when
they did not become a document or their document is removed."""

from __future__ import annotations

import logging
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import BronwijsError

log = logging.getLogger("bronwijs.app")

UPLOADS = "uploads"  # under the index folder: uploads/<sha256 prefix>/<own name>, so no upload overwrites another
MAX_NAME_CHARS = 180


def safe_upload_name(name: str) -> str:
    """A plain file name for an uploaded file: the last part of any path (``/`` or ``\\``), no
    control characters, no leading dots, at most MAX_NAME_CHARS. "" when nothing usable is left."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(". ").strip()
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 12 else base[:MAX_NAME_CHARS]
    return base


def _gradio_temp(path: Path) -> Path | None:
    """Gradio's upload folder when ``path`` is its temporary copy of an upload (ours to delete once
    staged), else None: a path given otherwise (a test, an API caller's own file) is never deleted."""
    from gradio.utils import get_upload_folder

    try:
        root = Path(get_upload_folder()).resolve()
        return root if path.resolve().is_relative_to(root) and path.resolve() != root else None
    except OSError:
        return None


def _delete(path: Path, stop: Path | None = None) -> None:
    """Delete a file and then its folders while empty, up to ``stop`` (exclusive)."""
    try:
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != stop and parent != parent.parent and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    except OSError as e:
        log.warning("could not delete upload %s: %s", path, e)


def stage_uploads(files: Sequence[Any], settings: Settings) -> tuple[list[Path], list[Path], list[list[str]]]:
    """Check a batch of uploads against the limits and copy each accepted file to
    ``<index>/uploads/<sha256 prefix>/<name>``. Returns (paths to ingest, copies made now, result rows
    of refused files). Gradio's temporary copies are deleted either way."""
    from ingest.load import file_sha256

    given = [Path(f if isinstance(f, str) else getattr(f, "path", None) or getattr(f, "name", str(f))) for f in files]
    refused: list[list[str]] = []
    paths: list[Path] = []
    created: list[Path] = []
    limit = int(settings.max_upload_mb * 1024 * 1024)
    too_many = len(given) > settings.max_upload_files
    folder = Path(settings.index_dir) / UPLOADS
    for src in given:
        try:
            size = src.stat().st_size
            if too_many:
                refused.append([
                    src.name,
                    "❌ geweigerd / refused",
                    f"te veel bestanden tegelijk ({len(given)}, hoogstens {settings.max_upload_files}); voeg ze in "
                    f"delen toe / too many files at once ({len(given)}, at most {settings.max_upload_files}); "
                    "add them in parts (setting max_upload_files)",
                ])
            elif size > limit:
                refused.append([
                    src.name,
                    "❌ geweigerd / refused",
                    f"te groot ({size / 1e6:.1f} MB, hoogstens {settings.max_upload_mb:g} MB) / too large "
                    f"({size / 1e6:.1f} MB, at most {settings.max_upload_mb:g} MB; setting max_upload_mb)",
                ])
            else:
                dest = folder / file_sha256(src)[:16] / src.name
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)
                    created.append(dest)
                paths.append(dest)
        except OSError as e:
            refused.append([src.name, "❌ mislukt / failed", f"onleesbaar, upload opnieuw / cannot read, upload again: {e.strerror or e}"])
        finally:
            temp_root = _gradio_temp(src)
            if temp_root is not None:
                _delete(src, stop=temp_root)
    return paths, created, refused


def discard_unused(created: Sequence[Path], report: Any, settings: Settings) -> None:
    """Delete the copies made for this upload that did not become a document (failed or skipped)."""
    whole_file = {f["file"] for f in [*report.failed, *report.skipped]}
    for p in created:
        if str(p) in whole_file:
            _delete(p, stop=Path(settings.index_dir) / UPLOADS)


def _sources_of(assistant: Any, name_or_sha: str) -> set[str]:
    """The files the documents named by ``name_or_sha`` were read from (empty when not known here)."""
    try:
        return {d.source for d in assistant.index.documents_named(name_or_sha)}
    except BronwijsError:  # not in this process's view of the index; the removal itself decides
        return set()


def discard_uploads(sources: set[str], assistant: Any, settings: Settings) -> None:
    """After a removal: delete the uploaded files among ``sources`` that no indexed document still reads."""
    folder = (Path(settings.index_dir) / UPLOADS).resolve()
    try:
        still = {d.source for d in assistant.index.documents.values()}
    except BronwijsError:
        return
    for s in sources - still:
        p = Path(s)
        if s and p.resolve().is_relative_to(folder) and p.resolve() != folder:
            _delete(p, stop=Path(settings.index_dir) / UPLOADS)


