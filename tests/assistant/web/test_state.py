"""assistant/web/state.py: the shared process state: upload names, the readers-writer guard, one
Assistant asked and changed from several threads at once, the first-start build."""

from __future__ import annotations

import io
import threading
import time

import pytest
from testpaths import bundled_letters

from assistant.config import Settings
from assistant.errors import UploadRejected
from assistant.web.state import RWLock, Service

QUESTION = "Binnen hoeveel weken moet voor 90% van de kinderen een veiligheidsplan zijn opgesteld?"


def test_a_writer_waits_for_readers_and_holds_back_new_ones():
    lock, order = RWLock(), []
    reading, writer_waiting = threading.Event(), threading.Event()

    def reader() -> None:
        with lock.read():
            reading.set()
            writer_waiting.wait(5)
            time.sleep(0.05)
            order.append("first reader done")

    def writer() -> None:
        reading.wait(5)
        writer_waiting.set()
        with lock.write():
            order.append("writer")

    def late_reader() -> None:
        writer_waiting.wait(5)
        time.sleep(0.01)
        with lock.read():
            order.append("late reader")

    threads = [threading.Thread(target=f) for f in (reader, writer, late_reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order == ["first reader done", "writer", "late reader"]


def test_questions_keep_being_answered_while_documents_are_added_and_removed(tmp_path):
    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    service = Service(settings).start()
    assert service.builder.done.wait(120) and not service.builder.error
    letters = bundled_letters()
    errors: list[BaseException] = []
    answers: list[str] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(service.ask(QUESTION).answer)
                pieces = list(service.stream(QUESTION))
                assert "".join(p for p in pieces[:-1]) == pieces[-1].answer
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for t in askers:
        t.start()
    try:
        for _ in range(2):
            service.remove(letters[0].name)
            report = service.upload([(letters[0].name, io.BytesIO(letters[0].read_bytes()))])
            assert report["files"][0]["status"] == "added"
    finally:
        stop.set()
        for t in askers:
            t.join(60)
    assert not errors, errors[:3]
    assert answers and all("zes weken" in a for a in answers)


def test_an_upload_without_files_is_refused(tmp_path):
    service = Service(Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake"))
    with pytest.raises(UploadRejected) as e:
        service.upload([])
    assert e.value.status == 400


def test_a_reload_waits_for_the_answer_in_flight(tmp_path):
    """An answer reads the index and then the retriever: a reload in between would pair one
    generation's rows with another's chunks. The guard makes the reload wait."""
    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="fake")
    service = Service(settings).start()
    assert service.builder.done.wait(120)
    a = service.assistant
    pieces = a.stream(QUESTION)
    first = next(pieces)  # the answer is under way
    reloaded = threading.Event()
    t = threading.Thread(target=lambda: (a.reload(), reloaded.set()))
    t.start()
    assert not reloaded.wait(0.3)
    rest = list(pieces)
    assert reloaded.wait(5)
    t.join(5)
    assert first + "".join(rest[:-1]) == rest[-1].answer
