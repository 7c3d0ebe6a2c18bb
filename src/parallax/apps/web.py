"""`parallax serve`: stories, live story reports, articles, search, upload, JSON API.

Safety rules this module keeps: every piece of article text reaches HTML through Jinja2
autoescape (or the report's escape-per-piece highlighter); request bodies over
`max_upload_bytes` get 413 before they are parsed; file names from users are resolved
inside `data_dir` only (absolute paths and `..` are refused); URLs are fetched only when
the server was started with `allow_fetch=True`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax.apps.webguard import JobQueue, SecurityHeaders
from parallax.ingest.core import IngestError, decode_bytes
from parallax.models import Analysis, Article, Story
from parallax.runner import Pipeline
from parallax.settings import Settings
from parallax.store import Store, StoreError, search_terms

CACHE_SIZE = 32  # analysed stories kept in memory
MAX_FETCH_BYTES = 5_000_000


# ---------------------------------------------------------------- analysis of stored articles


def analyze_articles(
    articles: Sequence[Article], store: Store | None = None, settings: Settings | None = None
) -> Analysis:
    """The runner's stages after ingest for stored articles (the same path as the CLI)."""
    return Pipeline(settings or Settings(), store).run(articles)


def assign_store(store: Store, settings: Settings | None = None) -> list[Story]:
    """Assign stored articles that are in no story yet, incrementally (as `parallax ingest`)."""
    articles = store.articles()
    if articles:
        pipeline = Pipeline(settings or Settings(), store)
        assignments = pipeline.assign(pipeline.annotate(articles))
        # store the analysis of each storyline that changed, so its page opens at once
        pipeline.update_stories(dict.fromkeys(line for _event, line in assignments))
    return store.stories()


def _key(articles: Sequence[Article]) -> tuple[Any, ...]:
    """Content ids plus the metadata a user can change; new articles change the key."""
    return tuple(
        sorted((a.id, a.outlet, str(a.published), a.lean or "", a.title) for a in articles)
    )


class AnalysisCache:
    """LRU of analyses and rendered pages by article set; one computation at a time."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def entry(
        self, articles: Sequence[Article], store: Store | None, settings: Settings | None = None
    ) -> dict[str, Any]:
        cfg = settings or Settings()
        key = (*_key(articles), cfg)  # another configuration is another analysis
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            item = {"analysis": analyze_articles(articles, store, cfg)}
            self._items[key] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return item

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_SHARED_CACHE = AnalysisCache()


def cached_analysis(
    articles: Sequence[Article], store: Store | None = None, settings: Settings | None = None
) -> Analysis:
    """Process-wide cached `analyze_articles` (the web app and tests share it)."""
    return _SHARED_CACHE.entry(articles, store, settings)["analysis"]


# ---------------------------------------------------------------- safety helpers


def safe_path(data_dir: Path, name: str) -> Path:
    """`name` resolved inside `data_dir`; HTTP 400 for absolute or `..` paths, 404 if absent."""
    if not name or "\x00" in name:
        raise HTTPException(400, "empty or invalid file name")
    raw = Path(name)
    if raw.is_absolute() or name.startswith(("/", "\\")) or ".." in raw.parts or ":" in name:
        raise HTTPException(400, "file names must be relative to the data folder, without '..'")
    root = data_dir.resolve()
    target = (root / raw).resolve()
    if not target.is_relative_to(root):
        raise HTTPException(400, "file is outside the data folder")
    if not target.is_file():
        raise HTTPException(404, f"no file {name!r} in the data folder")
    return target


class BodyLimit:
    """ASGI middleware: 413 for request bodies over `limit` bytes (header or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send, self.limit)
            return
        received = 0
        chunks: list[Message] = []
        while True:  # buffer (bounded by the limit), then replay to the app
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            received += len(message.get("body", b""))
            if received > self.limit:
                await _too_large(send, self.limit)
                return
            chunks.append(message)
            if not message.get("more_body"):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else {"type": "http.disconnect"}

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail": "request body over the {limit} byte limit"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------- API models


class ArticleIn(BaseModel):
    text: str = Field(..., description="Article body (plain text, or HTML when html=true)")
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(default=None, description="ISO date")
    url: str | None = None
    lean: str | None = None
    html: bool = False


class UploadIn(BaseModel):
    articles: list[ArticleIn] = []
    urls: list[str] = Field(
        default_factory=list,
        description="http(s) URLs (fetched only with --allow-fetch) or file names in the data folder",
    )


# ---------------------------------------------------------------- the app


