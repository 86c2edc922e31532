"""The command line as a user sees it: exit codes, output, one-line errors.

Commands run in this process through click's CliRunner; one smoke test runs
the Quickstart as real processes (`python -m digest`).
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
from pathlib import Path

import click
import pytest

from digest.cli import main
from tests.articles import write_articles
from tests.helpers import ROOT, run, run_process


def test_build_json_on_seeds(config_path: Path, tmp_path: Path) -> None:
    result = run("build", "--config", str(config_path), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["stories"]) == 4
    assert {"generated_at", "stories", "excluded"} <= set(data)
    story = data["stories"][0]
    assert {"id", "headline", "summary", "published", "outlets", "update", "items"} <= set(story)
    assert {"id", "source", "title", "outlet", "published", "url", "copies"} <= set(
        story["items"][0]
    )


def test_build_writes_every_format_to_a_file(config_path: Path, tmp_path: Path) -> None:
    for fmt in ("html", "text", "eml"):
        out = tmp_path / f"digest.{fmt}"
        result = run(
            "build", "--config", str(config_path), "--format", fmt, "--out", str(out), cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    message = email.message_from_bytes(
        (tmp_path / "digest.eml").read_bytes(), policy=email.policy.default
    )
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "<table" in (tmp_path / "digest.html").read_text()


def test_ingest_prints_counts(config_path: Path, tmp_path: Path) -> None:
    result = run("ingest", "--config", str(config_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("new 5, updated 0, skipped 0, excluded 0")
    again = run("ingest", "--config", str(config_path), cwd=tmp_path)
    assert again.stdout.startswith("new 0, updated 0, skipped 0, excluded 0")


def test_send_with_embedded_defaults_writes_html_and_eml(tmp_path: Path) -> None:
    """The Quickstart's main job: no config file, no mail server."""
    (tmp_path / "seeds").mkdir()
    for seed in (ROOT / "seeds").iterdir():
        (tmp_path / "seeds" / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "topic.toml").write_bytes((ROOT / "config/topic.toml").read_bytes())
    result = run_process("send", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = [
        Path(line.removeprefix("wrote "))
        for line in result.stdout.splitlines()
        if line.startswith("wrote ")
    ]
    assert {p.suffix for p in written} >= {".html", ".eml"}
    assert all(p.exists() for p in written)
    assert (tmp_path / "var" / "digest.sqlite").exists()
    assert len(list((tmp_path / "var" / "mail" / "new").iterdir())) == 1
    second = run("send", cwd=tmp_path)
    assert "nothing new to send" in second.stdout
    status = run("status", cwd=tmp_path)
    assert "last digest: #1 sent" in status.stdout


def test_status_lists_skipped_files_with_reasons(config_path: Path, tmp_path: Path) -> None:
    (tmp_path / "articles" / "empty.txt").write_bytes(b"")
    run("ingest", "--config", str(config_path), cwd=tmp_path)
    result = run("status", "--config", str(config_path), cwd=tmp_path)
    assert result.returncode == 0
    assert "  1 empty" in result.stdout and "empty.txt" not in result.stdout
    assert "stories: 4 (4 not yet sent)" in result.stdout
    listed = run("status", "--skipped", "--config", str(config_path), cwd=tmp_path)
    assert "empty.txt: empty" in listed.stdout


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[digest]\nlanguage = 'fr'\n", "[digest] language"),
        ("[delivery]\nsmtp_port = 'twenty-five'\n", "[delivery] smtp_port"),
        ("[store\npath = 1\n", "not valid TOML"),
    ],
)
def test_config_errors_are_one_line_exit_2(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(body)
    result = run("status", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert expected in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    result = run("build", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "nope.toml does not exist" in result.stderr
    env_result = run("status", cwd=tmp_path, env={"DIGEST_CONFIG": str(tmp_path / "gone.toml")})
    assert env_result.returncode == 2 and "gone.toml" in env_result.stderr


def test_missing_watched_folder_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        f'[sources]\nfolders = ["nowhere"]\n[store]\npath = "s.sqlite"\n'
        f'[topic]\nterms = "{ROOT / "config" / "topic.toml"}"\n'
    )
    result = run("ingest", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "[sources] folders" in result.stderr and "Traceback" not in result.stderr


def test_corrupt_store_is_exit_2(config_path: Path, tmp_path: Path) -> None:
    store = tmp_path / "state" / "digest.sqlite"
    store.parent.mkdir()
    store.write_bytes(b"this is not a database" * 100)
    result = run("status", "--config", str(config_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a usable SQLite database" in result.stderr


def test_usage_error_is_exit_2(tmp_path: Path) -> None:
    result = run("build", "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 2


def test_each_invocation_logs_to_its_own_stderr_at_its_own_level(
    config_path: Path, tmp_path: Path
) -> None:
    """In one process (an embedding program, CliRunner), no command inherits another's logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    first = run("--log-level", "info", "send", "--config", str(config_path), cwd=tmp_path)
    assert " INFO digest" in first.stderr
    write_articles(tmp_path / "articles", 1)
    quiet = run("send", "--config", str(config_path), cwd=tmp_path)
    assert "delivered digest #2" in quiet.stdout and " INFO " not in quiet.stderr
    write_articles(tmp_path / "articles", 1, start=1)
    third = run("--log-level", "info", "send", "--config", str(config_path), cwd=tmp_path)
    assert " INFO digest" in third.stderr
    assert root.handlers == handlers and root.level == level


def test_status_json_prints_the_figures(config_path: Path, tmp_path: Path) -> None:
    (tmp_path / "articles" / "empty.txt").write_bytes(b"")
    run("ingest", "--config", str(config_path), cwd=tmp_path)
    result = run("status", "--json", "--config", str(config_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"store", "counts", "skipped", "last_digest", "outbox", "feeds", "service"} <= set(data)
    assert data["counts"]["stories"] == 4 and data["counts"]["unsent_stories"] == 4
    assert data["skipped"] == [{"source": "empty.txt", "reason": "empty"}]
    assert data["last_digest"] is None and data["outbox"] == [] and data["feeds"] == []
    assert data["service"] == {"state": "never started", "pid": None, "jobs": []}


def _commands(group: click.Group, prefix: str = "digest") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
    return names


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in _commands(main) if f"`{name}" not in readme]
    assert not missing, f"README does not document: {missing}"


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        assert command.help, name


def test_unwritable_out_is_one_line_exit_2(config_path: Path, tmp_path: Path) -> None:
    result = run(
        "build",
        "--config",
        str(config_path),
        "--out",
        str(tmp_path / "no/dir/x.html"),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[digest]\ntimezone = 'America'\n", "[digest] timezone"),
        ("[delivery]\nfrom = 'd@mail_host'\n", "[delivery] from"),
    ],
)
def test_more_bad_config_is_one_line_exit_2(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        body + f'[store]\npath = "s.sqlite"\n[sources]\nfolders = ["{ROOT / "seeds"}"]\n'
        f'[topic]\nterms = "{ROOT / "config" / "topic.toml"}"\n'
    )
    result = run("build", "--config", str(path), "--format", "eml", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert key in result.stderr and "Traceback" not in result.stderr


def test_status_shows_failing_feeds(tmp_path: Path) -> None:
    from tests.helpers import write_config

    path = write_config(tmp_path, feeds=("missing-feed.xml",))
    run("ingest", "--config", str(path), cwd=tmp_path)
    result = run("status", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "feeds: 1 feed polled, 1 failing" in result.stdout
    assert "missing-feed.xml: error after 1 failure:" in result.stdout
