"""Render an Analysis as JSON (schema-validated), Markdown or one self-contained HTML file."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from parallax.models import Analysis, to_plain


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    from parallax import SCHEMA_VERSION, __version__

    data = to_plain(analysis)
    annotated = data.pop("annotated")
    for ann in annotated:
        ann["article_id"] = ann.pop("article")["id"]
    data["annotations"] = annotated
    data["schema_version"] = SCHEMA_VERSION
    data["parallax_version"] = __version__
    data["generated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return data


def render_json(analysis: Analysis, indent: int | None = 2) -> str:
    return json.dumps(analysis_to_dict(analysis), indent=indent, ensure_ascii=False)


def validate_json(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if `data` does not match the checked-in schema."""
    import jsonschema

    from parallax.render.schema_gen import load_schema

    jsonschema.validate(data, load_schema(), format_checker=jsonschema.FormatChecker())


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parallax", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _context(analysis: Analysis, why: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    from parallax.render.view import build_view

    by_id = {a.id: a for a in analysis.articles}
    ann_by_id = {a.id: a for a in analysis.annotated}
    return {
        "a": analysis,
        "by_id": by_id,
        "ann_by_id": ann_by_id,
        "v": build_view(analysis, why),
        "generated": dt.date.today().isoformat(),
        **extra,
    }


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md_escape(value: Any) -> Any:
    """Any value printed into Markdown: inert and on one line.

    Backslash-escapes the characters that make links, emphasis, code and table cells
    (`[`, `]`, `|`, `*`, `_`, backtick, `#`; CommonMark allows escaping any punctuation, so
    the text reads the same), so `[x](javascript:..)` can never become a link and `|` never
    splits a table row; angle brackets become entities (viewers render inline HTML, and
    `<javascript:..>` would be an autolink); newlines become spaces."""
    if not isinstance(value, str):
        return value
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = value.replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(value.splitlines()) if "\n" in value or "\r" in value else value


def render_markdown(analysis: Analysis, why: dict[str, Any] | None = None) -> str:
    env = _env()
    env.autoescape = False
    env.finalize = md_escape
    return str(env.get_template("report.md.j2").render(**_context(analysis, why)))


def _asset(name: str) -> str:
    import importlib.resources

    return (importlib.resources.files("parallax") / "templates" / name).read_text("utf-8")


def _sha256(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def render_html(analysis: Analysis, why: dict[str, Any] | None = None, **extra: Any) -> str:
    """One self-contained HTML file (inline CSS, JS and SVG; no network needed).

    The Content-Security-Policy allows exactly the report's own style and script blocks by
    their sha256 (computed here from the text inserted), so no injected script or style
    could run even if escaping ever failed: no 'unsafe-inline'. `extra` goes to the
    template (the web app passes `nav_links`)."""
    from markupsafe import Markup

    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
        "img-src data:; form-action 'self'; base-uri 'none'"
    )
    ctx = _context(analysis, why, **extra)
    ctx.update(css=Markup(css), js=Markup(js), csp=csp)
    return str(_env().get_template("report.html.j2").render(**ctx))


FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def write_report(analysis: Analysis, out: Path, why: dict[str, Any] | None = None) -> Path:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt == "json":
        text = render_json(analysis)
    elif fmt == "md":
        text = render_markdown(analysis, why)
    elif fmt == "html":
        text = render_html(analysis, why)
    else:
        raise ValueError(f"{out}: unknown report format '{out.suffix}' (use .html, .md or .json)")
    out.write_text(text, encoding="utf-8")
    return out


CSV_TABLES = (
    "articles",
    "problems",
    "stories",
    "facts",
    "conflicts",
    "omissions",
    "framing",
    "voices",
    "timeline",
)


def write_csv(analysis: Analysis, folder: Path) -> list[Path]:
    """Each table of the Analysis as `folder/<table>.csv` (nested values as JSON text)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CSV_TABLES:
        rows = [to_plain(r) for r in getattr(analysis, name)]
        path = folder / f"{name}.csv"
        columns = list(dict.fromkeys(k for r in rows for k in r)) if rows else ["empty"]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {
                        k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                        for k, v in r.items()
                    }
                )
        written.append(path)
    return written
