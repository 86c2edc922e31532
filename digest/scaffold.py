"""``digest init``: a commented config and a topic vocabulary to edit, in a folder.

The config written is the bundled ``config/digest.toml`` (every default,
commented) with its paths moved to suit a folder of its own: articles in
``articles/``, feeds added with ``digest feeds add`` in ``feeds.opml``
(created by the first one), state and mail in ``var/``, and the topic terms
in the ``topic.toml`` beside it. Nothing that exists is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from digest import resources
from digest.errors import InitError

CONFIG_NAME = "digest.toml"
TOPIC_NAME = "topic.toml"
ARTICLES = "articles"
FEEDS_OPML = "feeds.opml"

# (text in the bundled config, text in an initialised folder's config)
_EDITS = (
    (
        """# Relative paths resolve against this file's folder (config/), so "../seeds"
# is the project's seeds/ folder.""",
        """# Written by `digest init`. Relative paths resolve against this file's folder.""",
    ),
    ('folders = ["../seeds"]', f'folders = ["{ARTICLES}"]'),
    ('opml = ""', f'opml = "{FEEDS_OPML}"'),
    ('path = "../var/digest.sqlite"', 'path = "var/digest.sqlite"'),
    ('out_dir = "../var/out"', 'out_dir = "var/out"'),
    ('maildir = "../var/mail"', 'maildir = "var/mail"'),
)


@dataclass(frozen=True)
class Initialised:
    folder: Path
    written: tuple[Path, ...]


def config_text() -> str:
    """The config ``digest init`` writes: the bundled defaults, paths made local."""
    text = resources.default_config_text()
    for old, new in _EDITS:
        if text.count(old) != 1:  # the bundled file changed: fail loudly, in tests first
            raise AssertionError(f"digest.toml no longer holds {old!r} once")
        text = text.replace(old, new)
    return text


def init_folder(folder: Path) -> Initialised:
    """Write ``digest.toml``, ``topic.toml`` and an empty ``articles/`` into ``folder``."""
    targets = {
        folder / CONFIG_NAME: config_text(),
        folder / TOPIC_NAME: resources.topic_terms().read_text(encoding="utf-8"),
    }
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise InitError(
            f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''}",
            "digest init never overwrites; edit the file, or init another folder",
        )
    try:
        (folder / ARTICLES).mkdir(parents=True, exist_ok=True)
        for path, text in targets.items():
            with path.open("x", encoding="utf-8") as out:
                out.write(text)
    except OSError as exc:
        raise InitError(f"cannot write into {folder}: {exc.strerror}", "check the folder") from None
    return Initialised(folder, tuple(targets))
