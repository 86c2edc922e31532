"""Small text helpers every output shares: one line, a shortened line, a safe link.

Here, below the stages, so that render, message, compose and the preview's
inspector use one definition each instead of importing from one another.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["one_line", "safe_href", "shorten"]

# Control characters go (line-breaking ones become spaces first), and so do
# bidirectional overrides, which can make a subject display as something it is not.
_UNPRINTABLE = {
    code: (" " if chr(code).isspace() else None) for code in (*range(0x20), *range(0x7F, 0xA0))
} | {ord(c): None for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
_SAFE_SCHEMES = ("http", "https")


def one_line(text: str) -> str:
    """``text`` with all whitespace runs (CR, LF, tabs, Unicode breaks) made one space.

    Control characters and bidi overrides are dropped, so the result is safe
    as a header value and displays as what it says.
    """
    return " ".join(text.translate(_UNPRINTABLE).split())


def shorten(text: str, limit: int) -> str:
    """Shorten at a word boundary, so a summary or preview never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ·,:;")
    return cut + "…"


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL that is safe to link, else None.

    Anything else (javascript:, data:, relative paths, URLs with spaces or
    control characters that browsers would quietly strip) is never linked.
    """
    if not url:
        return None
    url = url.strip()
    if any(ord(c) <= 0x20 or c in "\x7f\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return url
