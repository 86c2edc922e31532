"""The command line: parses arguments, calls library functions, prints results.

Errors a user can cause arrive here as :class:`digest.errors.DigestError`
and leave as one line on stderr with exit status 2; nothing below this module
prints or exits.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from digest import __version__, logs
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.wording import count

if TYPE_CHECKING:
    from digest.jobs import Pipeline
    from digest.store import Store

F = TypeVar("F", bound=Callable[..., Any])

CONFIG_HELP = (
    "Config file (default: $DIGEST_CONFIG, else ./digest.toml, else config/digest.toml, "
    "else $XDG_CONFIG_HOME/digest/digest.toml, else built-in defaults)."
)
log = logging.getLogger("digest")


def logging_options(func: F) -> F:
    """-v/-q/--log-level, accepted before the subcommand and after it."""
    func = click.option(
        "--log-level",
        type=click.Choice(logs.LEVELS, case_sensitive=False),
        default=None,
        help="How much to log to stderr (default: warning; info for `digest run`).",
    )(func)
    func = click.option(
        "-v", "--verbose", count=True, help="Say more: which config is used, progress (-vv: debug)."
    )(func)
    return click.option("-q", "--quiet", is_flag=True, help="Log errors only.")(func)


def _fail(message: str) -> None:
    click.echo(f"digest: error: {message}", err=True)
    sys.exit(2)


def _emit(payload: bytes, out: str | None, note: str = "") -> None:
    """Write a command's output to ``out``, or to stdout without one."""
    if not out:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    try:
        Path(out).write_bytes(payload)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror} (check --out)")
    click.echo(f"wrote {out} {note}".rstrip(), err=True)


def command(func: F) -> F:
    """Give a command the shared --config option and the one-line error edge."""

    @click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
    @logging_options
    @functools.wraps(func)
    def wrapper(
        config_path: str | None, log_level: str | None, verbose: int, quiet: bool, **kwargs: Any
    ) -> Any:
        root = click.get_current_context().find_root().obj or {}
        if config_path is None:
            config_path = root.get("config")
        level = logs.level_from(log_level, verbose, quiet)
        if level is not None:
            logging.getLogger().setLevel(level)
            root["level_given"] = True
        config = None
        try:
            config = load_config(config_path)
            logs.use_timezone(config.digest.tz)
            log.info("config: %s", config.source_line())
            return func(config, **kwargs)
        except DigestError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:  # a full disk, a read-only or damaged store: one line
            from digest.store.errors import store_error

            _fail(str(store_error(exc, config.store.path if config else "?")))

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@logging_options
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
@click.pass_context
def main(
    ctx: click.Context, log_level: str | None, verbose: int, quiet: bool, config_path: str | None
) -> None:
    """Turn Russia–North Korea news from folders and feeds into one email digest.

    New here? `digest init` writes a config to edit, then `digest send`.
    """
    level = logs.level_from(log_level, verbose, quiet)
    ctx.obj = {"config": config_path, "level_given": level is not None}
    ctx.call_on_close(logs.setup(logging.WARNING if level is None else level))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False), default=".")
def init(folder: str) -> None:
    """Write a commented digest.toml and a topic.toml to edit into FOLDER (default: here)."""
    from digest.scaffold import ARTICLES, init_folder

    try:
        done = init_folder(Path(folder))
    except DigestError as exc:
        _fail(str(exc))
    for path in done.written:
        click.echo(f"wrote {path}")
    click.echo("Next:")
    if Path(folder).resolve() != Path.cwd().resolve():
        click.echo(f"  cd {folder}")
    click.echo(f"  digest feeds add URL   # and/or put .txt/.md/.html articles into {ARTICLES}/")
    click.echo("  digest send      # read the sources, deliver the first digest into var/mail")
    click.echo("  digest preview   # see it, the archive and the inspector in a browser")


