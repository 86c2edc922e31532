"""Digests built for sending: the outbox (pending), the archive (sent, failed)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from digest.store.db import Database, now_iso

# Digest statuses: pending (in the outbox), sent, failed (refused for good).
PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True)
class DigestRow:
    """A digest as built for sending: in the outbox (pending), sent, or failed."""

    id: int
    created_at: str
    status: str
    message_id: str
    subject: str
    html: str
    text: str
    json: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    sent_at: str | None
    uncertain_at: str | None = None


class Outbox:
    """The ``digests`` and ``digest_items`` tables."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.conn

    def add_digest(
        self,
        *,
        message_id: str,
        subject: str,
        html: str,
        text: str,
        data: dict[str, Any],
        item_ids: Iterable[int],
        status: str = PENDING,
    ) -> int:
        """Put a built digest in the outbox, with the items it carries."""
        with self._database.transaction():
            cursor = self._db.execute(
                "INSERT INTO digests (created_at, status, message_id, subject, html, text, json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), status, message_id, subject, html, text, json.dumps(data)),
            )
            digest_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT OR IGNORE INTO digest_items VALUES (?, ?)",
                ((digest_id, i) for i in item_ids),
            )
        return digest_id

    def mark_sent(self, digest_id: int) -> None:
        """The server accepted the digest: its items count as sent from now on."""
        with self._database.transaction():
            self._db.execute(
                "UPDATE digests SET status = ?, sent_at = ?, last_error = NULL WHERE id = ?",
                (SENT, now_iso(), digest_id),
            )
            self._db.execute(
                "UPDATE items SET sent_digest_id = ? WHERE sent_digest_id IS NULL AND id IN "
                "(SELECT item_id FROM digest_items WHERE digest_id = ?)",
                (digest_id, digest_id),
            )
            self._db.execute(
                "UPDATE items SET sent_digest_id = ? WHERE sent_digest_id IS NULL AND copy_of IN "
                "(SELECT item_id FROM digest_items WHERE digest_id = ?)",
                (digest_id, digest_id),
            )

    def mark_attempt(
        self,
        digest_id: int,
        *,
        error: str,
        next_attempt_at: str | None,
        permanent: bool,
        uncertain: bool = False,
    ) -> None:
        """A send failed: count it, keep the reason, and say when to retry (or not).

        ``uncertain``: the message went out and no answer came, so it may
        have been delivered; remembered for good (see ``Items.unsent_story_ids``).
        """
        with self._database.transaction():
            self._db.execute(
                "UPDATE digests SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ?, status = ?, "
                "uncertain_at = CASE WHEN ? THEN coalesce(uncertain_at, ?) ELSE uncertain_at END "
                "WHERE id = ?",
                (
                    error,
                    next_attempt_at,
                    FAILED if permanent else PENDING,
                    uncertain,
                    now_iso(),
                    digest_id,
                ),
            )

    def digests(self, *, status: str | None = None, limit: int = 100) -> list[DigestRow]:
        if status:
            rows = self._db.execute(
                "SELECT * FROM digests WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit)
            )
        else:
            rows = self._db.execute("SELECT * FROM digests ORDER BY id DESC LIMIT ?", (limit,))
        return [DigestRow(*r) for r in rows]

    def digest(self, digest_id: int) -> DigestRow | None:
        row = self._db.execute("SELECT * FROM digests WHERE id = ?", (digest_id,)).fetchone()
        return DigestRow(*row) if row else None

    def digest_item_ids(self, digest_id: int) -> list[int]:
        return [
            r[0]
            for r in self._db.execute(
                "SELECT item_id FROM digest_items WHERE digest_id = ?", (digest_id,)
            )
        ]

    def digest_index(self) -> list[dict[str, Any]]:
        """Every digest, newest first, without its bodies: the preview's archive list."""
        rows = self._db.execute(
            "SELECT d.id, d.created_at, d.status, d.subject, d.sent_at, d.attempts, d.last_error, "
            "(SELECT COUNT(*) FROM digest_items di WHERE di.digest_id = d.id), "
            "LENGTH(CAST(d.html AS BLOB)) "
            "FROM digests d ORDER BY d.id DESC"
        )
        names = ("id", "created_at", "status", "subject", "sent_at", "attempts", "last_error")
        return [dict(zip((*names, "items", "html_bytes"), r, strict=True)) for r in rows]

    def last_sent_at(self) -> str | None:
        """When the last digest was sent (ISO time), or None."""
        row = self._db.execute("SELECT MAX(sent_at) FROM digests WHERE status = ?", (SENT,))
        sent_at: str | None = row.fetchone()[0]
        return sent_at
