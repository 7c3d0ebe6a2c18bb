"""The one parse: long texts are chunked and joined with their offsets intact."""

from __future__ import annotations

import pytest

from parallax.annotate.parse import chunk_text, parse_texts, processes_for


def test_chunks_rejoin_to_the_text() -> None:
    text = ("First paragraph has words. " * 40 + "\n\n") * 30 + "x" * 5000
    pieces = chunk_text(text, 2000)
    assert "".join(pieces) == text
    assert all(len(p) <= 2000 for p in pieces)
    assert chunk_text("short", 2000) == ["short"]


def test_processes_follow_the_batch() -> None:
    assert processes_for(10, 0, 200) == 1
    assert processes_for(10_000, 0, 200) >= 1
    assert processes_for(10, 3, 200) == 3


@pytest.mark.slow
def test_long_text_parsed_in_chunks_keeps_offsets() -> None:
    text = "\n\n".join(f"Paragraph {i}: Joe Biden met Xi Jinping in Paris." for i in range(60))
    whole = next(parse_texts([text], max_chunk_chars=10**6))
    chunked = next(parse_texts([text], max_chunk_chars=400))
    assert chunked.text == text
    assert [(e.start_char, e.label_) for e in chunked.ents] == [
        (e.start_char, e.label_) for e in whole.ents
    ]
    assert len(list(chunked.sents)) >= 60
