"""One Settings object: named sections, TOML overrides, one-line errors."""

from __future__ import annotations

import dataclasses

import pytest

from parallax.settings import Settings, SettingsError, load_settings


def test_defaults_carry_the_tuned_cluster_params():
    s = Settings()
    assert "resources/cluster_params.json" in s.cluster.provenance or s.cluster.provenance
    assert dataclasses.is_dataclass(s.compare) and dataclasses.is_dataclass(s.brief)


def test_toml_overrides_one_field(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[compare]\nalign_strong = 0.9\n[cluster]\nevent_threshold = 0.6\n")
    s = load_settings(path)
    assert s.compare.align_strong == 0.9
    assert s.cluster.event_threshold == 0.6
    assert s.brief == Settings().brief  # untouched sections keep their defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[nope]\nx = 1\n", "unknown section [nope]"),
        ("[compare]\nnot_a_field = 1\n", "unknown setting compare.not_a_field"),
        ("[compare]\nalign_strong = 'high'\n", "compare.align_strong must be float"),
        ("[compare\n", "cannot read settings"),
    ],
)
def test_bad_settings_files_give_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(path) in str(err.value)


def test_int_accepted_for_float_field():
    s = Settings().override({"compare": {"align_strong": 1}})
    assert s.compare.align_strong == 1
