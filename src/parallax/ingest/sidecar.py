"""User-supplied metadata for files whose text does not say: outlet, date, URL, lean.

Two forms: a `sources.csv` in the folder (columns: file, and any of outlet,
date, url, title, byline, lean) or a per-file `NAME.json` next to `NAME.txt`.
A ratings file (`--ratings`, CSV with outlet,lean) adds the political lean of
outlets; Parallax ships no lean judgements of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from parallax.models import IngestProblem

SIDECAR_FIELDS = ("outlet", "date", "url", "title", "byline", "lean")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class SidecarError(ValueError):
    pass


@dataclass(frozen=True)
class SourceInfo:
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    lean: str | None = None
    origin: str = ""  # which file said so


def parse_date(value: str | None, where: str) -> dt.date | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        import dateparser

        try:
            parsed = (
                dateparser.parse(text, settings={"STRICT_PARSING": True})
                if len(text) <= 100
                else None
            )
        except (ValueError, OverflowError, TypeError):
            parsed = None
        if parsed is None:
            raise SidecarError(f"{where}: cannot read date {text!r}") from None
        return parsed.date()


def _info(row: dict[str, object], origin: str, problems: list[IngestProblem]) -> SourceInfo:
    """SourceInfo from one CSV row or JSON object; a wrong-typed or unreadable field is reported
    (origin and field) and dropped, the rest of the row kept."""

    def get(key: str) -> str | None:
        value = row.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            problems.append(
                IngestProblem(
                    origin,
                    f"field '{key}' is {type(value).__name__}, expected text; field ignored",
                    skipped=False,
                )
            )
            return None
        cleaned = _CONTROL.sub("", _SURROGATE.sub("\ufffd", value)).strip()
        return cleaned or None

    try:
        published = parse_date(get("date") or get("published"), origin)
    except SidecarError as exc:
        problems.append(
            IngestProblem(
                origin, f"{exc}; field ignored".removeprefix(f"{origin}: "), skipped=False
            )
        )
        published = None
    return SourceInfo(
        outlet=get("outlet"),
        published=published,
        url=get("url"),
        title=get("title"),
        byline=get("byline") or get("author"),
        lean=get("lean"),
        origin=origin,
    )


def _csv_text(path: Path, problems: list[IngestProblem]) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(IngestProblem(str(path), "not UTF-8; read as windows-1252", skipped=False))
        return data.decode("cp1252", "replace")


def read_sources_csv(
    path: Path, problems: list[IngestProblem] | None = None
) -> dict[str, SourceInfo]:
    """file name (as written in the CSV, relative to the CSV's folder) -> info.

    A bad row (no file name, unreadable CSV line) is reported in `problems` and skipped; the
    good rows are kept. Only a file without a 'file' column is an error (SidecarError)."""
    report = problems if problems is not None else []
    out: dict[str, SourceInfo] = {}
    reader = csv.DictReader(io.StringIO(_csv_text(path, report), newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise SidecarError(f"{path}: not a readable CSV ({exc})") from None
    if not fieldnames or "file" not in fieldnames:
        raise SidecarError(
            f"{path}: needs a 'file' column (and any of {', '.join(SIDECAR_FIELDS)})"
        )
    n = 1
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.append(IngestProblem(f"{path}:{n}", f"unreadable CSV row ({exc}); row skipped"))
            continue
        name = row.get("file")
        if not isinstance(name, str) or not name.strip():
            report.append(IngestProblem(f"{path}:{n}", "empty 'file' value; row skipped"))
            continue
        if None in row:  # more cells than columns
            report.append(
                IngestProblem(
                    f"{path}:{n}",
                    "more cells than header columns; extra cells ignored",
                    skipped=False,
                )
            )
            row.pop(None)  # type: ignore[call-overload]
        try:
            key = str((path.parent / name.strip()).resolve())
        except (OSError, ValueError) as exc:
            report.append(IngestProblem(f"{path}:{n}", f"bad file name ({exc}); row skipped"))
            continue
        out[key] = _info(row, f"{path.name}:{n}", report)
    return out


def read_json_sidecar(path: Path, problems: list[IngestProblem] | None = None) -> SourceInfo:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SidecarError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SidecarError(f"{path}: expected a JSON object with {', '.join(SIDECAR_FIELDS)}")
    return _info(data, path.name, problems if problems is not None else [])


def read_ratings(path: Path) -> dict[str, str]:
    """outlet (lower-cased) -> lean, from a CSV with columns outlet,lean."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"outlet", "lean"} <= set(reader.fieldnames):
                raise SidecarError(f"{path}: a ratings file needs columns 'outlet' and 'lean'")
            return {
                row["outlet"].strip().lower(): row["lean"].strip()
                for row in reader
                if row.get("outlet") and row.get("lean")
            }
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SidecarError(f"{path}: cannot read ratings ({exc})") from None
