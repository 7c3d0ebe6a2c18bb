"""The article store: one SQLite file by default, any SQLAlchemy URL otherwise.

SQLAlchemy Core keeps the SQL portable so PostgreSQL can follow; the FTS5
search index is SQLite-only and skipped elsewhere. Articles are upserted by
content hash, so re-ingesting the same files changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from parallax.models import AnnotatedArticle, Article, Story, from_plain, to_plain

SCHEMA_VERSION = 1
DEFAULT_DB = "parallax.db"

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class StoreError(RuntimeError):
    pass


class Store:
    """Thin typed access to the tables above."""

    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        url = str(db)
        if "://" not in url:
            path = Path(url)
            if path.parent and not path.parent.exists():
                raise StoreError(f"{path}: folder {path.parent} does not exist")
            url = f"sqlite:///{path}"
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = sa.create_engine(url, future=True)
        if self.is_sqlite:

            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(conn: Any, _record: Any) -> None:
                cur = conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

        self._migrate()

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        try:
            metadata.create_all(self.engine)
        except sa.exc.DatabaseError as exc:
            raise StoreError(f"{self.url}: not a usable database ({exc.orig})") from None
        with self.engine.begin() as conn:
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
            if self.is_sqlite:
                conn.exec_driver_sql(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                    "id UNINDEXED, title, text, outlet, tokenize='porter unicode61')"
                )

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar_one()
            )

    # ------------------------------------------------------------ articles
    def upsert_articles(self, articles: Iterable[Article]) -> tuple[int, int]:
        """Insert new articles, refresh metadata of known ones. Returns (new, already known)."""
        new = known = 0
        with self.engine.begin() as conn:
            for art in articles:
                row = _article_row(art)
                exists = conn.execute(
                    sa.select(articles_table.c.id).where(articles_table.c.id == art.id)
                ).first()
                if exists:
                    known += 1
                    row.pop("ingested_at")
                    conn.execute(
                        articles_table.update().where(articles_table.c.id == art.id).values(**row)
                    )
                    if self.is_sqlite:
                        conn.exec_driver_sql("DELETE FROM articles_fts WHERE id = ?", (art.id,))
                else:
                    new += 1
                    conn.execute(articles_table.insert().values(**row))
                if self.is_sqlite:
                    conn.exec_driver_sql(
                        "INSERT INTO articles_fts(id, title, text, outlet) VALUES (?, ?, ?, ?)",
                        (art.id, art.title, art.text, art.outlet),
                    )
        return new, known

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

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """Full-text search: (article_id, title, snippet) best first. SQLite only."""
        if not self.is_sqlite or not query.strip():
            return []
        terms = " ".join(
            '"' + t.replace('"', "") + '"' for t in query.split() if t.replace('"', "")
        )
        if not terms:
            return []
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, title, snippet(articles_fts, 2, '\x02', '\x03', ' … ', 12) "
                "FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (terms, limit),
            ).fetchall()
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


def _article_row(art: Article) -> dict[str, Any]:
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
