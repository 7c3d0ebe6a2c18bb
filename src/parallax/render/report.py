"""Render an Analysis as JSON (schema-validated), Markdown or one self-contained HTML file."""

from __future__ import annotations

import datetime as dt
import json
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


def _context(analysis: Analysis, **extra: Any) -> dict[str, Any]:
    from parallax.render.view import build_view

    by_id = {a.id: a for a in analysis.articles}
    ann_by_id = {a.id: a for a in analysis.annotated}
    return {
        "a": analysis,
        "by_id": by_id,
        "ann_by_id": ann_by_id,
        "v": build_view(analysis),
        "generated": dt.date.today().isoformat(),
        **extra,
    }


def _md_safe(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("<", "&lt;").replace(">", "&gt;")
    return value


def render_markdown(analysis: Analysis) -> str:
    env = _env()
    env.autoescape = False
    # Markdown viewers render inline HTML: neutralise angle brackets from article text.
    env.finalize = _md_safe
    return str(env.get_template("report.md.j2").render(**_context(analysis)))


def render_html(analysis: Analysis, **extra: Any) -> str:
    """One self-contained HTML file (inline CSS, JS and SVG; no network needed).

    `extra` goes to the template (the web app passes `nav_links`)."""
    return str(_env().get_template("report.html.j2").render(**_context(analysis, **extra)))


def write_report(analysis: Analysis, out: Path) -> Path:
    suffix = out.suffix.lower()
    if suffix == ".json":
        text = render_json(analysis)
    elif suffix in (".md", ".markdown"):
        text = render_markdown(analysis)
    elif suffix in (".html", ".htm"):
        text = render_html(analysis)
    else:
        raise ValueError(f"{out}: unknown report format '{suffix}' (use .html, .md or .json)")
    out.write_text(text, encoding="utf-8")
    return out
