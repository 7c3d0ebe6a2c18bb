"""The JSON Schema of `Analysis.to_json()`, derived from the dataclasses.

The schema is generated from the same type hints the code uses, checked in at
`parallax/schema/analysis.schema.json`, and a test fails when the two drift,
so the versioned contract and the code cannot disagree silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from pathlib import Path
from typing import Any

from parallax import SCHEMA_VERSION
from parallax import models as m

SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "analysis.schema.json"
SCHEMA_ID = f"https://parallax.invalid/schema/analysis-{SCHEMA_VERSION}.json"

_EXTRA_TYPES: dict[tuple[type, str], Any] = {
    (m.Article, "words"): int,
    (m.Quote, "words"): int,
    (m.Fact, "outlets"): tuple[str, ...],
    (m.Fact, "article_ids"): tuple[str, ...],
    (m.Framing, "sourced_share"): float,
}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a, defs) for a in typing.get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin in (tuple, m.Records):
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis or origin is m.Records:
            return {"type": "array", "items": _type_schema(args[0], defs)}
        return {
            "type": "array",
            "prefixItems": [_type_schema(a, defs) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin is dict:
        return {"type": "object"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if tp is Any:
        return {}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            hints = typing.get_type_hints(tp)
            props = {
                f.name: _type_schema(hints[f.name], defs) for f in dataclasses.fields(tp) if f.repr
            }
            for extra in getattr(tp, "json_extra", ()):
                props[extra] = _type_schema(_EXTRA_TYPES[(tp, extra)], defs)
            defs[name] = {
                "type": "object",
                "properties": props,
                "required": sorted(props),
                "additionalProperties": False,
            }
            if tp.__doc__:
                defs[name]["description"] = " ".join(tp.__doc__.split())
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


def build_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    _type_schema(m.Analysis, defs)
    body = defs.pop("Analysis")
    props = dict(body["properties"])
    props.pop("annotated")
    props["annotations"] = {"type": "array", "items": {"$ref": "#/$defs/Annotations"}}
    _type_schema(m.AnnotatedArticle, defs)
    ann_def = dict(defs.pop("AnnotatedArticle"))
    ann_props = dict(ann_def["properties"])
    ann_props.pop("article")
    ann_props["article_id"] = {"type": "string"}
    defs["Annotations"] = {
        "type": "object",
        "properties": ann_props,
        "required": sorted(ann_props),
        "additionalProperties": False,
    }
    props["schema_version"] = {"const": SCHEMA_VERSION}
    props["parallax_version"] = {"type": "string"}
    props["generated_at"] = {"type": "string"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Parallax analysis",
        "description": "Output of `parallax analyze -o FILE.json`. Spans are character offsets into articles[].text.",
        "type": "object",
        "properties": props,
        "required": sorted(props),
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(build_schema(), indent=2) + "\n")
    return path


def load_schema() -> dict[str, Any]:
    return typing.cast(dict[str, Any], json.loads(SCHEMA_PATH.read_text()))


if __name__ == "__main__":
    print(write_schema())
