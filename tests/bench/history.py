"""A large stored history, synthesised directly in the store.

Ingesting a million files cold takes hours, yet what matching one new item
costs depends only on what the index holds: how many band keys, how many
event postings per term and day, how large the tables are. So the history
beyond the real corpus is written straight into the index tables, through
:meth:`digest.store.Store.bulk_load`, at the corpus's own rate of articles
per day, on the days before it (the new items' ±3-day event window then sees
the same density at every size, as a service that has run for months would):

* each synthetic item's **signature** is 128 random 16-bit values, which is
  what the MinHash of a document unlike any other looks like (each value is
  the minimum of a hash over its own shingles), with its band keys derived as
  for a real item;
* its **event terms** are those of a real item of the corpus (read back from
  the store), so the terms' frequencies and postings follow real text;
* it has no text (as if pruned), since matching never reads it.

A million items take a few minutes and about 2 GB of disk.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from digest.ingest.features import band_keys
from digest.store import Store
from digest.store.index import BulkEntry


def synthesise(store: Store, *, total: int, per_day: int, bands: int, seed: int = 7) -> float:
    """Add synthetic items until the store holds ``total``; return the seconds it took."""
    started = time.perf_counter()
    have = store.db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    if have >= total:
        return 0.0
    vectors = store.db.conn.execute(
        "SELECT terms, weights, indexed FROM event_vectors ORDER BY item_id"
    ).fetchall()
    if not vectors:
        raise ValueError("synthesise needs a store with real items to take event terms from")
    first_day = store.db.conn.execute(
        "SELECT MIN(day) FROM items WHERE text IS NOT NULL"
    ).fetchone()[0]
    done = store.db.conn.execute(
        "SELECT COUNT(*) FROM items WHERE source LIKE 'synthetic/%'"
    ).fetchone()[0]
    rng = random.Random(seed + done)
    cache = store.db.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.db.conn.execute("PRAGMA cache_size = -524288")

    def entries() -> Iterator[BulkEntry]:
        for k in range(done, done + total - have):
            day = first_day - 1 - k // per_day
            published = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
                days=day, seconds=rng.randrange(86400)
            )
            terms, weights, indexed = vectors[k % len(vectors)]
            signature = rng.randbytes(256)
            yield BulkEntry(
                source=f"synthetic/{k:07d}",
                title=f"synthetic item {k}",
                outlet="synthetic",
                published=published.isoformat(timespec="seconds"),
                day=day,
                language="id",
                signature=signature,
                lsh_keys=band_keys(signature, bands),
                terms=terms,
                weights=weights,
                indexed=indexed,
            )

    with store.transaction():
        store.index.bulk_load(entries())
    store.db.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return time.perf_counter() - started
