"""Ingest: files, folders, HTML, JSONL and strings become `Article`s.

One bad input never stops the rest: each skipped file or record becomes an
`IngestProblem` with a one-line reason, and the caller decides how to report
it. Nothing here loads a model, so ingest is fast and safe to run anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from parallax.ingest.cleanup import CleanupTimeout, clean_text, parse_dateline
from parallax.ingest.outlets import canonical_outlet, outlet_from_url
from parallax.ingest.settings import IngestSettings
from parallax.ingest.sidecar import (
    SidecarError,
    SourceInfo,
    parse_date,
    read_json_sidecar,
    read_ratings,
    read_sources_csv,
)
from parallax.models import UNKNOWN, Article, IngestProblem

DEFAULTS = IngestSettings()
MAX_ARTICLE_BYTES = DEFAULTS.max_article_bytes  # one article's text or HTML (kept for callers)
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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def safe_source(path: str | Path) -> str:
    """A path as printable, storable text: undecodable bytes of a non-UTF-8 file name become
    backslash escapes (they arrive as lone surrogates, which SQLite and UTF-8 output refuse)."""
    raw = os.fsencode(str(path))
    return raw.decode("utf-8", "backslashreplace")


def scrub(text: str) -> str:
    """Text safe to store and analyse: lone surrogates and control characters (except tab and
    newline) removed, CR/LF normalised by the cleaner later."""
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


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


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def decode_bytes(
    data: bytes, source: str, settings: IngestSettings = DEFAULTS
) -> tuple[str, str | None]:
    """Text and a warning (None if clean UTF-8). Raises IngestError for binary data.

    Order: a byte-order mark (UTF-8/16/32), then UTF-8, then windows-1252 for mostly-ASCII
    text, then charset detection, each decoded result checked for control characters."""
    if not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise IngestError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}"
                ) from None
            _check_controls(text)
            return (
                text,
                None if encoding == "utf-8-sig" else f"decoded as {encoding} (byte-order mark)",
            )
    if b"\x00" in data[:8192]:
        raise IngestError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    high = sum(1 for b in data if b >= 0x80)
    if high <= settings.western_max_high_byte_share * len(data) and not (
        _CP1252_UNDEFINED & set(data)
    ):
        text = data.decode("cp1252")
        _check_controls(text)
        return text, "not UTF-8; decoded as windows-1252 (mostly ASCII with a few accented bytes)"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(f"not UTF-8 and no other text encoding fits (byte {first_bad})")
    text = str(best)
    _check_controls(text)
    return text, f"not UTF-8; decoded as {best.encoding}"


def _check_controls(text: str) -> None:
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * max(1, len(sample)):
        raise IngestError("binary file (control characters), not text")


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


def _clean_checked(raw_text: str, settings: IngestSettings) -> Any:
    """Cleaned text, refusing oversize or slow-to-clean input with a clear reason."""
    if len(raw_text) > settings.max_article_chars:
        raise IngestError(
            f"article text is {len(raw_text):,} characters, over the limit of "
            f"{settings.max_article_chars:,} (setting ingest.max_article_chars)"
        )
    try:
        return clean_text(scrub(raw_text), budget_s=settings.cleanup_budget_s)
    except CleanupTimeout as exc:
        raise IngestError(f"{exc} (setting ingest.cleanup_budget_s); skipped") from None


def _check_words_and_language(body: str, settings: IngestSettings) -> str:
    """The language code; IngestError for stubs and non-English text (checked in that spirit:
    a text in a script without spaces is "not English", not "too few words")."""
    words = len(body.split())
    if not body.strip():
        raise IngestError("no article text (only page furniture such as menus or notices)")
    lang, prob = detect_language(body)
    sample = [ch for ch in body[:4000] if ch.isalpha()]
    latin = sum(1 for ch in sample if ord(ch) < 0x250) / max(1, len(sample))
    if (
        lang != "en"
        and (prob > 0.9 or latin < settings.min_latin_letter_share)
        and (words >= settings.min_words or len(body) >= settings.min_chars_for_language)
    ):
        raise IngestError(
            f"language is '{lang}' (p={prob:.2f}), not English; Parallax analyses English text"
        )
    if words < settings.min_words:
        raise IngestError(
            f"too little text after removing cruft ({words} words, need {settings.min_words})"
        )
    return lang


def _decide_outlet(
    info: SourceInfo, cleaned: Any, meta: dict[str, Any], url: str | None
) -> tuple[str, str]:
    """Outlet: the user's sidecar, then the text naming itself, then page metadata, then the URL."""
    if info.outlet:
        outlet, reason = canonical_outlet(info.outlet), f"from {info.origin}"
        if cleaned.outlet and cleaned.outlet != outlet:
            reason += f" (the text names {cleaned.outlet}: {cleaned.outlet_evidence})"
        return outlet, reason
    if cleaned.outlet:
        return cleaned.outlet, f"text names itself: {cleaned.outlet_evidence}"
    if meta.get("sitename"):
        return canonical_outlet(str(meta["sitename"])), "HTML site name metadata"
    if outlet_from_url(url):
        return str(outlet_from_url(url)), f"URL domain of {url}"
    return UNKNOWN, "the text does not name its outlet and no sidecar, metadata or known URL says"


