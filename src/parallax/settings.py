"""One `Settings` object: every tuned number and threshold, named, with where it comes from.

Each stage owns a section (a frozen dataclass in its package's `settings.py`; the
story-clustering section is `ClusterParams`, tuned by eval/tune_events.py). Users
override any field from a TOML file (`parallax analyze --config settings.toml`):

    [compare]
    align_strong = 0.85
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.annotate.settings import AnnotateSettings
from parallax.apps.settings import WebSettings
from parallax.brief.settings import BriefSettings
from parallax.compare.framing_settings import FramingSettings
from parallax.compare.settings import CompareSettings
from parallax.ingest.settings import IngestSettings
from parallax.stories.docs import ClusterParams
from parallax.stories.settings import SyndicationSettings


class SettingsError(ValueError):
    """A settings file that cannot be read or names an unknown field (one-line message)."""


@dataclass(frozen=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    annotate: AnnotateSettings = field(default_factory=AnnotateSettings)
    cluster: ClusterParams = field(default_factory=ClusterParams.default)
    syndication: SyndicationSettings = field(default_factory=SyndicationSettings)
    compare: CompareSettings = field(default_factory=CompareSettings)
    framing: FramingSettings = field(default_factory=FramingSettings)
    brief: BriefSettings = field(default_factory=BriefSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def override(self, changes: dict[str, Any], origin: str = "settings") -> Settings:
        """A copy with `{section: {field: value}}` applied; unknown names raise SettingsError."""
        sections = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name, values in changes.items():
            if name not in sections or not isinstance(values, dict):
                raise SettingsError(f"{origin}: unknown section [{name}]")
            current = sections[name]
            known = {f.name: f for f in dataclasses.fields(current)}
            for key, value in values.items():
                if key not in known:
                    raise SettingsError(f"{origin}: unknown setting {name}.{key}")
                default = getattr(current, key)
                if isinstance(default, bool) != isinstance(value, bool) or not isinstance(
                    value, (type(default), int) if isinstance(default, float) else type(default)
                ):
                    raise SettingsError(
                        f"{origin}: {name}.{key} must be {type(default).__name__}, got {value!r}"
                    )
            sections[name] = dataclasses.replace(current, **values)
        return Settings(**sections)


def load_settings(path: str | Path | None) -> Settings:
    """Defaults, overridden by the TOML file at `path` when given."""
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings ({exc})") from None
    return Settings().override(data, origin=str(path))
