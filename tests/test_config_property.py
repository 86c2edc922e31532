"""Issue 14, point 6: any value of a key's type gives a config or one line, never a traceback.

A Hypothesis property test writes random values of every key's type (huge
and negative numbers, NaN and infinity, odd strings, impossible cron dates)
into a real config file, loads it, and runs the real CLI on it.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.cli import main
from digest.config import _SECRET_KEYS, _SECTIONS, _TOML_NAMES, load_config
from digest.config_ranges import RANGES
from digest.errors import ConfigError
from tests.helpers import ROOT

# Paths stay inside the test's folder: letters and slashes, no dots.
SAFE_PATH = st.text(alphabet="abc/", max_size=6)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
CRON = st.sampled_from(
    ["0 7 30 2 *", "0 7 29 2 *", "0 7 31 4 *", "*/1 * * * * *", "61 7 * * *", "0 7 * * 8"]
) | st.lists(
    st.sampled_from(["*", "0", "7", "*/2", "1-5", "30", "2", "mon"]), min_size=4, max_size=7
).map(" ".join)
ZONE = st.sampled_from(["Asia/Jakarta", "UTC", "Nowhere/City", "../etc", ""]) | TEXT
NUMBER = (
    st.sampled_from([0, -1, 1, 10**12, 10**15, 2**63, -(10**12), 1e308, -0.5])
    | st.sampled_from([math.nan, math.inf, -math.inf])
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
)


def _keys() -> dict[tuple[str, str], Any]:
    """Every config key (section, TOML name) with a strategy for a value of its type."""
    keys = {}
    for section, cls in _SECTIONS.items():
        for f in fields(cls):
            if (section, f.name) in _SECRET_KEYS:
                continue
            name = _TOML_NAMES.get((section, f.name), f.name)
            default = getattr(cls(), f.name)
            type_text = str(f.type)
            if "Path" in type_text:
                strategy = st.lists(SAFE_PATH, max_size=3) if "tuple" in type_text else SAFE_PATH
            elif isinstance(default, bool):
                strategy = st.booleans()
            elif isinstance(default, int | float):
                strategy = NUMBER
            elif isinstance(default, tuple):
                strategy = st.lists(TEXT, max_size=3)
            elif (section, name) == ("schedule", "digest"):
                strategy = CRON
            elif (section, name) == ("digest", "timezone"):
                strategy = ZONE
            else:
                strategy = TEXT
            keys[(section, name)] = strategy
    return keys


KEYS = _keys()


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)  # a TOML basic string


@st.composite
def configs(draw: st.DrawFn, most: int = 4) -> dict[str, dict[str, object]]:
    chosen = draw(st.lists(st.sampled_from(sorted(KEYS)), min_size=1, max_size=most, unique=True))
    values: dict[str, dict[str, object]] = {}
    for section, name in chosen:
        values.setdefault(section, {})[name] = draw(KEYS[(section, name)])
    return values


def write(folder: Path, values: dict[str, dict[str, object]]) -> Path:
    base = {
        "sources": {"folders": ["articles"]},
        "store": {"path": "state/digest.sqlite"},
        "topic": {"terms": str(ROOT / "config" / "topic.toml")},
        "delivery": {"method": "file", "out_dir": "out", "maildir": "mail"},
    }
    for section, keys in values.items():
        base.setdefault(section, {}).update(keys)
    lines = []
    for section, keys in base.items():
        lines.append(f"[{section}]")
        lines.extend(f"{name} = {toml_value(value)}" for name, value in keys.items())
    path = folder / "digest.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_numeric_key_has_a_range() -> None:
    numeric = {
        (s, f.name)
        for s, cls in _SECTIONS.items()
        for f in fields(cls)
        if isinstance(getattr(cls(), f.name), int | float)
        and not isinstance(getattr(cls(), f.name), bool)
    }
    assert numeric == set(RANGES)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=configs())
def test_random_values_load_or_give_one_line(tmp_path: Path, values) -> None:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = write(tmp_path, values)
    try:
        config = load_config(path)
    except ConfigError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    for keys in values.values():  # what was accepted is finite and usable
        for value in keys.values():
            if isinstance(value, float):
                assert math.isfinite(value)
    assert config.schedule.digest


def _accepted(section: str, name: str) -> st.SearchStrategy[object]:
    """Values the range of a numeric key accepts, its bounds most often."""
    low, high, low_ok = RANGES[(section, name)]
    if isinstance(getattr(_SECTIONS[section](), name), float):
        inside = st.floats(low, high, exclude_min=not low_ok)
        return st.sampled_from([high, low if low_ok else math.nextafter(low, high)]) | inside
    first = int(low) if low_ok else int(low) + 1
    return st.sampled_from([first, int(high)]) | st.integers(first, int(high))


NUMERIC = sorted(key for key in RANGES if (key[0], key[1]) in KEYS)


@st.composite
def accepted_configs(draw: st.DrawFn) -> dict[str, dict[str, object]]:
    """Extreme but accepted numbers; bands and num_perm are left alone (they must divide)."""
    usable = [k for k in NUMERIC if k[0] != "dedup" or k[1] not in ("bands", "num_perm")]
    chosen = draw(st.lists(st.sampled_from(usable), min_size=1, max_size=8, unique=True))
    values: dict[str, dict[str, object]] = {}
    for section, name in chosen:
        values.setdefault(section, {})[name] = draw(_accepted(section, name))
    if draw(st.booleans()):
        values.setdefault("schedule", {})["digest"] = draw(CRON)
    return values


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=accepted_configs())
def test_accepted_values_through_the_cli_exit_0_or_one_line_with_2(tmp_path: Path, values) -> None:
    """Whatever the check accepts must run: a value that passes and crashes later is a bug."""
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = write(tmp_path, values)
    result = CliRunner().invoke(main, ["send", "--dry-run", "--config", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the property fails, Hypothesis shows the config
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[store]\nkeep_days = 1000000000000\n", "[store] keep_days"),
        (
            "[schedule]\nmisfire_grace_seconds = 1000000000000000\n",
            "[schedule] misfire_grace_seconds",
        ),
        ("[schedule]\npoll_minutes = inf\n", "[schedule] poll_minutes"),
        ("[delivery]\nsmtp_timeout = nan\n", "[delivery] smtp_timeout"),
        ("[delivery]\nretry_minutes = inf\n", "[delivery] retry_minutes"),
        ("[fetch]\nread_timeout = inf\n", "[fetch] read_timeout"),
        ('[schedule]\ndigest = "0 7 30 2 *"\n', "[schedule] digest"),
        ("[fetch]\nmax_bytes = -10\n", "[fetch] max_bytes"),
        ("[fetch]\nmax_backoff_hours = -1\n", "[fetch] max_backoff_hours"),
    ],
)
def test_the_values_that_crashed_later_are_refused_at_load(
    tmp_path: Path, body: str, key: str
) -> None:
    path = tmp_path / "digest.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert key in str(caught.value)


def test_a_folder_given_as_the_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--config", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "is a folder" in result.stderr
