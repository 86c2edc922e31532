"""Copies: re-posts of one article, found through MinHash LSH and folded into their original.

A re-post (other chrome, another headline, light edits) shares most of its
word shingles with the original. Each item's MinHash signature is cut into
band keys stored in an indexed table (:mod:`digest.store.index`); a new
item's candidates are the items sharing a band key, each verified by the
Jaccard similarity the two signatures estimate. Copies form a tree under
one original (its **root**); an item that turns out older than the root it
matched takes the root's place (see :mod:`digest.stories.dedup`).

The work per item is a bounded number of indexed lookups, whatever the
number of items stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from digest.config import DedupConfig
from digest.ingest.features import Features, band_keys
from digest.store import Store

COPY_CANDIDATES_VERIFIED = 30
# A copy must predate its match by this much to take over as the original.
ORIGINAL_MARGIN = timedelta(hours=1)


class Copies:
    """The copy level of deduplication: candidates, verification, and the copy tree's root."""

    def __init__(self, store: Store, config: DedupConfig) -> None:
        self.store = store
        self.config = config

    def find_original(self, features: Features, *, exclude: int) -> tuple[int, float] | None:
        """The stored item this one copies, with the estimated Jaccard, if any."""
        shared = self.store.index.lsh_candidates(
            features.lsh_keys, limit=COPY_CANDIDATES_VERIFIED + 1
        )
        shared.pop(exclude, None)
        if not shared:
            return None
        best = sorted(shared, key=lambda i: (-shared[i], i))[:COPY_CANDIDATES_VERIFIED]
        scored = [
            (features.estimated_jaccard(sig), item_id)
            for item_id, sig in self.store.index.signatures(best).items()
        ]
        scored = [s for s in scored if s[0] >= self.config.copy_threshold]
        if not scored:
            return None
        similarity, item_id = max(scored, key=lambda s: (s[0], -s[1]))
        return item_id, similarity

    def band_keys(self, signature: bytes | None) -> tuple[int, ...]:
        """The LSH keys a stored signature was indexed under (none without a signature)."""
        return band_keys(signature, self.config.bands) if signature else ()

    def is_older(self, published: datetime, root: int) -> bool:
        """Whether an item published at ``published`` predates ``root`` (a dated one) enough."""
        rows = self.store.items.rows([root])
        if not rows or rows[0].date_is_fallback:
            return False
        return published < rows[0].published - ORIGINAL_MARGIN

    def root(self, item_id: int) -> int:
        """The original at the top of an item's copy tree (the item itself if no copy)."""
        seen = {item_id}
        while True:
            parent = self.store.items.placement(item_id)[0]
            if parent is None or parent in seen:
                return item_id
            seen.add(parent)
            item_id = parent
