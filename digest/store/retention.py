"""Retention: what ``[store] keep_days`` lets go, so that the state file stops growing.

Items first seen before the cutoff lose their text and index rows (their
rows stay, so a source is still known, and sent digests keep their archive);
in the same transaction, the centroids of their stories go when no report of
the story is left in the index. Template lines and counted files not seen
since the cutoff go after. Each step is an index search, cheap when nothing
is due. The file is rewritten (VACUUM) after a prune that freed much of it.

The pipeline (:meth:`digest.jobs.Pipeline.prune`) calls it at most hourly
while it ingests; it passes how an item is forgotten (the deduplicator knows
its band keys), so the SQL stays in the store's repositories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from digest.models import day_number
from digest.store.db import iso

if TYPE_CHECKING:
    from digest.store import Store

# Items forgotten per transaction, and when the file is rewritten (VACUUM)
# after a prune: that many items or more, and that share of the file free.
PRUNE_BATCH = 1000
VACUUM_MIN_ITEMS = 10_000
VACUUM_FREE_SHARE = 0.25


@dataclass(frozen=True)
class Pruned:
    """What one prune let go."""

    items: int = 0
    centroids: int = 0
    template_lines: int = 0

    def __bool__(self) -> bool:
        return bool(self.items or self.centroids or self.template_lines)

    def __str__(self) -> str:
        return (
            f"{self.items} items, {self.centroids} story centroids, "
            f"{self.template_lines} template lines"
        )


def prune(store: Store, cutoff: datetime, forget: Callable[[int, bytes | None], None]) -> Pruned:
    """Forget what was first (items) or last (template lines) seen before ``cutoff``.

    ``forget(item_id, signature)`` drops one item's text and index rows.
    """
    before = iso(cutoff)
    items = centroids = 0
    while stale := store.index.stale_items(before, limit=PRUNE_BATCH):
        with store.transaction():
            stories = store.story_index.stories_of(item_id for item_id, _ in stale)
            for item_id, signature in stale:
                forget(item_id, signature)
            centroids += store.story_index.prune(stories.values())
        items += len(stale)
    with store.transaction():
        lines = store.templates.prune(day_number(cutoff))
    if items >= VACUUM_MIN_ITEMS and store.index.free_fraction() >= VACUUM_FREE_SHARE:
        store.index.vacuum()
    return Pruned(items, centroids, lines)
