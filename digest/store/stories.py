"""Story centroids: the part of the store that lets a report be compared with a story.

A story's centroid is the sum of its independent reports' TF-IDF unit
vectors (copies are not independent and do not count), kept as packed arrays
of its ``STORY_TERMS_KEPT`` strongest terms, with the number of reports and
the day of its latest dated one. Comparing a new report with a story reads
one row; adding a report rewrites it. A repository of its own
(``store.story_index``), beside :mod:`digest.store.index`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from digest.store.db import Database
from digest.store.index import KEY_TYPE, WEIGHT_TYPE

# Terms kept per centroid: a report keeps its 40 strongest; a story of many
# reports keeps those its reports share most, the rest of the tail is noise.
STORY_TERMS_KEPT = 80


@dataclass(frozen=True)
class Centroid:
    """The summed unit vectors of a story's reports (not normalised), and their count."""

    vector: dict[int, float]
    reports: int
    latest_day: int | None

    def added(self, vector: dict[int, float], day: int | None) -> Centroid:
        summed = dict(self.vector)
        for key, weight in vector.items():
            summed[key] = summed.get(key, 0.0) + weight
        return Centroid(summed, self.reports + 1, _later(self.latest_day, day))

    def removed(self, vector: dict[int, float]) -> Centroid:
        summed = dict(self.vector)
        for key, weight in vector.items():
            if key in summed:
                summed[key] -= weight
        return Centroid(
            {k: w for k, w in summed.items() if w > 1e-6}, max(0, self.reports - 1), self.latest_day
        )


def _later(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else max(a, b)


def _marks(n: int) -> str:
    return ",".join("?" * n)


class StoryIndex:
    """Centroids by story id, and which story each candidate item belongs to."""

    def __init__(self, db: Database) -> None:
        self._db = db.conn

    def stories_of(self, item_ids: Iterable[int]) -> dict[int, int]:
        """{item id: story id} for the given items (one statement)."""
        ids = list(item_ids)
        if not ids:
            return {}
        rows = self._db.execute(
            f"SELECT id, story_id FROM items WHERE id IN ({_marks(len(ids))}) "
            "AND story_id IS NOT NULL",
            ids,
        )
        return dict(rows)

    def centroids(self, story_ids: Iterable[int]) -> dict[int, Centroid]:
        """Stored centroids of the given stories (one statement)."""
        ids = list(story_ids)
        if not ids:
            return {}
        rows = self._db.execute(
            "SELECT story_id, terms, weights, reports, latest_day FROM story_vectors "
            f"WHERE story_id IN ({_marks(len(ids))})",
            ids,
        )
        return {
            story: Centroid(
                dict(zip(array(KEY_TYPE, keys), array(WEIGHT_TYPE, weights), strict=True)),
                reports,
                latest,
            )
            for story, keys, weights, reports, latest in rows
        }

    def save(self, story_id: int, centroid: Centroid) -> None:
        """Store a story's centroid, its strongest ``STORY_TERMS_KEPT`` terms only."""
        kept = sorted(centroid.vector.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_TERMS_KEPT]
        self._db.execute(
            "INSERT OR REPLACE INTO story_vectors VALUES (?, ?, ?, ?, ?)",
            (
                story_id,
                array(KEY_TYPE, [k for k, _ in kept]).tobytes(),
                array(WEIGHT_TYPE, [w for _, w in kept]).tobytes(),
                centroid.reports,
                centroid.latest_day,
            ),
        )

    def reset(self) -> None:
        self._db.execute("DELETE FROM story_vectors")

    def prune(self, story_ids: Iterable[int]) -> int:
        """Retention: drop the centroids of these stories none of whose reports is indexed.

        A report reaches a story only through an indexed member; once
        retention has forgotten them all, its centroid is dead weight.
        Returns how many went. Call inside the transaction that forgot them.
        """
        ids = sorted(set(story_ids))
        removed = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            removed += self._db.execute(
                f"DELETE FROM story_vectors WHERE story_id IN ({_marks(len(chunk))}) "
                "AND NOT EXISTS (SELECT 1 FROM items i JOIN signatures s ON s.item_id = i.id "
                "WHERE i.story_id = story_vectors.story_id)",
                chunk,
            ).rowcount
        return removed
