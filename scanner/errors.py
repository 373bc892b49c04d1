"""Error types: each says what went wrong and, where it can, what to do next."""

from __future__ import annotations

from pathlib import PurePosixPath


class AibomError(Exception):
    """Base of every error aibom raises on purpose; `hint` tells the user what to do next."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(AibomError):
    """A usage or input error the user must fix (exit code 2): bad option, root, policy."""


class SourceError(AibomError):
    """One input file could not be read; it becomes a `problems` entry, never a fatal error."""

    def __init__(self, path: PurePosixPath | str, reason: str, *, line: int | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = PurePosixPath(path)
        self.reason = reason
        self.line = line


class LimitExceeded(SourceError):
    """An input is over a safety limit (size, nesting, members, opcodes): read no further."""
