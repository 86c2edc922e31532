"""Where documents come from: watched folders of scraped files, and feeds.

Each source yields :class:`~digest.models.SourceItem` values (decoded, not yet
cleaned) and :class:`~digest.models.Skipped` records for what it could not use;
nothing a single bad file or entry does raises out of a source.
"""

from digest.ingest.sources.folder import (
    FileState,
    Unchanged,
    file_state,
    scan_folders,
    state_of,
)

__all__ = ["FileState", "Unchanged", "file_state", "scan_folders", "state_of"]
