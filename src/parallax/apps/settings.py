"""Web app limits (policy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    cache_size: int = 32  # policy: analysed stories kept in memory
    max_fetch_bytes: int = 5_000_000  # policy: largest page fetched with --allow-fetch
