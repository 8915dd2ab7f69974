"""Exceptions for "the command cannot run" (exit status 2); never used for problems in the data."""

from __future__ import annotations


class NianbaoError(Exception):
    """The command cannot run; `message` is the Chinese explanation shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedInput(NianbaoError):
    """The file is of a kind nianbao does not read (.xls, .et, .docx, plain text...)."""


class UnreadableInput(NianbaoError):
    """The file is of the right kind but cannot be read (missing, corrupt, encrypted, too large)."""


class TemplateInvalid(NianbaoError):
    """The Word template cannot be used."""
