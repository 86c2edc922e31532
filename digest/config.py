"""Configuration: read and validated once, into one typed object.

Every default lives in the dataclasses below, commented, and nowhere else;
``config/digest.toml`` repeats them for people to edit (a test keeps the two
equal). Nothing else in the package reads the environment or the file: the
environment is passed in as a mapping (``os.environ`` by default), so tests
hand in their own.

Which file: ``--config``, then ``$DIGEST_CONFIG``, then ``./digest.toml``,
then ``config/digest.toml``, then ``$XDG_CONFIG_HOME/digest/digest.toml``,
then the built-in defaults (:mod:`digest.config_files`); ``Config.source``
says which, for ``digest status`` and ``--verbose``.

Relative paths resolve against the folder of the config file. Without a
config file the embedded defaults behave as if they were read from
``./config/digest.toml``, so ``../seeds`` means ``./seeds`` in both cases.
Templates and the topic vocabulary default to the copies bundled with the
package (:mod:`digest.resources`), so an installed wheel works anywhere.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest import resources
from digest.config_files import BUILT_IN, find_config
from digest.config_ranges import check_ranges
from digest.cron import parse_cron
from digest.errors import ConfigError

ENV_SMTP_PASSWORD = "DIGEST_SMTP_PASSWORD"


# The enumerated settings: what each may be (checked on load, in _validate).
Language: TypeAlias = Literal["id", "en"]
DeliveryMethod: TypeAlias = Literal["file", "maildir", "smtp"]
SmtpSecurity: TypeAlias = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SourcesConfig:
    # Folders watched for scraped articles (.txt, .md, .html, .htm), recursively.
    folders: tuple[Path, ...] = (Path("../seeds"),)
    # RSS/Atom/JSON feeds: http(s) URLs, file:// URLs or local paths.
    feeds: tuple[str, ...] = ()
    # An OPML file listing more feeds ("" for none).
    opml: Path | None = None
    # Files larger than this are skipped as too-large (bytes).
    max_file_bytes: int = 5_000_000


@dataclass(frozen=True)
class FetchConfig:
    # Sent with every feed request, so server operators know who is asking.
    user_agent: str = "digest/{version} (+https://github.com/digest-news/digest)"
    # Seconds to wait for a connection, and then for each read.
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # Each fetch ends within this many seconds (redirects, headers and body),
    # however slowly the server trickles its bytes.
    deadline_seconds: float = 60.0
    # The feeds job as a whole: feeds not fetched within this many seconds
    # wait for the next poll (they stay due; nothing is counted as a failure).
    budget_seconds: float = 300.0
    # A feed response larger than this is refused (bytes).
    max_bytes: int = 10_000_000
    # How many feeds are fetched at the same time.
    concurrency: int = 4
    # A failing feed waits poll interval × 2^failures, at most this long (hours).
    max_backoff_hours: float = 24.0


@dataclass(frozen=True)
class StoreConfig:
    # The SQLite state file (items, stories, the dedup index, sent digests).
    path: Path = Path("../var/digest.sqlite")
    # Items first seen more than this many days ago lose their text and index
    # entries (a story left with none, its centroid); their rows (so their
    # sources stay known) and sent digests stay. Template lines unseen as long go.
    keep_days: int = 180


@dataclass(frozen=True)
class IngestConfig:
    # Processes that clean and analyse new items when a run brings many (0: one
    # per CPU core; 1: none, all in the main process). Runs of fewer than 200
    # items are always handled in the main process.
    workers: int = 0


@dataclass(frozen=True)
class DigestConfig:
    # Shown as the email's title and in its subject.
    title: str = "Rusia–Korea Utara: ringkasan berita"
    # Dates in the digest and the schedule are in this IANA time zone.
    timezone: str = "Asia/Jakarta"
    # Interface language of the digest: "id" (Indonesian) or "en" (English).
    language: Language = "id"
    # At most this many stories in one digest (the most widely reported first).
    max_stories: int = 30
    # Sentences in each story's extractive summary.
    summary_sentences: int = 3
    # A folder of templates (digest.html.j2, strings.toml, preview/, …) used
    # instead of the ones bundled with digest ("" for the bundled ones).
    templates: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class TopicConfig:
    # Keep only the topic's coverage (false: every article is kept and grouped,
    # for any beat; the terms file still supplies its aliases).
    enabled: bool = True
    # The topic terms (Russia and North Korea names, aliases); edit without
    # touching code. Left at "topic.toml" and absent beside this file: the
    # vocabulary bundled with digest.
    terms: Path = Path("topic.toml")
    # English–Indonesian news actions and objects (send/kirim, troops/pasukan…)
    # that story grouping treats as one term; add your own lines to it
    # ("" for none; left at "lexicon.toml" and absent here: the bundled one).
    lexicon: Path | None = Path("lexicon.toml")


@dataclass(frozen=True)
class DedupConfig:
    # Words per shingle for copy detection.
    shingle_size: int = 5
    # MinHash permutations and LSH bands (rows per band = num_perm / bands).
    num_perm: int = 128
    bands: int = 64
    # Estimated shingle Jaccard at or above which an item is a copy of another.
    copy_threshold: float = 0.3
    # A report joins the story whose reports it is most like (TF-IDF cosine
    # with the story's centroid) when that similarity is at least this (chosen
    # on ECB+'s tune topics; README, "How the thresholds were chosen").
    event_threshold: float = 0.2
    # ...and when no other story comes within this much of the best one
    # (two close candidates: the report stays apart rather than guess).
    event_ambiguity: float = 0.01
    # A story stays open this many days after its LATEST report: a follow-up
    # within it joins the thread; a like event later starts a new story. A like
    # event within the window is told apart by its text alone (chosen on ECB+:
    # news counts follow-ups weeks later as one event; README, "Stories").
    event_window_days: int = 60


@dataclass(frozen=True)
class DeliveryConfig:
    # "maildir" (a Maildir plus the HTML and .eml in out_dir), "file" (only
    # the HTML and .eml in out_dir) or "smtp".
    method: DeliveryMethod = "maildir"
    # Where the HTML and .eml of each digest are written.
    out_dir: Path = Path("../var/out")
    # The Maildir that method "maildir" delivers into.
    maildir: Path = Path("../var/mail")
    smtp_host: str = "localhost"
    smtp_port: int = 587
    # "starttls", "ssl" or "none".
    smtp_security: SmtpSecurity = "starttls"
    # Login name ("" for no AUTH); the password comes from $DIGEST_SMTP_PASSWORD
    # or from smtp_password_file, never from this file.
    smtp_user: str = ""
    smtp_password_file: Path | None = None
    # A CA bundle or certificate to trust instead of the system's (e.g. a
    # server's self-signed certificate); "" for the system's.
    smtp_ca_file: Path | None = None
    # Seconds to wait for the SMTP server at each step.
    smtp_timeout: float = 30.0
    # Seconds to wait for the answer to the end of DATA (RFC 5321 §4.5.3.2
    # recommends 10 minutes): a server may check the message for that long,
    # and giving up earlier leaves it unknown whether the digest was accepted.
    smtp_data_timeout: float = 600.0
    sender: str = "digest@localhost"
    to: tuple[str, ...] = ("reader@localhost",)
    reply_to: str = ""
    # List-Id ("" for digest.<the domain of from>) and List-Unsubscribe (a
    # mailto: or http(s): URL, "" for none) headers.
    list_id: str = ""
    list_unsubscribe: str = ""
    # Send a digest even when nothing is new.
    send_empty: bool = False
    # Failed sends are retried after retry_minutes × 2^attempts, at most max_retry_hours.
    retry_minutes: float = 5.0
    max_retry_hours: float = 6.0
    # Resolved from the environment or smtp_password_file, never written in the file.
    smtp_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ScheduleConfig:
    # When the digest goes out: a cron expression in [digest] timezone, five
    # fields (minute hour day month weekday; 0 or 7 is Sunday), or six with
    # seconds first ("*/10 * * * * *": every ten seconds).
    digest: str = "0 7 * * *"
    # How often feeds are polled (minutes).
    poll_minutes: float = 30.0
    # How often watched folders are re-scanned when file events are unavailable (seconds).
    folder_scan_seconds: float = 5.0
    # A run missed by less than this (e.g. the machine slept) still happens (seconds).
    misfire_grace_seconds: int = 6 * 3600


@dataclass(frozen=True)
class PreviewConfig:
    # Port of `digest preview` on 127.0.0.1.
    port: int = 8025


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``path`` is the file it came from (None: defaults).

    ``source`` says how that file was found (``--config``, ``./digest.toml``,
    …, or the built-in defaults); ``templates_dir`` is ``[digest] templates``
    or the bundled folder.
    """

    sources: SourcesConfig = SourcesConfig()
    fetch: FetchConfig = FetchConfig()
    store: StoreConfig = StoreConfig()
    ingest: IngestConfig = IngestConfig()
    digest: DigestConfig = DigestConfig()
    topic: TopicConfig = TopicConfig()
    dedup: DedupConfig = DedupConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    preview: PreviewConfig = PreviewConfig()
    path: Path | None = None
    base_dir: Path = Path("config")
    templates_dir: Path = field(default_factory=resources.templates_dir)
    source: str = BUILT_IN

    def source_line(self) -> str:
        """Which config is in use and how it was found, for status and --verbose."""
        if self.path is None:
            return BUILT_IN
        return f"{self.path.resolve()} (from {self.source})"


