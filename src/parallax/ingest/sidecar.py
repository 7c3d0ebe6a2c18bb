"""User-supplied metadata for files whose text does not say: outlet, date, URL, lean.

Two forms: a `sources.csv` in the folder (columns: file, and any of outlet,
date, url, title, byline, lean) or a per-file `NAME.json` next to `NAME.txt`.
A ratings file (`--ratings`, CSV with outlet,lean) adds the political lean of
outlets; Parallax ships no lean judgements of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

SIDECAR_FIELDS = ("outlet", "date", "url", "title", "byline", "lean")


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

        parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
        if parsed is None:
            raise SidecarError(f"{where}: cannot read date {text!r}") from None
        return parsed.date()


def _info(row: dict[str, object], origin: str) -> SourceInfo:
    def get(key: str) -> str | None:
        value = row.get(key)
        return str(value).strip() if value not in (None, "") else None

    return SourceInfo(
        outlet=get("outlet"),
        published=parse_date(get("date") or get("published"), origin),
        url=get("url"),
        title=get("title"),
        byline=get("byline") or get("author"),
        lean=get("lean"),
        origin=origin,
    )


def read_sources_csv(path: Path) -> dict[str, SourceInfo]:
    """file name (as written in the CSV, relative to the CSV's folder) -> info."""
    out: dict[str, SourceInfo] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise SidecarError(
                    f"{path}: needs a 'file' column (and any of {', '.join(SIDECAR_FIELDS)})"
                )
            for n, row in enumerate(reader, start=2):
                name = (row.get("file") or "").strip()
                if not name:
                    raise SidecarError(f"{path}:{n}: empty 'file' value")
                out[str((path.parent / name).resolve())] = _info(row, f"{path.name}:{n}")
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SidecarError(f"{path}: not a readable CSV ({exc})") from None
    return out


def read_json_sidecar(path: Path) -> SourceInfo:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SidecarError(f"{path}: expected a JSON object with {', '.join(SIDECAR_FIELDS)}")
    return _info(data, path.name)


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
