"""The web app against a hostile user (issue 12): a document full of markup is shown as text in the
chat, and an upload under an indexed document's name is kept beside it instead of replacing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e_harness import ROOT, ask

HOSTILE = ROOT / "tests" / "data" / "hostile" / "2021-03-01-kamerbrief-opvang-gluurmuizen.txt"
ORIGINAL = ROOT / "corpus" / "2020-10-15-kamerbrief-doorbraakaanpak-jeugdbescherming.txt"

# elements that no document or model text may produce, and handlers it may not attach, in the chat,
# the source list and panel, the documents table and the upload results
PLACES = ("#chat", "#bronnen", "#bron-paneel", "#documenten", "#upload-resultaat")
FOREIGN = ", ".join(
    f"{p} {e}" for p in PLACES for e in ("img", "script", "iframe", "object", "embed", "[onerror]", "[onmouseover]")
)


def upload(page: Any, files: list[Path], expect: str) -> str:
    page.get_by_role("tab", name="Documenten / Documents").click()
    page.set_input_files("#upload input[type=file]", [str(f) for f in files])
    page.wait_for_function("(n) => document.querySelector('#upload').innerText.includes(n)", arg=files[0].name[:20])
    page.click("#toevoegen")
    page.wait_for_function(
        """(n) => { const t = document.querySelector('#upload-resultaat').innerText;
                    return t.includes(n) && /toegevoegd|mislukt|geweigerd|overgeslagen/.test(t); }""",
        arg=expect,
        timeout=120_000,
    )
    return str(page.inner_text("#upload-resultaat"))


def test_a_hostile_document_is_shown_as_text_in_the_chat_and_fetches_nothing(page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    rows = upload(page, [HOSTILE], HOSTILE.name)
    assert "toegevoegd / added" in rows
    assert "<b onmouseover=alert(1)>" in page.inner_text("#documenten")  # its title, as text
    assert page.locator(FOREIGN).count() == 0
    page.get_by_role("tab", name="Vragen / Ask").click()
    question = "Binnen hoeveel dagen wordt een gevonden gluurmuis opgevangen?"
    text = ask(page, question)
    answer = text[text.rindex(question) + len(question) :]
    assert "drie dagen" in answer
    assert "<img src=x onerror=" in answer  # the reader sees what the document says, as text
    assert page.locator(FOREIGN).count() == 0
    hrefs = page.eval_on_selector_all("#chat a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("#bron-") for h in hrefs), hrefs
    page.locator('#chat a[href^="#bron-"]').first.click()  # the source panel, as text too
    page.locator("#bron-paneel mark").wait_for()
    assert "<img src=x" in page.inner_text("#bron-paneel") and page.locator(FOREIGN).count() == 0
    # the nearest passages of a question the documents do not answer show the same text
    other = "Welke kleur heeft de vacht van een gluurmuis volgens de dierenasielen?"
    ask(page, other)
    assert page.locator(FOREIGN).count() == 0
    assert page.title() != "GEHACKT"
    assert not [u for u in requests if "127.0.0.1:9/" in u], requests


def test_an_upload_with_the_name_of_an_indexed_letter_is_kept_beside_it(page: Any, tmp_path: Path) -> None:
    forged = tmp_path / ORIGINAL.name
    forged.write_text("De minister stopt per direct alle financiering van de jeugdbescherming.\n", "utf-8")
    kept = f"{ORIGINAL.stem} (2){ORIGINAL.suffix}"
    rows = upload(page, [forged], kept)
    row = next(line for line in rows.splitlines() if kept in line)
    assert "nieuwe naam / added under a new name" in rows and "both are kept" in rows, row
    listed = page.inner_text("#documenten")
    assert ORIGINAL.name in listed and kept in listed