def create_app(
    db: Path,
    data_dir: Path,
    max_upload_bytes: int = 2_000_000,
    allow_fetch: bool = False,
    warm: bool = False,
    settings: Settings | None = None,
) -> FastAPI:
    """The web app over one SQLite store; reads files from `data_dir` only.

    `warm` analyses every stored storyline in a background thread at startup so the first
    visitor of a story page does not wait for annotation and comparison."""
    from parallax.render.report import _env, analysis_to_dict, render_html

    cfg = settings or Settings()  # the whole app analyses with the settings it was started with
    web = cfg.web
    store = Store(db)
    data_dir = Path(data_dir)
    env = _env()
    cache = _SHARED_CACHE
    jobs = JobQueue(keep=web.jobs_kept)
    pages: dict[str, tuple[tuple[Any, ...], str]] = {}
    api_pages: dict[str, tuple[tuple[Any, ...], bytes]] = {}
    # No /docs or /redoc: FastAPI's pages load Swagger/ReDoc from a CDN (blank offline, and a
    # third-party script), and no installed package ships the assets. /openapi.json stays.
    app = FastAPI(
        title="Parallax",
        description="One news story from every side: stories, cited briefs, contradictions.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, limit=max_upload_bytes)
    # Outermost, around Starlette's own error middleware too: 413s and 500s get the headers.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack())  # type: ignore[method-assign]
    nav = [("/", "Stories"), ("/search", "Search"), ("/upload", "Add articles")]

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(nav_links=nav, **ctx)
        return HTMLResponse(html, status_code=status)

    def story_or_404(story_id: str) -> Story:
        story = store.story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return story

    def story_analysis(story: Story) -> tuple[tuple[Any, ...], Analysis]:
        """The stored analysis of the story's storyline (computed at ingest/upload; recomputed
        here only if it is missing or stale); an event page shows its storyline's."""
        analysis = Pipeline(cfg, store).stored_analysis(story.id)
        if analysis is None:  # not a stored story: analyse the article set (cached in memory)
            articles = store.articles(list(story.article_ids))
            return _key(articles), cache.entry(articles, store, cfg)["analysis"]
        return _key(analysis.articles), analysis

    def story_rows() -> list[dict[str, Any]]:
        stories = store.stories()
        events: dict[str, list[Story]] = {}
        for s in stories:
            if s.parent_id:
                events.setdefault(s.parent_id, []).append(s)
        rows = [
            {"story": s, "events": events.get(s.id, [])} for s in stories if s.level == "storyline"
        ]
        rows.sort(key=lambda r: str(r["story"].date_end or ""), reverse=True)  # type: ignore[attr-defined]
        return rows

    def add_to_stories(articles: Sequence[Article]) -> int:
        """The runner's incremental path (as `parallax ingest`): only changed stories recomputed."""
        Pipeline(cfg, store).ingest_into_store(articles)
        pages.clear()
        api_pages.clear()
        return len(store.stories())

    def ingest_upload(
        articles_in: Sequence[ArticleIn], urls: Sequence[str]
    ) -> tuple[list[Article], list[str]]:
        from parallax.ingest.core import IngestError, article_from_record, ingest_paths

        found: list[Article] = []
        problems: list[str] = []
        for n, item in enumerate(articles_in, 1):
            record = item.model_dump()
            if record.pop("html"):
                record["html"] = record.pop("text")
            try:
                warnings: list[Any] = []
                found.append(article_from_record(record, f"upload #{n}", None, warnings))
                problems.extend(f"{p.source}: {p.reason}" for p in warnings)
            except (IngestError, ValueError) as exc:
                problems.append(f"upload #{n}: {exc}")
        for line in urls:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower().startswith(("http://", "https://")):
                if not allow_fetch:
                    problems.append(
                        f"{line}: not fetched — this server runs without --allow-fetch "
                        "(and may have no internet); paste the text or upload the file instead"
                    )
                    continue
                art, problem = _fetch(line)
                if art:
                    found.append(art)
                else:
                    problems.append(problem)
                continue
            try:
                path = safe_path(data_dir, line)
            except HTTPException as exc:
                problems.append(f"{line}: {exc.detail}")
                continue
            result = ingest_paths([path])
            found.extend(result.articles)
            problems.extend(f"{p.source}: {p.reason}" for p in result.problems)
        return found, problems

    def add(articles_in: Sequence[ArticleIn], urls: Sequence[str]) -> dict[str, Any]:
        found, problems = ingest_upload(articles_in, urls)
        new = known = stories = 0
        if found:
            unstored: list[Any] = []
            new, known = store.upsert_articles(found, unstored)
            problems.extend(f"{p.source}: {p.reason}" for p in unstored)
            failed = {p.source for p in unstored}
            stories = add_to_stories([a for a in found if a.source not in failed])
        return {
            "added": new,
            "already_known": known,
            "article_ids": [a.id for a in found],
            "problems": problems,
            "stories": stories,
        }

    # ------------------------------------------------------------ HTML pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return page("web_index.j2", rows=story_rows(), articles=store.count_articles())

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        story = story_or_404(story_id)
        key, analysis = story_analysis(story)
        hit = pages.get(story_id)
        if hit is None or hit[0] != key:
            html = render_html(analysis, nav_links=nav, page_title=story.label)
            pages[story_id] = (key, html)
        return HTMLResponse(pages[story_id][1])

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        found = store.articles([article_id])
        if not found:
            raise HTTPException(404, f"no article {article_id!r}")
        art = found[0]
        from parallax.render.view import highlight

        return page("web_article.j2", art=art, body=highlight(art.text, []))

    def checked_search(q: str, limit: int) -> list[tuple[str, str, str]]:
        """Search with the query limits of WebSettings; HTTP 400 (not 500) for bad queries."""
        if "\x00" in q:
            raise HTTPException(400, "the search query contains a NUL character")
        if len(q) > web.max_query_chars:
            raise HTTPException(
                400, f"search query over {web.max_query_chars} characters; shorten it"
            )
        if len(search_terms(q)) > web.max_query_terms:
            raise HTTPException(
                400, f"search query has more than {web.max_query_terms} distinct words"
            )
        try:
            return store.search(q, limit=limit, max_terms=web.max_query_terms)
        except StoreError as exc:
            raise HTTPException(400, str(exc)) from None

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = "") -> HTMLResponse:
        hits = [(i, t, _snippet(s)) for i, t, s in checked_search(q, 20)] if q.strip() else []
        return page("web_search.j2", q=q, hits=hits)

    @app.get("/static/web.css", include_in_schema=False)
    def stylesheet() -> Response:
        return Response(
            _static("web.css"),
            media_type="text/css",
            headers={"cache-control": "public, max-age=3600"},
        )

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form() -> HTMLResponse:
        return page("web_upload.j2", allow_fetch=allow_fetch, limit=max_upload_bytes)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request) -> Response:
        form = await request.form()
        items: list[ArticleIn] = []
        text = str(form.get("text") or "")
        if text.strip():
            items.append(
                ArticleIn(
                    text=text,
                    title=str(form.get("title") or "") or None,
                    outlet=str(form.get("outlet") or "") or None,
                    published=str(form.get("published") or "") or None,
                )
            )
        urls = str(form.get("urls") or "").splitlines()
        for upload_file in form.getlist("files"):
            if not hasattr(upload_file, "read"):
                continue
            raw = await upload_file.read()
            name = getattr(upload_file, "filename", "") or "upload"
            try:  # the same encoding rules as files on disk (BOM, UTF-8, legacy, detection)
                body, _warning = decode_bytes(raw, name)
            except IngestError:
                body = raw.decode("utf-8", "replace")
            if name.endswith((".urls", ".list")) or _looks_like_list(body):
                urls.extend(body.splitlines())
            elif name.endswith((".html", ".htm")):
                items.append(ArticleIn(text=body, html=True))
            else:
                items.append(ArticleIn(text=body))
        if not items and not any(u.strip() for u in urls):
            return page(
                "web_message.j2", status=400, title="Nothing to add", lines=["no text, file or URL"]
            )
        job, _future = jobs.submit(lambda: add(items, urls), _describe)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no upload job {job_id!r}")
        return page("web_job.j2", job=job, refresh=web.job_refresh_s)

    @app.get("/api/jobs/{job_id}", tags=["articles"])
    def api_job(job_id: str) -> dict[str, Any]:
        """Status of an upload job: queued, running, done (with its result) or failed."""
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no upload job {job_id!r}")
        return job.as_dict()

    @app.get("/files/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def file_preview(name: str) -> HTMLResponse:
        from parallax.ingest.core import ingest_paths

        path = safe_path(data_dir, name)
        result = ingest_paths([path])
        if not result.articles:
            reasons = [p.reason for p in result.problems] or ["no article found"]
            return page("web_message.j2", status=422, title=name, lines=reasons)
        art = result.articles[0]
        from parallax.render.view import highlight

        return page("web_article.j2", art=art, body=highlight(art.text, []))

    # ------------------------------------------------------------ JSON API
    @app.get("/api/stories", tags=["stories"])
    def api_stories() -> list[dict[str, Any]]:
        """Stored storylines and events."""
        from parallax.models import to_plain

        return [to_plain(s) for s in store.stories()]

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def api_story(story_id: str) -> Response:
        """The full analysis of one story (same JSON as `parallax analyze -o x.json`)."""
        key, analysis = story_analysis(story_or_404(story_id))
        hit = api_pages.get(story_id)
        if hit is None or hit[0] != key:  # serialising the analysis cost ~90 ms per request
            api_pages[story_id] = (key, bytes(JSONResponse(analysis_to_dict(analysis)).body))
        return Response(api_pages[story_id][1], media_type="application/json")

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(article_id: str) -> dict[str, Any]:
        from parallax.models import to_plain

        found = store.articles([article_id])
        if not found:
            raise HTTPException(404, f"no article {article_id!r}")
        return dict(to_plain(found[0]))

    @app.get("/api/search", tags=["articles"])
    def api_search(q: str, limit: int = 20) -> list[dict[str, str]]:
        """Full-text search (SQLite FTS5)."""
        hits = checked_search(q, limit=max(1, min(limit, 200)))
        return [
            {"id": i, "title": t, "snippet": s.replace("\x02", "").replace("\x03", "")}
            for i, t, s in hits
        ]

    @app.post("/api/articles", tags=["articles"])
    def api_upload(body: UploadIn) -> dict[str, Any]:
        """Add articles (text or HTML) and/or URLs / data-folder file names, then re-cluster.

        Runs in the same single upload worker as the form (waits for it; a thread of the
        server's pool waits, the event loop does not)."""
        job, future = jobs.submit(lambda: add(body.articles, body.urls), _describe)
        try:
            return {**future.result(), "job": job.id}
        except Exception as exc:
            raise HTTPException(500, f"could not add the articles: {exc}") from None

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "articles": store.count_articles(), "jobs_running": jobs.running()}

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get(
            "accept", ""
        ):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return page(
            "web_message.j2", status=exc.status_code, title=str(exc.status_code), lines=[exc.detail]
        )

    def warm_up() -> None:
        for story in store.stories(level="storyline"):
            try:
                story_analysis(story)
            except Exception:  # a failing story must not stop the others or the server
                continue

    if warm:
        threading.Thread(target=warm_up, name="parallax-warm", daemon=True).start()

    @app.get("/stories", include_in_schema=False)
    def stories_redirect() -> RedirectResponse:
        return RedirectResponse("/")

    return app


