"""The Settings tab: the answer mode of this session (extractive, or an LLM)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.web.page import Page
from assistant.web.render import (
    _info,
    _mode_text,
    _say,
    _warn,
)

MODE_CHOICES = [
    ("Extractief, zonder taalmodel / extractive, no LLM", "none"),
    ("Ollama", "ollama"),
    ("OpenAI-compatibele server / OpenAI-compatible server", "openai"),
    ("Lokaal GGUF-bestand (llama.cpp) / local GGUF file", "llamacpp"),
]


def build(page: Page) -> None:
    """Lay out the tab and wire its handlers (inside the page's ``gr.Tabs``)."""
    pool, settings, builder, state, status, session_assistant = page.unpack()
    # --- settings ----------------------------------------------------------------------------
    with gr.Tab("Instellingen / Settings", id="settings-tab"):
        settings_status = gr.Markdown(_mode_text({}, settings), elem_id="instellingen-modus")
        gr.Markdown(
            "Zonder taalmodel geeft Bronwijs letterlijke zinnen uit de documenten als antwoord. Met een "
            "taalmodel worden de antwoorden vloeiender; elke zin wordt dan tegen de bron gecontroleerd. "
            "De keuze geldt alleen voor uw eigen sessie. / Without an LLM, answers are sentences quoted "
            "from the documents. This choice applies to your session only."
        )
        llm_mode = gr.Radio(choices=MODE_CHOICES, value="none", label="Antwoordmodus / answer mode")
        with gr.Row():
            llm_model = gr.Textbox(label="Model (bijv. / e.g. llama3.1:8b, gpt-4o-mini)", scale=2)
            llm_url = gr.Textbox(
                label="Server-URL (Ollama: http://127.0.0.1:11434; OpenAI-compatibel: …/v1)", scale=3
            )
        with gr.Row():
            llm_gguf = gr.Textbox(label="GGUF-bestand / file (llama.cpp)", scale=3)
            llm_key_env = gr.Textbox(
                label="Naam van de variabele met de API-sleutel / name of the API key variable",
                value=settings.llm_api_key_env,
                scale=2,
            )
        apply_btn = gr.Button("Toepassen / Apply", variant="primary")

    mode_line = page.mode_line
    # --- handlers: settings ---------------------------------------------------------------------

    def apply_settings(
        mode: str, model: str, url: str, gguf: str, key_env: str, st: dict[str, Any]
    ) -> tuple[Any, ...]:
        model, url, gguf, key_env = (model or "").strip(), (url or "").strip(), (gguf or "").strip(), (key_env or "").strip()
        llm: dict[str, str] = {}
        if mode == "none":
            llm = {"llm": "", "llm_base_url": ""}
        elif mode in ("ollama", "openai"):
            if not model:
                _warn("Vul de modelnaam in / enter the model name.")
                return gr.skip(), gr.skip(), gr.skip()
            if mode == "openai" and not url and not key_env:
                _warn("Vul de server-URL in / enter the server URL.")
                return gr.skip(), gr.skip(), gr.skip()
            llm = {"llm": f"{mode}:{model}", "llm_base_url": url}
        else:
            if not gguf and not model:
                _warn("Vul het pad naar het GGUF-bestand in / enter the path of the GGUF file.")
                return gr.skip(), gr.skip(), gr.skip()
            path = gguf or model
            if not url and not Path(path).expanduser().is_file():
                _warn(f"Geen bestand op / no file at {path}")
                return gr.skip(), gr.skip(), gr.skip()
            llm = {"llm": f"llamacpp:{path}", "llm_base_url": url}
        if key_env:
            llm["llm_api_key_env"] = key_env
        st = dict(st)
        st["llm"] = llm if (llm.get("llm") or settings.llm) else {}
        a = session_assistant(st)
        if llm.get("llm"):
            try:
                a.chat_model()
            except Exception as e:
                _warn(_say(e))
            err = a.chat_error
            if err:
                _warn(f"Taalmodel niet beschikbaar / LLM unavailable: {err}")
            else:
                _info("Taalmodel ingesteld / LLM set: " + llm["llm"])
        else:
            _info("Extractieve modus / extractive mode")
        text = _mode_text(st["llm"], settings)
        return text, text, st

    apply_btn.click(
        apply_settings,
        inputs=[llm_mode, llm_model, llm_url, llm_gguf, llm_key_env, state],
        outputs=[settings_status, mode_line, state],
        api_visibility="private",
    )

