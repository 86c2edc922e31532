"""Counts in the operator's messages (CLI, log, preview pages), spelled right.

The digest a reader gets takes its words, plurals included, from
``templates/strings.toml`` in both languages; the operator's interface is
English and uses this one helper, so no message says "1 stories".
"""

from __future__ import annotations


def count(n: int, one: str, other: str | None = None) -> str:
    """``1 story``, ``2 stories``: ``other`` defaults to ``one`` + "s"."""
    return f"{n} {one if n == 1 else (other or one + 's')}"