_SECTIONS = {
    "sources": SourcesConfig,
    "fetch": FetchConfig,
    "store": StoreConfig,
    "ingest": IngestConfig,
    "digest": DigestConfig,
    "topic": TopicConfig,
    "dedup": DedupConfig,
    "delivery": DeliveryConfig,
    "schedule": ScheduleConfig,
    "preview": PreviewConfig,
}
# TOML spells these keys differently from the Python attribute.
_TOML_NAMES = {("delivery", "sender"): "from"}
# Keys that must never be read from the config file.
_SECRET_KEYS = {("delivery", "smtp_password")}


def load_config(
    explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Read, validate and resolve the configuration; raise ConfigError naming key and file.

    ``env`` is the environment to read ``$DIGEST_CONFIG``, ``$XDG_CONFIG_HOME``
    and ``$DIGEST_SMTP_PASSWORD`` from (``os.environ`` when None).
    """
    env = os.environ if env is None else env
    path, source = find_config(explicit, env)
    if path is None:
        return _build({}, None, Path.cwd() / "config", env, source)
    if not path.exists():
        raise ConfigError(f"config file {path} does not exist ({source})", path=str(path))
    if path.is_dir():
        raise ConfigError(f"config file {path} is a folder, not a file", path=str(path))
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}", path=str(path)) from None
    return _build(raw, path, path.resolve().parent, env, source)


def _build(
    raw: dict[str, Any], path: Path | None, base: Path, env: Mapping[str, str], source: str
) -> Config:
    where = str(path) if path else None
    for section in raw:
        if section not in _SECTIONS:
            raise ConfigError(
                f"unknown section [{section}]; known: {', '.join(_SECTIONS)}",
                key=f"[{section}]",
                path=where,
            )
    built: dict[str, Any] = {}
    for section, cls in _SECTIONS.items():
        values = raw.get(section, {})
        if not isinstance(values, dict):
            raise ConfigError("must be a table", key=f"[{section}]", path=where)
        built[section] = _build_section(section, cls, values, base, where)
    delivery = built["delivery"]
    built["delivery"] = _with_password(delivery, where, env)
    built["topic"] = _bundled_vocabulary(built["topic"], base)
    templates = built["digest"].templates or resources.templates_dir()
    config = Config(**built, path=path, base_dir=base, templates_dir=templates, source=source)
    _check(config, where)
    return config


def _build_section(
    section: str, cls: type, values: dict[str, Any], base: Path, where: str | None
) -> Any:
    known = {}
    for f in fields(cls):
        if (section, f.name) in _SECRET_KEYS:
            continue
        known[_TOML_NAMES.get((section, f.name), f.name)] = f
    for key in values:
        if key not in known:
            hint = ""
            if (section, key) in _SECRET_KEYS:
                hint = f" (passwords come from ${ENV_SMTP_PASSWORD} or smtp_password_file)"
            raise ConfigError(f"unknown key {key!r}{hint}", key=f"[{section}] {key}", path=where)
    kwargs = {}
    for toml_name, f in known.items():
        default = getattr(cls(), f.name)
        value = values.get(toml_name, default)
        kwargs[f.name] = _coerce(value, default, f.type, base, f"[{section}] {toml_name}", where)
    return cls(**kwargs)


def _coerce(
    value: Any, default: Any, type_name: Any, base: Path, key: str, where: str | None
) -> Any:
    """Check one value against its default's type and resolve paths."""
    type_text = str(type_name)
    if "Path" in type_text:
        if type_text.startswith("tuple"):
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str | Path) for v in value
            ):
                raise ConfigError("must be a list of paths", key=key, path=where)
            return tuple(_resolve(Path(v), base) for v in value)
        if value is None or value == "":
            if "None" in type_text:
                return None
            raise ConfigError("must be a path", key=key, path=where)
        if not isinstance(value, str | Path):
            raise ConfigError("must be a path (a string)", key=key, path=where)
        return _resolve(Path(value), base)
    if type_text.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError("must be a list of strings", key=key, path=where)
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError("must be true or false", key=key, path=where)
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError("must be a whole number", key=key, path=where)
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError("must be a number", key=key, path=where)
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError("must be a string", key=key, path=where)
        return value
    return value