def _look(config: Config) -> Store:
    """The store, for a command that only reads: one not created yet stays uncreated.

    An empty store in memory stands in for it, so `digest status` and
    `digest feeds list` show zeros instead of leaving an empty file behind.
    """
    from digest.store import Store

    return Store(config.store.path if config.store.path.exists() else ":memory:")


def _pipeline(config: Config) -> Pipeline:
    from digest.jobs import open_pipeline

    # A bar only where a person watches; otherwise progress goes to the log.
    return open_pipeline(config, progress_bar=sys.stderr.isatty())


@main.command()
@command
def ingest(config: Config) -> None:
    """Scan all sources once and print what was new, updated, skipped, excluded."""
    pipeline = _pipeline(config)
    with pipeline.store:
        report = pipeline.ingest()
    click.echo(report.summary())
    if report.reasons():
        click.echo(report.reasons())


@main.command()
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Write here, not stdout."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "text", "json", "eml"]),
    default="html",
    show_default=True,
)
@click.option("--all", "include_sent", is_flag=True, help="Include stories already sent.")
@command
def build(config: Config, out: str | None, fmt: str, include_sent: bool) -> None:
    """Ingest, then compose the digest of what has not been sent; send and mark nothing."""
    from digest.delivery.outbox import message_for

    pipeline = _pipeline(config)
    with pipeline.store:
        pipeline.ingest()
        built = pipeline.build(include_sent=include_sent)
        rendered = pipeline.render(built.digest)
    if fmt == "html":
        payload: bytes = rendered.html.encode("utf-8")
    elif fmt == "text":
        payload = rendered.text.encode("utf-8")
    elif fmt == "json":
        payload = (json.dumps(rendered.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        message = message_for(config, rendered, built, date=pipeline.clock())
        payload = message.as_bytes()
    _emit(payload, out, f"({count(len(built.digest.stories), 'story', 'stories')})")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per file and line.",
)
@command
def inspect(config: Config, paths: tuple[Path, ...], fmt: str) -> None:
    """Show what the clean stage understands of each file (or folder); changes nothing.

    Headline, outlet, publication date and where it came from, language, link,
    main text, every dropped line with the rule that dropped it, and the topic
    decision with its reason (the topic does not filter here).
    """
    from datetime import UTC, datetime

    from digest.ingest.inspect import Inspector

    inspector = Inspector(config, now=datetime.now(UTC))
    for found in inspector.paths(paths):
        click.echo(found.to_json() if fmt == "json" else found.to_text())


@main.command()
@click.option("--dry-run", is_flag=True, help="Print what would be sent; change nothing.")
@command
def send(config: Config, dry_run: bool) -> None:
    """Ingest, build the digest of what is new, deliver it, and record it as sent."""
    from digest.jobs import send_digest

    pipeline = _pipeline(config)
    with pipeline.store:
        result = send_digest(pipeline, dry_run=dry_run, ingest=True)
    for line in result.lines():
        click.echo(line)
    for reason in result.failed:  # once, on stderr; the log does not repeat it
        click.echo(f"digest: not delivered: {reason}", err=True)
    if result.failed:
        sys.exit(1)


@main.command()
@command
def run(config: Config) -> None:
    """Run in the foreground as a service: the digest on schedule, new articles as they come."""
    from digest.service.scheduler import run_service

    root = click.get_current_context().find_root()
    if not (root.obj or {}).get("level_given"):
        logging.getLogger().setLevel(logging.INFO)  # a service says what it does
    run_service(config)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--skipped", "list_skipped", is_flag=True, help="List every skipped file.")
@command
def status(config: Config, as_json: bool, list_skipped: bool) -> None:
    """Counts of items and stories, skipped files by reason, the last digest, the outbox.

    --json includes every skipped file; --skipped lists them in the text too.
    """
    from digest.service.status import gather

    with _look(config) as store:
        info = gather(store, config, skipped_list=as_json or list_skipped)
    if as_json:
        click.echo(json.dumps(info.to_json(), ensure_ascii=False, indent=2))
        return
    from digest.service.status import format_status

    click.echo(format_status(info))


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 (default: [preview] port; 0 picks a free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@command
def preview(config: Config, port: int | None, open_browser: bool) -> None:
    """Serve the next digest, the archive and an inspector on 127.0.0.1, with live reload."""
    from digest.preview.server import serve

    serve(config, port=port, open_browser=open_browser, announce=click.echo)


@main.group()
def feeds() -> None:
    """Feeds: list them with their state, check them now, add or remove one, OPML in and out."""


@feeds.command("list")
@command
def feeds_list(config: Config) -> None:
    """Every configured feed with its status, entries, failures and last error."""
    from digest.ingest.sources.feeds import feed_rows, format_feeds

    with _look(config) as store:
        rows = feed_rows(config, store)
    click.echo(format_feeds(rows))


@feeds.command("check")
@command
def feeds_check(config: Config) -> None:
    """Fetch every feed now (due or not) and ingest it; exit 1 if any feed failed."""
    from digest.ingest.sources.feeds import feed_rows, format_feeds

    pipeline = _pipeline(config)
    with pipeline.store:
        report = pipeline.ingest_feeds(force=True)
        rows = feed_rows(config, pipeline.store)
    click.echo(format_feeds(rows))
    click.echo(report.summary())
    if any(row.failed for row in rows):
        sys.exit(1)


@feeds.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False))
@command
def feeds_import(config: Config, opml_file: str) -> None:
    """Merge the feeds of OPML_FILE into the OPML file named by [sources] opml."""
    from digest.ingest.sources.opml import import_opml

    result = import_opml(config, Path(opml_file))
    click.echo(
        f"imported {count(len(result.added), 'feed')} into {result.path} "
        f"({result.known} already configured, {len(result.refused)} refused)"
    )
    for reason in result.refused:
        click.echo(f"refused {reason}", err=True)


