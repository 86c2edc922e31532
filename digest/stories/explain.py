"""Why a report joined its story, in words a person can check (for the inspector).

The store keeps term keys, not words, so the shared terms are re-derived
from the texts: the report's event terms (:mod:`digest.ingest.features`)
that the story's other reports also have, strongest first. Read-only and
only for the few items on an inspector page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digest.ingest.features import FeatureExtractor
from digest.models import Article

# Shared terms shown per report.
SHOWN = 10


@dataclass(frozen=True)
class Why:
    """The shared terms (strongest first) and in how many of the other reports each is."""

    shared: tuple[tuple[str, int], ...]
    others: int


def shared_terms(extractor: FeatureExtractor, report: Article, others: Sequence[Article]) -> Why:
    """The report's event terms found in the story's other reports, strongest first."""
    mine = extractor.event_terms(report)
    theirs = [set(extractor.event_terms(other)) for other in others]
    found = [
        (term, sum(term in terms for terms in theirs))
        for term in sorted(mine, key=lambda t: (-mine[t], t))
        if any(term in terms for terms in theirs)
    ]
    return Why(tuple((_readable(t), n) for t, n in found[:SHOWN]), len(others))


def _readable(term: str) -> str:
    """'d:2025-04-28' → 'date 2025-04-28'; 'north_korea' → 'north korea'."""
    if term.startswith("d:"):
        return f"date {term[2:]}"
    return term.replace("_", " ")
