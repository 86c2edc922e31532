"""Configuration: defaults in one place, the shipped file equal to them, one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.config import ENV_SMTP_PASSWORD, Config, load_config
from digest.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_equals_embedded_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    defaults = load_config(None, env={})
    assert defaults.path is None
    monkeypatch.chdir(ROOT)
    shipped = load_config(ROOT / "config" / "digest.toml", env={})
    sections = (
        "sources",
        "fetch",
        "store",
        "ingest",
        "digest",
        "dedup",
        "delivery",
        "schedule",
    )
    for section in sections:
        got, want = getattr(shipped, section), getattr(defaults, section)
        for name in want.__dataclass_fields__:
            a, b = getattr(got, name), getattr(want, name)
            assert _relative(a, ROOT) == _relative(b, tmp_path), f"[{section}] {name}"


def _relative(value: object, root: Path) -> object:
    """Paths resolve against different roots; compare them relative to each root."""
    if isinstance(value, Path):
        return value.relative_to(root)
    if isinstance(value, tuple) and value and isinstance(value[0], Path):
        return tuple(p.relative_to(root) for p in value)
    return value


def test_every_default_key_is_documented_in_shipped_file() -> None:
    text = (ROOT / "config" / "digest.toml").read_text()
    for section, cls in Config.__dataclass_fields__.items():
        if section in ("path", "base_dir", "templates_dir", "source"):
            continue
        assert f"[{section}]" in text
        for name in cls.default.__dataclass_fields__:
            if name == "smtp_password":
                continue
            toml_name = "from" if name == "sender" else name
            assert f"\n{toml_name} = " in text, f"[{section}] {toml_name} missing"


def test_relative_paths_resolve_against_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "d.toml"
    path.parent.mkdir()
    path.write_text('[store]\npath = "x/state.sqlite"\n[sources]\nfolders = ["/abs/folder"]\n')
    config = load_config(path)
    assert config.store.path == (tmp_path / "sub" / "x" / "state.sqlite").resolve()
    assert config.sources.folders == (Path("/abs/folder"),)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[digest]\nlanguage = 'fr'\n", "[digest] language"),
        ("[digest]\ntimezone = 'Mars/Olympus'\n", "[digest] timezone"),
        ("[delivery]\nsmtp_port = 'x'\n", "[delivery] smtp_port"),
        ("[delivery]\nsmtp_port = 70000\n", "[delivery] smtp_port"),
        ("[delivery]\nmethod = 'pigeon'\n", "[delivery] method"),
        ("[delivery]\nsmtp_password = 'secret'\n", "[delivery] smtp_password"),
        ("[sources]\nfolders = 'seeds'\n", "[sources] folders"),
        ("[schedule]\ndigest = 'every morning'\n", "[schedule] digest"),
        ("[dedup]\nbands = 7\n", "[dedup] bands"),
        ("[nonsense]\nx = 1\n", "[nonsense]"),
        ("[store]\npaht = 'x'\n", "[store] paht"),
    ],
)
def test_invalid_values_name_key_and_file(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_malformed_toml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[digest\ntitle = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_named_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_password_comes_from_environment_or_file(tmp_path: Path, monkeypatch) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    path = tmp_path / "d.toml"
    path.write_text(f'[delivery]\nsmtp_password_file = "{secret}"\n')
    monkeypatch.delenv(ENV_SMTP_PASSWORD, raising=False)
    assert load_config(path).delivery.smtp_password == "from-file"
    monkeypatch.setenv(ENV_SMTP_PASSWORD, "from-env")
    assert load_config(path).delivery.smtp_password == "from-env"
    assert "from-env" not in repr(load_config(path))


def test_env_var_names_the_config(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[digest]\nlanguage = "en"\n')
    monkeypatch.setenv("DIGEST_CONFIG", os.fspath(path))
    assert load_config(None).digest.language == "en"
