"""Which config file to read: the discovery order, in one place.

``--config``, then ``$DIGEST_CONFIG``, then ``./digest.toml``, then
``config/digest.toml``, then ``$XDG_CONFIG_HOME/digest/digest.toml``
(``~/.config`` without it), then the built-in defaults. The environment is
handed in by :func:`digest.config.load_config`, the one reader of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_CONFIG = Path("config") / "digest.toml"
LOCAL_CONFIG = Path("digest.toml")
ENV_CONFIG = "DIGEST_CONFIG"
BUILT_IN = "built-in defaults"

__all__ = ["BUILT_IN", "DEFAULT_CONFIG", "ENV_CONFIG", "LOCAL_CONFIG", "find_config"]


def find_config(
    explicit: str | os.PathLike[str] | None, env: Mapping[str, str]
) -> tuple[Path | None, str]:
    """Which config file to read (None: the built-in defaults), and how it was found.

    A file the user named (``--config``, ``$DIGEST_CONFIG``) must exist; the
    others are looked for in order and skipped when absent.
    """
    if explicit:
        return Path(explicit), "--config"
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]), f"${ENV_CONFIG}"
    if LOCAL_CONFIG.is_file():
        return LOCAL_CONFIG, f"./{LOCAL_CONFIG}"
    if DEFAULT_CONFIG.is_file():
        return DEFAULT_CONFIG, str(DEFAULT_CONFIG)
    xdg = env.get("XDG_CONFIG_HOME") or (
        str(Path(env["HOME"]) / ".config") if env.get("HOME") else ""
    )
    if xdg:
        user = Path(xdg) / "digest" / "digest.toml"
        if user.is_file():
            return user, "$XDG_CONFIG_HOME/digest/digest.toml"
    return None, BUILT_IN
