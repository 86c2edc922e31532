"""Files that ship inside the package: templates, interface strings, topic vocabulary, lexicon.

They are found with :mod:`importlib.resources`, so an installed wheel works
from any folder. In the repository, ``digest/_templates`` and
``digest/_config`` are symlinks to the top-level ``templates/`` and
``config/`` folders: those stay the one copy people edit, and the wheel
carries a copy of them (see ``[tool.setuptools.package-data]``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _bundled(*parts: str) -> Path:
    """A real path to a bundled file or folder.

    Jinja2's loader, the preview's file watcher and ``digest init`` need
    paths, so the package must be installed as files (pip always does).
    """
    return Path(str(files("digest").joinpath(*parts))).resolve()


def templates_dir() -> Path:
    """The bundled templates folder (``[digest] templates`` overrides it)."""
    return _bundled("_templates")


def topic_terms() -> Path:
    """The bundled topic vocabulary (``[topic] terms`` overrides it)."""
    return _bundled("_config", "topic.toml")


def lexicon() -> Path:
    """The bundled English–Indonesian lexicon (``[topic] lexicon`` overrides it)."""
    return _bundled("_config", "lexicon.toml")


def default_config_text() -> str:
    """The commented default ``digest.toml``, the starting point of ``digest init``."""
    return _bundled("_config", "digest.toml").read_text(encoding="utf-8")
