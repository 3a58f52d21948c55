"""The project's exceptions. The CLI turns each into one line on stderr and its exit code."""

from __future__ import annotations


class StanceError(Exception):
    """Base class: a problem the user can fix, with the exit code the CLI should use."""

    exit_code = 1


class DataError(StanceError):
    """Labelled data or input articles that cannot be used as they are."""


class ModelError(StanceError):
    """A model file or its manifest is missing, corrupt or incompatible."""


class OutputError(StanceError):
    """An output cannot be written (exists without --force, folder missing, not writable)."""


class UsageError(StanceError):
    """Arguments that do not fit together."""

    exit_code = 2
