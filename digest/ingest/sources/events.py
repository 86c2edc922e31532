"""What a source yields, as one tagged union the ingest job dispatches on with isinstance.

A folder scan yields items, skipped files and unchanged files (each may carry
the file's state, see :func:`~digest.ingest.sources.folder.state_of`); a feed
poll yields items, skipped entries and, last, the feed's new state.
"""

from __future__ import annotations

from typing import TypeAlias

from digest.ingest.sources.feeds import FeedPolled
from digest.ingest.sources.folder import Unchanged
from digest.models import Skipped, SourceItem

SourceEvent: TypeAlias = SourceItem | Skipped | Unchanged | FeedPolled

__all__ = ["FeedPolled", "Skipped", "SourceEvent", "SourceItem", "Unchanged"]
