"""Errors a user can cause, each with a message and a hint on what to fix.

The hierarchy, in one place::

    DigestError                 anything a user can cause; the CLI prints one line, exits 2
    ├── ConfigError             a missing, unreadable or invalid config file or key
    ├── StoreError              the SQLite state file cannot be opened, is locked or is newer
    ├── SourceError             a watched folder or feed list that cannot be used at all
    ├── DeliveryError           the digest could not be handed over (SMTP, Maildir, file)
    │   ├── PermanentDeliveryError   the server refused for good (5xx): retrying will not help
    │   └── UncertainDeliveryError   no answer to the end of DATA: it may have been accepted
    ├── ServiceError            the background service cannot start (e.g. already running)
    └── InitError               `digest init` would overwrite a file, or cannot write

Bad *input* (one broken file, one broken feed) is not an exception that reaches
the user: it is recorded with a reason and the run goes on. These classes are
for what stops a command. Only :mod:`digest.cli` turns them into text.
"""

from __future__ import annotations


class DigestError(Exception):
    """Base class: ``message`` says what is wrong, ``hint`` what to do about it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ConfigError(DigestError):
    """A config file or key is missing or invalid."""

    def __init__(self, message: str, *, key: str | None = None, path: str | None = None) -> None:
        where = path or "the embedded defaults"
        hint = f"check {key} in {where}" if key else f"check {where}"
        super().__init__(message, hint)
        self.key = key
        self.path = path


class StoreError(DigestError):
    """The state database cannot be used."""


class SourceError(DigestError):
    """A source cannot be used at all (not: one bad file, which is only skipped)."""


class DeliveryError(DigestError):
    """The digest could not be delivered; it stays in the outbox and is retried."""


class PermanentDeliveryError(DeliveryError):
    """The receiving server refused for good; retrying the same message will not help."""


class UncertainDeliveryError(DeliveryError):
    """The message went out but its answer never came: it may have been delivered.

    The digest stays pending and is sent again with the same Message-ID (which
    receivers use to drop a duplicate); its stories never go into another digest.
    """


class ServiceError(DigestError):
    """The background service cannot start or run."""


class InitError(DigestError):
    """``digest init`` would overwrite a file, or cannot write into the folder."""
