"""Works wherever it is installed: bundled files, config discovery, `digest init`.

The wheel itself is built, installed outside the clone and run from an empty
folder by ``.ci/wheel-smoke`` (called from ``.ci/run``); these tests cover the
pieces in process.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest import resources
from digest.cli import main
from digest.config import BUILT_IN, load_config
from digest.scaffold import config_text
from tests.helpers import ROOT, write_config


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_bundled_files_are_the_repository_copies() -> None:
    """One source of truth: the package's files are the top-level templates/ and config/."""
    assert _files(resources.templates_dir()) == _files(ROOT / "templates")
    assert resources.topic_terms().read_bytes() == (ROOT / "config" / "topic.toml").read_bytes()
    assert resources.default_config_text() == (ROOT / "config" / "digest.toml").read_text()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "_templates/**/*" in declared["package-data"]["digest"]


def test_defaults_use_the_bundled_templates_and_terms(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.path is None and config.source == BUILT_IN
    assert config.templates_dir == resources.templates_dir()
    assert config.topic.terms == resources.topic_terms()
    assert config.topic.lexicon == resources.lexicon()
    # A config of one's own, with no vocabulary beside it: the bundled files;
    # once a topic.toml is put beside it, that one.
    own = tmp_path / "own" / "digest.toml"
    own.parent.mkdir()
    own.write_text('[digest]\ntitle = "mine"\n')
    assert load_config(own, env={}).topic.terms == resources.topic_terms()
    (own.parent / "topic.toml").write_text("")
    assert load_config(own, env={}).topic.terms == (own.parent / "topic.toml").resolve()
    assert load_config(own, env={}).topic.lexicon == resources.lexicon()


def test_config_overrides_templates_and_terms(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "terms.toml").write_text("")
    path = tmp_path / "digest.toml"
    path.write_text('[digest]\ntemplates = "mine"\n[topic]\nterms = "terms.toml"\n')
    config = load_config(path, env={})
    assert config.templates_dir == tmp_path / "mine"
    assert config.topic.terms == tmp_path / "terms.toml"
    path.write_text('[digest]\ntemplates = "nowhere"\n')
    with pytest.raises(Exception, match=r"\[digest\] templates"):
        load_config(path, env={})


def test_discovery_order(tmp_path: Path, monkeypatch) -> None:
    """--config, $DIGEST_CONFIG, ./digest.toml, config/digest.toml, $XDG_CONFIG_HOME, defaults."""
    work = tmp_path / "work"
    xdg = tmp_path / "xdg"
    candidates = {
        "explicit": tmp_path / "explicit.toml",
        "env": tmp_path / "env.toml",
        "local": work / "digest.toml",
        "config": work / "config" / "digest.toml",
        "xdg": xdg / "digest" / "digest.toml",
    }
    for name, path in candidates.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'[digest]\ntitle = "{name}"\n')
    monkeypatch.chdir(work)
    env = {"DIGEST_CONFIG": str(candidates["env"]), "XDG_CONFIG_HOME": str(xdg)}
    expected = [
        ("explicit", "--config"),
        ("env", "$DIGEST_CONFIG"),
        ("local", "./digest.toml"),
        ("config", "config/digest.toml"),
        ("xdg", "$XDG_CONFIG_HOME/digest/digest.toml"),
    ]
    for name, source in expected:
        explicit = candidates["explicit"] if name == "explicit" else None
        config = load_config(explicit, env=env)
        assert (config.digest.title, config.source) == (name, source)
        # Take away the winner: the next one in line answers.
        if name == "env":
            del env["DIGEST_CONFIG"]
        elif name != "explicit":
            candidates[name].unlink()
    assert load_config(env=env).source == BUILT_IN
    # Without $XDG_CONFIG_HOME the user's folder is ~/.config.
    home_config = tmp_path / "home" / ".config" / "digest" / "digest.toml"
    home_config.parent.mkdir(parents=True)
    home_config.write_text('[digest]\ntitle = "home"\n')
    assert load_config(env={"HOME": str(tmp_path / "home")}).digest.title == "home"


def test_named_config_that_is_missing_says_how_it_was_named(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"DIGEST_CONFIG"):
        load_config(env={"DIGEST_CONFIG": str(tmp_path / "nope.toml")})


def _cli(*args: str, cwd: Path, monkeypatch, env: dict[str, str | None] | None = None):
    monkeypatch.chdir(cwd)
    full_env: dict[str, str | None] = {
        "DIGEST_CONFIG": None,
        "XDG_CONFIG_HOME": str(cwd / "no-xdg"),
        **(env or {}),
    }
    return CliRunner().invoke(main, list(args), env=full_env, catch_exceptions=False)