def _decide_date(
    info: SourceInfo, cleaned: Any, meta: dict[str, Any], source: str
) -> tuple[dt.date | None, str]:
    if info.published:
        return info.published, f"from {info.origin}"
    if cleaned.published_iso:
        return dt.date.fromisoformat(cleaned.published_iso), f"dateline '{cleaned.dateline}'"
    if meta.get("date"):
        return parse_date(str(meta["date"]), source), "HTML date metadata"
    return None, "no dateline in the text and no sidecar or metadata date"


def build_article(
    raw_text: str,
    source: str,
    info: SourceInfo | None = None,
    *,
    html_meta: dict[str, Any] | None = None,
    url: str | None = None,
    ratings: dict[str, str] | None = None,
    settings: IngestSettings = DEFAULTS,
) -> Article:
    """Clean scraped text and decide title, byline, date and outlet, each with its reason."""
    info = info or SourceInfo()
    meta = html_meta or {}
    source = scrub(source)
    cleaned = _clean_checked(raw_text, settings)
    if meta.get("title") and cleaned.title is None:
        cleaned.title = scrub(str(meta["title"])).strip()
    body, paragraphs = _paragraph_offsets(cleaned.body_paragraphs)
    lang = _check_words_and_language(body, settings)

    url = info.url or url or meta.get("url")
    title = info.title or cleaned.title
    if not title:
        title = _title_from_body(body)  # no headline line: the verbatim first sentence

    outlet, outlet_reason = _decide_outlet(info, cleaned, meta, url)
    published, date_reason = _decide_date(info, cleaned, meta, source)
    byline = (
        info.byline
        or cleaned.byline
        or (scrub(str(meta["author"])) if meta.get("author") else None)
    )
    stripped = tuple(cleaned.stripped)
    lean = info.lean or (ratings or {}).get(outlet.lower())
    title = scrub(title).replace("\n", " ")
    return Article(
        id=content_id(body),
        source=source,
        outlet=scrub(outlet).replace("\n", " "),
        outlet_reason=outlet_reason,
        title=title.strip(),
        byline=byline,
        published=published,
        date_reason=date_reason,
        language=lang,
        text=body,
        paragraphs=paragraphs,
        url=scrub(url) if url else None,
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
    html = scrub(html)
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


RECORD_TEXT_FIELDS = (
    "outlet",
    "source_name",
    "published",
    "date",
    "url",
    "title",
    "byline",
    "author",
    "lean",
)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number"}.get(
        type(value), "a number" if isinstance(value, float) else type(value).__name__
    )


def validated_fields(
    record: dict[str, Any], source: str, problems: list[IngestProblem] | None
) -> dict[str, str | None]:
    """The metadata fields of a record that are text; any other type is reported (file, line and
    field) and dropped, so one wrong-typed field never costs the article or the run."""
    out: dict[str, str | None] = {}
    for key in RECORD_TEXT_FIELDS:
        value = record.get(key)
        if value is None or value == "":
            out[key] = None
        elif isinstance(value, str):
            out[key] = scrub(value).strip() or None
        else:
            out[key] = None
            if problems is not None:
                problems.append(
                    IngestProblem(
                        source,
                        f"field '{key}' is {_type_name(value)}, expected text; field ignored",
                        skipped=False,
                    )
                )
    return out


