"""Stage 6, render: an Analysis -> JSON (schema-validated), Markdown or HTML."""

from parallax.render.report import (
    analysis_to_dict,
    render_html,
    render_json,
    render_markdown,
    write_report,
)

__all__ = ["analysis_to_dict", "render_html", "render_json", "render_markdown", "write_report"]