def test_status_names_the_config_in_use(tmp_path: Path, monkeypatch) -> None:
    write_config(tmp_path)
    result = _cli("status", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert f"config: {tmp_path / 'digest.toml'} (from ./digest.toml)" in result.output
    # -v names it too, on stderr, whichever side of the command it stands.
    for args in (("-v", "status"), ("status", "-v"), ("status", "--log-level", "info")):
        result = _cli(*args, cwd=tmp_path, monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
        assert f"config: {tmp_path / 'digest.toml'} (from ./digest.toml)" in result.stderr


def test_read_only_commands_create_no_store(tmp_path: Path, monkeypatch) -> None:
    write_config(tmp_path)
    for args in (("status",), ("status", "--json"), ("feeds", "list"), ("inspect", "articles")):
        result = _cli(*args, cwd=tmp_path, monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
        assert not (tmp_path / "state").exists(), args
    assert "not created yet" in _cli("status", cwd=tmp_path, monkeypatch=monkeypatch).output
    # With no config at all, nothing appears in the current folder either.
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _cli("status", cwd=empty, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "config: built-in defaults" in result.output
    assert list(empty.iterdir()) == []


def test_init_writes_a_working_config_and_refuses_to_overwrite(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "news"
    result = _cli("init", str(target), cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert (target / "digest.toml").read_text() == config_text()
    assert (target / "topic.toml").read_bytes() == resources.topic_terms().read_bytes()
    lines = result.output.splitlines()
    commands = [line.strip() for line in lines[lines.index("Next:") + 1 :]]
    assert commands[0] == f"cd {target}"
    assert [c.split()[:2] for c in commands[1:]] == [
        ["digest", "feeds"],
        ["digest", "send"],
        ["digest", "preview"],
    ]
    config = load_config(target / "digest.toml", env={})
    assert config.sources.folders == ((target / "articles").resolve(),)
    assert config.store.path == (target / "var" / "digest.sqlite").resolve()
    assert config.topic.terms == (target / "topic.toml").resolve()
    assert config.sources.opml == (target / "feeds.opml").resolve()
    assert (target / "articles").is_dir()
    # Everything but the paths is the built-in defaults.
    defaults = load_config(env={})
    assert config.digest == defaults.digest and config.delivery.to == defaults.delivery.to

    (target / "topic.toml").write_text("# mine\n")
    result = _cli("init", str(target), cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "already exist" in result.stderr and "Traceback" not in result.output
    assert (target / "topic.toml").read_text() == "# mine\n"


def test_log_timestamps_are_in_the_digest_time_zone_with_offset() -> None:
    import logging
    from zoneinfo import ZoneInfo

    from digest.logs import ZonedFormatter

    record = logging.LogRecord("digest.service", logging.INFO, "x", 1, "started", None, None)
    record.created = 1_796_000_000.0  # 2026-11-30 00:53:20 UTC
    line = ZonedFormatter(ZoneInfo("Asia/Jakarta")).format(record)
    assert line == "2026-11-30 07:53:20+07:00 INFO digest.service: started"


def test_list_id_comes_from_the_sender_domain(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from digest.delivery.outbox import _message as message_of  # the one place a message is made
    from digest.delivery.outbox import check_delivery, new_message_id
    from digest.models import RenderedEmail

    path = tmp_path / "digest.toml"
    path.write_text('[delivery]\nfrom = "Ringkasan <kabar@berita.example.id>"\n')
    config = load_config(path, env={})
    check_delivery(config)
    probe = RenderedEmail(subject="s", html="<p>x</p>", text="x", data={})
    message = message_of(
        config, probe, date=datetime(2026, 1, 1, tzinfo=UTC), message_id=new_message_id(config, "k")
    )
    assert message["List-Id"] == "<digest.berita.example.id>"


def test_counts_are_spelled_right() -> None:
    from digest.wording import count

    spelled = [count(n, "story", "stories") for n in (0, 1, 2)]
    assert spelled == ["0 stories", "1 story", "2 stories"]
    assert count(1, "feed") == "1 feed" and count(3, "attempt") == "3 attempts"


def test_status_spells_one_copy_as_one(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from tests.helpers import SEEDS

    write_config(tmp_path)
    seed = next(p for p in sorted(SEEDS.iterdir()) if p.name.startswith("001"))
    shutil.copy(seed, tmp_path / "articles" / "repost_of_001.txt")
    assert _cli("ingest", cwd=tmp_path, monkeypatch=monkeypatch).exit_code == 0
    status = _cli("status", cwd=tmp_path, monkeypatch=monkeypatch).output
    assert "1 copy folded)" in status and "copies folded" not in status
