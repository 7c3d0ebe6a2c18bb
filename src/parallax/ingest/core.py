"""Ingest: files, folders, HTML, JSONL and strings become `Article`s.

One bad input never stops the rest: each skipped file or record becomes an
`IngestProblem` with a one-line reason, and the caller decides how to report
it. Nothing here loads a model, so ingest is fast and safe to run anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from parallax.ingest.cleanup import MIN_WORDS, clean_text, parse_dateline
from parallax.ingest.outlets import canonical_outlet, outlet_from_url
from parallax.ingest.sidecar import (
    SidecarError,
    SourceInfo,
    parse_date,
    read_json_sidecar,
    read_ratings,
    read_sources_csv,
)
from parallax.models import UNKNOWN, Article, IngestProblem

MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # one article's text or HTML
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SIDECAR_NAMES = {"sources.csv"}


class IngestError(ValueError):
    """A single input that cannot become an article; the message is the one-line reason."""


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)

    def extend(self, other: IngestResult) -> None:
        self.articles.extend(other.articles)
        self.problems.extend(other.problems)


# ---------------------------------------------------------------- helpers


def content_id(body: str) -> str:
    """Content hash of the body with whitespace normalised: same text, same id."""
    norm = re.sub(r"\s+", " ", body).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    lang, prob = _language_identifier().classify(
        text[:1500]
    )  # plenty for language ID; it dominated ingest time
    return str(lang), float(prob)


def decode_bytes(data: bytes, source: str) -> tuple[str, str | None]:
    """Text and a warning (None if clean UTF-8). Raises IngestError for binary data."""
    if not data.strip():
        raise IngestError("empty file")
    head = data[:8192]
    if b"\x00" in head:
        raise IngestError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise IngestError(
                f"not UTF-8 and no other text encoding fits (byte {exc.start})"
            ) from None
        text = str(best)
        controls = sum(1 for ch in text[:4000] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > 0.01 * max(1, len(text[:4000])):
            raise IngestError("binary file (control characters), not text") from None
        return text, f"not UTF-8; decoded as {best.encoding}"


def _paragraph_offsets(paragraphs: Sequence[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    offsets: list[tuple[int, int]] = []
    pos = 0
    for para in paragraphs:
        offsets.append((pos, pos + len(para)))
        pos += len(para) + 2
    return "\n\n".join(paragraphs), tuple(offsets)


def _title_from_body(body: str) -> str:
    first = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0]
    if len(first) <= 110:
        return first
    return first[:100].rsplit(" ", 1)[0] + " …"


# ---------------------------------------------------------------- builders


def build_article(
    raw_text: str,
    source: str,
    info: SourceInfo | None = None,
    *,
    html_meta: dict[str, Any] | None = None,
    url: str | None = None,
    ratings: dict[str, str] | None = None,
) -> Article:
    """Clean scraped text and decide title, byline, date and outlet, each with its reason."""
    info = info or SourceInfo()
    meta = html_meta or {}
    cleaned = clean_text(raw_text)
    if meta.get("title") and cleaned.title is None:
        cleaned.title = str(meta["title"]).strip()
    body, paragraphs = _paragraph_offsets(cleaned.body_paragraphs)
    words = len(body.split())
    if words == 0:
        raise IngestError("no article text (only page furniture such as menus or notices)")
    if words < MIN_WORDS:
        raise IngestError(f"too little text after removing cruft ({words} words, need {MIN_WORDS})")
    lang, prob = detect_language(body)
    if lang != "en" and prob > 0.9:
        raise IngestError(
            f"language is '{lang}' (p={prob:.2f}), not English; Parallax analyses English text"
        )

    url = info.url or url or meta.get("url")
    title = info.title or cleaned.title
    if not title:
        title = _title_from_body(body)  # no headline line: the verbatim first sentence

    # Outlet: the user's sidecar, then the text naming itself, then page metadata, then the URL.
    if info.outlet:
        outlet, outlet_reason = canonical_outlet(info.outlet), f"from {info.origin}"
        if cleaned.outlet and cleaned.outlet != outlet:
            outlet_reason += f" (the text names {cleaned.outlet}: {cleaned.outlet_evidence})"
    elif cleaned.outlet:
        outlet, outlet_reason = cleaned.outlet, f"text names itself: {cleaned.outlet_evidence}"
    elif meta.get("sitename"):
        outlet, outlet_reason = canonical_outlet(str(meta["sitename"])), "HTML site name metadata"
    elif outlet_from_url(url):
        outlet, outlet_reason = str(outlet_from_url(url)), f"URL domain of {url}"
    else:
        outlet = UNKNOWN
        outlet_reason = (
            "the text does not name its outlet and no sidecar, metadata or known URL says"
        )

    published: dt.date | None
    if info.published:
        published, date_reason = info.published, f"from {info.origin}"
    elif cleaned.published_iso:
        published = dt.date.fromisoformat(cleaned.published_iso)
        date_reason = f"dateline '{cleaned.dateline}'"
    elif meta.get("date"):
        published = parse_date(str(meta["date"]), source)
        date_reason = "HTML date metadata"
    else:
        published = None
        date_reason = "no dateline in the text and no sidecar or metadata date"

    byline = info.byline or cleaned.byline or (str(meta["author"]) if meta.get("author") else None)
    stripped = tuple(cleaned.stripped)
    lean = info.lean or (ratings or {}).get(outlet.lower())
    return Article(
        id=content_id(body),
        source=source,
        outlet=outlet,
        outlet_reason=outlet_reason,
        title=title.strip(),
        byline=byline,
        published=published,
        date_reason=date_reason,
        language=lang,
        text=body,
        paragraphs=paragraphs,
        url=url,
        stripped=stripped,
        lean=lean,
    )


def article_from_text(text: str, source: str = "<text>", **kwargs: Any) -> Article:
    """One article from scraped plain text."""
    if not text.strip():
        raise IngestError("empty text")
    return build_article(text, source, **kwargs)


def article_from_html(
    html: str, source: str = "<html>", url: str | None = None, **kwargs: Any
) -> Article:
    """One article from an HTML page, via trafilatura's main-content extraction."""
    import trafilatura

    if not html.strip():
        raise IngestError("empty HTML")
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # Only dates the page states as metadata: a full-text search took a 2021 photo caption
            # as the publication date of a 2023 article.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise IngestError(f"malformed HTML ({type(exc).__name__})") from None
    if doc is None:
        raise IngestError("malformed HTML or no main article text found")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    if not text.strip():
        raise IngestError("no main article text found in HTML")
    meta = {k: data.get(k) for k in ("title", "author", "date", "sitename", "url")}
    site = str(meta.get("sitename") or "").strip()
    if len(site.split()) > 6 or site.endswith((".", "!", "?")) or (site and site in text[:300]):
        meta["sitename"] = None  # trafilatura falls back to page text when there is no site name
    body = text
    title = (meta.get("title") or "").strip()
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    try:
        return build_article(body, source, html_meta=meta, url=url, **kwargs)
    except IngestError as exc:
        raise IngestError(f"no usable article text in the HTML: {exc}") from None


