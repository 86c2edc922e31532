"""Deduplication at two levels: copies fold into their original, reports into a story.

**Copies** (:mod:`digest.stories.copies`). A re-post of the same article
(other chrome, another headline, light edits) shares most of its word shingles
with the original. Each item gets a MinHash signature of its word
``shingle_size``-shingles (rensa); the signature is cut into ``bands`` bands
and each band hashed to a key stored in an indexed table. A new item's
candidates are the items sharing a band key; each candidate is verified by the
Jaccard similarity its signature estimates, and the best at or above
``copy_threshold`` is the original. With 5–15% of words edited, shingle
Jaccard falls to 0.3–0.6, hence a low threshold and many bands (64 bands of 2
rows find a pair at Jaccard 0.3 with p ≈ 0.998), with verification weeding out
the chance candidates.

**Stories.** Independent reports of one event share little wording but the
same names, places, figures, dates and action. Each item gets a weighted term
vector (aliases and the lexicon map English and Indonesian to one term,
figures normalised, words stemmed, stop words and the topic's ever-present
names dropped; headline and lede only, headline and capitalised names weighted
up, dates as terms); its strongest terms go into an index keyed by (term,
day), items without a known date under a day of their own. A new item's
candidates are the items sharing index terms within ``event_window_days`` of
its day (so a story stays open that long after its latest report) plus the
undated ones; their **stories** are then compared as wholes, by the cosine of
the item's TF-IDF vector (plain IDF) with each story's centroid, and
:mod:`digest.stories.events` decides: the best story at or above
``event_threshold`` unless another comes within ``event_ambiguity``. Each
stored vector is kept weighted and normalised as of when it was indexed, so
comparing needs the document frequencies of the new item's terms only.

Either way the work per new item is a bounded number of indexed lookups (a
handful of statements, each capped): it does not grow with the number of
items stored. The features themselves are computed in :mod:`digest.ingest.features`,
without the store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import mul

from digest.ingest.eventwords import mentioned_days
from digest.ingest.features import (
    FEATURE_VERSION,
    SEED,
    FeatureExtractor,
    Features,
    band_keys,
    shingle_words,
    shingles,
    signature_similarity,
    term_key,
    words,
)
from digest.ingest.figures import normalise_numbers
from digest.store import Store
from digest.store.index import UNDATED_DAY
from digest.store.stories import Centroid
from digest.stories.copies import COPY_CANDIDATES_VERIFIED, ORIGINAL_MARGIN, Copies
from digest.stories.events import Decision, decide, score_story

__all__ = [
    "COPY_CANDIDATES_VERIFIED",
    "FEATURE_VERSION",
    "ORIGINAL_MARGIN",
    "SEED",
    "Deduplicator",
    "FeatureExtractor",
    "Features",
    "Placement",
    "band_keys",
    "cosine",
    "mentioned_days",
    "normalise_numbers",
    "shingle_words",
    "shingles",
    "signature_similarity",
    "term_key",
    "words",
]

EVENT_TERMS_INDEXED = 12  # of an item's terms, the strongest, indexed for candidate lookup
# Candidates ranked by shared index terms; on a generated corpus (README,
# "Performance") the first report of the same event ranked first in 95% of
# cases and within the top 15 in 99%; verifying fewer halves the main cost.
EVENT_CANDIDATES_VERIFIED = 15
# Inverse document frequency to the first power: a term in few reports (a
# name, a place) outweighs the words every report of a kind shares. Squared,
# it fitted the ECB+ tune topics and lost on the held-out ones; the ablation
# (README, "Stories") kept the plain power with event_threshold 0.20, then
# names ×2: check halves up (sameday 0.751 -> 0.770, realdates 0.926 ->
# 0.975), tune halves level or up.
IDF_POWER = 1
MAX_DAY = 1 << 30  # beyond any real day: an undated item's window is unbounded


@dataclass(frozen=True)
class Placement:
    """Where an item went: a copy of ``copy_of`` and/or a member of ``story_id``."""

    copy_of: int | None
    copy_similarity: float | None
    story_id: int
    story_similarity: float | None
    matched_item: int | None


@dataclass(frozen=True)
class _Weighted:
    """An item's event terms weighted by the store's current document frequencies."""

    vector: dict[int, float]  # term key → TF-IDF weight, normalised to length 1
    indexed: list[int]  # the strongest term keys, for the (term, day) index
    keys: tuple[int, ...]  # every term key, for the document frequencies


def cosine(a: dict[int, float], keys: Sequence[int], weights: Sequence[float]) -> float:
    """Cosine of two unit-length vectors (the second as parallel keys and weights).

    Written as maps over C functions: it runs for up to 30 candidates per item.
    """
    total: float = sum(map(mul, weights, map(a.get, keys, repeat(0.0))))
    return total


class Deduplicator:
    """Places new items against the stored index: as copies, into stories."""

    def __init__(self, store: Store, extractor: FeatureExtractor) -> None:
        self.store = store
        self.extractor = extractor
        self.config = extractor.config
        self.copies = Copies(store, self.config)

    def weigh(self, features: Features) -> _Weighted:
        """TF-IDF weights of the item's terms and the ones to index (one store lookup)."""
        keys = features.term_keys
        df, docs = self.store.index.document_frequencies(keys)
        found, log, total = df.get, math.log, docs + 1
        weights = [
            weight * (log(total / (found(key, 0) + 1)) + 1.0) ** IDF_POWER
            for key, weight in zip(keys, features.terms.values(), strict=True)
        ]
        norm = math.sqrt(sum(w * w for w in weights)) or 1.0
        terms = list(features.terms)
        ranked = sorted(range(len(keys)), key=lambda i: (-weights[i], terms[i]))
        return _Weighted(
            vector={k: w / norm for k, w in zip(keys, weights, strict=True)},
            indexed=[keys[i] for i in ranked[:EVENT_TERMS_INDEXED]],
            keys=keys,
        )

    def window(self, features: Features) -> list[tuple[int, int]]:
        """The event index's day ranges to search for this item's candidates.

        A dated item: its window (a story stays open ``event_window_days``
        after any of its reports, hence after its latest) and the bucket of
        undated items. An undated item: every day, newest first.
        """
        if not features.dated:
            return [(UNDATED_DAY, MAX_DAY)]
        window = self.config.event_window_days
        return [(features.day - window, features.day + window), (UNDATED_DAY, UNDATED_DAY)]

    def find_story(
        self, features: Features, weighted: _Weighted, *, exclude: int
    ) -> tuple[Decision, dict[int, Centroid], int | None]:
        """Decide the story of a new report: (decision, candidate centroids, best member).

        A bounded number of statements: candidate items (one), their
        stories (one), the stories' centroids (one), the candidates' vectors
        (one, to name the member most like the report).
        """
        if not features.terms:
            return Decision(None, None, "no event terms"), {}, None
        shared = self.store.index.event_candidates(
            weighted.indexed, self.window(features), limit=EVENT_CANDIDATES_VERIFIED + 1
        )
        shared.pop(exclude, None)
        best = sorted(shared, key=lambda i: (-shared[i], i))[:EVENT_CANDIDATES_VERIFIED]
        index = self.store.story_index
        stories = index.stories_of(best)
        centroids = index.centroids(set(stories.values()))
        scored = [
            score_story(weighted.vector, story, centroid) for story, centroid in centroids.items()
        ]
        decision = decide(
            scored, threshold=self.config.event_threshold, ambiguity=self.config.event_ambiguity
        )
        member = None
        if decision.best is not None:
            members = [i for i in best if stories.get(i) == decision.best.story_id]
            vectors = self.store.index.event_vectors(members)
            member = max(
                members,
                key=lambda i: (
                    (cosine(weighted.vector, *vectors[i]), -i) if i in vectors else (-1, -i)
                ),
                default=None,
            )
        return decision, centroids, member

    def unindex(self, item_id: int) -> None:
        """Remove an item's index rows and its share of its story (before it is re-placed)."""
        copy_of, story = self.store.items.placement(item_id)
        vectors = self.store.index.event_vectors([item_id])
        if copy_of is None and story is not None and item_id in vectors:
            index = self.store.story_index
            centroid = index.centroids([story]).get(story)
            if centroid is not None:
                terms, weights = vectors[item_id]
                index.save(story, centroid.removed(dict(zip(terms, weights, strict=True))))
        signature, _ = self.store.index.index_entry(item_id)
        self.store.index.remove_from_index(item_id, self.copies.band_keys(signature))

    def forget(self, item_id: int, signature: bytes | None) -> None:
        """Retention: drop an old item's text and index rows, keep its row."""
        self.store.index.forget(item_id, self.copies.band_keys(signature))

    def place(self, item_id: int, features: Features, *, published: datetime | None) -> Placement:
        """Decide and record where a new or changed on-topic item belongs, and index it.

        ``published`` is the item's own (not fallback) publication time, if
        known: a copy found to be older than the item it matched becomes the
        original, so that a wire story stays the lead over its re-posts.
        """
        store, copies = self.store, self.copies
        copy = copies.find_original(features, exclude=item_id)
        if copy is not None and copies.root(copy[0]) == item_id:
            copy = None  # a changed original matched one of its own copies: it stays the original
        store.index.add_signature(item_id, features.signature, features.lsh_keys)
        if copy is not None:
            original, similarity = copy
            root = copies.root(original)
            story = store.items.placement(root)[1] or store.items.new_story()
            if published is not None and copies.is_older(published, root):
                store.items.reparent(root, item_id)
                store.items.set_placement(
                    item_id,
                    copy_of=None,
                    copy_similarity=None,
                    story_id=story,
                    story_similarity=None,
                    matched_item=None,
                )
                store.items.set_copy_similarity(root, similarity)
                store.index.move_event_index(root, item_id, self._index_day(features))
                return Placement(None, None, story, None, root)
            store.items.set_placement(
                item_id,
                copy_of=root,
                copy_similarity=similarity,
                story_id=story,
                story_similarity=None,
                matched_item=original,
            )
            return Placement(root, similarity, story, None, original)
        weighted = self.weigh(features)
        decision, centroids, member = self.find_story(features, weighted, exclude=item_id)
        matched: int | None = None
        score: float | None = None
        if decision.best is not None:
            # Joined or not, the closest story's report and score are kept:
            # the inspector shows why a report stayed apart, too.
            matched, score = member, decision.best.score
        story = decision.story_id if decision.story_id is not None else store.items.new_story()
        if features.terms:
            centroid = centroids.get(story, Centroid({}, 0, None))
            day = features.day if features.dated else None
            store.story_index.save(story, centroid.added(weighted.vector, day))
        store.items.set_placement(
            item_id,
            copy_of=None,
            copy_similarity=None,
            story_id=story,
            story_similarity=score,
            matched_item=matched,
        )
        if features.terms:
            store.index.add_event_terms(
                item_id, self._index_day(features), weighted.vector, weighted.indexed
            )
            store.index.add_document_terms(weighted.keys)
        return Placement(None, None, story, score, matched)

    @staticmethod
    def _index_day(features: Features) -> int:
        return features.day if features.dated else UNDATED_DAY