@feeds.command("add")
@click.argument("url")
@click.option("--title", default="", help="What to call the feed (default: its own title).")
@command
def feeds_add(config: Config, url: str, title: str) -> None:
    """Add the feed at URL to the OPML file named by [sources] opml (created when missing)."""
    from digest.ingest.sources.opml import add_feed

    path = add_feed(config, url, title)
    click.echo(f"added {url} to {path}; `digest feeds check` fetches it now")


@feeds.command("remove")
@click.argument("url")
@command
def feeds_remove(config: Config, url: str) -> None:
    """Remove the feed at URL from the OPML file named by [sources] opml."""
    from digest.ingest.sources.opml import remove_feed

    path = remove_feed(config, url)
    click.echo(f"removed {url} from {path}")


@feeds.command("export")
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Write here, not stdout."
)
@command
def feeds_export(config: Config, out: str | None) -> None:
    """Print OPML of every configured feed ([sources] feeds and opml)."""
    from digest.ingest.sources.feeds import export_feeds

    _emit(export_feeds(config), out)


@main.group()
def store() -> None:
    """The state file: check it for damage, back it up while the service runs."""


@store.command("check")
@command
def store_check(config: Config) -> None:
    """Run SQLite's integrity check on the state file; exit 1 if it finds damage."""
    from digest.store.maintenance import check

    problems = check(config.store.path)
    if problems == ["ok"]:
        click.echo(f"{config.store.path}: ok")
        return
    for line in problems:
        click.echo(f"{config.store.path}: {line}")
    click.echo(
        "the state file is damaged: restore it from a backup (digest store backup FILE)", err=True
    )
    sys.exit(1)


@store.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@command
def store_backup(config: Config, dest: Path) -> None:
    """Copy the state file to DEST, consistently, even while the service writes it."""
    from digest.store.maintenance import backup

    pages = backup(config.store.path, dest)
    click.echo(f"backed up {config.store.path} to {dest} ({pages} pages)")
