"""Ingest limits. Policy values (no data tunes them); each says why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestSettings:
    max_article_bytes: int = 5 * 1024 * 1024  # policy: one article's text or HTML file
    # policy: ~35k words, longer than any news feature; a 4.9 MB one-line "article" took 120 s
    # and 3.3 GB to analyse (issue 17), so longer texts are refused with a clear message.
    max_article_chars: int = 200_000
    min_words: int = 40  # policy: below this a page is a stub, not an article
    # policy: wall-clock budget for cleaning one article's text; cleanup is linear and takes
    # milliseconds, so hitting this means hostile input, which is skipped, not waited for.
    cleanup_budget_s: float = 2.0
    # policy: language ID needs this many characters before a non-English verdict is trusted
    # on a text too short in words (CJK text has no spaces, so "too few words" misled).
    min_chars_for_language: int = 100
    # policy: English text is written in Latin letters; when fewer than half the letters are
    # Latin, a non-English language ID is trusted even below its usual confidence (Chinese
    # text scored p=0.87 and was reported as "too little text").
    min_latin_letter_share: float = 0.5
    # policy: non-UTF-8 text whose bytes are at most this share >= 0x80 is mostly ASCII, i.e.
    # a Western legacy encoding; windows-1252 (a superset of latin-1's printable range) is tried
    # first, because charset detection on a few accented bytes guessed cp1250 ("naïve" -> "naďve").
    western_max_high_byte_share: float = 0.05
