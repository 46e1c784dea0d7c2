"""Decoding policy of input files."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_extract.reading import InputError, decode, read_document


def test_utf8_and_bom() -> None:
    assert decode("Été".encode(), "a").encoding == "utf-8"
    doc = decode(b"\xef\xbb\xbf" + "Été".encode(), "a")
    assert (doc.text, doc.encoding) == ("Été", "utf-8-sig")


def test_cp1252_fallback_keeps_euro_and_accents() -> None:
    doc = decode("Coût : 500 € à l'été".encode("cp1252"), "a")
    assert (doc.text, doc.encoding) == ("Coût : 500 € à l'été", "cp1252")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"), (b" \n ", "empty"), (b"ab\x00cd", "binary"), (b"\x81\x8d\x8f\x90", "undecodable"),
    (bytes(range(1, 9)) * 4, "binary"),
])
def test_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode(data, "x.txt")


def test_too_long() -> None:
    with pytest.raises(InputError, match="--max-chars 5"):
        decode(b"abcdefgh", "x.txt", max_chars=5)


def test_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_document(tmp_path)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="cannot be read"):
        read_document(loop)


def test_a_pipe_is_read_and_an_endless_device_is_cut_at_the_limit(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A pipe has no size to check first ("plan-extract <(curl …)"): it is read up to the limit.
    import os
    import threading

    from plan_extract import reading

    fifo = tmp_path / "texte.fifo"
    os.mkfifo(fifo)
    text = "La ville consacre 20 000 euros à la voirie."
    writer = threading.Thread(target=fifo.write_text, args=(text,), kwargs={"encoding": "utf-8"})
    writer.start()
    assert read_document(fifo).text == text
    writer.join()
    # /dev/zero never ends: one byte past the limit is read, never the whole device.
    monkeypatch.setattr(reading, "MAX_BYTES", 2_000_000)
    with pytest.raises(InputError, match="^/dev/zero: more than the 2 MB limit for one input$"):
        read_document("/dev/zero")
