"""The Ask tab: the chat with streamed, cited answers, and the source viewer beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.errors import EmptyQuestion, QuestionTooLong
from assistant.markup import md_text
from assistant.types import Answer
from assistant.web.page import Page
from assistant.web.render import (
    _mode_text,
    _say,
    _warn,
    answer_markdown,
    answer_plain,
    source_choices,
    span_for_key,
)
from assistant.web.source_view import (
    EMPTY_SOURCE,
    show_span,
)

EXAMPLES = [
    "Binnen hoeveel dagen moet voor alle kinderen een veiligheidstaxatie zijn opgesteld?",
    "Hoeveel geld is er extra beschikbaar gesteld voor de jeugdzorg?",
    "For what share of children under a court order should a support offer have started within three months?",
]
CHAT_CONCURRENCY = 4  # questions answered at once (retrieval is fast; an LLM call mostly waits)

COPY_JS = """
(text) => {
  if (!text) { return text; }
  const done = () => {
    const b = document.querySelector("#kopieer");
    if (b) { const old = b.innerText; b.innerText = "✓ Gekopieerd / copied"; setTimeout(() => b.innerText = old, 1500); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => {});
  } else {
    const t = document.createElement("textarea"); t.value = text; document.body.appendChild(t);
    t.select(); document.execCommand("copy"); t.remove(); done();
  }
  return text;
}
"""




def build(page: Page) -> None:
    """Lay out the tab and wire its handlers (inside the page's ``gr.Tabs``)."""
    pool, settings, builder, state, status, session_assistant = page.unpack()
    # --- chat ------------------------------------------------------------------------------
    with gr.Tab("Vragen / Ask", id="chat-tab"):
        mode_line = gr.Markdown(_mode_text({}, settings), elem_id="modus-regel")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Gesprek / conversation",
                    elem_id="chat",
                    height=520,
                    buttons=["copy"],
                    # document and model text is escaped (assistant.markup); no LaTeX either
                    sanitize_html=True,
                    latex_delimiters=[],
                    feedback_options=None,
                    placeholder=(
                        "**Stel een vraag over de documenten**, in het Nederlands of Engels.  \n"
                        "Ask a question about the documents, in Dutch or English."
                    ),
                    examples=[{"text": q} for q in EXAMPLES],
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Uw vraag / your question…",
                        show_label=False,
                        scale=5,
                        elem_id="vraag",
                        submit_btn="Vraag / Ask",
                    )
                with gr.Row():
                    copy_btn = gr.Button(
                        "📋 Kopieer antwoord met bronnen / Copy answer with sources",
                        elem_id="kopieer",
                        size="sm",
                        interactive=False,
                    )
                    clear_btn = gr.Button("🗑️ Nieuw gesprek / new conversation", size="sm")
                copy_text = gr.Textbox(visible=True, elem_classes=["verborgen"], elem_id="kopieer-tekst")
            with gr.Column(scale=2):
                sources = gr.Radio(
                    choices=[],
                    label="Bronnen bij het laatste antwoord / sources of the last answer",
                    elem_id="bronnen",
                    interactive=True,
                )
                source_view = gr.HTML(EMPTY_SOURCE, elem_id="bron-paneel")
                page_image = gr.Image(
                    label="Pagina / page",
                    visible=False,
                    interactive=False,
                    elem_id="bron-pagina",
                    format="png",
                    buttons=["fullscreen", "download"],
                )
        open_key = gr.Textbox(visible=True, elem_classes=["verborgen"], elem_id="bron-sleutel")
        open_btn = gr.Button("open", elem_id="bron-open", elem_classes=["verborgen"])

    page.mode_line = mode_line
    # --- handlers: chat ----------------------------------------------------------------------------

    def ask(message: str, history: list[Any], st: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        message = (message or "").strip()
        history = list(history or [])
        if not message:
            _warn("Stel een vraag / please ask a question.")
            yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
            return
        a = session_assistant(st)
        turn = len(st["answers"])
        history = history + [{"role": "user", "content": md_text(message, keep_lines=True)}, {"role": "assistant", "content": "…"}]
        yield history, "", gr.update(choices=[], value=None), "", st, gr.update(interactive=False)
        if not builder.done.is_set():  # first start: questions wait for the index, they do not fail
            history[-1] = {
                "role": "assistant",
                "content": "⏳ De index wordt nog gebouwd; uw vraag wordt daarna beantwoord. / "
                "The index is still being built; your question is answered next.",
            }
            yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            builder.done.wait()
        text = ""
        final: Answer | None = None
        try:
            for piece in a.stream(message, history=list(st["turns"])):
                if isinstance(piece, Answer):
                    final = piece
                else:
                    text += piece
                    history[-1] = {"role": "assistant", "content": md_text(text, keep_lines=True)}
                    yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except (EmptyQuestion, QuestionTooLong) as e:  # refused before any work: the question is not kept
            history = history[:-2]
            _warn(str(e))
            yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
            return
        except Exception as e:
            history[-1] = {"role": "assistant", "content": f"⚠️ {md_text(_say(e))}"}
            yield history, gr.skip(), gr.skip(), gr.skip(), st, gr.skip()
            return
        if final is None:  # pragma: no cover - the facade always ends with an Answer
            return
        st = dict(st)
        st["answers"] = st["answers"] + [final]
        st["turns"] = st["turns"] + [(message, final.answer)]
        history[-1] = {"role": "assistant", "content": answer_markdown(a, final, turn)}
        choices = source_choices(a, final, turn)
        yield (
            history,
            gr.skip(),
            gr.update(choices=choices, value=None),
            answer_plain(a, final),
            st,
            gr.update(interactive=True),
        )

    ask_outputs = [chatbot, question, sources, copy_text, state, copy_btn]
    question.submit(
        ask,
        inputs=[question, chatbot, state],
        outputs=ask_outputs,
        concurrency_id="chat",
        concurrency_limit=CHAT_CONCURRENCY,
        api_name="ask",
        show_progress="minimal",
    )

    def ask_example(evt: gr.SelectData, history: list[Any], st: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value)
        yield from ask(text, history, st)

    chatbot.example_select(
        ask_example,
        inputs=[chatbot, state],
        outputs=ask_outputs,
        concurrency_id="chat",
        concurrency_limit=CHAT_CONCURRENCY,
        api_visibility="private",
    )

    def clear(st: dict[str, Any]) -> tuple[Any, ...]:
        st = dict(st)
        st["answers"], st["turns"] = [], []
        return [], gr.update(choices=[], value=None), "", EMPTY_SOURCE, gr.update(value=None, visible=False), st, gr.update(interactive=False)

    clear_btn.click(
        clear,
        inputs=[state],
        outputs=[chatbot, sources, copy_text, source_view, page_image, state, copy_btn],
        api_visibility="private",
    )
    copy_btn.click(None, inputs=[copy_text], outputs=None, js=COPY_JS)

    def open_source(key: str, st: dict[str, Any]) -> tuple[Any, Any]:
        if not key:
            return gr.skip(), gr.skip()
        try:
            turn_s, _, which = key.partition("-")
            answer = st["answers"][int(turn_s)]
            span, around = span_for_key(answer, which)
        except (ValueError, IndexError, KeyError):
            return (
                '<div class="bron bron-leeg">Deze bron hoort bij een eerder gesprek. / '
                "This source belongs to an earlier conversation.</div>",
                gr.update(value=None, visible=False),
            )
        try:
            return show_span(session_assistant(st), span, around)
        except Exception as e:
            _warn(_say(e))
            return gr.skip(), gr.skip()

    sources.change(
        open_source,
        inputs=[sources, state],
        outputs=[source_view, page_image],
        concurrency_id="view",
        concurrency_limit=4,
        api_visibility="private",  # the radio's choices are per session: the API goes through the textbox
    )
    open_btn.click(
        None, inputs=[open_key], outputs=[open_key], js="(k) => window.__bronKey || k",
        api_visibility="private",
    ).then(
        open_source,
        inputs=[open_key, state],
        outputs=[source_view, page_image],
        concurrency_id="view",
        concurrency_limit=4,
        api_name="source",  # any key is accepted and checked against the session's answers
    )

