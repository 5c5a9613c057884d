"""Errors raised by the package.

    ExtractError
    ├── InputError          the input is bad: not our bug, reported as the document's status
    │   ├── UnreadableInput     cannot be opened or decoded at all (0 bytes, binary, corrupt)
    │   └── PasswordProtected   an encrypted PDF that needs a password we do not have
    └── InternalError       a bug of ours: the batch records it with its traceback and goes on

Third-party exceptions (pdfminer, lxml, sudachipy) are wrapped at the reader boundary.
"""


class ExtractError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ExtractError):
    """The input cannot be turned into a document; `code` is the issue code reported."""

    code = "bad_input"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UnreadableInput(InputError):
    code = "unreadable"


class PasswordProtected(InputError):
    code = "password_protected"


class InternalError(ExtractError):
    """A defect in the pipeline itself."""