def article_from_record(
    record: dict[str, Any], source: str, ratings: dict[str, str] | None = None
) -> Article:
    """One article from a JSON object: `text` (or `html`) plus optional metadata fields."""
    if not isinstance(record, dict):
        raise IngestError("expected a JSON object")
    info = SourceInfo(
        outlet=record.get("outlet") or record.get("source_name") or None,
        published=parse_date(record.get("published") or record.get("date"), source),
        url=record.get("url") or None,
        title=record.get("title") or None,
        byline=record.get("byline") or record.get("author") or None,
        lean=record.get("lean") or None,
        origin=f"{source} fields",
    )
    if isinstance(record.get("html"), str) and not record.get("text"):
        return article_from_html(record["html"], source, url=info.url, info=info, ratings=ratings)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError("record has no 'text' (or 'html') string")
    if len(text.encode("utf-8", "ignore")) > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"record text over the {MAX_ARTICLE_BYTES // 2**20} MB limit for one article"
        )
    if info.title and not text.lstrip().startswith(info.title):
        text = f"{info.title}\n\n{text}"
    return build_article(text, source, info, ratings=ratings)


# ---------------------------------------------------------------- files and folders


def _looks_like_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in HTML_SUFFIXES:
        return True
    head = text.lstrip()[:500].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path | None]]:
    """(file, folder it was found in) for every candidate input, sorted, hidden files skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                    continue
                if child.name in SIDECAR_NAMES or _is_json_sidecar(child):
                    continue
                yield child, path
        else:
            yield path, None


def _is_json_sidecar(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    return any(
        sib.is_file() and sib != path and sib.suffix.lower() != ".json"
        for sib in path.parent.glob(path.stem + ".*")
    )


class _Sidecars:
    """Lazily read sidecar metadata: a global CSV, per-folder sources.csv, per-file NAME.json."""

    def __init__(self, explicit: Path | None) -> None:
        self._by_file: dict[str, SourceInfo] = {}
        self._read_dirs: set[Path] = set()
        self.problems: list[IngestProblem] = []
        if explicit is not None:
            self._load_csv(explicit)

    def _load_csv(self, csv_path: Path) -> None:
        try:
            for key, info in read_sources_csv(csv_path).items():
                self._by_file.setdefault(key, info)
        except (SidecarError, OSError) as exc:
            self.problems.append(IngestProblem(str(csv_path), str(exc), skipped=False))

    def info_for(self, path: Path) -> SourceInfo | None:
        folder = path.parent.resolve()
        if folder not in self._read_dirs:
            self._read_dirs.add(folder)
            if (folder / "sources.csv").is_file():
                self._load_csv(folder / "sources.csv")
        json_side = path.with_suffix(".json")
        if path.suffix.lower() != ".json" and json_side.is_file():
            try:
                return read_json_sidecar(json_side)
            except SidecarError as exc:
                self.problems.append(IngestProblem(str(json_side), str(exc), skipped=False))
        return self._by_file.get(str(path.resolve()))


def _read_file(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"file is {size / 2**20:.1f} MB, over the {MAX_ARTICLE_BYTES // 2**20} MB limit for one article"
        )
    return path.read_bytes()


def _ingest_jsonl(path: Path, ratings: dict[str, str] | None, result: IngestResult) -> None:
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            where = f"{path}:{n}"
            if not line.strip():
                continue
            try:
                if len(line) > MAX_ARTICLE_BYTES:
                    raise IngestError(
                        f"line over the {MAX_ARTICLE_BYTES // 2**20} MB limit for one article"
                    )
                try:
                    record = json.loads(line.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    raise IngestError("line is not UTF-8") from None
                except json.JSONDecodeError as exc:
                    raise IngestError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
                result.articles.append(article_from_record(record, where, ratings))
            except (IngestError, SidecarError) as exc:
                result.problems.append(IngestProblem(where, str(exc).removeprefix(f"{where}: ")))


def ingest_file(
    path: Path, info: SourceInfo | None = None, ratings: dict[str, str] | None = None
) -> IngestResult:
    """Articles from one file (a JSONL file may hold many); problems instead of exceptions."""
    result = IngestResult()
    source = str(path)
    try:
        if not path.exists():
            raise IngestError("no such file or folder")
        if path.suffix.lower() in JSONL_SUFFIXES:
            _ingest_jsonl(path, ratings, result)
            return result
        text, warning = decode_bytes(_read_file(path), source)
        if warning:
            result.problems.append(IngestProblem(source, warning, skipped=False))
        if path.suffix.lower() == ".json":
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise IngestError(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
            result.articles.append(article_from_record(record, source, ratings))
        elif _looks_like_html(path, text):
            result.articles.append(
                article_from_html(
                    text, source, url=info.url if info else None, info=info, ratings=ratings
                )
            )
        else:
            result.articles.append(build_article(text, source, info, ratings=ratings))
    except (IngestError, SidecarError) as exc:
        result.problems.append(IngestProblem(source, str(exc)))
    except OSError as exc:
        result.problems.append(IngestProblem(source, f"cannot read ({exc.strerror or exc})"))
    return result


def ingest_paths(
    paths: Iterable[str | Path],
    sidecar: str | Path | None = None,
    ratings: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest every file under `paths`; exact duplicates (same content hash) are skipped."""
    result = IngestResult()
    sidecars = _Sidecars(Path(sidecar) if sidecar else None)
    ratings_map: dict[str, str] | None = None
    if ratings:
        try:
            ratings_map = read_ratings(Path(ratings))
        except SidecarError as exc:
            result.problems.append(IngestProblem(str(ratings), str(exc), skipped=False))
    seen: dict[str, str] = {}
    for path, _root in iter_input_files(paths):
        one = ingest_file(path, sidecars.info_for(path), ratings_map)
        for art in one.articles:
            if art.id in seen:
                result.problems.append(
                    IngestProblem(art.source, f"exact duplicate of {seen[art.id]}")
                )
                continue
            seen[art.id] = art.source
            result.articles.append(art)
        result.problems.extend(one.problems)
        if progress:
            progress(1)
    result.problems[:0] = sidecars.problems
    return result


__all__ = [
    "IngestError",
    "IngestResult",
    "article_from_html",
    "article_from_record",
    "article_from_text",
    "build_article",
    "content_id",
    "ingest_file",
    "ingest_paths",
    "parse_dateline",
]
