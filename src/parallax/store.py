"""The article store: one SQLite file by default, any SQLAlchemy URL otherwise.

SQLAlchemy Core keeps the SQL portable so PostgreSQL can follow; the FTS5
search index is SQLite-only and skipped elsewhere. Articles are upserted by
content hash, so re-ingesting the same files changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from parallax.models import AnnotatedArticle, Article, Story, from_plain, to_plain

SCHEMA_VERSION = 1
DEFAULT_DB = "parallax.db"
# policy: how long a writer waits for another process's lock before failing; an ingest batch
# holds the lock for well under a second, so 60 s only trips on a stuck process.
BUSY_TIMEOUT_S = 60.0
SEARCH_MAX_TERMS = 32  # policy: more distinct words than any real search (see WebSettings)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta", metadata, sa.Column("key", sa.String, primary_key=True), sa.Column("value", sa.String)
)
articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("outlet_reason", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("byline", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("date_reason", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("paragraphs", sa.JSON, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("stripped", sa.JSON, nullable=False),
    sa.Column("lean", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)
annotations_table = sa.Table(
    "annotations",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("version", sa.String(16), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)
parses_table = sa.Table(
    "parses",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),  # spaCy DocBin bytes (annotate.parse)
)
vectors_table = sa.Table(
    "vectors",
    metadata,
    sa.Column("kind", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("dim", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
stories_table = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("parent_id", sa.String(64)),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
story_articles_table = sa.Table(
    "story_articles",
    metadata,
    sa.Column("story_id", sa.String(64), primary_key=True),
    sa.Column("article_id", sa.String(32), primary_key=True),
)

# One stored analysis per storyline (runner.Pipeline.update_stories): the web's story
# pages read it instead of analysing at view time. `key` names the article set, the
# settings and the code version it was computed from; a different key means stale.
analyses_table = sa.Table(
    "analyses",
    metadata,
    sa.Column("story_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # zlib-compressed Analysis JSON
    sa.Column("updated_at", sa.DateTime, nullable=False),
)


def _sqlite_transactions(engine: sa.Engine, busy_timeout_s: float) -> None:
    """Let SQLAlchemy, not the sqlite3 module, issue BEGIN (the documented pysqlite recipe), so
    DDL is transactional, SAVEPOINTs work and a migration can take the write lock up front.
    WAL lets readers (the web app) run while one process writes."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        _retry_locked(lambda: cur.execute("PRAGMA journal_mode=WAL"), busy_timeout_s)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _retry_locked(action: Any, timeout_s: float) -> Any:
    """Switching to WAL needs a moment of exclusive access and does not wait on the busy
    handler: retry while another process holds the file."""
    import sqlite3
    import time

    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def search_terms(query: str) -> list[str]:
    """The distinct words of a search query, without quotes or control characters."""
    cleaned = _CONTROL.sub(" ", _text(query)).replace('"', " ")
    return list(dict.fromkeys(t for t in cleaned.split() if t))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class StoreError(RuntimeError):
    pass


