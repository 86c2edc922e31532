"""digest: one clean email digest of Russia–North Korea news.

Data flows one way, one module per stage::

    sources/ (folder, feeds) → clean → topic → dedup → store → compose → render → deliver

driven by :mod:`digest.jobs`. The version has one source of truth: the
installed package metadata.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digest")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
