"""Settings come from one place: defaults < bronwijs.toml < BRONWIJS_* < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_flags_beat_environment_which_beats_the_config_file(tmp_path: Path, monkeypatch):
    cfg = tmp_path / "bronwijs.toml"
    cfg.write_text('top_k = 3\nembedder = "fake"\nllm = "ollama:qwen"\n', encoding="utf-8")
    monkeypatch.setenv("BRONWIJS_TOP_K", "4")
    s = load_settings(cfg, llm="openai:gpt")
    assert (s.top_k, s.embedder, s.llm) == (4, "fake", "openai:gpt")


def test_index_folder_comes_from_bronwijs_index(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BRONWIJS_INDEX", str(tmp_path / "elders"))
    assert load_settings().index_dir == tmp_path / "elders"


def test_an_unknown_setting_is_an_error_that_lists_the_known_ones(tmp_path: Path):
    cfg = tmp_path / "bronwijs.toml"
    cfg.write_text("topk = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="top_k"):
        load_settings(cfg)


def test_a_bad_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("BRONWIJS_TOP_K", "veel")
    with pytest.raises(ConfigError, match="top_k='veel'"):
        load_settings()


def test_an_unknown_embedder_says_which_are_valid():
    with pytest.raises(ConfigError, match="sentence-transformers"):
        load_settings(embedder="word2vec")


def test_the_work_limits_have_sane_defaults_and_must_be_positive(tmp_path: Path):
    s = load_settings()
    assert (s.max_upload_mb, s.max_upload_files, s.max_pages, s.max_question_chars) == (50.0, 20, 2000, 2000)
    cfg = tmp_path / "bronwijs.toml"
    cfg.write_text("max_question_chars = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_question_chars must be more than 0"):
        load_settings(cfg)


def test_the_quoted_window_is_bounded():
    import pytest

    from assistant.config import Settings, _validate
    from assistant.errors import ConfigError

    _validate(Settings(quote_neighbours=None))
    with pytest.raises(ConfigError, match="quote_neighbours"):
        _validate(Settings(quote_neighbours=9))