def article_from_record(
    record: dict[str, Any],
    source: str,
    ratings: dict[str, str] | None = None,
    problems: list[IngestProblem] | None = None,
    settings: IngestSettings = DEFAULTS,
) -> Article:
    """One article from a JSON object: `text` (or `html`) plus optional metadata fields.

    Wrong-typed metadata fields are dropped with a warning appended to `problems`."""
    if not isinstance(record, dict):
        raise IngestError(f"expected a JSON object, got {_type_name(record)}")
    f = validated_fields(record, source, problems)
    try:
        published = parse_date(f["published"] or f["date"], source)
    except SidecarError as exc:
        published = None
        if problems is not None:
            problems.append(
                IngestProblem(
                    source, f"{exc}; field ignored".removeprefix(f"{source}: "), skipped=False
                )
            )
    info = SourceInfo(
        outlet=f["outlet"] or f["source_name"],
        published=published,
        url=f["url"],
        title=f["title"],
        byline=f["byline"] or f["author"],
        lean=f["lean"],
        origin=f"{source} fields",
    )
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip() and not (isinstance(text, str) and text.strip()):
        _check_size(html, settings)
        return article_from_html(
            html, source, url=info.url, info=info, ratings=ratings, settings=settings
        )
    if not isinstance(text, str) or not text.strip():
        what = (
            "missing"
            if text is None
            else f"{_type_name(text)}"
            if not isinstance(text, str)
            else "empty"
        )
        raise IngestError(f"record has no 'text' (or 'html') string ('text' is {what})")
    _check_size(text, settings)
    if info.title and not text.lstrip().startswith(info.title):
        text = f"{info.title}\n\n{text}"
    return build_article(text, source, info, ratings=ratings, settings=settings)


def _check_size(text: str, settings: IngestSettings) -> None:
    if len(text.encode("utf-8", "replace")) > settings.max_article_bytes:
        raise IngestError(
            f"record text over the {settings.max_article_bytes // 2**20} MB limit for one article"
        )


# ---------------------------------------------------------------- files and folders


def _looks_like_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in HTML_SUFFIXES:
        return True
    head = text.lstrip()[:500].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head


