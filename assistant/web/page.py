"""What the tabs of the web page share: the process's pool of assistants, the first-start builder,
the session state, the status line, and the components one tab's handlers update in another."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass
class Page:
    pool: Any  # assistant.web.state.Assistants
    settings: Any  # assistant.config.Settings
    builder: Any  # assistant.web.state.IndexBuilder
    state: Any  # gr.State: the session
    status: Any  # gr.Markdown at the top of the page
    session_assistant: Callable[[dict[str, Any]], Any]
    # set by the tabs as they are built (chat -> settings; documents -> the page's load handler)
    mode_line: Any = None
    docs_table: Any = None
    remove_choice: Any = None
    index_info: Any = None

    def unpack(self) -> tuple[Any, Any, Any, Any, Any, Callable[[dict[str, Any]], Any]]:
        return self.pool, self.settings, self.builder, self.state, self.status, self.session_assistant
