"""Security headers and background upload jobs for the web app.

Headers: every response (pages, JSON, errors, 413s) gets a Content-Security-Policy without
'unsafe-inline', `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and a
Referrer-Policy. The app's own pages use /static files only; a page that still carries inline
<style>/<script> blocks or style attributes (the story report is one self-contained file) gets
the SHA-256 of exactly those blocks in its CSP, so injected markup cannot run.

Jobs: an upload is ingested, annotated and clustered in one worker thread, never on the event
loop, so /health and story pages keep answering while it runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_CSP = (
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)
STATIC_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_BLOCK = re.compile(r"<(script|style)>(.*?)</\1>", re.S | re.I)
_STYLE_ATTR = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.I)


def _sha(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(page: str | None) -> str:
    """The CSP for one response: 'self' only, plus hashes of the page's own inline blocks."""
    scripts: set[str] = set()
    styles: set[str] = set()
    attrs: set[str] = set()
    if page:
        for m in _BLOCK.finditer(page):
            (scripts if m.group(1).lower() == "script" else styles).add(_sha(m.group(2)))
        for m in _STYLE_ATTR.finditer(page):
            attrs.add(_sha(html.unescape(m.group(1) if m.group(1) is not None else m.group(2))))
    script_src = " ".join(["'self'", *sorted(scripts)])
    style_src = " ".join(["'self'", *sorted(styles)])
    if attrs:  # style="..." attributes can only be allowed by hash with 'unsafe-hashes'
        style_src += " 'unsafe-hashes' " + " ".join(sorted(attrs))
    return "; ".join([*BASE_CSP, f"script-src {script_src}", f"style-src {style_src}"])


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            payload = b"".join(body)
            await send(_with_headers(start, payload))
            await send({"type": "http.response.body", "body": payload})

        await self.app(scope, receive, wrapped)


def _with_headers(start: Message, payload: bytes) -> Message:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    ctype = dict(headers).get(b"content-type", b"")
    page = payload.decode("utf-8", "replace") if ctype.startswith(b"text/html") else None
    headers += [
        (b"content-length", str(len(payload)).encode()),
        (b"content-security-policy", content_security_policy(page).encode()),
        *STATIC_HEADERS,
    ]
    return {**start, "headers": headers}


# ---------------------------------------------------------------- upload jobs


@dataclass
class Job:
    id: str
    submitted: str
    state: str = "queued"  # queued, running, done, failed
    lines: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "submitted": self.submitted,
            "lines": self.lines,
            "result": self.result,
        }


class JobQueue:
    """One worker thread runs uploads in order; finished jobs are kept for their status page."""

    def __init__(self, keep: int = 100) -> None:
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-upload")

    def submit(
        self, work: Callable[[], dict[str, Any]], describe: Callable[[dict[str, Any]], list[str]]
    ) -> tuple[Job, Future[dict[str, Any]]]:
        now = dt.datetime.now(dt.UTC).strftime("%H:%M:%S UTC")
        with self._lock:
            job = Job(
                id=f"{next(self._ids)}-{hashlib.sha1(now.encode()).hexdigest()[:6]}", submitted=now
            )
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs.values()))
                if not oldest.done:
                    break
                self._jobs.popitem(last=False)

        def run() -> dict[str, Any]:
            job.state = "running"
            try:
                result = work()
            except Exception as exc:  # one clear line, never a traceback page
                job.state, job.lines = "failed", [f"could not add the articles: {exc}"]
                raise
            job.result, job.lines, job.state = result, describe(result), "done"
            return result

        return job, self._pool.submit(run)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.done)