def _special_reason(path: Path) -> str | None:
    """Why `path` is not a regular file we may open (a FIFO would block the run forever)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file or folder" if not path.is_symlink() else "broken symbolic link"
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    except ValueError as exc:  # e.g. an embedded NUL byte in the path
        return f"invalid path ({exc})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"{kind}, not an article file; skipped"


def iter_input_files(
    paths: Iterable[str | Path], problems: list[IngestProblem] | None = None
) -> Iterator[tuple[Path, Path | None]]:
    """(file, folder it was found in) for every candidate input, sorted, hidden files skipped.

    Missing paths, special files (FIFOs, sockets, devices) and symbolic links that lead outside
    the folder being read are reported in `problems` and skipped; the rest is still read."""
    report = problems if problems is not None else []
    for raw in paths:
        path = Path(raw)
        reason = _special_reason(path)
        if reason:
            report.append(IngestProblem(safe_source(path), reason))
        elif path.is_dir():
            yield from _iter_folder(path, report)
        else:
            yield path, None


def _iter_folder(folder: Path, report: list[IngestProblem]) -> Iterator[tuple[Path, Path]]:
    root = folder.resolve()
    for child in sorted(folder.rglob("*")):
        rel = child.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if child.is_symlink():
            try:
                target = child.resolve()
            except (OSError, RuntimeError):  # a symlink loop raises RuntimeError in 3.11
                report.append(IngestProblem(safe_source(child), "symbolic link loop; skipped"))
                continue
            if not target.is_relative_to(root):
                report.append(
                    IngestProblem(
                        safe_source(child),
                        f"symbolic link to {safe_source(target)}, outside the input folder; skipped",
                    )
                )
                continue
        if child.is_dir():
            continue
        reason = _special_reason(child)
        if reason:
            report.append(IngestProblem(safe_source(child), reason))
            continue
        if child.name in SIDECAR_NAMES or _is_json_sidecar(child):
            continue
        yield child, folder


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
            for key, info in read_sources_csv(csv_path, self.problems).items():
                self._by_file.setdefault(key, info)
        except (SidecarError, OSError) as exc:
            reason = str(exc).removeprefix(f"{csv_path}: ")
            self.problems.append(IngestProblem(safe_source(csv_path), reason, skipped=False))

    def info_for(self, path: Path) -> SourceInfo | None:
        folder = path.parent.resolve()
        if folder not in self._read_dirs:
            self._read_dirs.add(folder)
            if (folder / "sources.csv").is_file():
                self._load_csv(folder / "sources.csv")
        json_side = path.with_suffix(".json")
        if path.suffix.lower() != ".json" and json_side.is_file():
            try:
                return read_json_sidecar(json_side, self.problems)
            except (SidecarError, OSError) as exc:
                reason = str(exc).removeprefix(f"{json_side}: ")
                self.problems.append(IngestProblem(safe_source(json_side), reason, skipped=False))
        return self._by_file.get(str(path.resolve()))


def _read_file(path: Path, settings: IngestSettings) -> bytes:
    reason = _special_reason(path)
    if reason:
        raise IngestError(reason)
    size = path.stat().st_size
    if size > settings.max_article_bytes:
        raise IngestError(
            f"file is {size / 2**20:.1f} MB, over the {settings.max_article_bytes // 2**20} MB "
            "limit for one article (setting ingest.max_article_bytes)"
        )
    with path.open("rb") as fh:  # bounded read: the file may grow after the size check
        return fh.read(settings.max_article_bytes + 1)


def _jsonl_record(line: bytes, settings: IngestSettings) -> Any:
    if len(line) > settings.max_article_bytes:
        raise IngestError(
            f"line over the {settings.max_article_bytes // 2**20} MB limit for one article"
        )
    try:
        return json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise IngestError("line is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise IngestError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise IngestError("JSON nested too deeply") from None


def _ingest_jsonl(
    path: Path, ratings: dict[str, str] | None, result: IngestResult, settings: IngestSettings
) -> None:
    reason = _special_reason(path)
    if reason:
        raise IngestError(reason)
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            where = f"{safe_source(path)}:{n}"
            if not line.strip():
                continue
            try:
                record = _jsonl_record(line, settings)
                result.articles.append(
                    article_from_record(record, where, ratings, result.problems, settings)
                )
            except (IngestError, SidecarError) as exc:
                result.problems.append(IngestProblem(where, str(exc).removeprefix(f"{where}: ")))
            except Exception as exc:  # a bug must cost one record, not the run
                result.problems.append(IngestProblem(where, unexpected(exc)))


def ingest_file(
    path: Path,
    info: SourceInfo | None = None,
    ratings: dict[str, str] | None = None,
    settings: IngestSettings = DEFAULTS,
) -> IngestResult:
    """Articles from one file (a JSONL file may hold many); problems instead of exceptions."""
    result = IngestResult()
    source = safe_source(path)
    try:
        if not path.exists():
            raise IngestError("no such file or folder")
        if path.suffix.lower() in JSONL_SUFFIXES:
            _ingest_jsonl(path, ratings, result, settings)
            return result
        text, warning = decode_bytes(_read_file(path, settings), source, settings)
        if warning:
            result.problems.append(IngestProblem(source, warning, skipped=False))
        result.articles.append(
            _article_from_file_text(path, source, text, info, ratings, result, settings)
        )
    except (IngestError, SidecarError) as exc:
        result.problems.append(IngestProblem(source, str(exc).removeprefix(f"{source}: ")))
    except OSError as exc:
        result.problems.append(IngestProblem(source, f"cannot read ({exc.strerror or exc})"))
    except Exception as exc:  # a bug must cost one file, not the run
        result.problems.append(IngestProblem(source, unexpected(exc)))
    return result


def unexpected(exc: BaseException) -> str:
    """One line for an error no rule foresaw (kept visible: it names the exception type)."""
    text = " ".join(str(exc).split())[:200]
    return f"unexpected error, skipped ({type(exc).__name__}: {text})"


def _article_from_file_text(
    path: Path,
    source: str,
    text: str,
    info: SourceInfo | None,
    ratings: dict[str, str] | None,
    result: IngestResult,
    settings: IngestSettings,
) -> Article:
    if path.suffix.lower() == ".json":
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
        except RecursionError:
            raise IngestError("JSON nested too deeply") from None
        return article_from_record(record, source, ratings, result.problems, settings)
    if _looks_like_html(path, text):
        return article_from_html(
            text,
            source,
            url=info.url if info else None,
            info=info,
            ratings=ratings,
            settings=settings,
        )
    return build_article(text, source, info, ratings=ratings, settings=settings)


def ingest_paths(
    paths: Iterable[str | Path],
    sidecar: str | Path | None = None,
    ratings: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    settings: IngestSettings = DEFAULTS,
) -> IngestResult:
    """Ingest every file under `paths`; exact duplicates (same content hash) are skipped.

    Never raises for bad input: each bad path, file, record or field is one `IngestProblem`."""
    result = IngestResult()
    sidecars = _Sidecars(Path(sidecar) if sidecar else None)
    ratings_map: dict[str, str] | None = None
    if ratings:
        try:
            ratings_map = read_ratings(Path(ratings))
        except SidecarError as exc:
            result.problems.append(IngestProblem(str(ratings), str(exc), skipped=False))
    seen: dict[str, str] = {}
    walk_problems: list[IngestProblem] = []
    for path, _root in iter_input_files(paths, walk_problems):
        result.problems.extend(walk_problems)
        walk_problems.clear()
        one = ingest_file(path, sidecars.info_for(path), ratings_map, settings)
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
    result.problems.extend(walk_problems)
    result.problems[:0] = sidecars.problems
    return result


__all__ = [
    "IngestError",
    "IngestSettings",
    "decode_bytes",
    "safe_source",
    "scrub",
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
