"""Web app limits (policy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    cache_size: int = 32  # policy: analysed stories kept in memory
    max_fetch_bytes: int = 5_000_000  # policy: largest page fetched with --allow-fetch
    # policy: longer than any real search; 1,200 repeated terms cost 19-32 s of CPU (issue 17)
    max_query_chars: int = 500
    max_query_terms: int = 32  # policy: distinct words per search (repeats are merged first)
    jobs_kept: int = 100  # policy: finished upload jobs whose status page stays available
    job_refresh_s: int = 2  # policy: how often a job's status page reloads while it runs