def _resolve(path: Path, base: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _bundled_vocabulary(topic: TopicConfig, base: Path) -> TopicConfig:
    """A vocabulary file left at its default name and absent beside the config: the bundled one.

    So a config of one's own (or none) works from an installed wheel, while a
    ``topic.toml`` put beside it, as ``digest init`` does, is the one read.
    A name the user chose must exist (``load_terms`` says so).
    """
    default = TopicConfig()
    terms, lexicon = topic.terms, topic.lexicon
    if terms == _resolve(default.terms, base) and not terms.exists():
        terms = resources.topic_terms()
    if default.lexicon and lexicon == _resolve(default.lexicon, base) and not lexicon.exists():
        lexicon = resources.lexicon()
    return replace(topic, terms=terms, lexicon=lexicon)


def _with_password(
    delivery: DeliveryConfig, where: str | None, env: Mapping[str, str]
) -> DeliveryConfig:
    password = env.get(ENV_SMTP_PASSWORD)
    if password is None and delivery.smtp_password_file is not None:
        try:
            password = delivery.smtp_password_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise ConfigError(
                f"cannot read the SMTP password file: {reason}",
                key="[delivery] smtp_password_file",
                path=where,
            ) from None
    return replace(delivery, smtp_password=password)


def _check(config: Config, where: str | None) -> None:
    """Cross-field and value checks that a type alone cannot express."""

    def fail(message: str, key: str) -> None:
        raise ConfigError(message, key=key, path=where)

    check_ranges({name: getattr(config, name) for name in _SECTIONS}, _TOML_NAMES, fail)
    try:
        ZoneInfo(config.digest.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        fail(f"unknown time zone {config.digest.timezone!r}", "[digest] timezone")
    if config.digest.language not in ("id", "en"):
        fail(f"must be 'id' or 'en', not {config.digest.language!r}", "[digest] language")
    templates = config.digest.templates
    if templates is not None and not templates.is_dir():
        fail(f"templates folder {templates} does not exist", "[digest] templates")
    dedup = config.dedup
    if dedup.num_perm < 16 or dedup.bands < 1 or dedup.num_perm % dedup.bands:
        fail(
            f"num_perm ({dedup.num_perm}) must be at least 16 and a multiple of bands "
            f"({dedup.bands}); e.g. num_perm = 128 with bands = 64 or 32",
            "[dedup] bands",
        )
    if dedup.event_ambiguity >= 1.0:  # its range below includes 0; 1 itself is out
        fail("must be at least 0 and below 1", "[dedup] event_ambiguity")
    delivery = config.delivery
    if delivery.method not in ("file", "maildir", "smtp"):
        fail(f"must be 'file', 'maildir' or 'smtp', not {delivery.method!r}", "[delivery] method")
    if delivery.smtp_security not in ("starttls", "ssl", "none"):
        fail("must be 'starttls', 'ssl' or 'none'", "[delivery] smtp_security")
    if delivery.method == "smtp" and not delivery.to:
        fail("needs at least one recipient", "[delivery] to")
    for key, addresses in (
        ("from", [delivery.sender]),
        ("to", delivery.to),
        ("reply_to", [delivery.reply_to]),
    ):
        if any(c in address for address in addresses for c in "\r\n"):
            fail("an address must be one line", f"[delivery] {key}")
    _check_cron(config.schedule.digest, config.digest.tz, fail)


# A digest schedule must fire within this many years (29 February fires every 4).
CRON_HORIZON_YEARS = 10


def _check_cron(expression: str, tz: ZoneInfo, fail: Callable[[str, str], None]) -> None:
    """A cron expression that parses and fires at least once in the next years."""
    key = "[schedule] digest"
    try:
        trigger = parse_cron(expression, tz)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        fail(f"{expression!r} is not a cron expression: {exc}", key)
        return
    now = datetime.now(tz)
    fires = trigger.get_next_fire_time(None, now)
    if fires is None or fires > now + timedelta(days=366 * CRON_HORIZON_YEARS):
        fail(
            f"{expression!r} never fires in the next {CRON_HORIZON_YEARS} years "
            "(a date that does not exist, such as 30 February?)",
            key,
        )
