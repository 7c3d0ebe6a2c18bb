"""Readers and row codecs for the Spark job: WARC, JSONL/text/HTML files and Parquet.

Every reader turns one input into plain dict rows through the product's ingest
functions (`article_from_html`, `ingest_file`, `article_from_record`), so a page
becomes the same `Article` on Spark as on one machine. Rows are flat scalar
columns (id, outlet, title, text, ...) plus JSON strings for nested fields, and
`published` is the partition value: an ISO date or "unknown".

Nothing here imports pyspark, so the codecs are usable (and testable) without a JVM.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from parallax.models import UNKNOWN, AnnotatedArticle, Article, IngestProblem, from_plain, to_plain

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
FILE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".html", ".htm", ".xhtml", ".txt", ".text", ".md")

# Spark DDL of the article rows; JSON strings hold the nested fields.
ARTICLE_COLUMNS = (
    "id string, source string, outlet string, outlet_reason string, title string, "
    "byline string, date_reason string, language string, text string, url string, "
    "lean string, paragraphs string, stripped string, words int, published string"
)
PROBLEM_COLUMNS = "source string, reason string, skipped boolean"
# What one ingest task yields: an article row or a problem row, told apart by `kind`.
INGEST_COLUMNS = f"kind string, {ARTICLE_COLUMNS}, reason string, skipped boolean"


def partition_value(published: Any) -> str:
    """Partition directory value for a date: ISO day, or "unknown" (never Spark's null partition)."""
    if published is None or published == "" or published == UNKNOWN:
        return UNKNOWN
    return str(published)[:10]


def article_to_row(article: Article) -> dict[str, Any]:
    """Flat row for Spark/Parquet; `row_to_article` is the inverse."""
    return {
        "id": article.id,
        "source": article.source,
        "outlet": article.outlet,
        "outlet_reason": article.outlet_reason,
        "title": article.title,
        "byline": article.byline,
        "date_reason": article.date_reason,
        "language": article.language,
        "text": article.text,
        "url": article.url,
        "lean": article.lean,
        "paragraphs": json.dumps([list(p) for p in article.paragraphs]),
        "stripped": json.dumps(list(article.stripped), ensure_ascii=False),
        "words": article.words,
        "published": partition_value(article.published),
    }


def _clean(value: Any) -> Any:
    """pandas hands back NaN/NaT/numpy scalars; the dataclasses want None and str."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def row_to_article(row: dict[str, Any]) -> Article:
    published = _clean(row.get("published"))
    data = {
        key: _clean(row.get(key))
        for key in (
            "id", "source", "outlet", "outlet_reason", "title", "byline", "date_reason",
            "language", "text", "url", "lean",
        )
    }  # fmt: skip
    data["published"] = None if partition_value(published) == UNKNOWN else str(published)[:10]
    data["paragraphs"] = json.loads(_clean(row.get("paragraphs")) or "[]")
    data["stripped"] = json.loads(_clean(row.get("stripped")) or "[]")
    return from_plain(Article, data)


def annotation_to_json(ann: AnnotatedArticle) -> str:
    """The annotation without its article (stored once, in the articles table)."""
    data = to_plain(ann)
    data.pop("article", None)
    return json.dumps(data, ensure_ascii=False)


def annotated_from(
    article: Article,
    annotation_json: str,
    parse: bytes | None = None,
    title_parse: bytes | None = None,
) -> AnnotatedArticle:
    """The annotation row back into an AnnotatedArticle, with its stored parses when given."""
    from dataclasses import replace

    from parallax.annotate.parse import doc_from_bytes

    data = json.loads(annotation_json)
    data["article"] = to_plain(article)
    ann = from_plain(AnnotatedArticle, data)
    if parse is not None:
        ann = replace(ann, doc=doc_from_bytes(bytes(parse)))
    if title_parse is not None:
        ann = replace(ann, title_doc=doc_from_bytes(bytes(title_parse)))
    return ann


def problem_row(problem: IngestProblem) -> dict[str, Any]:
    return {"source": problem.source, "reason": problem.reason, "skipped": problem.skipped}


# ---------------------------------------------------------------- discovery (driver)


def _kind(path: str) -> str | None:
    low = path.lower()
    if low.endswith(WARC_SUFFIXES):
        return "warc"
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if low.endswith(FILE_SUFFIXES):
        return "file"
    return None


def discover(inputs: Sequence[str]) -> tuple[list[str], list[str], list[IngestProblem]]:
    """(files for per-file readers, Parquet paths, problems) from files and folders.

    Local/shared-filesystem paths are listed here; URIs with a scheme (s3a://,
    hdfs://) are passed to Spark's Parquet reader as they are.
    """
    files: list[str] = []
    parquet: list[str] = []
    problems: list[IngestProblem] = []
    for raw in inputs:
        if "://" in raw and not raw.startswith("file://"):
            (parquet if _kind(raw) == "parquet" or raw.endswith("/") else files).append(raw)
            continue
        path = Path(raw.removeprefix("file://"))
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_"))
            )
            if any(_kind(p.name) == "parquet" for p in found):
                parquet.append(str(path))  # the folder: Spark restores published=... partitions
            files.extend(str(p) for p in found if _kind(p.name) not in (None, "parquet"))
        elif path.is_file():
            kind = _kind(path.name)
            if kind == "parquet":
                parquet.append(str(path))
            elif kind is None:
                problems.append(IngestProblem(str(path), "unsupported file type for the Spark job"))
            else:
                files.append(str(path))
        else:
            problems.append(IngestProblem(str(path), "no such file or folder"))
    return files, parquet, problems


# ---------------------------------------------------------------- per-file readers (executors)


def _article(article: Article) -> dict[str, Any]:
    return {"kind": "article", **article_to_row(article), "reason": None, "skipped": None}


def _problem(problem: IngestProblem) -> dict[str, Any]:
    return {"kind": "problem", "source": problem.source, **problem_row(problem)}


def read_warc(path: str) -> Iterator[dict[str, Any]]:
    """Articles from the HTML response records of one WARC file; other records become problems.

    Only `response` records are candidates (requests, metadata and warcinfo are not
    pages). A non-200 status, a non-HTML content type, an oversized or undecodable
    body, or a page with no article text is recorded with its reason.
    """
    from warcio.archiveiterator import ArchiveIterator

    from parallax.ingest.core import MAX_ARTICLE_BYTES, IngestError, article_from_html, decode_bytes

    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; iterator reads lazily
    except OSError as exc:
        yield _problem(IngestProblem(path, f"cannot read ({exc.strerror or exc})"))
        return
    try:
        for n, record in enumerate(ArchiveIterator(fh)):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"{path}#{n} {uri}".strip()  # record number in the file, then the URL
            if not uri:
                yield _problem(
                    IngestProblem(where, "not a WARC response record (no WARC-Target-URI)")
                )
                continue
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            ctype = (http.get_header("Content-Type") or "") if http is not None else ""
            if status != "200":
                yield _problem(IngestProblem(where, f"HTTP status {status or 'missing'}"))
                continue
            if "html" not in ctype.lower():
                yield _problem(
                    IngestProblem(where, f"not HTML (Content-Type {ctype or 'missing'})")
                )
                continue
            body = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
            if len(body) > MAX_ARTICLE_BYTES:
                yield _problem(IngestProblem(where, "page over the 5 MB limit for one article"))
                continue
            try:
                text, _warning = decode_bytes(body, where)
                yield _article(article_from_html(text, uri or where, url=uri or None))
            except IngestError as exc:
                yield _problem(IngestProblem(where, str(exc)))
            except Exception as exc:  # one odd page must not stop a crawl
                yield _problem(IngestProblem(where, f"extraction failed ({type(exc).__name__})"))
    except Exception as exc:  # truncated gzip, not a WARC, ...
        yield _problem(IngestProblem(path, f"unreadable WARC ({type(exc).__name__}: {exc})"[:300]))
    finally:
        fh.close()


def read_plain_file(path: str) -> Iterator[dict[str, Any]]:
    """JSONL, JSON, HTML or text: the product's `ingest_file`, unchanged."""
    from parallax.ingest.core import ingest_file

    result = ingest_file(Path(path))
    for art in result.articles:
        yield _article(art)
    for prob in result.problems:
        yield _problem(prob)


def read_any(path: str) -> Iterator[dict[str, Any]]:
    yield from (read_warc(path) if _kind(path) == "warc" else read_plain_file(path))


def records_to_rows(records: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """(source, record dict) pairs, e.g. Parquet rows, through `article_from_record`."""
    from parallax.ingest.core import IngestError, article_from_record
    from parallax.ingest.sidecar import SidecarError

    for source, record in records:
        clean = {k: _clean(v) for k, v in record.items()}
        if clean.get("published") == UNKNOWN:
            clean["published"] = None
        try:
            yield _article(article_from_record(clean, source))
        except (IngestError, SidecarError) as exc:
            yield _problem(IngestProblem(source, str(exc)))
        except Exception as exc:
            yield _problem(IngestProblem(source, f"record failed ({type(exc).__name__})"))


# ---------------------------------------------------------------- writing test/bench input


def write_warc(path: str | os.PathLike[str], pages: Iterable[dict[str, Any]]) -> int:
    """Write response records ({url, html, status=200, content_type}) as a gzipped WARC.

    Used by the tests and the benchmark to build CC-NEWS-like input.
    """
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in pages:
            status = int(page.get("status", 200))
            reason = {200: "OK", 404: "Not Found"}.get(status, "Status")
            payload = page["html"].encode("utf-8")
            headers = StatusAndHeaders(
                f"{status} {reason}",
                [("Content-Type", page.get("content_type", "text/html; charset=utf-8"))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                page["url"], "response", payload=BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)
            n += 1
    return n