class Store:
    """Thin typed access to the tables above."""

    def __init__(self, db: str | Path = DEFAULT_DB, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        url = str(db)
        if "://" not in url:
            path = Path(url)
            if path.parent and not path.parent.exists():
                raise StoreError(f"{path}: folder {path.parent} does not exist")
            url = f"sqlite:///{path}"
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = sa.create_engine(
                url, future=True, connect_args={"timeout": busy_timeout_s}
            )
            _sqlite_transactions(self.engine, busy_timeout_s)
        else:
            self.engine = sa.create_engine(url, future=True)
        self._migrate()

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        """Create or check the schema under one write lock (BEGIN IMMEDIATE on SQLite), so
        several processes opening a new store at once do not race ("table already exists")."""
        try:
            conn = self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
            with conn, conn.begin():
                metadata.create_all(conn, checkfirst=True)
                self._check_version(conn)
                if self.is_sqlite:
                    conn.exec_driver_sql(
                        "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                        "id UNINDEXED, title, text, outlet, tokenize='porter unicode61')"
                    )
        except sa.exc.DatabaseError as exc:
            raise StoreError(f"{self.url}: not a usable database ({exc.orig})") from None

    def _check_version(self, conn: sa.Connection) -> None:
        row = conn.execute(
            sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        ).first()
        if row is None:
            conn.execute(
                meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
            )
        elif int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.url}: schema version {row[0]} is newer than this Parallax ({SCHEMA_VERSION})"
            )

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction that takes SQLite's write lock at BEGIN (IMMEDIATE): a deferred
        one that reads first fails with "database is locked" when another process wrote
        meanwhile, without waiting on the busy timeout."""
        conn = self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        with conn, conn.begin():
            yield conn

    def integrity_check(self) -> str:
        """SQLite's own `PRAGMA integrity_check` ("ok" when the file is sound)."""
        if not self.is_sqlite:
            return "ok"
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar_one()
            )

    # ------------------------------------------------------------ articles
    def upsert_articles(
        self, articles: Iterable[Article], problems: list[Any] | None = None
    ) -> tuple[int, int]:
        """Insert new articles, refresh metadata of known ones. Returns (new, already known).

        One transaction for the batch, one SAVEPOINT per article: an article that cannot be
        written is reported in `problems` (an IngestProblem) and the others are still stored."""
        from parallax.models import IngestProblem

        new = known = 0
        with self._write() as conn:
            for art in articles:
                try:
                    with conn.begin_nested():
                        is_new = self._upsert_one(conn, art)
                except (sa.exc.SQLAlchemyError, ValueError, TypeError) as exc:
                    if isinstance(exc, sa.exc.OperationalError) and "locked" in str(exc):
                        raise
                    if problems is None:
                        raise
                    problems.append(IngestProblem(art.source, f"not stored ({type(exc).__name__})"))
                    continue
                new, known = (new + 1, known) if is_new else (new, known + 1)
        return new, known

    def _upsert_one(self, conn: sa.Connection, art: Article) -> bool:
        row = _article_row(art)
        exists = conn.execute(
            sa.select(articles_table.c.id).where(articles_table.c.id == art.id)
        ).first()
        if exists:
            row.pop("ingested_at")
            conn.execute(articles_table.update().where(articles_table.c.id == art.id).values(**row))
            if self.is_sqlite:
                conn.exec_driver_sql("DELETE FROM articles_fts WHERE id = ?", (art.id,))
        else:
            conn.execute(articles_table.insert().values(**row))
        if self.is_sqlite:
            conn.exec_driver_sql(
                "INSERT INTO articles_fts(id, title, text, outlet) VALUES (?, ?, ?, ?)",
                (row["id"], row["title"], row["text"], row["outlet"]),
            )
        return not exists

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        query = sa.select(articles_table).order_by(articles_table.c.published, articles_table.c.id)
        if ids is not None:
            query = query.where(articles_table.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            found = [_row_article(r._mapping) for r in conn.execute(query)]
        if ids is not None:
            order = {i: n for n, i in enumerate(ids)}
            found.sort(key=lambda a: order[a.id])
        return found

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()
            )

    def search(
        self, query: str, limit: int = 20, max_terms: int = SEARCH_MAX_TERMS
    ) -> list[tuple[str, str, str]]:
        """Full-text search: (article_id, title, snippet) best first. SQLite only.

        Terms are quoted (no FTS syntax from users), control characters dropped, repeats
        removed and at most `max_terms` kept: 1,200 repeated terms cost 19-32 s of CPU."""
        terms = search_terms(query)[:max_terms]
        if not self.is_sqlite or not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT id, title, snippet(articles_fts, 2, '\x02', '\x03', ' … ', 12) "
                    "FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                    (match, limit),
                ).fetchall()
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot search for {query[:80]!r} ({exc.orig})") from None
        return [(r[0], r[1], r[2]) for r in rows]

    # ------------------------------------------------------------ annotations
    def put_annotations(self, annotated: Iterable[AnnotatedArticle], version: str) -> None:
        with self.engine.begin() as conn:
            for ann in annotated:
                data = to_plain(ann)
                data.pop("article", None)
                conn.execute(
                    annotations_table.delete().where(annotations_table.c.article_id == ann.id)
                )
                conn.execute(
                    annotations_table.insert().values(article_id=ann.id, version=version, data=data)
                )

    def get_annotations(
        self, articles: Sequence[Article], version: str
    ) -> dict[str, AnnotatedArticle]:
        """Cached annotations of the given articles, for the given annotator version only."""
        by_id = {a.id: a for a in articles}
        out: dict[str, AnnotatedArticle] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(annotations_table).where(
                    annotations_table.c.article_id.in_(list(by_id)),
                    annotations_table.c.version == version,
                )
            )
            for r in rows:
                data = dict(r.data)
                data["article"] = to_plain(by_id[r.article_id])
                out[r.article_id] = from_plain(AnnotatedArticle, data)
        return out

    # ------------------------------------------------------------ parses
    def put_parses(self, parses: dict[str, bytes]) -> None:
        """The one spaCy parse per article, as DocBin bytes keyed by article id."""
        if not parses:
            return
        with self.engine.begin() as conn:
            conn.execute(parses_table.delete().where(parses_table.c.article_id.in_(list(parses))))
            conn.execute(
                parses_table.insert(), [{"article_id": k, "data": v} for k, v in parses.items()]
            )

    def get_parses(self, ids: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        with self.engine.connect() as conn:
            for chunk in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(parses_table).where(
                        parses_table.c.article_id.in_(list(ids[chunk : chunk + 500]))
                    )
                )
                out.update({r.article_id: bytes(r.data) for r in rows})
        return out

    # ------------------------------------------------------------ vectors
    def get_vectors(self, kind: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for chunk_start in range(0, len(keys), 500):
                chunk = keys[chunk_start : chunk_start + 500]
                rows = conn.execute(
                    sa.select(vectors_table).where(
                        vectors_table.c.kind == kind, vectors_table.c.key.in_(chunk)
                    )
                )
                for r in rows:
                    out[r.key] = np.frombuffer(r.data, dtype=np.float32).reshape(r.dim)
        return out

    def put_vectors(self, kind: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.engine.begin() as conn:
            conn.execute(
                vectors_table.delete().where(
                    vectors_table.c.kind == kind, vectors_table.c.key.in_(list(vectors))
                )
            )
            conn.execute(
                vectors_table.insert(),
                [
                    {
                        "kind": kind,
                        "key": k,
                        "dim": int(v.shape[0]),
                        "data": np.asarray(v, np.float32).tobytes(),
                    }
                    for k, v in vectors.items()
                ],
            )

    # ------------------------------------------------------------ stories
    def save_stories(self, stories: Iterable[Story]) -> None:
        """Insert or replace stories and their memberships."""
        with self.engine.begin() as conn:
            for story in stories:
                conn.execute(stories_table.delete().where(stories_table.c.id == story.id))
                conn.execute(
                    story_articles_table.delete().where(story_articles_table.c.story_id == story.id)
                )
                conn.execute(
                    stories_table.insert().values(
                        id=story.id,
                        level=story.level,
                        parent_id=story.parent_id,
                        data=to_plain(story),
                        updated_at=_now(),
                    )
                )
                if story.article_ids:
                    conn.execute(
                        story_articles_table.insert(),
                        [
                            {"story_id": story.id, "article_id": a}
                            for a in dict.fromkeys(story.article_ids)
                        ],
                    )

    def delete_stories(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self.engine.begin() as conn:
            conn.execute(stories_table.delete().where(stories_table.c.id.in_(ids)))
            conn.execute(
                story_articles_table.delete().where(story_articles_table.c.story_id.in_(ids))
            )

    def stories(self, level: str | None = None) -> list[Story]:
        query = sa.select(stories_table.c.data)
        if level:
            query = query.where(stories_table.c.level == level)
        with self.engine.connect() as conn:
            return [from_plain(Story, r.data) for r in conn.execute(query)]

    def story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(stories_table.c.data).where(stories_table.c.id == story_id)
            ).first()
        return from_plain(Story, row.data) if row else None

    # ------------------------------------------------------------ stored analyses
    def put_analysis(self, story_id: str, key: str, data: dict[str, Any]) -> None:
        """Store one storyline's analysis (plain JSON dict) under its article-set key."""
        blob = zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)
        with self.engine.begin() as conn:
            conn.execute(analyses_table.delete().where(analyses_table.c.story_id == story_id))
            conn.execute(
                analyses_table.insert().values(
                    story_id=story_id, key=key, data=blob, updated_at=_now()
                )
            )

    def get_analysis(self, story_id: str) -> tuple[str, dict[str, Any]] | None:
        """(key, plain analysis) stored for a storyline, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(analyses_table.c.key, analyses_table.c.data).where(
                    analyses_table.c.story_id == story_id
                )
            ).first()
        if row is None:
            return None
        return str(row.key), json.loads(zlib.decompress(row.data).decode("utf-8"))


def _text(value: Any) -> Any:
    """Strings made storable: lone surrogates (from undecodable file names or JSON escapes)
    cannot be encoded as UTF-8 and used to fail the whole write; other values pass through."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _article_row(art: Article) -> dict[str, Any]:
    row = _raw_row(art)
    for key in (
        "id",
        "source",
        "outlet",
        "outlet_reason",
        "title",
        "byline",
        "date_reason",
        "language",
        "text",
        "url",
        "lean",
    ):
        row[key] = _text(row[key])
    row["stripped"] = [_text(s) for s in row["stripped"]]
    return row


def _raw_row(art: Article) -> dict[str, Any]:
    return {
        "id": art.id,
        "source": art.source,
        "outlet": art.outlet,
        "outlet_reason": art.outlet_reason,
        "title": art.title,
        "byline": art.byline,
        "published": art.published,
        "date_reason": art.date_reason,
        "language": art.language,
        "text": art.text,
        "paragraphs": [list(p) for p in art.paragraphs],
        "url": art.url,
        "stripped": list(art.stripped),
        "lean": art.lean,
        "ingested_at": _now(),
    }


def _row_article(row: Any) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        outlet=row["outlet"],
        outlet_reason=row["outlet_reason"],
        title=row["title"],
        byline=row["byline"],
        published=row["published"],
        date_reason=row["date_reason"],
        language=row["language"],
        text=row["text"],
        paragraphs=tuple(tuple(p) for p in row["paragraphs"]),  # type: ignore[misc]
        url=row["url"],
        stripped=tuple(row["stripped"]),
        lean=row["lean"],
    )


def dumps(obj: Any) -> str:
    return json.dumps(to_plain(obj), ensure_ascii=False)
