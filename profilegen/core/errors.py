"""One exception family. The CLI maps each class to an exit code; core code only raises.

Every message is one line that names the place (option, file, key) and the fix.
"""

from __future__ import annotations


class ProfilegenError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, *problems: str) -> None:
        self.problems: tuple[str, ...] = tuple(p for p in problems if p) or ("unknown error",)
        super().__init__("\n".join(self.problems))


class InputError(ProfilegenError):
    """Bad options, bad config file or bad values: the user can fix it. Exit 2."""


def read_problem(exc: OSError, *, where: str, wanted: str) -> str:
    """One line for a file that cannot be read: ``where`` names it, ``wanted`` says what to give."""
    if isinstance(exc, FileNotFoundError):
        return f"{where} does not exist; give {wanted}"
    if isinstance(exc, IsADirectoryError):
        return f"{where} is a directory; give {wanted}"
    return f"{where}: cannot read ({exc.strerror}); give {wanted}"


class OutputExistsError(InputError):
    """A file would be overwritten without --force. Exit 2."""


class RenderMismatchError(ProfilegenError):
    """The rendered document does not parse back to the intended data: a bug in profilegen.

    Never written to disk. Exit 70 (EX_SOFTWARE) so that CI can tell it from user error.
    """

    exit_code = 70


class ServiceError(ProfilegenError):
    """A service (Jamf Pro) cannot be reached, refuses the credentials or lacks a privilege. Exit 3."""

    exit_code = 3
