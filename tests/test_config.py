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
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "topic.toml").write_text((ROOT / "config/topic.toml").read_text())
    defaults = load_config(None)
    assert defaults.path is None
    monkeypatch.chdir(ROOT)
    shipped = load_config(ROOT / "config" / "digest.toml")
    for section in ("sources", "fetch", "store", "digest", "dedup", "delivery", "schedule"):
        got = getattr(shipped, section)
        want = getattr(defaults, section)
        # Paths resolve against different roots; compare them relative to each root.
        for name in want.__dataclass_fields__:
            a, b = getattr(got, name), getattr(want, name)
            if isinstance(a, Path | tuple) and a and isinstance(a if isinstance(a, Path) else a[0], Path):
                rel_a = [Path(p).relative_to(ROOT) for p in (a if isinstance(a, tuple) else (a,))]
                rel_b = [Path(p).relative_to(tmp_path) for p in (b if isinstance(b, tuple) else (b,))]
                assert rel_a == rel_b, f"[{section}] {name}"
            else:
                assert a == b, f"[{section}] {name}"


def test_every_default_key_is_documented_in_shipped_file() -> None:
    text = (ROOT / "config" / "digest.toml").read_text()
    for section, cls in Config.__dataclass_fields__.items():
        if section in ("path", "base_dir", "templates_dir"):
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