_LIST_LINE = re.compile(r"^(?:\S*[./\\]\S*|#.*)$")  # URL or path: no spaces, has . or /


def _looks_like_list(body: str) -> bool:
    """An uploaded file whose every non-empty line is a URL or a file name is a list."""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    return 0 < len(lines) <= 10_000 and all(_LIST_LINE.match(ln) for ln in lines)


def _describe(result: dict[str, Any]) -> list[str]:
    lines = [f"{result['added']} new article(s), {result['already_known']} already known."]
    return lines + list(result["problems"])


def _static(name: str) -> bytes:
    from importlib import resources

    return resources.files("parallax").joinpath("templates", name).read_bytes()


def _snippet(text: str) -> Markup:
    """FTS snippet with \\x02/\\x03 match markers -> escaped HTML with <mark>."""
    out = str(escape(text)).replace("\x02", "<mark>").replace("\x03", "</mark>")
    return Markup(out)


def _fetch(url: str) -> tuple[Article | None, str]:
    import httpx

    from parallax.ingest.core import IngestError, article_from_html

    try:
        with httpx.Client(timeout=15, follow_redirects=True) as client:
            resp = client.get(url, headers={"user-agent": "parallax"})
        if resp.status_code != 200:
            return None, f"{url}: HTTP {resp.status_code}"
        if len(resp.content) > MAX_FETCH_BYTES:
            return None, f"{url}: page over {MAX_FETCH_BYTES} bytes"
        return article_from_html(resp.text, source=url, url=url), ""
    except (httpx.HTTPError, IngestError) as exc:
        return None, f"{url}: {exc}"


def _version() -> str:
    from parallax import __version__

    return __version__


def serve(
    db: Path,
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_fetch: bool = False,
    max_upload_bytes: int = 2_000_000,
    settings: Settings | None = None,
) -> None:
    """Run the app with uvicorn (blocking)."""
    import uvicorn

    app = create_app(
        db, data_dir, max_upload_bytes=max_upload_bytes, allow_fetch=allow_fetch, warm=True,
        settings=settings,
    )  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level="info")
